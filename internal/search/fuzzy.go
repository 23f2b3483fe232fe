package search

// Spelling tolerance: a query term that is not in the index (a typo such as
// "Maastrich" or "Ghandi") is replaced by the most frequent indexed term
// within a small edit distance that starts with the same letter.

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
		d := editDistance(t, c, maxD)
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

// editDistance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and adjacent transpositions of
// bytes), or max+1 as soon as it must exceed max.
func editDistance(a, b string, max int) int {
	if a == b {
		return 0
	}
	n, m := len(a), len(b)
	prev2 := make([]int, m+1)
	prev := make([]int, m+1)
	cur := make([]int, m+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= m; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m]
}
