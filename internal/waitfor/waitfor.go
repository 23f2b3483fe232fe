// Package waitfor polls a condition in tests until it holds, for what a
// running bot, library or process does in its own time. It is for tests
// only.
package waitfor

import (
	"testing"
	"time"
)

// Until polls cond every 10 ms until it holds, and fails t ("gave up
// waiting for what") once within has passed, or sooner when the test's
// deadline (go test -timeout) is less than 5 s after that, so the failure
// names what was awaited rather than ending in the timeout's panic. It
// makes no claim about how fast anything is.
func Until(t testing.TB, what string, within time.Duration, cond func() bool) {
	t.Helper()
	end := deadline(t, within)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Receive waits for the first value sent on ch, such as the error a
// goroutine or a process returns when it ends, and returns it. Like Until,
// it fails t ("gave up waiting for what") once within has passed, or
// sooner before the test's deadline.
func Receive[T any](t testing.TB, what string, within time.Duration, ch <-chan T) T {
	t.Helper()
	timer := time.NewTimer(time.Until(deadline(t, within)))
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("gave up waiting for %s", what)
		var zero T
		return zero // t is not a *testing.T whose Fatalf ends the test
	}
}

// deadline is when waiting for within from now gives up: within from now,
// or 5 s before the test's deadline when that is sooner.
func deadline(t testing.TB, within time.Duration) time.Time {
	end := time.Now().Add(within)
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if td, ok := d.Deadline(); ok && td.Add(-5*time.Second).Before(end) {
			end = td.Add(-5 * time.Second)
		}
	}
	return end
}
