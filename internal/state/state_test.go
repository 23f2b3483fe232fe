package state_test

import (
	"testing"

	"storybot/internal/state"
	"storybot/internal/state/statetest"
)

func TestAnswerFileStore(t *testing.T) {
	dir := t.TempDir()
	statetest.Answers(t, func(t *testing.T) state.AnswerStore { return state.OpenAnswerFile(100, dir, nil) })
}

func TestThreadFileStore(t *testing.T) {
	dir := t.TempDir()
	statetest.Threads(t, func(t *testing.T) state.ThreadStore {
		f, err := state.OpenThreadFile(dir)
		if err != nil {
			t.Fatal(err)
		}
		return f
	})
}

func TestRateMemoryStore(t *testing.T) {
	m := state.NewRateMemory() // one process: its memory is the place
	statetest.Rate(t, func(t *testing.T) state.RateStore { return m })
}

func TestAuditFileStore(t *testing.T) {
	dir := t.TempDir()
	statetest.Audit(t, func(t *testing.T) state.AuditLog { return state.OpenAuditFile(dir) })
}
