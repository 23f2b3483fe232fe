package llm_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"storybot/internal/llm"
	"storybot/internal/llm/llmtest"
)

func TestEmbedderBatchesAndOrder(t *testing.T) {
	h := newHarness(t, nil)
	embed := h.client.Embedder("text-embedding-3-small", 2)
	texts := []string{"Albania cut ties", "with Iran", "after the cyberattack", ""}
	vecs, err := embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != len(texts) {
		t.Fatalf("%d vectors for %d texts", len(vecs), len(texts))
	}
	for i, s := range texts[:3] {
		if !reflect.DeepEqual(vecs[i], llmtest.Embed(s)) {
			t.Errorf("vector %d is not the embedding of %q", i, s)
		}
	}
	reqs := h.srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 batches of 2", len(reqs))
	}
	for _, r := range reqs {
		if r.Method != "POST" || r.Path != "/v1/embeddings" || r.Header.Get("Authorization") != "Bearer "+secret {
			t.Errorf("request %s %s", r.Method, r.Path)
		}
		if r.Body["model"] != "text-embedding-3-small" || len(r.Input) != 2 {
			t.Errorf("body %v", r.Body)
		}
	}
	if reqs[1].Input[1] != " " {
		t.Errorf("empty text sent as %q, want a space", reqs[1].Input[1])
	}
}

func TestEmbedderErrors(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.EnqueueEmbeddings(llmtest.Reply{Status: 401})
	embed := h.client.Embedder("m", 0)
	_, err := embed(context.Background(), []string{"x"})
	if err == nil || !strings.Contains(err.Error(), "OPENAI_API_KEY") || !strings.Contains(err.Error(), "model m") {
		t.Fatalf("401: %v", err)
	}
	if n := len(h.srv.Requests()); n != 1 {
		t.Errorf("401 tried %d times, want once", n)
	}
	h.srv.EnqueueEmbeddings(llmtest.Reply{Embeddings: [][]float32{{1, 0}}})
	if _, err := embed(context.Background(), []string{"a", "b"}); err == nil || !strings.Contains(err.Error(), "got 1 vectors for 2 texts") {
		t.Fatalf("short reply: %v", err)
	}
}

// TestEmbedderRetries: embeddings go through the client's retries, as chat
// calls do: 503 and 429 are tried again, after Retry-After when the server
// sends one.
func TestEmbedderRetries(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.EnqueueEmbeddings(llmtest.Reply{Status: 503}, llmtest.Reply{Status: 429, RetryAfter: "3"})
	vecs, err := h.client.Embedder("m", 0)(context.Background(), []string{"Albania"})
	if err != nil || len(vecs) != 1 || !reflect.DeepEqual(vecs[0], llmtest.Embed("Albania")) {
		t.Fatalf("after 503 and 429: %v, %v", vecs, err)
	}
	if want := []time.Duration{750 * time.Millisecond, 3 * time.Second}; !reflect.DeepEqual(h.waits, want) {
		t.Errorf("waits = %v, want %v (backoff, then Retry-After)", h.waits, want)
	}
	if n := len(h.srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}

	h = newHarness(t, nil)
	body := `{"error":{"message":"overloaded; your header was Bearer ` + secret + `","type":"server_error"}}`
	h.srv.EnqueueEmbeddings(llmtest.Reply{Status: 503, Body: body}, llmtest.Reply{Status: 503, Body: body}, llmtest.Reply{Status: 503, Body: body})
	_, err = h.client.Embedder("m", 0)(context.Background(), []string{"Albania"})
	if err == nil || !strings.Contains(err.Error(), "3 tries failed") || strings.Contains(err.Error(), secret) {
		t.Fatalf("503 three times: %v", err)
	}
}

// TestEmbedderSharesTheConcurrencyCap: an embedding waits for a free slot
// like a chat call (OPENAI_MAX_CONCURRENCY caps both).
func TestEmbedderSharesTheConcurrencyCap(t *testing.T) {
	h := newHarness(t, func(c *llm.Config) { c.MaxConcurrency = 1 })
	h.srv.Enqueue(llmtest.Reply{Text: "slow", Delay: 500 * time.Millisecond})
	done := make(chan error, 1)
	go func() { _, err := h.client.Complete(context.Background(), req, nil); done <- err }()
	for len(h.srv.ChatRequests()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := h.client.Embedder("m", 0)(ctx, []string{"x"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("embedding while the only slot is busy: err = %v, want it to wait until ctx ends", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(h.srv.Requests()); n != 1 {
		t.Errorf("%d requests, want only the chat call", n)
	}
}
