package storyqa

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"storybot/internal/eval"
)

// stories is the CLI's two hard-wrapped test stories with their questions.
const stories = "../../internal/cli/testdata/stories"

func TestParagraphs(t *testing.T) {
	text := "Title\r\n\r\nOne line\r\nand two.\n \n\n\nThree\nfour\nfive."
	want := []Chunk{{"Title", 1, 1}, {"One line and two.", 3, 4}, {"Three four five.", 8, 10}}
	if got := Paragraphs(text); !reflect.DeepEqual(got, want) {
		t.Errorf("Paragraphs = %+v, want %+v", got, want)
	}
	if got := Paragraphs("\n\n"); got != nil {
		t.Errorf("blank text: %+v", got)
	}
}

func TestPassages(t *testing.T) {
	paras := []Chunk{{"aaaa", 1, 1}, {"bbbb", 3, 4}, {"cccccccccccc", 6, 9}, {"dd", 11, 11}}
	want := []Chunk{{"aaaa\nbbbb", 1, 4}, {"cccccccccccc", 6, 9}, {"dd", 11, 11}}
	if got := Passages(paras, 10); !reflect.DeepEqual(got, want) {
		t.Errorf("Passages = %+v, want %+v", got, want)
	}
}

func TestSentences(t *testing.T) {
	paras := []Chunk{{Text: `"Go!" he said. She asked why? Then 3.5 miles... on 'foot.' End`}, {Text: "No stop here"}}
	want := []string{`"Go!" he said.`, "She asked why?", "Then 3.5 miles... on 'foot.'", "End", "No stop here"}
	if got := Sentences(paras); !reflect.DeepEqual(got, want) {
		t.Errorf("Sentences = %q, want %q", got, want)
	}
}

func TestBM25(t *testing.T) {
	ix := NewBM25(English(), []string{
		"The miller kept three white geese.",
		"The geese walked to the town; the geese honked.",
		"A spring of cold water.",
	})
	if got := ix.Top("geese", 5); !reflect.DeepEqual(got, []int{1, 0}) {
		t.Errorf("geese: %v, want [1 0] (more occurrences first, no non-matching text)", got)
	}
	if got := ix.Top("cold springs", 1); !reflect.DeepEqual(got, []int{2}) {
		t.Errorf("cold springs: %v (stemmed)", got)
	}
	if got := ix.Top("the", 5); len(got) != 0 {
		t.Errorf("a stop word matched %v", got)
	}
}

func readQuestions(t *testing.T, file string) []eval.Question {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := eval.ReadQuestions(f)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

// TestMeasure on two small stories: every question counted once per
// engine, the explicit ones for the sentence baseline, whose answers all
// occur in their story.
func TestMeasure(t *testing.T) {
	qs := readQuestions(t, filepath.Join(stories, "questions.jsonl"))
	r, err := Measure(context.Background(), filepath.Join(stories, "docs"), qs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Stories != 2 || r.Questions != 9 || r.Explicit != 7 || r.InStory != 1 {
		t.Errorf("stories %d questions %d explicit %d in story %v", r.Stories, r.Questions, r.Explicit, r.InStory)
	}
	for name, m := range map[string]eval.Metrics{"bm25": r.BM25, "same": r.BM25Same, "storybot": r.Storybot} {
		if m.PassageQuestions != 9 || m.PassageRecall["10"] != 1 || m.Implicit != 2 {
			t.Errorf("%s: %+v", name, m)
		}
	}
	if r.SentenceTop <= 0 || r.BM25Passages == 0 || r.StorybotPassages == 0 {
		t.Errorf("sentence top %v passages %d %d", r.SentenceTop, r.BM25Passages, r.StorybotPassages)
	}
	if _, err := Measure(context.Background(), t.TempDir(), qs, Options{}); err == nil {
		t.Error("a folder without the gold stories gave no error")
	}
}

// TestMeasureShared reports the numbers on the shared FairytaleQA set.
func TestMeasureShared(t *testing.T) {
	set := "../../../shared/eval/fairytaleqa"
	if _, err := os.Stat(set); err != nil {
		t.Skipf("shared FairytaleQA set absent: %v", err)
	}
	if testing.Short() {
		t.Skip("8,548 questions")
	}
	r, err := Measure(context.Background(), filepath.Join(set, "docs"), readQuestions(t, filepath.Join(set, "questions.jsonl")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Stories != 232 || r.Questions != 8548 {
		t.Errorf("stories %d questions %d", r.Stories, r.Questions)
	}
	t.Logf("passage hit bm25 %v, storybot %v; sentence top 3 %.3f", r.BM25.PassageRecall, r.Storybot.PassageRecall, r.SentenceTop)
}
