package library

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// backgroundNice is what the threads that refresh and save in the
// background add to the process's nice value (as nice -n 10 would): while questions and refreshes want the same CPUs, the
// kernel gives the questions most of the time; alone, a refresh runs at
// full speed.
const backgroundNice = 10

// lowerPriority locks the calling goroutine to its thread and lowers that
// thread's scheduling priority (on Linux the nice value is per thread).
// The caller must return without unlocking the thread: the Go runtime then
// ends the thread, so no other goroutine ever runs on it. Work meant to run
// at the lower priority must stay on the calling goroutine (parallel and
// search.Build run their single worker inline). Errors are ignored: the
// refresh then runs at normal priority.
func lowerPriority() {
	runtime.LockOSThread()
	tid := unix.Gettid()
	p, err := unix.Getpriority(unix.PRIO_PROCESS, tid) // 20 - nice
	if err != nil {
		return
	}
	unix.Setpriority(unix.PRIO_PROCESS, tid, min(19, 20-p+backgroundNice))
}
