package library

import (
	"context"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// A background refresh runs on a thread of lower priority, and a refresh
// with one worker does its work on that same thread.
func TestBackgroundThreadPriority(t *testing.T) {
	nice := func() int {
		p, err := unix.Getpriority(unix.PRIO_PROCESS, unix.Gettid())
		if err != nil {
			t.Fatal(err)
		}
		return 20 - p // the system call returns 20 - nice
	}
	runtime.LockOSThread()
	before := nice()
	runtime.UnlockOSThread()

	type seen struct{ nice, tid, workerTid int }
	got := make(chan seen)
	go func() {
		lowerPriority()
		s := seen{nice: nice(), tid: unix.Gettid()}
		parallel(context.Background(), 1, 3, func(int) error {
			s.workerTid = unix.Gettid()
			return nil
		})
		got <- s
	}()
	s := <-got
	if want := min(19, before+backgroundNice); s.nice != want {
		t.Errorf("background thread nice %d, want %d", s.nice, want)
	}
	if s.workerTid != s.tid {
		t.Errorf("the single worker ran on thread %d, not the caller's %d", s.workerTid, s.tid)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if n := nice(); n != before {
		t.Errorf("the test's own thread has nice %d, was %d", n, before)
	}
}
