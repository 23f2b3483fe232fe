package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestAskPDFSentenceAcrossPages: testdata/pdfstory/story.pdf is a story
// printed as a book (a copy of internal/extract/testdata/story.pdf): a
// running head and a page number on every page, a sentence running from
// page 1 on to page 2 and a word hyphenated from page 2 to page 3. Offline,
// the bot quotes those sentences whole, cited on the page where they start,
// and quotes no page furniture; "Who is Mara?" finds her first mention by
// page, then line (each page numbers its own lines).
func TestAskPDFSentenceAcrossPages(t *testing.T) {
	sameFile(t, "testdata/pdfstory/story.pdf", "../extract/testdata/story.pdf")
	for _, tc := range []struct {
		question, start, end, page string
	}{
		{"What did Mara polish every evening at dusk?", "Every evening at dusk Mara", "a second moon over the harbour.", "p. 1,"},
		{"Who rowed out to Gull Rock with the oil?", "On the third night", "young apprentice, Tobias, who had rowed out alone with two barrels of oil lashed to the stern.", "p. 2,"},
		// her first mention, on page 1, not the first line number of another page
		{"Who is Mara?", "Mara Quill kept the lantern", "below the tower.", "p. 1,"},
	} {
		t.Run(tc.question, func(t *testing.T) { askQuotesWhole(t, "testdata/pdfstory", tc.question, tc.start, tc.end, tc.page) })
	}
}

// TestAskPagedTextSentenceAcrossPages: the same for a text file whose pages a
// form feed separates, as pdftotext writes a PDF's text
// (testdata/pdftext/lantern.txt: a running head and a page number on each
// page, a sentence cut by a page break).
func TestAskPagedTextSentenceAcrossPages(t *testing.T) {
	askQuotesWhole(t, "testdata/pdftext", "What did Mara polish every evening at dusk?", "Every evening at dusk Mara", "a second moon over the harbour.", "p. 1,")
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
// (a Location prefix), and that no page furniture is quoted.
func askQuotesWhole(t *testing.T, dir, question, start, end, page string) {
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
}
