package library

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// TestParallel: at most workers run at once; the first error is returned
// and no more work is handed out after it; a cancelled ctx stops the work
// with ctx's error.
func TestParallel(t *testing.T) {
	for _, workers := range []int{1, 3} {
		var mu sync.Mutex
		running, most := 0, 0
		var ran atomic.Int32
		boom := errors.New("boom")
		err := parallel(context.Background(), workers, 1000, func(i int) error {
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			defer func() { mu.Lock(); running--; mu.Unlock() }()
			ran.Add(1)
			if i == 5 {
				return boom
			}
			return nil
		})
		if !errors.Is(err, boom) || most > workers || ran.Load() == 1000 {
			t.Errorf("workers=%d: err %v, %d at once, %d of 1000 ran", workers, err, most, ran.Load())
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var ran atomic.Int32
	if err := parallel(ctx, 3, 100, func(int) error { ran.Add(1); return nil }); !errors.Is(err, context.Canceled) || ran.Load() == 100 {
		t.Errorf("cancelled: err %v, %d of 100 ran", err, ran.Load())
	}
}
