package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAskDOCX: testdata/docxstory/story.docx is a short story saved by Word
// (a copy of internal/extract/testdata/story.docx): a title, headings, a
// table of contents, a tracked deletion, a field. Offline, the bot quotes a
// sentence of it whole and cites it by paragraph and line (a .docx has no
// fixed pages), under the story's title; the deleted text and the field
// codes are never quoted.
func TestAskDOCX(t *testing.T) {
	sameFile(t, "testdata/docxstory/story.docx", "../extract/testdata/story.docx")
	askWordProcessed(t, "testdata/docxstory", "What did Anselm do when the tower clock stopped in the storm?",
		"On the night of the great storm the tower clock stopped at eleven", "before the fishing boats came home.",
		"story.docx", "The Clockmaker of Vell", "dusty", "HYPERLINK", "TOC")
}

// TestAskODT: the same for testdata/odtstory/story.odt, a short story saved
// by LibreOffice (a copy of internal/extract/testdata/story.odt); its
// footnote, comment and deleted text are never quoted.
func TestAskODT(t *testing.T) {
	sameFile(t, "testdata/odtstory/story.odt", "../extract/testdata/story.odt")
	askWordProcessed(t, "testdata/odtstory", "What did Mira do when the river rose in the night?",
		"When the river rose in the night, Mira led the mules", "not one cart of salt was lost to the water.",
		"story.odt", "The Salt Road", "fictional", "spelling", "brother")
}

// askWordProcessed asks question offline of the folder dir, which holds
// the document doc titled title, and checks that a quote holds the
// sentence from start to end whole, cited by paragraph, that the first
// citation is of doc under its title, and that the answer holds none of
// bad.
func askWordProcessed(t *testing.T, dir, question, start, end, doc, title string, bad ...string) {
	t.Helper()
	askQuotesWhole(t, dir, question, start, end, "¶")
	out, errs, err := runCLI(t, "--knowledge", dir, "ask", "--json", question)
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	var a askJSON
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(a.Citations) == 0 || a.Citations[0].Doc != doc || a.Citations[0].Title != title {
		t.Errorf("citations %+v, want %s titled %s", a.Citations, doc, title)
	}
	for _, b := range bad {
		if strings.Contains(a.Answer, b) {
			t.Errorf("the answer quotes %q:\n%s", b, a.Answer)
		}
	}
}
