package search

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strings"
)

// This file reranks the first stage: proximity and phrases, the document
// decay and diversity, the top k.

// part is one index's share of a query: the index (one segment of a
// collection, or the whole), the query's terms there and the scratch that
// accumulate filled.
type part struct {
	ix *Index
	qs []qterm
	s  *scratch
}

// cand is a candidate passage: passage id of parts[seg].
type cand struct {
	scored
	seg uint32
}

// sortCands sorts cs best first: by score, then (for stable results) by
// passage ordinal in one index, by passage ID across segments (as one
// index over the same documents in path order would).
func sortCands(parts []part, cs []cand) {
	if len(parts) == 1 {
		slices.SortFunc(cs, func(a, b cand) int {
			if a.score != b.score {
				if a.score > b.score {
					return -1
				}
				return 1
			}
			return cmp.Compare(a.id, b.id)
		})
		return
	}
	slices.SortFunc(cs, func(a, b cand) int {
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		pa, pb := parts[a.seg].ix.passages[a.id].ID, parts[b.seg].ix.passages[b.id].ID
		if c := strings.Compare(pa, pb); c != 0 {
			return c
		}
		if c := cmp.Compare(a.seg, b.seg); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
}

// doc returns a key of c's document, unique across the parts.
func (c cand) doc(parts []part) uint64 {
	return uint64(c.seg)<<32 | uint64(parts[c.seg].ix.pdoc[c.id])
}

// finish ranks the passages that accumulate scored in each part (the
// segments of one collection, or one index), with maxP and maxD the best
// passage and document scores of the whole collection, and returns the
// best k: the first stage's best RerankDepth (BM25F plus weighted
// document evidence) rescored by the proximity and phrase shares, then
// the document decay and the diversity after DiverseAfter. Segments are
// ranked together, so decay and diversity see the whole collection. The
// parts must share Options.
func finish(parts []part, k int, maxP, maxD float32) []cand {
	ix := parts[0].ix
	o := &ix.opts
	depth := k
	if ix.reranks() || ix.decays() || o.PerDoc > 0 || o.DiverseAfter > 0 {
		depth = max(k, o.RerankDepth)
	}
	s := parts[0].s
	cs := s.cands[:0]
	for si, p := range parts {
		for _, f := range p.ix.firstStage(p.s, depth, maxP, maxD) {
			cs = append(cs, cand{scored: f, seg: uint32(si)})
		}
	}
	defer func() { s.cands = cs[:0] }()
	if len(parts) > 1 {
		sortCands(parts, cs)
		cs = cs[:min(depth, len(cs))]
	}
	switch {
	case ix.reranks() && len(parts[0].qs) > 1:
		pw := float32(o.ProxWeight) * maxP
		ww := float32(o.ProxWideWeight) * maxP
		phw := float32(o.PhraseWeight) * maxP
		for i, c := range cs {
			p := parts[c.seg]
			total := queryTotal(p.qs)
			var near, wide, phrase float32
			near, wide, phrase, p.s.hits = p.ix.proximity(p.qs, total, c.id, p.s.hits[:0])
			cs[i].score += pw*near + ww*wide + phw*phrase
		}
		sortCands(parts, cs)
	}
	if ix.decays() {
		if s.docN == nil {
			s.docN = map[uint64]uint16{}
		}
		decay(parts, cs, float32(o.DocDecay), s.docN)
	}
	var out []cand
	switch {
	case o.PerDoc > 0:
		if o.DiverseAfter > 0 {
			out = diverseAfter(parts, cs, o.DiverseAfter, len(cs))
			copy(cs, out)
		}
		out = diversify(parts, cs, o.PerDoc)
	case o.DiverseAfter > 0:
		out = diverseAfter(parts, cs, o.DiverseAfter, k)
	default:
		out = slices.Clone(cs[:min(k, len(cs))])
	}
	// out is the caller's: cs goes back to the scratch
	return out[:min(k, len(out))]
}

// firstStage returns the best depth passages by BM25F plus weighted
// document evidence, best first. The slice shares s.
func (ix *Index) firstStage(s *scratch, depth int, maxP, maxD float32) []scored {
	dw := float32(0)
	if maxD > 0 {
		dw = float32(ix.opts.DocWeight) * maxP / maxD
	}
	h := topK{k: depth, h: s.top[:0]}
	for _, id := range s.touched {
		sc := s.acc[id] + dw*s.dacc[ix.pdoc[id]]
		h.push(scored{id: id, score: sc, match: s.match[id]})
	}
	s.top = h.h
	return h.sorted()
}

// decays reports whether DocDecay is on.
func (ix *Index) decays() bool { return ix.opts.DocDecay > 0 && ix.opts.DocDecay < 1 }

// decay multiplies the score of each candidate of cs (best first) by d
// once for every candidate of its document before it, and sorts cs again.
// A document's passages keep their order among themselves. seen is
// cleared and used to count passages per document.
func decay(parts []part, cs []cand, d float32, seen map[uint64]uint16) {
	clear(seen)
	for i := range cs {
		doc := cs[i].doc(parts)
		for range seen[doc] {
			cs[i].score *= d
		}
		seen[doc]++
	}
	sortCands(parts, cs)
}

// diverseAfter returns the first k of cs (best first) reordered so that
// the first n keep their place and the ranks after them show the best
// candidate of each further document, in their order, before more
// candidates of documents already shown. It allocates the result.
func diverseAfter(parts []part, cs []cand, n, k int) []cand {
	k = min(k, len(cs))
	out := make([]cand, 0, k)
	out = append(out, cs[:min(n, k)]...)
	if len(out) == k {
		return out
	}
	// docs holds the documents of out; k is small (the answer's passages)
	docs := make([]uint64, 0, k)
	for _, c := range out {
		docs = append(docs, c.doc(parts))
	}
	picked := make([]bool, len(cs))
	for i := len(out); i < len(cs) && len(out) < k; i++ {
		if d := cs[i].doc(parts); !slices.Contains(docs, d) {
			docs = append(docs, d)
			out = append(out, cs[i])
			picked[i] = true
		}
	}
	for i := len(cs[:min(n, k)]); i < len(cs) && len(out) < k; i++ {
		if !picked[i] {
			out = append(out, cs[i])
		}
	}
	return out
}

func round(f float64) float64 { return math.Round(f*1e4) / 1e4 }

type scored struct {
	id    uint32
	score float32
	match float32
}

// less orders by score, then by passage ordinal for stable results.
func (a scored) less(b scored) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.id > b.id
}

// topK is a min-heap of the best k scored passages.
type topK struct {
	k int
	h []scored
}

func (t *topK) push(s scored) {
	if len(t.h) < t.k {
		t.h = append(t.h, s)
		i := len(t.h) - 1
		for i > 0 {
			p := (i - 1) / 2
			if !t.h[i].less(t.h[p]) {
				break
			}
			t.h[i], t.h[p] = t.h[p], t.h[i]
			i = p
		}
		return
	}
	if !t.h[0].less(s) {
		return
	}
	t.h[0] = s
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(t.h) && t.h[l].less(t.h[m]) {
			m = l
		}
		if r < len(t.h) && t.h[r].less(t.h[m]) {
			m = r
		}
		if m == i {
			return
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
}

func (t *topK) sorted() []scored {
	out := t.h
	sort.Slice(out, func(i, j int) bool { return out[j].less(out[i]) })
	return out
}

// reranks reports whether the best RerankDepth passages are rescored by
// the positions of the query's terms.
func (ix *Index) reranks() bool {
	return ix.opts.ProxWeight > 0 || ix.opts.ProxWideWeight > 0 || ix.opts.PhraseWeight > 0
}

// proximity scores the positions of the query's terms in passage id: near
// and wide are the largest IDF shares of the query found within ProxWindow
// and ProxWideWindow consecutive body terms, phrase the IDF share of the
// query's consecutive term pairs found next to each other in order (each
// 0 when its weight is off).
// hits is a buffer to reuse; it is returned, grown, for the next call.
func (ix *Index) proximity(qs []qterm, total float64, id uint32, hits []termAt) (near, wide, phrase float32, buf []termAt) {
	for pos, t := range ix.seqOf(id) {
		for qi := range qs {
			if qs[qi].known && qs[qi].id == t {
				hits = append(hits, termAt{pos, qi})
				break
			}
		}
	}
	if len(hits) < 2 {
		return 0, 0, 0, hits
	}
	if ix.opts.ProxWeight > 0 {
		near = float32(bestWindow(qs, hits, ix.opts.ProxWindow) / total)
	}
	if ix.opts.ProxWideWeight > 0 {
		wide = float32(bestWindow(qs, hits, ix.opts.ProxWideWindow) / total)
	}
	if ix.opts.PhraseWeight > 0 {
		phrase = float32(phrases(qs, hits))
	}
	return near, wide, phrase, hits
}

// phrases returns the share of the query's consecutive term pairs, each
// weighed by the smaller IDF of its two terms, that hits (in position
// order) holds next to each other and in the query's order.
func phrases(qs []qterm, hits []termAt) float64 {
	var all float64
	for i := 1; i < len(qs); i++ {
		all += min(qs[i-1].idf, qs[i].idf)
	}
	if all == 0 {
		return 0
	}
	var found [64]bool
	var got float64
	for i := 1; i < len(hits); i++ {
		a, b := hits[i-1], hits[i]
		if b.pos == a.pos+1 && b.q == a.q+1 && b.q < len(found) && !found[b.q] {
			found[b.q] = true
			got += min(qs[a.q].idf, qs[b.q].idf)
		}
	}
	return got / all
}

// termAt is a query term (index into qs) found at a position of a passage.
type termAt struct {
	pos int
	q   int
}

// bestWindow returns the largest IDF sum of distinct query terms among hits
// (in position order) that lie within window consecutive positions.
func bestWindow(qs []qterm, hits []termAt, window int) float64 {
	var counts [64]uint16
	var cur, best float64
	lo := 0
	for _, h := range hits {
		if h.q < len(counts) {
			if counts[h.q] == 0 {
				cur += qs[h.q].idf
			}
			counts[h.q]++
		}
		for h.pos-hits[lo].pos >= window {
			l := hits[lo]
			if l.q < len(counts) {
				counts[l.q]--
				if counts[l.q] == 0 {
					cur -= qs[l.q].idf
				}
			}
			lo++
		}
		best = max(best, cur)
	}
	return best
}

// diversify keeps the order of cs but moves candidates beyond the first
// per of a document behind the candidates of other documents.
func diversify(parts []part, cs []cand, per int) []cand {
	n := map[uint64]int{}
	first := make([]cand, 0, len(cs))
	var rest []cand
	for _, c := range cs {
		d := c.doc(parts)
		if n[d] < per {
			n[d]++
			first = append(first, c)
		} else {
			rest = append(rest, c)
		}
	}
	return append(first, rest...)
}
