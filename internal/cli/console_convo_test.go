package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/golden"
)

// consoleSession runs the console offline over the story with lines as
// input and returns what it printed (see logPathsHidden), what it logged
// on stderr, and the data folder.
func consoleSession(t *testing.T, lines ...string) (out, stderr, ddir string) {
	t.Helper()
	var o, errb bytes.Buffer
	ddir = t.TempDir()
	args := []string{"--env-file", "/nonexistent", "--knowledge", askStory, "--data", ddir, "console"}
	env := map[string]string{"WATCH_KNOWLEDGE": "false", "LOG_LEVEL": "debug"}
	if err := run(context.Background(), args, &linesReader{lines: lines}, &o, &errb, func(k string) string { return env[k] }); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	return logPathsHidden(o.String()), errb.String(), ddir
}

// logPathsHidden writes the console's log file as DATA/storybot.log in
// its greeting.
func logPathsHidden(out string) string {
	return regexp.MustCompile(`(?m)^Log: .*storybot\.log `).ReplaceAllString(out, "Log: DATA/storybot.log ")
}

// TestConsoleConversation: "hi" gets a friendly line, a question its cited
// answer, "What is the MEK?" after it is asked on its own, a follow-up takes
// the conversation, "thanks" a friendly line; an emoji-only question and a
// Spanish question (offline) get clear messages. INFO logs go to
// DATA_DIR/storybot.log (here at LOG_LEVEL=debug), not to the screen, and
// the greeting says where.
func TestConsoleConversation(t *testing.T) {
	got, stderr, ddir := consoleSession(t, "hi", "Who helped Albania recover from the attack?", "What is the MEK?",
		"and how many members does it have?", "thanks!", "🤔", "¿Por qué Albania rompió relaciones con Irán?")
	golden.Check(t, "testdata/ask/console_conversation.golden", got)
	if strings.Contains(got, "Sources:\n") && strings.Contains(got[:strings.Index(got, "» Who")], "Sources:") {
		t.Error("the greeting reply lists sources")
	}
	if strings.Contains(stderr, "level=INFO") || strings.Contains(stderr, "level=DEBUG") {
		t.Errorf("INFO logs on the screen:\n%s", stderr)
	}
	log, err := os.ReadFile(filepath.Join(ddir, consoleLogName))
	if err != nil || !strings.Contains(string(log), "level=DEBUG") {
		t.Errorf("log file: %v\n%s", err, log)
	}
}

// TestConsoleLongChain: a follow-up four questions into a chain still
// knows whom its "they" stands for: "what did they conclude?" after "and
// the US?" after "what did he decide?" after "who is Edi Rama?" asks the
// US's conclusion (it was read as "how does it end?" and quoted the
// report's last paragraphs).
func TestConsoleLongChain(t *testing.T) {
	got, _, _ := consoleSession(t, "Who is Edi Rama?", "What did he say about the attack?", "What did he decide?", "And the US?", "What did they conclude?")
	_, last, _ := strings.Cut(got, "» What did they conclude?")
	if lead, _, _ := strings.Cut(strings.TrimPrefix(last, "\nQuoted from the sources:\n"), "\n"); !strings.Contains(lead, "Washington concluded") {
		t.Errorf("the last answer leads with %q:\n%s", lead, got)
	}
}

// TestConsoleMoreAfterSummary: "what is this story about?" gets the
// story's short summary, and "tell me more" after it goes on past what
// the summary said (the summary is part of the conversation).
func TestConsoleMoreAfterSummary(t *testing.T) {
	got, _, _ := consoleSession(t, "what is this story about?", "tell me more")
	summary, more, ok := strings.Cut(got, "» tell me more")
	if !ok || !strings.Contains(summary, "Summary of “Albania cuts ties with Iran”") || !strings.Contains(summary, "final straw") {
		t.Fatalf("no summary first:\n%s", got)
	}
	if strings.Contains(more, "final straw") || !strings.Contains(more, "This extreme response") {
		t.Errorf("tell me more after the summary:\n%s", more)
	}
}

// A warning logged while the prompt waits starts on a line of its own on a
// terminal, and goes through the line editor while a line is typed.
func TestScreenLogLineOnItsOwnLine(t *testing.T) {
	var out, errw bytes.Buffer
	scr := &screen{out: &out, errw: &errw, tty: true}
	scr.Write([]byte("\n» "))
	scr.logWriter().Write([]byte("level=WARN msg=x\n"))
	if out.String() != "\n» \n" || errw.String() != "level=WARN msg=x\n" {
		t.Errorf("out %q, err %q", out.String(), errw.String())
	}
	scr.Write([]byte("answer\n"))
	scr.logWriter().Write([]byte("level=WARN msg=y\n"))
	if out.String() != "\n» \nanswer\n" {
		t.Errorf("a newline added after a whole line: %q", out.String())
	}
}

// TestREADMETranscript: the terminal session the README shows is what the
// console prints today, from the first question on: a change to the
// answers shows up here and in the README together.
func TestREADMETranscript(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, "$ go run .\n")
	end := strings.Index(readme[max(start, 0):], "\n…\n```")
	if start < 0 || end < 0 {
		t.Fatal("README.md: no terminal session between \"$ go run .\" and \"…\"")
	}
	session := readme[start : start+end]
	session = session[strings.Index(session, "» "):]
	var questions []string
	for _, line := range strings.Split(session, "\n") {
		if q, ok := strings.CutPrefix(line, "» "); ok {
			questions = append(questions, q)
		}
	}
	got, _, _ := consoleSession(t, questions...)
	got = strings.TrimSuffix(strings.TrimSpace(got[strings.Index(got, "» "):]), "» \nBye.")
	if strings.TrimSpace(got) != strings.TrimSpace(session) {
		t.Errorf("README.md's terminal session differs from the console's; paste this into it:\n%s", got)
	}
}

// TestUnpanicked: a panic while answering is an error that holds it and
// its stack (the console prints the apology and goes on); an answer
// passes through.
func TestUnpanicked(t *testing.T) {
	if _, err := unpanicked(func() (answer.Answer, error) { panic("index out of range [-1]") }); err == nil || !strings.Contains(err.Error(), "index out of range [-1]") || !strings.Contains(err.Error(), "goroutine") {
		t.Errorf("panic: %v", err)
	}
	if a, err := unpanicked(func() (answer.Answer, error) { return answer.Answer{Text: "ok"}, nil }); err != nil || a.Text != "ok" {
		t.Errorf("answer: %+v, %v", a, err)
	}
}
