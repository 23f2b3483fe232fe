package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storybot/internal/eval"
	"storybot/internal/knowledge"
	"storybot/internal/search"
)

// shared is the shared folder beside the repository, seen from bench/.
const shared = "../../shared"

func sharedSets(t testing.TB) []Set {
	t.Helper()
	sets, err := SharedSets(shared)
	if err != nil {
		t.Skipf("shared question sets absent: %v", err)
	}
	return sets
}

// TestQualitySideBySide indexes each shared question set with both engines
// over the same passages, logs the table and fails when storybot's recall@5
// is below bleve's on any set.
func TestQualitySideBySide(t *testing.T) {
	sets := sharedSets(t)
	if testing.Short() {
		t.Skip("indexes every shared set twice")
	}
	rows, err := Compare(context.Background(), sets, []Engine{Storybot(search.Options{}), Bleve(t.TempDir())}, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteQualityTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", b.String())
	if len(rows) != 2*len(sets) {
		t.Fatalf("got %d rows, want %d", len(rows), 2*len(sets))
	}
	for _, r := range rows {
		if r.Questions == 0 || r.Passages == 0 {
			t.Errorf("%s/%s: %d questions over %d passages", r.Set, r.Engine, r.Questions, r.Passages)
		}
	}
	if err := CheckRecall(rows, 5); err != nil {
		t.Error(err)
	}
}

func writeFile(t *testing.T, name, text string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestEvaluateMetrics(t *testing.T) {
	a := &knowledge.Passage{Doc: "sub/a.txt", Text: "Edi Rama announced it."}
	b := &knowledge.Passage{Doc: "b.txt", Text: "Nothing here."}
	// Question 1: gold at rank 2; question 2: gold at rank 1; question 3: no gold.
	ix := fakeIndex(func(q string) []*knowledge.Passage {
		switch q {
		case "q1":
			return []*knowledge.Passage{b, a}
		case "q2":
			return []*knowledge.Passage{a, b}
		}
		return []*knowledge.Passage{b}
	})
	qs := []eval.Question{
		{ID: "1", Question: "q1", GoldDoc: "a.txt", Answers: []string{"edi rama"}},
		{ID: "2", Question: "q2", GoldDocs: []string{"x.txt", "a.txt"}, Answers: []string{"absent"}},
		{ID: "3", Question: "q3", GoldDoc: "a.txt"},
	}
	m, err := Evaluate(context.Background(), ix, qs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]float64{1: 1.0 / 3, 3: 2.0 / 3, 5: 2.0 / 3, 10: 2.0 / 3}
	for k, w := range want {
		if m.Recall[k] != w {
			t.Errorf("recall@%d = %v, want %v", k, m.Recall[k], w)
		}
	}
	if m.MRR != (0.5+1)/3 {
		t.Errorf("MRR = %v, want %v", m.MRR, (0.5+1)/3)
	}
	if m.AnswerAt5 != 1.0/3 {
		t.Errorf("answer@5 = %v, want 1/3", m.AnswerAt5)
	}
	if len(m.Misses) != 1 || m.Misses[0] != "3" {
		t.Errorf("misses %v, want [3]", m.Misses)
	}
}

func TestReadQuestionsSkipsOutOfScope(t *testing.T) {
	file := filepath.Join(t.TempDir(), "q.jsonl")
	writeFile(t, file, `{"id":"a","question":"Why?","answers":["x"],"gold_doc":"d.txt"}

{"id":"b","question":"Weather?","answers":[],"in_scope":false}
{"id":"c","question":"Who?","gold_docs":["e.txt"]}
`)
	qs, err := ReadQuestions(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || qs[0].ID != "a" || qs[1].ID != "c" {
		t.Fatalf("questions %+v, want a and c", qs)
	}
	writeFile(t, file, "{\"id\":\"a\",\"question\":\"Why?\"}\n{broken\n")
	if _, err := ReadQuestions(file); err == nil || !strings.Contains(err.Error(), "q.jsonl:2") {
		t.Errorf("broken line gave %v, want an error naming q.jsonl:2", err)
	}
}

func TestCheckRecall(t *testing.T) {
	rows := []Row{
		{Set: "a", Engine: "storybot", Metrics: Metrics{Recall: map[int]float64{5: 0.9}}},
		{Set: "a", Engine: "bleve", Metrics: Metrics{Recall: map[int]float64{5: 0.9}}},
		{Set: "b", Engine: "storybot", Metrics: Metrics{Recall: map[int]float64{5: 0.8}}},
		{Set: "b", Engine: "bleve", Metrics: Metrics{Recall: map[int]float64{5: 0.85}}},
	}
	err := CheckRecall(rows, 5)
	if err == nil || !strings.Contains(err.Error(), "b: storybot recall@5 0.800 < bleve 0.850") || strings.Contains(err.Error(), "a:") {
		t.Errorf("CheckRecall = %v, want only set b named", err)
	}
}

// fakeIndex is an Index whose answers come from a function.
type fakeIndex func(q string) []*knowledge.Passage

var _ Index = fakeIndex(nil)

func (f fakeIndex) Search(_ context.Context, q string, k int) ([]*knowledge.Passage, error) {
	ps := f(q)
	return ps[:min(k, len(ps))], nil
}

func (fakeIndex) Close() error { return nil }
