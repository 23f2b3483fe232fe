package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"storybot/bench/cmdtest"
)

func TestRunSmallSet(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--set", "../../../internal/cli/testdata/stories"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 stories, each alone; 9 questions (7 explicit)", "| passage hit @1 / @3 / @5 / @10 |", "| top 3 BM25 sentences contain the answer (explicit) |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRunHalves: --stories odd keeps the questions about miller.txt (the
// second of the sorted names), even those about lantern.txt.
func TestRunHalves(t *testing.T) {
	for half, want := range map[string]string{"odd": "1 stories, each alone; 5 questions", "even": "1 stories, each alone; 4 questions"} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"--set", "../../../internal/cli/testdata/stories", "--stories", half}, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("--stories %s: output lacks %q:\n%s", half, want, out.String())
		}
	}
	if err := run(context.Background(), []string{"--set", "../../../internal/cli/testdata/stories", "--stories", "first"}, io.Discard); err == nil {
		t.Error("--stories first gave no error")
	}
}

func TestRunMissingSet(t *testing.T) {
	cmdtest.FailsQuietly(t, run, "a folder without eval/fairytaleqa", "--shared", t.TempDir())
}
