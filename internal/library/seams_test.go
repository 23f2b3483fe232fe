package library

import (
	"errors"
	"io/fs"
	"runtime"

	"storybot/internal/knowledge"
	"storybot/internal/search"
)

// waiting returns how many refresh calls wait for the next flight (tests only).
func (l *Library) waiting() int {
	l.refreshes.mu.Lock()
	defer l.refreshes.mu.Unlock()
	if !l.refreshes.queued {
		return 0
	}
	return l.refreshes.waiting.waiters
}

func runtimeGosched() { runtime.Gosched() }

type searchHit = search.Hit

var knowledgeParseFile = knowledge.ParseFile

func readReasonOrSkip(err error) string {
	var se *knowledge.SkipError
	if errors.As(err, &se) {
		return se.Reason
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "not exist"
	}
	return readReason(err)
}
