package storyqa

import (
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en" // registers the "en" analyzer
)

// Analyzer turns text into index terms.
type Analyzer func(text string) []string

// English is bleve's "en" analyzer: Unicode tokens, possessives, lower
// case, English stop words, Porter stemming. It is safe for concurrent use.
func English() Analyzer {
	an := bleve.NewIndexMapping().AnalyzerNamed("en")
	return func(text string) []string {
		ts := an.Analyze([]byte(text))
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = string(t.Term)
		}
		return out
	}
}

// BM25 parameters of the plain baseline (the usual defaults).
const (
	k1 = 1.2
	b  = 0.75
)

// BM25 is a plain Okapi BM25 index over a few texts, in memory. It is
// immutable once built and safe for concurrent use.
type BM25 struct {
	an   Analyzer
	tf   []map[string]int
	lens []float64
	avg  float64
	df   map[string]int
}

// NewBM25 indexes texts with an.
func NewBM25(an Analyzer, texts []string) *BM25 {
	ix := &BM25{an: an, df: map[string]int{}}
	var total float64
	for _, t := range texts {
		tf := map[string]int{}
		terms := an(t)
		for _, term := range terms {
			tf[term]++
		}
		for term := range tf {
			ix.df[term]++
		}
		ix.tf = append(ix.tf, tf)
		ix.lens = append(ix.lens, float64(len(terms)))
		total += float64(len(terms))
	}
	if len(texts) > 0 {
		ix.avg = total / float64(len(texts))
	}
	return ix
}

// Top returns the positions of the k texts that score best for q, best
// first (ties: earlier text first); texts that share no term with q are
// left out.
func (ix *BM25) Top(q string, k int) []int {
	n := float64(len(ix.tf))
	scores := make([]float64, len(ix.tf))
	seen := map[string]bool{}
	for _, term := range ix.an(q) {
		df := ix.df[term]
		if seen[term] || df == 0 {
			continue
		}
		seen[term] = true
		idf := math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
		for i, tf := range ix.tf {
			if f := float64(tf[term]); f > 0 {
				scores[i] += idf * f * (k1 + 1) / (f + k1*(1-b+b*ix.lens[i]/ix.avg))
			}
		}
	}
	var out []int
	for i, s := range scores {
		if s > 0 {
			out = append(out, i)
		}
	}
	sort.SliceStable(out, func(a, c int) bool { return scores[out[a]] > scores[out[c]] })
	return out[:min(k, len(out))]
}
