package feedback

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"storybot/internal/answer"
)

func TestAddAndList(t *testing.T) {
	ctx := context.Background()
	s := Open(t.TempDir() + "/data")
	if recs, skipped, err := s.List(ctx); err != nil || len(recs) != 0 || len(skipped) != 0 {
		t.Fatalf("empty store: %v %v %v", recs, skipped, err)
	}
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	in := Record{Time: when, Vote: Up, UserID: "u1", Question: "Why?", Answer: "Because [1].",
		Citations: []answer.Citation{{N: 1, Doc: "a.txt", Title: "A", Location: "¶1, line 1"}}}
	if err := s.Add(ctx, in); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Go(func() { _ = s.Add(ctx, Record{Vote: Down, UserID: "u2"}) })
	}
	wg.Wait()
	recs, skipped, err := s.List(ctx)
	if err != nil || len(skipped) != 0 {
		t.Fatal(err, skipped)
	}
	if len(recs) != 21 {
		t.Fatalf("got %d records, want 21", len(recs))
	}
	if got := recs[0]; got.Question != "Why?" || !got.Time.Equal(when) || got.Citations[0].Location != "¶1, line 1" {
		t.Fatalf("first record: %+v", got)
	}
}

func TestAddRejectsBadVote(t *testing.T) {
	if err := Open(t.TempDir()).Add(context.Background(), Record{Vote: "meh"}); err == nil {
		t.Fatal("want an error for an unknown vote")
	}
}

// A bad line is skipped and named; the records around it are kept.
func TestListNamesBadLine(t *testing.T) {
	dir := t.TempDir()
	s := Open(dir)
	if err := os.WriteFile(s.Path(), []byte("{\"vote\":\"up\"}\nnot json\n{\"vote\":\"meh\"}\n{\"vote\":\"down\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	recs, skipped, err := s.List(context.Background())
	if err != nil || len(recs) != 2 || recs[0].Vote != Up || recs[1].Vote != Down {
		t.Fatalf("records %+v, err %v", recs, err)
	}
	if len(skipped) != 2 || skipped[0].Line != 2 || !strings.Contains(skipped[0].Reason, "invalid character") || skipped[1].Line != 3 || !strings.Contains(skipped[1].Reason, `"meh"`) {
		t.Fatalf("want lines 2 and 3 named, got %+v", skipped)
	}
}

// A write cut short leaves a last line without its newline: it is skipped,
// and the next vote starts a line of its own instead of joining it.
func TestAddAfterTruncatedLine(t *testing.T) {
	ctx := context.Background()
	s := Open(t.TempDir())
	if err := s.Add(ctx, Record{Vote: Up, UserID: "u1"}); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(s.Path(), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"vote":"up","us`)
	f.Close()
	if err := s.Add(ctx, Record{Vote: Down, UserID: "u2"}); err != nil {
		t.Fatal(err)
	}
	recs, skipped, err := s.List(ctx)
	if err != nil || len(recs) != 2 || recs[0].UserID != "u1" || recs[1].UserID != "u2" {
		t.Fatalf("records %+v, err %v", recs, err)
	}
	if len(skipped) != 1 || skipped[0].Line != 2 || !strings.Contains(skipped[0].Reason, "unexpected end of JSON input") {
		t.Fatalf("skipped %+v", skipped)
	}
}

// Whatever the file holds, List returns without error, every non-blank line
// is either a record or named as skipped, and Add then appends a record that
// the next List returns last.
func FuzzListAndAdd(f *testing.F) {
	for _, s := range []string{"", "{\"vote\":\"up\"}\n", "{\"vote\":\"up\",\"us", "not json\n\n{\"vote\":\"down\"}", "{\"vote\":\"meh\"}\r\n", "\x00\xff\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		ctx := context.Background()
		s := Open(t.TempDir())
		if err := os.WriteFile(s.Path(), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		recs, skipped, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		lines := 0
		for _, l := range strings.Split(content, "\n") {
			if strings.TrimSpace(l) != "" {
				lines++
			}
		}
		if len(recs)+len(skipped) != lines {
			t.Fatalf("%d records + %d skipped for %d lines", len(recs), len(skipped), lines)
		}
		if err := s.Add(ctx, Record{Vote: Down, UserID: "fuzz"}); err != nil {
			t.Fatal(err)
		}
		after, _, err := s.List(ctx)
		if err != nil || len(after) != len(recs)+1 || after[len(after)-1].UserID != "fuzz" {
			t.Fatalf("after Add: %d records (had %d), err %v", len(after), len(recs), err)
		}
	})
}
