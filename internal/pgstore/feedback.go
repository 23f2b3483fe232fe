package pgstore

import (
	"context"
	"encoding/json"
	"fmt"

	"storybot/internal/answer"
	"storybot/internal/feedback"

	"github.com/jackc/pgx/v5"
)

// FeedbackStore is a feedback.Keeper in PostgreSQL: the votes of every
// shard in one table. Safe for concurrent use.
type FeedbackStore struct{ db *DB }

var _ feedback.Keeper = (*FeedbackStore)(nil)

// Feedback returns the votes store.
func (db *DB) Feedback() *FeedbackStore { return &FeedbackStore{db: db} }

// Where names the store.
func (s *FeedbackStore) Where() string { return "PostgreSQL (DATABASE_URL)" }

// Add records a vote.
func (s *FeedbackStore) Add(ctx context.Context, rec feedback.Record) error {
	if err := feedback.Check(&rec); err != nil {
		return err
	}
	cites := rec.Citations
	if cites == nil {
		cites = []answer.Citation{}
	}
	cj, err := json.Marshal(cites)
	if err != nil {
		return fmt.Errorf("feedback: encode: %w", err)
	}
	return s.db.exec(ctx, "feedback", `INSERT INTO feedback (at, vote, user_id, guild_id, channel_id, message_id, question, answer, mode, citations)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		rec.Time, rec.Vote, rec.UserID, rec.GuildID, rec.ChannelID, rec.MessageID, rec.Question, rec.Answer, rec.Mode, cj)
}

// List returns every vote, oldest first; nothing is ever skipped.
func (s *FeedbackStore) List(ctx context.Context) ([]feedback.Record, []feedback.Skipped, error) {
	out, err := queryAll(ctx, s.db, "feedback", `SELECT at, vote, user_id, guild_id, channel_id, message_id, question, answer, mode, citations
		FROM feedback ORDER BY at, id`, func(row pgx.CollectableRow) (feedback.Record, error) {
		var r feedback.Record
		var cj []byte
		if err := row.Scan(&r.Time, &r.Vote, &r.UserID, &r.GuildID, &r.ChannelID, &r.MessageID, &r.Question, &r.Answer, &r.Mode, &cj); err != nil {
			return r, err
		}
		if err := json.Unmarshal(cj, &r.Citations); err != nil {
			return r, fmt.Errorf("citations of a vote: %w", err)
		}
		r.Time = r.Time.UTC()
		return r, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, nil, nil
}
