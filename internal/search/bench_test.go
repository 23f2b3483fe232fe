package search

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"storybot/internal/knowledge"
	"storybot/internal/latency"
)

// synthetic builds a deterministic corpus of n passages of about 1,000
// characters: words drawn from a Zipf distribution over a 60,000-word
// vocabulary of pronounceable pseudo-words, in sentences, 20 passages a
// document. The same seed always gives the same corpus.
type synthetic struct {
	docs    []*knowledge.Document
	vocab   []string
	zipf    *rand.Zipf
	rng     *rand.Rand
	textLen int64
}

var syllables = strings.Fields("ka ri to ne sa mi lo ven dar tis por gel ban che ul ith om ara est ion ter pla sko vim dru fen")

func newSynthetic(n int) *synthetic {
	rng := rand.New(rand.NewPCG(42, 7))
	s := &synthetic{rng: rng}
	seen := map[string]bool{}
	for len(s.vocab) < 60000 {
		var b strings.Builder
		for j := 0; j < 2+rng.IntN(3); j++ {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			s.vocab = append(s.vocab, w)
		}
	}
	s.zipf = rand.NewZipf(rng, 1.07, 2, uint64(len(s.vocab)-1))
	const perDoc = 20
	for d := 0; d*perDoc < n; d++ {
		doc := &knowledge.Document{Path: fmt.Sprintf("doc%05d.txt", d), Title: s.sentence(4), Hash: fmt.Sprint(d)}
		for p := 0; p < perDoc && d*perDoc+p < n; p++ {
			var b strings.Builder
			for b.Len() < 1000 {
				b.WriteString(s.sentence(8 + rng.IntN(14)))
				b.WriteString(". ")
			}
			text := strings.TrimSpace(b.String())
			s.textLen += int64(len(text))
			doc.Passages = append(doc.Passages, knowledge.Passage{ID: fmt.Sprintf("%d-%d", d, p), Doc: doc.Path, Title: doc.Title, ParaStart: p + 1, ParaEnd: p + 1, StartLine: p + 1, EndLine: p + 1, Text: text})
		}
		s.docs = append(s.docs, doc)
	}
	return s
}

func (s *synthetic) sentence(words int) string {
	w := make([]string, words)
	for i := range w {
		w[i] = s.vocab[s.zipf.Uint64()]
	}
	w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
	return strings.Join(w, " ")
}

// queries returns question-like queries of 3 to 8 words from the corpus
// vocabulary, mixing common and rare words.
func (s *synthetic) queries(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "what is the " + s.sentence(3+s.rng.IntN(6)) + "?"
	}
	return out
}

var (
	corpusMu sync.Mutex
	corpora  = map[int]*synthetic{}
	indexes  = map[int]*Index{}
)

func benchIndex(b *testing.B, n int) (*synthetic, *Index) {
	b.Helper()
	corpusMu.Lock()
	defer corpusMu.Unlock()
	if ix, ok := indexes[n]; ok {
		return corpora[n], ix
	}
	s := newSynthetic(n)
	ix, err := Build(context.Background(), s.docs, Options{})
	if err != nil {
		b.Fatal(err)
	}
	corpora[n], indexes[n] = s, ix
	return s, ix
}

func sizes(b *testing.B) []int {
	if testing.Short() {
		return []int{10000}
	}
	return []int{10000, 100000}
}

// BenchmarkSearch measures query latency at 10,000 and 100,000 passages
// (about 10 MB and 100 MB of text) and reports p50 and p99 in ms.
func BenchmarkSearch(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("passages=%d", n), func(b *testing.B) {
			s, ix := benchIndex(b, n)
			qs := s.queries(500)
			ctx := context.Background()
			latency.Bench(b, time.Millisecond, func(i int) error {
				_, err := ix.Search(ctx, qs[i%len(qs)], 10)
				return err
			})
		})
	}
}

// BenchmarkBuild measures indexing and reports the memory the index takes
// relative to the passage text (resident = text + index).
func BenchmarkBuild(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("passages=%d", n), func(b *testing.B) {
			s := newSynthetic(n)
			b.SetBytes(s.textLen)
			var ix *Index
			var before, after runtime.MemStats
			b.ResetTimer()
			for b.Loop() {
				ix = nil
				runtime.GC()
				runtime.ReadMemStats(&before)
				var err error
				if ix, err = Build(context.Background(), s.docs, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			runtime.GC()
			runtime.ReadMemStats(&after)
			index := float64(after.HeapAlloc) - float64(before.HeapAlloc)
			b.ReportMetric(index/float64(s.textLen), "index/text")
			b.ReportMetric((index+float64(s.textLen))/float64(s.textLen), "resident/text")
			runtime.KeepAlive(ix)
		})
	}
}

// BenchmarkReadIndex measures loading a saved index (a restart over an
// unchanged folder) and reports the file size.
func BenchmarkReadIndex(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("passages=%d", n), func(b *testing.B) {
			s, ix := benchIndex(b, n)
			var buf bytes.Buffer
			if _, err := ix.WriteTo(&buf); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := ReadIndex(bytes.NewReader(buf.Bytes()), s.docs, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len())/1e6, "file-MB")
		})
	}
}

// BenchmarkWriteTo measures saving an index.
func BenchmarkWriteTo(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("passages=%d", n), func(b *testing.B) {
			_, ix := benchIndex(b, n)
			var size int64
			for b.Loop() {
				var err error
				if size, err = ix.WriteTo(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(size)
		})
	}
}
