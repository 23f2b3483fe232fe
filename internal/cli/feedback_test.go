package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"storybot/internal/answer"
	"storybot/internal/feedback"
)

var updateFeedback = flag.Bool("update-feedback", false, "rewrite testdata/feedback*.golden")

func TestFeedbackCommand(t *testing.T) {
	data := t.TempDir()
	store := feedback.Open(data)
	ctx := context.Background()
	when := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, r := range []feedback.Record{
		{Time: when, Vote: feedback.Up, UserID: "111", Question: "Why did Albania cut ties with Iran?", Answer: "Because of the July cyberattack [1].",
			Citations: []answer.Citation{{N: 1, Doc: "albania.txt", Title: "Albania cuts ties with Iran", Location: "¶1, lines 1-3"}}},
		{Time: when.Add(time.Minute), Vote: feedback.Down, UserID: "222", Question: "Who helped?", Answer: "Microsoft [1]."},
	} {
		if err := store.Add(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, golden string
		args         []string
	}{
		{"text", "feedback.golden", []string{"feedback"}},
		{"json", "feedback_json.golden", []string{"feedback", "--json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"--env-file", "/nonexistent", "--data", data}, tc.args...)
			if err := run(ctx, args, nil, &out, &errb, func(string) string { return "" }); err != nil {
				t.Fatalf("run: %v\n%s", err, errb.String())
			}
			got := bytes.ReplaceAll(out.Bytes(), []byte(data), []byte("DATA"))
			path := filepath.Join("testdata", tc.golden)
			if *updateFeedback {
				os.MkdirAll("testdata", 0o755)
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update-feedback)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("output differs from %s:\n%s", path, got)
			}
		})
	}
}

func TestFeedbackCommandEmptyAndBadArgs(t *testing.T) {
	var out, errb bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"--env-file", "/nonexistent", "--data", t.TempDir(), "feedback"}, nil, &out, &errb, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out.Bytes(), []byte("No feedback yet")) {
		t.Fatalf("got %q", out.String())
	}
	err := run(ctx, []string{"--env-file", "/nonexistent", "feedback", "extra"}, nil, &out, &errb, func(string) string { return "" })
	if ExitCode(err) != 2 {
		t.Fatalf("want a usage error, got %v", err)
	}
}
