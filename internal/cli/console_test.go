package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// linesReader hands out one line per Read and runs before[line] just before
// it hands out that line, so that a test can change the world between two
// console commands.
type linesReader struct {
	lines  []string
	before map[string]func()
}

func (r *linesReader) Read(p []byte) (int, error) {
	if len(r.lines) == 0 {
		return 0, io.EOF
	}
	l := r.lines[0]
	if f := r.before[l]; f != nil {
		f()
		delete(r.before, l)
	}
	r.lines = r.lines[1:]
	return copy(p, l+"\n"), nil // lines are far shorter than the scanner's buffer
}

// TestConsoleCommands runs the console's slash commands (the terminal's
// counterparts of the Discord ones) through run, offline: help, sources,
// summary, timeline, an unknown document, an unknown command, and a refresh
// that picks up a file added while the console runs. Timestamps, timings
// and the temporary folder are normalised in the golden file.
func TestConsoleCommands(t *testing.T) {
	kdir := t.TempDir()
	story, err := os.ReadFile(filepath.Join(askStory, "Albania-cuts-ties-with-Iran-2022-09-07.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(kdir, "Albania-cuts-ties-with-Iran-2022-09-07.txt"), story, 0o644); err != nil {
		t.Fatal(err)
	}
	in := &linesReader{
		lines: []string{"/help", "/sources", "/summary short", "/timeline", "/summary the moon landing", "/bogus", "/refresh", "/sources", "/summary short talks", "/quit", "never asked"},
		before: map[string]func(){"/refresh": func() {
			note := "# Talks in Tirana\n\nThe foreign ministers of Albania and Greece met in Tirana on 9 September 2022 to discuss the cyberattack.\n"
			if err := os.WriteFile(filepath.Join(kdir, "talks.md"), []byte(note), 0o644); err != nil {
				t.Error(err)
			}
		}},
	}
	var out, errb bytes.Buffer
	args := []string{"--env-file", "/nonexistent", "--knowledge", kdir, "--data", t.TempDir(), "console"}
	env := map[string]string{"WATCH_KNOWLEDGE": "false"}
	if err := run(context.Background(), args, in, &out, &errb, func(k string) string { return env[k] }); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	got := strings.ReplaceAll(out.String(), kdir, "KNOWLEDGE")
	got = regexp.MustCompile(`indexed \d{4}-\d\d-\d\d \d\d:\d\d UTC`).ReplaceAllString(got, "indexed TIME")
	got = regexp.MustCompile(`in \d+ ms`).ReplaceAllString(got, "in N ms")
	golden(t, filepath.Join("ask", "console_commands.golden"), got)
	if strings.Contains(got, "never asked") {
		t.Error("the console went on after /quit")
	}
}
