package summary

import (
	"slices"
	"storybot/internal/cite"
	"storybot/internal/textan"
	"strings"

	"storybot/internal/answer"
	"storybot/internal/knowledge"
)

// citedSentence is one sentence of model output with its citation numbers.
type citedSentence struct {
	text  string // without markers
	cites []int  // in order, without repeats
}

// parseCited splits model output into paragraphs of sentences and the
// markers each sentence ends with. Markers that open a sentence belong to
// the one before ("... in July. [2] Then ...").
func parseCited(text string) [][]citedSentence {
	var out [][]citedSentence
	for _, para := range sentencesByParagraph(text) {
		var ss []citedSentence
		for _, s := range para {
			// leading markers go to the previous sentence
			for {
				locs := cite.Find(s)
				if len(locs) == 0 || strings.TrimSpace(s[:locs[0][0]]) != "" || len(ss) == 0 {
					break
				}
				ss[len(ss)-1].cites = appendNew(ss[len(ss)-1].cites, cite.Numbers(s[locs[0][0]:locs[0][1]]))
				s = strings.TrimSpace(s[locs[0][1]:])
			}
			if s == "" {
				continue
			}
			var cs citedSentence
			cs.cites = appendNew(cs.cites, cite.All(s))
			cs.text = cleanSpaces(cite.Strip(s))
			if cs.text == "" {
				if len(ss) > 0 {
					ss[len(ss)-1].cites = append(ss[len(ss)-1].cites, cs.cites...)
				}
				continue
			}
			ss = append(ss, cs)
		}
		if len(ss) > 0 {
			out = append(out, ss)
		}
	}
	return out
}

// sentencesByParagraph returns the sentences of text (textan.Sentences),
// grouped by the blank-line paragraphs they stand in.
func sentencesByParagraph(text string) [][]string {
	var out [][]string
	prev := 0
	for _, s := range textan.Sentences(text) {
		// two line breaks between sentences leave a line without text
		if len(out) == 0 || strings.Count(text[prev:s.Start], "\n") >= 2 {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], s.Text)
		prev = s.End
	}
	return out
}

// appendNew appends the numbers of ns that dst does not hold yet.
func appendNew(dst, ns []int) []int {
	for _, n := range ns {
		if !slices.Contains(dst, n) {
			dst = append(dst, n)
		}
	}
	return dst
}

// cleanSpaces collapses white space and removes spaces left before
// punctuation where markers were taken out.
func cleanSpaces(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{".", ",", ";", ":", "!", "?", "”", ")"} {
		s = strings.ReplaceAll(s, " "+p, p)
	}
	return strings.TrimSpace(s)
}

// checkStats counts what a citation check removed.
type checkStats struct {
	markers   int // markers naming nothing allowed, removed
	sentences int // sentences left without a citation, dropped
}

// checkCited keeps, in each sentence, only the citations that allowed
// accepts, and drops the sentences left with none.
func checkCited(paras [][]citedSentence, allowed func(int) bool) ([][]citedSentence, checkStats) {
	var st checkStats
	var out [][]citedSentence
	for _, ss := range paras {
		var keep []citedSentence
		for _, s := range ss {
			var cs []int
			for _, n := range s.cites {
				if allowed(n) {
					cs = append(cs, n)
				} else {
					st.markers++
				}
			}
			if len(cs) == 0 {
				st.sentences++
				continue
			}
			keep = append(keep, citedSentence{text: s.text, cites: cs})
		}
		if len(keep) > 0 {
			out = append(out, keep)
		}
	}
	return out, st
}

// formatCited writes sentences back with their markers as they are (used
// for notes, which keep the global passage numbers).
func formatCited(paras [][]citedSentence) string {
	return writeCited(paras, func(_ citedSentence, g int) int { return g })
}

// renumber writes the final text with citations renumbered by first use and
// resolved to passages; byN maps the numbers the model saw to passages. A
// citation whose passage shares almost no words with the sentence is
// flagged.
func renumber(an *textan.Analyzer, paras [][]citedSentence, byN map[int]*knowledge.Passage) (string, []answer.Citation) {
	c := citer{an: an}
	text := writeCited(paras, func(s citedSentence, g int) int {
		p := byN[g]
		n := c.cite(p, s.text)
		if f := support(an, s.text, p); f != "" && c.cites[n-1].Flagged == "" {
			c.cites[n-1].Flagged = f
		}
		return n
	})
	return text, c.list()
}

// writeCited writes paragraphs of sentences, each followed by the markers
// that number returns for its citations.
func writeCited(paras [][]citedSentence, number func(s citedSentence, g int) int) string {
	var b strings.Builder
	for i, ss := range paras {
		if i > 0 {
			b.WriteString("\n\n")
		}
		for j, s := range ss {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s.text)
			for _, g := range s.cites {
				b.WriteString(" " + cite.Format(number(s, g)))
			}
		}
	}
	return b.String()
}

// support returns why passage p looks unlikely to support sentence s, or ""
// when at least a fifth of the sentence's content words are in it.
func support(an *textan.Analyzer, s string, p *knowledge.Passage) string {
	st := an.Terms(s)
	if len(st) < 3 {
		return ""
	}
	pt := map[string]bool{}
	for _, t := range an.Terms(p.Text) {
		pt[t] = true
	}
	in := 0
	for _, t := range st {
		if pt[t] {
			in++
		}
	}
	if float64(in)/float64(len(st)) < 0.2 {
		return "the passage shares few words with the sentence that cites it"
	}
	return ""
}
