// Package statetest holds the cases every store of package state passes,
// run against the stores in DATA_DIR and in PostgreSQL alike.
package statetest

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"storybot/internal/answer"
	"storybot/internal/state"
)

func testAnswer(i int) state.Answer {
	return state.Answer{
		Answer: answer.Answer{Question: fmt.Sprintf("question %d", i), Text: "It was the cyberattack [1].", Mode: answer.ModeExtractive,
			Citations: []answer.Citation{{N: 1, Doc: "story.txt", Title: "Story", Location: "¶2, line 3", Quote: "a quote", PassageID: "p1", Text: fmt.Sprintf("the whole passage %d (a NUL: \x00)", i)}}},
		UserID: "u1", GuildID: "g1", ChannelID: "c1",
	}
}

// Answers checks the store made by open (each call a new store over the
// same place): saved answers load with every field the buttons need,
// unknown IDs are not found, a reopened store has them, and concurrent
// saves lose nothing.
func Answers(t *testing.T, open func(t *testing.T) state.AnswerStore) {
	ctx := context.Background()
	s := open(t)
	if _, ok, err := s.Load(ctx, "nope"); ok || err != nil {
		t.Fatalf("an unknown ID: %v %v", ok, err)
	}
	for i := range 3 {
		if err := s.Save(ctx, fmt.Sprintf("id%d", i), testAnswer(i)); err != nil {
			t.Fatal(err)
		}
	}
	check := func(s state.AnswerStore, i int) {
		t.Helper()
		a, ok, err := s.Load(ctx, fmt.Sprintf("id%d", i))
		if err != nil || !ok {
			t.Fatalf("answer %d: %v %v", i, ok, err)
		}
		want := testAnswer(i)
		if a.Question != want.Question || a.Text != want.Text || a.UserID != "u1" || a.GuildID != "g1" || a.ChannelID != "c1" ||
			len(a.Citations) != 1 || a.Citations[0].Text != want.Citations[0].Text || a.Citations[0].PassageID != "p1" ||
			a.Citations[0].Location != "¶2, line 3" || a.Mode != answer.ModeExtractive {
			t.Errorf("answer %d loaded as %+v", i, a)
		}
	}
	for i := range 3 {
		check(s, i)
	}
	r := open(t)
	check(r, 1) // reopened: kept
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := s.Save(ctx, fmt.Sprintf("c%d", i), testAnswer(i)); err != nil {
				t.Errorf("save %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	for i := range 20 {
		if _, ok, err := s.Load(ctx, fmt.Sprintf("c%d", i)); !ok || err != nil {
			t.Errorf("concurrent save %d lost: %v", i, err)
		}
	}
}

// Threads checks the followed-threads store made by open.
func Threads(t *testing.T, open func(t *testing.T) state.ThreadStore) {
	ctx := context.Background()
	s := open(t)
	if all, err := s.All(ctx); err != nil || len(all) != 0 {
		t.Fatalf("empty store: %v %v", all, err)
	}
	for _, id := range []string{"t1", "t2", "t3"} {
		if err := s.Follow(ctx, id, state.Thread{Parent: "c-" + id, Question: "why " + id}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Follow(ctx, "t2", state.Thread{Parent: "c-t2", Question: "again"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Unfollow(ctx, "t3"); err != nil {
		t.Fatal(err)
	}
	if err := s.Unfollow(ctx, "never"); err != nil {
		t.Errorf("unfollowing a thread not followed: %v", err)
	}
	want := map[string]state.Thread{"t1": {Parent: "c-t1", Question: "why t1"}, "t2": {Parent: "c-t2", Question: "again"}}
	for _, s := range []state.ThreadStore{s, open(t)} {
		if all, err := s.All(ctx); err != nil || !maps.Equal(all, want) {
			t.Errorf("All = %v, %v; want %v", all, err, want)
		}
	}
}

// Rate checks the rate-limit store made by open (each call over the same
// place, as two processes): the window slides, members are apart, two
// stores share one limit, and concurrent takes are exact.
func Rate(t *testing.T, open func(t *testing.T) state.RateStore) {
	ctx := context.Background()
	s := open(t)
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for i := range 2 {
		if ok, _, err := s.Take(ctx, "a", 2, time.Minute, now.Add(time.Duration(i)*time.Second)); !ok || err != nil {
			t.Fatalf("take %d: %v %v", i, ok, err)
		}
	}
	ok, wait, err := s.Take(ctx, "a", 2, time.Minute, now.Add(10*time.Second))
	if ok || err != nil || wait != 50*time.Second {
		t.Errorf("third take: %v, wait %v, %v; want refused, 50s", ok, wait, err)
	}
	if ok, _, err := s.Take(ctx, "b", 2, time.Minute, now.Add(10*time.Second)); !ok || err != nil {
		t.Errorf("another member: %v %v", ok, err)
	}
	if ok, _, err := s.Take(ctx, "a", 2, time.Minute, now.Add(time.Minute)); !ok || err != nil {
		t.Errorf("after the first left the window: %v %v", ok, err)
	}
	if ok, _, _ := s.Take(ctx, "a", 2, time.Minute, now.Add(time.Minute+500*time.Millisecond)); ok {
		t.Error("the second is still in the window")
	}

	// Two stores, as two processes, share the limit; 40 concurrent takes
	// of a limit of 7: exactly 7 pass.
	stores := []state.RateStore{s, open(t)}
	var passed atomic.Int64
	var wg sync.WaitGroup
	later := now.Add(time.Hour)
	for i := range 40 {
		wg.Go(func() {
			ok, _, err := stores[i%2].Take(ctx, "c", 7, time.Minute, later.Add(time.Duration(i)*time.Millisecond))
			if err != nil {
				t.Errorf("take %d: %v", i, err)
			}
			if ok {
				passed.Add(1)
			}
		})
	}
	wg.Wait()
	if n := passed.Load(); n != 7 {
		t.Errorf("%d of 40 concurrent takes passed a limit of 7", n)
	}
}

// Audit checks the audit log made by open.
func Audit(t *testing.T, open func(t *testing.T) state.AuditLog) {
	ctx := context.Background()
	s := open(t)
	if l, err := s.List(ctx); err != nil || len(l) != 0 {
		t.Fatalf("empty log: %v %v", l, err)
	}
	at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	in := []state.AuditEntry{
		{Time: at, Who: "mod1", Action: "add", Doc: "a.md", Bytes: 12, SHA256: "abc"},
		{Time: at.Add(time.Second), Who: "mod2", Action: "remove", Doc: "a.md", Bytes: 12, Trash: "t-a.md"},
		{Time: at.Add(2 * time.Second), Who: "mod1", Action: "restore", Doc: "a.md", Trash: "t-a.md"},
	}
	for _, e := range in {
		if err := s.Add(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Add(ctx, state.AuditEntry{Who: "mod3", Action: "add", Doc: "b.md"}); err != nil {
		t.Fatal(err)
	}
	got, err := open(t).List(ctx)
	if err != nil || len(got) != 4 {
		t.Fatalf("List = %v, %v; want 4 entries", got, err)
	}
	for i, e := range in {
		if !got[i].Time.Equal(e.Time) || got[i].Who != e.Who || got[i].Action != e.Action || got[i].Doc != e.Doc ||
			got[i].Bytes != e.Bytes || got[i].SHA256 != e.SHA256 || got[i].Trash != e.Trash {
			t.Errorf("entry %d = %+v; want %+v", i, got[i], e)
		}
	}
	if got[3].Time.IsZero() || got[3].Who != "mod3" {
		t.Errorf("an entry without a time: %+v", got[3])
	}
}
