package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"storybot/internal/knowledge"
)

// segmentCorpus is 30 one-passage documents of exactly eight words each and
// same-length titles, so every passage and document has the same length
// and a segmented collection must score exactly as one index does.
func segmentCorpus() []*knowledge.Document {
	vocab := strings.Fields("albania iran malware embassy sanctions hackers tirana microsoft diplomats server ransomware nato statement police archive minister")
	r := rand.New(rand.NewPCG(7, 11))
	var docs []*knowledge.Document
	for i := range 30 {
		words := make([]string, 8)
		for j := range words {
			// skewed: early words are common, late ones rare
			words[j] = vocab[int(float64(len(vocab))*r.Float64()*r.Float64())]
		}
		docs = append(docs, doc(fmt.Sprintf("d%02d.md", i), fmt.Sprintf("Note %02d", i), strings.Join(words, " ")+"."))
	}
	return docs
}

func TestSearchSegmentsScoresLikeOneIndex(t *testing.T) {
	docs := segmentCorpus()
	one := build(t, docs, Options{})
	var segs []*Index
	for s := range 3 {
		var part []*knowledge.Document
		for i, d := range docs {
			if i%3 == s {
				part = append(part, d)
			}
		}
		segs = append(segs, build(t, part, Options{}))
	}
	ctx := context.Background()
	merged := 0
	for _, q := range []string{"embassy sanctions", "police archive", "minister statement nato", "iran hackers server", "ransomware", "tirana diplomats embassy"} {
		got, want := searchBoth(t, one, segs, q)
		if a, b := describe(got), describe(want); a != b {
			t.Errorf("%q: segments gave\n%s\none index gives\n%s", q, a, b)
		}
		old, _ := mergeSearches(ctx, segs, q, 5)
		if describe(old) != describe(want) {
			merged++
		}
	}
	// the test is only meaningful if merging per-segment scores goes wrong
	if merged == 0 {
		t.Error("merging each segment's own scores matched one index on every query: the corpus does not exercise SearchSegments")
	}
}

func describe(hits []Hit) string {
	var b strings.Builder
	for _, h := range hits {
		fmt.Fprintf(&b, "%s %.4f %.4f\n", h.Passage.ID, h.Score, h.Match)
	}
	return b.String()
}

func TestSearchSegmentsEdges(t *testing.T) {
	ctx := context.Background()
	docs := storyDocs(t)
	ix := build(t, docs, Options{})
	if hits, err := SearchSegments(ctx, nil, "iran", 3); err != nil || len(hits) != 0 || hits == nil {
		t.Errorf("no segments: %v %v", hits, err)
	}
	a, _ := SearchSegments(ctx, []*Index{ix}, "Why did Albania cut ties with Iran?", 3)
	b, _ := ix.Search(ctx, "Why did Albania cut ties with Iran?", 3)
	if describe(a) != describe(b) {
		t.Errorf("one segment differs from Search:\n%s\n%s", describe(a), describe(b))
	}
	empty := build(t, nil, Options{})
	if hits, err := SearchSegments(ctx, []*Index{ix, empty}, "the of and", 3); err != nil || len(hits) != 0 {
		t.Errorf("stop words only: %v %v", hits, err)
	}
	if hits, err := SearchSegments(ctx, []*Index{ix, empty}, "Albania Iran", 0); err != nil || len(hits) != 0 {
		t.Errorf("k=0: %v %v", hits, err)
	}
	hits, err := SearchSegments(ctx, []*Index{empty, ix}, "Albania Iran", 3)
	if err != nil || len(hits) != 3 {
		t.Errorf("an empty segment beside a full one: %v %v", hits, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := SearchSegments(cctx, []*Index{ix, empty}, "iran", 3); err == nil {
		t.Error("a cancelled context should fail")
	}
}

// TestSearchSegmentsDiverseAfter checks that the diversity of the tail
// sees the whole collection: after the first DiverseAfter passages, every
// document not shown yet, whichever segment holds it, comes before further
// passages of documents already shown.
func TestSearchSegmentsDiverseAfter(t *testing.T) {
	a := doc("a.txt", "A", "The embassy closure was announced today.", "The embassy closure was reported later.", "The embassy closure was confirmed at noon.")
	b := doc("b.txt", "B", "The embassy staff left after the closure.", "The closure of the embassy was final.")
	c := doc("c.txt", "C", "The closure of the building on Wednesday.")
	d := doc("d.txt", "D", "An embassy in Tirana.", "Another embassy closure was feared.")
	ctx := context.Background()
	tailOK := func(hits []Hit, n int) bool {
		shown := map[string]bool{}
		repeated := false
		for i, h := range hits {
			if i < n {
				shown[h.Passage.Doc] = true
				continue
			}
			if shown[h.Passage.Doc] {
				repeated = true
			} else if repeated {
				return false // a new document after a repeated one
			}
			shown[h.Passage.Doc] = true
		}
		return true
	}
	for _, n := range []int{-1, 1, 2} {
		opts := Options{DiverseAfter: n, DocDecay: -1}
		segs := []*Index{build(t, []*knowledge.Document{a, c}, opts), build(t, []*knowledge.Document{b, d}, opts)}
		hits, err := SearchSegments(ctx, segs, "embassy closure", 8)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 8 {
			t.Fatalf("%d hits, want all 8 passages", len(hits))
		}
		if ok := tailOK(hits, max(n, 0)); ok != (n > 0) {
			t.Errorf("DiverseAfter %d: tail diverse %v, want %v: %s", n, ok, n > 0, describe(hits))
		}
	}
}

// TestSegmentOfOneDocumentKeepsTitles: a segment that holds one document of
// a larger collection, built with Options.ForCollection, indexes titles as
// one index over the collection does (Build alone leaves them out of an
// index of one document).
func TestSegmentOfOneDocumentKeepsTitles(t *testing.T) {
	docs := []*knowledge.Document{
		doc("a.md", "The Lantern Maker", "Wenna painted foxes on the glass."),
		doc("b.md", "The Miller", "The miller gave the old woman the larger half."),
	}
	one := build(t, docs, Options{})
	opts := Options{}.ForCollection(len(docs))
	segs := []*Index{build(t, docs[:1], opts), build(t, docs[1:], opts)}
	for _, q := range []string{"lantern", "miller lantern"} {
		got, want := searchBoth(t, one, segs, q)
		// the same passages in the same order (scores differ a little:
		// average lengths are per segment)
		if g, w := hitIDs(got), hitIDs(want); len(w) == 0 || !slices.Equal(g, w) {
			t.Errorf("%q: segments %v, one index %v", q, g, w)
		}
	}
	if o := (Options{}).ForCollection(1); o.TitleWeight != 0 {
		t.Errorf("ForCollection(1) set TitleWeight %v", o.TitleWeight)
	}
	if o := (Options{TitleWeight: 0.25}).ForCollection(3); o.TitleWeight != 0.25 {
		t.Errorf("ForCollection changed an explicit TitleWeight to %v", o.TitleWeight)
	}
}

// searchBoth asks q of the segments and of one index over the same
// documents, for the best 5.
func searchBoth(t *testing.T, one *Index, segs []*Index, q string) (got, want []Hit) {
	t.Helper()
	ctx := context.Background()
	want, err := one.Search(ctx, q, 5)
	if err != nil {
		t.Fatal(err)
	}
	if got, err = SearchSegments(ctx, segs, q, 5); err != nil {
		t.Fatal(err)
	}
	return got, want
}

func hitIDs(hs []Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Passage.ID)
	}
	return out
}
