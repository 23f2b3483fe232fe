package pgstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"storybot/internal/budget"
	"storybot/internal/budget/budgettest"
	"storybot/internal/feedback"
	"storybot/internal/feedback/feedbacktest"
	"storybot/internal/pgstore/pgtest"
	"storybot/internal/state"
	"storybot/internal/state/statetest"

	"github.com/jackc/pgx/v5"
)

func open(t testing.TB, url string) *DB {
	t.Helper()
	db, err := Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// Each PostgreSQL store passes the cases every store of its kind must
// (the file stores run them too).
func TestPostgresStoresConformance(t *testing.T) {
	url := pgtest.URL(t)
	usage := func(t *testing.T) budget.Store { return open(t, url).Usage() }
	votes := func(t *testing.T) feedback.Keeper { return open(t, url).Feedback() }
	answers := func(t *testing.T) state.AnswerStore { return open(t, url).Answers() }
	threads := func(t *testing.T) state.ThreadStore { return open(t, url).Threads() }
	rates := func(t *testing.T) state.RateStore { return open(t, url).Rates() }
	audit := func(t *testing.T) state.AuditLog { return open(t, url).Audit() }
	t.Run("usage", func(t *testing.T) { budgettest.Run(t, usage) })
	t.Run("feedback", func(t *testing.T) { feedbacktest.Run(t, votes) })
	t.Run("answers", func(t *testing.T) { statetest.Answers(t, answers) })
	t.Run("threads", func(t *testing.T) { statetest.Threads(t, threads) })
	t.Run("rates", func(t *testing.T) { statetest.Rate(t, rates) })
	t.Run("audit", func(t *testing.T) { statetest.Audit(t, audit) })
}

// Several processes starting at once all migrate: one applies each
// version, the others wait on the advisory lock and find it done.
func TestPostgresMigratesConcurrently(t *testing.T) {
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Go(func() {
			db, err := Open(context.Background(), url, nil)
			if err != nil {
				errs <- err
				return
			}
			db.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	db := open(t, url)
	var n, v int
	if err := db.pool.QueryRow(context.Background(), `SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &v); err != nil {
		t.Fatal(err)
	}
	if n != len(migrations) || v != migrations[len(migrations)-1].version {
		t.Errorf("schema_migrations: %d rows, version %d", n, v)
	}
}

// A schema newer than the code is refused, not used.
func TestPostgresRefusesANewerSchema(t *testing.T) {
	url := pgtest.URL(t)
	db := open(t, url)
	if _, err := db.pool.Exec(context.Background(), `INSERT INTO schema_migrations (version) VALUES (999)`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), url, nil); err == nil || !strings.Contains(err.Error(), "version 999") {
		t.Errorf("a newer schema: %v", err)
	}
}

// A server that is not there: the error names DATABASE_URL and never the
// password.
func TestPostgresDownNamesTheSetting(t *testing.T) {
	_, err := Open(context.Background(), "postgres://storybot:s3cret-pw@127.0.0.1:1/storybot?connect_timeout=2", nil)
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("PostgreSQL down: %v", err)
	}
	if _, err := Open(context.Background(), "mysql://x", nil); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("not a PostgreSQL URL: %v", err)
	}
}

// watchTwo runs watch for the processes a and b (named "a" and "b"), and
// returns once both listen (watch calls ready) the function that stops
// them and waits for both.
func watchTwo(a, b *DB, watch func(ctx context.Context, name string, db *DB, ready func())) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{}, 2)
	done := make(chan struct{}, 2)
	for name, db := range map[string]*DB{"a": a, "b": b} {
		go func() {
			defer func() { done <- struct{}{} }()
			watch(ctx, name, db, func() {
				select {
				case ready <- struct{}{}:
				default: // listening again
				}
			})
		}()
	}
	<-ready
	<-ready
	return func() { cancel(); <-done; <-done }
}

// A knowledge change announced by one process reaches the others, not
// itself.
func TestPostgresKnowledgeChangesReachOtherProcesses(t *testing.T) {
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url)
	ctx := context.Background()
	changes := make(chan string, 10)
	stop := watchTwo(a, b, func(ctx context.Context, name string, db *DB, ready func()) {
		db.WatchKnowledgeChanges(ctx, func() { changes <- name }, ready)
	})
	if err := a.AnnounceKnowledgeChange(ctx); err != nil {
		t.Fatal(err)
	}
	if got := <-changes; got != "b" {
		t.Errorf("%s heard a's change", got)
	}
	if err := b.AnnounceKnowledgeChange(ctx); err != nil {
		t.Fatal(err)
	}
	if got := <-changes; got != "a" {
		t.Errorf("%s heard b's change", got)
	}
	stop()
	select {
	case got := <-changes:
		t.Errorf("%s heard its own change", got)
	default:
	}
}

// The shared stores forget what is no longer needed: the answers beyond
// the newest kept, and the rate-limit rows of members idle for a window.
func TestPostgresStoresPruneOldRows(t *testing.T) {
	ctx := context.Background()
	db := open(t, pgtest.URL(t))
	a := db.Answers()
	a.keep, a.every = 3, 5
	for i := range 10 {
		if err := a.Save(ctx, fmt.Sprint("a", i), state.Answer{}); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM saved_answers`).Scan(&n); err != nil || n != 3 {
		t.Errorf("%d saved answers after 10 saves keeping 3: %v", n, err)
	}
	if _, ok, _ := a.Load(ctx, "a9"); !ok {
		t.Error("the newest answer was deleted")
	}
	r := db.Rates()
	r.every = 4
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for i, take := range []struct {
		key string
		at  time.Duration
	}{{"idle", 0}, {"idle", time.Second}, {"busy", 50 * time.Second}, {"busy", 70 * time.Second}} {
		if _, _, err := r.Take(ctx, take.key, 5, time.Minute, now.Add(take.at)); err != nil {
			t.Fatal(i, err)
		}
	}
	rows, _ := db.pool.Query(ctx, `SELECT key FROM rate_windows`)
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || !slices.Equal(keys, []string{"busy"}) {
		t.Errorf("rate-limit rows after pruning: %v %v; want only busy", keys, err)
	}
}

// A thread one process follows or leaves reaches the others, once, with
// the thread; not the process itself.
func TestPostgresThreadsFollowedReachOtherProcesses(t *testing.T) {
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url)
	ctx := context.Background()
	type change struct {
		who, id string
		t       state.Thread
		on      bool
	}
	changes := make(chan change, 10)
	stop := watchTwo(a, b, func(ctx context.Context, name string, db *DB, ready func()) {
		db.Threads().WatchThreads(ctx, func(id string, t state.Thread, on bool) { changes <- change{name, id, t, on} }, ready)
	})
	th := state.Thread{Parent: "c1", Question: strings.Repeat("why? ", 2000)} // longer than a notification may be
	if err := a.Threads().Follow(ctx, "t1", th); err != nil {
		t.Fatal(err)
	}
	if got := <-changes; got != (change{"b", "t1", th, true}) {
		t.Errorf("after a follows t1: %+v", got)
	}
	if err := b.Threads().Unfollow(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
	if got := <-changes; got != (change{"a", "t1", state.Thread{}, false}) {
		t.Errorf("after b leaves t1: %+v", got)
	}
	if err := b.Threads().Unfollow(ctx, "t1"); err != nil { // not followed: nothing to tell
		t.Fatal(err)
	}
	stop()
	select {
	case got := <-changes:
		t.Errorf("heard more: %+v", got)
	default:
	}
}
