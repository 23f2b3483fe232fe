package main

import (
	"testing"

	"storybot/bench/cmdtest"
)

func TestRunMissingShared(t *testing.T) {
	cmdtest.FailsQuietly(t, run, "a folder without eval/", "--shared", t.TempDir())
}

func TestRunBadFlag(t *testing.T) {
	cmdtest.FailsQuietly(t, run, "an unknown flag", "--nope")
}
