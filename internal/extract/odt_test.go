package extract

import (
	"strings"
	"testing"
)

// TestODTHeadingLevels: a heading without text:outline-level is of level 1;
// levels beyond 6 are level 6, as Markdown has six.
func TestODTHeadingLevels(t *testing.T) {
	data := odtFile(`<text:h>One</text:h><text:h text:outline-level="3">Three</text:h><text:h text:outline-level="8">Eight</text:h><text:p>Text.</text:p>`)
	readsAs(t, ODT, data, "# One\n\n### Three\n\n###### Eight\n\nText.\n")
}

func TestODTBadInput(t *testing.T) {
	story := read(t, "story.odt")
	content := odtContent("<text:p>Cut off in the middle of a paragraph.</text:p>")
	cut := odtFile("", zipMember{"content.xml", content[:strings.Index(content, "middle")]})
	refuses(t, ODT, []badInput{
		{"not a zip", []byte("Plain text renamed .odt"), ErrMalformed, "not an OpenDocument text (not a zip archive"},
		{"empty", nil, ErrMalformed, "not a zip archive"},
		{"truncated", story[:len(story)/2], ErrMalformed, "not a zip archive"},
		{"a .docx renamed .odt", read(t, "story.docx"), ErrMalformed, "not an OpenDocument text (no content.xml)"},
		{"encrypted.odt", read(t, "encrypted.odt"), ErrEncrypted, "OpenDocument text is encrypted (password protected): save it without a password"},
		{"damaged manifest", odtFile("<text:p>Text.</text:p>", zipMember{"META-INF/manifest.xml", "<manifest:manifest"}), ErrMalformed, "ODT META-INF/manifest.xml"},
		{"damaged XML", cut, ErrMalformed, "ODT content.xml"},
		{"image only", odtFile(`<text:p><draw:frame><draw:image xlink:href="Pictures/a.png"/><svg:desc>A picture</svg:desc></draw:frame></text:p>`), ErrNoText, "no readable text"},
		{"footnote only", odtFile(`<text:p><text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>Note.</text:p></text:note-body></text:note></text:p>`), ErrNoText, "no readable text"},
	})
}

// FuzzODT: the reader, unguarded, returns one page with text or one of the
// documented errors (fuzzOnePage).
func FuzzODT(f *testing.F) {
	fuzzOnePage(f, odtPages, []string{"story.odt", "encrypted.odt"},
		odtFile(`<text:h text:outline-level="-3">unclosed <text:p>nested<text:s text:c="99999999"/>`))
}
