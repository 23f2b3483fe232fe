package answer_test

import (
	"strings"
	"testing"
)

// TestWhatColour: "what color was X?" leads with the sentence that gives
// X's colour, and "colour" is no topic the story must hold (testdata/seal:
// FairytaleQA's "The Seal Catcher and the Merman", a Gutenberg text, hard
// wrapped).
func TestWhatColour(t *testing.T) {
	p := dirPipeline(t, "testdata/seal")
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
