package bot_test

import (
	"context"
	"strings"
	"testing"

	"storybot/bot"
	"storybot/bot/discordtest"
)

// Malformed IDs (config.Load refuses them, but Preflight is a library) are
// escaped as one path segment: "#general" is asked for as the channel
// "#general", not as GET /channels/ with a fragment.
func TestPreflightEscapesIDs(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t)
	opts := bot.Options{Token: discordtest.Token, APIURL: srv.URL(), GuildID: "my server?x=1", AllowedChannelIDs: []string{"#general", "a b?c=d"}}
	st, err := bot.Preflight(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/guilds/") || strings.HasPrefix(r.Path, "/channels/") {
			got = append(got, r.Method+" "+r.Path+" ?"+r.Query)
		}
	}
	want := "GET /guilds/my server?x=1 ?|GET /channels/#general ?|GET /channels/a b?c=d ?"
	if strings.Join(got, "|") != want {
		t.Errorf("requests:\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
	if j := strings.Join(st.Problems, "\n"); !strings.Contains(j, "not in the server DISCORD_GUILD_ID=my server?x=1") {
		t.Errorf("problems: %s", j)
	}
}
