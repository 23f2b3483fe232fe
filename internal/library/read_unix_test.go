//go:build unix

package library

import (
	"context"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"storybot/internal/knowledge"
)

// A FIFO put where a document was is skipped, not waited on.
func TestParseFileFIFO(t *testing.T) {
	root := t.TempDir()
	if err := unix.Mkfifo(filepath.Join(root, "pipe.md"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	_, err := parseFile(context.Background(), root, "pipe.md", knowledge.Options{})
	if got := readReasonOrSkip(err); got != "not a regular file" {
		t.Errorf("error %v", err)
	}
}
