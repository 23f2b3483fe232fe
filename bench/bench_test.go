package bench

import (
	"context"
	"flag"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"storybot/bench/corpus"
	"storybot/internal/knowledge"
	"storybot/internal/latency"
	"storybot/internal/search"
)

var benchPassages = flag.Int("passages", 100000, "paragraphs in the generated corpus of the benchmarks")

var corpusOnce struct {
	sync.Once
	docs    []*knowledge.Document
	queries []string
	err     error
}

// benchCorpus generates (once, cached under testdata/generated) and loads
// the corpus of -passages paragraphs, and returns it with the query mix.
func benchCorpus(b *testing.B) ([]*knowledge.Document, []string) {
	b.Helper()
	sets := sharedSets(b)
	c := &corpusOnce
	c.Do(func() {
		ctx := context.Background()
		if c.queries, c.err = Queries(sets); c.err != nil {
			return
		}
		sources := []string{filepath.Join(shared, "seed"), filepath.Join(shared, "eval", "xquad_en", "docs"), filepath.Join(shared, "eval", "covidqa", "docs")}
		var dir string
		if dir, _, c.err = corpus.Ensure(ctx, "testdata/generated", sources, corpus.Spec{Passages: *benchPassages, Seed: 1}); c.err != nil {
			return
		}
		c.docs, _, c.err = knowledge.Load(ctx, dir, knowledge.Options{})
	})
	if c.err != nil {
		b.Fatal(c.err)
	}
	return c.docs, c.queries
}

func engines(b *testing.B) []Engine {
	return []Engine{Storybot(search.Options{}), Bleve(b.TempDir())}
}

// BenchmarkBuild times building each engine's index over the generated
// corpus (go test -run '^$' -bench Build -passages 100000).
func BenchmarkBuild(b *testing.B) {
	docs, _ := benchCorpus(b)
	n, text := Passages(docs)
	for _, e := range engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			b.SetBytes(text)
			for b.Loop() {
				ix, err := e.Build(context.Background(), docs)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := ix.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(n), "passages")
		})
	}
}

// BenchmarkQuery times one top-10 query at a time, cycling through the eval
// questions, and reports p50 and p99 besides the mean.
func BenchmarkQuery(b *testing.B) {
	docs, queries := benchCorpus(b)
	ctx := context.Background()
	for _, e := range engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ix, err := e.Build(ctx, docs)
			if err != nil {
				b.Fatal(err)
			}
			defer ix.Close()
			latency.Bench(b, time.Nanosecond, func(i int) error {
				_, err := ix.Search(ctx, queries[i%len(queries)], 10)
				return err
			})
		})
	}
}
