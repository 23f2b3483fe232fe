package bot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// loadInteraction reads a recorded INTERACTION_CREATE payload from testdata.
func loadInteraction(t *testing.T, name string) *discordgo.Interaction {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(data, &i); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &i
}

func TestRecordedPayloadsBecomeRequests(t *testing.T) {
	r := newRequest(loadInteraction(t, "interaction_ask.json"))
	if r.Kind != KindCommand || r.Name != "ask" || r.String("question") != "Why did Albania cut ties with Iran?" || !r.Bool("private") {
		t.Errorf("ask: %+v", r)
	}
	if !r.IsMember || r.UserID != "100000000000000001" || r.GuildID != "800000000000000001" || len(r.RoleIDs) != 1 {
		t.Errorf("ask member: %+v", r)
	}
	if IsModerator(r.Permissions, r.RoleIDs, nil) {
		t.Error("the recorded member has no Manage Server permission")
	}

	r = newRequest(loadInteraction(t, "interaction_button.json"))
	if r.Kind != KindComponent || r.Name != "fb" || r.Arg != "down:0123456789abcdef" || r.Message == nil || r.Message.Content == "" {
		t.Errorf("button: %+v", r)
	}
	if !IsModerator(r.Permissions, nil, nil) {
		t.Error("the recorded button presser has Manage Server (32)")
	}

	r = newRequest(loadInteraction(t, "interaction_autocomplete.json"))
	if r.Kind != KindAutocomplete || r.Name != "summary" || r.Focused != "document" || r.String("document") != "alb" {
		t.Errorf("autocomplete: %+v", r)
	}

	r = newRequest(loadInteraction(t, "interaction_dm.json"))
	if r.IsMember || r.UserID != "100000000000000009" || r.GuildID != "" {
		t.Errorf("DM: %+v", r)
	}
}
