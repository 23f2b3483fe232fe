package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"storybot/bot"
	"storybot/bot/discordtest"
	"storybot/internal/knowledge"
	"storybot/internal/library"
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

func (f *fakeEditor) AddFile(ctx context.Context, name string, data []byte, replace bool, who string) (library.Report, error) {
	f.record("add " + name + " " + who)
	f.mu.Lock()
	f.data = data
	f.mu.Unlock()
	return library.Report{Added: []string{name}}, nil
}

func (f *fakeEditor) Remove(ctx context.Context, doc, who string) (library.Report, error) {
	f.record("remove " + doc)
	return library.Report{Removed: []string{doc}}, nil
}

func (f *fakeEditor) Restore(ctx context.Context, name, who string) (library.Report, error) {
	f.record("restore " + name)
	return library.Report{Added: []string{"restored.md"}}, nil
}

func (f *fakeEditor) Trash(ctx context.Context) ([]library.TrashItem, error) {
	return []library.TrashItem{{Name: "20261125-old.md", Doc: "old.md", Removed: time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)}}, nil
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

func TestKnowledgeRemoveTakesOnlyAnExactName(t *testing.T) {
	t.Parallel()
	iran := &knowledge.Document{Path: "iran.md", Title: "Iran"}
	ed := &fakeEditor{}
	summ := &eventsSummarizer{n: 3}
	lib := &fakeLibrary{snap: &library.Snapshot{Docs: []*knowledge.Document{storyDoc, iran}}}
	h := start(t, streamingAsker(0), func(o *bot.Options) { o.Editor = ed; o.Library = lib; o.Summarizer = summ })
	remove := func(typed string) string {
		t.Helper()
		rm := discordtest.SlashSub(discordtest.Mod, discordtest.ChannelID, "knowledge", "remove", nil, discordtest.Opt{Name: "document", Type: 3, Value: typed})
		id := rm["id"].(string)
		h.srv.Dispatch(t, "INTERACTION_CREATE", rm)
		var reply string
		h.srv.Wait(t, "the reply to remove "+typed, func(r []discordtest.Request) bool {
			if cb, ok := callbackOf(r, id); ok && cb["type"] == float64(4) {
				reply = content(cb) // refused at once
				return true
			}
			if e := originalEdits(r, id); len(e) > 0 {
				reply = content(e[0].JSON())
				return true
			}
			return false
		})
		return reply
	}
	calls := func() []string {
		ed.mu.Lock()
		defer ed.mu.Unlock()
		return append([]string(nil), ed.calls...)
	}

	// The title of iran.md, in any case; before, the Albania file (whose path
	// contains "Iran" and comes first) was removed.
	for _, typed := range []string{"Iran", "iran", " IRAN "} {
		if reply := remove(typed); !strings.Contains(reply, "1 removed") || !strings.Contains(reply, "iran.md") {
			t.Errorf("remove %q: %q", typed, reply)
		}
	}
	// A part of a path or title: refused, with the candidates.
	reply := remove("cuts-ties")
	if !strings.Contains(reply, "No document has the path or title “cuts-ties”") || !strings.Contains(reply, "`"+storyDoc.Path+"`") {
		t.Errorf("remove by a part of the path: %q", reply)
	}
	if reply := remove("ira"); !strings.Contains(reply, "`"+storyDoc.Path+"`, `iran.md`") {
		t.Errorf("remove of a part matching two documents: %q", reply)
	}
	if reply := remove("the moon"); !strings.Contains(reply, "I have no document “the moon”") {
		t.Errorf("remove of nothing: %q", reply)
	}
	if got := calls(); strings.Join(got, ",") != "remove iran.md,remove iran.md,remove iran.md" {
		t.Errorf("the editor was asked %v", got)
	}
	// /timeline (and /summary) may be loose, but an exact title comes first.
	for typed, want := range map[string]string{"Iran": "iran.md", "cuts ties": storyDoc.Path, storyDoc.Path: storyDoc.Path} {
		sum := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "timeline", discordtest.Opt{Name: "document", Type: 3, Value: typed})
		h.srv.Dispatch(t, "INTERACTION_CREATE", sum)
		replyOf(t, h, sum["id"].(string), func(p []string) bool { return strings.Contains(p[len(p)-1], "**Sources**") })
		if reqs := summ.requests(); reqs[len(reqs)-1].Doc != want {
			t.Errorf("/timeline document:%q went to %q, want %q", typed, reqs[len(reqs)-1].Doc, want)
		}
	}

	// Two documents with the same title: only their paths will do.
	lib.snap.Docs = append(lib.snap.Docs, &knowledge.Document{Path: "notes/iran.md", Title: "Iran"})
	if reply := remove("Iran"); !strings.Contains(reply, "2 documents are titled “Iran”; pick one by its path: `iran.md`, `notes/iran.md`.") {
		t.Errorf("remove of a shared title: %q", reply)
	}
	if reply := remove("notes/iran.md"); !strings.Contains(reply, "1 removed") || calls()[3] != "remove notes/iran.md" {
		t.Errorf("remove by path: %q, %v", reply, calls())
	}
}
