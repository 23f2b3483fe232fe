// Package pgstore keeps storybot's shared state in PostgreSQL (DATABASE_URL),
// so that several bot processes (shards) see the same state. Open connects
// and brings the schema up to date with versioned migrations, which several
// processes may run at once: a transaction-scoped advisory lock lets one
// apply them while the others wait and then find nothing left to do.
//
// It holds the model token usage of the budgets (UsageStore, a
// budget.Store), the votes (FeedbackStore, a feedback.Keeper), the saved
// answers (AnswerStore), the followed threads (ThreadStore), the
// per-member rate-limit windows (RateStore) and the moderators' audit log
// (AuditLog), the last four behind package state's interfaces, and
// carries moderators' knowledge changes and the threads followed to the
// other processes (LISTEN/NOTIFY: AnnounceKnowledgeChange,
// WatchKnowledgeChanges, ThreadStore.WatchThreads).
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is a connection pool with the schema migrated. Safe for concurrent use.
type DB struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	id   string // this process, in its knowledge-change announcements
	// channel and threadsChannel are the LISTEN/NOTIFY channels of
	// knowledge changes and of followed threads, one per schema (channels
	// are database-wide), so deployments in other schemas do not hear
	// each other.
	channel, threadsChannel string
}

// migration is one versioned step of the schema; versions only grow, and a
// released step is never edited (add a new one).
type migration struct {
	version int
	sql     string
}

// migrations is the schema, in order.
var migrations = []migration{
	{1, `CREATE TABLE model_usage (
		id                bigserial PRIMARY KEY,
		day               date        NOT NULL,
		guild_id          text        NOT NULL,
		user_id           text        NOT NULL,
		prompt_tokens     bigint      NOT NULL,
		completion_tokens bigint      NOT NULL,
		at                timestamptz NOT NULL DEFAULT now()
	);
	CREATE INDEX model_usage_day_guild ON model_usage (day, guild_id);
	CREATE INDEX model_usage_day_user ON model_usage (day, user_id);`},
	{2, `CREATE TABLE feedback (
		id         bigserial PRIMARY KEY,
		at         timestamptz NOT NULL,
		vote       text        NOT NULL CHECK (vote IN ('up', 'down')),
		user_id    text        NOT NULL,
		guild_id   text        NOT NULL DEFAULT '',
		channel_id text        NOT NULL DEFAULT '',
		message_id text        NOT NULL DEFAULT '',
		question   text        NOT NULL,
		answer     text        NOT NULL,
		mode       text        NOT NULL DEFAULT '',
		citations  jsonb       NOT NULL DEFAULT '[]'
	);`},
	{3, `CREATE TABLE saved_answers (
		id       text        PRIMARY KEY,
		seq      bigserial   NOT NULL,
		saved_at timestamptz NOT NULL DEFAULT now(),
		body     text        NOT NULL -- state.EncodeAnswer's JSON; not jsonb, which refuses the \u0000 a passage may hold
	);
	CREATE INDEX saved_answers_seq ON saved_answers (seq);
	CREATE TABLE followed_threads (
		id       text PRIMARY KEY,
		parent   text NOT NULL,
		question text NOT NULL DEFAULT ''
	);
	CREATE TABLE rate_windows (
		key   text          PRIMARY KEY,
		times timestamptz[] NOT NULL
	);
	-- One round trip a question: lock the member's row (created empty the
	-- first time), keep the times in the window, add this one when fewer
	-- than n; ok says whether it was added, oldest is the window's first.
	-- Its commit does not wait for the disk (a window lost in a crash only
	-- lets a member ask a little more), so the check before an interaction's
	-- acknowledgement stays short.
	CREATE FUNCTION rate_take(k text, n integer, win_us bigint, at timestamptz, OUT ok boolean, OUT oldest timestamptz)
	LANGUAGE plpgsql AS $$
	DECLARE
		ts timestamptz[];
	BEGIN
		PERFORM set_config('synchronous_commit', 'off', true);
		INSERT INTO rate_windows AS w (key, times) VALUES (k, '{}')
			ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key
			RETURNING w.times INTO ts;
		ts := ARRAY(SELECT t FROM unnest(ts) t WHERE t > at - win_us * interval '1 microsecond' ORDER BY t);
		ok := cardinality(ts) < n;
		IF ok THEN
			ts := ts || at;
		END IF;
		oldest := ts[1];
		UPDATE rate_windows SET times = ts WHERE key = k;
	END $$;
	CREATE TABLE audit_log (
		id     bigserial   PRIMARY KEY,
		at     timestamptz NOT NULL,
		who    text        NOT NULL,
		action text        NOT NULL,
		doc    text        NOT NULL,
		bytes  bigint      NOT NULL DEFAULT 0,
		sha256 text        NOT NULL DEFAULT '',
		trash  text        NOT NULL DEFAULT ''
	);`},
}

// defaultMaxConns is the pool's size when DATABASE_URL sets no
// pool_max_conns; two of them listen (knowledge changes, followed
// threads). BenchmarkPostgresShards, when the rate-limit check still came
// before the acknowledgement: p99 under 100 ms with 10, over it with 4.
const defaultMaxConns = 10

// connectTimeout bounds making a connection when DATABASE_URL sets no
// connect_timeout.
const connectTimeout = 10 * time.Second

// migrateLock is the advisory lock key of the migrations ("storybot" in
// ASCII, as a number).
const migrateLock = 0x73746f7279626f74

// Open connects to url (DATABASE_URL), checks the server answers within
// 10 s and migrates the schema. Errors name DATABASE_URL and never contain
// the password.
func Open(ctx context.Context, url string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errors.New("DATABASE_URL: not a PostgreSQL URL such as postgres://user:password@host:5432/storybot")
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	if !strings.Contains(url, "pool_max_conns") {
		// More than pgx's max(4, CPUs): a burst of questions' rate-limit
		// checks then queues less behind the durable writes.
		cfg.MaxConns = max(cfg.MaxConns, defaultMaxConns)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		// Without one, a connection being made to a server that stopped
		// answering waits forever, and so does Close.
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %s: %w", where, err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("DATABASE_URL: cannot reach PostgreSQL at %s (is it running, and are the user and password right?): %w", where, err)
	}
	db := &DB{pool: pool, log: log, id: newProcessID()}
	var schema string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("DATABASE_URL: %s: %w", where, err)
	}
	db.channel = "storybot_knowledge_" + schema
	db.threadsChannel = "storybot_threads_" + schema
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("DATABASE_URL: migrating the schema at %s: %w", where, err)
	}
	return db, nil
}

// closeTimeout bounds Close.
const closeTimeout = 3 * time.Second

// Close closes the pool, waiting at most closeTimeout: a server that
// stopped answering would otherwise hold it up to 15 s a connection
// (pgx's cancel requests and goodbyes), and the connections are dropped
// with the process anyway.
func (db *DB) Close() {
	done := make(chan struct{})
	go func() {
		db.pool.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(closeTimeout):
		db.log.Warn("PostgreSQL did not answer while closing the connections; not waiting for it")
	}
}

// migrate applies the migrations not yet applied, in one transaction under
// the advisory lock, and records each version in schema_migrations.
func (db *DB) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return err
		}
		if latest := migrations[len(migrations)-1].version; current > latest {
			return fmt.Errorf("the schema is at version %d, newer than this storybot knows (%d): run a newer storybot", current, latest)
		}
		for _, m := range migrations {
			if m.version <= current {
				continue
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %d: %w", m.version, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, m.version); err != nil {
				return err
			}
			db.log.Info("database schema migrated", "version", m.version)
		}
		return nil
	})
}

// exec runs sql with args; its error is returned as "what: err".
func (db *DB) exec(ctx context.Context, what, sql string, args ...any) error {
	if _, err := db.pool.Exec(ctx, sql, args...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// queryAll runs sql with args and returns fn's value of each row, in order
// (nil for no rows). An error of the query, of a row or of fn is returned
// as "what: err".
func queryAll[T any](ctx context.Context, db *DB, what, sql string, fn pgx.RowToFunc[T], args ...any) ([]T, error) {
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out, err := pgx.AppendRows([]T(nil), rows, fn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}
