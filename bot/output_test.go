package bot

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/bot/discordtest"
)

func testSession(t *testing.T, srv *discordtest.Server) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + discordtest.Token)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = &http.Client{Transport: NewRewriteTransport(srv.URL(), nil)}
	return s
}

func TestExpiredTokenGoesToChannel(t *testing.T) {
	srv := discordtest.New(t)
	s := testSession(t, srv)
	i := &discordgo.Interaction{ID: "1", AppID: discordtest.AppID, Token: "itok", ChannelID: discordtest.ChannelID}
	ctx := context.Background()

	out := newInteractionOutput(s, i, false, time.Second, discardLog())
	out.now = func() time.Time { return out.created.Add(15 * time.Minute) }
	out.Progress(ctx, Message{Content: "progress"}) // dropped: not worth a channel message
	if err := out.Final(ctx, []Message{{Content: "late answer [1]"}, {Content: "part two"}}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Path != "/channels/"+discordtest.ChannelID+"/messages" || !strings.Contains(string(reqs[0].Body), "late answer") {
		t.Fatalf("after 15 minutes the answer must go to the channel:\n%s", discordtest.Dump(reqs))
	}
	if !strings.Contains(string(reqs[0].Body), `"allowed_mentions":{"parse":[]`) {
		t.Errorf("channel message without allowed_mentions: %s", reqs[0].Body)
	}

	priv := newInteractionOutput(s, i, true, time.Second, discardLog())
	priv.now = func() time.Time { return priv.created.Add(15 * time.Minute) }
	if err := priv.Final(ctx, []Message{{Content: "private"}}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("a private answer must not be posted in the channel (%d requests)", n)
	}
}

func TestInteractionOutputWithinTokenLifetime(t *testing.T) {
	srv := discordtest.New(t)
	s := testSession(t, srv)
	i := &discordgo.Interaction{ID: "1", AppID: discordtest.AppID, Token: "itok", ChannelID: discordtest.ChannelID}
	out := newInteractionOutput(s, i, true, time.Second, discardLog())
	if err := out.Final(context.Background(), []Message{{Content: "one"}, {Content: "two"}}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Method != "PATCH" || !strings.HasSuffix(reqs[0].Path, "/messages/@original") || reqs[1].Method != "POST" {
		t.Fatalf("want an edit of @original then a follow-up:\n%s", discordtest.Dump(reqs))
	}
	if !strings.Contains(string(reqs[1].Body), `"flags":68`) { // ephemeral (64) + suppress embeds (4)
		t.Errorf("a private answer's follow-up must be ephemeral: %s", reqs[1].Body)
	}
}
