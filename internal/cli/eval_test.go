package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestEvalJSON(t *testing.T) {
	out, _, err := runCLI(t, "eval", "--questions", "testdata/search_eval/questions.jsonl",
		"--knowledge", storyDir, "--knowledge", "testdata/search_eval/distractors", "--k", "1,3", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Questions        int                `json:"questions"`
		Recall           map[string]float64 `json:"recall"`
		MRR              float64            `json:"mrr"`
		AnswerInPassages map[string]float64 `json:"answer_in_passages"`
		Latency          map[string]float64 `json:"latency_ms"`
		Index            map[string]float64 `json:"index"`
		Misses           []map[string]any   `json:"misses"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	// a and b are found first; c's gold document is not indexed; d is out of scope
	if rep.Questions != 3 || rep.Recall["1"] != 0.6667 || rep.Recall["3"] != 0.6667 || rep.MRR != 0.6667 {
		t.Errorf("questions %d recall %v mrr %v", rep.Questions, rep.Recall, rep.MRR)
	}
	if rep.AnswerInPassages["1"] != 0.6667 {
		t.Errorf("answer in passages %v", rep.AnswerInPassages)
	}
	if _, ok := rep.Latency["p99"]; !ok {
		t.Errorf("latency %v", rep.Latency)
	}
	if rep.Index["docs"] != 2 || rep.Index["passages"] < 5 || rep.Index["bytes"] < 3000 {
		t.Errorf("index %v", rep.Index)
	}
	if len(rep.Misses) != 1 || rep.Misses[0]["id"] != "c" {
		t.Errorf("misses %v", rep.Misses)
	}
}

// TestEvalSegments: --segments splits the index by document (as the library
// does for large folders) and must find the same documents on the small set,
// with the same index totals.
func TestEvalSegments(t *testing.T) {
	args := []string{"eval", "--questions", "testdata/search_eval/questions.jsonl",
		"--knowledge", storyDir, "--knowledge", "testdata/search_eval/distractors", "--k", "1,3", "--json"}
	one, _, err := runCLI(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	two, _, err := runCLI(t, append(args, "--segments", "2")...)
	if err != nil {
		t.Fatal(err)
	}
	type rep struct {
		Recall map[string]float64 `json:"recall"`
		Index  map[string]float64 `json:"index"`
	}
	var a, b rep
	if err := json.Unmarshal([]byte(one), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(two), &b); err != nil {
		t.Fatal(err)
	}
	if a.Recall["1"] != b.Recall["1"] || a.Recall["3"] != b.Recall["3"] {
		t.Errorf("recall: one index %v, two segments %v", a.Recall, b.Recall)
	}
	for _, k := range []string{"docs", "passages", "bytes"} {
		if a.Index[k] != b.Index[k] {
			t.Errorf("index %s: one index %v, two segments %v", k, a.Index[k], b.Index[k])
		}
	}
}

func TestEvalText(t *testing.T) {
	out, _, err := runCLI(t, "eval", "--questions", "testdata/search_eval/questions.jsonl", "--knowledge", storyDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"questions   3 scored (1 out of scope", "MRR", "misses at k=1", "Which planet has the most moons?", "latency"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	for _, args := range [][]string{
		{"eval"},
		{"eval", "--questions", "testdata/none.jsonl"},
		{"eval", "--questions", "testdata/search_eval/questions.jsonl", "--k", "0"},
		{"eval", "--questions", "testdata/search_eval/questions.jsonl", "extra"},
	} {
		if _, _, err := runCLI(t, args...); ExitCode(err) != 2 {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

// A set with nothing to score: the ratios are n/a in text; JSON keeps every
// key, with "questions": 0 beside them, and the answer shares are numbers
// beside their counts of 0 (never null).
func TestEvalNothingScored(t *testing.T) {
	args := []string{"eval", "--questions", "testdata/search_eval/out_of_scope.jsonl", "--knowledge", storyDir, "--k", "1,3", "--answers"}
	out, _, err := runCLI(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"questions   0 scored (2 out of scope, not scored)",
		"1           n/a      n/a\n3           n/a      n/a\n",
		"MRR         n/a\n",
		"no question is scored",
		"containment          n/a\n", "cited                n/a (", "with citation        n/a (", "answered in scope    n/a\n",
		"refused out of scope 1.0000\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "0.0000") {
		t.Errorf("a ratio of nothing printed as a number:\n%s", out)
	}
	out, _, err = runCLI(t, append(args, "--json")...)
	if err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep["questions"] != 0.0 || rep["mrr"] != 0.0 || rep["out_of_scope"] != 2.0 {
		t.Errorf("questions %v mrr %v out_of_scope %v", rep["questions"], rep["mrr"], rep["out_of_scope"])
	}
	for _, k := range []string{"recall", "answer_in_passages"} {
		if m, _ := rep[k].(map[string]any); m["1"] != 0.0 || m["3"] != 0.0 {
			t.Errorf("%s = %v, want both keys, 0", k, rep[k])
		}
	}
	ans, _ := rep["answers"].(map[string]any)
	for k, want := range map[string]float64{"containment": 0, "cited": 0, "with_citation": 0, "answered_in_scope": 0, "refused_out_of_scope": 1, "in_scope": 0, "with_answers": 0, "answered": 0, "markers": 0, "out_of_scope": 2} {
		if got, ok := ans[k].(float64); !ok || got != want {
			t.Errorf("answers.%s = %v, want %v", k, ans[k], want)
		}
	}
}

func TestEvalEmptyQuestionsFile(t *testing.T) {
	_, _, err := runCLI(t, "eval", "--questions", "testdata/search_eval/empty.jsonl", "--knowledge", storyDir)
	if ExitCode(err) != 2 || !strings.Contains(err.Error(), "testdata/search_eval/empty.jsonl has no questions") {
		t.Fatalf("want a usage error naming the file, got %v", err)
	}
}
