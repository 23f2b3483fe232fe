package extract

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// The namespaces of the OpenDocument elements ODT reads or skips.
const (
	odtTextNS   = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	odtOfficeNS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
	odtSVGNS    = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
)

// odtPages is ODT, run guarded.
func odtPages(data []byte) ([]string, error) {
	const manifest, content = "META-INF/manifest.xml", "content.xml"
	z, err := openZip("ODT", "an OpenDocument text", data)
	if err != nil {
		return nil, err
	}
	// A document saved with a password has its members encrypted, and
	// the manifest says how (manifest:encryption-data).
	if z.files[manifest] != nil {
		var m struct {
			Files []struct {
				Encryption *struct{} `xml:"encryption-data"`
			} `xml:"file-entry"`
		}
		if err := z.decode(manifest, &m); err != nil {
			return nil, err
		}
		for _, f := range m.Files {
			if f.Encryption != nil {
				return nil, fmt.Errorf("OpenDocument text is %w (password protected): save it without a password", ErrEncrypted)
			}
		}
	}
	if z.files[content] == nil {
		return nil, fmt.Errorf("%w: not an OpenDocument text (no %s)", ErrMalformed, content)
	}
	return bodyPage(z, content, odtBody)
}

// odtBody reads the tokens of content.xml into p.
func odtBody(d *xml.Decoder, p *textParas) error {
	return eachToken(d, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name {
			case xml.Name{Space: odtTextNS, Local: "p"}:
				p.start(0)
			case xml.Name{Space: odtTextNS, Local: "h"}:
				p.start(odtLevel(t.Attr))
			case xml.Name{Space: odtTextNS, Local: "s"}, xml.Name{Space: odtTextNS, Local: "tab"}:
				p.write(" ")
			case xml.Name{Space: odtTextNS, Local: "line-break"}:
				p.write("\n")
			case xml.Name{Space: odtTextNS, Local: "note"},
				xml.Name{Space: odtTextNS, Local: "tracked-changes"},
				xml.Name{Space: odtTextNS, Local: "table-of-content"},
				xml.Name{Space: odtTextNS, Local: "alphabetical-index"},
				xml.Name{Space: odtTextNS, Local: "illustration-index"},
				xml.Name{Space: odtTextNS, Local: "table-index"},
				xml.Name{Space: odtTextNS, Local: "object-index"},
				xml.Name{Space: odtTextNS, Local: "user-index"},
				xml.Name{Space: odtTextNS, Local: "bibliography"},
				xml.Name{Space: odtOfficeNS, Local: "annotation"},
				xml.Name{Space: odtSVGNS, Local: "title"},
				xml.Name{Space: odtSVGNS, Local: "desc"}:
				return d.Skip()
			}
		case xml.EndElement:
			if t.Name.Space == odtTextNS && (t.Name.Local == "p" || t.Name.Local == "h") {
				p.end()
			}
		case xml.CharData:
			// White space in the text is collapsed, as in HTML; only
			// text:line-break breaks a line.
			p.write(strings.Map(func(r rune) rune {
				if r == '\n' || r == '\r' || r == '\t' {
					return ' '
				}
				return r
			}, string(t)))
		}
		return nil
	})
}

// odtLevel is the heading level of a text:h with the attributes attrs: its
// text:outline-level (1 when there is none), at most 6.
func odtLevel(attrs []xml.Attr) int {
	for _, a := range attrs {
		if a.Name.Space == odtTextNS && a.Name.Local == "outline-level" {
			if n, err := strconv.Atoi(strings.TrimSpace(a.Value)); err == nil && n >= 1 {
				return min(n, 6)
			}
		}
	}
	return 1
}
