package summary

import (
	"regexp"
	"unicode"

	"storybot/internal/cite"
	"storybot/internal/textan"
)

// srcSentence is a sentence of a passage: its text on one line, cleaned
// (see splitSentences), and where it stands in the passage's text.
type srcSentence struct {
	text       string
	start, end int // byte offsets in the passage's text
}

// splitSentences splits source text into sentences (textan.Sentences: the
// lines of a hard-wrapped paragraph joined), each on one line, with
// bracketed reference marks ("[10]") removed, so that they cannot be taken
// for the summary's own citation markers, and a run of reference numbers
// left at the start by superscript citations dropped.
func splitSentences(text string) []string {
	var out []string
	for _, s := range sentenceSpans(text) {
		out = append(out, s.text)
	}
	return out
}

// sentenceSpans is splitSentences with each sentence's offsets.
func sentenceSpans(text string) []srcSentence {
	var out []srcSentence
	ss := textan.Sentences(text)
	for i := 0; i < len(ss); i++ {
		s := ss[i]
		if joined, ok := textan.WithQuotation(text, ss, i); ok { // "… and cried," with what was cried
			s = joined
			i++
		}
		t := cleanSpaces(cite.Strip(s.Text))
		if t = refRun.ReplaceAllString(t, "$1"); t != "" {
			if s.Resumed { // a piece of a sentence too long to quote whole says so
				t = "… " + t
			}
			if s.Continued {
				t += " …"
			}
			out = append(out, srcSentence{text: t, start: s.Start, end: s.End})
		}
	}
	return out
}

// refRun matches a list of reference numbers left at the start of a
// sentence by superscript citations ("6, 7 Herein, we ..."); a single number
// is kept, as it is more often a count ("3 diplomats").
var refRun = regexp.MustCompile(`^\d{1,3}(?:\s*[,–-]\s*\d{1,3})+[,\s]+(\p{Lu})`)

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', ')', ']', '»':
		return true
	}
	return unicode.Is(unicode.Pf, r)
}
