package search

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"storybot/internal/knowledge"
)

// fakeEmbedder maps texts to vectors by topic words, counting calls.
type fakeEmbedder struct {
	mu     sync.Mutex
	calls  int
	texts  int
	maxLen int
	fail   error
}

var topics = []string{"cyber", "football", "weather"}

func (f *fakeEmbedder) embed(ctx context.Context, texts []string) ([][]float32, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	f.calls++
	f.texts += len(texts)
	f.maxLen = max(f.maxLen, len(texts))
	out := make([][]float32, len(texts))
	for i, s := range texts {
		v := make([]float32, len(topics)+1)
		v[len(topics)] = 0.01
		low := strings.ToLower(s)
		for j, tp := range topics {
			if strings.Contains(low, tp) || (tp == "cyber" && strings.Contains(low, "hack")) || (tp == "football" && strings.Contains(low, "goal")) {
				v[j] = 1
			}
		}
		out[i] = v
	}
	return out, nil
}

func denseDocs() []*knowledge.Document {
	return []*knowledge.Document{
		doc("a.txt", "A", "State systems were hacked in July.", "The cyber unit published a report."),
		doc("b.txt", "B", "The match ended with a late goal.", "Football fans celebrated."),
		doc("c.txt", "C", "Rain and wind all week.", "The weather stays cold."),
	}
}

func TestDenseFusion(t *testing.T) {
	f := &fakeEmbedder{}
	ix := build(t, denseDocs(), Options{Embedder: f.embed, EmbedModel: "fake", EmbedBatch: 2})
	if f.texts != 6 || f.maxLen != 2 {
		t.Fatalf("embedded %d texts in batches up to %d, want 6 in batches of 2", f.texts, f.maxLen)
	}
	// "cyber attack" lexically matches only the cyber passage, but the dense
	// side also finds the passage about hacking, which shares no term.
	hits, err := ix.Search(context.Background(), "cyber attack", 3)
	if err != nil {
		t.Fatal(err)
	}
	var docsFound []string
	for _, h := range hits {
		docsFound = append(docsFound, h.Passage.Text)
	}
	if len(hits) < 2 || hits[0].Passage.Doc != "a.txt" || hits[1].Passage.Doc != "a.txt" {
		t.Fatalf("fused ranking %q", docsFound)
	}
	for _, h := range hits {
		if strings.Contains(h.Passage.Text, "hacked") && h.Match != 0 {
			t.Errorf("a passage with none of the query's terms has Match %v", h.Match)
		}
	}
	if !ix.Stats().Dense {
		t.Error("Stats.Dense false")
	}
}

func TestDenseCache(t *testing.T) {
	dir := t.TempDir()
	cache := NewEmbedCache(dir)
	f := &fakeEmbedder{}
	build(t, denseDocs(), Options{Embedder: f.embed, EmbedModel: "m1", EmbedCache: cache})
	if f.texts != 6 {
		t.Fatalf("first build embedded %d texts", f.texts)
	}
	// same passages: nothing to embed
	build(t, denseDocs(), Options{Embedder: f.embed, EmbedModel: "m1", EmbedCache: cache})
	if f.texts != 6 {
		t.Fatalf("second build embedded %d more texts, want 0", f.texts-6)
	}
	// one new passage: only it is embedded
	docs := append(denseDocs(), doc("d.txt", "D", "A brand new passage."))
	build(t, docs, Options{Embedder: f.embed, EmbedModel: "m1", EmbedCache: cache})
	if f.texts != 7 {
		t.Fatalf("third build embedded %d texts, want 1", f.texts-6)
	}
	// another model does not reuse m1's vectors
	build(t, denseDocs(), Options{Embedder: f.embed, EmbedModel: "m2", EmbedCache: cache})
	if f.texts != 13 {
		t.Fatalf("other model embedded %d texts, want 6", f.texts-7)
	}
}

func TestDenseErrors(t *testing.T) {
	f := &fakeEmbedder{fail: errors.New("model down")}
	if _, err := Build(context.Background(), denseDocs(), Options{Embedder: f.embed}); err == nil || !strings.Contains(err.Error(), "model down") {
		t.Fatalf("build: %v", err)
	}
	g := &fakeEmbedder{}
	ix := build(t, denseDocs(), Options{Embedder: g.embed})
	g.fail = errors.New("model down")
	if _, err := ix.Search(context.Background(), "cyber", 3); !errors.Is(err, ErrKeywordsOnly) || !strings.Contains(err.Error(), "model down") {
		t.Fatalf("search with a failing embedder: err = %v, want ErrKeywordsOnly", err)
	}
	// stop words only: no call, no hits
	if hits, err := ix.Search(context.Background(), "the of", 3); err != nil || len(hits) != 0 {
		t.Fatalf("stop words: %v %v", hits, err)
	}
}

// TestQueryEmbeddingFailureRanksByKeywords: when the query cannot be
// embedded, Search and SearchSegments return the keyword ranking (as
// without dense retrieval) with ErrKeywordsOnly, and the segments ask the
// embedder once, not once each.
func TestQueryEmbeddingFailureRanksByKeywords(t *testing.T) {
	docs := denseDocs()
	plain := build(t, docs, Options{})
	f := &fakeEmbedder{}
	ix := build(t, docs, Options{Embedder: f.embed})
	var segs []*Index
	for _, d := range docs {
		segs = append(segs, build(t, []*knowledge.Document{d}, Options{Embedder: f.embed}))
	}
	var plainSegs []*Index
	for _, d := range docs {
		plainSegs = append(plainSegs, build(t, []*knowledge.Document{d}, Options{}))
	}
	f.fail = errors.New("HTTP 503")
	for _, q := range []string{"cyber report", "late goal fans", "cold weather"} {
		want, _ := plain.Search(context.Background(), q, 3)
		got, err := ix.Search(context.Background(), q, 3)
		if !errors.Is(err, ErrKeywordsOnly) || !sameHits(got, want) {
			t.Errorf("Search(%q) = %v, %v; want the keyword ranking %v with ErrKeywordsOnly", q, got, err, want)
		}
		calls := 0
		counting := func(ctx context.Context, texts []string) ([][]float32, error) { calls++; return f.embed(ctx, texts) }
		for _, s := range segs {
			s.opts.Embedder = counting
		}
		want = mergeKeyword(plainSegs, q, 3)
		got, err = SearchSegments(context.Background(), segs, q, 3)
		if !errors.Is(err, ErrKeywordsOnly) || !sameHits(got, want) || calls != 1 {
			t.Errorf("SearchSegments(%q) = %v, %v after %d embedder calls; want the keyword ranking %v with ErrKeywordsOnly after 1", q, got, err, calls, want)
		}
	}
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	if hits, err := ix.fuse(cctx, "cyber", ix.queryTerms("cyber"), nil, 3); !errors.Is(err, context.Canceled) || hits != nil {
		t.Errorf("cancelled: %v, %v", hits, err)
	}
}

func mergeKeyword(segs []*Index, q string, k int) []Hit {
	var all []Hit
	for _, s := range segs {
		hits, _ := s.Search(context.Background(), q, k)
		all = append(all, hits...)
	}
	return topHits(all, k)
}

func sameHits(a, b []Hit) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for i := range a {
		if a[i].Passage != b[i].Passage || a[i].Score != b[i].Score {
			return false
		}
	}
	return true
}

// TestMatchOfAgreesWithPostings: Hit.Match computed from a passage's text
// (for passages found only by dense retrieval) equals the one the lexical
// ranking computes from the postings, misspelt query words included.
func TestMatchOfAgreesWithPostings(t *testing.T) {
	ix := build(t, storyDocs(t), Options{})
	for _, q := range []string{"Where did the MEK members settle in Albania?", "Edi Rama diplomatic relations", "cyberatack Tirana", "Durrës camp 1981 protests"} {
		hits, err := ix.Search(context.Background(), q, 10)
		if err != nil || len(hits) == 0 {
			t.Fatalf("%q: %v %v", q, hits, err)
		}
		qs := ix.queryTerms(q)
		for _, h := range hits {
			if got := ix.matchOf(qs, h.Passage); got != h.Match {
				t.Errorf("%q, passage %s: matchOf %v, postings %v", q, h.Passage.ID, got, h.Match)
			}
		}
	}
}
