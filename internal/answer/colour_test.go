package answer_test

import (
	"strings"
	"testing"

	"storybot/internal/answer"
)

// TestWhatColour: "what color was X?" leads with the sentence that gives
// X's colour, and "colour" is no topic the story must hold (testdata/seal:
// FairytaleQA's "The Seal Catcher and the Merman", a Gutenberg text, hard
// wrapped).
func TestWhatColour(t *testing.T) {
	ix := indexDir(t, "testdata/seal")
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	for q, want := range map[string]string{
		"what color was the horse?": "great black horse",
		"What colour was the seal?": "great brown seal",
	} {
		first, a := firstQuote(t, p, q)
		if !strings.Contains(first, want) {
			t.Errorf("%q: want %q first:\n%s", q, want, a.Text)
		}
	}
}
