// Package search is storybot's retrieval engine: a lexical index over the
// passages of the knowledge folder, ranked with BM25F (body, section heading
// and title as weighted fields) fused with document-level BM25 evidence, and
// optionally with dense embeddings by reciprocal rank fusion.
//
// The index keeps flat postings arrays (one run per term), accumulates scores
// term at a time and selects the top k with a heap. It is immutable once
// built, so an *Index is safe for concurrent use. WriteTo and ReadIndex save
// and restore it in a versioned, checksummed binary format.
package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"sort"
	"sync"
	"unicode/utf8"

	"storybot/internal/knowledge"
	"storybot/internal/textan"
)

// MaxQueryChars is the longest query used for retrieval; longer queries are
// cut (see CutQuery).
const MaxQueryChars = 2000

// Hit is one passage found for a query.
type Hit struct {
	Passage *knowledge.Passage
	Score   float64 // ranking score; higher is better; comparable within one query only
	// Match is the IDF-weighted share (0..1) of the query's terms found in
	// the passage (its text, section heading or title), for deciding that the
	// knowledge does not cover a question.
	Match float64
}

// Options tunes the index. The zero value gives the defaults, which were
// chosen by measurement on the eval sets.
type Options struct {
	K1            float64 // BM25 term-frequency saturation; 0 means 1.2
	B             float64 // BM25 length normalization; 0 means 0.75, negative means 0
	TitleWeight   float64 // weight of title terms relative to body terms; 0 means default, negative means 0
	SectionWeight float64 // weight of section-heading terms; 0 means default, negative means 0
	DocWeight     float64 // weight of document-level evidence; 0 means default, negative means 0
	// ProxWeight weighs the proximity of query terms: the IDF share of the
	// query found within ProxWindow consecutive terms of a passage, for the
	// best RerankDepth passages. 0 means default, negative means off.
	ProxWeight float64
	ProxWindow int // 0 means default
	// ProxWideWeight and ProxWideWindow add a second, sentence-sized
	// proximity window on top of the first: terms that share a sentence but
	// not a phrase. 0 means default, negative weight means off.
	ProxWideWeight float64
	ProxWideWindow int // 0 means default
	RerankDepth    int // 0 means default
	// PerDoc, when positive, moves passages beyond the first PerDoc of one
	// document behind those of other documents (diversity); negative: off.
	PerDoc int
	// FeedbackDocs and FeedbackTerms enable pseudo-relevance feedback: the
	// FeedbackTerms best terms of the first FeedbackDocs passages are added
	// to the query with weight FeedbackWeight. 0 means default, negative off.
	FeedbackDocs int
	// DocIDF mixes document-level IDF into the term weights (0..1): terms
	// concentrated in few documents weigh more. 0 means default, negative off.
	DocIDF float64
	// Fuzzy, when negative, turns off the correction of misspelt query
	// terms (an unknown term is matched to the most frequent indexed term
	// within edit distance 1, or 2 for long terms).
	Fuzzy          int
	FeedbackTerms  int
	FeedbackWeight float64
	// NeighborWeight adds this share of the better neighbouring passage's
	// score (same document) to a passage's score; 0 means default, negative off.
	NeighborWeight float64
	// Analyzer turns text into terms; nil means textan.English().
	Analyzer *textan.Analyzer

	// Workers caps the goroutines Build uses; 0 means GOMAXPROCS. A
	// background refresh sets it below the CPU count so that questions
	// answered meanwhile keep a CPU.
	Workers int

	// Embedder, when set, enables dense retrieval fused with the lexical
	// ranking. EmbedModel names the model for the cache; EmbedCache, when
	// set, keeps embeddings on disk; EmbedBatch is the batch size (0: 64).
	Embedder   Embedder
	EmbedModel string
	EmbedCache *EmbedCache
	EmbedBatch int

	Log *slog.Logger // nil: discard
}

// defaults measured with storybot eval (see README).
const (
	defK1             = 1.2
	defB              = 0.5
	defTitleWeight    = 1
	defSectionWeight  = 0.5
	defDocWeight      = 0.5
	defProxWeight     = 2
	defNeighborWeight = -1
	defDocIDF         = -1
	defFeedbackDocs   = -1
	defFeedbackTerms  = 10
	defFeedbackWeight = 0.3
	defProxWindow     = 4
	defProxWideWeight = 0.75
	defProxWideWindow = 16
	defRerankDepth    = 100
)

func pick(v, def float64) float64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

func (o Options) withDefaults() Options {
	o.K1 = pick(o.K1, defK1)
	o.B = pick(o.B, defB)
	o.TitleWeight = pick(o.TitleWeight, defTitleWeight)
	o.SectionWeight = pick(o.SectionWeight, defSectionWeight)
	o.DocWeight = pick(o.DocWeight, defDocWeight)
	o.NeighborWeight = pick(o.NeighborWeight, defNeighborWeight)
	o.DocIDF = pick(o.DocIDF, defDocIDF)
	o.FeedbackWeight = pick(o.FeedbackWeight, defFeedbackWeight)
	if o.FeedbackDocs == 0 {
		o.FeedbackDocs = defFeedbackDocs
	}
	if o.FeedbackTerms == 0 {
		o.FeedbackTerms = defFeedbackTerms
	}
	o.ProxWeight = pick(o.ProxWeight, defProxWeight)
	if o.ProxWindow <= 0 {
		o.ProxWindow = defProxWindow
	}
	o.ProxWideWeight = pick(o.ProxWideWeight, defProxWideWeight)
	if o.ProxWideWindow <= 0 {
		o.ProxWideWindow = defProxWideWindow
	}
	if o.RerankDepth <= 0 {
		o.RerankDepth = defRerankDepth
	}
	if o.Analyzer == nil {
		o.Analyzer = textan.English()
	}
	if o.EmbedBatch <= 0 {
		o.EmbedBatch = 64
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// postings is one inverted list family: for term t, entries
// off[t]..off[t+1] of ids and tf.
type postings struct {
	off    []uint32  // len(terms)+1
	ids    []uint32  // passage or document ordinal
	tf     []float32 // weighted term frequency
	length []float32 // weighted length per passage or document
	avg    float32   // average length
}

func (p *postings) df(t uint32) int { return int(p.off[t+1] - p.off[t]) }

// Index is a search index over the passages of a set of documents. It is
// immutable and safe for concurrent use.
type Index struct {
	opts     Options
	docs     []*knowledge.Document
	passages []*knowledge.Passage
	pdoc     []uint32 // passage ordinal → document ordinal
	terms    map[string]uint32
	pass     postings // passage level (BM25F over body, section, title)
	seqOff   []uint32 // passage p's body terms in order are seq[seqOff[p]:seqOff[p+1]]
	seq      []uint32
	doc      postings // document level (body of all passages + title)
	dense    *denseIndex
	idfScale float64           // mean passage IDF / mean document IDF, to mix them on one scale
	byFirst  map[byte][]uint32 // term IDs by first byte, for spelling correction
	termOf   []string          // term ID → term
	pool     sync.Pool         // *scratch
}

// Stats describes an index.
type Stats struct {
	Docs      int   `json:"docs"`
	Passages  int   `json:"passages"`
	Terms     int   `json:"terms"`
	TextBytes int64 `json:"bytes"` // bytes of passage text
	Dense     bool  `json:"dense"`
}

// Stats returns the size of the index.
func (ix *Index) Stats() Stats {
	s := Stats{Docs: len(ix.docs), Passages: len(ix.passages), Terms: len(ix.terms), Dense: ix.dense != nil}
	for _, p := range ix.passages {
		s.TextBytes += int64(len(p.Text))
	}
	return s
}

// Docs returns the documents the index was built over. The caller must not
// modify them.
func (ix *Index) Docs() []*knowledge.Document { return ix.docs }

type termFreq struct {
	term string
	tf   float32
}

// analyzed is the terms of one passage with their weighted frequencies.
type analyzed struct {
	bodyTF []float32  // body-only frequency of fields[i], for the document level
	seq    []int32    // body terms in order (indexes into fields), for proximity
	fields []termFreq // body + weighted section and title
	blen   float32
	flen   float32
}

// Build indexes the passages of docs. It fails only when ctx is done or the
// Embedder fails.
func Build(ctx context.Context, docs []*knowledge.Document, opts Options) (*Index, error) {
	opts = opts.withDefaults()
	ix := &Index{opts: opts, docs: docs, terms: map[string]uint32{}}
	for di, d := range docs {
		for pi := range d.Passages {
			ix.passages = append(ix.passages, &d.Passages[pi])
			ix.pdoc = append(ix.pdoc, uint32(di))
		}
	}
	an := make([]analyzed, len(ix.passages))
	if err := parallel(ctx, opts.Workers, len(ix.passages), ix.newPassageAnalyzer, func(w *passageAnalyzer, i int) {
		an[i] = w.analyze(ix.passages[i])
	}); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ix.invert(an)
	ix.finish()
	if opts.Embedder != nil {
		d, err := buildDense(ctx, ix.passages, opts)
		if err != nil {
			return nil, err
		}
		ix.dense = d
	}
	return ix, nil
}

// parallel runs fn(0..n-1) on workers goroutines (0: GOMAXPROCS), stopping
// early when ctx is done.
func parallel[W any](ctx context.Context, workers, n int, newWorker func() W, fn func(w W, i int)) error {
	const chunk = 256
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, (n+chunk-1)/chunk))
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorker()
			for ctx.Err() == nil {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				for i := lo; i < min(n, lo+chunk); i++ {
					fn(w, i)
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// passageAnalyzer analyzes passages for one build worker: it keeps a
// private word → term cache and reuses its scratch map.
type passageAnalyzer struct {
	ix    *Index
	terms map[string]string
	idx   map[string]int
}

func (ix *Index) newPassageAnalyzer() *passageAnalyzer {
	return &passageAnalyzer{ix: ix, terms: map[string]string{}, idx: map[string]int{}}
}

// analyze returns the terms of p in order of first occurrence, so that
// term IDs (and saved indexes) are deterministic.
func (w *passageAnalyzer) analyze(p *knowledge.Passage) analyzed {
	clear(w.idx)
	if len(w.terms) > 1<<20 {
		clear(w.terms)
	}
	var a analyzed
	each := func(text string, weight float32, body bool) {
		textan.Tokenize(text, func(tok textan.Token) {
			t, ok := w.terms[tok.Text]
			if !ok {
				t = w.ix.opts.Analyzer.Term(tok.Text)
				w.terms[tok.Text] = t
			}
			if t == "" {
				return
			}
			i, ok := w.idx[t]
			if !ok {
				i = len(a.fields)
				w.idx[t] = i
				a.fields = append(a.fields, termFreq{term: t})
				a.bodyTF = append(a.bodyTF, 0)
			}
			a.fields[i].tf += weight
			a.flen += weight
			if body {
				a.bodyTF[i]++
				a.blen++
				a.seq = append(a.seq, int32(i))
			}
		})
	}
	each(p.Text, 1, true)
	if w.ix.opts.SectionWeight > 0 {
		each(p.Section, float32(w.ix.opts.SectionWeight), false)
	}
	if w.ix.opts.TitleWeight > 0 {
		each(p.Title, float32(w.ix.opts.TitleWeight), false)
	}
	return a
}

// finish sets the values derived from the postings.
func (ix *Index) finish() {
	if ix.opts.Fuzzy >= 0 {
		ix.buildFuzzy()
	}
	ix.idfScale = 1
	if len(ix.docs) > 1 {
		ix.idfScale = idf(len(ix.passages), 1) / idf(len(ix.docs), 1)
	}
}

// invert turns analyzed passages into the two postings families.
func (ix *Index) invert(an []analyzed) {
	type post struct {
		id uint32
		tf float32
	}
	var plists, dlists [][]post
	id := func(t string) uint32 {
		n, ok := ix.terms[t]
		if !ok {
			n = uint32(len(ix.terms))
			ix.terms[t] = n
			plists = append(plists, nil)
			dlists = append(dlists, nil)
		}
		return n
	}
	ix.pass.length = make([]float32, len(an))
	ix.doc.length = make([]float32, len(ix.docs))
	// title terms count once per document at the document level
	titleDone := make([]bool, len(ix.docs))
	var plen, dlen float64
	var ids []uint32
	// size the proximity sequences exactly: grown by append they would keep
	// up to a quarter more memory than they use for the life of the index
	nseq := 0
	for i := range an {
		nseq += len(an[i].seq)
	}
	ix.seq = make([]uint32, 0, nseq)
	ix.seqOff = make([]uint32, 0, len(an)+1)
	for pi := range an {
		a := &an[pi]
		di := ix.pdoc[pi]
		ids = ids[:0]
		for i, f := range a.fields {
			t := id(f.term)
			ids = append(ids, t)
			plists[t] = append(plists[t], post{uint32(pi), f.tf})
			if btf := a.bodyTF[i]; btf > 0 {
				l := dlists[t]
				if n := len(l); n > 0 && l[n-1].id == di {
					l[n-1].tf += btf
				} else {
					l = append(l, post{di, btf})
				}
				dlists[t] = l
			}
		}
		if !titleDone[di] {
			titleDone[di] = true
			w := float32(ix.opts.TitleWeight)
			if w > 0 {
				ix.opts.Analyzer.Each(ix.docs[di].Title, func(term string, _ textan.Token) {
					t := id(term)
					l := dlists[t]
					if n := len(l); n > 0 && l[n-1].id == di {
						l[n-1].tf += w
					} else {
						l = append(l, post{di, w})
					}
					dlists[t] = l
					ix.doc.length[di] += w
					dlen += float64(w)
				})
			}
		}
		ix.pass.length[pi] = a.flen
		ix.seqOff = append(ix.seqOff, uint32(len(ix.seq)))
		for _, i := range a.seq {
			ix.seq = append(ix.seq, ids[i])
		}
		ix.doc.length[di] += a.blen
		plen += float64(a.flen)
		dlen += float64(a.blen)
		*a = analyzed{} // free as we go
	}
	ix.seqOff = append(ix.seqOff, uint32(len(ix.seq)))
	flat := func(lists [][]post, p *postings) {
		p.off = make([]uint32, len(lists)+1)
		total := 0
		for t, l := range lists {
			p.off[t] = uint32(total)
			total += len(l)
		}
		p.off[len(lists)] = uint32(total)
		p.ids = make([]uint32, 0, total)
		p.tf = make([]float32, 0, total)
		for _, l := range lists {
			for _, e := range l {
				p.ids = append(p.ids, e.id)
				p.tf = append(p.tf, e.tf)
			}
		}
	}
	flat(plists, &ix.pass)
	flat(dlists, &ix.doc)
	if len(an) > 0 {
		ix.pass.avg = float32(plen / float64(len(an)))
	}
	if len(ix.docs) > 0 {
		ix.doc.avg = float32(dlen / float64(len(ix.docs)))
	}
}

// CutQuery returns q cut to MaxQueryChars characters (at a word boundary
// when one is near) and whether it was cut.
func CutQuery(q string) (string, bool) {
	if utf8.RuneCountInString(q) <= MaxQueryChars {
		return q, false
	}
	n := 0
	for i := range q {
		if n == MaxQueryChars {
			cut := q[:i]
			for j := len(cut) - 1; j > i-100 && j > 0; j-- {
				if cut[j] == ' ' {
					return cut[:j], true
				}
			}
			return cut, true
		}
		n++
	}
	return q, false
}

type qterm struct {
	id    uint32
	known bool
	w     float64 // query term frequency
	idf   float64 // passage-level IDF
	// expansion marks a term added by feedback: it scores but counts for
	// neither Match nor proximity.
	expansion bool
}

type scratch struct {
	acc     []float32 // passage scores
	match   []float32 // passage matched IDF
	seen    []bool
	touched []uint32
	dacc    []float32
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

// ErrNoIndex is returned by Search on a nil index.
var ErrNoIndex = errors.New("search: no index")

// Search returns up to k passages that best match query, best first. A query
// of only stop words or punctuation returns no hits and no error; a query
// longer than MaxQueryChars is cut first. It is safe for concurrent use; the
// error is non-nil only when ctx is done or the Embedder fails.
func (ix *Index) Search(ctx context.Context, query string, k int) ([]Hit, error) {
	if ix == nil {
		return nil, ErrNoIndex
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if k <= 0 {
		return []Hit{}, nil
	}
	query, _ = CutQuery(query)
	qs := ix.queryTerms(query)
	if len(qs) == 0 || len(ix.passages) == 0 {
		return []Hit{}, nil
	}
	hits := ix.lexical(qs, k)
	if ix.dense != nil {
		var err error
		hits, err = ix.fuse(ctx, query, qs, hits, k)
		if err != nil {
			return nil, err
		}
	}
	return hits, nil
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
		id, known := ix.terms[t]
		w := 1.0
		if !known && ix.opts.Fuzzy >= 0 {
			if id, known = ix.correct(t); known {
				w = fuzzyDiscount
			}
		}
		q := qterm{id: id, known: known, w: w, idf: idf(n, 0)}
		if known {
			q.idf = idf(n, ix.pass.df(id))
			if m := ix.opts.DocIDF; m > 0 && len(ix.docs) > 1 {
				q.idf = (1-m)*q.idf + m*idf(len(ix.docs), ix.doc.df(id))*ix.idfScale
			}
		}
		qs = append(qs, q)
	})
	return qs
}

// lexical ranks passages by BM25F plus weighted document-level BM25.
func (ix *Index) lexical(qs []qterm, k int) []Hit {
	if ix.opts.FeedbackDocs > 0 && ix.opts.FeedbackTerms > 0 {
		first := ix.rank(qs, ix.opts.FeedbackDocs)
		qs = ix.expand(qs, first)
	}
	out := ix.rank(qs, k)
	hits := make([]Hit, len(out))
	for i, o := range out {
		hits[i] = Hit{Passage: ix.passages[o.id], Score: round(float64(o.score)), Match: math.Min(1, round(float64(o.match)))}
	}
	return hits
}

// expand adds to qs the terms that best characterize the passages of first
// (pseudo-relevance feedback), weighted by FeedbackWeight.
func (ix *Index) expand(qs []qterm, first []scored) []qterm {
	in := map[uint32]bool{}
	for _, q := range qs {
		if q.known {
			in[q.id] = true
		}
	}
	n := len(ix.passages)
	weight := map[uint32]float64{}
	for _, f := range first {
		seq := ix.seq[ix.seqOff[f.id]:ix.seqOff[f.id+1]]
		if len(seq) == 0 {
			continue
		}
		inv := 1 / float64(len(seq))
		for _, t := range seq {
			if !in[t] {
				weight[t] += inv
			}
		}
	}
	type cand struct {
		t uint32
		w float64
	}
	var cs []cand
	for t, w := range weight {
		df := ix.pass.df(t)
		if df < 2 {
			continue
		}
		cs = append(cs, cand{t, w * idf(n, df)})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].w != cs[j].w {
			return cs[i].w > cs[j].w
		}
		return cs[i].t < cs[j].t
	})
	cs = cs[:min(len(cs), ix.opts.FeedbackTerms)]
	if len(cs) == 0 {
		return qs
	}
	out := append([]qterm(nil), qs...)
	top := cs[0].w
	for _, c := range cs {
		out = append(out, qterm{id: c.t, known: true, w: ix.opts.FeedbackWeight * c.w / top, idf: idf(n, ix.pass.df(c.t)), expansion: true})
	}
	return out
}

// rank scores passages for qs and returns the best k.
func (ix *Index) rank(qs []qterm, k int) []scored {
	s := ix.getScratch()
	defer ix.putScratch(s)
	k1 := float32(ix.opts.K1)
	b := float32(ix.opts.B)
	var total float64
	for _, q := range qs {
		if !q.expansion {
			total += q.idf * q.w
		}
	}
	nd := len(ix.docs)
	for _, q := range qs {
		if !q.known {
			continue
		}
		// passage level
		w := float32(q.idf * q.w)
		mw := float32(q.idf * q.w / total)
		if q.expansion {
			mw = 0
		}
		p := &ix.pass
		lo, hi := p.off[q.id], p.off[q.id+1]
		norm := k1 * (1 - b)
		per := k1 * b / p.avg
		for j := lo; j < hi; j++ {
			id := p.ids[j]
			tf := p.tf[j]
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
			dw := float32(idf(nd, d.df(q.id)) * q.w)
			lo, hi := d.off[q.id], d.off[q.id+1]
			per := k1 * b / d.avg
			for j := lo; j < hi; j++ {
				id := d.ids[j]
				tf := d.tf[j]
				s.dacc[id] += dw * tf * (k1 + 1) / (tf + norm + per*d.length[id])
			}
		}
	}
	var maxP, maxD float32
	for _, id := range s.touched {
		maxP = max(maxP, s.acc[id])
	}
	for _, v := range s.dacc {
		maxD = max(maxD, v)
	}
	dw := float32(0)
	if maxD > 0 {
		dw = float32(ix.opts.DocWeight) * maxP / maxD
	}
	depth := k
	if ix.opts.ProxWeight > 0 || ix.opts.PerDoc > 0 {
		depth = max(k, ix.opts.RerankDepth)
	}
	h := topK{k: depth}
	nw := float32(ix.opts.NeighborWeight)
	last := uint32(len(ix.passages) - 1)
	for _, id := range s.touched {
		sc := s.acc[id] + dw*s.dacc[ix.pdoc[id]]
		if nw > 0 {
			var nb float32
			if id > 0 && ix.pdoc[id-1] == ix.pdoc[id] {
				nb = s.acc[id-1]
			}
			if id < last && ix.pdoc[id+1] == ix.pdoc[id] {
				nb = max(nb, s.acc[id+1])
			}
			sc += nw * nb
		}
		h.push(scored{id: id, score: sc, match: s.match[id]})
	}
	out := h.sorted()
	if ix.opts.ProxWeight > 0 && len(qs) > 1 {
		pw := float32(ix.opts.ProxWeight) * maxP
		ww := float32(ix.opts.ProxWideWeight) * maxP
		for i := range out {
			near, wide := ix.proximity(qs, total, out[i].id)
			out[i].score += pw*near + ww*wide
		}
		sort.Slice(out, func(i, j int) bool { return out[j].less(out[i]) })
	}
	if ix.opts.PerDoc > 0 {
		out = ix.diversify(out)
	}
	return out[:min(k, len(out))]
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

// String describes the index for logs.
func (ix *Index) String() string {
	st := ix.Stats()
	return fmt.Sprintf("index{docs=%d passages=%d terms=%d}", st.Docs, st.Passages, st.Terms)
}

// proximity returns the largest IDF share of the query's terms that occur
// together within ProxWindow consecutive body terms of passage id (near),
// and within ProxWideWindow terms (wide, 0 when ProxWideWeight is off).
func (ix *Index) proximity(qs []qterm, total float64, id uint32) (near, wide float32) {
	seq := ix.seq[ix.seqOff[id]:ix.seqOff[id+1]]
	var hits []termAt
	for pos, t := range seq {
		for qi := range qs {
			if qs[qi].known && !qs[qi].expansion && qs[qi].id == t {
				hits = append(hits, termAt{pos, qi})
				break
			}
		}
	}
	if len(hits) < 2 {
		return 0, 0
	}
	near = float32(bestWindow(qs, hits, ix.opts.ProxWindow) / total)
	if ix.opts.ProxWideWeight > 0 {
		wide = float32(bestWindow(qs, hits, ix.opts.ProxWideWindow) / total)
	}
	return near, wide
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

// diversify keeps the order of out but moves passages beyond the first
// PerDoc of a document behind the passages of other documents.
func (ix *Index) diversify(out []scored) []scored {
	per := map[uint32]int{}
	first := make([]scored, 0, len(out))
	var rest []scored
	for _, o := range out {
		d := ix.pdoc[o.id]
		if per[d] < ix.opts.PerDoc {
			per[d]++
			first = append(first, o)
		} else {
			rest = append(rest, o)
		}
	}
	return append(first, rest...)
}
