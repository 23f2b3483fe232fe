package main

import (
	"bytes"
	"context"
	"testing"
)

func TestRunMissingShared(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--shared", t.TempDir()}, &out); err == nil {
		t.Fatal("a folder without eval/ gave no error")
	}
	if out.Len() != 0 {
		t.Errorf("printed %q before failing", out.String())
	}
}

func TestRunBadFlag(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--nope"}, &out); err == nil {
		t.Fatal("an unknown flag gave no error")
	}
}
