// Package discordtest is a fake Discord for tests: an httptest server on
// 127.0.0.1 that speaks the REST API (v9) and the websocket gateway well
// enough to drive a real discordgo session.
//
// The gateway sends HELLO, answers IDENTIFY with READY (with user,
// application, session_id and resume_gateway_url) and GUILD_CREATE, RESUME
// with RESUMED, heartbeats with ACKs, and dispatches the events a test sends
// with Dispatch. REST routes cover gateway discovery, the bulk command
// overwrite, interaction callbacks, edits and deletions of @original,
// follow-ups (an ephemeral one while a public deferred response still
// shows fails the test: Discord would make it replace that response,
// public), channel messages, threads, typing and channel reads; any other
// route fails the test. Message bodies are checked against Discord's limits (content,
// embeds and their 6,000-character total, components, autocomplete choices,
// thread names: limits.go) and refused with Discord's 400 when they break
// one. Every REST request is recorded for assertions.
//
// Point the bot's DISCORD_API_URL at URL(). A Server is safe for concurrent
// use and is closed by t.Cleanup.
package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// IDs of the fake world. The application ID differs from the bot user's ID,
// as it may in real Discord.
const (
	Token       = "test-token"
	AppID       = "900000000000000001"
	BotID       = "900000000000000002"
	GuildID     = "800000000000000001"
	ChannelID   = "700000000000000001" // a text channel
	Channel2ID  = "700000000000000002" // another text channel
	ThreadID    = "700000000000000099" // an existing thread in ChannelID
	SessionID   = "fake-session-1"
	APIPrefix   = "/api/v9"
	gatewayPath = "/gateway-ws"
)

// Request is one REST request the server received.
type Request struct {
	Method string
	Path   string // without the /api/v9 prefix
	Query  string
	Auth   string
	Body   []byte
	Time   time.Time
}

// JSON decodes the body into a generic map (nil when it is not an object).
func (r Request) JSON() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// Server is the fake Discord.
type Server struct {
	t   testing.TB
	srv *httptest.Server
	up  websocket.Upgrader

	mu          sync.Mutex
	reqs        []Request
	conns       map[int]*websocket.Conn // shard → its gateway connection
	shardCount  int                     // learned from IDENTIFY; 1 without sharding
	identified  [][2]int                // [shard, count] of each IDENTIFY
	gwShards    int                     // the shards GET /gateway/bot recommends
	writeMu     sync.Mutex
	seq         int64
	identifies  int
	resumes     int
	intents     int64
	connected   int // READY or RESUMED sent
	nextID      int64
	fails       []fail
	dispatched  map[string]time.Time // interaction ID → when dispatched
	messages    map[string][]map[string]any
	threads     map[string]string // thread → parent
	thinking    map[string]bool   // tokens of public deferred responses not yet edited or deleted
	deleted     map[string]bool   // channels that return 404
	attachments map[string][]byte
	changed     chan struct{}
	onCallback  func(r Request)
	closed      bool
	appFlags    int   // application flags served by GET /oauth2/applications/@me
	disallowed  int64 // intents refused at IDENTIFY with close 4014
	rejected    []Request
	StrictPaths bool // fail on unknown routes (default true)
	// StrictLimits fails the test when a message, an autocomplete reply or a
	// thread name breaks one of Discord's limits (limits.go); the request is
	// answered 400 either way, as Discord would. Default true.
	StrictLimits bool
}

// Application flags (https://discord.com/developers/docs/resources/application#application-object-application-flags).
const (
	FlagGatewayMessageContent        = 1 << 18 // Message Content intent, verified apps in 100+ servers
	FlagGatewayMessageContentLimited = 1 << 19 // Message Content intent switched on in the portal
)

// SetApplicationFlags sets the flags of the bot's application, as the
// developer portal would (default FlagGatewayMessageContentLimited).
func (s *Server) SetApplicationFlags(flags int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appFlags = flags
}

// DisallowIntents makes IDENTIFY fail with close code 4014 ("Disallowed
// intent(s)") when it asks for any of these intents, as Discord does for a
// privileged intent not switched on in the developer portal.
func (s *Server) DisallowIntents(intents int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.disallowed = intents
}

type fail struct {
	method, contains string
	status           int
	times            int
}

// New starts a fake Discord for the test.
func New(t testing.TB) *Server {
	s := &Server{
		t:            t,
		dispatched:   map[string]time.Time{},
		conns:        map[int]*websocket.Conn{},
		shardCount:   1,
		messages:     map[string][]map[string]any{},
		threads:      map[string]string{ThreadID: ChannelID},
		thinking:     map[string]bool{},
		deleted:      map[string]bool{},
		attachments:  map[string][]byte{},
		changed:      make(chan struct{}),
		nextID:       500000000000000000,
		appFlags:     FlagGatewayMessageContentLimited,
		StrictPaths:  true,
		StrictLimits: true,
	}
	mux := http.NewServeMux()
	p := APIPrefix
	mux.HandleFunc("GET "+gatewayPath, s.gateway)
	mux.HandleFunc("GET "+gatewayPath+"/", s.gateway) // discordgo adds a slash before the query
	mux.HandleFunc("GET "+p+"/gateway", s.rest(func(w http.ResponseWriter, r *http.Request, rec Request) {
		writeJSON(w, 200, map[string]any{"url": s.wsURL()})
	}))
	mux.HandleFunc("GET "+p+"/gateway/bot", s.rest(func(w http.ResponseWriter, r *http.Request, rec Request) {
		s.mu.Lock()
		shards := max(s.gwShards, 1)
		s.mu.Unlock()
		writeJSON(w, 200, map[string]any{"url": s.wsURL(), "shards": shards,
			"session_start_limit": map[string]any{"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})
	}))
	mux.HandleFunc("PUT "+p+"/applications/{app}/commands", s.rest(s.overwrite))
	mux.HandleFunc("PUT "+p+"/applications/{app}/guilds/{guild}/commands", s.rest(s.overwrite))
	mux.HandleFunc("POST "+p+"/interactions/{id}/{token}/callback", s.rest(s.limited("callback", func(w http.ResponseWriter, r *http.Request, rec Request) {
		if s.onCallback != nil {
			s.onCallback(rec)
		}
		body := rec.JSON()
		data, _ := body["data"].(map[string]any)
		if typ, _ := body["type"].(float64); typ == 5 && flagsOf(data)&flagEphemeral == 0 {
			s.setThinking(r.PathValue("token"), true)
		}
		w.WriteHeader(http.StatusNoContent)
	})))
	mux.HandleFunc("PATCH "+p+"/webhooks/{app}/{token}/messages/{msg}", s.rest(s.limited("message", func(w http.ResponseWriter, r *http.Request, rec Request) {
		s.checkApp(r)
		if r.PathValue("msg") == "@original" {
			s.setThinking(r.PathValue("token"), false)
		}
		writeJSON(w, 200, s.message(ChannelID, rec.JSON(), r.PathValue("msg")))
	})))
	mux.HandleFunc("DELETE "+p+"/webhooks/{app}/{token}/messages/{msg}", s.rest(func(w http.ResponseWriter, r *http.Request, rec Request) {
		s.checkApp(r)
		if r.PathValue("msg") == "@original" {
			s.setThinking(r.PathValue("token"), false)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("POST "+p+"/webhooks/{app}/{token}", s.rest(s.limited("message", func(w http.ResponseWriter, r *http.Request, rec Request) {
		s.checkApp(r)
		s.mu.Lock()
		thinking := s.thinking[r.PathValue("token")]
		s.mu.Unlock()
		if thinking && flagsOf(rec.JSON())&flagEphemeral != 0 {
			// Discord makes the first follow-up of a deferred response
			// replace it, public as the deferral was.
			s.t.Errorf("discordtest: an ephemeral follow-up while the public deferred response still shows would replace it, public: delete or edit @original first")
		}
		writeJSON(w, 200, s.message(ChannelID, rec.JSON(), ""))
	})))
	mux.HandleFunc("POST "+p+"/channels/{ch}/messages", s.rest(s.limited("message", func(w http.ResponseWriter, r *http.Request, rec Request) {
		m := s.message(r.PathValue("ch"), rec.JSON(), "")
		s.mu.Lock()
		s.messages[r.PathValue("ch")] = append(s.messages[r.PathValue("ch")], m)
		s.mu.Unlock()
		writeJSON(w, 200, m)
	})))
	mux.HandleFunc("PATCH "+p+"/channels/{ch}/messages/{msg}", s.rest(s.limited("message", func(w http.ResponseWriter, r *http.Request, rec Request) {
		ch, id := r.PathValue("ch"), r.PathValue("msg")
		m := s.message(ch, rec.JSON(), id)
		s.mu.Lock()
		for _, old := range s.messages[ch] {
			if old["id"] == id {
				old["content"] = m["content"]
			}
		}
		s.mu.Unlock()
		writeJSON(w, 200, m)
	})))
	mux.HandleFunc("GET "+p+"/channels/{ch}/messages", s.rest(func(w http.ResponseWriter, r *http.Request, rec Request) {
		s.mu.Lock()
		ms := s.messages[r.PathValue("ch")]
		before := r.URL.Query().Get("before")
		out := []map[string]any{}
		for i := len(ms) - 1; i >= 0; i-- { // newest first, like Discord
			if before != "" && cmpID(ms[i]["id"].(string), before) >= 0 {
				continue
			}
			out = append(out, ms[i])
		}
		s.mu.Unlock()
		if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n < len(out) {
			out = out[:n]
		}
		writeJSON(w, 200, out)
	}))
	mux.HandleFunc("POST "+p+"/channels/{ch}/messages/{msg}/threads", s.rest(s.limited("thread", func(w http.ResponseWriter, r *http.Request, rec Request) {
		id := s.newID()
		name, _ := rec.JSON()["name"].(string)
		s.mu.Lock()
		s.threads[id] = r.PathValue("ch")
		s.mu.Unlock()
		writeJSON(w, 201, map[string]any{"id": id, "type": 11, "guild_id": GuildID, "parent_id": r.PathValue("ch"), "name": name})
	})))
	mux.HandleFunc("POST "+p+"/channels/{ch}/typing", s.rest(func(w http.ResponseWriter, r *http.Request, rec Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("GET "+p+"/channels/{ch}", s.rest(func(w http.ResponseWriter, r *http.Request, rec Request) {
		ch := r.PathValue("ch")
		s.mu.Lock()
		parent, isThread := s.threads[ch]
		s.mu.Unlock()
		if isThread {
			writeJSON(w, 200, map[string]any{"id": ch, "type": 11, "guild_id": GuildID, "parent_id": parent, "name": "thread"})
			return
		}
		writeJSON(w, 200, map[string]any{"id": ch, "type": 0, "guild_id": GuildID, "name": "general"})
	}))
	mux.HandleFunc("GET "+p+"/users/@me", s.rest(func(w http.ResponseWriter, r *http.Request, rec Request) {
		writeJSON(w, 200, map[string]any{"id": BotID, "username": "storybot", "discriminator": "0", "bot": true})
	}))
	mux.HandleFunc("GET "+p+"/oauth2/applications/@me", s.rest(func(w http.ResponseWriter, r *http.Request, rec Request) {
		s.mu.Lock()
		flags := s.appFlags
		s.mu.Unlock()
		writeJSON(w, 200, map[string]any{"id": AppID, "name": "storybot", "flags": flags, "bot_public": false})
	}))
	mux.HandleFunc("GET "+p+"/guilds/{guild}", s.rest(func(w http.ResponseWriter, r *http.Request, rec Request) {
		if r.PathValue("guild") != GuildID {
			writeJSON(w, 404, map[string]any{"message": "Unknown Guild", "code": 10004})
			return
		}
		writeJSON(w, 200, map[string]any{"id": GuildID, "name": "Test Server", "owner_id": "1", "roles": []any{}})
	}))
	mux.HandleFunc("GET /attachments/{id}/{name}", func(w http.ResponseWriter, r *http.Request) {
		s.record(r, nil)
		s.mu.Lock()
		data, ok := s.attachments[r.PathValue("id")]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.record(r, body)
		if s.StrictPaths {
			t.Errorf("discordtest: unexpected request %s %s %s", r.Method, r.URL.Path, body)
		}
		writeJSON(w, 404, map[string]any{"message": "404: Not Found", "code": 0})
	})
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// URL is the base URL to use as DISCORD_API_URL.
func (s *Server) URL() string { return s.srv.URL }

func (s *Server) wsURL() string { return "ws" + strings.TrimPrefix(s.srv.URL, "http") + gatewayPath }

// Close stops the server and drops the gateway connection.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := s.conns
	s.conns = map[int]*websocket.Conn{}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// FailNext makes the next `times` requests whose method is method and whose
// path contains substr fail with status (and a Discord error body; for 429
// a rate-limit body asking to retry after 50 ms).
func (s *Server) FailNext(method, substr string, status, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, fail{method, substr, status, times})
}

// DeleteChannel makes every request about a channel fail with 404 Unknown
// Channel, as for a deleted thread.
func (s *Server) DeleteChannel(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleted[id] = true
}

// OnCallback sets a hook called with each interaction callback.
func (s *Server) OnCallback(f func(Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onCallback = f
}

func (s *Server) record(r *http.Request, body []byte) Request {
	rec := Request{Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, APIPrefix), Query: r.URL.RawQuery,
		Auth: r.Header.Get("Authorization"), Body: body, Time: time.Now()}
	s.mu.Lock()
	s.reqs = append(s.reqs, rec)
	old := s.changed
	s.changed = make(chan struct{})
	s.mu.Unlock()
	close(old)
	return rec
}

// rest wraps a REST route: it records the request, checks the token, applies
// injected failures and deleted channels.
func (s *Server) rest(h func(w http.ResponseWriter, r *http.Request, rec Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec := s.record(r, body)
		public := strings.HasPrefix(rec.Path, "/webhooks/") || strings.HasPrefix(rec.Path, "/interactions/") || rec.Path == "/gateway"
		if !public && rec.Auth != "Bot "+Token {
			writeJSON(w, 401, map[string]any{"message": "401: Unauthorized", "code": 0})
			return
		}
		s.mu.Lock()
		for i := range s.fails {
			f := &s.fails[i]
			if f.times > 0 && f.method == r.Method && strings.Contains(rec.Path, f.contains) {
				f.times--
				s.mu.Unlock()
				if f.status == http.StatusTooManyRequests {
					w.Header().Set("Retry-After", "0.05")
					w.Header().Set("X-RateLimit-Scope", "user")
					writeJSON(w, 429, map[string]any{"message": "You are being rate limited.", "retry_after": 0.05, "global": false})
					return
				}
				writeJSON(w, f.status, map[string]any{"message": http.StatusText(f.status), "code": 50001})
				return
			}
		}
		if ch := r.PathValue("ch"); ch != "" && s.deleted[ch] {
			s.mu.Unlock()
			writeJSON(w, 404, map[string]any{"message": "Unknown Channel", "code": 10003})
			return
		}
		s.mu.Unlock()
		h(w, r, rec)
	}
}

// flagEphemeral is the message flag of a message only its interaction's
// member sees.
const flagEphemeral = 1 << 6

// flagsOf returns the message flags in a message body (nil: 0).
func flagsOf(m map[string]any) int {
	f, _ := m["flags"].(float64)
	return int(f)
}

func (s *Server) setThinking(token string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if on {
		s.thinking[token] = true
	} else {
		delete(s.thinking, token)
	}
}

func (s *Server) checkApp(r *http.Request) {
	if app := r.PathValue("app"); app != AppID {
		s.t.Errorf("discordtest: webhook call under application %q, want %q (the application ID from READY)", app, AppID)
	}
}

func (s *Server) overwrite(w http.ResponseWriter, r *http.Request, rec Request) {
	if app := r.PathValue("app"); app != AppID {
		s.t.Errorf("discordtest: commands registered under %q, want the application ID %q", app, AppID)
	}
	var cmds []map[string]any
	if err := json.Unmarshal(rec.Body, &cmds); err != nil {
		s.t.Errorf("discordtest: command overwrite body: %v", err)
	}
	for _, c := range cmds {
		c["id"] = s.newID()
		c["application_id"] = AppID
		c["version"] = "1"
	}
	writeJSON(w, 200, cmds)
}

func (s *Server) newID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

// message builds the message object returned for a send or edit.
func (s *Server) message(channel string, body map[string]any, id string) map[string]any {
	if id == "" || id == "@original" {
		id = s.newID()
	}
	m := map[string]any{"id": id, "channel_id": channel, "type": 0, "timestamp": time.Now().UTC().Format(time.RFC3339),
		"author": map[string]any{"id": BotID, "username": "storybot", "bot": true}}
	for k, v := range body {
		m[k] = v
	}
	m["id"], m["channel_id"] = id, channel
	return m
}

// AddMessage stores a message in a channel's history (what GET messages
// returns), as a user's message seen by Discord.
func (s *Server) AddMessage(channel string, m map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages[channel] = append(s.messages[channel], m)
}

// AddAttachment stores an uploaded file on the fake CDN and returns the
// attachment object an interaction's resolved data carries.
func (s *Server) AddAttachment(filename string, data []byte) map[string]any {
	id := s.newID()
	s.mu.Lock()
	s.attachments[id] = data
	s.mu.Unlock()
	return map[string]any{"id": id, "filename": filename, "size": len(data), "content_type": "text/plain",
		"url": s.srv.URL + "/attachments/" + id + "/" + filename, "proxy_url": s.srv.URL + "/attachments/" + id + "/" + filename}
}

// Requests returns a copy of every REST request so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Since returns the requests after the first n.
func (s *Server) Since(n int) []Request {
	r := s.Requests()
	if n > len(r) {
		return nil
	}
	return r[n:]
}

// Wait blocks until cond holds for the requests so far, failing the test
// after 15 s (a hang, not a speed check).
func (s *Server) Wait(t testing.TB, what string, cond func([]Request) bool) []Request {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		s.mu.Lock()
		reqs := append([]Request(nil), s.reqs...)
		ch := s.changed
		s.mu.Unlock()
		if cond(reqs) {
			return reqs
		}
		select {
		case <-ch:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("discordtest: timed out waiting for %s; requests:\n%s", what, Dump(reqs))
		}
	}
}

// WaitCommandsRegistered blocks until the bot has registered its slash
// commands (a PUT to .../commands), the sign that it is ready.
func (s *Server) WaitCommandsRegistered(t testing.TB) {
	t.Helper()
	s.Wait(t, "command registration", func(reqs []Request) bool {
		for _, r := range reqs {
			if r.Method == "PUT" && strings.HasSuffix(r.Path, "/commands") {
				return true
			}
		}
		return false
	})
}

// Dump renders requests for failure messages.
func Dump(reqs []Request) string {
	var b strings.Builder
	for _, r := range reqs {
		body := string(r.Body)
		if len(body) > 300 {
			body = body[:300] + "…"
		}
		fmt.Fprintf(&b, "  %s %s %s\n", r.Method, r.Path, body)
	}
	return b.String()
}

// Dispatched returns when the interaction with this ID was dispatched.
func (s *Server) Dispatched(id string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dispatched[id]
}

func cmpID(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// PrivateReply returns the content of the ephemeral follow-up that took
// the place of an interaction's deleted deferred response (how a bot that
// acknowledged first tells the asker alone, for example that they are
// over a rate limit), and whether reqs hold one.
func PrivateReply(reqs []Request, interactionID string) (string, bool) {
	hook := "/webhooks/" + AppID + "/itok-" + interactionID
	deleted := false
	for _, r := range reqs {
		switch {
		case r.Method == "DELETE" && r.Path == hook+"/messages/@original":
			deleted = true
		case r.Method == "POST" && r.Path == hook && deleted && flagsOf(r.JSON())&flagEphemeral != 0:
			c, _ := r.JSON()["content"].(string)
			return c, true
		}
	}
	return "", false
}
