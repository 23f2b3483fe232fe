package bot

import (
	"context"
	"regexp"
	"strings"

	"storybot/internal/answer"
	"storybot/internal/knowledge"
)

// ExtractiveSummarizer is the Summarizer used until a better one is wired: a
// summary quotes the first sentence of the leading passages, a timeline the
// sentences that carry a date, each cited. It is safe for concurrent use.
type ExtractiveSummarizer struct{ Library Library }

var _ Summarizer = ExtractiveSummarizer{}

var sentenceEnd = regexp.MustCompile(`[.!?](\s|$)`)

var dateRE = regexp.MustCompile(`(?i)\b(January|February|March|April|May|June|July|August|September|October|November|December)\b|\b(19|20)\d\d\b`)

func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if loc := sentenceEnd.FindStringIndex(s); loc != nil {
		return strings.TrimSpace(s[:loc[0]+1])
	}
	return s
}

func (e ExtractiveSummarizer) docs(doc string) ([]*knowledge.Document, error) {
	all := e.Library.Catalog().Docs
	if doc == "" {
		return all, nil
	}
	for _, d := range all {
		if d.Path == doc {
			return []*knowledge.Document{d}, nil
		}
	}
	return nil, userErrorf("I have no document %q; see /sources.", doc)
}

func cite(p knowledge.Passage, n int, quote string) answer.Citation {
	return answer.Citation{N: n, Doc: p.Doc, Title: p.Title, Location: p.Location(), Quote: quote, PassageID: p.ID, Text: p.Text}
}

// Summary quotes the first sentence of up to 3, 6 or 10 passages (short,
// medium, long), taken in turn from each document.
func (e ExtractiveSummarizer) Summary(ctx context.Context, req SummaryRequest, onDelta func(string)) (answer.Answer, error) {
	docs, err := e.docs(req.Doc)
	if err != nil {
		return answer.Answer{}, err
	}
	n := map[string]int{"short": 3, "long": 10}[req.Length]
	if n == 0 {
		n = 6
	}
	a := answer.Answer{Mode: answer.ModeExtractive}
	var lines []string
	for i := 0; len(lines) < n; i++ {
		more := false
		for _, d := range docs {
			if i >= len(d.Passages) || len(lines) >= n {
				continue
			}
			more = true
			p := d.Passages[i]
			s := firstSentence(p.Text)
			if s == "" {
				continue
			}
			c := cite(p, len(a.Citations)+1, s)
			a.Citations = append(a.Citations, c)
			lines = append(lines, s+" ["+itoa(c.N)+"]")
		}
		if !more {
			break
		}
	}
	if len(lines) == 0 {
		a.Refused = true
		a.Text = "There is nothing in the knowledge folder to summarise yet."
		return a, nil
	}
	a.Text = strings.Join(lines, " ")
	return a, ctx.Err()
}

// Timeline lists the sentences that carry a date, in document order, each
// cited: the first req.Max of them (all when it is 0).
func (e ExtractiveSummarizer) Timeline(ctx context.Context, req TimelineRequest) (Timeline, error) {
	docs, err := e.docs(req.Doc)
	if err != nil {
		return Timeline{}, err
	}
	tl := Timeline{Answer: answer.Answer{Mode: answer.ModeExtractive}}
	var lines []string
	for _, d := range docs {
		for _, p := range d.Passages {
			s := firstSentence(p.Text)
			if !dateRE.MatchString(s) {
				continue
			}
			if req.Max > 0 && len(lines) >= req.Max {
				tl.Omitted++
				continue
			}
			c := cite(p, len(tl.Citations)+1, s)
			tl.Citations = append(tl.Citations, c)
			lines = append(lines, "• "+s+" ["+itoa(c.N)+"]")
		}
	}
	if len(lines) == 0 {
		tl.Refused = true
		tl.Text = "I found no dated events in the knowledge folder."
		return tl, nil
	}
	tl.Text = strings.Join(lines, "\n")
	return tl, ctx.Err()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
