package answer_test

import (
	"context"
	"strings"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/chat"
)

// TestThreadOfQuestions asks a story, offline, what a reader asks in one
// thread (testdata/thread: FairytaleQA's "Child of Mary", a Gutenberg
// story), each question after the answers before it. A question with a
// pronoun but a topic of its own ("what happened to her children?") leads
// with its own topic, not with the words of the questions two and three
// turns back, which used to pile up in the question searched.
func TestThreadOfQuestions(t *testing.T) {
	p := dirPipeline(t, "testdata/thread")
	var hist []chat.Message
	for _, c := range []struct{ q, lead string }{
		{"why could the girl not speak?", ""},
		{"why did the servant girls stop fetching water?", ""},
		{"what happened to her children?", "appeared with all three children"},
		{"why did they want to burn the queen?", "wanted to have her burned"},
	} {
		a, err := p.Ask(context.Background(), answer.Request{Question: c.q, History: hist}, nil)
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		if lines := strings.Split(a.Text, "\n"); c.lead != "" && (a.Refused || len(lines) < 2 || !strings.Contains(lines[1], c.lead)) {
			t.Errorf("%q: want %q first:\n%s", c.q, c.lead, a.Text)
		}
		hist = append(hist, chat.Message{Role: chat.RoleUser, Content: c.q}, chat.Message{Role: chat.RoleAssistant, Content: a.Text})
	}
}

// TestAtTheEnd: "… at the end?" or "… in the end?" with a topic of its own
// is answered from the closing passages of the story ("Child of Mary" ends
// with the children given back), when they hold one of its words; "at the
// end of the year" is a time in the story, not its end.
func TestAtTheEnd(t *testing.T) {
	p := dirPipeline(t, "testdata/thread")
	a, err := p.Ask(context.Background(), answer.Request{Question: "what happened to the queen in the end?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Refused || !strings.Contains(a.Text, "Here are your children") && !strings.Contains(a.Text, "ever after") {
		t.Errorf("want the story's end:\n%s", a.Text)
	}
	// a question about the end whose only words are light verbs is
	// answered by the end, not by a sentence that holds "get"
	a, err = p.Ask(context.Background(), answer.Request{Question: "what did she get at the end?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Refused || !strings.Contains(a.Text, "ever after") || strings.Contains(a.Text, "to get water") {
		t.Errorf("what did she get at the end? want the last sentences:\n%s", a.Text)
	}
	// how well it ends is its end: "does the story end happily?" was
	// refused, "does it end well?" quoted a sentence with "well"
	for _, q := range []string{"does it end well?", "does the story end happily?", "is there a happy ending?"} {
		a, err := p.Ask(context.Background(), answer.Request{Question: q}, nil)
		if err != nil || a.Refused || !strings.Contains(a.Text, "ever after") {
			t.Errorf("%q: want the last sentences: %q, %v", q, a.Text, err)
		}
	}
	for q, want := range map[string]bool{
		"where did Mara go at the end?": true, "what happened to the queen in the end of the story?": true,
		"What did the prince do at the end of the seventh day?": false, "how does it end?": false,
	} {
		if got := answer.AsksAtTheEnd(q); got != want {
			t.Errorf("AsksAtTheEnd(%q) = %v, want %v", q, got, want)
		}
	}
}
