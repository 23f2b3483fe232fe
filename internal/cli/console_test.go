package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"storybot/internal/golden"
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
// summary, timeline, an unknown document (a topic when the documents mention
// it), an unknown command, and a refresh
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
		lines: []string{"/help", "/sources", "/summary short", "/timeline", "/summary the moon landing", "/bogus", "/refresh", "/sources", "/summary short talks", "/summary short MEK", "list the dates", "summarize the MEK", "/quit", "never asked"},
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
	got := logPathsHidden(strings.ReplaceAll(out.String(), kdir, "KNOWLEDGE"))
	got = regexp.MustCompile(`indexed \d{4}-\d\d-\d\d \d\d:\d\d UTC`).ReplaceAllString(got, "indexed TIME")
	got = regexp.MustCompile(`in \d+ ms`).ReplaceAllString(got, "in N ms")
	golden.Check(t, "testdata/ask/console_commands.golden", got)
	if strings.Contains(got, "never asked") {
		t.Error("the console went on after /quit")
	}
}

// A pasted line over the console's limit is refused like any over-long
// question, and the session goes on to answer the next one.
func TestConsoleOverlongLine(t *testing.T) {
	in := strings.NewReader(strings.Repeat("a", 2_000_000) + "\nWho helped Albania recover from the attack?\n")
	var out, errb bytes.Buffer
	args := []string{"--env-file", "/nonexistent", "--knowledge", askStory, "--data", t.TempDir(), "console"}
	env := map[string]string{"WATCH_KNOWLEDGE": "false"}
	if err := run(context.Background(), args, in, &out, &errb, func(k string) string { return env[k] }); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	got := out.String()
	for _, want := range []string{
		"» " + strings.Repeat("a", 120) + "…\nYour question is 2000000 characters long; please keep it under 1000 characters.\n",
		"» Who helped Albania recover from the attack?\nQuoted from the sources:",
		"The US and private sector representatives helped Albania recover",
		"\nBye.\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%.2000s", want, got)
		}
	}
}

func TestReadInputLine(t *testing.T) {
	const max = 16
	in := "short\r\n" + "exactly fifteen\n" + strings.Repeat("é", 20) + "\n" + strings.Repeat("x", 100) + "\r\n\n" + "last"
	br := bufio.NewReaderSize(strings.NewReader(in), 16) // the smallest buffer: long lines come in pieces
	var got []string
	for {
		l, err := readInputLine(br, max)
		got = append(got, fmt.Sprintf("%q %d %v", l.text, l.runes, l.cut))
		if err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			break
		}
	}
	want := []string{
		`"short" 5 false`,
		`"exactly fifteen" 15 false`,
		`"éééééééé" 20 true`, // 16 bytes kept: 8 letters
		`"xxxxxxxxxxxxxxxx" 100 true`,
		`"" 0 false`,
		`"last" 4 false`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Whatever the input, lines come back in order, none longer than the limit,
// and joined they give the input back when none was cut.
func FuzzReadInputLine(f *testing.F) {
	for _, s := range []string{"", "a\nb", "short\r\n", strings.Repeat("é", 30) + "\nnext\n", "\n\n\n", "x\xff\xfey\n"} {
		f.Add(s, 16)
	}
	f.Fuzz(func(t *testing.T, in string, max int) {
		max = 1 + abs(max)%64
		br := bufio.NewReaderSize(strings.NewReader(in), 16)
		var texts []string
		cut := false
		for i := 0; ; i++ {
			if i > len(in)+1 {
				t.Fatal("more lines than bytes")
			}
			l, err := readInputLine(br, max)
			if len(l.text) > max || l.runes < 0 {
				t.Fatalf("line %q (%d runes) over %d bytes", l.text, l.runes, max)
			}
			cut = cut || l.cut
			if err == io.EOF {
				if l.text != "" || l.runes > 0 {
					texts = append(texts, l.text)
				}
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, l.text)
		}
		if !cut {
			want := strings.TrimSuffix(strings.ReplaceAll(in, "\r\n", "\n"), "\n")
			if got := strings.Join(texts, "\n"); got != want && !strings.Contains(in, "\r") {
				t.Fatalf("lines %q do not give back %q", texts, in)
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// TestConsoleTimelineIsCapped: /timeline in the console shows at most
// consoleTimelineMax events and says how to see the rest.
func TestConsoleTimelineIsCapped(t *testing.T) {
	kdir := t.TempDir()
	var b strings.Builder
	b.WriteString("# Chronicle\n\n")
	for y := 1950; y < 1990; y++ {
		fmt.Fprintf(&b, "In %d the council of Tirana met for the %d time.\n\n", y, y-1949)
	}
	if err := os.WriteFile(filepath.Join(kdir, "chronicle.md"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	args := []string{"--env-file", "/nonexistent", "--knowledge", kdir, "--data", t.TempDir(), "console"}
	in := &linesReader{lines: []string{"/timeline", "/quit"}}
	env := map[string]string{"WATCH_KNOWLEDGE": "false"}
	if err := run(context.Background(), args, in, &out, &errb, func(k string) string { return env[k] }); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	got := out.String()
	events := regexp.MustCompile(`(?m)^19\d\d — `).FindAllString(got, -1)
	if len(events) != consoleTimelineMax {
		t.Errorf("%d events shown, want %d:\n%s", len(events), consoleTimelineMax, got)
	}
	if !strings.Contains(got, "… and 20 more events.") || !strings.Contains(got, "/timeline DOCUMENT") {
		t.Errorf("no note on the events left out:\n%s", got)
	}
}
