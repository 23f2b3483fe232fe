package summary

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// TestParallel: at most limit calls at once; the first error is returned
// and cancels the others' ctx.
func TestParallel(t *testing.T) {
	var mu sync.Mutex
	running, most := 0, 0
	boom := errors.New("boom")
	err := parallel(context.Background(), 50, 4, func(ctx context.Context, i int) error {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		defer func() { mu.Lock(); running--; mu.Unlock() }()
		if i == 10 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || most > 4 {
		t.Errorf("err %v, %d at once (limit 4)", err, most)
	}
	if err := parallel(context.Background(), 20, 2, func(context.Context, int) error { return nil }); err != nil {
		t.Errorf("no failure: %v", err)
	}
}
