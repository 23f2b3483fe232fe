// Package llm is the adapter between storybot and any OpenAI-compatible chat
// completions and embeddings API (OpenAI, OpenRouter, Ollama, vLLM, LM
// Studio), built on github.com/sashabaranov/go-openai. Embeddings
// (Client.Embedder) share the chat calls' slots, retries and redaction.
//
// A Client streams by default, bounds the number of calls in flight
// (MaxConcurrency, telling a waiting caller through chat.Request.OnQueued), gives
// each try a timeout (for the whole reply; when streamed, for the first chunk
// and then between chunks, so a slow but steady stream is never cut), and
// retries 429, 5xx and broken connections with
// exponential backoff and jitter, honouring Retry-After, at most MaxTries
// times. When the model still cannot answer, the error wraps
// chat.ErrUnavailable so that callers can fall back to extractive answers.
// The API key is sent only in the Authorization header: it is never logged
// and never part of an error.
package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"storybot/internal/chat"
	"storybot/internal/config"
)

// DefaultModel is used when Config.Model is empty.
const DefaultModel = "gpt-4o-mini"

// Config configures a Client. Zero fields take the defaults named.
type Config struct {
	APIKey         string        // sent as a bearer token; may be empty for local servers
	BaseURL        string        // default https://api.openai.com/v1
	Model          string        // default DefaultModel
	Timeout        time.Duration // per try, default 60s: for a reply, or, streamed, for its first chunk and between chunks
	MaxConcurrency int           // calls in flight, default 4
	MaxTries       int           // default 3
	MaxTokens      int           // default answer length when a request says 0; 0: the server's default

	// BaseBackoff is the first wait between tries (default 1s); it doubles
	// each try, with jitter, up to MaxBackoff (default 20s). A Retry-After
	// header from the server wins when it is longer, up to MaxBackoff.
	BaseBackoff time.Duration
	MaxBackoff  time.Duration

	// HTTPClient carries the requests; default a new http.Client.
	HTTPClient *http.Client
	// Sleep waits between tries; default a timer that stops when ctx ends.
	// Tests inject one that records the waits and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1); default math/rand/v2.
	Jitter func() float64
	// Observer receives what the client sees of the model, for metrics.
	Observer Observer
}

// Observer is told about model calls; every field may be nil. Its
// functions are called from the goroutine making the call and must be safe
// for concurrent use. Error and Retry come from the one retry loop, so they
// count embeddings requests (Client.Embedder) as well as chat calls.
type Observer struct {
	// Error is called for each failed try with its class: "429", "5xx",
	// "timeout", "broken_stream" or "other".
	Error func(class string)
	// Retry is called before each try after the first.
	Retry func()
	// Usage is called with the tokens a successful chat call reported.
	Usage func(chat.Usage)
	// FirstToken is called with the time from a streamed try's start to its
	// first text.
	FirstToken func(time.Duration)
}

// Error classes given to Observer.Error.
const (
	ClassRateLimited  = "429"
	ClassServer       = "5xx"
	ClassTimeout      = "timeout"
	ClassBrokenStream = "broken_stream"
	ClassOther        = "other"
)

func (o Observer) error(class string) {
	if o.Error != nil {
		o.Error(class)
	}
}

// errorClass names the class of a failed try with the given HTTP status
// (0: none; the connection failed or the reply was not a completion).
func errorClass(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return ClassRateLimited
	case status >= 500 || status == 0:
		return ClassServer
	default:
		return ClassOther
	}
}

// FromConfig maps storybot's configuration to a Config.
func FromConfig(c config.Config) Config {
	return Config{
		APIKey:         c.OpenAIAPIKey,
		BaseURL:        c.OpenAIBaseURL,
		Model:          c.OpenAIModel,
		Timeout:        c.OpenAITimeout,
		MaxConcurrency: c.OpenAIMaxConcurrency,
	}
}

// Client calls a chat completions API. It is safe for concurrent use.
type Client struct {
	cfg   Config
	api   *openai.Client
	slots chan struct{}
	log   *slog.Logger
	host  string
}

// New returns a Client for cfg. log may be nil.
func New(cfg Config, log *slog.Logger) *Client {
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = 4
	}
	if cfg.MaxTries <= 0 {
		cfg.MaxTries = 3
	}
	if cfg.BaseBackoff <= 0 {
		cfg.BaseBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 20 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Jitter == nil {
		cfg.Jitter = rand.Float64
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	oc.HTTPClient = &hintDoer{c: cfg.HTTPClient}
	host := "api.openai.com"
	if u, err := url.Parse(oc.BaseURL); err == nil {
		host = u.Host
	}
	return &Client{
		cfg:   cfg,
		api:   openai.NewClientWithConfig(oc),
		slots: make(chan struct{}, cfg.MaxConcurrency),
		log:   log.With("model", cfg.Model, "host", host),
		host:  host,
	}
}

// Model returns the model name the client asks for.
func (c *Client) Model() string { return c.cfg.Model }

// Host returns the host of the model server, for messages.
func (c *Client) Host() string { return c.host }

// Models lists the IDs of the models the server offers (GET /models), in
// the server's order, within one Timeout and without retries. Errors say
// what to check (OPENAI_API_KEY, OPENAI_BASE_URL) and carry no secret.
func (c *Client) Models(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	list, err := c.api.ListModels(ctx)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("no answer from %s within %s (OPENAI_TIMEOUT)", c.host, c.cfg.Timeout)
		}
		status, _ := classify(err)
		if status == http.StatusNotFound {
			return nil, fmt.Errorf("%s has no /models endpoint (HTTP 404): check that OPENAI_BASE_URL ends with the API's base path, such as /v1", c.host)
		}
		return nil, describe(status, err, c.cfg.APIKey)
	}
	ids := make([]string, 0, len(list.Models))
	for _, m := range list.Models {
		ids = append(ids, m.ID)
	}
	return ids, nil
}

// Complete sends req to the model. With onDelta non-nil the reply is
// streamed and onDelta receives each piece of text as it arrives (from the
// calling goroutine); the returned Response holds the whole text either way.
//
// When all slots are busy Complete calls req.OnQueued (when set) once and
// waits. Errors: ctx's error when ctx ends; otherwise, when the model cannot
// answer (after retries for 429, 5xx and broken connections; at once for a
// timeout, a stream broken after text was streamed, or another 4xx), an error
// wrapping chat.ErrUnavailable that says what happened, without secrets.
func (c *Client) Complete(ctx context.Context, req chat.Request, onDelta func(string)) (chat.Response, error) {
	release, err := c.acquire(ctx, req.OnQueued)
	if err != nil {
		return chat.Response{}, err
	}
	defer release()

	oreq := openai.ChatCompletionRequest{
		Model:       c.cfg.Model,
		Temperature: req.Temperature,
		MaxTokens:   req.MaxTokens,
	}
	if oreq.MaxTokens == 0 {
		oreq.MaxTokens = c.cfg.MaxTokens
	}
	for _, m := range req.Messages {
		oreq.Messages = append(oreq.Messages, openai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}

	var resp chat.Response
	err = c.retry(ctx, "model", func(ctx context.Context, try int) error {
		tctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		// The try ends when no byte of the answer has come for Timeout:
		// the whole reply when it is not streamed; the first chunk, then
		// each next one, when it is, so that a slow but steady local model
		// is not cut off mid-answer while a stalled stream still is.
		idle := time.AfterFunc(c.cfg.Timeout, func() { cancel(errIdle) })
		start := time.Now()
		var streamed bool
		var err error
		if onDelta != nil {
			first := true
			resp, streamed, err = c.stream(tctx, oreq, func(d string) {
				if first && c.cfg.Observer.FirstToken != nil {
					c.cfg.Observer.FirstToken(time.Since(start))
				}
				first = false
				onDelta(d)
			}, func() { idle.Reset(c.cfg.Timeout) })
		} else {
			resp, err = c.once(tctx, oreq)
		}
		idle.Stop()
		switch {
		case err == nil:
			c.log.Debug("model answered", "try", try, "ms", time.Since(start).Milliseconds(),
				"prompt_tokens", resp.Usage.PromptTokens, "completion_tokens", resp.Usage.CompletionTokens)
			if c.cfg.Observer.Usage != nil {
				c.cfg.Observer.Usage(resp.Usage)
			}
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(context.Cause(tctx), errIdle):
			c.cfg.Observer.error(ClassTimeout)
			c.log.Warn("model timed out", "try", try, "timeout", c.cfg.Timeout)
			return final(fmt.Errorf("no answer from %s within %s (OPENAI_TIMEOUT)", c.host, c.cfg.Timeout))
		case streamed:
			status, _ := classify(err)
			derr := describe(status, err, c.cfg.APIKey)
			c.cfg.Observer.error(ClassBrokenStream)
			c.log.Warn("model stream broke mid-answer", "try", try, "err", derr)
			return final(fmt.Errorf("the answer stream broke: %v", derr))
		}
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return chat.Response{}, ctx.Err()
		}
		return chat.Response{}, fmt.Errorf("%w: %v", chat.ErrUnavailable, err)
	}
	return resp, nil
}

// acquire takes one of the MaxConcurrency slots, calling onQueued (when not
// nil) once when it must wait. It returns the function that gives the slot back, or
// ctx's error when ctx ends first.
func (c *Client) acquire(ctx context.Context, onQueued func()) (release func(), err error) {
	select {
	case c.slots <- struct{}{}:
	default:
		if onQueued != nil {
			onQueued()
		}
		select {
		case c.slots <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return func() { <-c.slots }, nil
}

// finalError ends retry at once with its error, already described.
type finalError struct{ err error }

func (e finalError) Error() string { return e.err.Error() }

// final marks err as not worth another try (see retry).
func final(err error) error { return finalError{err} }

// retry calls try (numbered from 1) until it succeeds, at most MaxTries
// times: it waits and tries again after 429, 5xx and broken connections
// (backoff with jitter, Retry-After honoured), and stops at once on another
// status, on an error marked final, and when ctx ends (returning ctx's
// error). Other errors say what happened without secrets (see describe);
// what names the call in the log ("model", "embeddings").
func (c *Client) retry(ctx context.Context, what string, try func(ctx context.Context, try int) error) error {
	for n := 1; ; n++ {
		hint := &retryHint{}
		err := try(context.WithValue(ctx, hintKey{}, hint), n)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var fe finalError
		if errors.As(err, &fe) {
			return fe.err
		}
		status, retryable := classify(err)
		err = describe(status, err, c.cfg.APIKey)
		c.cfg.Observer.error(errorClass(status))
		if !retryable || n >= c.cfg.MaxTries {
			c.log.Warn(what+" failed", "try", n, "status", status, "retryable", retryable, "err", err)
			if retryable && n > 1 {
				return fmt.Errorf("%d tries failed, last: %v", n, err)
			}
			return err
		}
		wait := c.backoff(n, hint.retryAfter)
		c.log.Info(what+" call failed, retrying", "try", n, "status", status, "wait", wait, "err", err)
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return err
		}
		if c.cfg.Observer.Retry != nil {
			c.cfg.Observer.Retry()
		}
	}
}

func (c *Client) once(ctx context.Context, oreq openai.ChatCompletionRequest) (chat.Response, error) {
	r, err := c.api.CreateChatCompletion(ctx, oreq)
	if err != nil {
		return chat.Response{}, err
	}
	if len(r.Choices) == 0 {
		// A 200 whose body is not a completion, such as {"error": {...}}
		// from a proxy or an overloaded local server: a server failure,
		// not an empty answer.
		return chat.Response{}, errNoAnswer
	}
	return chat.Response{
		Text:         r.Choices[0].Message.Content,
		FinishReason: string(r.Choices[0].FinishReason),
		Usage:        chat.Usage{PromptTokens: r.Usage.PromptTokens, CompletionTokens: r.Usage.CompletionTokens},
	}, nil
}

// errIdle ends a try that received nothing for Timeout.
var errIdle = errors.New("no answer within the timeout")

// stream reports streamed=true when text had reached onDelta before an error.
// It calls alive after each chunk received.
func (c *Client) stream(ctx context.Context, oreq openai.ChatCompletionRequest, onDelta func(string), alive func()) (resp chat.Response, streamed bool, err error) {
	oreq.Stream = true
	if c.cfg.BaseURL == "" || strings.Contains(c.host, "openai.com") {
		oreq.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	}
	st, err := c.api.CreateChatCompletionStream(ctx, oreq)
	if err != nil {
		return chat.Response{}, false, err
	}
	defer st.Close()
	var b strings.Builder
	for {
		chunk, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return chat.Response{}, b.Len() > 0, err
		}
		alive()
		if chunk.Usage != nil {
			resp.Usage = chat.Usage{PromptTokens: chunk.Usage.PromptTokens, CompletionTokens: chunk.Usage.CompletionTokens}
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			if ch.Delta.Content != "" {
				b.WriteString(ch.Delta.Content)
				onDelta(ch.Delta.Content)
			}
			if ch.FinishReason != "" {
				resp.FinishReason = string(ch.FinishReason)
			}
		}
	}
	if b.Len() == 0 && resp.FinishReason == "" {
		// The body ended without a single completion chunk (a 200 with an
		// error JSON body, or a connection closed at once).
		return chat.Response{}, false, errNoAnswer
	}
	resp.Text = b.String()
	return resp, false, nil
}

// errNoAnswer is a 200 reply that held no completion; it is retried like a
// server failure.
var errNoAnswer = errors.New("the model server replied 200 without a completion (no choices)")

// backoff is the wait after the given failed try: BaseBackoff·2^(try-1),
// with jitter in [½, 1], raised to Retry-After when the server asked for
// longer, capped at MaxBackoff.
func (c *Client) backoff(try int, retryAfter time.Duration) time.Duration {
	d := c.cfg.BaseBackoff << (try - 1)
	d = d/2 + time.Duration(float64(d/2)*c.cfg.Jitter())
	if retryAfter > d {
		d = retryAfter
	}
	if d > c.cfg.MaxBackoff {
		d = c.cfg.MaxBackoff
	}
	return d
}

// classify returns the HTTP status (0 when none) and whether a retry may help.
func classify(err error) (int, bool) {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) && apiErr.HTTPStatusCode > 0 {
		return apiErr.HTTPStatusCode, retryStatus(apiErr.HTTPStatusCode)
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) && reqErr.HTTPStatusCode > 0 {
		return reqErr.HTTPStatusCode, retryStatus(reqErr.HTTPStatusCode)
	}
	if errors.As(err, &apiErr) {
		// An error event inside a stream: treat it as a server failure.
		return 0, true
	}
	// No HTTP status: the connection failed or broke (refused, reset,
	// unexpected EOF), or the reply was not JSON.
	return 0, true
}

func retryStatus(code int) bool { return code == http.StatusTooManyRequests || code >= 500 }

// describe turns err into a short message for logs and wrapped errors. It
// never includes request headers, and blanks out key where the server's
// error message, which it quotes, echoes it (some servers and proxies quote
// the Authorization header).
func describe(status int, err error, key string) error {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fmt.Errorf("the model server refused the credentials (HTTP %d): check OPENAI_API_KEY", status)
	case status == http.StatusNotFound:
		return fmt.Errorf("the model server does not know this model or path (HTTP 404): check OPENAI_MODEL and OPENAI_BASE_URL")
	case status == http.StatusTooManyRequests:
		return fmt.Errorf("rate limited (HTTP 429)")
	case status > 0:
		return fmt.Errorf("HTTP %d: %s", status, trim(redact(err.Error(), key), 200))
	default:
		return errors.New(trim(redact(err.Error(), key), 200))
	}
}

func redact(s, key string) string {
	if key == "" {
		return s
	}
	return strings.ReplaceAll(s, key, "[OPENAI_API_KEY]")
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryHint carries the Retry-After of the last response of one try.
type retryHint struct{ retryAfter time.Duration }

type hintKey struct{}

// hintDoer records Retry-After headers into the try's retryHint.
type hintDoer struct{ c *http.Client }

func (d *hintDoer) Do(r *http.Request) (*http.Response, error) {
	resp, err := d.c.Do(r)
	if resp != nil {
		if h, ok := r.Context().Value(hintKey{}).(*retryHint); ok {
			h.retryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		}
	}
	return resp, err
}

// ParseRetryAfter reads a Retry-After header: a number of seconds or an HTTP
// date (relative to now). It returns 0 when the header is absent or invalid.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
