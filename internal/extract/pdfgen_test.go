package extract

import (
	"bytes"
	"fmt"
	"strings"
)

// A tiny PDF writer for tests: it lays out text with the standard Helvetica
// font (WinAnsi encoding), optionally an image instead of text (a "scanned"
// page), and writes a correct cross-reference table.

type textRun struct {
	x, y, size float64
	s          string // WinAnsi bytes
}

type testPage struct {
	runs  []textRun
	image bool // draw a 2x2 grey image and no text
}

// paragraphs lays out paragraphs of lines from the top of a page: 14 pt line
// spacing inside a paragraph, 28 pt between paragraphs; a line starting with
// "# " is set in 18 pt.
func paragraphs(paras ...[]string) testPage {
	var p testPage
	y := 760.0
	for _, para := range paras {
		for _, line := range para {
			size := 11.0
			if strings.HasPrefix(line, "# ") {
				size, line = 18, strings.TrimPrefix(line, "# ")
				y -= 8
			}
			p.runs = append(p.runs, textRun{72, y, size, line})
			y -= 14
		}
		y -= 14
	}
	return p
}

func pdfEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	return r.Replace(s)
}

type pdfOptions struct {
	encrypt bool // add a Standard security handler whose password is not empty
	// ligatures: the font's /Differences map codes 1, 2 and 3 to the glyphs
	// /fi, /fl and /ffi, as typesetters (TeX, Word) emit them; the text layer
	// then holds U+FB01, U+FB02 and U+FB03.
	ligatures bool
	// group > 0 puts the pages in intermediate /Pages nodes of group pages
	// each (a balanced page tree, as Acrobat and Word write it); 0 is one
	// flat /Kids array (as LibreOffice writes it).
	group int
	// selfKid makes the root /Pages node its own first kid: a damaged tree
	// whose /Kids loop back.
	selfKid bool
}

func buildPDF(pages []testPage, opt pdfOptions) []byte {
	var objs []string // objs[i] is object i+1
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	catalog := add("") // filled later
	pagesObj := add("")
	encoding := "/WinAnsiEncoding"
	if opt.ligatures {
		encoding = "<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /fi /fl /ffi] >>"
	}
	font := add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding " + encoding + " >>")
	img := add("<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 4 >>\nstream\n\x80\x40\x40\x80\nendstream")
	var kids []string
	for _, pg := range pages {
		var c bytes.Buffer
		if pg.image {
			c.WriteString("q 500 0 0 700 50 50 cm /Im1 Do Q\n")
		}
		for _, r := range pg.runs {
			fmt.Fprintf(&c, "BT /F1 %g Tf %g %g Td (%s) Tj ET\n", r.size, r.x, r.y, pdfEscape(r.s))
		}
		content := add(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", c.Len(), c.String()))
		page := add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>", pagesObj, font, img, content))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	count := len(kids)
	if opt.group > 0 {
		var nodes []string
		for len(kids) > 0 {
			n := min(opt.group, len(kids))
			node := add(fmt.Sprintf("<< /Type /Pages /Parent %d 0 R /Kids [%s] /Count %d >>", pagesObj, strings.Join(kids[:n], " "), n))
			nodes = append(nodes, fmt.Sprintf("%d 0 R", node))
			kids = kids[n:]
		}
		kids = nodes
	}
	if opt.selfKid {
		kids = append([]string{fmt.Sprintf("%d 0 R", pagesObj)}, kids...)
	}
	objs[catalog-1] = fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesObj)
	objs[pagesObj-1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), count)

	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	enc := ""
	if opt.encrypt {
		enc = fmt.Sprintf(" /ID [(%s) (%s)] /Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /O (%s) /U (%s) /P -4 >>",
			strings.Repeat("I", 16), strings.Repeat("I", 16), strings.Repeat("O", 32), strings.Repeat("U", 32))
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, catalog, enc, xref)
	return b.Bytes()
}
