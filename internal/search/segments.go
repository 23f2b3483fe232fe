package search

import (
	"context"
	"errors"
	"math"
	"sort"
)

// SearchSegments searches indexes that together hold one collection (the
// segments of a large knowledge folder, each document in exactly one) and
// returns up to k passages, best first, scored as one index would score
// them: term IDF counts passages and documents across every segment, and
// document evidence and proximity are scaled by the best scores of the
// whole collection, so scores from different segments compare. (Searching
// each segment alone and merging by score ranks worse: a rare term's IDF
// then depends on which segment holds it.) Average lengths and spelling
// correction stay per segment. Segments with dense retrieval or feedback
// are searched one by one and merged by score instead.
//
// The segments must share Options. Safe for concurrent use.
func SearchSegments(ctx context.Context, segs []*Index, query string, k int) ([]Hit, error) {
	switch {
	case len(segs) == 0:
		return []Hit{}, nil
	case len(segs) == 1:
		return segs[0].Search(ctx, query, k)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if k <= 0 {
		return []Hit{}, nil
	}
	for _, ix := range segs {
		if ix == nil {
			return nil, ErrNoIndex
		}
		if ix.dense != nil {
			return mergeSearches(ctx, segs, query, k)
		}
	}
	query, _ = CutQuery(query)

	// the query's terms in each segment, and their counts across all
	qss := make([][]qterm, len(segs))
	n, nd := 0, 0
	for i, ix := range segs {
		qss[i] = ix.queryTerms(query)
		n += len(ix.passages)
		nd += len(ix.docs)
	}
	nq := len(qss[0])
	if nq == 0 || n == 0 {
		return []Hit{}, nil
	}
	df := make([]int, nq)
	ddf := make([]int, nq)
	for i, ix := range segs {
		if len(qss[i]) != nq {
			return mergeSearches(ctx, segs, query, k) // analyzers differ: cannot align the terms
		}
		for j, q := range qss[i] {
			if q.known {
				df[j] += ix.pass.df(q.id)
				ddf[j] += ix.doc.df(q.id)
			}
		}
	}
	for i, ix := range segs {
		for j := range qss[i] {
			ix.setIDF(&qss[i][j], n, nd, df[j], ddf[j])
		}
	}

	// first pass: every segment's scores, and the collection's best
	scr := make([]*scratch, len(segs))
	var maxP, maxD float32
	for i, ix := range segs {
		scr[i] = ix.getScratch()
		p, d := ix.accumulate(qss[i], scr[i])
		maxP, maxD = max(maxP, p), max(maxD, d)
	}
	// second pass: the collection's candidates ranked together
	parts := make([]part, len(segs))
	for i, ix := range segs {
		parts[i] = part{ix: ix, qs: qss[i], s: scr[i]}
	}
	out := finish(parts, k, maxP, maxD)
	hits := make([]Hit, len(out))
	for i, o := range out {
		hits[i] = Hit{Passage: segs[o.seg].passages[o.id], Score: round(float64(o.score)), Match: math.Min(1, round(float64(o.match)))}
	}
	for i, ix := range segs {
		ix.putScratch(scr[i])
	}
	return hits, nil
}

// mergeSearches searches each segment on its own and merges by score.
//
// When the query embedding fails (ErrKeywordsOnly), every segment is ranked
// by keywords alone, so that the scores compare, and the embedder is not
// asked again; the error wraps ErrKeywordsOnly.
func mergeSearches(ctx context.Context, segs []*Index, query string, k int) ([]Hit, error) {
	var all []Hit
	var keywordsOnly error
	for i, ix := range segs {
		if keywordsOnly != nil {
			all = append(all, ix.keywordSearch(query, k)...)
			continue
		}
		hits, err := ix.Search(ctx, query, k)
		if errors.Is(err, ErrKeywordsOnly) {
			keywordsOnly = err
			all = all[:0]
			for _, prev := range segs[:i] {
				all = append(all, prev.keywordSearch(query, k)...)
			}
		} else if err != nil {
			return nil, err
		}
		all = append(all, hits...)
	}
	return topHits(all, k), keywordsOnly
}

// keywordSearch is Search without dense retrieval.
func (ix *Index) keywordSearch(query string, k int) []Hit {
	query, _ = CutQuery(query)
	qs := ix.queryTerms(query)
	if len(qs) == 0 || len(ix.passages) == 0 {
		return nil
	}
	return ix.lexical(qs, k)
}

// topHits sorts hits by score, best first (ties by passage ID, for stable
// results), and keeps k.
func topHits(all []Hit, k int) []Hit {
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Score != all[j].Score {
			return all[i].Score > all[j].Score
		}
		return all[i].Passage.ID < all[j].Passage.ID
	})
	if len(all) > k {
		all = all[:k]
	}
	if all == nil {
		all = []Hit{}
	}
	return all
}
