package llm_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"storybot/internal/llm"
	"storybot/internal/llm/llmtest"
)

func embedClient(srv *llmtest.Server) *openai.Client {
	cfg := openai.DefaultConfig("test-key")
	cfg.BaseURL = srv.URL()
	return openai.NewClientWithConfig(cfg)
}

func TestEmbedderBatchesAndOrder(t *testing.T) {
	srv := llmtest.New(t)
	embed := llm.NewEmbedder(embedClient(srv), "text-embedding-3-small", 2)
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
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 batches of 2", len(reqs))
	}
	for _, r := range reqs {
		if r.Method != "POST" || r.Path != "/v1/embeddings" || r.Header.Get("Authorization") != "Bearer test-key" {
			t.Errorf("request %s %s auth %q", r.Method, r.Path, r.Header.Get("Authorization"))
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
	srv := llmtest.New(t)
	srv.EnqueueEmbeddings(llmtest.Reply{Status: 401})
	embed := llm.NewEmbedder(embedClient(srv), "m", 0)
	_, err := embed(context.Background(), []string{"x"})
	var apiErr *openai.APIError
	if err == nil || !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 401 || !strings.Contains(err.Error(), "model m") {
		t.Fatalf("401: %v", err)
	}
	srv.EnqueueEmbeddings(llmtest.Reply{Embeddings: [][]float32{{1, 0}}})
	if _, err := embed(context.Background(), []string{"a", "b"}); err == nil || !strings.Contains(err.Error(), "got 1 vectors for 2 texts") {
		t.Fatalf("short reply: %v", err)
	}
}
