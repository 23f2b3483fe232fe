package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/unicode/norm"
)

// pdfPages is PDF, run guarded.
func pdfPages(ctx context.Context, data []byte) ([]string, error) {
	start := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-"))
	if start < 0 {
		return nil, fmt.Errorf("%w: not a PDF (no %%PDF- header)", ErrMalformed)
	}
	data = data[start:]
	// The reader accepts versions 1.0-1.7; PDF 2.0 files read the same way.
	if bytes.HasPrefix(data, []byte("%PDF-2.")) {
		data = append([]byte("%PDF-1.7"), data[8:]...)
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) || bytes.Contains(data, []byte("/Encrypt")) {
			return nil, fmt.Errorf("PDF is %w (password protected): save an unprotected copy", ErrEncrypted)
		}
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	n := r.NumPage()
	if n <= 0 {
		return nil, fmt.Errorf("%w: no pages", ErrMalformed)
	}
	const maxPages = 10000
	if n > maxPages {
		return nil, fmt.Errorf("%w: %d pages (more than %d)", ErrMalformed, n, maxPages)
	}
	list := pageList(r, n)
	var pages []string
	any := false
	for i := range n {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var p pdf.Page // a page missing from the tree reads as a blank page
		if i < len(list) {
			p = list[i]
		}
		text := pageText(p)
		if text != "" {
			any = true
		}
		pages = append(pages, text)
	}
	if !any {
		return nil, ErrNoTextLayer
	}
	return pages, nil
}

// pageList returns up to limit pages of r in document order, walking the
// page tree once. Reader.Page(i) walks it from the root for every page,
// which is quadratic in a flat tree (LibreOffice and many generators put
// every page in one /Kids array): a 4,000-page file took 90 s. The walk
// stops at a depth of 64 and after visiting 2*limit+64 nodes, so a tree
// whose /Kids loop back cannot hold it.
func pageList(r *pdf.Reader, limit int) []pdf.Page {
	var pages []pdf.Page
	budget := 2*limit + 64
	var walk func(node pdf.Value, depth int)
	walk = func(node pdf.Value, depth int) {
		kids := node.Key("Kids")
		for i := 0; i < kids.Len() && len(pages) < limit && budget > 0; i++ {
			budget--
			kid := kids.Index(i)
			switch kid.Key("Type").Name() {
			case "Pages":
				if depth < 64 {
					walk(kid, depth+1)
				}
			case "Page":
				pages = append(pages, pdf.Page{V: kid})
			}
		}
	}
	if root := r.Trailer().Key("Root").Key("Pages"); root.Key("Type").Name() == "Pages" {
		walk(root, 0)
	}
	return pages
}

type pdfLine struct {
	y, size float64
	text    strings.Builder
}

// pageText rebuilds the lines and paragraphs of one page from its glyphs.
func pageText(p pdf.Page) string {
	if p.V.IsNull() {
		return ""
	}
	glyphs := p.Content().Text
	var lines []*pdfLine
	var cur *pdfLine
	var lastX, lastEnd float64
	for _, g := range glyphs {
		if g.S == "\n" || g.S == "" {
			continue
		}
		size := math.Abs(g.FontSize)
		if size == 0 {
			size = 10
		}
		if cur == nil || math.Abs(g.Y-cur.y) > size*0.5 {
			cur = &pdfLine{y: g.Y, size: size}
			lines = append(lines, cur)
		} else if g.X > lastEnd+size*0.15 && g.X != lastX && !endsSpace(cur.text.String()) && g.S != " " {
			cur.text.WriteByte(' ')
		}
		if g.S == "\u00a0" {
			g.S = " "
		}
		g.S = unligature(g.S)
		cur.text.WriteString(g.S)
		lastX, lastEnd = g.X, g.X+g.W
	}
	if len(lines) == 0 {
		return ""
	}
	// The usual line spacing: the median of the gaps between neighbours.
	var gaps []float64
	for i := 1; i < len(lines); i++ {
		if d := lines[i-1].y - lines[i].y; d > 0 {
			gaps = append(gaps, d)
		}
	}
	sort.Float64s(gaps)
	usual := 0.0
	if len(gaps) > 0 {
		usual = gaps[(len(gaps)-1)/2]
	}
	var paras []string
	var para strings.Builder
	endPara := func() {
		if s := collapse(para.String()); s != "" {
			paras = append(paras, s)
		}
		para.Reset()
	}
	for i, l := range lines {
		t := strings.TrimSpace(l.text.String())
		if i > 0 {
			prev := lines[i-1]
			gap := prev.y - l.y
			if gap < 0 || (usual > 0 && gap > usual*1.4) || math.Abs(l.size-prev.size) > prev.size*0.2 {
				endPara()
			}
		}
		if t == "" {
			continue
		}
		s := para.String()
		switch {
		case s == "":
		case strings.HasSuffix(s, "-") && len(s) > 1 && isLetterBefore(s) && startsLower(t):
			para.Reset()
			para.WriteString(strings.TrimSuffix(s, "-"))
		default:
			para.WriteByte(' ')
		}
		para.WriteString(t)
	}
	endPara()
	return strings.Join(paras, "\n\n")
}

// unligature spells out the Latin ligature glyphs (U+FB00-U+FB06: ff, fi,
// fl, ffi, ffl, ſt, st) that typeset PDFs draw for letter pairs, so that
// "final" matches the word drawn as "ﬁnal". Other compatibility characters
// are kept as they are.
func unligature(s string) string {
	if !strings.ContainsFunc(s, isLigature) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isLigature(r) {
			b.WriteString(norm.NFKC.String(string(r)))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isLigature(r rune) bool { return r >= 0xFB00 && r <= 0xFB06 }

func endsSpace(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return s == "" || unicode.IsSpace(r)
}

func isLetterBefore(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSuffix(s, "-"))
	return unicode.IsLetter(r)
}

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}
