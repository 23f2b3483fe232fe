// Command speed measures storybot's retrieval engine and bleve v2 side by
// side on a generated corpus: build time, query latency p50/p99, storybot's
// memory relative to the text size, and the time to load a saved index.
//
//	cd bench && go run ./cmd/speed --passages 100000
//
// The corpus is generated once from the shared documents with a fixed seed
// and kept under testdata/generated/ (git-ignored). Storybot runs first, so
// its memory figures are not mixed with bleve's.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"storybot/bench"
	"storybot/bench/bleveidx"
	"storybot/bench/corpus"
	"storybot/internal/eval"
	"storybot/internal/knowledge"
	"storybot/internal/library"
	"storybot/internal/search"
)

func main() {
	bench.Main("speed", func(ctx context.Context, args []string, stdout io.Writer) error {
		return run(ctx, args, stdout, os.Stderr)
	})
}

type config struct {
	cache, tmp                string
	passages, queries, k      int
	seed                      uint64
	engines                   string
	buildProfile, qryProfile  string
	reloadProfile, memProfile string
	restart                   bool
}

// result is one engine's row.
type result struct {
	engine         string
	build          time.Duration
	p50, p99, mean time.Duration
	mem            bench.Mem
	indexBytes     int64
	save, reload   time.Duration
	reloadErr      error // the reloaded index failed or answered differently
	memAdded       bool  // mem is what this engine added to the process
}

// sameAnswers checks that ix answers the first len(want) queries with the
// same passages; a panic inside the engine is reported as an error.
func sameAnswers(ctx context.Context, ix bench.Index, queries []string, want [][]*knowledge.Passage, k int) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	for i, w := range want {
		got, err := ix.Search(ctx, queries[i], k)
		if err != nil {
			return fmt.Errorf("query %q: %w", queries[i], err)
		}
		if !slices.Equal(got, w) {
			return fmt.Errorf("query %q: other passages than before the save", queries[i])
		}
	}
	return nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	fs, shared := bench.Flags("speed", "eval/ and seed/")
	fs.SetOutput(stderr)
	fs.StringVar(&c.cache, "cache", "testdata/generated", "where generated corpora are kept")
	fs.StringVar(&c.tmp, "tmp", "", "where indexes are written (default: the system temp folder)")
	fs.IntVar(&c.passages, "passages", 100000, "paragraphs in the generated corpus (~1,000 characters each)")
	fs.IntVar(&c.queries, "queries", 2000, "timed queries per engine (the eval questions, cycled)")
	fs.IntVar(&c.k, "k", 10, "passages per query")
	fs.Uint64Var(&c.seed, "seed", 1, "PCG seed of the corpus generator")
	fs.StringVar(&c.engines, "engines", "storybot,bleve", "engines to run, comma-separated")
	fs.StringVar(&c.buildProfile, "cpuprofile-build", "", "write a CPU profile of storybot's build to this file")
	fs.StringVar(&c.qryProfile, "cpuprofile-query", "", "write a CPU profile of storybot's queries to this file")
	fs.StringVar(&c.reloadProfile, "cpuprofile-reload", "", "write a CPU profile of storybot's loading of its saved index to this file")
	fs.StringVar(&c.memProfile, "memprofile", "", "write a heap profile of storybot's built index to this file")
	fs.BoolVar(&c.restart, "restart", true, "also time library.Open over the unchanged folder with a saved index (the bot's restart)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	loadAvg := loadavg()
	sets, err := bench.SharedSets(*shared)
	if err != nil {
		return err
	}
	queries, err := bench.Queries(sets)
	if err != nil {
		return err
	}
	sources := []string{filepath.Join(*shared, "seed"), filepath.Join(*shared, "eval", "xquad_en", "docs"), filepath.Join(*shared, "eval", "covidqa", "docs")}
	start := time.Now()
	dir, cst, err := corpus.Ensure(ctx, c.cache, sources, corpus.Spec{Passages: c.passages, Seed: c.seed})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "corpus %s: %d files, %s, from %d sentences (%v)\n", dir, cst.Files, bench.MB(uint64(cst.Bytes)), cst.Sentences, time.Since(start).Round(time.Millisecond))

	base := bench.ReadMem()
	start = time.Now()
	docs, _, err := knowledge.Load(ctx, dir, knowledge.Options{})
	if err != nil {
		return err
	}
	loadTime := time.Since(start)
	n, text := bench.Passages(docs)
	loaded := bench.ReadMem()
	fmt.Fprintf(stderr, "loaded %d documents, %d passages, %s of text in %v\n", len(docs), n, bench.MB(uint64(text)), loadTime.Round(time.Millisecond))

	tmp, err := os.MkdirTemp(c.tmp, "storybot-speed-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	engines := map[string]bool{}
	for _, e := range strings.Split(c.engines, ",") {
		e = strings.TrimSpace(e)
		if e != "storybot" && e != "bleve" {
			return fmt.Errorf("unknown engine %q (want storybot or bleve)", e)
		}
		engines[e] = true
	}

	// Build each engine; storybot first, so its memory is measured alone.
	var rows []*result
	var ixs []bench.Index
	var sb *search.Index
	var bl *bleveidx.Index
	if engines["storybot"] {
		r := &result{engine: "storybot"}
		if sb, err = buildStorybot(ctx, c, docs, r); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "storybot: built in %v\n", r.build.Round(time.Millisecond))
		rows, ixs = append(rows, r), append(ixs, storybotIndex{sb})
	}
	bleveDir := filepath.Join(tmp, "bleve.index")
	if engines["bleve"] {
		r := &result{engine: "bleve"}
		before := bench.ReadMem()
		start := time.Now()
		if bl, err = bleveidx.Build(ctx, bleveDir, docs, bleveidx.Options{}); err != nil {
			return err
		}
		r.build = time.Since(start)
		after := bench.ReadMem()
		r.mem = bench.Mem{HeapInuse: after.HeapInuse - min(after.HeapInuse, before.HeapInuse), RSS: after.RSS - min(after.RSS, before.RSS)}
		r.memAdded = true
		fmt.Fprintf(stderr, "bleve: built in %v\n", r.build.Round(time.Millisecond))
		rows, ixs = append(rows, r), append(ixs, bl)
	}

	// Time the queries with the engines interleaved (query i on each
	// engine, in turn), so that both see the same load on a shared machine.
	stopProfile, err := profile(c.qryProfile)
	if err != nil {
		return err
	}
	lats, err := bench.Latencies(ctx, queries, c.queries, c.k, ixs...)
	stopProfile()
	if err != nil {
		return err
	}
	for i, r := range rows {
		r.p50, r.p99, r.mean = eval.Percentile(lats[i], 50), eval.Percentile(lats[i], 99), mean(lats[i])
		fmt.Fprintf(stderr, "%s: query p50 %v p99 %v\n", r.engine, r.p50, r.p99)
	}

	// Save and load again.
	for _, r := range rows {
		switch r.engine {
		case "storybot":
			err = reloadStorybot(ctx, c, sb, docs, queries, tmp, r)
			sb = nil
			if r.reloadErr != nil {
				fmt.Fprintf(stderr, "storybot: the reloaded index does not answer like the built one: %v\n", r.reloadErr)
			}
		case "bleve":
			err = reopenBleve(ctx, c, bl, bleveDir, docs, queries, r)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%s: saved index loaded in %v\n", r.engine, r.reload.Round(time.Millisecond))
	}
	var rs *restartResult
	if c.restart && engines["storybot"] {
		docs, sb, bl, ixs = nil, nil, nil, nil
		log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		if rs, err = timeRestart(ctx, dir, filepath.Join(tmp, "data"), queries[0], c.memProfile, log); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "library: first open %v, restart %v\n", rs.first.Round(time.Millisecond), rs.restart.Round(time.Millisecond))
	}
	fmt.Fprintf(stdout, "Machine: %d CPUs (GOMAXPROCS %d), load average %s at the start and %s at the end.\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), loadAvg, loadavg())
	writeTable(stdout, c, n, text, base, loaded, loadTime, rows, rs)
	return nil
}

// restartResult times the bot's own start: library.Open.
type restartResult struct {
	first   time.Duration // no saved index: parse, build, save
	restart time.Duration // unchanged folder, saved index: until the first answer
	mem     bench.Mem     // the process with only the restarted library alive
}

// timeRestart opens a library over root with a fresh data folder (which
// builds and saves the index), closes it, and times a second Open up to its
// first answer.
// With memProfile set, a heap profile of the restarted library is written
// to memProfile+".restart".
func timeRestart(ctx context.Context, root, data, q, memProfile string, log *slog.Logger) (*restartResult, error) {
	opts := library.Options{Root: root, DataDir: data, CacheKey: "bench", Log: log}
	var r restartResult
	start := time.Now()
	l, err := library.Open(ctx, opts)
	if err != nil {
		return nil, err
	}
	r.first = time.Since(start)
	if err := l.Close(); err != nil { // waits for the save
		return nil, err
	}
	l = nil
	bench.ReadMem()
	start = time.Now()
	l, err = library.Open(ctx, opts)
	if err != nil {
		return nil, err
	}
	_, err = l.Search(ctx, q, 10)
	r.restart = time.Since(start)
	if err != nil {
		return nil, errors.Join(err, l.Close())
	}
	if rep := l.LastReport(); rep.Any() {
		return nil, errors.Join(fmt.Errorf("restart over an unchanged folder reported changes: %+v", rep), l.Close())
	}
	r.mem = bench.ReadMem()
	if memProfile != "" {
		if err := writeHeapProfile(memProfile + ".restart"); err != nil {
			return nil, errors.Join(err, l.Close())
		}
	}
	return &r, l.Close()
}

func buildStorybot(ctx context.Context, c config, docs []*knowledge.Document, r *result) (*search.Index, error) {
	stopProfile, err := profile(c.buildProfile)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	ix, err := search.Build(ctx, docs, search.Options{})
	r.build = time.Since(start)
	stopProfile()
	if err != nil {
		return nil, err
	}
	r.mem = bench.ReadMem()
	if c.memProfile != "" {
		if err := writeHeapProfile(c.memProfile); err != nil {
			return nil, err
		}
	}
	return ix, nil
}

// reloadStorybot saves ix, loads it back with search.ReadIndex and checks
// that the loaded index answers the first queries as ix did.
func reloadStorybot(ctx context.Context, c config, ix *search.Index, docs []*knowledge.Document, queries []string, tmp string, r *result) error {
	var want [][]*knowledge.Passage
	for _, q := range queries[:min(20, len(queries))] {
		ps, err := storybotIndex{ix}.Search(ctx, q, c.k)
		if err != nil {
			return err
		}
		want = append(want, ps)
	}
	file := filepath.Join(tmp, "storybot.index")
	start := time.Now()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	r.indexBytes, err = ix.WriteTo(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	r.save = time.Since(start)
	if err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	ix = nil
	bench.ReadMem() // drop the built index before loading the saved one
	stopProfile, err := profile(c.reloadProfile)
	if err != nil {
		return err
	}
	start = time.Now()
	f, err = os.Open(file)
	if err != nil {
		return err
	}
	ix2, err := search.ReadIndex(f, docs, search.Options{})
	f.Close()
	r.reload = time.Since(start)
	stopProfile()
	if err != nil {
		return fmt.Errorf("reload index: %w", err)
	}
	r.reloadErr = sameAnswers(ctx, storybotIndex{ix2}, queries, want, c.k)
	return nil
}

// reopenBleve closes ix and times opening it again, up to its first answer.
func reopenBleve(ctx context.Context, c config, ix *bleveidx.Index, dir string, docs []*knowledge.Document, queries []string, r *result) error {
	if err := ix.Close(); err != nil {
		return err
	}
	r.indexBytes = dirSize(dir)
	start := time.Now()
	ix, err := bleveidx.Open(dir, docs)
	if err != nil {
		return err
	}
	_, err = ix.Search(ctx, queries[0], c.k)
	r.reload = time.Since(start)
	return errors.Join(err, ix.Close())
}

// storybotIndex adapts *search.Index to bench.Index.
type storybotIndex struct{ ix *search.Index }

func (s storybotIndex) Search(ctx context.Context, q string, k int) ([]*knowledge.Passage, error) {
	hits, err := s.ix.Search(ctx, q, k)
	out := make([]*knowledge.Passage, len(hits))
	for i, h := range hits {
		out[i] = h.Passage
	}
	return out, err
}

func (storybotIndex) Close() error { return nil }

func profile(file string) (stop func(), err error) {
	if file == "" {
		return func() {}, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func writeHeapProfile(file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// loadavg returns the 1-minute load average, or "?" where /proc is absent:
// on a shared machine it says how far the timings can be trusted.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func mean(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(max(1, len(ds)))
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func writeTable(w io.Writer, c config, n int, text int64, base, loaded bench.Mem, loadTime time.Duration, rows []*result, rs *restartResult) {
	fmt.Fprintf(w, "Corpus: %d passages, %s of passage text (seed %d); %d queries per engine, top %d.\n", n, bench.MB(uint64(text)), c.seed, c.queries, c.k)
	fmt.Fprintf(w, "Loading the folder (knowledge.Load): %s; RSS with the documents loaded: %s (before: %s).\n\n",
		bench.Dur(loadTime), bench.MB(loaded.RSS), bench.MB(base.RSS))
	fmt.Fprintln(w, "Queries run interleaved (query i on each engine in turn). Memory is the whole process after a GC for storybot (documents included), and what the engine added for bleve (+).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| engine | build | query p50 | query p99 | query mean | Go heap in use | RSS | RSS / text | index on disk | save | load saved index |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		save := bench.Dur(r.save)
		if r.engine == "bleve" {
			save = "(in build)"
		}
		heap, rss := bench.MB(r.mem.HeapInuse), bench.MB(r.mem.RSS)
		if r.memAdded {
			heap, rss = "+"+heap, "+"+rss
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %.2f× | %s | %s | %s |\n", r.engine, bench.Dur(r.build),
			bench.Dur(r.p50), bench.Dur(r.p99), bench.Dur(r.mean), heap, rss,
			float64(r.mem.RSS)/float64(text), bench.MB(uint64(r.indexBytes)), save, bench.Dur(r.reload))
	}
	i := slices.IndexFunc(rows, func(r *result) bool { return r.engine == "storybot" })
	j := slices.IndexFunc(rows, func(r *result) bool { return r.engine == "bleve" })
	if i < 0 {
		return
	}
	s := rows[i]
	fmt.Fprintln(w, "\n| target | measured | met |")
	fmt.Fprintln(w, "|---|--:|:-:|")
	if j >= 0 {
		b := rows[j]
		ratio := float64(b.p50) / float64(max(1, s.p50))
		check(w, "query p50 at least 5× lower than bleve", fmt.Sprintf("%.1f× lower", ratio), ratio >= 5)
		check(w, "build at least as fast as bleve", fmt.Sprintf("%s vs %s", bench.Dur(s.build), bench.Dur(b.build)), s.build <= b.build)
	}
	check(w, "query p99 under 10 ms", bench.Dur(s.p99), s.p99 < 10*time.Millisecond)
	check(w, "resident memory under 3× the text", fmt.Sprintf("%.2f×", float64(s.mem.RSS)/float64(text)), float64(s.mem.RSS) < 3*float64(text))
	reload := bench.Dur(s.reload)
	if s.reloadErr != nil {
		reload += " but it fails: " + s.reloadErr.Error()
	}
	check(w, "saved index loaded in under 2 s (and answers as before)", reload, s.reload < 2*time.Second && s.reloadErr == nil)
	check(w, "knowledge.Load + search.ReadIndex under 2 s", bench.Dur(loadTime+s.reload), loadTime+s.reload < 2*time.Second && s.reloadErr == nil)
	if rs != nil {
		check(w, "restart (library.Open, unchanged folder, saved index, first answer) under 2 s", bench.Dur(rs.restart), rs.restart < 2*time.Second)
		check(w, "resident memory of the restarted library under 3× the text", fmt.Sprintf("%.2f× (%s)", float64(rs.mem.RSS)/float64(text), bench.MB(rs.mem.RSS)), float64(rs.mem.RSS) < 3*float64(text))
		fmt.Fprintf(w, "\nlibrary.Open without a saved index (parse, build, save): %s.\n", bench.Dur(rs.first))
	}
}

func check(w io.Writer, what, got string, ok bool) {
	mark := "yes"
	if !ok {
		mark = "**no**"
	}
	fmt.Fprintf(w, "| %s | %s | %s |\n", what, got, mark)
}
