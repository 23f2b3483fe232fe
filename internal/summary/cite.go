package summary

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"storybot/internal/answer"
	"storybot/internal/knowledge"
)

// markerRe matches citation markers: [3], [2, 5], [2; 5].
var markerRe = regexp.MustCompile(`\[\s*(\d{1,4}(?:\s*[,;]\s*\d{1,4})*)\s*\]`)

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
	for _, para := range splitParagraphs(text) {
		var ss []citedSentence
		for _, s := range splitParagraph(para) {
			// leading markers go to the previous sentence
			for {
				loc := markerRe.FindStringSubmatchIndex(s)
				if loc == nil || strings.TrimSpace(s[:loc[0]]) != "" || len(ss) == 0 {
					break
				}
				ss[len(ss)-1].cites = appendNums(ss[len(ss)-1].cites, s[loc[2]:loc[3]])
				s = strings.TrimSpace(s[loc[1]:])
			}
			if s == "" {
				continue
			}
			var cs citedSentence
			for _, m := range markerRe.FindAllStringSubmatch(s, -1) {
				cs.cites = appendNums(cs.cites, m[1])
			}
			cs.text = cleanSpaces(stripMarkers(s))
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

// stripMarkers removes every citation marker from s, including those that
// removing another one brings together ("[0[1]]").
func stripMarkers(s string) string {
	for markerRe.MatchString(s) {
		s = markerRe.ReplaceAllString(s, "")
	}
	return s
}

func appendNums(dst []int, list string) []int {
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			continue
		}
		dup := false
		for _, d := range dst {
			dup = dup || d == n
		}
		if !dup {
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
			for _, n := range s.cites {
				fmt.Fprintf(&b, " [%d]", n)
			}
		}
	}
	return b.String()
}

// renumber writes the final text with citations renumbered by first use and
// resolved to passages; byN maps the numbers the model saw to passages. A
// citation whose passage shares almost no words with the sentence is
// flagged.
func renumber(paras [][]citedSentence, byN map[int]*knowledge.Passage) (string, []answer.Citation) {
	var c citer
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
				p := byN[g]
				n := c.cite(p, s.text)
				if f := support(s.text, p); f != "" && c.cites[n-1].Flagged == "" {
					c.cites[n-1].Flagged = f
				}
				fmt.Fprintf(&b, " [%d]", n)
			}
		}
	}
	return b.String(), c.list()
}

// support returns why passage p looks unlikely to support sentence s, or ""
// when at least a fifth of the sentence's content words are in it.
func support(s string, p *knowledge.Passage) string {
	st := terms(s)
	if len(st) < 3 {
		return ""
	}
	pt := map[string]bool{}
	for _, t := range terms(p.Text) {
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
