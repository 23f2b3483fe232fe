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
	if recs, err := s.List(ctx); err != nil || len(recs) != 0 {
		t.Fatalf("empty store: %v %v", recs, err)
	}
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	in := Record{Time: when, Vote: Up, UserID: "u1", Question: "Why?", Answer: "Because [1].",
		Citations: []answer.Citation{{N: 1, Doc: "a.txt", Title: "A", Location: "¶1, line 1"}}}
	if err := s.Add(ctx, in); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _ = s.Add(ctx, Record{Vote: Down, UserID: "u2"}) }()
	}
	wg.Wait()
	recs, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
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

func TestListNamesBadLine(t *testing.T) {
	dir := t.TempDir()
	s := Open(dir)
	if err := os.WriteFile(s.Path(), []byte("{\"vote\":\"up\"}\nnot json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := s.List(context.Background())
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("want an error naming line 2, got %v", err)
	}
}
