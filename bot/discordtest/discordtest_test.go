package discordtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
)

// recordingTB captures Errorf so the catch-all can be tested.
type recordingTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, format)
}

func TestUnexpectedRouteFailsTheTest(t *testing.T) {
	rec := &recordingTB{TB: t}
	s := New(rec)
	req, _ := http.NewRequest("DELETE", s.URL()+"/api/v9/guilds/1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "unexpected request") {
		t.Fatalf("status %d, errors %v", resp.StatusCode, rec.errs)
	}
	if got := s.Requests(); len(got) != 1 || got[0].Method != "DELETE" {
		t.Errorf("not recorded: %v", got)
	}
}

func TestRESTNeedsTheToken(t *testing.T) {
	s := New(t)
	resp, err := http.Post(s.URL()+"/api/v9/channels/1/typing", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("no token: status %d, want 401", resp.StatusCode)
	}
}

func readFrame(t *testing.T, c *websocket.Conn) frame {
	t.Helper()
	var f frame
	if err := c.ReadJSON(&f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestGatewayIdentifyHeartbeatResume(t *testing.T) {
	s := New(t)
	resp, err := http.Get(s.URL() + "/api/v9/gateway")
	if err != nil {
		t.Fatal(err)
	}
	var g struct{ URL string }
	json.NewDecoder(resp.Body).Decode(&g)
	resp.Body.Close()

	c, _, err := websocket.DefaultDialer.Dial(g.URL+"/?v=9&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, c); f.Op != 10 {
		t.Fatalf("first frame op %d, want HELLO", f.Op)
	}
	c.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": "Bot " + Token, "intents": 37377}})
	ready := readFrame(t, c)
	var r struct {
		User        struct{ ID string }
		Application struct{ ID string }
		SessionID   string `json:"session_id"`
		Resume      string `json:"resume_gateway_url"`
	}
	json.Unmarshal(ready.D, &r)
	if ready.T != "READY" || r.User.ID != BotID || r.Application.ID != AppID || r.SessionID == "" || r.Resume == "" {
		t.Fatalf("READY: %s %s", ready.T, ready.D)
	}
	if f := readFrame(t, c); f.T != "GUILD_CREATE" {
		t.Fatalf("want GUILD_CREATE, got %s", f.T)
	}
	c.WriteJSON(map[string]any{"op": 1, "d": 2})
	if f := readFrame(t, c); f.Op != 11 {
		t.Fatalf("heartbeat: got op %d, want 11", f.Op)
	}
	s.Dispatch(t, "MESSAGE_CREATE", map[string]any{"id": "1"})
	if f := readFrame(t, c); f.T != "MESSAGE_CREATE" || *f.S != 3 {
		t.Fatalf("dispatch: %s seq %d", f.T, *f.S)
	}
	s.Drop()
	c.Close()

	c2, _, err := websocket.DefaultDialer.Dial(r.Resume, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	readFrame(t, c2) // HELLO
	c2.WriteJSON(map[string]any{"op": 6, "d": map[string]any{"token": "Bot " + Token, "session_id": r.SessionID, "seq": 3}})
	if f := readFrame(t, c2); f.T != "RESUMED" {
		t.Fatalf("want RESUMED, got %s", f.T)
	}
	if ids, resumes, intents := s.Stats(); ids != 1 || resumes != 1 || intents != 37377 {
		t.Errorf("stats: %d identifies, %d resumes, intents %d", ids, resumes, intents)
	}
}

func TestGatewayRejectsABadToken(t *testing.T) {
	s := New(t)
	c, _, err := websocket.DefaultDialer.Dial(s.wsURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	readFrame(t, c)
	c.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": "Bot wrong"}})
	_, _, err = c.ReadMessage()
	var ce *websocket.CloseError
	if !errorsAs(err, &ce) || ce.Code != 4004 {
		t.Fatalf("want close 4004, got %v", err)
	}
}

func errorsAs(err error, target **websocket.CloseError) bool {
	ce, ok := err.(*websocket.CloseError)
	if ok {
		*target = ce
	}
	return ok
}

func TestLimitsAnswer400LikeDiscord(t *testing.T) {
	rec := &recordingTB{TB: t}
	s := New(rec)
	post := func(path string, body any) (int, map[string]any) {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", s.URL()+APIPrefix+path, strings.NewReader(string(b)))
		req.Header.Set("Authorization", "Bot "+Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	embed := func(desc int) map[string]any {
		return map[string]any{"title": "[1] T", "description": strings.Repeat("é", desc), "footer": map[string]any{"text": "doc · ¶1"}}
	}
	// Two embeds of 3,000 characters of description each: each within 4,096,
	// but with titles and footers over 6,000 in all.
	status, body := post("/interactions/1/tok/callback", map[string]any{"type": 4, "data": map[string]any{"content": "x", "embeds": []any{embed(3000), embed(3000)}}})
	want := `{"code":50035,"errors":{"data":{"embeds":{"_errors":[{"code":"MAX_EMBED_SIZE_EXCEEDED","message":"Embed size exceeds maximum size of 6000"}]}}},"message":"Invalid Form Body"}`
	if got, _ := json.Marshal(body); status != 400 || string(got) != want {
		t.Errorf("embeds over 6,000 in all: %d %s\nwant 400 %s", status, got, want)
	}
	// Exactly at the limits: accepted.
	if status, _ := post("/channels/"+ChannelID+"/messages", map[string]any{"content": strings.Repeat("a", MaxContent), "embeds": []any{embed(2987), embed(2987)}}); status != 200 { // 2 × (5 + 2,987 + 8) = 6,000
		t.Errorf("a message at the limits: status %d", status)
	}
	// Content, embed count, title and choices.
	eleven := make([]any, 11)
	for i := range eleven {
		eleven[i] = map[string]any{"title": strings.Repeat("t", 257)}
	}
	status, body = post("/webhooks/"+AppID+"/tok", map[string]any{"content": strings.Repeat("a", MaxContent+1), "embeds": eleven})
	errs, _ := json.Marshal(body["errors"])
	for _, part := range []string{`"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 2000 or fewer in length."}]}`, `"10":{"title":{"_errors"`, `"embeds":{"0":`, `"message":"Must be 10 or fewer in length."`} {
		if status != 400 || !strings.Contains(string(errs), part) {
			t.Errorf("follow-up over the limits: %d %s lacks %s", status, errs, part)
		}
	}
	choices := make([]any, 26)
	for i := range choices {
		choices[i] = map[string]any{"name": "n", "value": "v"}
	}
	if status, _ := post("/interactions/2/tok/callback", map[string]any{"type": 8, "data": map[string]any{"choices": choices}}); status != 400 {
		t.Errorf("26 choices: status %d", status)
	}
	rec.mu.Lock()
	failed := len(rec.errs)
	rec.mu.Unlock()
	if failed != 3 || len(s.Rejected()) != 3 {
		t.Errorf("%d test failures and %d rejected requests, want 3 (one each)", failed, len(s.Rejected()))
	}

	// With StrictLimits off, a test may check how the bot takes the 400.
	lax := New(rec)
	lax.StrictLimits = false
	s = lax
	if status, _ := post("/channels/"+ChannelID+"/messages", map[string]any{"content": strings.Repeat("a", MaxContent+1)}); status != 400 {
		t.Errorf("lax: status %d", status)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errs) != failed {
		t.Errorf("StrictLimits off still failed the test")
	}
}

// An ephemeral follow-up while the public deferred response still shows
// fails the test (Discord would make it that response, public); after
// @original is deleted it is the private reply PrivateReply finds.
func TestEphemeralFollowUpNeedsTheDeferredResponseGone(t *testing.T) {
	rec := &recordingTB{TB: t}
	s := New(rec)
	call := func(method, path string, body any) {
		t.Helper()
		data, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, s.URL()+APIPrefix+path, strings.NewReader(string(data)))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	hook := "/webhooks/" + AppID + "/itok-1"
	private := map[string]any{"content": "only you", "flags": 64}
	call("POST", "/interactions/1/itok-1/callback", map[string]any{"type": 5, "data": map[string]any{}})
	call("POST", hook, private)
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "would replace it, public") {
		t.Fatalf("errors %v", rec.errs)
	}
	if _, ok := PrivateReply(s.Requests(), "1"); ok {
		t.Error("a follow-up that replaced the deferred response counted as a private reply")
	}
	call("DELETE", hook+"/messages/@original", nil)
	call("POST", hook, private)
	if c, ok := PrivateReply(s.Requests(), "1"); len(rec.errs) != 1 || !ok || c != "only you" {
		t.Errorf("after the deletion: %q %v, errors %v", c, ok, rec.errs)
	}
}
