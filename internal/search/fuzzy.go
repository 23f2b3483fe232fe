package search

import "storybot/internal/spell"

// Spelling tolerance: a query term that is not in the index (a typo such as
// "Maastrich" or "Ghandi") is replaced by the most frequent indexed term
// within a small edit distance (spell.Distance) that starts with the same
// letter. This serves every search (storybot search, eval's retrieval); the
// answer pipeline corrects the question itself first (internal/spell), so
// that its coverage rule and sentence choice read the corrected words too
// and the answer can say how it read them.

// fuzzyMinLen is the shortest term that is corrected; shorter words are too
// ambiguous.
const fuzzyMinLen = 5

// fuzzyDiscount weighs a corrected term below an exact one.
const fuzzyDiscount = 0.8

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// correct returns the indexed term closest to t (edit distance 1, or 2 for
// terms of 8 bytes or more), preferring the most frequent, or false.
func (ix *Index) correct(t string) (uint32, bool) {
	if len(t) < fuzzyMinLen || isDigit(t[0]) {
		return 0, false
	}
	maxD := 1
	if len(t) >= 8 {
		maxD = 2
	}
	best, bestD, bestDF := uint32(0), maxD+1, -1
	// the candidates share t's first byte; those too short or too long
	// for maxD are skipped by the length test
	for _, id := range ix.terms.withFirst(t[0]) {
		c := ix.terms.term(id)
		if d := len(c) - len(t); d > maxD || -d > maxD {
			continue
		}
		d := spell.Distance(t, c, maxD)
		if d > maxD {
			continue
		}
		df := ix.pass.df(id)
		if d < bestD || (d == bestD && (df > bestDF || (df == bestDF && c < ix.terms.term(best)))) {
			best, bestD, bestDF = id, d, df
		}
	}
	return best, bestD <= maxD
}
