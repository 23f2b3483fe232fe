package state

import (
	"context"
	"sync"
	"time"
)

// RateStore keeps sliding rate-limit windows: the times of the recent
// events of each key (a member). Implementations are safe for concurrent
// use and exact under it: of concurrent Takes beyond the limit, none
// slips through.
type RateStore interface {
	// Take records an event for key at now when fewer than n happened in
	// the window before it, and reports whether it did; when not, wait is
	// how long until the oldest of them leaves the window.
	Take(ctx context.Context, key string, n int, window time.Duration, now time.Time) (ok bool, wait time.Duration, err error)
}

// RateMemory is a RateStore in memory, for one process. Safe for
// concurrent use.
type RateMemory struct {
	mu   sync.Mutex
	seen map[string][]time.Time
}

var _ RateStore = (*RateMemory)(nil)

// NewRateMemory returns an empty RateMemory.
func NewRateMemory() *RateMemory { return &RateMemory{seen: map[string][]time.Time{}} }

// Take records an event within the limit; it never fails.
func (r *RateMemory) Take(_ context.Context, key string, n int, window time.Duration, now time.Time) (bool, time.Duration, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	keep := Window(r.seen[key], window, now)
	if len(keep) >= n {
		r.seen[key] = keep
		return false, Wait(keep, window, now), nil
	}
	r.seen[key] = append(keep, now)
	if len(r.seen) > 10000 { // forget idle members
		for k, ts := range r.seen {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= window {
				delete(r.seen, k)
			}
		}
	}
	return true, 0, nil
}

// Window returns the times of ts still in the window before now, in
// place (ts is reused).
func Window(ts []time.Time, window time.Duration, now time.Time) []time.Time {
	keep := ts[:0]
	for _, t := range ts {
		if now.Sub(t) < window {
			keep = append(keep, t)
		}
	}
	return keep
}

// Wait is how long until the oldest of ts leaves the window before now.
func Wait(ts []time.Time, window time.Duration, now time.Time) time.Duration {
	oldest := ts[0]
	for _, t := range ts[1:] {
		if t.Before(oldest) {
			oldest = t
		}
	}
	return window - now.Sub(oldest)
}
