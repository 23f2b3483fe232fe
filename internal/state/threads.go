package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sync"
)

// Thread is a thread the bot answers in without a mention.
type Thread struct {
	Parent   string `json:"parent"`             // the channel the thread is in
	Question string `json:"question,omitempty"` // the question that opened it
}

// ThreadStore keeps the threads the bot follows, by thread ID.
// Implementations are safe for concurrent use.
type ThreadStore interface {
	// All returns every followed thread.
	All(ctx context.Context) (map[string]Thread, error)
	// Follow adds (or replaces) a thread.
	Follow(ctx context.Context, id string, t Thread) error
	// Unfollow removes a thread; removing one not followed is no error.
	Unfollow(ctx context.Context, id string) error
}

// ThreadWatcher is a ThreadStore shared by several processes that tells
// each of the threads the others follow and leave.
type ThreadWatcher interface {
	ThreadStore
	// WatchThreads calls changed (one call at a time) for each thread
	// another process follows (followed true, with the thread) or stops
	// following, until ctx ends; resync is called each time it starts
	// listening, the first time and after a lost connection, when changes
	// may have been missed (re-read All).
	WatchThreads(ctx context.Context, changed func(id string, t Thread, followed bool), resync func())
}

// ThreadsFile is the name of the followed-threads file in DATA_DIR.
const ThreadsFile = "discord-threads.json"

// ThreadFile keeps the followed threads as one JSON object in DATA_DIR,
// rewritten atomically on each change. Safe for concurrent use within one
// process.
type ThreadFile struct {
	path string // "" keeps the set in memory only
	mu   sync.Mutex
	m    map[string]Thread
}

var _ ThreadStore = (*ThreadFile)(nil)

// OpenThreadFile reads the followed threads saved in dataDir ("" keeps
// them in memory only). A file that is not a followed-threads file is an
// error saying to fix or delete it.
func OpenThreadFile(dataDir string) (*ThreadFile, error) {
	f := &ThreadFile{m: map[string]Thread{}}
	if dataDir == "" {
		return f, nil
	}
	f.path = filepath.Join(dataDir, ThreadsFile)
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read followed threads: %w", err)
	}
	if err := json.Unmarshal(data, &f.m); err != nil {
		return nil, fmt.Errorf("%s is not a followed-threads file (%v): fix or delete it", f.path, err)
	}
	if f.m == nil {
		f.m = map[string]Thread{}
	}
	return f, nil
}

// All returns a copy of the followed threads.
func (f *ThreadFile) All(context.Context) (map[string]Thread, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.m), nil
}

// Follow adds a thread and saves the file.
func (f *ThreadFile) Follow(_ context.Context, id string, t Thread) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[id] = t
	return f.saveLocked()
}

// Unfollow removes a thread and saves the file.
func (f *ThreadFile) Unfollow(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.m[id]; !ok {
		return nil
	}
	delete(f.m, id)
	return f.saveLocked()
}

func (f *ThreadFile) saveLocked() error {
	if f.path == "" {
		return nil
	}
	data, err := json.MarshalIndent(f.m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
		return fmt.Errorf("save followed threads: %w", err)
	}
	tmp := f.path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("save followed threads: %w", err)
	}
	if err := os.Rename(tmp, f.path); err != nil {
		return fmt.Errorf("save followed threads: %w", err)
	}
	return nil
}
