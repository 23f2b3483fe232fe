package llmtest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"storybot/internal/chat"
	"storybot/internal/llm/llmtest"
)

func client(srv *llmtest.Server) *openai.Client {
	cfg := openai.DefaultConfig("test-key")
	cfg.BaseURL = srv.URL()
	return openai.NewClientWithConfig(cfg)
}

func TestCompletionRecordsRequest(t *testing.T) {
	srv := llmtest.New(t)
	srv.Enqueue(llmtest.Reply{Text: "Albania cut ties [1].", Usage: chat.Usage{PromptTokens: 12, CompletionTokens: 5}})
	resp, err := client(srv).CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{
		Model:    "m",
		Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "why?"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content; got != "Albania cut ties [1]." {
		t.Errorf("content = %q", got)
	}
	if resp.Usage.PromptTokens != 12 || resp.Usage.CompletionTokens != 5 {
		t.Errorf("usage = %+v", resp.Usage)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer test-key" {
		t.Errorf("request = %s %s auth %q", r.Method, r.Path, r.Header.Get("Authorization"))
	}
	if r.Model != "m" || len(r.Messages) != 1 || r.Messages[0].Content != "why?" || r.Stream {
		t.Errorf("decoded = %+v", r)
	}
	if r.Body["model"] != "m" {
		t.Errorf("body = %v", r.Body)
	}
}

func TestStreamDefaultChunks(t *testing.T) {
	srv := llmtest.New(t)
	srv.OnChat(func(r llmtest.Request) llmtest.Reply { return llmtest.Reply{Text: "echo: " + r.Messages[0].Content} })
	st, err := client(srv).CreateChatCompletionStream(context.Background(), openai.ChatCompletionRequest{
		Model: "m", Stream: true, Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "a b c"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got strings.Builder
	n := 0
	for {
		c, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Choices) > 0 {
			got.WriteString(c.Choices[0].Delta.Content)
			n++
		}
	}
	if got.String() != "echo: a b c" || n < 4 {
		t.Errorf("streamed %q in %d chunks", got.String(), n)
	}
	if !srv.Requests()[0].Stream {
		t.Error("request not marked as streamed")
	}
}

func TestBrokenStream(t *testing.T) {
	srv := llmtest.New(t)
	srv.Enqueue(llmtest.Reply{Chunks: []string{"one ", "two ", "three"}, BreakAfter: 2})
	st, err := client(srv).CreateChatCompletionStream(context.Background(), openai.ChatCompletionRequest{Model: "m", Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got strings.Builder
	for {
		c, err := st.Recv()
		if err != nil {
			if errors.Is(err, io.EOF) {
				t.Fatalf("clean EOF after %q, want a broken stream", got.String())
			}
			break
		}
		if len(c.Choices) > 0 {
			got.WriteString(c.Choices[0].Delta.Content)
		}
	}
	if got.String() != "one two " {
		t.Errorf("got %q before the break", got.String())
	}
}

func TestErrorStatusAndRetryAfter(t *testing.T) {
	srv := llmtest.New(t)
	var hdr string
	cfg := openai.DefaultConfig("k")
	cfg.BaseURL = srv.URL()
	cfg.HTTPClient = doerFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultClient.Do(r)
		if resp != nil {
			hdr = resp.Header.Get("Retry-After")
		}
		return resp, err
	})
	srv.Enqueue(llmtest.Reply{Status: 429, RetryAfter: "3"})
	_, err := openai.NewClientWithConfig(cfg).CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Model: "m"})
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 429 {
		t.Fatalf("err = %v, want an APIError with 429", err)
	}
	if hdr != "3" {
		t.Errorf("Retry-After = %q", hdr)
	}
}

func TestEmbeddingsDeterministic(t *testing.T) {
	srv := llmtest.New(t)
	resp, err := client(srv).CreateEmbeddings(context.Background(), openai.EmbeddingRequestStrings{Input: []string{"Albania Iran", "Albania Iran", "cats"}, Model: "e"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Data) != 3 || len(resp.Data[0].Embedding) != llmtest.EmbeddingDims {
		t.Fatalf("data = %d vectors", len(resp.Data))
	}
	for i := range resp.Data[0].Embedding {
		if resp.Data[0].Embedding[i] != resp.Data[1].Embedding[i] {
			t.Fatal("equal texts, different vectors")
		}
	}
	if in := srv.Requests()[0].Input; len(in) != 3 || in[2] != "cats" {
		t.Errorf("input = %v", in)
	}
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }
