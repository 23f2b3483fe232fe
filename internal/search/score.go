package search

import (
	"math"

	"storybot/internal/textan"
)

// This file scores a query: its terms and their IDF, BM25F accumulated over
// the postings, the first ranking.

type qterm struct {
	id    uint32
	known bool
	w     float64 // query term frequency
	idf   float64 // passage-level IDF
	didf  float64 // document-level IDF
}

type scratch struct {
	acc     []float32 // passage scores
	match   []float32 // passage matched IDF
	seen    []bool
	touched []uint32
	dacc    []float32
	// reused per query, so that a search allocates little (allocation
	// during a garbage collection costs a question assist work)
	top   []scored          // the heap of the best RerankDepth
	hits  []termAt          // one passage's query-term positions
	docN  map[uint64]uint16 // passages seen per document, for decay
	cands []cand            // the candidates being ranked
}

func (ix *Index) getScratch() *scratch {
	if s, ok := ix.pool.Get().(*scratch); ok {
		return s
	}
	return &scratch{
		acc:   make([]float32, len(ix.passages)),
		match: make([]float32, len(ix.passages)),
		seen:  make([]bool, len(ix.passages)),
		dacc:  make([]float32, len(ix.docs)),
	}
}

func (ix *Index) putScratch(s *scratch) {
	for _, p := range s.touched {
		s.acc[p], s.match[p], s.seen[p] = 0, 0, false
	}
	s.touched = s.touched[:0]
	clear(s.dacc)
	ix.pool.Put(s)
}

func idf(n, df int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

func (ix *Index) queryTerms(query string) []qterm {
	var qs []qterm
	pos := map[string]int{}
	n := len(ix.passages)
	ix.opts.Analyzer.Each(query, func(t string, _ textan.Token) {
		if i, ok := pos[t]; ok {
			qs[i].w++
			return
		}
		pos[t] = len(qs)
		id, known := ix.terms.lookup(t)
		w := 1.0
		if !known && ix.opts.Fuzzy >= 0 {
			if id, known = ix.correct(t); known {
				w = fuzzyDiscount
			}
		}
		q := qterm{id: id, known: known, w: w, idf: idf(n, 0)}
		if known {
			ix.setIDF(&q, n, len(ix.docs), ix.pass.df(id), ix.doc.df(id))
		}
		qs = append(qs, q)
	})
	return qs
}

// setIDF sets q's passage- and document-level IDF from n passages and nd
// documents of which df and ddf hold the term.
func (ix *Index) setIDF(q *qterm, n, nd, df, ddf int) {
	q.idf = idf(n, df)
	q.didf = idf(nd, ddf)
}

// lexical ranks passages by BM25F plus weighted document-level BM25.
func (ix *Index) lexical(qs []qterm, k int) []Hit {
	out := ix.rank(qs, k)
	hits := make([]Hit, len(out))
	for i, o := range out {
		hits[i] = Hit{Passage: ix.passages[o.id], Score: round(float64(o.score)), Match: math.Min(1, round(float64(o.match)))}
	}
	return hits
}

// rank scores passages for qs and returns the best k.
func (ix *Index) rank(qs []qterm, k int) []cand {
	s := ix.getScratch()
	defer ix.putScratch(s)
	maxP, maxD := ix.accumulate(qs, s)
	parts := [1]part{{ix: ix, qs: qs, s: s}}
	return finish(parts[:], k, maxP, maxD)
}

// accumulate adds the BM25F scores of qs into s (passages and documents)
// and returns the best passage and document scores, which finish uses to
// put document evidence and proximity on the passages' scale.
func (ix *Index) accumulate(qs []qterm, s *scratch) (maxP, maxD float32) {
	k1 := float32(ix.opts.K1)
	b := float32(ix.opts.B)
	total := queryTotal(qs)
	nd := len(ix.docs)
	for _, q := range qs {
		if !q.known {
			continue
		}
		// passage level
		w := float32(q.idf * q.w)
		mw := float32(q.idf * q.w / total)
		p := &ix.pass
		lo, hi := p.off[q.id], p.off[q.id+1]
		norm := k1 * (1 - b)
		per := k1 * b / p.avg
		for j := lo; j < hi; j++ {
			id := p.ids[j]
			tf := float32(p.tf[j]) * tfUnit
			s.acc[id] += w * tf * (k1 + 1) / (tf + norm + per*p.length[id])
			s.match[id] += mw
			if !s.seen[id] {
				s.seen[id] = true
				s.touched = append(s.touched, id)
			}
		}
		// document level
		if ix.opts.DocWeight > 0 && nd > 1 {
			d := &ix.doc
			dw := float32(q.didf * q.w)
			lo, hi := d.off[q.id], d.off[q.id+1]
			per := k1 * b / d.avg
			for j := lo; j < hi; j++ {
				id := d.ids[j]
				tf := d.tf[j]
				s.dacc[id] += dw * tf * (k1 + 1) / (tf + norm + per*d.length[id])
			}
		}
	}
	for _, id := range s.touched {
		maxP = max(maxP, s.acc[id])
	}
	for _, v := range s.dacc {
		maxD = max(maxD, v)
	}
	return maxP, maxD
}

// queryTotal is the IDF mass of the query's terms, the denominator of
// Match and of the proximity shares.
func queryTotal(qs []qterm) float64 {
	var total float64
	for _, q := range qs {
		total += q.idf * q.w
	}
	return total
}
