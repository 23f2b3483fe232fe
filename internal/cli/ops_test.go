package cli

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/budget"
	"storybot/internal/chat"
	"storybot/internal/metrics"
	"storybot/internal/syncbuf"
)

// failingStore is a budget.Store whose database is gone.
type failingStore struct{ err error }

var _ budget.Store = failingStore{}

func (f failingStore) Add(context.Context, budget.Record) error { return f.err }
func (f failingStore) Used(context.Context, string, string, string) (int, int, error) {
	return 0, 0, f.err
}
func (f failingStore) Totals(context.Context) ([]budget.Total, error) { return nil, f.err }

// askerFunc is an asker made of a function.
type askerFunc func(context.Context, answer.Request, func(answer.Event)) (answer.Answer, error)

func (f askerFunc) Ask(ctx context.Context, r answer.Request, on func(answer.Event)) (answer.Answer, error) {
	return f(ctx, r, on)
}

// The usage store lost while the bot runs (PostgreSQL down): answers go on
// with the model, and the log says what could not be checked or recorded.
func TestBudgetStoreDownLetsAnswersGoOn(t *testing.T) {
	logs := &syncbuf.Buffer{}
	gate := &budgetGate{
		b:   budget.New(failingStore{errors.New("connection refused")}, budget.Limits{PerMember: 10}, nil),
		m:   metrics.New(),
		log: slog.New(slog.NewTextHandler(logs, nil)),
	}
	var got answer.Request
	a := budgetAsker{gate: gate, next: askerFunc(func(_ context.Context, r answer.Request, _ func(answer.Event)) (answer.Answer, error) {
		got = r
		return answer.Answer{Mode: answer.ModeLLM, Usage: chat.Usage{PromptTokens: 40, CompletionTokens: 20}}, nil
	})}
	ans, err := a.Ask(context.Background(), answer.Request{Question: "q", GuildID: "1", UserID: "2"}, nil)
	if err != nil || ans.Mode != answer.ModeLLM || got.NoModel != "" {
		t.Errorf("answer %+v, request %+v, %v", ans, got, err)
	}
	for _, want := range []string{"token budget unknown; answering with the model", "recording model usage failed", "connection refused"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log lacks %q:\n%s", want, logs.String())
		}
	}
}
