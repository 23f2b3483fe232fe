package answer_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/chat"
)

// TestListNames: "which countries are involved?" is answered offline by
// the names of that kind the documents mention, most mentioned first, each
// cited where it first appears; a question about one of them is not.
func TestListNames(t *testing.T) {
	story := dirPipeline(t, "../../knowledge")
	tale := dirPipeline(t, "testdata/tale")
	thread := dirPipeline(t, "testdata/thread")
	boots := dirPipeline(t, "testdata/boots")
	for _, c := range []struct {
		p        *answer.Pipeline
		q        string
		want     []string // in this order
		dontWant []string
	}{
		{story, "which countries are involved?", []string{"Iran [1]", "Albania [1]", "Tirana", "Durres"}, []string{"Rama", "MEK", "Embassy"}},
		{story, "list all the people mentioned", []string{"Edi Rama [1]", "Khomeini", "Abolhassan Banisadr"}, []string{"Iran", "Farsi", "Islamist", "United States"}},
		{story, "What organizations are mentioned in the article?", []string{"MEK", "Iranian Embassy", "White House"}, []string{"Edi Rama", "Government [", "Albania"}},
		{tale, "who are the people in the story?", []string{"Finn M'Coul [1]"}, []string{"Knockmany", "Scotland"}},
		{tale, "what places are mentioned?", []string{"Scotland", "Knockmany Hill"}, []string{"Finn"}},
		{thread, "list the people mentioned", []string{"the girl [1]", "the prince", "Virgin Mary"}, []string{"Now [", "Here ["}},
		// a tale's characters by their roles too ("the king"), mentioned three times or more; "Here is a Jack" names no one
		{boots, "who are the characters?", []string{"the king [1]", "Boots", "the princess", "the councillor", "Peter", "Paul"}, []string{"Jack", "the town", "the hat", "the old woman"}},
		// the characters asked in other words: the opening answered, or a refusal
		{boots, "who is in this story?", []string{"the king [1]", "Boots"}, nil},
		{boots, "how many characters are there?", []string{"the king [1]", "Boots"}, nil},
		{dirPipeline(t, "testdata/goats"), "what animals are in the story?", []string{"the wolf [1]", "the mother"}, nil},
	} {
		a, err := c.p.Ask(context.Background(), answer.Request{Question: c.q}, nil)
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		at := 0
		for _, w := range c.want {
			i := strings.Index(a.Text[at:], w)
			if i < 0 {
				t.Errorf("%q: want %q after offset %d:\n%s", c.q, w, at, a.Text)
				break
			}
			at += i
		}
		for _, w := range c.dontWant {
			if strings.Contains(a.Text, w) {
				t.Errorf("%q: %q listed:\n%s", c.q, w, a.Text)
			}
		}
		if a.Refused || len(a.Citations) == 0 || a.Citations[0].Location == "" || !strings.Contains(a.Citations[0].Text, headWord(c.want[0])) {
			t.Errorf("%q: want cited first mentions: %+v", c.q, a.Citations)
		}
	}
	// a question about the names asks something else
	a, err := story.Ask(context.Background(), answer.Request{Question: "which countries did the MEK attack?"}, nil)
	if err != nil || strings.Contains(a.Text, "most mentioned first") {
		t.Errorf("which countries did the MEK attack? answered with a list: %v\n%s", err, a.Text)
	}
}

// headWord is the first word of a listed name but "the": "Finn" of "Finn
// M'Coul [1]", "girl" of "the girl [1]".
func headWord(item string) string {
	f := strings.Fields(item)
	if f[0] == "the" {
		return f[1]
	}
	return f[0]
}

// TestListNamesModel: with a model, a question for a list of names is
// answered by the model from the passages where they are first mentioned,
// which a search for "people mentioned" would not find.
func TestListNamesModel(t *testing.T) {
	ix := story(t)
	m := replying("The people named are Edi Rama [1], Khomeini [2] and Abolhassan Banisadr [3].")
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs, Model: m})
	a, err := p.Ask(context.Background(), answer.Request{Question: "list all the people mentioned"}, nil)
	if err != nil || a.Refused || a.Mode != answer.ModeLLM {
		t.Fatalf("%+v, %v", a, err)
	}
	if m.n() != 1 {
		t.Fatalf("the model was called %d times, want once", m.n())
	}
	var prompt strings.Builder
	for _, msg := range m.calls[0].Messages {
		prompt.WriteString(msg.Content)
	}
	for _, w := range []string{"Edi Rama", "Ayatollah Khomeini", "Abolhassan Banisadr"} {
		if !strings.Contains(prompt.String(), w) {
			t.Errorf("the model's passages lack %q", w)
		}
	}
}

// TestListNamesModelDown: when the model fails, the list is the offline
// one, with the warning.
func TestListNamesModelDown(t *testing.T) {
	ix := story(t)
	m := &fakeModel{complete: func(context.Context, chat.Request, func(string)) (chat.Response, error) {
		return chat.Response{}, fmt.Errorf("503: %w", chat.ErrUnavailable)
	}}
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs, Model: m})
	a, err := p.Ask(context.Background(), answer.Request{Question: "which countries are involved?"}, nil)
	if err != nil || !strings.Contains(a.Text, "Iran [1], Albania [1]") || !slices.Contains(a.Warnings, answer.WarnUnavailable) {
		t.Errorf("%+v, %v", a, err)
	}
}
