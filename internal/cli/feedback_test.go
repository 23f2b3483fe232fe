package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"storybot/internal/answer"
	"storybot/internal/feedback"
	"storybot/internal/golden"
	"storybot/internal/state"
)

// TestRecordCommands: audit and feedback list what their DATA_DIR store
// holds (the moderators' changes, the votes), as text and as JSON, say when
// it holds nothing, and refuse an argument as a usage error.
func TestRecordCommands(t *testing.T) {
	when := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		cmd, empty string
		fill       func(t *testing.T, data string)
	}{
		{"audit", "No changes by moderators yet", func(t *testing.T, data string) {
			addAll(t, state.OpenAuditFile(data).Add, []state.AuditEntry{
				{Time: when, Who: "111", Action: "add", Doc: "reports/new.txt", Bytes: 1200, SHA256: "ab12"},
				{Time: when.Add(time.Hour), Who: "222", Action: "remove", Doc: "old.txt", Trash: "20261125T130000-old.txt"},
			})
		}},
		{"feedback", "No feedback yet", func(t *testing.T, data string) {
			addAll(t, feedback.Open(data).Add, []feedback.Record{
				{Time: when, Vote: feedback.Up, UserID: "111", Question: "Why did Albania cut ties with Iran?", Answer: "Because of the July cyberattack [1].",
					Citations: []answer.Citation{{N: 1, Doc: "albania.txt", Title: "Albania cuts ties with Iran", Location: "¶1, lines 1-3"}}},
				{Time: when.Add(time.Minute), Vote: feedback.Down, UserID: "222", Question: "Who helped?", Answer: "Microsoft [1]."},
			})
		}},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			data := t.TempDir()
			tc.fill(t, data)
			checkTextAndJSON(t, data, tc.cmd)
			if out, _, err := runCLI(t, tc.cmd); err != nil || !strings.Contains(out, tc.empty) {
				t.Errorf("empty: %v %q", err, out)
			}
			if _, _, err := runCLI(t, tc.cmd, "extra"); ExitCode(err) != 2 {
				t.Errorf("an argument: want a usage error, got %v", err)
			}
		})
	}
}

// addAll adds each item with add (a store's Add), failing the test on an
// error.
func addAll[T any](t *testing.T, add func(context.Context, T) error, items []T) {
	t.Helper()
	for _, it := range items {
		if err := add(context.Background(), it); err != nil {
			t.Fatal(err)
		}
	}
}

// checkTextAndJSON runs `storybot --data DATA CMD` and `... CMD --json`
// and checks each output (DATA for the folder) against testdata/CMD.golden
// and testdata/CMD_json.golden.
func checkTextAndJSON(t *testing.T, data, cmd string) {
	t.Helper()
	for _, tc := range []struct {
		name, golden string
		args         []string
	}{
		{"text", cmd + ".golden", []string{cmd}},
		{"json", cmd + "_json.golden", []string{cmd, "--json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"--env-file", "/nonexistent", "--data", data}, tc.args...)
			if err := run(context.Background(), args, nil, &out, &errb, func(string) string { return "" }); err != nil {
				t.Fatalf("run: %v\n%s", err, errb.String())
			}
			golden.Check(t, filepath.Join("testdata", tc.golden), string(bytes.ReplaceAll(out.Bytes(), []byte(data), []byte("DATA"))))
		})
	}
}

// --json is one document even with no votes, lists [] (README: JSON output).
func TestFeedbackJSONEmpty(t *testing.T) {
	var out, errb bytes.Buffer
	data := t.TempDir()
	if err := run(context.Background(), []string{"--env-file", "/nonexistent", "--data", data, "feedback", "--json"}, nil, &out, &errb, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out.String())
	}
	for _, k := range []string{"records", "skipped"} {
		if l, ok := doc[k].([]any); !ok || len(l) != 0 {
			t.Errorf("%s = %#v, want []", k, doc[k])
		}
	}
	if doc["votes"] != 0.0 || errb.Len() != 0 {
		t.Errorf("votes %v, stderr %q", doc["votes"], errb.String())
	}
}

// A truncated last line hides no vote: the others are shown, the bad line is
// named on stderr, the exit code is 0, and --json counts it.
func TestFeedbackBadLine(t *testing.T) {
	data := t.TempDir()
	store := feedback.Open(data)
	ctx := context.Background()
	addAll(t, store.Add, []feedback.Record{
		{Vote: feedback.Up, UserID: "1", Question: "Q " + feedback.Up},
		{Vote: feedback.Down, UserID: "1", Question: "Q " + feedback.Down},
	})
	f, err := os.OpenFile(store.Path(), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"vote":"up","us`)
	f.Close()
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"--env-file", "/nonexistent", "--data", data, "feedback"}, nil, &out, &errb, func(string) string { return "" }); err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(out.String(), "2 votes: 1 👍, 1 👎") || !strings.Contains(errb.String(), "feedback.jsonl line 3 skipped: unexpected end of JSON input") {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if err := run(ctx, []string{"--env-file", "/nonexistent", "--data", data, "feedback", "--json"}, nil, &out, &errb, func(string) string { return "" }); err != nil {
		t.Fatalf("run: %v", err)
	}
	var doc struct {
		Votes   int
		Records []feedback.Record
		Skipped []feedback.Skipped
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Votes != 2 || len(doc.Records) != 2 || len(doc.Skipped) != 1 || doc.Skipped[0].Line != 3 {
		t.Fatalf("%v %+v\n%s", err, doc, out.String())
	}
}
