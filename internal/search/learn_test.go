package search

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"storybot/internal/eval"
	"storybot/internal/knowledge"
)

// The reranker's trainer. It runs only with -learn (the command that fitted
// today's defaults is in search.go, above the defaults):
//
//	go test ./internal/search -run TestLearnRerank -learn ../../../shared/eval -v
//
// It indexes covidqa and xquad_en, collects the first stage's best
// RerankDepth passages for every question with the features of
// features_test.go, and fits a linear model over the features named by
// -learn-feats (the first stage's score keeps weight 1), the DocDecay and,
// with -learn-tail, DiverseAfter, by coordinate ascent on the odd-numbered
// questions (1st, 3rd, ... line) only. The objective, per set, is recall@5
// + a × answer-in-passages@5 + m × MRR (+ r1 × recall@1), less 10 per unit
// that answer-in-passages@5 or recall@1 of the training half falls more
// than the floors below the starting weights' (measured without the
// tail). It prints the weights and the metrics of the odd (training) and
// even (held-out) halves; the ranking it simulates is finish's, and the
// eval command gives the same numbers once the weights are the defaults.
var (
	learnDir       = flag.String("learn", "", "eval folder (../shared/eval) to learn the reranker's weights from; empty: skip")
	learnDepth     = flag.Int("learn-depth", 0, "candidates per question (0: RerankDepth)")
	learnA         = flag.Float64("learn-a", 0.5, "weight of answer-in-passages@5 in the objective")
	learnM         = flag.Float64("learn-m", 0.5, "weight of MRR in the objective")
	learnR1        = flag.Float64("learn-r1", 0, "weight of recall@1 in the objective")
	learnAFloor    = flag.Float64("learn-afloor", 0, "answer-in-passages@5 floor per set, as a drop from the start (0: none)")
	learnR1Floor   = flag.Float64("learn-r1floor", 0, "recall@1 floor per set, as a drop from the start (0: none)")
	learnGap       = flag.Float64("learn-gap", 1e9, "diversify the tail only when the gap between the two best documents' scores, over the best, is below this")
	learnTail      = flag.Int("learn-tail", defDiverseAfter, "DiverseAfter: after this many passages, further documents first (0: off)")
	learnDecay     = flag.Float64("learn-decay", defDocDecay, "the decay to start from")
	learnFixDecay  = flag.Bool("learn-fix-decay", false, "keep the decay at its default")
	learnFromHand  = flag.Bool("learn-from-hand", false, "start from the hand-tuned weights of before the trainer (ProxWeight 1.5, ProxWideWeight and PhraseWeight 0.75, DocDecay 0.97), not from today's defaults")
	learnDocWeight = flag.Float64("learn-docweight", 0, "DocWeight of the first stage (0: default)")
	learnOnly      = flag.String("learn-feats", "", "comma-separated features to learn (empty: all)")
)

// docMatch returns the IDF share of the query's terms that each document
// holds (in its body or title).
func (ix *Index) docMatch(qs []qterm) []float32 {
	m := make([]float32, len(ix.docs))
	total := queryTotal(qs)
	for _, q := range qs {
		if !q.known {
			continue
		}
		for j := ix.doc.off[q.id]; j < ix.doc.off[q.id+1]; j++ {
			m[ix.doc.ids[j]] += float32(q.idf * q.w / total)
		}
	}
	return m
}

type lcand struct {
	f    feats
	doc  uint32
	gold bool
	ans  bool
}

type lquery struct {
	set   int
	cands []lcand
}

// collect runs the first stage for q and returns its candidates.
func (ix *Index) collect(q eval.Question, depth int) []lcand {
	qs := ix.queryTerms(q.Question)
	if len(qs) == 0 {
		return nil
	}
	s := ix.getScratch()
	defer ix.putScratch(s)
	maxP, maxD := ix.accumulate(qs, s)
	parts := []part{{ix: ix, qs: qs, s: s}}
	var out []cand
	for _, o := range ix.firstStage(s, depth, maxP, maxD) {
		out = append(out, cand{scored: o})
	}
	f := make([]feats, len(out))
	candFeatures(parts, out, maxP, maxD, ix.docMatch(qs), f)
	golds := q.Golds()
	var ans []string
	for _, a := range q.Answers {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
			ans = append(ans, a)
		}
	}
	cs := make([]lcand, len(out))
	for i, o := range out {
		p := ix.passages[o.id]
		c := lcand{f: f[i], doc: ix.pdoc[o.id]}
		for _, g := range golds {
			if path.Base(p.Doc) == path.Base(g) {
				c.gold = true
			}
		}
		text := strings.ToLower(p.Text)
		for _, a := range ans {
			if strings.Contains(text, a) {
				c.ans = true
			}
		}
		cs[i] = c
	}
	return cs
}

type lmetrics struct{ n, r1, r5, a5, mrr float64 }

func (m lmetrics) String() string {
	return fmt.Sprintf("R1 %.4f R5 %.4f A5 %.4f MRR %.4f (n=%d)", m.r1/m.n, m.r5/m.n, m.a5/m.n, m.mrr/m.n, int(m.n))
}

// rankL orders the candidates by w and decay, as rankFinish does, and
// returns the order.
func rankL(cs []lcand, w *weights, decay float32, sc []float32, idx []int) []int {
	idx = idx[:0]
	sc = sc[:0]
	for i := range cs {
		idx = append(idx, i)
		sc = append(sc, w.score(&cs[i].f))
	}
	less := func(a, b int) bool {
		if sc[a] != sc[b] {
			return sc[a] > sc[b]
		}
		return a < b
	}
	sort.Slice(idx, func(i, j int) bool { return less(idx[i], idx[j]) })
	if decay > 0 && decay < 1 {
		seen := map[uint32]int{}
		for _, i := range idx {
			for range seen[cs[i].doc] {
				sc[i] *= decay
			}
			seen[cs[i].doc]++
		}
		sort.Slice(idx, func(i, j int) bool { return less(idx[i], idx[j]) })
	}
	gap := 1.0
	if len(idx) > 0 {
		d0 := cs[idx[0]].doc
		for _, i := range idx[1:] {
			if cs[i].doc != d0 {
				gap = float64((sc[idx[0]] - sc[i]) / sc[idx[0]])
				break
			}
		}
	}
	if m := *learnTail; m > 0 && len(idx) > m && gap < *learnGap {
		shown := map[uint32]bool{}
		for _, i := range idx[:m] {
			shown[cs[i].doc] = true
		}
		var first, rest []int
		for _, i := range idx[m:] {
			if !shown[cs[i].doc] {
				shown[cs[i].doc] = true
				first = append(first, i)
			} else {
				rest = append(rest, i)
			}
		}
		idx = append(append(idx[:m], first...), rest...)
	}
	return idx
}

func evalL(qs []lquery, w *weights, decay float32, sets int) []lmetrics {
	m := make([]lmetrics, sets)
	var sc []float32
	var idx []int
	for _, q := range qs {
		mm := &m[q.set]
		mm.n++
		idx = rankL(q.cands, w, decay, sc, idx)
		for r, i := range idx[:min(10, len(idx))] {
			if q.cands[i].gold {
				mm.mrr += 1 / float64(r+1)
				if r < 1 {
					mm.r1++
				}
				if r < 5 {
					mm.r5++
				}
				break
			}
		}
		for r, i := range idx[:min(5, len(idx))] {
			_ = r
			if q.cands[i].ans {
				mm.a5++
				break
			}
		}
	}
	return m
}

// objective is what the trainer maximises: per set, recall@5 plus the
// weighted answer-in-passages@5, MRR and recall@1, less a penalty of 10
// per unit that answer-in-passages@5 or recall@1 falls below its floor
// (the start's value less the allowed drop).
func objective(ms, start []lmetrics) float64 {
	var o float64
	for i, m := range ms {
		o += (m.r5 + *learnA*m.a5 + *learnM*m.mrr + *learnR1*m.r1) / m.n
		if *learnAFloor > 0 {
			o -= 10 * max(0, start[i].a5/start[i].n-*learnAFloor-m.a5/m.n)
		}
		if *learnR1Floor > 0 {
			o -= 10 * max(0, start[i].r1/start[i].n-*learnR1Floor-m.r1/m.n)
		}
	}
	return o
}

func TestLearnRerank(t *testing.T) {
	if *learnDir == "" {
		t.Skip("no -learn folder")
	}
	train, test := learnData(t)
	sets := []string{"covidqa", "xquad_en"}
	w := weights{fPass: 1, fDoc: defDocWeight, fNear: defProxWeight, fWide: defProxWideWeight, fPhrase: defPhraseWeight}
	decay := float32(*learnDecay)
	if *learnFromHand {
		w = weights{fPass: 1, fDoc: defDocWeight, fNear: 1.5, fWide: 0.75, fPhrase: 0.75}
		decay = 0.97
	}
	if *learnDocWeight > 0 {
		w[fDoc] = float32(*learnDocWeight)
	}
	report := func(label string) {
		tr, te := evalL(train, &w, decay, len(sets)), evalL(test, &w, decay, len(sets))
		for si, set := range sets {
			t.Logf("%s %-8s odd  %v", label, set, tr[si])
			t.Logf("%s %-8s even %v", label, set, te[si])
		}
	}
	report("start")
	learn := map[int]bool{}
	for i := range nFeat {
		if i != fPass && i != fBias {
			learn[i] = true
		}
	}
	if *learnOnly != "" {
		learn = map[int]bool{}
		for _, n := range strings.Split(*learnOnly, ",") {
			for i, fn := range featNames {
				if fn == n {
					learn[i] = true
				}
			}
		}
	}
	// the floors are measured without the tail, against today's ranking
	tail := *learnTail
	*learnTail = 0
	start := evalL(train, &w, decay, len(sets))
	*learnTail = tail
	best := objective(evalL(train, &w, decay, len(sets)), start)
	steps := []float32{-2, -1, -0.5, -0.25, -0.1, -0.05, 0.05, 0.1, 0.25, 0.5, 1, 2}
	for round := 0; round < 20; round++ {
		improved := false
		for i := range nFeat {
			if !learn[i] {
				continue
			}
			bw, bo := w[i], best
			for _, st := range steps {
				w2 := w
				w2[i] += st
				if o := objective(evalL(train, &w2, decay, len(sets)), start); o > bo+1e-9 {
					bw, bo = w2[i], o
				}
			}
			if bo > best {
				w[i], best, improved = bw, bo, true
			}
		}
		// the decay
		bd, bo := decay, best
		for _, d := range []float32{0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 1} {
			if *learnFixDecay {
				break
			}
			if o := objective(evalL(train, &w, d, len(sets)), start); o > bo+1e-9 {
				bd, bo = d, o
			}
		}
		if bo > best {
			decay, best, improved = bd, bo, true
		}
		t.Logf("round %d: objective %.4f", round, best)
		if !improved {
			break
		}
	}
	var sb strings.Builder
	for i, v := range w {
		if v != 0 {
			fmt.Fprintf(&sb, " %s=%.3g", featNames[i], math.Round(float64(v)*1000)/1000)
		}
	}
	t.Logf("weights:%s decay=%.3g", sb.String(), decay)
	report("learned")
}

// learnData indexes the sets and returns the candidates of their odd
// (train) and even (test) questions.
func learnData(t *testing.T) (train, test []lquery) {
	ctx := context.Background()
	sets := []string{"covidqa", "xquad_en"}
	for si, set := range sets {
		docs, _, err := knowledge.Load(ctx, filepath.Join(*learnDir, set, "docs"), knowledge.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ix, err := Build(ctx, docs, Options{DocWeight: *learnDocWeight})
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(*learnDir, set, "questions.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		qs, err := eval.ReadQuestions(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		depth := *learnDepth
		if depth <= 0 {
			depth = ix.opts.RerankDepth
		}
		inCands := 0
		for i, q := range qs {
			if !q.Scored() {
				continue
			}
			lq := lquery{set: si, cands: ix.collect(q, depth)}
			for _, c := range lq.cands {
				if c.gold {
					inCands++
					break
				}
			}
			if i%2 == 0 {
				train = append(train, lq)
			} else {
				test = append(test, lq)
			}
		}
		t.Logf("%s: %d questions, gold document among the candidates for %d", set, len(qs), inCands)
	}
	return train, test
}
