package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"storybot/internal/state"
	"sync"
	"sync/atomic"
	"time"
)

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// storedAnswer is an answer kept for its buttons.
type storedAnswer = state.Answer

// followedThread is a thread the bot answers in without a mention.
type followedThread = state.Thread

// Saving to a shared store (PostgreSQL) is tried persistTries times, each
// within persistTimeout, with growing pauses from persistPause; then a
// warning is logged and the bot goes on.
const (
	persistTries   = 3
	persistTimeout = 2 * time.Second
	persistPause   = 200 * time.Millisecond
	// voteTimeout bounds a vote's first try, made before the reply (which
	// Discord wants within 3 s); the retries go on in the background.
	voteTimeout = time.Second
	// rateTimeout bounds a shared rate-limit check, made after the
	// interaction is acknowledged and before the work; past it the
	// question goes through.
	rateTimeout = 500 * time.Millisecond
)

// persister runs saves to a shared store in the background, retrying, so
// that answers go on while the store is unreachable. Safe for concurrent
// use.
type persister struct {
	log *slog.Logger
	wg  sync.WaitGroup
}

// save runs fn (what names it in the log) in the background until it
// succeeds or has been tried persistTries times.
func (p *persister) save(what string, fn func(ctx context.Context) error) {
	p.wg.Go(func() {
		p.try(what, fn)
	})
}

// try runs fn until it succeeds or has been tried persistTries times, and
// reports whether it succeeded.
func (p *persister) try(what string, fn func(ctx context.Context) error) bool {
	pause := persistPause
	var err error
	for i := range persistTries {
		if i > 0 {
			time.Sleep(pause)
			pause *= 2
		}
		ctx, cancel := context.WithTimeout(context.Background(), persistTimeout)
		err = fn(ctx)
		cancel()
		if err == nil {
			return true
		}
	}
	p.log.Warn("could not save to the shared store; going on without it", "what", what, "tries", persistTries, "err", err)
	return false
}

// wait waits up to d for the saves in flight.
func (p *persister) wait(d time.Duration) {
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		p.log.Warn("saves to the shared store still in flight at shutdown")
	}
}

// answerStore keeps the most recent answers, for "Show sources" and the
// feedback buttons: local in memory (and, without a shared store, in
// DATA_DIR), and with a shared store also there (saved in the background
// with retries), where the other shards and a restarted process find them.
// Safe for concurrent use.
type answerStore struct {
	local  *state.AnswerFile
	shared state.AnswerStore // nil: local only
	p      *persister
	log    *slog.Logger
}

func newAnswerStore(max int, dataDir string, shared state.AnswerStore, p *persister, log *slog.Logger) *answerStore {
	if shared != nil {
		dataDir = "" // the shared store keeps them; memory is a cache
	}
	return &answerStore{local: state.OpenAnswerFile(max, dataDir, log), shared: shared, p: p, log: log}
}

func (s *answerStore) put(a storedAnswer) string {
	id := newID()
	_ = s.local.Save(context.Background(), id, a) // never fails
	if s.shared != nil {
		s.p.save("answer", func(ctx context.Context) error { return s.shared.Save(ctx, id, a) })
	}
	return id
}

func (s *answerStore) get(ctx context.Context, id string) (storedAnswer, bool) {
	if a, ok, _ := s.local.Load(ctx, id); ok || s.shared == nil {
		return a, ok
	}
	ctx, cancel := context.WithTimeout(ctx, persistTimeout)
	defer cancel()
	a, ok, err := s.shared.Load(ctx, id)
	if err != nil {
		s.log.Warn("could not read a saved answer from the shared store", "answer", id, "err", err)
	}
	return a, ok
}

// jobs are the questions being answered, so their asker can cancel them. It
// is safe for concurrent use.
type jobs struct {
	mu sync.Mutex
	m  map[string]*job
}

type job struct {
	user      string
	cancel    context.CancelFunc
	cancelled *atomic.Bool
}

var (
	errNotOwner = errors.New("not the asker")
	errNoJob    = errors.New("no such job")
)

func newJobs() *jobs { return &jobs{m: map[string]*job{}} }

func (j *jobs) start(user string, cancel context.CancelFunc) (string, *atomic.Bool) {
	id := newID()
	c := new(atomic.Bool)
	j.mu.Lock()
	j.m[id] = &job{user: user, cancel: cancel, cancelled: c}
	j.mu.Unlock()
	return id, c
}

func (j *jobs) finish(id string) {
	j.mu.Lock()
	delete(j.m, id)
	j.mu.Unlock()
}

func (j *jobs) count() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.m)
}

func (j *jobs) cancel(id, user string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	jb, ok := j.m[id]
	if !ok {
		return errNoJob
	}
	if jb.user != user {
		return errNotOwner
	}
	jb.cancelled.Store(true)
	jb.cancel()
	return nil
}

// followed is the set of threads the bot follows, in memory, read from its
// store at start and written through to it (a shared store in the
// background, with retries); a shared store that tells of the threads the
// other processes follow and leave (state.ThreadWatcher) keeps it up to
// date with them (watch). Safe for concurrent use.
type followed struct {
	store  state.ThreadStore
	shared bool
	p      *persister
	log    *slog.Logger
	mu     sync.Mutex
	m      map[string]followedThread
}

// loadFollowed reads the followed threads from store; nil store: the file
// in dataDir.
func loadFollowed(ctx context.Context, dataDir string, store state.ThreadStore, p *persister, log *slog.Logger) (*followed, error) {
	f := &followed{store: store, shared: store != nil, p: p, log: log}
	if store == nil {
		fs, err := state.OpenThreadFile(dataDir)
		if err != nil {
			return nil, fmt.Errorf("bot: %w", err)
		}
		f.store = fs
	}
	m, err := f.store.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	f.m = m
	return f, nil
}

func (f *followed) get(id string) (followedThread, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.m[id]
	return t, ok
}

func (f *followed) parent(id string) string {
	t, _ := f.get(id)
	return t.Parent
}

func (f *followed) add(id string, t followedThread) error {
	f.mu.Lock()
	f.m[id] = t
	f.mu.Unlock()
	if f.shared {
		f.p.save("followed thread", func(ctx context.Context) error { return f.store.Follow(ctx, id, t) })
		return nil
	}
	return f.store.Follow(context.Background(), id, t)
}

func (f *followed) remove(id string) bool {
	f.mu.Lock()
	_, ok := f.m[id]
	delete(f.m, id)
	f.mu.Unlock()
	if !ok {
		return false
	}
	if f.shared {
		f.p.save("unfollowed thread", func(ctx context.Context) error { return f.store.Unfollow(ctx, id) })
	} else if err := f.store.Unfollow(context.Background(), id); err != nil {
		f.log.Warn("saving followed threads failed", "err", err)
	}
	return true
}

// watch keeps f up to date with the threads other processes follow and
// leave, until ctx ends, when its store tells of them. Each time it starts
// listening it re-reads the store and adds what it missed (it removes
// nothing then: a thread left meanwhile is only followed until a message
// in it finds it gone).
func (f *followed) watch(ctx context.Context) {
	w, ok := f.store.(state.ThreadWatcher)
	if !ok {
		return
	}
	w.WatchThreads(ctx, func(id string, t followedThread, on bool) {
		f.mu.Lock()
		if on {
			f.m[id] = t
		} else {
			delete(f.m, id)
		}
		f.mu.Unlock()
		if on {
			f.log.Info("following a thread another process started", "thread", id)
		} else {
			f.log.Info("stopped following a thread another process left", "thread", id)
		}
	}, func() {
		rctx, cancel := context.WithTimeout(ctx, persistTimeout)
		defer cancel()
		all, err := f.store.All(rctx)
		if err != nil {
			f.log.Warn("re-reading the followed threads failed", "err", err)
			return
		}
		f.mu.Lock()
		for id, t := range all {
			f.m[id] = t
		}
		f.mu.Unlock()
	})
}
