package library

import (
	"runtime"

	"storybot/internal/search"
)

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

type searchHit = search.Hit

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
