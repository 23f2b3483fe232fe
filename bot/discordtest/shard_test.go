package discordtest

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/gorilla/websocket"
)

// identifyShard connects a raw client as shard [id, count] and returns the
// connection and the guilds its READY listed.
func identifyShard(t *testing.T, s *Server, id, count int) (*websocket.Conn, []string) {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial(s.wsURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	readFrame(t, c) // HELLO
	c.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": "Bot " + Token, "shard": []int{id, count}}})
	ready := readFrame(t, c)
	var r struct {
		Guilds []struct{ ID string }
		Shard  [2]int
	}
	json.Unmarshal(ready.D, &r)
	if ready.T != "READY" || r.Shard != [2]int{id, count} {
		t.Fatalf("shard %d: READY %s", id, ready.D)
	}
	var guilds []string
	for _, g := range r.Guilds {
		guilds = append(guilds, g.ID)
	}
	return c, guilds
}

// Shard tests: the fake learns shards from IDENTIFY, gives the guild to
// the shard (guild_id >> 22) % count, and routes its events there.
func TestShardGuildRoutingFollowsGuildID(t *testing.T) {
	if got := ShardOf(GuildID, 2); got != 1 {
		t.Fatalf("ShardOf(%s, 2) = %d; (800000000000000001 >> 22) %% 2 is 1", GuildID, got)
	}
	if ShardOf(GuildID, 1) != 0 || ShardOf("", 4) != 0 {
		t.Fatal("one shard, or no guild: shard 0")
	}
	s := New(t)
	c0, g0 := identifyShard(t, s, 0, 2)
	c1, g1 := identifyShard(t, s, 1, 2)
	if len(g0) != 0 || !slices.Equal(g1, []string{GuildID}) {
		t.Fatalf("guilds: shard 0 %v, shard 1 %v", g0, g1)
	}
	if f := readFrame(t, c1); f.T != "GUILD_CREATE" {
		t.Fatalf("shard 1 wants GUILD_CREATE, got %s", f.T)
	}
	s.Dispatch(t, "MESSAGE_CREATE", map[string]any{"id": "1", "guild_id": GuildID})
	if f := readFrame(t, c1); f.T != "MESSAGE_CREATE" {
		t.Fatalf("shard 1: %s", f.T)
	}
	s.Dispatch(t, "MESSAGE_CREATE", map[string]any{"id": "2"}) // no guild: shard 0
	if f := readFrame(t, c0); f.T != "MESSAGE_CREATE" {
		t.Fatalf("shard 0: %s", f.T)
	}
	if got := s.Identified(); !slices.Equal(got, [][2]int{{0, 2}, {1, 2}}) {
		t.Errorf("identified %v", got)
	}
	// A third process with another shard count is refused, as Discord does.
	c, _, err := websocket.DefaultDialer.Dial(s.wsURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	readFrame(t, c)
	c.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": "Bot " + Token, "shard": []int{0, 3}}})
	if _, _, err := c.ReadMessage(); !websocket.IsCloseError(err, 4011) {
		t.Errorf("another shard count: %v, want close 4011", err)
	}
}
