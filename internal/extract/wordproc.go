package extract

import (
	"encoding/xml"
	"io"
	"strings"
)

// bodyPage reads the XML member name of z, the body of a word processor's
// document (DOCX, ODT), with body, which turns its tokens into paragraphs,
// and returns the document's one page (textParas.page). An error of body
// is the member's, malformed.
func bodyPage(z *zipArchive, name string, body func(d *xml.Decoder, p *textParas) error) ([]string, error) {
	d, err := z.decoder(name)
	if err != nil {
		return nil, err
	}
	var p textParas
	if err := body(d, &p); err != nil {
		return nil, z.malformed(name, err)
	}
	return p.page()
}

// eachToken calls f with each token of d, in order, until d ends (nil) or
// d or f fails (that error).
func eachToken(d *xml.Decoder, f func(tok xml.Token) error) error {
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := f(tok); err != nil {
			return err
		}
	}
}

// tocEntry is the level textParas gives a paragraph to drop: an entry of a
// table of contents, which repeats the headings.
const tocEntry = -1

// textParas collects the paragraphs of a word processor's document (DOCX,
// ODT) as it is read. A paragraph can start inside another (a text box
// anchored in a paragraph), so the open ones are a stack; a paragraph is
// done, and put after those done before it, at its end.
type textParas struct {
	open []*textPara
	done []string
}

// textPara is an open paragraph.
type textPara struct {
	text  strings.Builder
	level int // heading level; 0 for body text, tocEntry to drop
}

// start opens a paragraph: a heading of level, or body text (0).
func (p *textParas) start(level int) { p.open = append(p.open, &textPara{level: level}) }

// style sets the heading level of the innermost open paragraph.
func (p *textParas) style(level int) {
	if n := len(p.open); n > 0 {
		p.open[n-1].level = level
	}
}

// write adds s to the innermost open paragraph; "\n" is a line break.
// Text outside paragraphs is dropped.
func (p *textParas) write(s string) {
	if n := len(p.open); n > 0 {
		p.open[n-1].text.WriteString(s)
	}
}

// end closes the innermost open paragraph: its lines with white space
// collapsed, without empty ones; a heading on one line after its "#"s.
func (p *textParas) end() {
	n := len(p.open)
	if n == 0 {
		return // an end without a start, in a damaged file
	}
	para := p.open[n-1]
	p.open = p.open[:n-1]
	var lines []string
	for _, line := range strings.Split(para.text.String(), "\n") {
		if line = collapse(line); line != "" {
			lines = append(lines, line)
		}
	}
	switch {
	case len(lines) == 0 || para.level == tocEntry:
	case para.level > 0:
		p.done = append(p.done, strings.Repeat("#", para.level)+" "+strings.Join(lines, " "))
	default:
		p.done = append(p.done, strings.Join(lines, "\n"))
	}
}

// page is the document's one page, ErrNoText when it has no readable text.
func (p *textParas) page() ([]string, error) {
	for len(p.open) > 0 { // paragraphs a damaged file did not close
		p.end()
	}
	if len(p.done) == 0 || !hasLetters(p.done) {
		return nil, ErrNoText
	}
	return []string{strings.Join(p.done, "\n\n") + "\n"}, nil
}
