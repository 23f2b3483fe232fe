package knowledge

import (
	"sync"
	"testing"
)

// TestMemo: a value is made once for a slice of documents, also when
// asked concurrently, and again for a new slice (a refresh); none for no
// documents.
func TestMemo(t *testing.T) {
	var m Memo[int]
	made := 0
	count := func(docs []*Document) int { made++; return len(docs) }
	docs := []*Document{{Path: "a.txt"}, {Path: "b.txt"}}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); m.Of(docs, count) }()
	}
	wg.Wait()
	if got := m.Of(docs, count); got != 2 || made != 1 {
		t.Fatalf("Of = %d, made %d times; want 2, once", got, made)
	}
	if got := m.Of(append([]*Document{}, docs[0]), count); got != 1 || made != 2 {
		t.Errorf("a new slice: Of = %d, made %d times; want 1, twice", got, made)
	}
	if got := m.Of(nil, count); got != 0 || made != 2 {
		t.Errorf("no documents: Of = %d, made %d times", got, made)
	}
}
