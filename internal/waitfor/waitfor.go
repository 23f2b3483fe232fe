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
	deadline := time.Now().Add(within)
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if end, ok := d.Deadline(); ok && end.Add(-5*time.Second).Before(deadline) {
			deadline = end.Add(-5 * time.Second)
		}
	}
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
