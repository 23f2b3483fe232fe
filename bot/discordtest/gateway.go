package discordtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d,omitempty"`
	S  *int64          `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

// gateway serves one websocket connection: HELLO, then IDENTIFY (READY and
// GUILD_CREATE) or RESUME (RESUMED), then heartbeats until the socket closes.
// The connection is one shard's: IDENTIFY's shard field ([id, count]; none:
// [0, 1]) or the session RESUME names says which, and the server's guild
// is given only to the shard Discord would give it (ShardOf).
func (s *Server) gateway(w http.ResponseWriter, r *http.Request) {
	c, err := s.up.Upgrade(w, r, nil)
	if err != nil {
		s.mu.Lock()
		closing := s.closed
		s.mu.Unlock()
		if !closing { // a client that reconnects while the test ends meets a closed server, no failure
			s.t.Errorf("discordtest: websocket upgrade: %v", err)
		}
		return
	}
	defer c.Close()
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return
	}
	attach := func(shard int) {
		s.mu.Lock()
		s.conns[shard] = c
		s.mu.Unlock()
	}
	if err := s.write(c, frame{Op: 10, D: raw(map[string]any{"heartbeat_interval": 41250})}); err != nil {
		return
	}
	for {
		var f frame
		if err := c.ReadJSON(&f); err != nil {
			return
		}
		switch f.Op {
		case 1: // heartbeat
			_ = s.write(c, frame{Op: 11})
		case 2: // identify
			var id struct {
				Token   string  `json:"token"`
				Intents int64   `json:"intents"`
				Shard   *[2]int `json:"shard"`
			}
			_ = json.Unmarshal(f.D, &id)
			if id.Token != "Bot "+Token && id.Token != Token {
				_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
				return
			}
			s.mu.Lock()
			refused := id.Intents&s.disallowed != 0
			s.mu.Unlock()
			if refused {
				_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4014, "Disallowed intent(s)."))
				return
			}
			shard := [2]int{0, 1}
			if id.Shard != nil {
				shard = *id.Shard
			}
			if shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1] {
				_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4010, "Invalid shard."))
				return
			}
			s.mu.Lock()
			if len(s.identified) > 0 && s.shardCount != shard[1] {
				s.mu.Unlock()
				_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4011, "Sharding required: shard counts differ."))
				return
			}
			s.identifies++
			s.intents = id.Intents
			s.seq = 0
			s.shardCount = shard[1]
			s.identified = append(s.identified, shard)
			s.mu.Unlock()
			attach(shard[0])
			guilds := []any{}
			mine := ShardOf(GuildID, shard[1]) == shard[0]
			if mine {
				guilds = append(guilds, map[string]any{"id": GuildID, "unavailable": true})
			}
			s.dispatchOn(c, "READY", map[string]any{
				"v":                  9,
				"user":               map[string]any{"id": BotID, "username": "storybot", "discriminator": "0", "bot": true},
				"application":        map[string]any{"id": AppID, "flags": 0},
				"session_id":         sessionOf(shard[0]),
				"resume_gateway_url": s.wsURL(),
				"guilds":             guilds,
				"shard":              shard,
			})
			if !mine {
				s.connectedOne()
				continue
			}
			s.dispatchOn(c, "GUILD_CREATE", map[string]any{
				"id": GuildID, "name": "Test Server", "owner_id": "1", "roles": []any{}, "members": []any{},
				"channels": []any{
					map[string]any{"id": ChannelID, "type": 0, "guild_id": GuildID, "name": "general"},
					map[string]any{"id": Channel2ID, "type": 0, "guild_id": GuildID, "name": "off-topic"},
				},
				"threads": []any{map[string]any{"id": ThreadID, "type": 11, "guild_id": GuildID, "parent_id": ChannelID, "name": "old thread"}},
			})
			s.connectedOne()
		case 6: // resume
			var rs struct {
				SessionID string `json:"session_id"`
				Seq       int64  `json:"seq"`
			}
			_ = json.Unmarshal(f.D, &rs)
			shard, ok := shardOfSession(rs.SessionID)
			if !ok {
				_ = s.write(c, frame{Op: 9, D: raw(false)})
				continue
			}
			attach(shard)
			s.mu.Lock()
			s.resumes++
			s.mu.Unlock()
			s.dispatchOn(c, "RESUMED", map[string]any{})
			s.connectedOne()
		}
	}
}

// ShardOf is the shard that receives guildID's events when the bot runs
// count shards: (guild_id >> 22) % count, as Discord computes it.
func ShardOf(guildID string, count int) int {
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil || count < 2 {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// sessionOf is shard's session ID: SessionID for shard 0.
func sessionOf(shard int) string {
	if shard == 0 {
		return SessionID
	}
	return SessionID + "-shard-" + strconv.Itoa(shard)
}

// shardOfSession is the shard of a session ID from sessionOf.
func shardOfSession(id string) (int, bool) {
	if id == SessionID {
		return 0, true
	}
	n, err := strconv.Atoi(strings.TrimPrefix(id, SessionID+"-shard-"))
	return n, err == nil && n > 0 && strings.HasPrefix(id, SessionID+"-shard-")
}

// Identified returns the [shard, count] of every IDENTIFY received, in order.
func (s *Server) Identified() [][2]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][2]int(nil), s.identified...)
}

// SetRecommendedShards sets the shard count GET /gateway/bot recommends
// (default 1).
func (s *Server) SetRecommendedShards(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gwShards = n
}

func (s *Server) connectedOne() {
	s.mu.Lock()
	s.connected++
	old := s.changed
	s.changed = make(chan struct{})
	s.mu.Unlock()
	close(old)
}

func raw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

func (s *Server) write(c *websocket.Conn, f frame) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.WriteJSON(f)
}

func (s *Server) dispatchOn(c *websocket.Conn, typ string, d any) error {
	s.mu.Lock()
	s.seq++
	seq := s.seq
	s.mu.Unlock()
	return s.write(c, frame{Op: 0, T: typ, S: &seq, D: raw(d)})
}

// Dispatch sends an event to the connected bot: to the shard of the
// event's guild_id (ShardOf; shard 0 when it has none). For
// INTERACTION_CREATE it remembers when, for latency measurements.
func (s *Server) Dispatch(t testing.TB, typ string, d any) {
	t.Helper()
	guild := ""
	if m, ok := d.(map[string]any); ok {
		guild, _ = m["guild_id"].(string)
	}
	s.mu.Lock()
	c := s.conns[ShardOf(guild, s.shardCount)]
	if typ == "INTERACTION_CREATE" {
		if m, ok := d.(map[string]any); ok {
			if id, ok := m["id"].(string); ok {
				s.dispatched[id] = time.Now()
			}
		}
	}
	s.mu.Unlock()
	if c == nil {
		t.Fatalf("discordtest: Dispatch %s: no gateway connection", typ)
	}
	if err := s.dispatchOn(c, typ, d); err != nil {
		t.Fatalf("discordtest: Dispatch %s: %v", typ, err)
	}
}

// Drop cuts the gateway connections (every shard's) without a close frame,
// as a network failure would; a good client reconnects and resumes.
func (s *Server) Drop() {
	s.mu.Lock()
	conns := s.conns
	s.conns = map[int]*websocket.Conn{}
	s.mu.Unlock()
	for _, c := range conns {
		c.UnderlyingConn().Close()
	}
}

// WaitConnected blocks until the bot has been sent READY or RESUMED n times
// in all.
func (s *Server) WaitConnected(t testing.TB, n int) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		s.mu.Lock()
		got, ch := s.connected, s.changed
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("discordtest: the bot connected %d times, want %d", got, n)
		}
	}
}

// Stats reports how many IDENTIFY and RESUME the gateway received and the
// intents of the last IDENTIFY.
func (s *Server) Stats() (identifies, resumes int, intents int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identifies, s.resumes, s.intents
}

var idCounter atomic.Int64

// NextID returns a fresh snowflake-like ID for test payloads.
func NextID() string {
	return strconv.FormatInt(600000000000000000+idCounter.Add(1), 10)
}

// Member describes who sends an interaction or message.
type Member struct {
	UserID      string
	Name        string
	Permissions int64 // e.g. 1<<5 for Manage Server
	Roles       []string
	Bot         bool
	DM          bool // no guild, no member: a direct message
}

// Alice is an ordinary member; Mod has Manage Server.
var (
	Alice = Member{UserID: "100000000000000001", Name: "alice"}
	Bob   = Member{UserID: "100000000000000002", Name: "bob"}
	Mod   = Member{UserID: "100000000000000003", Name: "mod", Permissions: 1 << 5}
)

func (m Member) user() map[string]any {
	return map[string]any{"id": m.UserID, "username": m.Name, "discriminator": "0", "bot": m.Bot}
}

func (m Member) place(p map[string]any, channel string) {
	p["channel_id"] = channel
	if m.DM {
		p["user"] = m.user()
		return
	}
	p["guild_id"] = GuildID
	roles := m.Roles
	if roles == nil {
		roles = []string{}
	}
	p["member"] = map[string]any{"user": m.user(), "roles": roles, "permissions": strconv.FormatInt(m.Permissions, 10)}
}

// Opt is one slash-command option: type 3 string, 5 boolean, 1 subcommand.
type Opt struct {
	Name    string
	Type    int
	Value   any
	Focused bool
}

// Slash builds an INTERACTION_CREATE payload for a slash command.
func Slash(who Member, channel, name string, opts ...Opt) map[string]any {
	return command(2, who, channel, name, opts)
}

// SlashSub builds a slash command with a subcommand; attachments, when
// given (from AddAttachment), are put in the resolved data and an
// attachment option named "file" refers to the first.
func SlashSub(who Member, channel, name, sub string, attachments []map[string]any, opts ...Opt) map[string]any {
	if len(attachments) > 0 {
		opts = append(opts, Opt{Name: "file", Type: 11, Value: attachments[0]["id"]})
	}
	p := command(2, who, channel, name, []Opt{{Name: sub, Type: 1}})
	data := p["data"].(map[string]any)
	var os []any
	for _, o := range opts {
		om := map[string]any{"name": o.Name, "type": o.Type, "value": o.Value}
		if o.Focused {
			om["focused"] = true
		}
		os = append(os, om)
	}
	data["options"] = []any{map[string]any{"name": sub, "type": 1, "options": os}}
	if len(attachments) > 0 {
		res := map[string]any{}
		for _, a := range attachments {
			res[a["id"].(string)] = a
		}
		data["resolved"] = map[string]any{"attachments": res}
	}
	return p
}

// Autocomplete builds an autocomplete interaction payload.
func Autocomplete(who Member, channel, name string, opts ...Opt) map[string]any {
	return command(4, who, channel, name, opts)
}

func command(typ int, who Member, channel, name string, opts []Opt) map[string]any {
	var os []any
	for _, o := range opts {
		om := map[string]any{"name": o.Name, "type": o.Type}
		if o.Type != 1 {
			om["value"] = o.Value
		}
		if o.Focused {
			om["focused"] = true
		}
		os = append(os, om)
	}
	id := NextID()
	p := map[string]any{"id": id, "application_id": AppID, "type": typ, "token": "itok-" + id, "version": 1,
		"data": map[string]any{"id": "cmd-" + name, "name": name, "type": 1, "options": os}}
	who.place(p, channel)
	return p
}

// Button builds the interaction of a button press on a message.
func Button(who Member, channel, messageID, customID, content string) map[string]any {
	id := NextID()
	p := map[string]any{"id": id, "application_id": AppID, "type": 3, "token": "itok-" + id, "version": 1,
		"data":    map[string]any{"custom_id": customID, "component_type": 2},
		"message": map[string]any{"id": messageID, "channel_id": channel, "content": content, "author": map[string]any{"id": BotID, "username": "storybot", "bot": true}}}
	who.place(p, channel)
	return p
}

// Message builds a MESSAGE_CREATE payload; mentionBot adds the bot to the
// mentions and "<@bot>" to the content.
func Message(who Member, channel, content string, mentionBot bool) map[string]any {
	mentions := []any{}
	if mentionBot {
		content = "<@" + BotID + "> " + content
		mentions = append(mentions, map[string]any{"id": BotID, "username": "storybot", "bot": true})
	}
	p := map[string]any{"id": NextID(), "channel_id": channel, "content": content, "type": 0,
		"timestamp": time.Now().UTC().Format(time.RFC3339), "author": who.user(), "mentions": mentions}
	if !who.DM {
		p["guild_id"] = GuildID
	}
	return p
}
