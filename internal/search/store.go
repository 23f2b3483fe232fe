package search

import (
	"iter"
	"slices"
	"sort"
	"strings"
)

// The compact parts of the index: the term dictionary, the passages' term
// sequences and the quantized passage term frequencies. Each is laid out
// in a few flat arrays, so that an index of 100,000 passages holds a
// handful of large allocations rather than a map entry and a string per
// term, and so that the saved index is read back by copying arrays.

// postings is one inverted list family: for term t, entries
// off[t]..off[t+1] of ids and tf.
type postings[T uint16 | float32] struct {
	off    []uint32  // len(terms)+1
	ids    []uint32  // passage or document ordinal
	tf     []T       // weighted term frequency (passage level: in tfUnit steps)
	length []float32 // weighted length per passage or document
	avg    float32   // average length
}

func (p *postings[T]) df(t uint32) int { return int(p.off[t+1] - p.off[t]) }

// Passage-level term frequencies are kept as uint16 counts of tfUnit
// (1/16): exact for any field weights that are multiples of 1/16 (the
// defaults are 1 and 0.5), and up to 4095.94, far above what a passage of
// a few thousand characters can hold; larger values saturate. Document
// level frequencies stay float32: a long document can exceed any small
// bound.
const (
	tfSteps = 16
	tfUnit  = 1.0 / tfSteps
)

// quantizeTF returns tf in tfUnit steps, rounded and saturated.
func quantizeTF(tf float32) uint16 {
	return uint16(min(float32(0xffff), tf*tfSteps+0.5))
}

// dict is the term dictionary: the terms by ID in one string, and the IDs
// in the order of their terms, for lookup by binary search and for the
// terms that share a first byte (spelling correction).
type dict struct {
	blob   string   // the terms by ID, concatenated
	off    []uint32 // term id is blob[off[id]:off[id+1]]; len = terms+1
	sorted []uint32 // term IDs in increasing order of their terms
}

// newDict returns the dictionary of terms, given by ID.
func newDict(terms []string) dict {
	n := 0
	for _, t := range terms {
		n += len(t)
	}
	var b strings.Builder
	b.Grow(n)
	d := dict{off: make([]uint32, len(terms)+1), sorted: make([]uint32, len(terms))}
	for i, t := range terms {
		d.off[i] = uint32(b.Len())
		b.WriteString(t)
		d.sorted[i] = uint32(i)
	}
	d.off[len(terms)] = uint32(b.Len())
	d.blob = b.String()
	slices.SortFunc(d.sorted, func(a, b uint32) int { return strings.Compare(terms[a], terms[b]) })
	return d
}

// len returns the number of terms.
func (d *dict) len() int { return len(d.sorted) }

// term returns the term with ID id.
func (d *dict) term(id uint32) string { return d.blob[d.off[id]:d.off[id+1]] }

// lookup returns the ID of term t, or false.
func (d *dict) lookup(t string) (uint32, bool) {
	i, found := sort.Find(len(d.sorted), func(i int) int { return strings.Compare(t, d.term(d.sorted[i])) })
	if !found {
		return 0, false
	}
	return d.sorted[i], true
}

// withFirst returns the IDs of the terms that start with byte c, in the
// order of their terms.
func (d *dict) withFirst(c byte) []uint32 {
	first := func(i int) byte { return d.blob[d.off[d.sorted[i]]] } // terms are never empty
	lo := sort.Search(len(d.sorted), func(i int) bool { return first(i) >= c })
	hi := lo + sort.Search(len(d.sorted)-lo, func(i int) bool { return first(lo+i) > c })
	return d.sorted[lo:hi]
}

// The passages' body terms in order (for proximity and feedback) are kept
// as unsigned varints, one after the other: term IDs are numbered in order
// of first occurrence, so frequent terms have small IDs and most take one
// or two bytes instead of four.

// appendSeq appends the varint encoding of term ID t to b.
func appendSeq(b []byte, t uint32) []byte {
	for t >= 0x80 {
		b = append(b, byte(t)|0x80)
		t >>= 7
	}
	return append(b, byte(t))
}

// seqSize returns the number of bytes appendSeq takes for t.
func seqSize(t uint32) int {
	n := 1
	for ; t >= 0x80; t >>= 7 {
		n++
	}
	return n
}

// seqOf returns the body terms of passage id in order, with their
// positions.
func (ix *Index) seqOf(id uint32) iter.Seq2[int, uint32] {
	b := ix.seq[ix.seqOff[id]:ix.seqOff[id+1]]
	return func(yield func(int, uint32) bool) {
		pos := 0
		for i := 0; i < len(b); pos++ {
			var t uint32
			for s := uint(0); ; s += 7 {
				c := b[i]
				i++
				t |= uint32(c&0x7f) << s
				if c < 0x80 {
					break
				}
			}
			if !yield(pos, t) {
				return
			}
		}
	}
}

// seqLen returns the number of body terms of passage id.
func (ix *Index) seqLen(id uint32) int {
	n := 0
	for _, c := range ix.seq[ix.seqOff[id]:ix.seqOff[id+1]] {
		if c < 0x80 {
			n++
		}
	}
	return n
}
