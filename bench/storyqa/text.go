// Package storyqa is the baseline for questions about one story at a time
// (FairytaleQA, ../shared/eval/fairytaleqa, with each story alone, as in
// storybot eval --per-doc): a plain BM25 over ~1,000-character passages of
// whole paragraphs and storybot's own index over the same stories, scored by
// passage hit@k (a top-k passage overlaps the question's gold_lines), and a
// sentence BM25 whose three best sentences are checked for the answer.
//
// The plain BM25 reads the files itself (blank-line paragraphs, the lines
// of a paragraph joined), so its numbers do not move when storybot's loader
// or analyzer change. Terms come from bleve's English analyzer ("en").
package storyqa

import (
	"strings"
	"unicode"
)

// Chunk is a run of text with its 1-based line range in the file.
type Chunk struct {
	Text      string
	StartLine int
	EndLine   int
}

// Paragraphs splits text into its paragraphs (runs of non-blank lines),
// each with its line range; the lines of a paragraph are joined with single
// spaces (hard-wrapped text). Carriage returns are dropped.
func Paragraphs(text string) []Chunk {
	var out []Chunk
	var cur []string
	start := 0
	flush := func(end int) {
		if len(cur) > 0 {
			out = append(out, Chunk{Text: strings.Join(cur, " "), StartLine: start, EndLine: end})
			cur = nil
		}
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r", ""), "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			flush(i)
			continue
		}
		if len(cur) == 0 {
			start = i + 1
		}
		cur = append(cur, l)
	}
	flush(len(lines))
	return out
}

// Passages groups consecutive whole paragraphs into passages of about size
// characters: a paragraph joins the current passage while the passage stays
// within size, so a paragraph longer than size is a passage of its own.
func Passages(paras []Chunk, size int) []Chunk {
	var out []Chunk
	for _, p := range paras {
		if n := len(out); n > 0 && len(out[n-1].Text)+1+len(p.Text) <= size {
			out[n-1].Text += "\n" + p.Text
			out[n-1].EndLine = p.EndLine
			continue
		}
		out = append(out, p)
	}
	return out
}

// Sentences splits each paragraph into sentences: a sentence ends at ., !
// or ? (and any closing quotes or brackets after them) followed by white
// space and a word that does not start in lower case ("Go!" he said. is one
// sentence). It is deliberately plain (no abbreviation list).
func Sentences(paras []Chunk) []string {
	var out []string
	for _, p := range paras {
		out = append(out, splitSentences(p.Text)...)
	}
	return out
}

func splitSentences(s string) []string {
	var out []string
	rs := []rune(s)
	start := 0
	for i := 0; i < len(rs); i++ {
		if !strings.ContainsRune(".!?", rs[i]) {
			continue
		}
		j := i + 1
		for j < len(rs) && (strings.ContainsRune(".!?", rs[j]) || strings.ContainsRune("\"'”’)]", rs[j])) {
			j++
		}
		if j < len(rs) && unicode.IsSpace(rs[j]) && !lowerNext(rs[j:]) {
			if t := strings.TrimSpace(string(rs[start:j])); t != "" {
				out = append(out, t)
			}
			start, i = j, j
		}
	}
	if t := strings.TrimSpace(string(rs[start:])); t != "" {
		out = append(out, t)
	}
	return out
}

// lowerNext reports whether the first non-space rune of rs is a lower-case
// letter.
func lowerNext(rs []rune) bool {
	for _, r := range rs {
		if !unicode.IsSpace(r) {
			return unicode.IsLower(r)
		}
	}
	return false
}
