package answer_test

import (
	"context"
	"fmt"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/golden"
)

// TestGoldenModelMessages records exactly what the model receives for a
// story question (system rules, numbered and fenced passages, question) and
// the answer the user then sees.
func TestGoldenModelMessages(t *testing.T) {
	m := replying(`Albania cut ties over the July cyberattack [1], which Rama said "threatened to paralyse public services" [2] [5].`)
	p := answer.New(answer.Options{Retriever: story(t), Model: m, K: 3})
	a, err := p.Ask(context.Background(), answer.Request{Question: "Why did Albania sever diplomatic relations with Iran?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs := m.calls[0].Messages
	golden.Check(t, "testdata/model_messages.golden", "=== system\n"+msgs[0].Content+"\n=== user\n"+msgs[1].Content+"\n")
	var out string
	out += a.Text + "\n"
	for _, c := range a.Citations {
		out += fmt.Sprintf("[%d] ", c.N) + c.Title + " — " + c.Location + " — " + c.Quote
		if c.Flagged != "" {
			out += " (flagged: " + c.Flagged + ")"
		}
		out += "\n"
	}
	for _, w := range a.Warnings {
		out += "warning: " + w + "\n"
	}
	golden.Check(t, "testdata/model_answer.golden", out)
}
