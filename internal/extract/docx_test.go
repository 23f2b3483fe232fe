package extract

import (
	"strings"
	"testing"
)

// TestDOCXStyleNames: headings are found by the names of their styles in
// styles.xml when the ids are not English (German Word's "berschrift1"
// for Heading 1); a body named by _rels/.rels other than
// word/document.xml is read.
func TestDOCXStyleNames(t *testing.T) {
	body := wp("Titel", wr("Die Uhr")) + wp("berschrift1", wr("Erster Teil")) + wp("berschrift7", wr("Tief")) + wp("Standard", wr("Der Uhrmacher wohnte auf der Brücke."))
	styles := wStyle("Titel", "Title") + wStyle("berschrift1", "heading 1") + wStyle("berschrift7", "heading 7") + wStyle("Standard", "Body Text")
	data := buildZip([]zipMember{
		{"_rels/.rels", docxRels("/word/document2.xml")},
		{"word/document2.xml", docxDocument(body)},
		{"word/styles.xml", `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` + styles + `</w:styles>`},
	})
	readsAs(t, DOCX, data, "# Die Uhr\n\n# Erster Teil\n\n###### Tief\n\nDer Uhrmacher wohnte auf der Brücke.\n")
}

func TestDOCXBadInput(t *testing.T) {
	story := read(t, "story.docx")
	bomb := docxFile(wp("", wr(strings.Repeat("tick ", zipMaxFileBytes/5+1))), "")
	refuses(t, DOCX, []badInput{
		{"not a zip", []byte("Plain text renamed .docx"), ErrMalformed, "not a Word document (not a zip archive"},
		{"empty", nil, ErrMalformed, "not a zip archive"},
		{"truncated", story[:len(story)/2], ErrMalformed, "not a zip archive"},
		{"no document.xml", buildZip([]zipMember{{"[Content_Types].xml", "<Types/>"}}), ErrMalformed, "not a Word document (no word/document.xml)"},
		{"an .odt renamed .docx", read(t, "story.odt"), ErrMalformed, "no word/document.xml"},
		{"locked.docx", read(t, "locked.docx"), ErrEncrypted, "Word document is encrypted (password protected): save it without a password"},
		{"a .doc renamed .docx", oleFile("WordDocument", "1Table", "\x05SummaryInformation"), ErrMalformed, "Word 97-2003 document (.doc)"},
		{"damaged XML", buildZip([]zipMember{{"word/document.xml", docxDocument(wp("", wr("Unclosed")))[:300]}}), ErrMalformed, "DOCX word/document.xml"},
		{"damaged styles", docxFile(wp("", wr("Text.")), "<w:style"), ErrMalformed, "DOCX word/styles.xml"},
		{"bomb", bomb, ErrMalformed, "DOCX member word/document.xml inflates to more than 20 MB"},
		{"no paragraphs", docxFile(wp("")+wp("Heading1"), ""), ErrNoText, "no readable text"},
		{"deleted text only", docxFile(wp("", `<w:del w:id="1" w:author="A"><w:r><w:delText>Gone.</w:delText></w:r></w:del>`), ""), ErrNoText, "no readable text"},
		{"deleted w:t only", docxFile(wp("", `<w:del w:id="1" w:author="A"><w:r><w:t>Gone.</w:t></w:r></w:del><w:moveFrom w:id="2" w:author="A"><w:r><w:t>Moved.</w:t></w:r></w:moveFrom>`), ""), ErrNoText, "no readable text"},
		{"field code only", docxFile(wp("", `<w:r><w:instrText> PAGE </w:instrText></w:r>`), ""), ErrNoText, "no readable text"},
	})
}

// FuzzDOCX: the reader, unguarded, returns one page with text or one of
// the documented errors (fuzzOnePage).
func FuzzDOCX(f *testing.F) {
	fuzzOnePage(f, docxPages, []string{"story.docx", "locked.docx"},
		docxFile(wp("Heading3", wr("unclosed <w:p> inside"), "<w:p><w:r><w:t>nested"), ""),
		[]byte(docxDocument(wp("Title", wr("the body, not zipped")))))
}
