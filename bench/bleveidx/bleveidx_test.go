package bleveidx

import (
	"context"
	"path/filepath"
	"testing"

	"storybot/internal/knowledge"
)

func docs() []*knowledge.Document {
	return []*knowledge.Document{
		{Path: "a.txt", Passages: []knowledge.Passage{
			{ID: "a1", Doc: "a.txt", Title: "Albania", Text: "Albania cut ties with Iran after the cyberattack."},
			{ID: "a2", Doc: "a.txt", Title: "Albania", Text: "The weather in Tirana was mild."},
		}},
		{Path: "b.txt", Passages: []knowledge.Passage{
			{ID: "b1", Doc: "b.txt", Title: "Ports", Section: "Adriatic", Text: "Durres is a port city."},
		}},
	}
}

// TestBuildSearchOpen checks the English analysis (stemming, stop words),
// that fields other than the text are searched, that hits map back to the
// caller's passages, and that a reopened index answers the same.
func TestBuildSearchOpen(t *testing.T) {
	ctx := context.Background()
	ds := docs()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Build(ctx, dir, ds, Options{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() != 3 {
		t.Errorf("Len = %d, want 3", ix.Len())
	}
	tests := []struct {
		q    string
		want []string // passage IDs, best first
	}{
		{"cyberattacks on Albania", []string{"a1", "a2"}}, // "Albania" is also the title of a2
		{"port cities", []string{"b1"}},
		{"adriatic", []string{"b1"}}, // the section heading
		{"the of and", nil},
	}
	check := func(ix *Index) {
		t.Helper()
		for _, tt := range tests {
			ps, err := ix.Search(ctx, tt.q, 5)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.ID)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
				t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
			}
			for _, p := range ps {
				if p.ID == "a1" && p != &ds[0].Passages[0] {
					t.Error("hit is not the caller's passage")
				}
			}
		}
	}
	check(ix)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, ds)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	check(ix)
}

func TestBuildFailsOnExistingIndexAndCancel(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Build(ctx, dir, docs(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if _, err := Build(ctx, dir, docs(), Options{}); err == nil {
		t.Error("building over an existing index gave no error")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Build(cctx, filepath.Join(t.TempDir(), "index"), docs(), Options{}); err == nil {
		t.Error("a cancelled build gave no error")
	}
}
