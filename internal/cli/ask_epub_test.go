package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAskEPUB: testdata/epubstory/story.epub is an e-book as Project
// Gutenberg makes them (a copy of internal/extract/testdata/story.epub):
// three chapters, the second in a file whose name has a space, Gutenberg's
// header and licence around them. Offline, the bot quotes a sentence of
// chapter 2 whole and cites it by paragraph and line (an EPUB has no
// pages), under the book's title; the Gutenberg header and licence are
// never quoted.
func TestAskEPUB(t *testing.T) {
	sameFile(t, "testdata/epubstory/story.epub", "../extract/testdata/story.epub")
	const question = "Who carried the miller's children across to the high meadow?"
	askQuotesWhole(t, "testdata/epubstory", question, "When the water reached the church steps, Ilse untied the ferry", "across to the high meadow, one boatload at a time.", "¶")

	out, errs, err := runCLI(t, "--knowledge", "testdata/epubstory", "ask", "--json", question)
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	var a askJSON
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(a.Citations) == 0 || a.Citations[0].Doc != "story.epub" || a.Citations[0].Title != "The Ferryman’s Daughter" {
		t.Errorf("citations %+v, want story.epub titled The Ferryman’s Daughter", a.Citations)
	}
	for _, bad := range []string{"Gutenberg", "START OF", "License"} {
		if strings.Contains(a.Answer, bad) {
			t.Errorf("the answer quotes %q:\n%s", bad, a.Answer)
		}
	}
}
