package answer_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"storybot/internal/answer"
	"storybot/internal/eval"
)

// todayAsked are questions about today, each with its answer's first line.
var todayAsked = map[string]string{
	"what day is it today?": "Today is Sunday, 6 December 2026 (UTC).",
	"What's today's date?":  "Today is Sunday, 6 December 2026 (UTC).",
	"what year is it":       "Today is Sunday, 6 December 2026 (UTC).",
	"what time is it now?":  "It is 22:40 UTC on Sunday, 6 December 2026.",
}

// TestToday: "what day is it?" is answered from the bot's clock, in UTC,
// with the documents' dates, with or without a model (the model is not
// asked); "what day was the attack?" asks the documents.
func TestToday(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 12, 6, 23, 40, 0, 0, time.FixedZone("CET", 3600)) }
	m := replying("The cyberattack came on July 15 [1].")
	ix := story(t)
	for _, model := range []answer.Model{nil, m} {
		p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs, Model: model, Now: now})
		for q, want := range todayAsked {
			a, err := p.Ask(context.Background(), answer.Request{Question: q}, nil)
			if err != nil || a.Refused || a.Text != want+"\n“Albania cuts ties with Iran” is dated 2022-09-07. [1]" || len(a.Citations) != 1 {
				t.Errorf("%q: %+v, %v", q, a, err)
			}
		}
		for _, q := range []string{"what day was the attack?", "What time did the protests start?", "what is today's MEK like?"} {
			if a, err := p.Ask(context.Background(), answer.Request{Question: q}, nil); err != nil || strings.Contains(a.Text, "2026") {
				t.Errorf("%q is no question about today: %+v, %v", q, a, err)
			}
		}
	}
	if m.n() != 3 {
		t.Errorf("the model was called %d times, want once for each question about the documents", m.n())
	}
	// after a question, "what day of the week?" asks the day of what it
	// asked about; "what day is it?" is still today's
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs, Now: now})
	if a := askAfter(t, p, "when did albania cut ties?", "what day of the week"); strings.Contains(a.Text, "2026") || !strings.Contains(eval.Lead(a.Text), "on Wednesday") {
		t.Errorf("what day of the week, after when: %q", a.Text)
	}
	if a := askAfter(t, p, "what did albania do?", "what day of the week"); !strings.Contains(eval.Lead(a.Text), "on Wednesday") { // a weekday, not "weeks-long"
		t.Errorf("what day of the week, after who: %q", a.Text)
	}
	if a := askAfter(t, p, "when did albania cut ties?", "what day is it?"); !strings.HasPrefix(a.Text, "Today is Sunday") {
		t.Errorf("what day is it?, after when: %q", a.Text)
	}
	p = answer.New(answer.Options{Retriever: ix, Now: now}) // no documents to date
	if a, err := p.Ask(context.Background(), answer.Request{Question: "what's the date today?"}, nil); err != nil || a.Text != "Today is Sunday, 6 December 2026 (UTC). "+answer.MsgNoDates {
		t.Errorf("no documents: %+v, %v", a, err)
	}
}
