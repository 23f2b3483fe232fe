package library

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLargeFolderIsIndexedInSegments(t *testing.T) {
	f := newFixture(t)
	genFolder(t, f.root, 400, 4000) // about 1.6 MB of text
	f.write("d00/needle.md", "# Needle\n\nThe zqxneedle appears only here, next to Albania.\n")
	opts := f.options()
	opts.Knowledge.MaxFileBytes = 0
	l := openLib(t, opts)
	s := l.Current()
	if s.Segments() < 2 || s.Index != nil {
		t.Fatalf("segments = %d, Index set = %v", s.Segments(), s.Index != nil)
	}
	hits, err := l.Search(context.Background(), "zqxneedle", 3)
	if err != nil || len(hits) != 1 || hits[0].Passage.Doc != "d00/needle.md" {
		t.Fatalf("merged search: %v %+v", err, hits)
	}
	hits, _ = l.Search(context.Background(), "Albania report", 7)
	if len(hits) != 7 || !slices.IsSortedFunc(hits, func(a, b searchHit) int { return cmp.Compare(b.Score, a.Score) }) {
		t.Fatalf("merged hits not k or not sorted: %d", len(hits))
	}

	// One changed file rebuilds one segment; the others are reused.
	before := s
	segFiles := func() []string {
		names, _ := filepath.Glob(filepath.Join(f.indexDir(), "seg-*.bin"))
		return names
	}
	savedBefore := segFiles()
	if len(savedBefore) != s.Segments() {
		t.Errorf("%d segment files saved for %d segments", len(savedBefore), s.Segments())
	}
	f.write("d00/needle.md", "# Needle\n\nThe zqxthread appears only here now.\n")
	r := refresh(t, l)
	if !slices.Equal(r.Changed, []string{"d00/needle.md"}) {
		t.Fatalf("report %+v", r)
	}
	after := l.Current()
	reused := 0
	for i := range after.segs {
		if after.segs[i] == before.segs[i] {
			reused++
		}
	}
	if reused != len(after.segs)-1 {
		t.Errorf("reused %d of %d segments, want all but one", reused, len(after.segs))
	}
	if hits, _ := l.Search(context.Background(), "zqxthread", 1); len(hits) != 1 {
		t.Error("changed text not found")
	}
	if hits, _ := l.Search(context.Background(), "zqxneedle", 1); len(hits) != 0 {
		t.Error("old text still found")
	}

	// Only the changed segment is saved again; its old file is removed.
	l.Close()
	savedAfter := segFiles()
	if len(savedAfter) != after.Segments() {
		t.Errorf("%d segment files saved for %d segments", len(savedAfter), after.Segments())
	}
	if n := len(slices.DeleteFunc(slices.Clone(savedAfter), func(p string) bool { return slices.Contains(savedBefore, p) })); n != 1 {
		t.Errorf("%d segment files written for one changed file, want 1", n)
	}

	// The segments are loaded again.
	f.parsed.take()
	l2, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if n := len(f.parsed.take()); n != 0 {
		t.Errorf("restart parsed %d files", n)
	}
	if l2.Current().Segments() != after.Segments() {
		t.Errorf("segments %d after restart, %d before", l2.Current().Segments(), after.Segments())
	}
	h1, _ := after.Search(context.Background(), "Albania report", 5)
	h2, _ := l2.Search(context.Background(), "Albania report", 5)
	if len(h1) != len(h2) {
		t.Fatal("different result counts after restart")
	}
	for i := range h1 {
		if h1[i].Passage.ID != h2[i].Passage.ID {
			t.Errorf("rank %d: %s vs %s after restart", i+1, h1[i].Passage.ID, h2[i].Passage.ID)
		}
	}
	if !strings.Contains(f.logs.String(), "index segments built") {
		t.Error("no segment log line")
	}
	os.RemoveAll(filepath.Join(f.root, "d00"))
}

func TestChooseSegments(t *testing.T) {
	for _, tc := range []struct{ cur, ideal, want int }{
		{0, 1, 1}, {0, 12, 12}, {12, 12, 12}, {12, 20, 12}, {12, 24, 12}, {12, 25, 25}, {12, 6, 12}, {12, 5, 5}, {1, 1, 1}, {1, 3, 3},
	} {
		if got := chooseSegments(tc.cur, tc.ideal); got != tc.want {
			t.Errorf("chooseSegments(%d, %d) = %d, want %d", tc.cur, tc.ideal, got, tc.want)
		}
	}
}
