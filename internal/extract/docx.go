package extract

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode/utf16"
)

// The namespaces of WordprocessingML elements: transitional (what Word
// writes) and strict.
const (
	docxNS       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	docxStrictNS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	docxMCNS     = "http://schemas.openxmlformats.org/markup-compatibility/2006"
)

// oleMagic starts an OLE compound file: a .doc of Word 97-2003, or a .docx
// saved with a password (the encrypted package inside an OLE file).
var oleMagic = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")

// docxPages is DOCX, run guarded.
func docxPages(data []byte) ([]string, error) {
	if bytes.HasPrefix(data, oleMagic) {
		// An old .doc renamed .docx has a WordDocument stream, whose name
		// the OLE directory holds in UTF-16.
		if bytes.Contains(data, utf16LE("WordDocument")) {
			return nil, fmt.Errorf("%w: a Word 97-2003 document (.doc), not a .docx: save it as .docx", ErrMalformed)
		}
		return nil, fmt.Errorf("Word document is %w (password protected): save it without a password", ErrEncrypted)
	}
	z, err := openZip("DOCX", "a Word document", data)
	if err != nil {
		return nil, err
	}
	main, err := docxMainPart(z)
	if err != nil {
		return nil, err
	}
	styles, err := docxStyleNames(z, path.Join(path.Dir(main), "styles.xml"))
	if err != nil {
		return nil, err
	}
	return bodyPage(z, main, func(d *xml.Decoder, p *textParas) error { return docxBody(d, styles, p) })
}

// wVal is a WordprocessingML element read for its w:val, the attribute in
// which Word writes a property's value (a style's name, a paragraph's
// style).
type wVal struct {
	Val string `xml:"val,attr"`
}

// docxMainPart is the name of the document's body: the officeDocument that
// _rels/.rels names (Word Online may write word/document2.xml), else
// word/document.xml.
func docxMainPart(z *zipArchive) (string, error) {
	const rels, fallback = "_rels/.rels", "word/document.xml"
	if z.files[rels] != nil {
		var r struct {
			Rels []attrs `xml:"Relationship"`
		}
		if err := z.decode(rels, &r); err != nil {
			return "", err
		}
		for _, rel := range r.Rels {
			if strings.HasSuffix(rel.get("Type"), "/officeDocument") {
				name := epubHref("", rel.get("Target")) // a URL relative to the root
				if z.files[name] != nil {
					return name, nil
				}
			}
		}
	}
	if z.files[fallback] == nil {
		return "", fmt.Errorf("%w: not a Word document (no %s)", ErrMalformed, fallback)
	}
	return fallback, nil
}

// docxStyleNames maps the ids of the paragraph styles in the member name
// (word/styles.xml) to their names; none when there is no such member.
func docxStyleNames(z *zipArchive, name string) (map[string]string, error) {
	if z.files[name] == nil {
		return nil, nil
	}
	var s struct {
		Styles []struct {
			ID   string `xml:"styleId,attr"`
			Name wVal   `xml:"name"`
		} `xml:"style"`
	}
	if err := z.decode(name, &s); err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, st := range s.Styles {
		names[st.ID] = st.Name.Val
	}
	return names, nil
}

// docxBody reads the tokens of the document's body into p. styles maps
// style ids to names (docxStyleNames).
func docxBody(d *xml.Decoder, styles map[string]string, p *textParas) error {
	inText := false // in a w:t, whose character data is text
	return eachToken(d, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space == docxMCNS && t.Name.Local == "Fallback" {
				// the same text box again, for readers older than Word 2010
				return d.Skip()
			}
			if t.Name.Space != docxNS && t.Name.Space != docxStrictNS {
				return nil
			}
			switch t.Name.Local {
			case "p":
				p.start(0)
			case "pPr": // the paragraph's properties: its style
				var pPr struct {
					Style wVal `xml:"pStyle"`
				}
				if err := d.DecodeElement(&pPr, &t); err != nil {
					return err
				}
				p.style(docxHeading(pPr.Style.Val, styles))
			case "t":
				inText = true
			case "tab", "ptab":
				p.write(" ")
			case "br", "cr":
				p.write("\n")
			case "noBreakHyphen":
				p.write("-")
			case "del", "moveFrom":
				// deleted (or moved away) runs, whatever they hold; their
				// text is w:delText, and a field code w:instrText, which
				// are never read, as only w:t is
				return d.Skip()
			}
		case xml.EndElement:
			if t.Name.Space != docxNS && t.Name.Space != docxStrictNS {
				return nil
			}
			switch t.Name.Local {
			case "p":
				p.end()
			case "t":
				inText = false
			}
		case xml.CharData:
			if inText {
				p.write(string(t))
			}
		}
		return nil
	})
}

// docxHeading is the heading level of a paragraph of the style id: 1 for
// Title and Heading 1, n for Heading n (6 for Heading 7 to 9: Markdown has
// six levels), 0 for other styles. The id
// or the style's name (in styles) is compared, without case or spaces. A
// table of contents entry (TOC 1...) is tocEntry.
func docxHeading(id string, styles map[string]string) int {
	for _, s := range []string{id, styles[id]} {
		s = strings.ToLower(strings.ReplaceAll(s, " ", ""))
		switch {
		case s == "title":
			return 1
		case strings.HasPrefix(s, "heading"):
			if n, err := strconv.Atoi(s[len("heading"):]); err == nil && n >= 1 {
				return min(n, 6)
			}
		case strings.HasPrefix(s, "toc"):
			if _, err := strconv.Atoi(s[len("toc"):]); err == nil || s == "tocheading" {
				return tocEntry
			}
		}
	}
	return 0
}

// utf16LE is s in UTF-16, little-endian, as OLE names its streams.
func utf16LE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}
