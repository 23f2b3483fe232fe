package library

import (
	"slices"
	"sync"
	"testing"
)

// OnRefresh hears the first build and every later refresh, with what each
// added and skipped.
func TestOnRefreshHearsEveryRefresh(t *testing.T) {
	f := storyFixture(t)
	var mu sync.Mutex
	var reps []Report
	opts := f.options()
	opts.OnRefresh = func(r Report) { mu.Lock(); reps = append(reps, r); mu.Unlock() }
	l := openLib(t, opts)
	f.write("b.md", storyB)
	f.write("bin.txt", "\x00\x01\x02 binary")
	refresh(t, l)
	mu.Lock()
	defer mu.Unlock()
	if len(reps) != 2 {
		t.Fatalf("%d reports, want 2 (open, refresh)", len(reps))
	}
	if !slices.Equal(reps[0].Added, []string{"a.md"}) || !slices.Equal(reps[1].Added, []string{"b.md"}) || len(reps[1].Skipped) != 1 {
		t.Errorf("reports %+v", reps)
	}
}
