package answer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/eval"
	"storybot/internal/knowledge"
	"storybot/internal/search"
	"storybot/internal/spell"
)

// benchCorpus writes the story plus synthetic documents (Zipf-distributed
// words, about 1,000 characters a paragraph) into a folder, loads and indexes
// it, and checks the index holds at least want passages.
func benchCorpus(b *testing.B, want int) *search.Index {
	b.Helper()
	dir := b.TempDir()
	story, err := os.ReadFile("testdata/knowledge/Albania-cuts-ties-with-Iran-2022-09-07.txt")
	if err != nil {
		b.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "story.txt"), story, 0o644)
	r := rand.New(rand.NewPCG(1, 2))
	vocab := strings.Fields(string(story))
	for i := 0; i < 20000; i++ {
		var w strings.Builder
		for j := 0; j < 3+r.IntN(7); j++ {
			w.WriteByte(byte('a' + r.IntN(26)))
		}
		vocab = append(vocab, w.String())
	}
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))
	const parasPerDoc = 20
	for d := 0; d*parasPerDoc < want; d++ {
		var doc strings.Builder
		fmt.Fprintf(&doc, "# Synthetic document %d\n\n", d)
		for p := 0; p < parasPerDoc; p++ {
			n := 0
			for n < 1000 {
				s := 8 + r.IntN(20)
				for i := 0; i < s; i++ {
					w := vocab[zipf.Uint64()]
					if i == 0 && w[0] >= 'a' && w[0] <= 'z' {
						w = strings.ToUpper(w[:1]) + w[1:]
					}
					doc.WriteString(w)
					n += len(w) + 1
					if i < s-1 {
						doc.WriteByte(' ')
					}
				}
				doc.WriteString(". ")
			}
			doc.WriteString("\n\n")
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("synthetic-%04d.md", d)), []byte(doc.String()), 0o644)
	}
	ctx := context.Background()
	docs, skipped, err := knowledge.Load(ctx, dir, knowledge.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if len(skipped) > 0 {
		b.Fatalf("%d files skipped, first: %+v", len(skipped), skipped[0])
	}
	ix, err := search.Build(ctx, docs, search.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if st := ix.Stats(); st.Passages < want {
		b.Fatalf("corpus has %d passages, want ≥ %d", st.Passages, want)
	}
	return ix
}

var benchQuestions = []string{
	"Why did Albania sever diplomatic relations with Iran?",
	"Who announced that Albania was ending diplomatic relations with Iran?",
	"How did the White House describe the cyberattack?",
	"How many members of the MEK did Albania welcome in 2014?",
	"Who helped Albania recover from the attack?",
	"What did Rama say the cyberattack threatened to do?",
	"What is the tallest mountain in Africa?",
	"Why did Albnia cut ties with Iarn?",
}

// BenchmarkAsk measures everything but the model's own time (spelling
// correction, retrieval, coverage, prompt rendering, citation checks, or
// the extractive answer) at 10,000 passages, with a model that answers at
// once. It reports the p99 latency of one Ask in ms:
//
//	go test ./internal/answer -run '^$' -bench BenchmarkAsk -benchtime 2000x
func BenchmarkAsk(b *testing.B) {
	ix := benchCorpus(b, 10000)
	b.Logf("index: %+v", ix.Stats())
	reply := `Albania cut ties over the July cyberattack [1], which Washington called "reckless and irresponsible" [2].`
	model := &fakeModel{complete: func(_ context.Context, _ chat.Request, onDelta func(string)) (chat.Response, error) {
		if onDelta != nil {
			onDelta(reply)
		}
		return chat.Response{Text: reply}, nil
	}}
	for _, c := range []struct {
		name  string
		model answer.Model
	}{{"llm", model}, {"offline", nil}} {
		b.Run(c.name, func(b *testing.B) {
			opts := answer.Options{Retriever: ix, Speller: spell.New(ix.Docs())} // as the bot asks
			if c.model != nil {
				opts.Model = c.model
			}
			p := answer.New(opts)
			ctx := context.Background()
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				q := benchQuestions[i%len(benchQuestions)]
				start := time.Now()
				if _, err := p.Ask(ctx, answer.Request{Question: q}, func(answer.Event) {}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			p99 := eval.Percentile(lat, 99)
			p50 := eval.Percentile(lat, 50)
			b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
		})
	}
}
