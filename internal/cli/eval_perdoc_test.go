package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"storybot/internal/golden"
)

const storiesDir = "testdata/stories"

// timings masks the run's times, which vary, in eval's text output.
var timings = regexp.MustCompile(`\d+(\.\d+)? ms`)

// storyReport is the part of eval's JSON that the story tests read.
type storyReport struct {
	Questions        int                `json:"questions"`
	OutOfScope       int                `json:"out_of_scope"`
	Recall           map[string]float64 `json:"recall"`
	PassageRecall    map[string]float64 `json:"passage_recall"`
	PassageQuestions int                `json:"passage_questions"`
	Implicit         int                `json:"implicit"`
	Index            map[string]float64 `json:"index"`
	Answers          map[string]any     `json:"answers"`
	OutOfScopeSet    map[string]any     `json:"out_of_scope_set"`
}

// evalJSON runs storybot eval ARGS --json and decodes its report; it
// returns stderr too.
func evalJSON(t *testing.T, args ...string) (storyReport, string) {
	t.Helper()
	out, stderr, err := runCLI(t, append(append([]string{"eval"}, args...), "--json")...)
	if err != nil {
		t.Fatal(err)
	}
	var rep storyReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	return rep, stderr
}

// TestEvalPerDocText: two hard-wrapped stories, each indexed alone, asked
// their own questions, and three out-of-scope questions asked of both.
func TestEvalPerDocText(t *testing.T) {
	out, _, err := runCLI(t, "eval", "--questions", storiesDir+"/questions.jsonl", "--knowledge", storiesDir+"/docs",
		"--per-doc", "--out-of-scope", storiesDir+"/out-of-scope.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/eval_perdoc.golden", timings.ReplaceAllString(out, "X ms"))
}

// TestEvalHeldOut: --held-out asks each explicit question of its story
// with its gold lines blanked, passing over the two whose answers the story
// says again elsewhere ("a purse of silver", "flour") and the implicit
// ones; the reply it wants is a refusal. Without gold_lines, the lines that
// hold an answer are blanked: an answer that no line holds alone ("foxes,
// owls and little boats") or that is said again across a line break ("a
// purse of silver") passes its question over.
func TestEvalHeldOut(t *testing.T) {
	for _, c := range []struct{ questions, golden string }{
		{"questions.jsonl", "testdata/eval_heldout.golden"},
		{"questions_nolines.jsonl", "testdata/eval_heldout_nolines.golden"},
	} {
		out, _, err := runCLI(t, "eval", "--questions", storiesDir+"/"+c.questions, "--knowledge", storiesDir+"/docs",
			"--per-doc", "--held-out")
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, c.golden, timings.ReplaceAllString(out, "X ms"))
	}
	// gold lines that are the whole story leave nothing to ask of: passed over
	out, _, err := runCLI(t, "eval", "--questions", storiesDir+"/questions_whole.jsonl", "--knowledge", storiesDir+"/docs",
		"--per-doc", "--held-out", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if asked, _ := jsonNumber(decodeJSON(t, out), "held_out.asked"); asked != 1 {
		t.Errorf("held_out.asked = %v, want 1 (the whole story blanked is passed over)", asked)
	}
}

// TestEvalPerDocJSON checks the new keys: passage_recall with its count,
// the answers block's explicit handling and in-scope refusals, and the
// out_of_scope_set block (every question asked of every story: the set is
// small).
func TestEvalPerDocJSON(t *testing.T) {
	rep, _ := evalJSON(t, "--questions", storiesDir+"/questions.jsonl", "--knowledge", storiesDir+"/docs",
		"--per-doc", "--answers", "--out-of-scope", storiesDir+"/out-of-scope.jsonl")
	if rep.Questions != 9 || rep.PassageQuestions != 9 || rep.Implicit != 2 || len(rep.PassageRecall) != 4 {
		t.Errorf("questions %d passage_questions %d implicit %d passage_recall %v", rep.Questions, rep.PassageQuestions, rep.Implicit, rep.PassageRecall)
	}
	if rep.Index["indexes"] != 2 || rep.Index["docs"] != 2 {
		t.Errorf("index %v, want 2 indexes of one document each", rep.Index)
	}
	for k, want := range map[string]float64{"in_scope": 9, "with_answers": 7, "implicit": 2} {
		if rep.Answers[k] != want {
			t.Errorf("answers.%s = %v, want %v", k, rep.Answers[k], want)
		}
	}
	for _, k := range []string{"refused_in_scope", "refused", "containment", "answered_in_scope"} {
		if _, ok := rep.Answers[k].(float64); !ok {
			t.Errorf("answers.%s = %v, want a number", k, rep.Answers[k])
		}
	}
	for k, want := range map[string]any{"questions": 3.0, "asked": 6.0, "file": storiesDir + "/out-of-scope.jsonl"} {
		if rep.OutOfScopeSet[k] != want {
			t.Errorf("out_of_scope_set.%s = %v, want %v", k, rep.OutOfScopeSet[k], want)
		}
	}
	if _, ok := rep.OutOfScopeSet["refused"].(float64); !ok {
		t.Errorf("out_of_scope_set.refused = %v", rep.OutOfScopeSet["refused"])
	}
}

// Without --per-doc the stories share one index: passage_recall is still
// reported, and the out-of-scope questions are asked once each.
func TestEvalStoriesOneIndex(t *testing.T) {
	rep, _ := evalJSON(t, "--questions", storiesDir+"/questions.jsonl", "--knowledge", storiesDir+"/docs",
		"--out-of-scope", storiesDir+"/out-of-scope.jsonl")
	if len(rep.PassageRecall) != 4 {
		t.Errorf("passage_recall = %v", rep.PassageRecall)
	}
	if _, ok := rep.Index["indexes"]; ok || rep.Index["docs"] != 2 {
		t.Errorf("index %v: want one index of two documents", rep.Index)
	}
	if rep.OutOfScopeSet["asked"] != 3.0 {
		t.Errorf("out_of_scope_set %v: want 3 asked", rep.OutOfScopeSet)
	}
}

func TestEvalPerDocErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--questions", storiesDir + "/nogold.jsonl", "--per-doc"}, "question x-2 has no gold_doc"},
		{[]string{"--questions", "testdata/search_eval/out_of_scope.jsonl", "--per-doc"}, "--per-doc needs questions with a gold_doc"},
		{[]string{"--questions", storiesDir + "/questions.jsonl", "--per-doc", "--segments", "2"}, "--segments"},
		{[]string{"--questions", storiesDir + "/questions.jsonl", "--held-out"}, "--held-out asks each question of its own document, so it needs --per-doc"},
		{[]string{"--questions", "testdata/search_eval/questions.jsonl", "--per-doc", "--held-out"}, "--held-out needs explicit questions whose answers occur in their gold document"},
		// a PDF's lines are not the file's: nothing to blank
		{[]string{"--questions", "testdata/pdfstory_questions.jsonl", "--knowledge", "testdata/pdfstory", "--per-doc", "--held-out"}, "--held-out needs explicit questions whose answers occur in their gold document"},
		{[]string{"--questions", storiesDir + "/questions.jsonl", "--out-of-scope", "testdata/none.jsonl"}, "--out-of-scope: cannot open"},
		{[]string{"--questions", storiesDir + "/questions.jsonl", "--out-of-scope", "testdata/search_eval/empty.jsonl"}, "has no questions"},
	} {
		args := append([]string{"eval", "--knowledge", storiesDir + "/docs"}, c.args...)
		_, _, err := runCLI(t, args...)
		if ExitCode(err) != 2 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want a usage error with %q", c.args, err, c.want)
		}
	}
}

// TestEvalFairytaleQA runs the whole shared FairytaleQA set as the README
// does, each story alone, and checks that every question is scored with
// passage recall and that the out-of-scope sample has the size documented
// (each of 400 questions asked of 10 stories).
func TestEvalFairytaleQA(t *testing.T) {
	set := filepath.Join("..", "..", "..", "shared", "eval", "fairytaleqa")
	if _, err := os.Stat(set); err != nil {
		t.Skipf("../shared/eval/fairytaleqa absent: %v", err)
	}
	if testing.Short() || raceDetector {
		t.Skip("8,548 questions: not with -short or -race (.ci/run runs it without -race)")
	}
	rep, _ := evalJSON(t, "--questions", filepath.Join(set, "questions.jsonl"), "--knowledge", filepath.Join(set, "docs"),
		"--per-doc", "--out-of-scope", filepath.Join(set, "out-of-scope.jsonl"))
	if rep.Questions != 8548 || rep.PassageQuestions != 8548 || rep.Index["indexes"] != 232 {
		t.Errorf("questions %d passage_questions %d index %v", rep.Questions, rep.PassageQuestions, rep.Index)
	}
	if rep.OutOfScopeSet["asked"] != 4000.0 {
		t.Errorf("out_of_scope_set.asked = %v, want 4000", rep.OutOfScopeSet["asked"])
	}
	t.Logf("passage recall %v", rep.PassageRecall)
}

// A gold document that is not in the folder gets an empty index of its own:
// its questions miss (as without --per-doc), with a warning, and the other
// questions are scored as usual; an in_scope: false question in the file is
// asked of one of the stories.
func TestEvalPerDocMissingGold(t *testing.T) {
	file := filepath.Join(t.TempDir(), "q.jsonl")
	lines := `{"id": "m-1", "question": "What did the miller plant beside the spring?", "answers": ["three white rose bushes"], "gold_doc": "miller.txt", "gold_lines": [[34, 36]]}
{"id": "g-1", "question": "Who guarded the gate?", "answers": ["a giant"], "gold_doc": "giant.txt", "gold_lines": [[3, 4]]}
{"id": "o-1", "question": "What is the capital of Mars?", "in_scope": false}
`
	if err := os.WriteFile(file, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, stderr := evalJSON(t, "--questions", file, "--knowledge", storiesDir+"/docs", "--per-doc", "--answers")
	if rep.Questions != 2 || rep.OutOfScope != 1 || rep.Recall["1"] != 0.5 || rep.PassageRecall["10"] != 0.5 {
		t.Errorf("questions %d out of scope %d recall %v passage recall %v", rep.Questions, rep.OutOfScope, rep.Recall, rep.PassageRecall)
	}
	if rep.Index["indexes"] != 2 || rep.Index["docs"] != 1 {
		t.Errorf("index %v: want 2 indexes, 1 document", rep.Index)
	}
	if rep.Answers["out_of_scope"] != 1.0 || rep.Answers["in_scope"] != 2.0 {
		t.Errorf("answers %v", rep.Answers)
	}
	if !strings.Contains(stderr, "giant.txt") {
		t.Errorf("no warning naming the missing gold document:\n%s", stderr)
	}
}
