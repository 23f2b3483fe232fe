package library

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"

	"storybot/internal/knowledge"
)

// walked is the result of knowledge.Walk.
type walked struct {
	files   []knowledge.File
	skipped []knowledge.Skipped
	err     error
}

// result is what became of one file that Walk found.
type result struct {
	doc  *knowledge.Document // nil when skipped or gone
	skip string              // reason, when skipped
	st   fileState
	keep bool // remember st (false: try again next time)
}

// refresh brings the snapshot up to date with the folder; the caller holds
// refMu. It returns the report, a function that saves the new state (nil
// when there is nothing to save) and an error that leaves the current
// snapshot in place. mustSave forces a save (no usable saved index);
// workers caps the goroutines it uses; pre, when not nil, is the walk of
// the folder that Open made while it loaded the saved index.
func (l *Library) refresh(ctx context.Context, mustSave bool, workers int, pre *walked) (Report, func(), error) {
	start := time.Now()
	prev := l.cur.Load()
	root := l.opts.Root
	if err := knowledge.CheckRoot(root); err != nil {
		return emptyReport(), nil, err
	}
	if pre == nil {
		var w walked
		w.files, w.skipped, w.err = knowledge.Walk(ctx, root, l.opts.Knowledge, l.opts.DataDir)
		pre = &w
	}
	entries, walkSkips, err := pre.files, pre.skipped, pre.err
	if err != nil {
		return emptyReport(), nil, err
	}
	prevDocs := make(map[string]*knowledge.Document, len(prev.Docs))
	for _, d := range prev.Docs {
		prevDocs[d.Path] = d
	}

	results := make([]result, len(entries))
	if err := parallel(ctx, workers, len(entries), func(i int) error {
		results[i] = l.examine(ctx, entries[i], prevDocs)
		return ctx.Err()
	}); err != nil {
		return emptyReport(), nil, fmt.Errorf("refresh %s: %w", root, err)
	}

	rep := emptyReport()
	files := make(map[string]fileState, len(entries))
	docs := make([]*knowledge.Document, 0, len(entries))
	var skipped []knowledge.Skipped
	skipped = append(skipped, walkSkips...)
	for i, r := range results {
		rel := entries[i].Path
		if r.keep {
			files[rel] = r.st
		}
		switch {
		case r.doc != nil:
			docs = append(docs, r.doc)
			if p, ok := prevDocs[rel]; !ok {
				rep.Added = append(rep.Added, rel)
			} else if p != r.doc {
				rep.Changed = append(rep.Changed, rel)
			}
		case r.skip != "":
			skipped = append(skipped, knowledge.Skipped{Path: rel, Reason: r.skip})
		}
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].Path < docs[j].Path })
	sort.Slice(skipped, func(i, j int) bool { return skipped[i].Path < skipped[j].Path })
	for _, d := range prev.Docs {
		if i, ok := slices.BinarySearchFunc(docs, d.Path, func(d *knowledge.Document, p string) int { return cmp.Compare(d.Path, p) }); !ok || docs[i].Path != d.Path {
			rep.Removed = append(rep.Removed, d.Path)
		}
	}
	sort.Strings(rep.Added)
	sort.Strings(rep.Changed)
	sort.Strings(rep.Removed)
	for _, s := range skipped {
		rep.Skipped = append(rep.Skipped, SkipReport{Path: s.Path, Reason: s.Reason})
	}

	snap := prev
	if rep.Any() || len(prev.segs) == 0 {
		n := chooseSegments(len(prev.segs), idealSegments(docs))
		changed := slices.Concat(rep.Added, rep.Changed, rep.Removed)
		sopts := l.searchOpts
		sopts.Workers = workers
		segs, built, err := buildSegments(ctx, docs, n, prev.segs, changed, sopts)
		if err != nil && l.searchOpts.Embedder != nil && ctx.Err() == nil {
			// The embeddings endpoint failed: answer from the lexical index
			// rather than not at all; every segment is rebuilt without dense
			// vectors so that scores stay comparable.
			l.log.Warn("dense retrieval is off until restart: computing embeddings failed", "err", err)
			l.searchOpts.Embedder = nil
			sopts.Embedder = nil
			segs, built, err = buildSegments(ctx, docs, n, nil, nil, sopts)
		}
		if err != nil {
			return emptyReport(), nil, fmt.Errorf("refresh %s: build index: %w", root, err)
		}
		l.log.Debug("index segments built", "segments", n, "built", built)
		snap = &Snapshot{Version: versionOf(docs), Docs: docs, Skipped: skipped, Built: l.opts.now(), segs: segs}
		if n == 1 {
			snap.Index = segs[0]
		}
	} else if !slices.Equal(prev.Skipped, skipped) {
		cp := *prev
		cp.Skipped = skipped
		snap = &cp
	}
	if snap != prev {
		l.cur.Store(snap)
	}
	dirty := mustSave || snap.Version != prev.Version || !maps.Equal(files, l.files)
	l.files = files
	rep.Passages = Counts{Before: prev.Passages(), After: snap.Passages()}
	rep.MS = time.Since(start).Milliseconds()
	rep.Version = snap.Version
	var save func()
	if dirty && l.opts.DataDir != "" {
		save = func() { l.save(snap, files) }
	}
	return rep, save, nil
}

// examine decides whether one file is unchanged (reuse its document or its
// skip reason) or must be parsed again.
func (l *Library) examine(ctx context.Context, e knowledge.File, prevDocs map[string]*knowledge.Document) result {
	if st, ok := l.files[e.Path]; ok && st.Size == e.Size && st.ModTime == e.ModTime {
		if st.Reason != "" {
			return result{skip: st.Reason, st: st, keep: true}
		}
		if d := prevDocs[e.Path]; d != nil && d.Hash == st.Hash {
			return result{doc: d, st: st, keep: true}
		}
	}
	d, err := l.opts.parseFile(ctx, l.opts.Root, e.Path, l.opts.Knowledge)
	var se *knowledge.SkipError
	switch {
	case err == nil:
		st := fileState{Size: d.Size, ModTime: d.ModTime.UnixNano(), Hash: d.Hash}
		if p := prevDocs[e.Path]; p != nil && p.Hash == d.Hash {
			d = p // unchanged content (touched): keep the indexed document
		}
		return result{doc: d, st: st, keep: true}
	case ctx.Err() != nil:
		return result{}
	case errors.As(err, &se):
		return result{skip: se.Reason, st: fileState{Size: e.Size, ModTime: e.ModTime, Reason: se.Reason}, keep: true}
	case errors.Is(err, fs.ErrNotExist):
		return result{} // removed during the refresh: it is simply not there
	default:
		// Unreadable now (permission denied, I/O error): not remembered, so
		// it is tried again on the next refresh.
		return result{skip: readReason(err)}
	}
}

// parallel runs fn(0..n-1), at most workers at once, and returns the
// first error, handing out no more work after it (or after ctx ends: then
// ctx's error). With one worker (or one item) everything runs on the
// caller's goroutine, so on the caller's thread (see lowerPriority).
func parallel(ctx context.Context, workers, n int, fn func(i int) error) error {
	if min(n, workers) <= 1 {
		for i := range n {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := 0; i < n && gctx.Err() == nil; i++ {
		g.Go(func() error { return fn(i) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

func readReason(err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return "unreadable: permission denied"
	}
	return "unreadable: " + err.Error()
}
