package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"storybot/internal/answer"
)

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// storedAnswer is an answer kept for its buttons.
type storedAnswer struct {
	answer.Answer
	UserID, GuildID, ChannelID string
}

// answerStore keeps the most recent answers, for "Show sources" and the
// feedback buttons. It is safe for concurrent use.
type answerStore struct {
	mu    sync.Mutex
	max   int
	order []string
	m     map[string]storedAnswer
}

func newAnswerStore(max int) *answerStore {
	return &answerStore{max: max, m: map[string]storedAnswer{}}
}

func (s *answerStore) put(a storedAnswer) string {
	id := newID()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[id] = a
	s.order = append(s.order, id)
	for len(s.order) > s.max {
		delete(s.m, s.order[0])
		s.order = s.order[1:]
	}
	return id
}

func (s *answerStore) get(id string) (storedAnswer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.m[id]
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

// followedThread is a thread the bot answers in without a mention.
type followedThread struct {
	Parent   string `json:"parent"`             // the channel the thread is in
	Question string `json:"question,omitempty"` // the question that opened it
}

// followed is the set of threads the bot follows, saved as JSON in the data
// folder so a restart remembers them. It is safe for concurrent use.
type followed struct {
	path string // "" keeps the set in memory only
	mu   sync.Mutex
	m    map[string]followedThread
}

// followFile is the name of the followed-threads file in DATA_DIR.
const followFile = "discord-threads.json"

func loadFollowed(dataDir string) (*followed, error) {
	f := &followed{m: map[string]followedThread{}}
	if dataDir == "" {
		return f, nil
	}
	f.path = filepath.Join(dataDir, followFile)
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("bot: read followed threads: %w", err)
	}
	if err := json.Unmarshal(data, &f.m); err != nil {
		return nil, fmt.Errorf("bot: %s is not a followed-threads file (%v): fix or delete it", f.path, err)
	}
	if f.m == nil {
		f.m = map[string]followedThread{}
	}
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
	defer f.mu.Unlock()
	f.m[id] = t
	return f.saveLocked()
}

func (f *followed) remove(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.m[id]; !ok {
		return false
	}
	delete(f.m, id)
	_ = f.saveLocked()
	return true
}

func (f *followed) saveLocked() error {
	if f.path == "" {
		return nil
	}
	data, err := json.MarshalIndent(f.m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
		return fmt.Errorf("bot: save followed threads: %w", err)
	}
	tmp := f.path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("bot: save followed threads: %w", err)
	}
	if err := os.Rename(tmp, f.path); err != nil {
		return fmt.Errorf("bot: save followed threads: %w", err)
	}
	return nil
}
