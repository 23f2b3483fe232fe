// Package feedbacktest holds the cases every feedback.Keeper must pass, run
// against the file store and the PostgreSQL store alike.
package feedbacktest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"storybot/internal/answer"
	"storybot/internal/feedback"
)

// Run checks the store made by open (each call a new store over the same
// place): votes come back whole and in order, after a reopen too; a vote
// that is neither up nor down is refused; a vote without a time gets now.
func Run(t *testing.T, open func(t *testing.T) feedback.Keeper) {
	ctx := context.Background()
	s := open(t)
	if recs, _, err := s.List(ctx); err != nil || len(recs) != 0 {
		t.Fatalf("empty store: %v %v", recs, err)
	}
	at := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
	want := []feedback.Record{
		{Time: at, Vote: feedback.Up, UserID: "100000000000000001", GuildID: "800000000000000001", ChannelID: "700000000000000001", MessageID: "5",
			Question: "Why did Albania cut ties?", Answer: "Because of the cyberattack [1].", Mode: "llm",
			Citations: []answer.Citation{{N: 1, Doc: "a.txt", Title: "Albania", Location: "¶2, line 3", Quote: "“the cyberattack”"}}},
		{Time: at.Add(time.Second), Vote: feedback.Down, UserID: "100000000000000002", Question: "Who?", Answer: "Nobody.", Citations: []answer.Citation{}},
	}
	for _, r := range want {
		if err := s.Add(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Add(ctx, feedback.Record{Vote: "maybe", UserID: "1"}); err == nil {
		t.Error("a vote that is neither up nor down was accepted")
	}
	for _, s := range []feedback.Keeper{s, open(t)} {
		got, skipped, err := s.List(ctx)
		if err != nil || len(skipped) != 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("List (%s):\n got %+v\nwant %+v\n%v %v", s.Where(), got, want, skipped, err)
		}
	}
	before := time.Now().Add(-time.Minute)
	if err := s.Add(ctx, feedback.Record{Vote: feedback.Up, UserID: "3", Question: "q", Answer: "a"}); err != nil {
		t.Fatal(err)
	}
	got, _, _ := s.List(ctx)
	if len(got) != 3 || got[2].Time.Before(before) {
		t.Errorf("a vote without a time: %+v", got)
	}
}
