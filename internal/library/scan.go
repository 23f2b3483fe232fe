package library

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"storybot/internal/knowledge"
)

// entry is one file of the knowledge folder that may become a document.
type entry struct {
	rel   string // slash-separated, relative to the root
	size  int64
	mtime int64 // UnixNano
}

// scanner lists the knowledge folder the way knowledge.Load does: hidden
// files and folders are ignored, symlinks are followed while they stay
// inside the folder, loops are reported, unsupported types are skipped.
type scanner struct {
	realRoot string
	exclude  string // real path of a folder not to index (the data folder, when it lies inside)
	opts     knowledge.Options
	visited  map[string]bool
	entries  []entry
	skipped  []knowledge.Skipped
	pending  []pendingFile // regular files whose size and time are read in parallel
}

type pendingFile struct {
	rel string
	de  fs.DirEntry
}

// scan lists root. Its error is non-nil only when ctx is done or root
// cannot be resolved.
func scan(ctx context.Context, root, exclude string, opts knowledge.Options, workers int) ([]entry, []knowledge.Skipped, error) {
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, nil, fmt.Errorf("knowledge folder %q: %w", root, err)
	}
	real, _ = filepath.Abs(real)
	s := &scanner{realRoot: real, opts: opts, visited: map[string]bool{real: true}}
	if exclude != "" {
		if ex, err := filepath.EvalSymlinks(exclude); err == nil {
			s.exclude, _ = filepath.Abs(ex)
			s.visited[s.exclude] = true // never walked
		}
	}
	s.walk(ctx, root, "")
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	// Reading the size and time of each file is one system call each (most
	// of an unchanged refresh is spent here); they run on workers goroutines.
	infos := make([]fs.FileInfo, len(s.pending))
	errs := make([]error, len(s.pending))
	parallelN(len(s.pending), workers, func(i int) {
		infos[i], errs[i] = s.pending[i].de.Info()
	})
	for i, p := range s.pending {
		switch {
		case errs[i] == nil:
			s.entries = append(s.entries, entry{rel: p.rel, size: infos[i].Size(), mtime: infos[i].ModTime().UnixNano()})
		case errors.Is(errs[i], fs.ErrNotExist): // removed since ReadDir: not there
		default:
			s.skip(p.rel, readReason(errs[i]))
		}
	}
	return s.entries, s.skipped, nil
}

// parallelN runs fn(0..n-1) on up to workers goroutines (at least one).
func parallelN(n, workers int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, max(1, workers)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

func (s *scanner) skip(rel, reason string) {
	s.skipped = append(s.skipped, knowledge.Skipped{Path: rel, Reason: reason})
}

func (s *scanner) walk(ctx context.Context, dir, rel string) {
	if ctx.Err() != nil {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		r := rel
		if r == "" {
			r = "."
		}
		s.skip(r, readReason(err))
		return
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(dir, name)
		r := name
		if rel != "" {
			r = rel + "/" + name
		}
		mode := e.Type()
		var info fs.FileInfo
		if mode&fs.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(p)
			if err != nil {
				s.skip(r, "broken symlink or symlink loop")
				continue
			}
			target, _ = filepath.Abs(target)
			if !inside(s.realRoot, target) {
				s.skip(r, "symlink leads outside the knowledge folder")
				continue
			}
			st, err := os.Stat(target)
			if err != nil {
				s.skip(r, readReason(err))
				continue
			}
			if st.IsDir() {
				if target == s.exclude {
					continue
				}
				if s.visited[target] {
					s.skip(r, "symlink loop")
					continue
				}
				s.visited[target] = true
				s.walk(ctx, p, r)
				continue
			}
			info, mode = st, st.Mode().Type()
		}
		if mode.IsDir() {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				real, _ = filepath.Abs(real)
				if s.visited[real] {
					continue
				}
				s.visited[real] = true
			}
			s.walk(ctx, p, r)
			continue
		}
		if !mode.IsRegular() {
			s.skip(r, "not a regular file")
			continue
		}
		if !s.opts.Supported(name) {
			s.skip(r, fmt.Sprintf("unsupported file type %q", lowerExt(name)))
			continue
		}
		if info == nil {
			s.pending = append(s.pending, pendingFile{rel: r, de: e})
			continue
		}
		s.entries = append(s.entries, entry{rel: r, size: info.Size(), mtime: info.ModTime().UnixNano()})
	}
}

func readReason(err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return "unreadable: permission denied"
	}
	return "unreadable: " + err.Error()
}

func inside(root, p string) bool {
	if p == root {
		return true
	}
	return strings.HasPrefix(p, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator))
}
