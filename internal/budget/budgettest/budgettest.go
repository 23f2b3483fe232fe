// Package budgettest holds the cases every budget.Store must pass, run
// against the file store and the PostgreSQL store alike.
package budgettest

import (
	"context"
	"slices"
	"sync"
	"testing"

	"storybot/internal/budget"
)

// Run checks the store made by open (each call a new, empty store over the
// same place, to check that usage is kept): Used sums per server and per
// member for one day, Totals groups per day and server in order, and
// concurrent Adds lose nothing.
func Run(t *testing.T, open func(t *testing.T) budget.Store) {
	ctx := context.Background()
	s := open(t)
	if g, m, err := s.Used(ctx, "2026-12-06", "g1", "alice"); err != nil || g != 0 || m != 0 {
		t.Fatalf("empty store: %d %d %v", g, m, err)
	}
	if tot, err := s.Totals(ctx); err != nil || len(tot) != 0 {
		t.Fatalf("empty totals: %+v %v", tot, err)
	}
	for _, r := range []budget.Record{
		{Day: "2026-12-06", GuildID: "g1", UserID: "alice", PromptTokens: 40, CompletionTokens: 20},
		{Day: "2026-12-06", GuildID: "g1", UserID: "bob", PromptTokens: 10, CompletionTokens: 5},
		{Day: "2026-12-06", GuildID: "g2", UserID: "alice", PromptTokens: 100, CompletionTokens: 1},
		{Day: "2026-12-05", GuildID: "g1", UserID: "alice", PromptTokens: 7, CompletionTokens: 0},
	} {
		if err := s.Add(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	check := func(s budget.Store, extra int) {
		t.Helper()
		if g, m, err := s.Used(ctx, "2026-12-06", "g1", "alice"); err != nil || g != 75+extra || m != 161+extra {
			t.Errorf("Used(g1, alice) = %d, %d, %v; want %d, %d", g, m, err, 75+extra, 161+extra)
		}
		if g, m, err := s.Used(ctx, "2026-12-05", "g2", "bob"); err != nil || g != 0 || m != 0 {
			t.Errorf("Used(2026-12-05, g2, bob) = %d, %d, %v", g, m, err)
		}
		tot, err := s.Totals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []budget.Total{
			{Day: "2026-12-05", GuildID: "g1", PromptTokens: 7, Tokens: 7, Members: 1, Answers: 1},
			{Day: "2026-12-06", GuildID: "g1", PromptTokens: 50 + extra, CompletionTokens: 25, Tokens: 75 + extra, Members: 2 + min(extra, 1), Answers: 2 + extra},
			{Day: "2026-12-06", GuildID: "g2", PromptTokens: 100, CompletionTokens: 1, Tokens: 101, Members: 1, Answers: 1},
		}
		if !slices.Equal(tot, want) {
			t.Errorf("Totals:\n got %+v\nwant %+v", tot, want)
		}
	}
	check(s, 0)
	check(open(t), 0) // reopened: kept

	// Concurrent adds, one token each, from another member.
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := s.Add(ctx, budget.Record{Day: "2026-12-06", GuildID: "g1", UserID: "carol", PromptTokens: 1}); err != nil {
				t.Errorf("add %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if g, _, err := s.Used(ctx, "2026-12-06", "g1", "carol"); err != nil || g != 95 {
		t.Errorf("after 20 concurrent adds: server %d, %v; want 95", g, err)
	}
}
