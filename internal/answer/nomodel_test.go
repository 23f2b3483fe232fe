package answer_test

import (
	"context"
	"slices"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/chat"
)

// A request with NoModel is answered by quoting, follow-ups included, with
// the reason among the warnings, and the model is never called.
func TestNoModelQuotesWithTheReason(t *testing.T) {
	m := replying("Albania cut ties with Iran [1].")
	p := answer.New(answer.Options{Retriever: story(t), Model: m})
	const reason = "the daily token budget is used up until 00:00 UTC"
	a, err := p.Ask(context.Background(), answer.Request{
		Question: "and who helped it recover?",
		History:  []chat.Message{{Role: chat.RoleUser, Content: "Why did Albania cut ties with Iran?"}, {Role: chat.RoleAssistant, Content: "Because of the cyberattack [1]."}},
		NoModel:  reason,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.n() != 0 {
		t.Errorf("the model was called %d times", m.n())
	}
	if a.Mode != answer.ModeExtractive || len(a.Citations) == 0 || a.Usage != (chat.Usage{}) {
		t.Errorf("mode %s, %d citations, usage %+v", a.Mode, len(a.Citations), a.Usage)
	}
	if !slices.Contains(a.Warnings, answer.WarnNoModel+reason) {
		t.Errorf("warnings %q lack the reason", a.Warnings)
	}
	// Without NoModel the same pipeline uses the model.
	if a, err := p.Ask(context.Background(), answer.Request{Question: "Why did Albania cut ties with Iran?"}, nil); err != nil || a.Mode != answer.ModeLLM || m.n() == 0 {
		t.Errorf("without NoModel: mode %s, %d calls, %v", a.Mode, m.n(), err)
	}
}
