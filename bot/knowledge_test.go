package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"storybot/bot"
	"storybot/bot/discordtest"
)

// fakeEditor is a hand-written KnowledgeEditor.
type fakeEditor struct {
	mu    sync.Mutex
	calls []string
	data  []byte
}

var _ bot.KnowledgeEditor = (*fakeEditor)(nil)

func (f *fakeEditor) record(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
}

func (f *fakeEditor) AddFile(ctx context.Context, name string, data []byte, replace bool, who string) (bot.RefreshReport, error) {
	f.record("add " + name + " " + who)
	f.mu.Lock()
	f.data = data
	f.mu.Unlock()
	return bot.RefreshReport{Added: []string{name}}, nil
}

func (f *fakeEditor) Remove(ctx context.Context, doc, who string) (bot.RefreshReport, error) {
	f.record("remove " + doc)
	return bot.RefreshReport{Removed: []string{doc}}, nil
}

func (f *fakeEditor) Restore(ctx context.Context, name, who string) (bot.RefreshReport, error) {
	f.record("restore " + name)
	return bot.RefreshReport{Added: []string{"restored.md"}}, nil
}

func (f *fakeEditor) Trash(ctx context.Context) ([]bot.TrashItem, error) {
	return []bot.TrashItem{{Name: "20261125-old.md", Doc: "old.md", Removed: time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)}}, nil
}

func TestKnowledgeCommands(t *testing.T) {
	t.Parallel()
	ed := &fakeEditor{}
	h := start(t, streamingAsker(0), func(o *bot.Options) { o.Editor = ed; o.MaxUploadBytes = 1000 })
	if reg := find(h.srv.Requests(), "PUT", "/commands"); !strings.Contains(string(reg[0].Body), `"name":"knowledge"`) {
		t.Fatal("/knowledge not registered")
	}

	// A member may not.
	att := h.srv.AddAttachment("new.md", []byte("# New\n\nFresh facts."))
	member := discordtest.SlashSub(discordtest.Alice, discordtest.ChannelID, "knowledge", "add", []map[string]any{att})
	h.srv.Dispatch(t, "INTERACTION_CREATE", member)
	if cb := waitCallback(t, h, member["id"].(string)); !strings.Contains(content(cb), "Only moderators") {
		t.Fatalf("member /knowledge add: %v", cb)
	}

	// A moderator adds a file: it is downloaded and handed to the library.
	add := discordtest.SlashSub(discordtest.Mod, discordtest.ChannelID, "knowledge", "add", []map[string]any{att})
	id := add["id"].(string)
	h.srv.Dispatch(t, "INTERACTION_CREATE", add)
	reqs := h.srv.Wait(t, "the add report", func(r []discordtest.Request) bool { return len(originalEdits(r, id)) > 0 })
	if text := content(originalEdits(reqs, id)[0].JSON()); !strings.Contains(text, "1 added") || !strings.Contains(text, "new.md") {
		t.Errorf("add report: %q", text)
	}
	ed.mu.Lock()
	if string(ed.data) != "# New\n\nFresh facts." || !strings.HasPrefix(ed.calls[0], "add new.md mod (") {
		t.Errorf("editor got %q %v", ed.data, ed.calls)
	}
	ed.mu.Unlock()

	// Too large: refused before downloading.
	big := h.srv.AddAttachment("big.txt", make([]byte, 2000))
	tooBig := discordtest.SlashSub(discordtest.Mod, discordtest.ChannelID, "knowledge", "add", []map[string]any{big})
	h.srv.Dispatch(t, "INTERACTION_CREATE", tooBig)
	if cb := waitCallback(t, h, tooBig["id"].(string)); !strings.Contains(content(cb), "MAX_UPLOAD_BYTES") {
		t.Errorf("oversized upload: %v", cb)
	}

	rm := discordtest.SlashSub(discordtest.Mod, discordtest.ChannelID, "knowledge", "remove", nil, discordtest.Opt{Name: "document", Type: 3, Value: storyDoc.Path})
	h.srv.Dispatch(t, "INTERACTION_CREATE", rm)
	h.srv.Wait(t, "the remove report", func(r []discordtest.Request) bool {
		e := originalEdits(r, rm["id"].(string))
		return len(e) > 0 && strings.Contains(content(e[0].JSON()), "1 removed")
	})

	ac := discordtest.SlashSub(discordtest.Mod, discordtest.ChannelID, "knowledge", "restore", nil, discordtest.Opt{Name: "item", Type: 3, Value: "old", Focused: true})
	ac["type"] = 4
	h.srv.Dispatch(t, "INTERACTION_CREATE", ac)
	if cb := waitCallback(t, h, ac["id"].(string)); !strings.Contains(string(mustJSON(cb)), "20261125-old.md") {
		t.Errorf("restore autocomplete: %v", cb)
	}

	list := discordtest.SlashSub(discordtest.Mod, discordtest.ChannelID, "knowledge", "list", nil)
	h.srv.Dispatch(t, "INTERACTION_CREATE", list)
	if cb := waitCallback(t, h, list["id"].(string)); !strings.Contains(content(cb), "**Trash**") || !strings.Contains(content(cb), "old.md") {
		t.Errorf("list: %v", cb)
	}
}
