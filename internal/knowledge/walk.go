package knowledge

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// File is one file that Walk found to read.
type File struct {
	Path    string // relative to the root, slash-separated
	Size    int64  // bytes
	ModTime int64  // modification time, Unix nanoseconds
}

// Walk lists the files under root that Load reads, with their size and
// modification time, and the files it skips, each with its reason (in no
// particular order). Hidden files and folders (".git") are ignored; symlinks
// are followed while they stay inside root (one that leads out of it, a
// broken one or a loop is skipped; a symlinked folder is walked after the
// real ones, so a file reached both ways is listed under its real path); files that are not regular or of an
// unsupported type (opts.Supported) are skipped; a file removed during the
// walk is simply not there. exclude, when not "", is a folder that is not
// walked (the data folder, when it lies inside root). Each entry costs one
// stat relative to its open folder, which is most of what a refresh of an
// unchanged folder does. The error is non-nil only when root cannot be
// resolved or ctx is done.
func Walk(ctx context.Context, root string, opts Options, exclude string) ([]File, []Skipped, error) {
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, nil, fmt.Errorf("knowledge folder %q: %w", root, err)
	}
	real, _ = filepath.Abs(real)
	w := &walker{realRoot: real, opts: opts, visited: map[string]bool{real: true}}
	if exclude != "" {
		if ex, err := filepath.EvalSymlinks(exclude); err == nil {
			w.exclude, _ = filepath.Abs(ex)
			w.visited[w.exclude] = true // never walked
		}
	}
	w.walk(ctx, root, real, "")
	// Symlinked folders are walked after every real folder, so that a
	// document reached both ways keeps its real path ("reports/x.md", not
	// "archive/x.md" through a link archive -> reports that sorts first).
	for len(w.links) > 0 && ctx.Err() == nil {
		l := w.links[0]
		w.links = w.links[1:]
		if w.visited[l.real] {
			w.skip(l.rel, "symlink loop")
			continue
		}
		w.visited[l.real] = true
		w.walk(ctx, l.dir, l.real, l.rel)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return w.files, w.skipped, nil
}

type walker struct {
	realRoot string
	exclude  string // real path of a folder not to walk
	opts     Options
	visited  map[string]bool // real paths of folders already walked (symlink loops)
	files    []File
	skipped  []Skipped
	links    []dirLink // symlinked folders still to walk
}

// dirLink is a symlink to a folder: its path on disk, the real path of its
// target and its path relative to root.
type dirLink struct {
	dir, real, rel string
}

func (w *walker) skip(rel, reason string) {
	w.skipped = append(w.skipped, Skipped{Path: rel, Reason: reason})
}

// walk lists dir (a path on disk, whose real path is real) whose path
// relative to root is rel.
func (w *walker) walk(ctx context.Context, dir, real, rel string) {
	if ctx.Err() != nil {
		return
	}
	d, err := openDir(dir)
	if err != nil {
		w.skip(relOrDot(rel), reason(err))
		return
	}
	defer d.close()
	names, err := d.names()
	if err != nil {
		w.skip(relOrDot(rel), reason(err))
		return
	}
	slices.Sort(names)
	for _, name := range names {
		if strings.HasPrefix(name, ".") {
			continue
		}
		r := pathJoin(rel, name)
		st, err := d.lstat(name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue // removed since the folder was listed
		case err != nil:
			w.skip(r, reason(&fs.PathError{Op: "lstat", Path: r, Err: err}))
			continue
		}
		if st.mode&fs.ModeSymlink != 0 {
			p := filepath.Join(dir, name)
			target, err := filepath.EvalSymlinks(p)
			if err != nil {
				w.skip(r, "broken symlink or symlink loop")
				continue
			}
			target, _ = filepath.Abs(target)
			if !inside(w.realRoot, target) {
				w.skip(r, "symlink leads outside the knowledge folder")
				continue
			}
			info, err := os.Stat(target)
			if err != nil {
				w.skip(r, reason(err))
				continue
			}
			if info.IsDir() {
				if target == w.exclude {
					continue
				}
				if w.visited[target] {
					w.skip(r, "symlink loop")
					continue
				}
				w.links = append(w.links, dirLink{dir: p, real: target, rel: r})
				continue
			}
			st = stat{mode: info.Mode().Type(), size: info.Size(), mtime: info.ModTime().UnixNano()}
		}
		switch {
		case st.mode.IsDir():
			sub := filepath.Join(real, name)
			if w.visited[sub] {
				continue
			}
			w.visited[sub] = true
			w.walk(ctx, filepath.Join(dir, name), sub, r)
		case !st.mode.IsRegular():
			w.skip(r, "not a regular file")
		case !w.opts.Supported(name):
			w.skip(r, fmt.Sprintf("unsupported file type %q", strings.ToLower(filepath.Ext(name))))
		default:
			w.files = append(w.files, File{Path: r, Size: st.size, ModTime: st.mtime})
		}
	}
}

// stat is what walk needs to know of a folder entry.
type stat struct {
	mode  fs.FileMode // type bits only
	size  int64
	mtime int64 // Unix nanoseconds
}

// dirHandle is an open folder; entryStat (one per platform) stats its
// entries.
type dirHandle struct {
	f *os.File
	entryStat
}

func openDir(path string) (*dirHandle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &dirHandle{f: f, entryStat: newEntryStat(f, path)}, nil
}

func (d *dirHandle) names() ([]string, error) { return d.f.Readdirnames(-1) }

func (d *dirHandle) close() { d.f.Close() }
