// Package llmtest is a fake OpenAI-compatible server for tests: an httptest
// server on 127.0.0.1 that speaks the chat completions API (plain JSON and
// streamed server-sent events) and the embeddings API, with replies scripted
// per test and a record of every request it received.
//
// Typical use:
//
//	srv := llmtest.New(t)
//	srv.Enqueue(llmtest.Reply{Status: 429, RetryAfter: "1"}, llmtest.Reply{Text: "Albania cut ties [1]."})
//	client := llm.New(llm.Config{BaseURL: srv.URL(), APIKey: "test-key"}, log)
//	...
//	reqs := srv.Requests() // method, path, headers, decoded body
//
// Chat replies are taken from the queue filled by Enqueue, in order; when the
// queue is empty the handler set with OnChat answers, and without one the
// Default reply ("OK"). Embeddings work the same way with EnqueueEmbeddings
// and OnEmbeddings; by default every input gets a deterministic vector derived
// from its words, so equal texts get equal vectors and texts that share words
// are close.
//
// A Server is safe for concurrent use. It is closed by t.Cleanup.
package llmtest

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"storybot/internal/chat"
)

// Default is the chat reply used when nothing is scripted.
var Default = Reply{Text: "OK"}

// EmbeddingDims is the length of the default deterministic embeddings.
const EmbeddingDims = 64

// Reply scripts one response of the fake server.
type Reply struct {
	// Status is the HTTP status; 0 means 200. A status ≥ 400 sends an
	// OpenAI-style error body ({"error": {"message": ..., "type": ...}})
	// unless Body is set.
	Status int
	// RetryAfter, when set, is sent as the Retry-After header ("2", or an
	// HTTP date).
	RetryAfter string
	// Body, when set, is sent verbatim as the response body instead of a
	// well-formed reply (garbage, a truncated JSON, an empty object...).
	Body string
	// Text is the assistant's answer.
	Text string
	// Chunks, for a streamed request, are the deltas sent one event each;
	// when nil, Text is split after each space.
	Chunks []string
	// BreakAfter, for a streamed request, cuts the connection without the
	// final [DONE] after that many chunks have been sent (0: never). Use it
	// for "a stream that breaks mid-answer".
	BreakAfter int
	// Delay waits this long before answering (or until the client gives up).
	Delay time.Duration
	// ChunkDelay, for a streamed request, waits this long before each
	// chunk after the first (or until the client gives up): a slow model,
	// or with a long delay a stalled stream.
	ChunkDelay time.Duration
	// FinishReason defaults to "stop".
	FinishReason string
	// Usage is reported in the reply (and in the last streamed chunk).
	Usage chat.Usage
	// Embeddings, for the embeddings endpoint, are the vectors returned, one
	// per input; when nil the default deterministic vectors are used.
	Embeddings [][]float32
}

// Request is one request the fake server received.
type Request struct {
	Method string
	Path   string // e.g. "/v1/chat/completions"
	Header http.Header
	Raw    []byte         // the body as sent
	Body   map[string]any // the body decoded as JSON (nil when it was not JSON)

	// Decoded conveniences for chat completions.
	Model    string
	Stream   bool
	Messages []chat.Message
	// Input holds the texts of an embeddings request.
	Input []string
}

// Server is a fake OpenAI-compatible API. Create it with New.
type Server struct {
	ts *httptest.Server

	mu       sync.Mutex
	chat     script // chat completions
	emb      script // embeddings
	requests []Request
	models   []string
	modelsSt int // status for GET /models; 0: 200
}

// script is how one endpoint answers: its queued replies first, then its
// handler, then a default.
type script struct {
	queue []Reply
	on    func(Request) Reply
}

// next takes the reply to req from sc, or def when sc has none. s.mu is
// held on entry and on return; it is released while the handler runs.
func (s *Server) next(sc *script, req Request, def Reply) Reply {
	if len(sc.queue) > 0 {
		reply := sc.queue[0]
		sc.queue = sc.queue[1:]
		return reply
	}
	if f := sc.on; f != nil {
		s.mu.Unlock()
		reply := f(req)
		s.mu.Lock()
		return reply
	}
	return def
}

// New starts a fake server on 127.0.0.1 and closes it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{models: []string{"gpt-4o-mini", "text-embedding-3-small"}}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.ts.Close)
	return s
}

// URL is the base URL to give a client, ending in /v1.
func (s *Server) URL() string { return s.ts.URL + "/v1" }

// Enqueue appends replies for the next chat completion requests, in order.
func (s *Server) Enqueue(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat.queue = append(s.chat.queue, replies...)
}

// EnqueueEmbeddings appends replies for the next embeddings requests.
func (s *Server) EnqueueEmbeddings(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emb.queue = append(s.emb.queue, replies...)
}

// OnChat sets the handler that answers chat completions when the queue is
// empty; it sees the decoded request (for example to answer according to the
// prompt). It may be called concurrently.
func (s *Server) OnChat(f func(Request) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat.on = f
}

// OnEmbeddings sets the handler that answers embeddings requests when their
// queue is empty.
func (s *Server) OnEmbeddings(f func(Request) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emb.on = f
}

// SetModels sets the model IDs that GET /models lists (by default
// gpt-4o-mini and text-embedding-3-small), or, with status ≥ 400, makes
// GET /models fail with that status.
func (s *Server) SetModels(status int, ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.models, s.modelsSt = ids, status
}

// Requests returns a copy of the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ChatRequests returns the chat completion requests received so far.
func (s *Server) ChatRequests() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if strings.HasSuffix(r.Path, "/chat/completions") {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Raw: raw}
	var body map[string]any
	if json.Unmarshal(raw, &body) == nil {
		req.Body = body
	}
	var typed struct {
		Model    string         `json:"model"`
		Stream   bool           `json:"stream"`
		Messages []chat.Message `json:"messages"`
		Input    any            `json:"input"`
	}
	_ = json.Unmarshal(raw, &typed)
	req.Model, req.Stream, req.Messages = typed.Model, typed.Stream, typed.Messages
	switch in := typed.Input.(type) {
	case string:
		req.Input = []string{in}
	case []any:
		for _, v := range in {
			if s, ok := v.(string); ok {
				req.Input = append(req.Input, s)
			}
		}
	}

	if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/models") {
		s.mu.Lock()
		s.requests = append(s.requests, req)
		ids, status := s.models, s.modelsSt
		s.mu.Unlock()
		if status >= 400 {
			writeError(w, status, http.StatusText(status))
			return
		}
		data := []map[string]any{}
		for _, id := range ids {
			data = append(data, map[string]any{"id": id, "object": "model", "created": 1700000000, "owned_by": "llmtest"})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data})
		return
	}
	isChat := strings.HasSuffix(r.URL.Path, "/chat/completions")
	isEmb := strings.HasSuffix(r.URL.Path, "/embeddings")
	s.mu.Lock()
	s.requests = append(s.requests, req)
	var reply Reply
	switch {
	case isChat:
		reply = s.next(&s.chat, req, Default)
	case isEmb:
		reply = s.next(&s.emb, req, Reply{})
	default:
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "unknown path "+r.URL.Path)
		return
	}
	s.mu.Unlock()

	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "want POST")
		return
	}
	if reply.Delay > 0 {
		select {
		case <-time.After(reply.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if reply.RetryAfter != "" {
		w.Header().Set("Retry-After", reply.RetryAfter)
	}
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	if reply.Body != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, reply.Body)
		return
	}
	if status >= 400 {
		writeError(w, status, http.StatusText(status))
		return
	}
	if isEmb {
		writeEmbeddings(w, req, reply)
		return
	}
	if req.Stream {
		writeStream(r.Context(), w, req, reply)
		return
	}
	writeCompletion(w, req, reply)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	typ := "server_error"
	switch {
	case status == http.StatusTooManyRequests:
		typ = "rate_limit_exceeded"
	case status < 500:
		typ = "invalid_request_error"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": nil}})
}

func finish(r Reply) string {
	if r.FinishReason != "" {
		return r.FinishReason
	}
	return "stop"
}

func writeCompletion(w http.ResponseWriter, req Request, r Reply) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"id":      "chatcmpl-llmtest",
		"object":  "chat.completion",
		"created": 1700000000,
		"model":   req.Model,
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": r.Text},
			"finish_reason": finish(r),
		}},
		"usage": map[string]any{
			"prompt_tokens":     r.Usage.PromptTokens,
			"completion_tokens": r.Usage.CompletionTokens,
			"total_tokens":      r.Usage.PromptTokens + r.Usage.CompletionTokens,
		},
	})
}

// SplitWords splits text after each space, the default streaming chunks.
func SplitWords(text string) []string {
	var out []string
	start := 0
	for i, c := range text {
		if c == ' ' {
			out = append(out, text[start:i+1])
			start = i + 1
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

func writeStream(ctx context.Context, w http.ResponseWriter, req Request, r Reply) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	event := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if fl != nil {
			fl.Flush()
		}
	}
	chunk := func(delta map[string]any, finishReason any) map[string]any {
		return map[string]any{
			"id": "chatcmpl-llmtest", "object": "chat.completion.chunk", "created": 1700000000, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finishReason}},
		}
	}
	chunks := r.Chunks
	if chunks == nil {
		chunks = SplitWords(r.Text)
	}
	event(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for i, c := range chunks {
		if i > 0 && r.ChunkDelay > 0 {
			select {
			case <-time.After(r.ChunkDelay):
			case <-ctx.Done():
				return
			}
		}
		if r.BreakAfter > 0 && i == r.BreakAfter {
			breakConn(w)
			return
		}
		event(chunk(map[string]any{"content": c}, nil))
	}
	if r.BreakAfter > 0 && r.BreakAfter >= len(chunks) {
		breakConn(w)
		return
	}
	event(chunk(map[string]any{}, finish(r)))
	if r.Usage != (chat.Usage{}) {
		event(map[string]any{
			"id": "chatcmpl-llmtest", "object": "chat.completion.chunk", "created": 1700000000, "model": req.Model,
			"choices": []any{},
			"usage": map[string]any{
				"prompt_tokens":     r.Usage.PromptTokens,
				"completion_tokens": r.Usage.CompletionTokens,
				"total_tokens":      r.Usage.PromptTokens + r.Usage.CompletionTokens,
			},
		})
	}
	io.WriteString(w, "data: [DONE]\n\n")
	if fl != nil {
		fl.Flush()
	}
}

// breakConn closes the connection under a response in progress, so the client
// sees an unexpected EOF rather than the end of the stream.
func breakConn(w http.ResponseWriter) {
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

func writeEmbeddings(w http.ResponseWriter, req Request, r Reply) {
	vecs := r.Embeddings
	if vecs == nil {
		for _, in := range req.Input {
			vecs = append(vecs, Embed(in))
		}
	}
	data := make([]any, len(vecs))
	for i, v := range vecs {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": v}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"object": "list",
		"data":   data,
		"model":  req.Model,
		"usage":  map[string]any{"prompt_tokens": r.Usage.PromptTokens, "total_tokens": r.Usage.PromptTokens},
	})
}

// Embed is the default deterministic embedding: a bag of lower-cased words
// hashed into EmbeddingDims buckets, normalised to unit length.
func Embed(text string) []float32 {
	v := make([]float32, EmbeddingDims)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		h := fnv.New32a()
		h.Write([]byte(w))
		v[h.Sum32()%EmbeddingDims]++
	}
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n > 0 {
		inv := float32(1 / math.Sqrt(n))
		for i := range v {
			v[i] *= inv
		}
	}
	return v
}

// RetryAfterSeconds formats a duration as a Retry-After header value.
func RetryAfterSeconds(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) }
