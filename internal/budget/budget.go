// Package budget caps the model tokens a Discord server and a member may
// spend a day (MODEL_DAILY_TOKENS_PER_SERVER, MODEL_DAILY_TOKENS_PER_MEMBER).
// Usage is counted from what the model reports, kept in a Store (FileStore
// in DATA_DIR), and days are UTC: budgets renew at midnight UTC. A question
// asked while within the budget is answered by the model even if its tokens
// then go past it; the next one is not.
package budget

import (
	"context"
	"fmt"
	"time"
)

// Limits are the daily token budgets; 0 is no limit.
type Limits struct {
	PerServer int
	PerMember int
}

// On reports whether any budget is set.
func (l Limits) On() bool { return l.PerServer > 0 || l.PerMember > 0 }

// Scopes of a spent budget (Decision.Scope).
const (
	ScopeServer = "server"
	ScopeMember = "member"
)

// Decision says whether the model may answer.
type Decision struct {
	// Reason is "" when the model may answer; else why not, with the time
	// the budget renews, for the user.
	Reason string
	Scope  string    // ScopeServer or ScopeMember when Reason is set
	Until  time.Time // next midnight UTC, when Reason is set
}

// Budget checks and records usage against Limits. It is safe for
// concurrent use.
type Budget struct {
	store  Store
	limits Limits
	now    func() time.Time
}

// New returns a Budget over store; now is the clock (time.Now when nil).
func New(store Store, limits Limits, now func() time.Time) *Budget {
	if now == nil {
		now = time.Now
	}
	return &Budget{store: store, limits: limits, now: now}
}

// Day is t's day in UTC, as YYYY-MM-DD.
func Day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// Check decides whether guildID's server and userID's member are within
// their budgets today. The server's budget is checked first. Errors come
// from the store.
func (b *Budget) Check(ctx context.Context, guildID, userID string) (Decision, error) {
	if !b.limits.On() {
		return Decision{}, nil
	}
	now := b.now().UTC()
	guild, member, err := b.store.Used(ctx, Day(now), guildID, userID)
	if err != nil {
		return Decision{}, fmt.Errorf("token budget: %w", err)
	}
	until := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	renews := until.Format("2006-01-02 15:04 MST")
	switch {
	case b.limits.PerServer > 0 && guildID != "" && guild >= b.limits.PerServer:
		return Decision{Scope: ScopeServer, Until: until,
			Reason: fmt.Sprintf("this server's daily model budget (%d tokens) is used up until %s", b.limits.PerServer, renews)}, nil
	case b.limits.PerMember > 0 && userID != "" && member >= b.limits.PerMember:
		return Decision{Scope: ScopeMember, Until: until,
			Reason: fmt.Sprintf("your daily model budget (%d tokens) is used up until %s", b.limits.PerMember, renews)}, nil
	}
	return Decision{}, nil
}

// Record adds the tokens of one answer to today's usage. Usage with no
// tokens is not recorded.
func (b *Budget) Record(ctx context.Context, guildID, userID string, prompt, completion int) error {
	if prompt+completion <= 0 {
		return nil
	}
	return b.store.Add(ctx, Record{Day: Day(b.now()), GuildID: guildID, UserID: userID, PromptTokens: prompt, CompletionTokens: completion})
}
