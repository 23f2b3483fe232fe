package budget

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestBudgetsRenewAtMidnightUTCAndSurviveRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := &clock{time.Date(2026, 12, 6, 22, 30, 0, 0, time.UTC)}
	b := New(OpenFile(dir), Limits{PerServer: 100, PerMember: 60}, c.now)

	if d, err := b.Check(ctx, "g1", "alice"); err != nil || d.Reason != "" {
		t.Fatalf("fresh: %+v %v", d, err)
	}
	if err := b.Record(ctx, "g1", "alice", 50, 15); err != nil { // alice: 65 ≥ 60
		t.Fatal(err)
	}
	d, _ := b.Check(ctx, "g1", "alice")
	if d.Scope != ScopeMember || !strings.Contains(d.Reason, "2026-12-07 00:00 UTC") || !d.Until.Equal(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("alice over her budget: %+v", d)
	}
	if d, _ := b.Check(ctx, "g1", "bob"); d.Reason != "" {
		t.Errorf("bob: %+v", d)
	}
	// Alice's budget counts in every server.
	if d, _ := b.Check(ctx, "g2", "alice"); d.Scope != ScopeMember {
		t.Errorf("alice elsewhere: %+v", d)
	}
	b.Record(ctx, "g1", "bob", 30, 5) // g1: 100
	if d, _ := b.Check(ctx, "g1", "carol"); d.Scope != ScopeServer || !strings.Contains(d.Reason, "server") {
		t.Errorf("g1 over its budget: %+v", d)
	}

	// A restart reads the file; a damaged line is skipped.
	f, err := os.OpenFile(OpenFile(dir).Path(), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("{not json\n")
	f.Close()
	s := OpenFile(dir)
	b = New(s, Limits{PerServer: 100, PerMember: 60}, c.now)
	if d, _ := b.Check(ctx, "g1", "carol"); d.Scope != ScopeServer {
		t.Errorf("after a restart: %+v", d)
	}
	if s.Skipped() != 1 {
		t.Errorf("skipped %d lines, want 1", s.Skipped())
	}
	tot, err := s.Totals(ctx)
	if err != nil || len(tot) != 1 || tot[0] != (Total{Day: "2026-12-06", GuildID: "g1", PromptTokens: 80, CompletionTokens: 20, Tokens: 100, Members: 2, Answers: 2}) {
		t.Errorf("totals %+v %v", tot, err)
	}

	// After midnight UTC the budgets are new.
	c.t = time.Date(2026, 12, 7, 0, 0, 1, 0, time.UTC)
	if d, _ := b.Check(ctx, "g1", "alice"); d.Reason != "" {
		t.Errorf("next day: %+v", d)
	}
}

func TestNoLimitsNeverRefuse(t *testing.T) {
	b := New(OpenFile(t.TempDir()), Limits{}, nil)
	b.Record(context.Background(), "g", "u", 1e6, 1e6)
	if d, err := b.Check(context.Background(), "g", "u"); d.Reason != "" || err != nil {
		t.Errorf("%+v %v", d, err)
	}
}
