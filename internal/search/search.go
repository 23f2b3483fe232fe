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
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"storybot/internal/knowledge"
	"storybot/internal/textan"
)

// MaxQueryChars is the longest query used for retrieval; longer queries are
// cut (see CutQuery).
const MaxQueryChars = 2000

// Hit is one passage found for a query.
type Hit struct {
	Passage *knowledge.Passage
	// Score is the ranking score; higher is better; comparable within one
	// query only. Hits come in rank order, which after the first
	// Options.DiverseAfter also puts further documents first, so a later
	// hit may score higher than an earlier one there.
	Score float64
	// Match is the IDF-weighted share (0..1) of the query's terms found in
	// the passage (its text, section heading or title), for deciding that the
	// knowledge does not cover a question.
	Match float64
}

// Options tunes the index. The zero value gives the defaults, which were
// chosen by measurement on the eval sets.
type Options struct {
	K1 float64 // BM25 term-frequency saturation; 0 means 1.2
	B  float64 // BM25 length normalization; 0 means 0.5 (defB), negative means 0
	// TitleWeight weighs title terms relative to body terms; 0 means
	// default (none in an index of one document, see Build), negative
	// means 0.
	TitleWeight   float64
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
	// PhraseWeight weighs the query's phrases: the IDF share of its
	// consecutive term pairs (stop words aside) found next to each other in
	// the same order in a passage, for the best RerankDepth passages.
	// 0 means default, negative means off.
	PhraseWeight float64
	RerankDepth  int // 0 means default
	// DocDecay (0..1) multiplies a passage's score once for each better
	// passage of its document ranked before it, so that the best passages
	// of more documents reach the top k while a document's passages that
	// score nearly as well as its best keep their place. 0 means default,
	// negative (or 1) means off.
	DocDecay float64
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
	// DiverseAfter, when positive, keeps the first DiverseAfter passages in
	// place and shows after them the best passage of each further document
	// before more passages of documents already shown. 0 means default,
	// negative off.
	DiverseAfter int

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

// defaults measured with storybot eval (see README). The rerank's weights
// (ProxWeight, ProxWideWeight, PhraseWeight), DocDecay and DiverseAfter
// were fitted together by learn_test.go's coordinate ascent on the
// odd-numbered questions of covidqa and xquad_en (the even half held
// out): recall@5 + MRR/2 per set, answer-in-passages@5 and recall@1 of
// the training half kept at least where the earlier hand-tuned defaults
// (1.5, 0.75, 0.75, decay 0.97, no DiverseAfter) had them, less 0.008 for
// answer-in-passages (so covidqa's stays at or above 0.80). Re-learn with
//
//	go test ./internal/search -run TestLearnRerank -learn ../../../shared/eval -learn-from-hand -learn-tail 4 -learn-feats near,wide,phrase -learn-a 0 -learn-m 0.5 -learn-afloor 0.008 -learn-r1floor 0.0001 -v
const (
	defK1             = 1.2
	defB              = 0.5
	defTitleWeight    = 1
	defSectionWeight  = 0.5
	defDocWeight      = 0.5
	defProxWeight     = 1.3
	defNeighborWeight = -1
	defDocIDF         = -1
	defFeedbackDocs   = -1
	defFeedbackTerms  = 10
	defFeedbackWeight = 0.3
	defProxWindow     = 4
	defProxWideWeight = 0.7
	defPhraseWeight   = 0.7
	defDocDecay       = 0.93
	defDiverseAfter   = 4
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
	o.PhraseWeight = pick(o.PhraseWeight, defPhraseWeight)
	if o.DiverseAfter == 0 {
		o.DiverseAfter = defDiverseAfter
	}
	o.DocDecay = pick(o.DocDecay, defDocDecay)
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

// Index is a search index over the passages of a set of documents. It is
// immutable and safe for concurrent use.
type Index struct {
	opts     Options
	docs     []*knowledge.Document
	passages []*knowledge.Passage
	pdoc     []uint32 // passage ordinal → document ordinal
	terms    dict
	pass     postings[uint16] // passage level (BM25F over body, section, title)
	seqOff   []uint32         // passage p's body terms in order are encoded in seq[seqOff[p]:seqOff[p+1]] (see seqOf)
	seq      []byte
	doc      postings[float32] // document level (body of all passages + title)
	dense    *denseIndex
	idfScale float64   // mean passage IDF / mean document IDF, to mix them on one scale
	pool     sync.Pool // *scratch
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
	s := Stats{Docs: len(ix.docs), Passages: len(ix.passages), Terms: ix.terms.len(), Dense: ix.dense != nil}
	for _, p := range ix.passages {
		s.TextBytes += int64(len(p.Text))
	}
	return s
}

// Docs returns the documents the index was built over. The caller must not
// modify them.
func (ix *Index) Docs() []*knowledge.Document { return ix.docs }

// ForCollection returns o for building the segments of a collection of n
// documents, so that each segment indexes titles as one index over the
// whole collection would: a segment that holds one document of several
// keeps the title field that Build leaves out of an index of one document.
func (o Options) ForCollection(n int) Options {
	if o.TitleWeight == 0 && n > 1 {
		o.TitleWeight = defTitleWeight
	}
	return o
}

// Build indexes the passages of docs. It fails only when ctx is done or the
// Embedder fails.
//
// Passages are analyzed in parallel, in chunks: each worker interns the
// words it meets to worker-local term numbers and writes every passage's
// terms into flat per-chunk arrays. A serial pass then numbers the terms
// globally in order of first occurrence (so term IDs, and saved indexes,
// do not depend on the number of workers), counts the postings, and fills
// flat postings arrays sized exactly.
func Build(ctx context.Context, docs []*knowledge.Document, opts Options) (*Index, error) {
	if opts.TitleWeight == 0 && len(docs) == 1 {
		// One document's title is in every passage: as a field it tells
		// no passage from another, and it only takes the IDF of its words
		// (a story's hero, named in its title) to nearly 0. FairytaleQA,
		// each story alone: passage hit@1/@3/@5 +.005/+.004/+.004 on the
		// odd-numbered stories, +.005/+.003/+.002 on the even
		// (bench/README.md). The segments of a larger collection keep
		// the field: see ForCollection.
		opts.TitleWeight = -1
	}
	opts = opts.withDefaults()
	ix := &Index{opts: opts, docs: docs}
	for di, d := range docs {
		for pi := range d.Passages {
			ix.passages = append(ix.passages, &d.Passages[pi])
			ix.pdoc = append(ix.pdoc, uint32(di))
		}
	}
	chunks, workers, err := ix.analyze(ctx)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ix.invert(chunks, workers)
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

// buildChunk is the number of passages a build worker takes at a time.
const buildChunk = 256

// parallelChunks runs fn over [0,n) in chunks [lo,hi) of the given size on
// workers goroutines (0: GOMAXPROCS), each with its own worker state from
// newWorker, stopping early when ctx is done.
func parallelChunks[W any](ctx context.Context, workers, n, chunk int, newWorker func() W, fn func(w W, lo, hi int)) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, (n+chunk-1)/chunk))
	if workers == 1 {
		// on the caller's goroutine (and thread: a background refresh
		// runs on a thread of lower priority)
		w := newWorker()
		for lo := 0; lo < n && ctx.Err() == nil; lo += chunk {
			fn(w, lo, min(n, lo+chunk))
		}
		return ctx.Err()
	}
	// At most workers chunks run at once, so at most workers states exist;
	// a finished chunk hands its state to the next.
	states := make(chan W, workers)
	var g errgroup.Group
	g.SetLimit(workers)
	for lo := 0; lo < n && ctx.Err() == nil; lo += chunk {
		g.Go(func() error {
			var w W
			select {
			case w = <-states:
			default:
				w = newWorker()
			}
			fn(w, lo, min(n, lo+chunk))
			states <- w
			return nil
		})
	}
	g.Wait()
	return ctx.Err()
}

// chunkTerms holds the analyzed passages of one chunk in flat arrays. The
// passage at position i of the chunk has nf[i] entries of term, tf and btf
// (its distinct terms in order of first occurrence: body, then section and
// title) and ns[i] entries of seq (its body terms in order). Terms are the
// worker's local numbers until invert renumbers them.
type chunkTerms struct {
	w    *passageAnalyzer
	nf   []uint32
	ns   []uint32
	term []uint32
	tf   []float32 // weighted frequency over body, section and title
	btf  []float32 // body-only frequency, for the document level
	seq  []uint32
	blen []float32 // body length per passage
}

// passageAnalyzer analyzes passages for one build worker. It interns every
// word as written to a local term number once, so that a repeated word
// costs one map lookup, and finds a term's entry in the current passage
// through an array indexed by that number instead of a map.
type passageAnalyzer struct {
	an     *textan.Analyzer
	sw, tw float32
	words  map[string]int32 // word as written → local term, -1: dropped
	byTerm map[string]int32 // term → local term
	terms  []string         // local term → term
	slot   []uint32         // local term → its entry in the current passage
	stamp  []uint32         // local term → the passage slot refers to
	pass   uint32           // passages analyzed so far (the current stamp)
	global []int32          // local term → global term ID, -1 until invert numbers it

	bytes, fields, tokens int // text analyzed so far, its term entries and body terms
}

// estimate returns capacities for the term entries and the body terms of
// a chunk of size bytes of text: from the worker's own ratios so far, with
// a little to spare, else about one body term in 7 bytes of English and one
// distinct term of a passage in 9. Capacities close to the need keep the
// chunk arrays from growing by doubling and copying.
func (w *passageAnalyzer) estimate(size int) (fields, tokens int) {
	if w.bytes < 1<<16 {
		return size / 9, size / 7
	}
	return size*w.fields/w.bytes + size*w.fields/w.bytes/16, size*w.tokens/w.bytes + size*w.tokens/w.bytes/16
}

// word returns the local term of the word w as written, or -1 when it is
// dropped (a stop word).
func (w *passageAnalyzer) word(s string) int32 {
	if l, ok := w.words[s]; ok {
		return l
	}
	l := int32(-1)
	if t := w.an.Term(s); t != "" {
		var ok bool
		if l, ok = w.byTerm[t]; !ok {
			l = int32(len(w.terms))
			w.byTerm[t] = l
			w.terms = append(w.terms, t)
			w.slot = append(w.slot, 0)
			w.stamp = append(w.stamp, 0)
		}
	}
	// a copy: the keys sit together in memory instead of across all the
	// passages' text, which makes lookups hit the cache more often
	w.words[strings.Clone(s)] = l
	return l
}

// analyze runs the workers over the passages and returns the chunks in
// passage order and the workers.
func (ix *Index) analyze(ctx context.Context) ([]*chunkTerms, []*passageAnalyzer, error) {
	n := len(ix.passages)
	chunks := make([]*chunkTerms, (n+buildChunk-1)/buildChunk)
	var mu sync.Mutex
	var workers []*passageAnalyzer
	newWorker := func() *passageAnalyzer {
		w := &passageAnalyzer{an: ix.opts.Analyzer, words: map[string]int32{}, byTerm: map[string]int32{}}
		if ix.opts.SectionWeight > 0 {
			w.sw = float32(ix.opts.SectionWeight)
		}
		if ix.opts.TitleWeight > 0 {
			w.tw = float32(ix.opts.TitleWeight)
		}
		mu.Lock()
		workers = append(workers, w)
		mu.Unlock()
		return w
	}
	ix.pass.length = make([]float32, n)
	err := parallelChunks(ctx, ix.opts.Workers, n, buildChunk, newWorker, func(w *passageAnalyzer, lo, hi int) {
		size := 0
		for _, p := range ix.passages[lo:hi] {
			size += len(p.Text)
		}
		nf, ns := w.estimate(size)
		c := &chunkTerms{
			w:    w,
			nf:   make([]uint32, 0, hi-lo),
			ns:   make([]uint32, 0, hi-lo),
			term: make([]uint32, 0, nf),
			tf:   make([]float32, 0, nf),
			btf:  make([]float32, 0, nf),
			seq:  make([]uint32, 0, ns),
			blen: make([]float32, 0, hi-lo),
		}
		for i := lo; i < hi; i++ {
			ix.pass.length[i] = w.analyze(c, ix.passages[i])
		}
		w.bytes += size
		w.fields += len(c.term)
		w.tokens += len(c.seq)
		chunks[lo/buildChunk] = c
	})
	return chunks, workers, err
}

// analyze appends the terms of p to c in order of first occurrence, and
// returns its weighted length.
func (w *passageAnalyzer) analyze(c *chunkTerms, p *knowledge.Passage) float32 {
	w.pass++
	base := len(c.term)
	nseq := len(c.seq)
	var flen, blen float32
	each := func(text string, weight float32, body bool) {
		textan.Tokenize(text, func(tok textan.Token) {
			l := w.word(tok.Text)
			if l < 0 {
				return
			}
			var i int
			if w.stamp[l] != w.pass {
				w.stamp[l] = w.pass
				i = len(c.term)
				w.slot[l] = uint32(i - base)
				c.term = append(c.term, uint32(l))
				c.tf = append(c.tf, 0)
				c.btf = append(c.btf, 0)
			} else {
				i = base + int(w.slot[l])
			}
			c.tf[i] += weight
			flen += weight
			if body {
				c.btf[i]++
				blen++
				c.seq = append(c.seq, uint32(l))
			}
		})
	}
	each(p.Text, 1, true)
	if w.sw > 0 {
		each(p.Section, w.sw, false)
	}
	if w.tw > 0 {
		each(p.Title, w.tw, false)
	}
	c.nf = append(c.nf, uint32(len(c.term)-base))
	c.ns = append(c.ns, uint32(len(c.seq)-nseq))
	c.blen = append(c.blen, blen)
	return flen
}

// finish sets the values derived from the postings.
func (ix *Index) finish() {
	ix.idfScale = 1
	if len(ix.docs) > 1 {
		ix.idfScale = idf(len(ix.passages), 1) / idf(len(ix.docs), 1)
	}
}

// invert turns the analyzed chunks into the two postings families and the
// proximity sequences. A first pass numbers the terms globally, in order
// of first occurrence, and counts each term's postings; a second fills the
// flat arrays, whose sizes are then known.
func (ix *Index) invert(chunks []*chunkTerms, workers []*passageAnalyzer) {
	for _, w := range workers {
		w.global = make([]int32, len(w.terms))
		for i := range w.global {
			w.global[i] = -1
		}
	}
	var pdf, ddf []uint32 // postings per term, passage and document level
	var dlast []uint32    // 1 + the last document counted for a term
	ids := map[string]uint32{}
	var terms []string // by ID
	id := func(t string) uint32 {
		n, ok := ids[t]
		if !ok {
			n = uint32(len(terms))
			ids[t] = n
			terms = append(terms, t)
			pdf = append(pdf, 0)
			ddf = append(ddf, 0)
			dlast = append(dlast, 0)
		}
		return n
	}
	countDoc := func(t, di uint32) {
		if dlast[t] != di+1 {
			dlast[t] = di + 1
			ddf[t]++
		}
	}
	// title terms count once per document at the document level
	tw := float32(ix.opts.TitleWeight)
	var titleOff []uint32 // document di's title terms are titles[titleOff[di]:titleOff[di+1]]
	var titles []uint32
	if tw > 0 {
		titleOff = make([]uint32, len(ix.docs)+1)
	}
	pi := 0
	for _, c := range chunks {
		w := c.w
		f := 0
		for _, nf := range c.nf {
			di := ix.pdoc[pi]
			for j := f; j < f+int(nf); j++ {
				l := c.term[j]
				g := w.global[l]
				if g < 0 {
					g = int32(id(w.terms[l]))
					w.global[l] = g
				}
				c.term[j] = uint32(g)
				pdf[g]++
				if c.btf[j] > 0 {
					countDoc(uint32(g), di)
				}
			}
			f += int(nf)
			if tw > 0 && (pi == 0 || ix.pdoc[pi-1] != di) {
				ix.opts.Analyzer.Each(ix.docs[di].Title, func(term string, _ textan.Token) {
					t := id(term)
					titles = append(titles, t)
					countDoc(t, di)
				})
				titleOff[di+1] = uint32(len(titles))
			}
			pi++
		}
	}
	if tw > 0 {
		// documents without passages have no title terms
		for di := 1; di < len(titleOff); di++ {
			titleOff[di] = max(titleOff[di], titleOff[di-1])
		}
	}

	allocPostings(&ix.pass, pdf)
	allocPostings(&ix.doc, ddf)
	pcur, dcur := pdf, ddf // reused as fill cursors: next free entry per term
	copy(pcur, ix.pass.off)
	copy(dcur, ix.doc.off)
	clear(dlast)
	ix.doc.length = make([]float32, len(ix.docs))
	ix.terms = newDict(terms)
	ids, terms = nil, nil
	seqBytes := 0
	for _, c := range chunks {
		for _, l := range c.seq {
			seqBytes += seqSize(uint32(c.w.global[l]))
		}
	}
	ix.seq = make([]byte, 0, seqBytes)
	ix.seqOff = make([]uint32, 0, len(ix.passages)+1)
	var plen, dlen float64
	addDoc := func(t, di uint32, v float32) {
		if dlast[t] != di+1 {
			dlast[t] = di + 1
			ix.doc.ids[dcur[t]] = di
			ix.doc.tf[dcur[t]] = v
			dcur[t]++
		} else {
			ix.doc.tf[dcur[t]-1] += v
		}
	}
	pi = 0
	for ci, c := range chunks {
		w := c.w
		f, s := 0, 0
		for k, nf := range c.nf {
			di := ix.pdoc[pi]
			for j := f; j < f+int(nf); j++ {
				t := c.term[j]
				ix.pass.ids[pcur[t]] = uint32(pi)
				ix.pass.tf[pcur[t]] = quantizeTF(c.tf[j])
				pcur[t]++
				if btf := c.btf[j]; btf > 0 {
					addDoc(t, di, btf)
				}
			}
			f += int(nf)
			if tw > 0 && (pi == 0 || ix.pdoc[pi-1] != di) {
				for _, t := range titles[titleOff[di]:titleOff[di+1]] {
					addDoc(t, di, tw)
					ix.doc.length[di] += tw
					dlen += float64(tw)
				}
			}
			ix.seqOff = append(ix.seqOff, uint32(len(ix.seq)))
			for _, l := range c.seq[s : s+int(c.ns[k])] {
				ix.seq = appendSeq(ix.seq, uint32(w.global[l]))
			}
			s += int(c.ns[k])
			blen := c.blen[k]
			ix.doc.length[di] += blen
			plen += float64(ix.pass.length[pi])
			dlen += float64(blen)
			pi++
		}
		chunks[ci] = nil // free as we go
	}
	ix.seqOff = append(ix.seqOff, uint32(len(ix.seq)))
	if len(ix.passages) > 0 {
		ix.pass.avg = float32(plen / float64(len(ix.passages)))
	}
	if len(ix.docs) > 0 {
		ix.doc.avg = float32(dlen / float64(len(ix.docs)))
	}
}

// allocPostings sizes p for terms with df[t] postings each.
func allocPostings[T uint16 | float32](p *postings[T], df []uint32) {
	p.off = make([]uint32, len(df)+1)
	total := uint32(0)
	for t, n := range df {
		p.off[t] = total
		total += n
	}
	p.off[len(df)] = total
	p.ids, p.tf = make([]uint32, total), make([]T, total)
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
	didf  float64 // document-level IDF
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

// ErrNoIndex is returned by Search on a nil index.
var ErrNoIndex = errors.New("search: no index")

// Search returns up to k passages that best match query, best first. A query
// of only stop words or punctuation returns no hits and no error; a query
// longer than MaxQueryChars is cut first. It is safe for concurrent use; the
// error is non-nil only when ctx is done or the Embedder fails, and then it
// wraps ErrKeywordsOnly and comes with the keyword ranking.
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
			return hits, err // the keyword ranking with ErrKeywordsOnly, or none
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
		id, known := ix.terms.lookup(t)
		w := 1.0
		if !known && ix.opts.Fuzzy >= 0 {
			if id, known = ix.correct(t); known {
				w = fuzzyDiscount
			}
		}
		q := qterm{id: id, known: known, w: w, idf: idf(n, 0)}
		if known {
			ix.setIDF(&q, n, len(ix.docs), ix.pass.df(id), ix.doc.df(id), ix.idfScale)
		}
		qs = append(qs, q)
	})
	return qs
}

// setIDF sets q's passage- and document-level IDF from n passages and nd
// documents of which df and ddf hold the term.
func (ix *Index) setIDF(q *qterm, n, nd, df, ddf int, idfScale float64) {
	q.idf = idf(n, df)
	q.didf = idf(nd, ddf)
	if m := ix.opts.DocIDF; m > 0 && nd > 1 {
		q.idf = (1-m)*q.idf + m*q.didf*idfScale
	}
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
func (ix *Index) expand(qs []qterm, first []cand) []qterm {
	in := map[uint32]bool{}
	for _, q := range qs {
		if q.known {
			in[q.id] = true
		}
	}
	n := len(ix.passages)
	weight := map[uint32]float64{}
	for _, f := range first {
		terms := ix.seqLen(f.id)
		if terms == 0 {
			continue
		}
		inv := 1 / float64(terms)
		for _, t := range ix.seqOf(f.id) {
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
		if q.expansion {
			mw = 0
		}
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

// queryTotal is the IDF mass of the query's own terms (not feedback
// expansions), the denominator of Match and of the proximity shares.
func queryTotal(qs []qterm) float64 {
	var total float64
	for _, q := range qs {
		if !q.expansion {
			total += q.idf * q.w
		}
	}
	return total
}

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

// String describes the index for logs.
func (ix *Index) String() string {
	st := ix.Stats()
	return fmt.Sprintf("index{docs=%d passages=%d terms=%d}", st.Docs, st.Passages, st.Terms)
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
			if qs[qi].known && !qs[qi].expansion && qs[qi].id == t {
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
	for i := 1; i < len(qs) && !qs[i].expansion; i++ {
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
