package bot

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/internal/answer"
	"storybot/internal/knowledge"
	"storybot/internal/library"
	"storybot/internal/summary"
)

type nopAsker struct{}

func (nopAsker) Ask(ctx context.Context, req answer.Request, on func(answer.Event)) (answer.Answer, error) {
	return answer.Answer{}, nil
}

type nopLibrary struct{}

func (nopLibrary) Current() *library.Snapshot { return &library.Snapshot{} }
func (nopLibrary) Refresh(ctx context.Context) (library.Report, error) {
	return library.Report{}, nil
}

// FuzzInteraction feeds arbitrary interaction payloads through decoding and
// the router: nothing may panic, and every request gets a response or an
// error.
func FuzzInteraction(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "interaction_*.json"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"type":2,"data":{"name":"ask","options":[{"name":"question","type":5,"value":true}]},"member":{"user":{"id":"1"},"permissions":"0"},"guild_id":"1"}`))
	f.Add([]byte(`{"type":2,"data":{"name":"knowledge","options":[{"name":"add","type":1,"options":[{"name":"file","type":11,"value":"9"}]}]},"member":{"user":{"id":"1"},"permissions":"32"},"guild_id":"1"}`))
	f.Add([]byte(`{"type":3,"data":{"custom_id":"fb:"},"member":{"user":{"id":"1"}},"guild_id":"1"}`))
	summ := summary.New(summary.Options{Source: func() (string, []*knowledge.Document) { return "", nil }})
	b, err := New(Options{Token: "t", Asker: nopAsker{}, Library: nopLibrary{}, Summarizer: summ, Editor: nopEditor{}, RateLimitPerUser: 0})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var i discordgo.Interaction
		if err := json.Unmarshal(data, &i); err != nil {
			return
		}
		r := newRequest(&i)
		resp, err := b.router.Serve(context.Background(), r)
		if err == errPanic {
			t.Fatalf("a handler panicked on %s", data)
		}
		if err == nil && resp == nil {
			t.Fatalf("no response and no error for %s", data)
		}
	})
}

type nopEditor struct{}

func (nopEditor) AddFile(ctx context.Context, name string, data []byte, replace bool, who string) (library.Report, error) {
	return library.Report{}, nil
}
func (nopEditor) Remove(ctx context.Context, doc, who string) (library.Report, error) {
	return library.Report{}, nil
}
func (nopEditor) Restore(ctx context.Context, name, who string) (library.Report, error) {
	return library.Report{}, nil
}
func (nopEditor) Trash(ctx context.Context) ([]library.TrashItem, error) {
	return []library.TrashItem{{Name: "x", Doc: "x", Removed: time.Now()}}, nil
}
