package summary

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// splitSentences splits source text into sentences. A sentence ends at . ! ? or …
// (with any closing quotes or brackets) followed by white space and a
// capital letter, a digit or an opening quote; a blank line always ends one.
// Common abbreviations ("Mr.", "U.S.", "e.g.") and initials do not end a
// sentence. Each sentence is trimmed and its inner white space collapsed.
func splitSentences(text string) []string {
	var out []string
	for _, para := range splitParagraphs(text) {
		for _, s := range splitParagraph(para) {
			s = cleanSpaces(markerRe.ReplaceAllString(s, ""))
			if s = refRun.ReplaceAllString(s, "$1"); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// refRun matches a list of reference numbers left at the start of a
// sentence by superscript citations ("6, 7 Herein, we ..."); a single number
// is kept, as it is more often a count ("3 diplomats"). Bracketed references
// ("[10]") are removed from source sentences before, so that they cannot be
// taken for the summary's own citation markers.
var refRun = regexp.MustCompile(`^\d{1,3}(?:\s*[,–-]\s*\d{1,3})+[,\s]+(\p{Lu})`)

// splitParagraphs splits text at blank lines and joins each block's lines
// with single spaces.
func splitParagraphs(text string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			flush()
			continue
		}
		cur = append(cur, l)
	}
	flush()
	return out
}

func splitParagraph(p string) []string {
	p = strings.Join(strings.Fields(p), " ")
	var out []string
	start := 0
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		end := i + n
		if r == '.' || r == '!' || r == '?' || r == '…' {
			// absorb runs of terminators and closing quotes/brackets
			for end < len(p) {
				r2, n2 := utf8.DecodeRuneInString(p[end:])
				if r2 == '.' || r2 == '!' || r2 == '?' || r2 == '…' || isCloser(r2) {
					end += n2
					continue
				}
				break
			}
			if end >= len(p) {
				break
			}
			if p[end] == ' ' && end+1 < len(p) {
				next, _ := utf8.DecodeRuneInString(p[end+1:])
				if (unicode.IsUpper(next) || unicode.IsDigit(next) || isOpener(next)) && !(r == '.' && isAbbrev(p[start:i])) {
					out = append(out, strings.TrimSpace(p[start:end]))
					start = end + 1
				}
			}
		}
		i = end
	}
	if s := strings.TrimSpace(p[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', ')', ']', '»':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '“', '‘', '(', '[', '«':
		return true
	}
	return false
}

var abbrevs = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "jr": true, "sr": true,
	"gen": true, "col": true, "lt": true, "sgt": true, "capt": true, "gov": true, "sen": true, "rep": true,
	"pres": true, "rev": true, "hon": true, "vs": true, "no": true, "fig": true, "inc": true, "ltd": true,
	"co": true, "corp": true, "dept": true, "univ": true, "approx": true, "est": true, "mt": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "e.g": true, "i.e": true,
	"u.s": true, "u.k": true, "u.n": true, "a.m": true, "p.m": true, "ca": true, "cf": true, "al": true,
}

// isAbbrev reports whether the text before a full stop ends with an
// abbreviation or a single-letter initial.
func isAbbrev(before string) bool {
	w := before
	if i := strings.LastIndexAny(w, " (“\"‘"); i >= 0 {
		w = w[i+1:]
	}
	if w == "" {
		return false
	}
	if utf8.RuneCountInString(w) == 1 {
		r, _ := utf8.DecodeRuneInString(w)
		return unicode.IsUpper(r)
	}
	return abbrevs[strings.ToLower(w)]
}

// words returns the lower-cased words of s (letters and digits), with
// possessive endings removed.
func words(s string) []string {
	var out []string
	f := strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’')
	})
	for _, w := range f {
		w = strings.Trim(w, "'’")
		w = strings.ToLower(w)
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// terms returns the content words of s: words without stop words, folded by
// a light suffix stemmer so that "attack", "attacks" and "attacked" meet.
func terms(s string) []string {
	var out []string
	for _, w := range words(s) {
		if stopWords[w] || (len(w) < 2 && !isDigits(w)) {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// stem removes a few common English suffixes. It is deliberately light: it
// only needs to make inflected forms meet, not to produce real stems.
func stem(w string) string {
	if utf8.RuneCountInString(w) <= 4 {
		return w
	}
	for _, suf := range []string{"ations", "ation", "ings", "ing", "ies", "ied", "ers", "ed", "es", "s", "ly"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			w = strings.TrimSuffix(w, suf)
			if suf == "ies" || suf == "ied" {
				w += "y"
			}
			return w
		}
	}
	return w
}

// stopWords are English function words. "us" is kept out on purpose: in news
// it is far more often the United States than the pronoun.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all also am an and any are as at be
	because been before being below between both but by can could did do does doing down during each few for
	from further had has have having he her here hers herself him himself his how i if in into is it its itself
	just me more most my myself no nor not now of off on once only or other our ours ourselves out over own
	same she should so some such than that the their theirs them themselves then there these they this those
	through to too under until up very was we were what when where which while who whom why will with would
	you your yours yourself yourselves said says say one two three may might must shall upon since per via
	would'nt don't isn't wasn't it's he's she's they're we're i'm`) {
		m[w] = true
	}
	return m
}()
