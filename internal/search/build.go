package search

import (
	"context"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"storybot/internal/knowledge"
	"storybot/internal/textan"
)

// This file builds an Index: documents analysed in parallel chunks, then
// inverted into passage and document postings.

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
