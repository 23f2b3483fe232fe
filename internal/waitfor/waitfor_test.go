package waitfor

import (
	"errors"
	"testing"
	"time"
)

func TestUntil(t *testing.T) {
	n := 0
	Until(t, "three polls", time.Second, func() bool { n++; return n == 3 })
	if n != 3 {
		t.Fatalf("polled %d times, want 3", n)
	}
}

// recorder is a testing.TB that records Fatalf instead of stopping.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = format
}

func TestUntilGivesUp(t *testing.T) {
	r := &recorder{TB: t}
	done := false
	start := time.Now()
	Until(r, "never", 30*time.Millisecond, func() bool {
		if r.failed != "" { // Fatalf was called: end the loop as Goexit would
			done = true
		}
		return done
	})
	if r.failed == "" || time.Since(start) < 30*time.Millisecond {
		t.Fatalf("gave up after %v with %q", time.Since(start), r.failed)
	}
}

func TestReceive(t *testing.T) {
	ch := make(chan error, 1)
	go func() { ch <- errors.New("stopped") }()
	if err := Receive(t, "the error", time.Second, ch); err == nil || err.Error() != "stopped" {
		t.Fatalf("received %v", err)
	}
}

func TestReceiveGivesUp(t *testing.T) {
	r := &recorder{TB: t}
	start := time.Now()
	if got := Receive(r, "never", 30*time.Millisecond, make(chan int)); got != 0 || r.failed == "" || time.Since(start) < 30*time.Millisecond {
		t.Fatalf("gave up after %v with %q, returning %d", time.Since(start), r.failed, got)
	}
}
