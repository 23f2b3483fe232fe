package cli

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"storybot/bot/discordtest"
	"storybot/internal/chat"
	"storybot/internal/llm/llmtest"
)

func commandRegistrations(dc *discordtest.Server) int {
	n := 0
	for _, r := range dc.Requests() {
		if r.Method == "PUT" && strings.HasSuffix(r.Path, "/commands") {
			n++
		}
	}
	return n
}

// Two processes, shards 0 and 1 of 2, on one fake Discord: each IDENTIFYs
// with its [id, count], only shard 0 registers the commands, and the
// server's questions reach the shard Discord routes them to,
// (guild_id >> 22) % 2 = 1, which answers them.
func TestShardsSplitTheServersAndRegisterOnce(t *testing.T) {
	endToEnd(t)
	model := llmtest.New(t)
	model.OnChat(func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Text: "Albania cut ties with Iran over the cyberattack [1].", Usage: chat.Usage{PromptTokens: 10, CompletionTokens: 5}}
	})
	dc := discordtest.New(t)
	logs0 := startBot(t, dc, model, "../../knowledge", map[string]string{"SHARD_COUNT": "2", "SHARD_ID": "0"})
	logs1 := startBot(t, dc, model, "../../knowledge", map[string]string{"SHARD_COUNT": "2", "SHARD_ID": "1"})
	dc.WaitConnected(t, 2)
	dc.WaitCommandsRegistered(t)
	waitFor(t, "both shards' READY", func() bool {
		return strings.Contains(logs0.String(), "connected to Discord") && strings.Contains(logs1.String(), "connected to Discord")
	})
	got := dc.Identified()
	slices.SortFunc(got, func(a, b [2]int) int { return a[0] - b[0] })
	if !slices.Equal(got, [][2]int{{0, 2}, {1, 2}}) {
		t.Errorf("IDENTIFY shards %v", got)
	}
	if discordtest.ShardOf(discordtest.GuildID, 2) != 1 {
		t.Fatal("the test server should be shard 1's")
	}
	if final := askAndWait(t, dc, "Why did Albania cut ties with Iran?"); !strings.Contains(final, "**Sources**") {
		t.Errorf("answer: %s", final)
	}
	if !strings.Contains(logs1.String(), "msg=answered") || strings.Contains(logs0.String(), "msg=answered") {
		t.Error("shard 1 should have answered, and shard 0 not")
	}
	if n := commandRegistrations(dc); n != 1 {
		t.Errorf("commands registered %d times, want once (by shard 0)", n)
	}
	// the log line follows the registration's reply, which the fake server
	// has sent before the bot reads it
	waitFor(t, "shard 0's registration in its log", func() bool { return strings.Contains(logs0.String(), "slash commands registered") })
	if strings.Contains(logs1.String(), "slash commands registered") {
		t.Error("only shard 0 registers the commands")
	}
}

// SHARD_COUNT=auto takes the count from GET /gateway/bot; a SHARD_ID
// beyond it stops start-up naming the variables.
func TestShardCountAuto(t *testing.T) {
	endToEnd(t)
	model := llmtest.New(t)
	dc := discordtest.New(t)
	dc.SetRecommendedShards(3)
	logs := startBot(t, dc, model, "../../knowledge", map[string]string{"SHARD_COUNT": "auto", "SHARD_ID": "2"})
	dc.WaitConnected(t, 1)
	waitFor(t, "READY", func() bool { return strings.Contains(logs.String(), "connected to Discord") })
	if got := dc.Identified(); !slices.Equal(got, [][2]int{{2, 3}}) {
		t.Errorf("IDENTIFY shards %v, want [[2 3]]", got)
	}

	env := map[string]string{"DISCORD_TOKEN": discordtest.Token, "DISCORD_API_URL": dc.URL(), "KNOWLEDGE_DIR": "../../knowledge",
		"DATA_DIR": t.TempDir(), "WATCH_KNOWLEDGE": "false", "SHARD_COUNT": "auto", "SHARD_ID": "3"}
	err := run(context.Background(), []string{"--env-file", "/nonexistent"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, func(k string) string { return env[k] })
	if err == nil || !strings.Contains(err.Error(), "SHARD_ID=3") || !strings.Contains(err.Error(), "SHARD_COUNT (3)") {
		t.Errorf("SHARD_ID beyond the recommended count: %v", err)
	}
}
