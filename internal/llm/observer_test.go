package llm_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"storybot/internal/chat"
	"storybot/internal/llm"
	"storybot/internal/llm/llmtest"
)

// recorder is an llm.Observer that keeps what it was told.
type recorder struct {
	mu      sync.Mutex
	errors  []string
	retries int
	usage   chat.Usage
	first   int
}

func (r *recorder) observer() llm.Observer {
	return llm.Observer{
		Error: func(c string) { r.mu.Lock(); r.errors = append(r.errors, c); r.mu.Unlock() },
		Retry: func() { r.mu.Lock(); r.retries++; r.mu.Unlock() },
		Usage: func(u chat.Usage) {
			r.mu.Lock()
			r.usage.PromptTokens += u.PromptTokens
			r.usage.CompletionTokens += u.CompletionTokens
			r.mu.Unlock()
		},
		FirstToken: func(time.Duration) { r.mu.Lock(); r.first++; r.mu.Unlock() },
	}
}

// The observer hears each failed try by class, each retry, the usage of the
// call that succeeded and the first streamed token.
func TestObserverSeesErrorsRetriesUsageAndFirstToken(t *testing.T) {
	rec := &recorder{}
	h := newHarness(t, func(c *llm.Config) { c.Observer = rec.observer() })
	h.srv.Enqueue(
		llmtest.Reply{Status: 429},
		llmtest.Reply{Status: 503},
		llmtest.Reply{Text: "Albania cut ties [1].", Usage: chat.Usage{PromptTokens: 40, CompletionTokens: 7}},
	)
	if _, err := h.client.Complete(context.Background(), req, func(string) {}); err != nil {
		t.Fatal(err)
	}
	h.srv.Enqueue(llmtest.Reply{Text: "one two three", BreakAfter: 1})
	if _, err := h.client.Complete(context.Background(), req, func(string) {}); err == nil {
		t.Fatal("a broken stream: want an error")
	}
	h.srv.Enqueue(llmtest.Reply{Status: 400})
	if _, err := h.client.Complete(context.Background(), req, nil); err == nil {
		t.Fatal("a 400: want an error")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if want := []string{"429", "5xx", "broken_stream", "other"}; !slices.Equal(rec.errors, want) {
		t.Errorf("errors %q, want %q", rec.errors, want)
	}
	if rec.retries != 2 {
		t.Errorf("retries %d, want 2", rec.retries)
	}
	if rec.usage != (chat.Usage{PromptTokens: 40, CompletionTokens: 7}) {
		t.Errorf("usage %+v", rec.usage)
	}
	if rec.first != 2 {
		t.Errorf("first tokens %d, want 2 (two streams sent text)", rec.first)
	}
}

func TestObserverSeesTimeouts(t *testing.T) {
	rec := &recorder{}
	h := newHarness(t, func(c *llm.Config) { c.Observer = rec.observer(); c.Timeout = 50 * time.Millisecond })
	h.srv.Enqueue(llmtest.Reply{Text: "late", Delay: 5 * time.Second})
	if _, err := h.client.Complete(context.Background(), req, nil); err == nil {
		t.Fatal("want a timeout")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if !slices.Equal(rec.errors, []string{"timeout"}) {
		t.Errorf("errors %q", rec.errors)
	}
}

// Embeddings go through the same retry loop, so the observer hears their
// failed tries, retries and timeouts too (no usage or first token).
func TestObserverSeesEmbeddingsErrorsAndRetries(t *testing.T) {
	rec := &recorder{}
	h := newHarness(t, func(c *llm.Config) { c.Observer = rec.observer(); c.Timeout = 50 * time.Millisecond })
	h.srv.EnqueueEmbeddings(llmtest.Reply{Status: 503}, llmtest.Reply{Status: 429})
	embed := h.client.Embedder("m", 0)
	if _, err := embed(context.Background(), []string{"Albania"}); err != nil {
		t.Fatal(err)
	}
	h.srv.EnqueueEmbeddings(llmtest.Reply{Delay: 5 * time.Second})
	if _, err := embed(context.Background(), []string{"Albania"}); err == nil {
		t.Fatal("want a timeout")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if want := []string{"5xx", "429", "timeout"}; !slices.Equal(rec.errors, want) {
		t.Errorf("errors %q, want %q", rec.errors, want)
	}
	if rec.retries != 2 {
		t.Errorf("retries %d, want 2", rec.retries)
	}
	if rec.usage != (chat.Usage{}) || rec.first != 0 {
		t.Errorf("usage %+v, first tokens %d: want none for embeddings", rec.usage, rec.first)
	}
}
