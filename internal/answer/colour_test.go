package answer_test

import (
	"strings"
	"testing"

	"storybot/internal/answer"
)

// TestWhatColour: "what color was X?" leads with the sentence that gives
// X's colour, or is hedged when no sentence of its words gives one, and
// "colour" is no topic the story must hold (testdata/seal:
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
	// no sentence of the question's words gives a colour: the nearest are
	// quoted as such ("what color was finn's horse?" quoted "brilliantly
	// coloured" palaces as its answer)
	if _, a := firstQuote(t, p, "what colour were the tears?"); !strings.HasPrefix(a.Text, answer.MsgNearest) {
		t.Errorf("what colour were the tears?: want it hedged:\n%s", a.Text)
	}
	// a colour of something else is no answer (session 28's new users got
	// "six beautiful cream-coloured horses" for the princess's hair), and
	// cream is a colour
	bull := dirPipeline(t, "testdata/bull")
	// the best sentence may name the thing otherwise ("hat": "a black
	// turban"; session 28b's new users, hedged for a moment)
	if _, a := firstQuote(t, dirPipeline(t, "testdata/dschang"), "what color was the old man's hat?"); strings.HasPrefix(a.Text, answer.MsgNearest) || !strings.Contains(a.Text, "black turban") {
		t.Errorf("the old man's hat: %s", a.Text)
	}
	for q, hedged := range map[string]bool{"What color was the princess's hair?": true, "what colour were the horses?": false} {
		if _, a := firstQuote(t, bull, q); strings.HasPrefix(a.Text, answer.MsgNearest) != hedged || !strings.Contains(a.Text, "cream-coloured horses") {
			t.Errorf("%q: want the horses, hedged: %v:\n%s", q, hedged, a.Text)
		}
	}
}
