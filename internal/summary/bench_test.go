package summary

import (
	"context"
	"testing"
)

// BenchmarkSummaryStory measures an uncached offline medium summary of the
// story.
func BenchmarkSummaryStory(b *testing.B) {
	docs := storyDocs(b)
	for i := 0; i < b.N; i++ {
		s := New(Options{Source: staticSource("v", docs)})
		if _, err := s.Summary(context.Background(), SummaryRequest{}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSummaryXquad measures an uncached offline medium summary of the
// 240 xquad_en documents.
func BenchmarkSummaryXquad(b *testing.B) {
	docs := xquadDocs(b)
	for i := 0; i < b.N; i++ {
		s := New(Options{Source: staticSource("v", docs)})
		if _, err := s.Summary(context.Background(), SummaryRequest{}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTimelineXquad measures an uncached offline timeline of the 240
// xquad_en documents.
func BenchmarkTimelineXquad(b *testing.B) {
	docs := xquadDocs(b)
	for i := 0; i < b.N; i++ {
		s := New(Options{Source: staticSource("v", docs)})
		if _, err := s.Timeline(context.Background(), TimelineRequest{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMapReduceXquad measures the map-reduce bookkeeping (packing,
// rendering, checking) over xquad_en with an instant fake model.
func BenchmarkMapReduceXquad(b *testing.B) {
	docs := xquadDocs(b)
	p := defaultPrompts()
	for i := 0; i < b.N; i++ {
		s := New(Options{Source: staticSource("v", docs), Model: &fakeModel{complete: echoModel}, Prompts: p})
		if _, err := s.Summary(context.Background(), SummaryRequest{}, nil); err != nil {
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
