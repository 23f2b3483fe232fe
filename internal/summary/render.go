package summary

import (
	"fmt"
	"strings"

	"storybot/internal/answer"
)

// FormatSummary renders a summary as plain text for a terminal or a chat
// message: its heading, the text, any warnings, then one line per source.
func FormatSummary(s Summary) string {
	var b strings.Builder
	if h := s.Heading(); h != "" {
		b.WriteString(h + ":\n")
	}
	b.WriteString(s.Text)
	b.WriteString("\n")
	for _, w := range s.Warnings {
		fmt.Fprintf(&b, "\n(%s)", w)
	}
	if len(s.Warnings) > 0 {
		b.WriteString("\n")
	}
	writeSources(&b, s.Citations)
	return b.String()
}

// Heading names what the summary covers, as a timeline's first line does:
// "Summary of the knowledge folder", "Summary of “The Toad Woman”, about
// “the dog”"; "" for one that found nothing to summarise (its text says
// so).
func (s Summary) Heading() string {
	if s.NotCovered || s.Scope == "" {
		return ""
	}
	h := "Summary of " + s.Scope
	if s.Scope != folderScope {
		h = "Summary of “" + s.Scope + "”"
	}
	if s.Focus != "" {
		h += ", about “" + s.Focus + "”"
	}
	return h
}

// FormatTimeline renders a timeline as plain text: one line per event,
// "DATE (as written) — event [n]", then the sources. Dates whose year is
// unknown show as "?".
func FormatTimeline(t Timeline) string {
	var b strings.Builder
	if len(t.Events) == 0 {
		b.WriteString(t.Note)
		b.WriteString("\n")
		return b.String()
	}
	fmt.Fprintf(&b, "Timeline of %s:\n", t.Scope)
	for _, e := range t.Events {
		b.WriteString(EventLine(e))
		b.WriteString("\n")
	}
	if t.Omitted > 0 {
		more := "events"
		if t.Omitted == 1 {
			more = "event"
		}
		fmt.Fprintf(&b, "… and %d more %s.\n", t.Omitted, more)
	}
	for _, w := range t.Warnings {
		fmt.Fprintf(&b, "\n(%s)", w)
	}
	if len(t.Warnings) > 0 {
		b.WriteString("\n")
	}
	var cites []answer.Citation
	seen := map[int]bool{}
	for _, e := range t.Events {
		for _, c := range e.Citations {
			if !seen[c.N] {
				seen[c.N] = true
				cites = append(cites, c)
			}
		}
	}
	writeSources(&b, cites)
	return b.String()
}

// EventLine renders one event: "2022-07-15 (July 15) — Washington … [4]".
func EventLine(e Event) string {
	d := e.Date
	switch {
	case e.Unresolved:
		d = fmt.Sprintf("? (%s, date unknown)", e.DateText)
	case e.DateText != e.Date:
		d = fmt.Sprintf("%s (%s)", e.Date, e.DateText)
	}
	var cs []string
	for _, c := range e.Citations {
		cs = append(cs, fmt.Sprintf("[%d]", c.N))
	}
	return fmt.Sprintf("%s — %s %s", d, e.Text, strings.Join(cs, ""))
}

func writeSources(b *strings.Builder, cites []answer.Citation) {
	if len(cites) == 0 {
		return
	}
	b.WriteString("\nSources:\n")
	for _, c := range cites {
		b.WriteString(answer.SourceLine(c))
		if c.Flagged != "" {
			fmt.Fprintf(b, " — doubtful: %s", c.Flagged)
		}
		b.WriteString("\n")
	}
}

// Answer returns the summary as an answer.Answer (text with [n] markers and
// its citations), for code that renders answers: the Discord bot.
// Refused is set when the focus matched nothing.
func (s Summary) Answer() answer.Answer {
	return answer.Answer{
		Question:  s.Focus,
		Text:      s.Text,
		Mode:      s.Mode,
		Refused:   s.NotCovered,
		Citations: append([]answer.Citation{}, s.Citations...),
		Warnings:  append([]string{}, s.Warnings...),
		Usage:     s.Usage,
	}
}

// Answer returns the timeline as an answer.Answer: one line per event
// (EventLine) and the citations in order of first use. An empty timeline's
// text is its Note. Events left out by TimelineRequest.Max are not
// mentioned: the caller words that (see Omitted).
func (t Timeline) Answer() answer.Answer {
	a := answer.Answer{Mode: t.Mode, Citations: []answer.Citation{}, Warnings: append([]string{}, t.Warnings...), Usage: t.Usage}
	if len(t.Events) == 0 {
		a.Text = t.Note
		return a
	}
	var lines []string
	seen := map[int]bool{}
	for _, e := range t.Events {
		lines = append(lines, EventLine(e))
		for _, c := range e.Citations {
			if !seen[c.N] {
				seen[c.N] = true
				a.Citations = append(a.Citations, c)
			}
		}
	}
	a.Text = strings.Join(lines, "\n")
	return a
}
