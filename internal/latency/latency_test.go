package latency

import (
	"testing"
	"time"
)

// TestBench: every call is timed, i counting them from 0, and the
// percentiles come in the unit asked for, named after it.
func TestBench(t *testing.T) {
	calls := 0
	r := testing.Benchmark(func(b *testing.B) {
		calls = 0
		Bench(b, time.Millisecond, func(i int) error {
			if i != calls {
				t.Errorf("call %d has i = %d", calls, i)
			}
			calls++
			time.Sleep(time.Millisecond)
			return nil
		})
	})
	p50, p99 := r.Extra["p50-ms"], r.Extra["p99-ms"]
	if r.N == 0 || calls != r.N || p50 < 1 || p99 < p50 || p99 > 1000 {
		t.Errorf("%d calls of %d: p50 %v ms, p99 %v ms (%v)", calls, r.N, p50, p99, r.Extra)
	}
}
