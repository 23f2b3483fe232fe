package llm_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"storybot/internal/chat"
	"storybot/internal/llm"
	"storybot/internal/llm/llmtest"
)

const secret = "sk-test-SECRET-123"

type harness struct {
	srv    *llmtest.Server
	client *llm.Client
	logs   *bytes.Buffer
	mu     sync.Mutex
	waits  []time.Duration
}

func newHarness(t *testing.T, mod func(*llm.Config)) *harness {
	t.Helper()
	h := &harness{srv: llmtest.New(t), logs: &bytes.Buffer{}}
	cfg := llm.Config{
		APIKey:  secret,
		BaseURL: h.srv.URL(),
		Model:   "test-model",
		Timeout: 5 * time.Second,
		Sleep: func(ctx context.Context, d time.Duration) error {
			h.mu.Lock()
			h.waits = append(h.waits, d)
			h.mu.Unlock()
			return ctx.Err()
		},
		Jitter: func() float64 { return 0.5 },
	}
	if mod != nil {
		mod(&cfg)
	}
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.client = llm.New(cfg, log)
	t.Cleanup(func() {
		if strings.Contains(h.logs.String(), secret) {
			t.Error("the API key appears in the logs")
		}
	})
	return h
}

var req = chat.Request{Messages: []chat.Message{{Role: chat.RoleSystem, Content: "rules"}, {Role: chat.RoleUser, Content: "Why?"}}}

func TestCompletePlain(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Enqueue(llmtest.Reply{Text: "Because [1].", Usage: chat.Usage{PromptTokens: 40, CompletionTokens: 4}})
	resp, err := h.client.Complete(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "Because [1]." || resp.FinishReason != "stop" || resp.Usage.PromptTokens != 40 || resp.Usage.CompletionTokens != 4 {
		t.Errorf("resp = %+v", resp)
	}
	r := h.srv.ChatRequests()[0]
	if r.Method != "POST" || r.Path != "/v1/chat/completions" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+secret {
		t.Errorf("Authorization = %q", got)
	}
	if r.Model != "test-model" || r.Stream || len(r.Messages) != 2 || r.Messages[0].Role != "system" || r.Messages[1].Content != "Why?" {
		t.Errorf("body = %s", r.Raw)
	}
}

func TestCompleteStreamed(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Enqueue(llmtest.Reply{Chunks: []string{"Albania ", "cut ", "ties [1]."}})
	var deltas []string
	resp, err := h.client.Complete(context.Background(), req, func(s string) { deltas = append(deltas, s) })
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "Albania cut ties [1]." || strings.Join(deltas, "|") != "Albania |cut |ties [1]." {
		t.Errorf("text %q deltas %q", resp.Text, deltas)
	}
	if !h.srv.ChatRequests()[0].Stream {
		t.Error("not streamed")
	}
}

func TestNoKeyForLocalServers(t *testing.T) {
	h := newHarness(t, func(c *llm.Config) { c.APIKey = "" })
	if _, err := h.client.Complete(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	if got := h.srv.ChatRequests()[0].Header.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q, want none", got)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Enqueue(llmtest.Reply{Status: 429, RetryAfter: "7"}, llmtest.Reply{Text: "ok [1]"})
	resp, err := h.client.Complete(context.Background(), req, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "ok [1]" {
		t.Errorf("text = %q", resp.Text)
	}
	if len(h.waits) != 1 || h.waits[0] != 7*time.Second {
		t.Errorf("waits = %v, want [7s] from Retry-After", h.waits)
	}
	if n := len(h.srv.ChatRequests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	h := newHarness(t, func(c *llm.Config) { c.BaseBackoff = time.Second })
	h.srv.Enqueue(llmtest.Reply{Status: 500}, llmtest.Reply{Status: 503}, llmtest.Reply{Status: 502})
	_, err := h.client.Complete(context.Background(), req, nil)
	if !errors.Is(err, chat.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	// jitter 0.5: d/2 + d/2·0.5 = 0.75·d
	want := []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond}
	if len(h.waits) != 2 || h.waits[0] != want[0] || h.waits[1] != want[1] {
		t.Errorf("waits = %v, want %v", h.waits, want)
	}
	if n := len(h.srv.ChatRequests()); n != 3 {
		t.Errorf("%d tries, want 3", n)
	}
	if strings.Contains(err.Error(), secret) {
		t.Error("key in error")
	}
}

func TestNoRetryOn401(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Enqueue(llmtest.Reply{Status: 401})
	_, err := h.client.Complete(context.Background(), req, nil)
	if !errors.Is(err, chat.ErrUnavailable) || !strings.Contains(err.Error(), "OPENAI_API_KEY") {
		t.Fatalf("err = %v", err)
	}
	if n := len(h.srv.ChatRequests()); n != 1 {
		t.Errorf("%d tries, want 1", n)
	}
}

func TestStreamBreaksMidAnswer(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Enqueue(llmtest.Reply{Chunks: []string{"Albania ", "cut ", "ties"}, BreakAfter: 2})
	var got strings.Builder
	_, err := h.client.Complete(context.Background(), req, func(s string) { got.WriteString(s) })
	if !errors.Is(err, chat.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if got.String() != "Albania cut " {
		t.Errorf("streamed %q", got.String())
	}
	if n := len(h.srv.ChatRequests()); n != 1 {
		t.Errorf("%d tries after text was streamed, want 1", n)
	}
}

func TestStreamBreaksBeforeTextIsRetried(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Enqueue(llmtest.Reply{Chunks: []string{"", "x"}, BreakAfter: 1}, llmtest.Reply{Status: 503}, llmtest.Reply{Text: "fine"})
	resp, err := h.client.Complete(context.Background(), req, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "fine" {
		t.Errorf("text = %q", resp.Text)
	}
}

func TestSlowerThanTimeout(t *testing.T) {
	h := newHarness(t, func(c *llm.Config) { c.Timeout = 50 * time.Millisecond })
	h.srv.Enqueue(llmtest.Reply{Text: "late", Delay: time.Minute})
	_, err := h.client.Complete(context.Background(), req, func(string) {})
	if !errors.Is(err, chat.ErrUnavailable) || !strings.Contains(err.Error(), "OPENAI_TIMEOUT") {
		t.Fatalf("err = %v, want ErrUnavailable naming OPENAI_TIMEOUT", err)
	}
}

func TestCallerCancel(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Enqueue(llmtest.Reply{Text: "late", Delay: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(h.srv.ChatRequests()) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := h.client.Complete(ctx, req, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestQueuedWhenSlotsBusy(t *testing.T) {
	h := newHarness(t, func(c *llm.Config) { c.MaxConcurrency = 1 })
	release := make(chan struct{})
	h.srv.OnChat(func(r llmtest.Request) llmtest.Reply {
		if r.Messages[1].Content == "first" {
			<-release
		}
		return llmtest.Reply{Text: "ok"}
	})
	first := chat.Request{Messages: []chat.Message{{Role: "system", Content: "r"}, {Role: "user", Content: "first"}}}
	done := make(chan error)
	go func() { _, err := h.client.Complete(context.Background(), first, nil); done <- err }()
	for len(h.srv.ChatRequests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	queued := make(chan struct{})
	second := req
	second.OnQueued = func() { close(queued) }
	go func() { _, err := h.client.Complete(context.Background(), second, nil); done <- err }()
	<-queued
	close(release)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"": 0, "3": 3 * time.Second, "0.5": 500 * time.Millisecond, "-1": 0, "soon": 0,
		"Thu, 01 Jan 2026 00:00:10 GMT": 10 * time.Second,
	} {
		if got := llm.ParseRetryAfter(in, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestGarbageBodyIsUnavailable(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Enqueue(llmtest.Reply{Body: "<html>bad gateway</html>"}, llmtest.Reply{Body: "{"}, llmtest.Reply{Body: "nope"})
	_, err := h.client.Complete(context.Background(), req, nil)
	if !errors.Is(err, chat.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if n := len(h.srv.ChatRequests()); n != 3 {
		t.Errorf("%d tries, want 3", n)
	}
}

func TestEmptyReplyIsNotAnError(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.Enqueue(llmtest.Reply{Text: ""})
	resp, err := h.client.Complete(context.Background(), req, func(string) {})
	if err != nil || resp.Text != "" {
		t.Errorf("resp %+v err %v; the caller decides what an empty answer means", resp, err)
	}
}

// A 200 whose body is an error object (a proxy, an overloaded local server)
// or holds no choices is a server failure, retried, not an empty answer;
// streamed or not.
func TestOKWithErrorBodyIsUnavailable(t *testing.T) {
	for _, stream := range []bool{false, true} {
		h := newHarness(t, nil)
		body := `{"error":{"message":"model is overloaded","type":"server_error"}}`
		h.srv.Enqueue(llmtest.Reply{Body: body}, llmtest.Reply{Body: `{"choices":[]}`}, llmtest.Reply{Text: "Because [1]."})
		var onDelta func(string)
		if stream {
			onDelta = func(string) {}
		}
		resp, err := h.client.Complete(context.Background(), req, onDelta)
		if err != nil || resp.Text != "Because [1]." {
			t.Errorf("stream=%v: resp %+v err %v, want the third try's answer", stream, resp, err)
		}
		if n := len(h.srv.ChatRequests()); n != 3 {
			t.Errorf("stream=%v: %d tries, want 3", stream, n)
		}
		h = newHarness(t, nil)
		h.srv.Enqueue(llmtest.Reply{Body: body}, llmtest.Reply{Body: body}, llmtest.Reply{Body: body})
		if _, err := h.client.Complete(context.Background(), req, onDelta); !errors.Is(err, chat.ErrUnavailable) {
			t.Errorf("stream=%v: err = %v, want ErrUnavailable", stream, err)
		}
	}
}

// OPENAI_TIMEOUT bounds a streamed try's silence, not its length: a slow
// but steady stream (a local model writing a long answer) that takes longer
// than the timeout in all is kept; a stream that stalls mid-answer for
// longer than it ends the try.
func TestStreamTimeoutIsBetweenChunks(t *testing.T) {
	const timeout = 400 * time.Millisecond
	h := newHarness(t, func(c *llm.Config) { c.Timeout = timeout })
	chunks := strings.Split(strings.Repeat("word ", 12), " ")[:12]
	h.srv.Enqueue(llmtest.Reply{Chunks: chunks, ChunkDelay: timeout / 6})
	resp, err := h.client.Complete(context.Background(), req, func(string) {})
	if err != nil || resp.Text != strings.Join(chunks, "") {
		t.Fatalf("steady stream of 12 chunks, %s apart, timeout %s: resp %+v err %v", timeout/6, timeout, resp, err)
	}

	h = newHarness(t, func(c *llm.Config) { c.Timeout = timeout })
	h.srv.Enqueue(llmtest.Reply{Chunks: []string{"Albania ", "cut"}, ChunkDelay: time.Minute})
	_, err = h.client.Complete(context.Background(), req, func(string) {})
	if !errors.Is(err, chat.ErrUnavailable) || !strings.Contains(err.Error(), "OPENAI_TIMEOUT") {
		t.Fatalf("stalled stream: err = %v, want ErrUnavailable naming OPENAI_TIMEOUT", err)
	}
}

// A server that echoes the key in an error body (a proxy, a misconfigured
// gateway) must not put it in the error or the logs.
func TestKeyEchoedInErrorBodyIsRedacted(t *testing.T) {
	for _, status := range []int{400, 500, 422} {
		h := newHarness(t, nil)
		body := `{"error":{"message":"invalid header Authorization: Bearer ` + secret + `","type":"invalid_request_error"}}`
		for i := 0; i < 6; i++ {
			h.srv.Enqueue(llmtest.Reply{Status: status, Body: body})
		}
		for _, on := range []func(string){nil, func(string) {}} {
			_, err := h.client.Complete(context.Background(), req, on)
			if err == nil || strings.Contains(err.Error(), secret) {
				t.Errorf("HTTP %d: err = %v", status, err)
			}
		}
	}
}
