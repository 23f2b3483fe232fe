package search

import (
	"math"

	"storybot/internal/textan"
)

// Features of a candidate passage, for the reranker study of learn_test.go.
// Scores are normalised per query (divided by the best passage or document
// score), so that one set of weights serves every query and collection.
// The first five are what the ranking uses (BM25F, DocWeight × document
// BM25, ProxWeight, ProxWideWeight and PhraseWeight); the others were
// measured and gained nothing on the held-out half (see bench/README.md).
const (
	fPass     = iota // passage BM25F / best passage score
	fDoc             // document BM25 / best document score
	fNear            // IDF share of the query within ProxWindow terms
	fWide            // IDF share of the query within ProxWideWindow terms
	fPhrase          // share of the query's term pairs found as phrases
	fMatch           // IDF share of the query found in the passage
	fDocBest         // the document's best first-stage candidate score / best
	fDocTop3         // sum of the document's best three candidate scores / best
	fDocCount        // log(1 + the document's candidates) / log(1 + candidates)
	fDocRank         // 1 / rank of the document by its best candidate
	fDocMatch        // IDF share of the query found in the document
	fTitle           // IDF share of the query found in the title
	fSection         // IDF share of the query found in the section heading
	fFirst           // 1 for the first passage of its document
	fLen             // passage length / average
	fBias            // 1 (a constant; cancels out of a ranking, kept for symmetry)
	nFeat
)

// featNames names the features, for the trainer's output.
var featNames = [nFeat]string{"pass", "doc", "near", "wide", "phrase", "match", "docbest", "doctop3", "doccount", "docrank", "docmatch", "title", "section", "first", "len", "bias"}

type feats [nFeat]float32

// docAgg is what the reranker knows of one document of the candidates.
type docAgg struct {
	best, top3 float32 // first-stage scores
	n, rank    int
	title      float32
}

// candFeatures fills f[i] with the features of cs[i], the first stage's
// best passages of the collection (sorted best first), whose passage and
// document scores the parts' scratches hold; maxP and maxD are the best
// passage and document scores.
// dmatch[i] is the IDF share of the query found in document i of parts[0]
// (the study runs on one index).
func candFeatures(parts []part, cs []cand, maxP, maxD float32, dmatch []float32, f []feats) {
	docIdx := map[uint64]int32{}
	var aggs []docAgg
	for _, c := range cs {
		d := c.doc(parts)
		i, ok := docIdx[d]
		if !ok {
			i = int32(len(aggs))
			docIdx[d] = i
			p := parts[c.seg]
			aggs = append(aggs, docAgg{best: c.score, rank: len(aggs) + 1})
			aggs[i].title = p.ix.queryShare(p.qs, p.ix.docs[p.ix.pdoc[c.id]].Title)
		}
		a := &aggs[i]
		if a.n < 3 {
			a.top3 += c.score
		}
		a.n++
	}
	invP, invD := float32(0), float32(0)
	if maxP > 0 {
		invP = 1 / maxP
	}
	if maxD > 0 {
		invD = 1 / maxD
	}
	logN := float32(math.Log1p(float64(len(cs))))
	for i, c := range cs {
		p := parts[c.seg]
		ix, s, id := p.ix, p.s, c.id
		d := ix.pdoc[id]
		a := &aggs[docIdx[c.doc(parts)]]
		x := &f[i]
		*x = feats{}
		x[fPass] = s.acc[id] * invP
		x[fDoc] = s.dacc[d] * invD
		if len(p.qs) > 1 {
			x[fNear], x[fWide], x[fPhrase], s.hits = ix.proximity(p.qs, queryTotal(p.qs), id, s.hits[:0])
		}
		x[fMatch] = s.match[id]
		x[fDocBest] = a.best * invP
		x[fDocTop3] = a.top3 * invP
		x[fDocCount] = float32(math.Log1p(float64(a.n))) / logN
		x[fDocRank] = 1 / float32(a.rank)
		x[fDocMatch] = dmatch[d]
		x[fTitle] = a.title
		if sec := ix.passages[id].Section; sec != "" {
			x[fSection] = ix.queryShare(p.qs, sec)
		}
		if id == 0 || ix.pdoc[id-1] != d {
			x[fFirst] = 1
		}
		if ix.pass.avg > 0 {
			x[fLen] = ix.pass.length[id] / ix.pass.avg
		}
		x[fBias] = 1
	}
}

// queryShare returns the IDF share of the query's own terms qs found in
// text.
func (ix *Index) queryShare(qs []qterm, text string) float32 {
	var got float64
	var seen [64]bool
	ix.opts.Analyzer.Each(text, func(t string, _ textan.Token) {
		id, ok := ix.terms.lookup(t)
		if !ok {
			return
		}
		for qi := range qs {
			if qi < len(seen) && qs[qi].known && qs[qi].id == id && !seen[qi] {
				seen[qi] = true
				got += qs[qi].idf * qs[qi].w
			}
		}
	})
	if total := queryTotal(qs); total > 0 {
		return float32(got / total)
	}
	return 0
}

// weights is a linear model over the features.
type weights [nFeat]float32

// score is the model's score of f, on the scale of maxP.
func (w *weights) score(f *feats) float32 {
	var s float32
	for i := range f {
		s += w[i] * f[i]
	}
	return s
}
