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
