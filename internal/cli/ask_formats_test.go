package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestAskFormats: stories as people have them, each a copy of
// internal/extract/testdata's (checked: sameFile), asked offline. The bot
// quotes the sentence whole and cites it where it stands, under the
// document's title, and never quotes what a reader does not see:
//   - story.pdf, a story printed as a book: a running head and a page
//     number on every page, a sentence running from page 1 on to page 2 and
//     a word hyphenated from page 2 to page 3, cited on the page where they
//     start; "Who is Mara?" finds her first mention by page, then line
//     (each page numbers its own lines);
//   - lantern.txt, a text file whose pages a form feed separates, as
//     pdftotext writes a PDF's text;
//   - story.epub, an e-book as Project Gutenberg makes them (three chapters,
//     the second in a file whose name has a space, Gutenberg's header and
//     licence around them), cited by paragraph (an e-book has no pages);
//   - story.docx (Word: a table of contents, a tracked deletion, a field)
//     and story.odt (LibreOffice: a footnote, a comment, deleted text).
func TestAskFormats(t *testing.T) {
	sameFile(t, "testdata/pdfstory/story.pdf", "../extract/testdata/story.pdf")
	sameFile(t, "testdata/epubstory/story.epub", "../extract/testdata/story.epub")
	sameFile(t, "testdata/docxstory/story.docx", "../extract/testdata/story.docx")
	sameFile(t, "testdata/odtstory/story.odt", "../extract/testdata/story.odt")
	for _, tc := range []struct {
		dir, question, start, end, at string
		doc, title                    string   // the first citation's, when set
		bad                           []string // never quoted
	}{
		{dir: "testdata/pdfstory", question: "What did Mara polish every evening at dusk?", start: "Every evening at dusk Mara", end: "a second moon over the harbour.", at: "p. 1,"},
		{dir: "testdata/pdfstory", question: "Who rowed out to Gull Rock with the oil?", start: "On the third night", end: "young apprentice, Tobias, who had rowed out alone with two barrels of oil lashed to the stern.", at: "p. 2,"},
		{dir: "testdata/pdfstory", question: "Who is Mara?", start: "Mara Quill kept the lantern", end: "below the tower.", at: "p. 1,"},
		{dir: "testdata/pdftext", question: "What did Mara polish every evening at dusk?", start: "Every evening at dusk Mara", end: "a second moon over the harbour.", at: "p. 1,"},
		{dir: "testdata/epubstory", question: "Who carried the miller's children across to the high meadow?",
			start: "When the water reached the church steps, Ilse untied the ferry", end: "across to the high meadow, one boatload at a time.", at: "¶",
			doc: "story.epub", title: "The Ferryman’s Daughter", bad: []string{"Gutenberg", "START OF", "License"}},
		{dir: "testdata/docxstory", question: "What did Anselm do when the tower clock stopped in the storm?",
			start: "On the night of the great storm the tower clock stopped at eleven", end: "before the fishing boats came home.", at: "¶",
			doc: "story.docx", title: "The Clockmaker of Vell", bad: []string{"dusty", "HYPERLINK", "TOC"}},
		{dir: "testdata/odtstory", question: "What did Mira do when the river rose in the night?",
			start: "When the river rose in the night, Mira led the mules", end: "not one cart of salt was lost to the water.", at: "¶",
			doc: "story.odt", title: "The Salt Road", bad: []string{"fictional", "spelling", "brother"}},
	} {
		t.Run(tc.dir+"/"+tc.question, func(t *testing.T) {
			a := askQuotesWhole(t, tc.dir, tc.question, tc.start, tc.end, tc.at)
			if tc.doc != "" && (len(a.Citations) == 0 || a.Citations[0].Doc != tc.doc || a.Citations[0].Title != tc.title) {
				t.Errorf("citations %+v, want %s titled %s", a.Citations, tc.doc, tc.title)
			}
			for _, b := range tc.bad {
				if strings.Contains(a.Answer, b) {
					t.Errorf("the answer quotes %q:\n%s", b, a.Answer)
				}
			}
		})
	}
}

// sameFile fails t unless the test's copy holds the same bytes as orig.
func sameFile(t *testing.T, copy, orig string) {
	t.Helper()
	a, err := os.ReadFile(copy)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(orig); err != nil || !bytes.Equal(a, b) {
		t.Fatalf("%s is not a copy of %s (%v): copy it again", copy, orig, err)
	}
}

// askQuotesWhole asks question offline of the folder dir and checks that a
// quote line holds the sentence from start to end whole, cited at page
// (a Location prefix), and that no page furniture is quoted; it returns the
// answer.
func askQuotesWhole(t *testing.T, dir, question, start, end, page string) askJSON {
	t.Helper()
	out, errs, err := runCLI(t, "--knowledge", dir, "ask", "--json", question)
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	var a askJSON
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	n := -1 // the citation number of the quote line with the whole sentence
	for _, line := range strings.Split(a.Answer, "\n") {
		if strings.HasPrefix(line, "> ") && strings.Contains(line, start) && strings.Contains(line, end) {
			for _, c := range a.Citations {
				if strings.HasSuffix(line, " ["+strconv.Itoa(c.N)+"]") {
					n = c.N
					if !strings.HasPrefix(c.Location, page) {
						t.Errorf("cited at %q, want %q", c.Location, page)
					}
				}
			}
		}
	}
	if n < 0 {
		t.Errorf("no cited quote holds the sentence %q ... %q whole:\n%s", start, end, out)
	}
	for _, bad := range []string{"GULL ROCK", " 1 ", " 2 "} {
		if strings.Contains(a.Answer, bad) {
			t.Errorf("the answer quotes page furniture %q:\n%s", bad, a.Answer)
		}
	}
	return a
}
