// Package knowledge holds the documents of the knowledge folder and the
// passages they are split into, and loads them from disk.
//
// A Passage is the unit that is retrieved, sent to the model and cited: it
// knows its document, the section heading it falls under, its paragraph
// numbers and its line range, so a citation can say "¶11, lines 21-22".
package knowledge

import (
	"fmt"
	"strings"
	"time"
)

// Document is one file of the knowledge folder, parsed.
type Document struct {
	Path     string    // relative to the knowledge folder, slash-separated
	Title    string    // front matter title, first heading, or the file name made readable
	Date     string    // YYYY-MM-DD when the document has one, else ""
	Hash     string    // hex SHA-256 of the file's bytes
	Size     int64     // bytes on disk
	ModTime  time.Time // modification time when loaded
	Passages []Passage // in document order
}

// Passage is a bounded run of whole paragraphs of one document.
type Passage struct {
	ID        string // stable while the document path and text are unchanged
	Doc       string // Document.Path
	Title     string // Document.Title
	Section   string // heading the passage falls under, "" before any
	Page      int    // 1-based page for paged formats (PDF), else 0
	ParaStart int    // 1-based paragraph numbers (within the page for paged formats)
	ParaEnd   int
	StartLine int // 1-based line range in the source text
	EndLine   int
	Text      string
}

// Location renders where a passage stands, for citations:
// "¶11, lines 21-22", "¶3-4, lines 5-8", "¶2, line 3" for a one-line
// passage, or "p. 3, ¶2" for paged formats. Programs should read the
// StartLine and EndLine fields (start_line, end_line in JSON) rather than
// parse this text.
func (p Passage) Location() string {
	para := fmt.Sprintf("¶%d", p.ParaStart)
	if p.ParaEnd > p.ParaStart {
		para = fmt.Sprintf("¶%d-%d", p.ParaStart, p.ParaEnd)
	}
	if p.Page > 0 {
		return fmt.Sprintf("p. %d, %s", p.Page, para)
	}
	if p.EndLine <= p.StartLine {
		return fmt.Sprintf("%s, line %d", para, p.StartLine)
	}
	return fmt.Sprintf("%s, lines %d-%d", para, p.StartLine, p.EndLine)
}

// Span returns the part text[start:end] of the passage's text as a passage
// of its own, for citing one sentence: its paragraph numbers and lines are
// those the part stands on (line k of Text is line StartLine+k, and a blank
// line separates paragraphs). ID, Doc, Title, Section and Page are kept.
// Offsets out of range are clamped.
func (p Passage) Span(start, end int) Passage {
	start = min(max(start, 0), len(p.Text))
	end = min(max(end, start), len(p.Text))
	before := p.Text[:start]
	part := p.Text[start:end]
	q := p
	q.Text = part
	q.StartLine = p.StartLine + strings.Count(before, "\n")
	q.EndLine = q.StartLine + strings.Count(strings.TrimRight(part, "\n"), "\n")
	q.ParaStart = p.ParaStart + paraBreaks(before)
	q.ParaEnd = q.ParaStart + paraBreaks(part)
	if q.ParaEnd > p.ParaEnd && p.ParaEnd >= p.ParaStart {
		q.ParaEnd = p.ParaEnd
	}
	return q
}

// paraBreaks counts the blank lines that separate paragraphs in s (a run of
// blank lines counts once).
func paraBreaks(s string) int {
	n := 0
	for i := strings.Index(s, "\n\n"); i >= 0; i = strings.Index(s, "\n\n") {
		n++
		s = strings.TrimLeft(s[i:], "\n")
	}
	return n
}
