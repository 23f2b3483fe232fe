package summary

import (
	"context"
	"testing"
)

// uncached runs do on a new summarizer with opts (so nothing is cached)
// each iteration.
func uncached(b *testing.B, opts Options, do func(*Summarizer) error) {
	b.Helper()
	for i := 0; i < b.N; i++ {
		if err := do(New(opts)); err != nil {
			b.Fatal(err)
		}
	}
}

// summaryOf writes s's medium summary of all the documents.
func summaryOf(s *Summarizer) error {
	_, err := s.Summary(context.Background(), SummaryRequest{}, nil)
	return err
}

// timelineOf writes s's timeline of all the documents.
func timelineOf(s *Summarizer) error {
	_, err := s.Timeline(context.Background(), TimelineRequest{})
	return err
}

// BenchmarkSummaryStory measures an uncached offline medium summary of the
// story.
func BenchmarkSummaryStory(b *testing.B) {
	uncached(b, Options{Source: staticSource("v", storyDocs(b))}, summaryOf)
}

// BenchmarkSummaryXquad measures an uncached offline medium summary of the
// 240 xquad_en documents.
func BenchmarkSummaryXquad(b *testing.B) {
	uncached(b, Options{Source: staticSource("v", xquadDocs(b))}, summaryOf)
}

// BenchmarkTimelineXquad measures an uncached offline timeline of the 240
// xquad_en documents.
func BenchmarkTimelineXquad(b *testing.B) {
	uncached(b, Options{Source: staticSource("v", xquadDocs(b))}, timelineOf)
}

// BenchmarkMapReduceXquad measures the map-reduce bookkeeping (packing,
// rendering, checking) over xquad_en with an instant fake model.
func BenchmarkMapReduceXquad(b *testing.B) {
	docs := xquadDocs(b)
	p := defaultPrompts()
	for i := 0; i < b.N; i++ {
		s := New(Options{Source: staticSource("v", docs), Model: &fakeModel{complete: echoModel}, Prompts: p}) // a new model each time
		if err := summaryOf(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCachedSummary measures a summary served from the cache.
func BenchmarkCachedSummary(b *testing.B) {
	s := New(Options{Source: staticSource("v", xquadDocs(b))})
	s.Summary(context.Background(), SummaryRequest{}, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if sum, _ := s.Summary(context.Background(), SummaryRequest{}, nil); !sum.Cached {
			b.Fatal("not cached")
		}
	}
}
