package library

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"storybot/internal/waitfor"
	"strings"
	"testing"
	"time"
)

// waitFor polls cond until it holds or the test's deadline nears; it makes
// no claim about how fast the watcher is.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitfor.Until(t, what, 30*time.Second, cond)
}

func TestWatchReindexesChanges(t *testing.T) {
	f, l := oneStory(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Watch(ctx) }()
	waitFor(t, "the watcher to start", func() bool { return strings.Contains(f.logs.String(), "watching the knowledge folder") })

	f.write("b.md", storyB)
	waitFor(t, "b.md to be indexed", func() bool { return l.Current().Doc("b.md") != nil })

	// A new subfolder is watched too (recursive), including files created in it later.
	os.MkdirAll(filepath.Join(f.root, "follow-ups"), 0o755)
	time.Sleep(50 * time.Millisecond) // let the watcher add the folder before the file appears
	f.write("follow-ups/c.md", storyC)
	waitFor(t, "follow-ups/c.md to be indexed", func() bool { return l.Current().Doc("follow-ups/c.md") != nil })
	f.write("follow-ups/d.md", "# D\n\nA later follow-up.\n")
	waitFor(t, "follow-ups/d.md to be indexed", func() bool { return l.Current().Doc("follow-ups/d.md") != nil })

	os.Remove(filepath.Join(f.root, "a.md"))
	waitFor(t, "a.md to be dropped", func() bool { return l.Current().Doc("a.md") == nil })
	if !strings.Contains(f.logs.String(), "knowledge refreshed") {
		t.Error("refresh report not logged")
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Watch returned %v", err)
	}
}

func TestWatchDebouncesBursts(t *testing.T) {
	f := newFixture(t)
	l := f.open()
	opts := l.opts
	opts.Debounce = 300 * time.Millisecond
	l.opts = opts
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go l.Watch(ctx)
	waitFor(t, "the watcher to start", func() bool { return strings.Contains(f.logs.String(), "watching the knowledge folder") })
	for i := range 20 {
		f.write("burst.md", "# Burst\n\n"+strings.Repeat("Line about the attack. ", i+1)+"\n")
	}
	waitFor(t, "burst.md to be indexed", func() bool { return l.Current().Doc("burst.md") != nil })
	time.Sleep(400 * time.Millisecond)
	if n := strings.Count(f.logs.String(), "knowledge refreshed"); n >= 20 {
		t.Errorf("%d refreshes for one burst of 20 writes", n)
	}
}

// TestWatchSymlinkedRoot: a knowledge folder that is itself a symlink (to a
// mounted volume, or a release folder) is watched like any other: files
// created in it and in its subfolders are indexed.
func TestWatchSymlinkedRoot(t *testing.T) {
	f := newFixture(t)
	real := f.root + "-real"
	if err := os.Rename(f.root, real); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, f.root); err != nil {
		t.Skipf("symlinks not available: %v", err)
	}
	f.write("a.md", storyA)
	os.MkdirAll(filepath.Join(real, "follow-ups"), 0o755)
	l := f.open()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go l.Watch(ctx)
	waitFor(t, "the watcher to start", func() bool { return strings.Contains(f.logs.String(), "watching the knowledge folder") })

	f.write("b.md", storyB)
	waitFor(t, "b.md to be indexed", func() bool { return l.Current().Doc("b.md") != nil })
	f.write("follow-ups/c.md", storyC)
	waitFor(t, "follow-ups/c.md to be indexed", func() bool { return l.Current().Doc("follow-ups/c.md") != nil })
}

// TestWatchRefreshesDuringNonstopWrites: a file rewritten without pause
// (shorter gaps than the debounce) does not hold back the refresh for
// ever: a document added meanwhile is indexed while the writes go on.
func TestWatchRefreshesDuringNonstopWrites(t *testing.T) {
	f := newFixture(t)
	l := f.open()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go l.Watch(ctx)
	waitFor(t, "the watcher to start", func() bool { return strings.Contains(f.logs.String(), "watching the knowledge folder") })
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			os.WriteFile(filepath.Join(f.root, "busy.md"), []byte(fmt.Sprintf("# Busy\n\nWrite %d.\n", i)), 0o644)
		}
	}()
	f.write("b.md", storyB)
	waitFor(t, "b.md to be indexed while busy.md is rewritten", func() bool { return l.Current().Doc("b.md") != nil })
	close(stop)
	<-done
}
