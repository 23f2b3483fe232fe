package cli

import (
	"bytes"
	"context"
	"testing"
	"time"

	"storybot/internal/answer"
	"storybot/internal/feedback"
)

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
			golden(t, tc.golden, string(got))
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
