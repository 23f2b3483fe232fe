package pgstore

import (
	"context"
	"fmt"

	"storybot/internal/budget"

	"github.com/jackc/pgx/v5"
)

// UsageStore is a budget.Store in PostgreSQL: every shard counts against
// the same budgets. Safe for concurrent use.
type UsageStore struct{ db *DB }

var _ budget.Store = (*UsageStore)(nil)

// Usage returns the token usage store.
func (db *DB) Usage() *UsageStore { return &UsageStore{db: db} }

// Add records r.
func (s *UsageStore) Add(ctx context.Context, r budget.Record) error {
	return s.db.exec(ctx, "record model usage", `INSERT INTO model_usage (day, guild_id, user_id, prompt_tokens, completion_tokens)
		VALUES ($1::date, $2, $3, $4, $5)`, r.Day, r.GuildID, r.UserID, r.PromptTokens, r.CompletionTokens)
}

// Used returns the day's tokens of the server and of the member.
func (s *UsageStore) Used(ctx context.Context, day, guildID, userID string) (guild, member int, err error) {
	err = s.db.pool.QueryRow(ctx, `SELECT
			coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE guild_id = $2), 0),
			coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE user_id = $3), 0)
		FROM model_usage WHERE day = $1::date AND (guild_id = $2 OR user_id = $3)`, day, guildID, userID).Scan(&guild, &member)
	if err != nil {
		return 0, 0, fmt.Errorf("read model usage: %w", err)
	}
	return guild, member, nil
}

// Totals sums the usage per day and server, by day then server.
func (s *UsageStore) Totals(ctx context.Context) ([]budget.Total, error) {
	return queryAll(ctx, s.db, "read model usage", `SELECT to_char(day, 'YYYY-MM-DD'), guild_id,
			sum(prompt_tokens), sum(completion_tokens), count(DISTINCT user_id), count(*)
		FROM model_usage GROUP BY day, guild_id ORDER BY day, guild_id`, func(row pgx.CollectableRow) (budget.Total, error) {
		var t budget.Total
		err := row.Scan(&t.Day, &t.GuildID, &t.PromptTokens, &t.CompletionTokens, &t.Members, &t.Answers)
		t.Tokens = t.PromptTokens + t.CompletionTokens
		return t, err
	})
}
