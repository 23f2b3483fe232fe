package library

import "sync"

// background runs jobs one after the other on a goroutine of its own, at a
// lower scheduling priority than questions (lowerPriority). The goroutine
// starts when a job is queued and ends when none waits; wg counts it. At
// most one job waits: queue decides, from the one waiting, which one waits
// next, so that jobs queued while one runs coalesce.
type background[J any] struct {
	run func(J) // runs one job; set before the first queue

	mu      sync.Mutex
	waiting J
	queued  bool // waiting holds a job
	running bool // the goroutine runs
	wg      sync.WaitGroup
}

// queue makes next(waiting, queued) the waiting job and returns it, starting
// the goroutine unless it runs. waiting is J's zero value and queued false
// when no job waits. next runs under the lock, so it may change the waiting
// job.
func (b *background[J]) queue(next func(waiting J, queued bool) J) J {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.waiting, b.queued = next(b.waiting, b.queued), true
	if !b.running {
		b.running = true
		b.wg.Go(b.loop)
	}
	return b.waiting
}

// loop runs the waiting jobs until none waits.
func (b *background[J]) loop() {
	lowerPriority()
	for {
		b.mu.Lock()
		job, ok := b.waiting, b.queued
		var none J
		b.waiting, b.queued = none, false
		if !ok {
			b.running = false
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		b.run(job)
	}
}
