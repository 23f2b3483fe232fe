package knowledge

import (
	"path"
	"regexp"
	"storybot/internal/textan"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file finds a document's title: in its first paragraph, a "Title:"
// line, or its file name made readable.

// readableName turns "dir/albania-cuts_ties.txt" into "Albania cuts ties".
func readableName(rel string) string {
	base := path.Base(rel)
	base = strings.TrimSuffix(base, path.Ext(base))
	if n := len(base); n > 11 && isDate(base[n-10:]) && strings.ContainsRune("-_ ", rune(base[n-11])) {
		base = base[:n-11] // the date is Document.Date
	}
	f := strings.FieldsFunc(base, func(r rune) bool { return r == '_' || r == '-' || r == ' ' || r == '.' })
	s := strings.Join(f, " ")
	if s == "" {
		return base
	}
	return textan.Capitalize(s)
}

// wordy reports whether a file name made readable holds a word, letters
// without a digit ("Albania cuts ties", "Hr"; not "000 3c22a4c634682dc4",
// an ID).
func wordy(name string) bool {
	for _, w := range strings.Fields(name) {
		if !strings.ContainsFunc(w, unicode.IsDigit) && strings.ContainsFunc(w, unicode.IsLetter) {
			return true
		}
	}
	return false
}

// titleWords is how many opening words openingWords keeps.
const titleWords = 8

// openingWords is the first titleWords words of text's first line, with
// "…" when it goes on: the title of a document whose file name is no
// words ("Iran’s July cyberattack on Albania proved to be the …").
func openingWords(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	f := strings.Fields(line)
	if len(f) <= titleWords {
		return strings.Join(f, " ")
	}
	return strings.Join(f[:titleWords], " ") + " …"
}

// titleLike reports whether a one-line paragraph reads as a heading: short,
// starting with a capital letter, several words, no final punctuation, not a
// "Key: value" line or a link.
func titleLike(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 3 || utf8.RuneCountInString(s) > 160 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if unicode.IsPunct(last) && last != ')' {
		return false
	}
	if strings.Contains(s, "://") || metaLine.MatchString(s) {
		return false
	}
	if strings.Contains(s, ". ") || strings.Contains(s, "? ") || strings.Contains(s, "! ") {
		return false
	}
	words := len(strings.Fields(s))
	return words >= 2 && words <= 24
}

// maxTitleLines is how many leading lines of a plain text file's first
// paragraph can make its title (titles wrap; a subtitle is a line of its own).
const maxTitleLines = 3

// splitTitle finds the title of a plain text file in its first paragraph:
// its leading lines (at most maxTitleLines) when they read as a title and
// end the paragraph or are followed by a link or a metadata line, as in
// "Title\nhttps://…" or "Title: a wrapped\nsubtitle\n\nText…". The title
// lines become a heading paragraph; the paragraph's other lines stay text
// (same paragraph number). paras is returned unchanged when there is none.
func splitTitle(paras []*para) []*para {
	p := paras[0]
	lines := make([]string, len(p.starts))
	for i, s := range p.starts {
		e := len(p.text)
		if i+1 < len(p.starts) {
			e = p.starts[i+1] - 1
		}
		lines[i] = strings.TrimSpace(p.text[s:e])
	}
	if v, ok := titleField(lines[0]); ok {
		return withTitle(paras, v, 1)
	}
	n := 0
	for n < len(lines) && n < maxTitleLines && !linkOrMeta(lines[n]) {
		n++
	}
	if n == 0 || (n < len(lines) && !linkOrMeta(lines[n])) {
		return paras // prose, or a title we cannot tell from its text
	}
	title := lines[0]
	for _, l := range lines[1:n] {
		if strings.HasSuffix(title, "-") && !strings.HasSuffix(title, " -") {
			title += l // a word split at the line end: non-\npharmaceutical
		} else {
			title += " " + l
		}
	}
	title = strings.TrimRight(title, ",;: ")
	if !readsAsTitle(title) {
		return paras
	}
	return withTitle(paras, title, n)
}

// withTitle makes the first n lines of paras[0] a heading paragraph with
// the text title, and keeps its other lines as a paragraph of their own.
func withTitle(paras []*para, title string, n int) []*para {
	p := paras[0]
	head := &para{n: p.n, line: p.line, text: title, heading: title, starts: []int{0}}
	if n >= len(p.starts) {
		return append([]*para{head}, paras[1:]...)
	}
	off := p.starts[n]
	rest := &para{n: p.n, line: p.line + n, text: p.text[off:]}
	for _, s := range p.starts[n:] {
		rest.starts = append(rest.starts, s-off)
	}
	return append([]*para{head, rest}, paras[1:]...)
}

// field splits a "Key: value" line into its key, lower-cased, and its
// value, unquoted; ok is false without a colon.
func field(l string) (key, value string, ok bool) {
	k, v, ok := strings.Cut(strings.TrimSpace(l), ":")
	if !ok {
		return "", "", false
	}
	return strings.ToLower(strings.TrimSpace(k)), strings.Trim(strings.TrimSpace(v), `"'`), true
}

// titleField returns the value of a "Title: value" line.
func titleField(l string) (string, bool) {
	k, v, ok := field(l)
	return v, ok && k == "title" && v != ""
}

// metaKeys are the keys of "Key: value" lines that describe a document
// rather than title it.
var metaKeys = map[string]bool{
	"author": true, "authors": true, "by": true, "date": true, "published": true,
	"updated": true, "source": true, "url": true, "link": true, "doi": true,
	"license": true, "licence": true, "tags": true, "keywords": true,
	"category": true, "categories": true, "sha": true, "from": true, "to": true,
	"subject": true, "summary": true, "abstract": true, "version": true, "status": true,
}

// linkOrMeta reports whether a line of a first paragraph is a link or a
// metadata line ("Authors: …", "date 2022-09-07"), which ends a title.
func linkOrMeta(l string) bool {
	if strings.Contains(l, "://") || strings.HasPrefix(strings.ToLower(l), "www.") || datePrefix.MatchString(l) {
		return true
	}
	if m := metaLine.FindString(l); m != "" {
		return metaKeys[strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m), ":")))]
	}
	return false
}

// IsMetadata reports whether s, a line or sentence of a document, is its
// metadata rather than its text: a bare link, or a "Key: value" line of
// metaKeys or "title" ("SHA: …", "Authors: …", "Date: 2020-02-17"), but
// not an abstract or a summary, which is text.
func IsMetadata(s string) bool {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, " \t") && (strings.Contains(s, "://") || strings.HasPrefix(strings.ToLower(s), "www.")) {
		return true
	}
	if metaLine.FindString(s) == "" {
		return false
	}
	k, _, _ := field(s)
	return k == "title" || metaKeys[k] && k != "abstract" && k != "summary"
}

// MetadataKey returns the key of a "Key: value" line, lower-cased
// ("authors", "license" of a metadata line: IsMetadata), or "".
func MetadataKey(s string) string {
	k, _, _ := field(s)
	return k
}

// abstractStart starts a paper's abstract: a line "Abstract: …" or a
// heading "Abstract".
var abstractStart = regexp.MustCompile(`(?im)^[ \t#*_]*abstract\b`)

// OpensAbstract reports whether a line of text (a passage, a heading or a
// sentence) starts a paper's abstract, which says what the paper is about.
func OpensAbstract(text string) bool { return abstractStart.MatchString(text) }

// titleAbbrevs may end a title or sit inside one before ". ".
var titleAbbrevs = map[string]bool{"spp": true, "sp": true, "ssp": true, "al": true, "etc": true, "vs": true, "var": true, "no": true, "vol": true, "st": true, "dr": true, "mr": true, "mrs": true, "ms": true, "inc": true, "ltd": true, "co": true, "jr": true, "sr": true}

// readsAsTitle reports whether s (a candidate title, lines joined) reads as
// a title rather than prose: 3 to 300 characters, starting with a capital,
// a digit or a quote (or a word with a capital inside, as in "iNR-Drug"),
// and no word ending in a full stop (initials and abbreviations such as
// "C. difficile" and "spp." aside). Question and exclamation marks may
// stand anywhere: "Viruses First? A Personal Perspective".
func readsAsTitle(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 3 || n > 300 || strings.Contains(s, "://") {
		return false
	}
	first, _, _ := strings.Cut(s, " ")
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(first, "‘“'\"([«"))
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) && !strings.ContainsFunc(first, unicode.IsUpper) {
		return false
	}
	words := strings.Fields(s)
	if len(words) < 2 && !unicode.IsLetter(r) { // "Flax", "Races": a tale's title may be one word
		return false
	}
	for _, w := range words {
		if !strings.HasSuffix(w, ".") {
			continue
		}
		stem := strings.TrimRight(w, ".")
		r, size := utf8.DecodeRuneInString(stem)
		initial := size == len(stem) && unicode.IsUpper(r)
		if !initial && !titleAbbrevs[strings.ToLower(stem)] {
			return false
		}
	}
	return true
}
