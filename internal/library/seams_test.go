package library

import "runtime"

// waiting returns how many refresh calls wait for the next flight (tests only).
func (l *Library) waiting() int {
	l.cmu.Lock()
	defer l.cmu.Unlock()
	if l.next == nil {
		return 0
	}
	return l.next.waiters
}

func runtimeGosched() { runtime.Gosched() }
