// Package cmdtest holds the checks the tests of several commands of
// bench/cmd make of their run functions (the run that bench.Main calls).
package cmdtest

import (
	"bytes"
	"context"
	"io"
	"testing"
)

// FailsQuietly checks that run, given args, returns an error (what names
// the input that must fail it, for the message) and prints nothing to
// standard output first: a command that cannot run prints no half of a
// table.
func FailsQuietly(t *testing.T, run func(ctx context.Context, args []string, stdout io.Writer) error, what string, args ...string) {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), args, &out); err == nil {
		t.Fatalf("%s gave no error", what)
	}
	if out.Len() != 0 {
		t.Errorf("%s: printed %q before failing", what, out.String())
	}
}
