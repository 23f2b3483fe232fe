package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// TestRunSmall runs the whole measurement on a tiny corpus and checks that
// the table has both engines and the targets.
func TestRunSmall(t *testing.T) {
	if _, err := os.Stat("../../../../shared/eval"); err != nil {
		t.Skipf("shared folder absent: %v", err)
	}
	var out, errOut bytes.Buffer
	args := []string{"--shared", "../../../../shared", "--cache", t.TempDir(), "--tmp", t.TempDir(), "--passages", "300", "--queries", "50"}
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"Corpus: 300 passages", "| storybot |", "| bleve |", "query p50 at least 5× lower than bleve", "saved index loaded in under 2 s"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunRejectsUnknownEngine(t *testing.T) {
	if _, err := os.Stat("../../../../shared/eval"); err != nil {
		t.Skipf("shared folder absent: %v", err)
	}
	var out, errOut bytes.Buffer
	args := []string{"--shared", "../../../../shared", "--cache", t.TempDir(), "--passages", "10", "--engines", "lucene"}
	err := run(context.Background(), args, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "lucene") {
		t.Fatalf("run with an unknown engine: %v", err)
	}
}

func TestRunMissingShared(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"--shared", t.TempDir()}, &out, &errOut); err == nil {
		t.Fatal("a folder without eval/ gave no error")
	}
}
