package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"storybot/internal/state"
)

// AnswerStore is a state.AnswerStore in PostgreSQL: an answer saved by one
// shard works for the buttons on every shard and after restarts. It keeps
// about the newest AnswersKept answers. Safe for concurrent use.
type AnswerStore struct {
	db    *DB
	saves atomic.Int64
	keep  int64 // about how many answers to keep: AnswersKept
	every int64 // saves between two prunings: pruneEvery
}

var _ state.AnswerStore = (*AnswerStore)(nil)

// AnswersKept is about how many answers the shared store keeps (older ones
// are deleted now and then as new ones are saved).
const AnswersKept = 50000

// pruneEvery is how many saves of a process go between two prunings.
const pruneEvery = 500

// Answers returns the saved answers store.
func (db *DB) Answers() *AnswerStore {
	return &AnswerStore{db: db, keep: AnswersKept, every: pruneEvery}
}

// Save keeps a under id.
func (s *AnswerStore) Save(ctx context.Context, id string, a state.Answer) error {
	body, err := state.EncodeAnswer(id, a)
	if err != nil {
		return fmt.Errorf("save an answer: %w", err)
	}
	if err := s.db.exec(ctx, "save an answer", `INSERT INTO saved_answers (id, body) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, saved_at = now()`, id, body); err != nil {
		return err
	}
	if s.saves.Add(1)%s.every == 0 {
		if _, err := s.db.pool.Exec(ctx, `DELETE FROM saved_answers WHERE seq <= (SELECT max(seq) FROM saved_answers) - $1`, s.keep); err != nil {
			s.db.log.Warn("deleting old saved answers failed", "err", err)
		}
	}
	return nil
}

// Load returns the answer saved under id.
func (s *AnswerStore) Load(ctx context.Context, id string) (state.Answer, bool, error) {
	var body []byte
	err := s.db.pool.QueryRow(ctx, `SELECT body FROM saved_answers WHERE id = $1`, id).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return state.Answer{}, false, nil
	}
	if err != nil {
		return state.Answer{}, false, fmt.Errorf("load a saved answer: %w", err)
	}
	_, a, err := state.DecodeAnswer(body)
	if err != nil {
		return state.Answer{}, false, fmt.Errorf("load a saved answer %s: %w", id, err)
	}
	return a, true, nil
}

// ThreadStore is a state.ThreadWatcher in PostgreSQL: each follow and
// unfollow is announced to the other processes (NOTIFY, with the row's
// change, so that they hear it once it is committed). Safe for concurrent
// use.
type ThreadStore struct{ db *DB }

var _ state.ThreadWatcher = (*ThreadStore)(nil)

// Threads returns the followed threads store.
func (db *DB) Threads() *ThreadStore { return &ThreadStore{db: db} }

// All returns every followed thread.
func (s *ThreadStore) All(ctx context.Context) (map[string]state.Thread, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT id, parent, question FROM followed_threads`)
	if err != nil {
		return nil, fmt.Errorf("read followed threads: %w", err)
	}
	defer rows.Close()
	out := map[string]state.Thread{}
	for rows.Next() {
		var id string
		var t state.Thread
		if err := rows.Scan(&id, &t.Parent, &t.Question); err != nil {
			return nil, fmt.Errorf("read followed threads: %w", err)
		}
		out[id] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read followed threads: %w", err)
	}
	return out, nil
}

// Follow adds or replaces a thread and announces it.
func (s *ThreadStore) Follow(ctx context.Context, id string, t state.Thread) error {
	return s.db.exec(ctx, "follow a thread", `WITH f AS (
		INSERT INTO followed_threads (id, parent, question) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET parent = EXCLUDED.parent, question = EXCLUDED.question RETURNING id)
		SELECT pg_notify($4, $5) FROM f`, id, t.Parent, t.Question, s.db.threadsChannel, s.payload(id))
}

// Unfollow removes a thread and announces it.
func (s *ThreadStore) Unfollow(ctx context.Context, id string) error {
	return s.db.exec(ctx, "unfollow a thread", `WITH d AS (DELETE FROM followed_threads WHERE id = $1 RETURNING id)
		SELECT pg_notify($2, $3) FROM d`, id, s.db.threadsChannel, s.payload(id))
}

// payload is the announcement of a change of thread id: this process's
// ID and the thread's (the others read the row: a question may be longer
// than a notification).
func (s *ThreadStore) payload(id string) string { return s.db.id + " " + id }

// WatchThreads calls changed (from its own goroutine, one call at a time)
// for each thread another process follows (followed true, with the
// thread) or stops following, until ctx ends; resync is called each time
// it starts listening, the first time and after a lost connection (changes
// may have been missed meanwhile: re-read All).
func (s *ThreadStore) WatchThreads(ctx context.Context, changed func(id string, t state.Thread, followed bool), resync func()) {
	s.db.watch(ctx, s.db.threadsChannel, "followed threads", func(payload string) {
		from, id, ok := strings.Cut(payload, " ")
		if !ok || from == s.db.id {
			return
		}
		var t state.Thread
		err := s.db.pool.QueryRow(ctx, `SELECT parent, question FROM followed_threads WHERE id = $1`, id).Scan(&t.Parent, &t.Question)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			changed(id, state.Thread{}, false)
		case err != nil:
			if ctx.Err() == nil {
				s.db.log.Warn("reading a thread another process followed failed", "thread", id, "err", err)
			}
		default:
			changed(id, t, true)
		}
	}, func(bool) { resync() })
}

// RateStore is a state.RateStore in PostgreSQL: a member's questions
// through every shard count against one limit. Each Take locks the
// member's row (in one call of the function rate_take, one round trip), so
// concurrent takes are exact. Times are
// the callers' clocks (keep the shards' clocks in sync, as NTP does).
// Safe for concurrent use.
type RateStore struct {
	db    *DB
	takes atomic.Int64
	every int64 // takes between two deletions of idle members' rows: pruneEvery
}

var _ state.RateStore = (*RateStore)(nil)

// Rates returns the rate-limit store.
func (db *DB) Rates() *RateStore { return &RateStore{db: db, every: pruneEvery} }

// Take records an event for key at now when fewer than n happened in the
// window before it.
func (s *RateStore) Take(ctx context.Context, key string, n int, window time.Duration, now time.Time) (ok bool, wait time.Duration, err error) {
	var oldest time.Time
	err = s.db.pool.QueryRow(ctx, `SELECT ok, oldest FROM rate_take($1, $2, $3, $4)`, key, n, window.Microseconds(), now).Scan(&ok, &oldest)
	if err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	if s.takes.Add(1)%s.every == 0 { // forget the members idle for a window
		if _, err := s.db.pool.Exec(ctx, `DELETE FROM rate_windows WHERE coalesce((SELECT max(t) FROM unnest(times) t), '-infinity') <= $1`, now.Add(-window)); err != nil {
			s.db.log.Warn("deleting idle rate-limit windows failed", "err", err)
		}
	}
	if !ok {
		wait = window - now.Sub(oldest)
	}
	return ok, wait, nil
}

// AuditLog is a state.AuditLog in PostgreSQL: the changes of every shard's
// moderators in one table. Safe for concurrent use.
type AuditLog struct{ db *DB }

var _ state.AuditLog = (*AuditLog)(nil)

// Audit returns the audit log.
func (db *DB) Audit() *AuditLog { return &AuditLog{db: db} }

// Add records e.
func (s *AuditLog) Add(ctx context.Context, e state.AuditEntry) error {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	return s.db.exec(ctx, "audit log", `INSERT INTO audit_log (at, who, action, doc, bytes, sha256, trash)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.Time.UTC(), e.Who, e.Action, e.Doc, e.Bytes, e.SHA256, e.Trash)
}

// List returns every entry, in the order they were added.
func (s *AuditLog) List(ctx context.Context) ([]state.AuditEntry, error) {
	return queryAll(ctx, s.db, "audit log", `SELECT at, who, action, doc, bytes, sha256, trash FROM audit_log ORDER BY id`,
		func(row pgx.CollectableRow) (state.AuditEntry, error) {
			var e state.AuditEntry
			err := row.Scan(&e.Time, &e.Who, &e.Action, &e.Doc, &e.Bytes, &e.SHA256, &e.Trash)
			e.Time = e.Time.UTC()
			return e, err
		})
}
