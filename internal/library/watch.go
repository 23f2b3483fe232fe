package library

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch re-indexes the knowledge folder when it changes: it watches the
// folder and its subfolders (new subfolders included), waits until events
// stop for Options.Debounce (at most ten times that while they go on), then
// calls Refresh and logs the report. Changes
// to hidden files (".name", temporary uploads) are ignored. It returns nil
// when ctx is done, and an error when the watcher cannot start.
func (l *Library) Watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", l.opts.Root, err)
	}
	defer w.Close()
	// A knowledge folder that is a symlink (to a volume, a release folder)
	// is watched through its target: filepath.WalkDir does not follow a
	// symlinked root and would watch nothing. Symlinked subfolders need no
	// watch of their own: knowledge.Walk follows only those that lead inside
	// the folder, whose real folders are watched (unless hidden).
	root := l.opts.Root
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	if err := l.addTree(w, root); err != nil {
		return fmt.Errorf("watch %s: %w", l.opts.Root, err)
	}
	l.log.Info("watching the knowledge folder", "dir", l.opts.Root, "debounce", l.opts.Debounce)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	pending := false
	// A file written without pause (a sync client, a log) must not put
	// the refresh off for ever: it runs at the latest maxWait after the
	// first change it has not seen.
	maxWait := 10 * l.opts.Debounce
	var since time.Time // the first change not refreshed yet
	changed := func() {
		if !pending {
			pending, since = true, time.Now()
		}
		timer.Reset(max(0, min(l.opts.Debounce, maxWait-time.Since(since))))
	}
	warned := map[SkipReport]bool{} // skipped files already logged
	for _, s := range l.LastReport().Skipped {
		warned[s] = true
	}
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if strings.HasPrefix(filepath.Base(ev.Name), ".") || ev.Op == fsnotify.Chmod {
				continue
			}
			if ev.Op.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					if err := l.addTree(w, ev.Name); err != nil {
						l.log.Warn("cannot watch a new folder", "dir", ev.Name, "err", err)
					}
				}
			}
			l.log.Debug("knowledge folder changed", "file", ev.Name, "op", ev.Op.String())
			changed()
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			l.log.Warn("watching the knowledge folder", "err", err)
			// Events may have been lost (queue overflow): refresh to be sure.
			changed()
		case <-timer.C:
			if !pending {
				continue
			}
			pending = false
			rep, err := l.Refresh(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				l.log.Error("refresh failed; the previous index stays in use", "err", err)
				continue
			}
			l.logReport(rep, warned)
		}
	}
}

// addTree watches dir and every folder below it, except hidden ones.
func (l *Library) addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if err := w.Add(p); err != nil {
			if p == dir {
				return err
			}
			if !errors.Is(err, fs.ErrNotExist) {
				l.log.Warn("cannot watch a folder", "dir", p, "err", err)
			}
		}
		return nil
	})
}

// LogReport logs a refresh report: one info line, and one warning line for
// each skipped file.
func (l *Library) LogReport(r Report) { l.logReport(r, nil) }

// logReport logs r; with warned, a skipped file is logged only the first
// time it is seen with that reason (warned is updated).
func (l *Library) logReport(r Report, warned map[SkipReport]bool) {
	l.log.Info("knowledge refreshed", "added", len(r.Added), "changed", len(r.Changed), "removed", len(r.Removed),
		"skipped", len(r.Skipped), "passages_before", r.Passages.Before, "passages_after", r.Passages.After, "ms", r.MS, "version", r.Version)
	now := map[SkipReport]bool{}
	for _, s := range r.Skipped {
		now[s] = true
		if warned != nil && warned[s] {
			continue
		}
		l.log.Warn("skipped a knowledge file", "file", s.Path, "reason", s.Reason)
	}
	if warned != nil {
		clear(warned)
		for s := range now {
			warned[s] = true
		}
	}
}
