package state

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storybot/internal/answer"
)

func testAnswer(i int) Answer {
	return Answer{
		Answer: answer.Answer{Question: fmt.Sprintf("question %d", i), Text: "It was the cyberattack [1].", Mode: answer.ModeExtractive,
			Citations: []answer.Citation{{N: 1, Doc: "story.txt", Title: "Story", Location: "¶2, line 3", Quote: "a quote", PassageID: "p1", Text: fmt.Sprintf("the whole passage %d", i)}}},
		UserID: "u1", GuildID: "g1", ChannelID: "c1",
	}
}

func TestAnswerStoreSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	s := OpenAnswerFile(3, dir, log)
	var ids []string
	for i := range 5 {
		ids = append(ids, put(s, testAnswer(i)))
	}
	r := OpenAnswerFile(3, dir, log)
	for i, id := range ids {
		a, ok := get(r, id)
		if i < 2 {
			if ok {
				t.Errorf("answer %d should have been dropped (only the last 3 are kept)", i)
			}
			continue
		}
		if !ok {
			t.Fatalf("answer %d was not reloaded", i)
		}
		want := testAnswer(i)
		if a.Question != want.Question || a.UserID != "u1" || len(a.Citations) != 1 || a.Citations[0].Text != want.Citations[0].Text || a.Citations[0].PassageID != "p1" || a.Mode != answer.ModeExtractive {
			t.Errorf("answer %d reloaded as %+v", i, a)
		}
	}
	// the reload rewrote the file with only the kept answers
	if n := lines(t, filepath.Join(dir, AnswersFile)); n != 3 {
		t.Errorf("the file has %d lines after reload, want 3", n)
	}
}

func TestAnswerStoreFileStaysBounded(t *testing.T) {
	dir := t.TempDir()
	s := OpenAnswerFile(10, dir, slog.New(slog.DiscardHandler))
	for i := range 95 {
		put(s, testAnswer(i))
	}
	if n := lines(t, filepath.Join(dir, AnswersFile)); n > 20 {
		t.Errorf("the file has %d lines for 10 kept answers, want at most 20", n)
	}
}

func TestAnswerStoreSkipsBrokenLines(t *testing.T) {
	dir := t.TempDir()
	s := OpenAnswerFile(10, dir, slog.New(slog.DiscardHandler))
	id := put(s, testAnswer(1))
	f, err := os.OpenFile(filepath.Join(dir, AnswersFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("{\"id\": \"trunc\n\x00\x01 not json\n")
	f.Close()
	var logs bytes.Buffer
	r := OpenAnswerFile(10, dir, slog.New(slog.NewTextHandler(&logs, nil)))
	if _, ok := get(r, id); !ok {
		t.Error("the good answer was lost with the broken lines")
	}
	if !strings.Contains(logs.String(), "skipped unreadable lines") || !strings.Contains(logs.String(), "lines=2") {
		t.Errorf("the broken lines were not reported: %s", logs.String())
	}
	if n := lines(t, filepath.Join(dir, AnswersFile)); n != 1 {
		t.Errorf("the file still has %d lines, want the 1 good one", n)
	}
}

// TestAnswerStoreAfterCutLine: a last line cut short (a write that failed
// half-way) must not swallow the next answer saved.
func TestAnswerStoreAfterCutLine(t *testing.T) {
	dir := t.TempDir()
	s := OpenAnswerFile(10, dir, slog.New(slog.DiscardHandler))
	put(s, testAnswer(1))
	f, err := os.OpenFile(filepath.Join(dir, AnswersFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString(`{"id": "cut`) // no newline: a write cut short
	f.Close()
	id := put(s, testAnswer(2))
	again := OpenAnswerFile(10, dir, slog.New(slog.DiscardHandler))
	if _, ok := get(again, id); !ok {
		t.Error("the answer saved after a cut line was lost")
	}
}

func TestAnswerStoreUnwritableKeepsMemory(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s := OpenAnswerFile(10, filepath.Join(blocker, "data"), slog.New(slog.NewTextHandler(&logs, nil))) // a file where a folder should be
	id := put(s, testAnswer(1))
	put(s, testAnswer(2))
	if _, ok := get(s, id); !ok {
		t.Error("a failed write lost the answer from memory")
	}
	if c := strings.Count(logs.String(), "cannot save answers"); c != 1 {
		t.Errorf("want one warning for repeated write failures, got %d: %s", c, logs.String())
	}
}

func lines(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(data), "\n")
}

var ids int

func put(s *AnswerFile, a Answer) string {
	ids++
	id := fmt.Sprintf("a%d", ids)
	_ = s.Save(context.Background(), id, a)
	return id
}

func get(s *AnswerFile, id string) (Answer, bool) {
	a, ok, _ := s.Load(context.Background(), id)
	return a, ok
}
