package eval

import (
	"reflect"
	"strings"
	"testing"
)

func boolp(b bool) *bool { return &b }

// TestPassageRank: a hit needs a passage of a gold document whose lines
// overlap a gold range; touching at one line counts, a passage of another
// document with the same lines does not.
func TestPassageRank(t *testing.T) {
	q := Question{GoldDoc: "story.txt", GoldLines: [][2]int{{10, 12}, {30, 30}}}
	for _, c := range []struct {
		name string
		got  []Retrieved
		want int
	}{
		{"first overlaps", []Retrieved{{Doc: "story.txt", StartLine: 8, EndLine: 10}}, 1},
		{"inside", []Retrieved{{Doc: "a/story.txt", StartLine: 11, EndLine: 11}}, 1},
		{"covers", []Retrieved{{Doc: "story.txt", StartLine: 1, EndLine: 40}}, 1},
		{"second range", []Retrieved{{Doc: "story.txt", StartLine: 13, EndLine: 29}, {Doc: "story.txt", StartLine: 30, EndLine: 31}}, 2},
		{"just before and after", []Retrieved{{Doc: "story.txt", StartLine: 1, EndLine: 9}, {Doc: "story.txt", StartLine: 13, EndLine: 29}}, 0},
		{"other document", []Retrieved{{Doc: "other.txt", StartLine: 10, EndLine: 12}, {Doc: "story.txt", StartLine: 12, EndLine: 14}}, 2},
		{"nothing", nil, 0},
	} {
		if got := (Outcome{Question: q, Retrieved: c.got}).PassageRank(); got != c.want {
			t.Errorf("%s: PassageRank = %d, want %d", c.name, got, c.want)
		}
	}
	if got := (Outcome{Question: Question{GoldDoc: "story.txt"}, Retrieved: []Retrieved{{Doc: "story.txt", StartLine: 1, EndLine: 5}}}).PassageRank(); got != 0 {
		t.Errorf("no gold_lines: PassageRank = %d, want 0", got)
	}
}

// TestComputePassageRecall: passage recall counts only the scored
// questions with gold_lines; answer_in_passages leaves out the questions
// marked explicit: false; without gold_lines the key is absent.
func TestComputePassageRecall(t *testing.T) {
	lines := [][2]int{{5, 6}}
	p := func(start, end int, text string) Retrieved {
		return Retrieved{Doc: "s.txt", StartLine: start, EndLine: end, Text: text}
	}
	outs := []Outcome{
		// hit at 1; the answer runs over a line break
		{Question: Question{ID: "a", GoldDoc: "s.txt", GoldLines: lines, Explicit: boolp(true), Answers: []string{"little boats"}},
			Retrieved: []Retrieved{p(4, 7, "owls and\nlittle   Boats"), p(1, 3, "")}},
		// hit at 3; implicit: its answer is not looked for
		{Question: Question{ID: "b", GoldDoc: "s.txt", GoldLines: lines, Explicit: boolp(false), Answers: []string{"x"}},
			Retrieved: []Retrieved{p(1, 2, "x"), p(8, 9, ""), p(6, 6, "")}},
		// no gold_lines: scored for recall, not for passage recall
		{Question: Question{ID: "c", GoldDoc: "s.txt", Answers: []string{"y"}}, Retrieved: []Retrieved{p(1, 2, "")}},
		// out of scope: not scored
		{Question: Question{ID: "d", InScope: boolp(false), GoldLines: lines}},
	}
	m := Compute(outs, []int{1, 3}, 0)
	if m.Questions != 3 || m.PassageQuestions != 2 || m.Implicit != 1 {
		t.Fatalf("questions %d passage questions %d implicit %d", m.Questions, m.PassageQuestions, m.Implicit)
	}
	if want := map[string]float64{"1": 0.5, "3": 1}; !reflect.DeepEqual(m.PassageRecall, want) {
		t.Errorf("passage recall %v, want %v", m.PassageRecall, want)
	}
	if want := map[string]float64{"1": 0.5, "3": 0.5}; !reflect.DeepEqual(m.AnswerInPassages, want) {
		t.Errorf("answer in passages %v, want %v (a and c; b left out)", m.AnswerInPassages, want)
	}
	none := Compute(outs[2:3], []int{1}, 0)
	if none.PassageRecall != nil || none.PassageQuestions != 0 {
		t.Errorf("without gold_lines: %v %d", none.PassageRecall, none.PassageQuestions)
	}
}

// TestAnswerIn: answers are normalised (SQuAD) only for questions that say
// whether they are explicit (FairytaleQA); the shared sets compare case
// and white space alone (an answer cut from a hard-wrapped paper runs over
// a line break; the quote joins the lines).
func TestAnswerIn(t *testing.T) {
	text := "she painted foxes, owls and\nlittle boats [1]"
	for _, c := range []struct {
		explicit *bool
		answer   string
		want     bool
	}{
		{boolp(true), "Owls and little boats", true},
		{boolp(true), "owls  and little\tboats", true},
		{boolp(false), "owls and little boats", true}, // compared alike; ComputeAnswers leaves it out
		{nil, "owls and little boats", true},
		{nil, "owls and\nLITTLE boats", true},
		{nil, "owls and little boats.", false},
		{boolp(true), "  ", false},
		{boolp(true), "a fox", false},
		{boolp(true), "Owls and little boats.", true},     // an answer written as a sentence
		{boolp(true), "owls, and the little boats", true}, // punctuation and articles aside
		{boolp(true), "owl", false},                       // whole words only
	} {
		q := Question{Explicit: c.explicit, Answers: []string{c.answer}}
		if got := q.AnswerIn(text); got != c.want {
			t.Errorf("explicit %v, answer %q: %v, want %v", c.explicit == nil, c.answer, got, c.want)
		}
	}
}

// TestComputeAnswersExplicit: containment counts the explicit questions
// only; implicit ones count for refusals; in-scope refusals are reported.
func TestComputeAnswersExplicit(t *testing.T) {
	outs := []AnswerOutcome{
		{Question: Question{ID: "a", Explicit: boolp(true), Answers: []string{"the full moon rose"}}, Text: "> and the full [1]\n> moon rose [2]"},
		{Question: Question{ID: "b", Explicit: boolp(true), Answers: []string{"the sun"}}, Text: "> a cold night [1]", Citations: 1},
		{Question: Question{ID: "c", Explicit: boolp(false), Answers: []string{"he was sad"}}, Text: "not covered", Refused: true},
		{Question: Question{ID: "d", Answers: []string{"Durres"}}, Text: "near Durres [1]", Citations: 1},
	}
	m := ComputeAnswers(outs)
	if m.WithAnswers != 3 || m.Implicit != 1 || m.InScope != 4 || m.Refused != 1 {
		t.Fatalf("with answers %d implicit %d in scope %d refused %d", m.WithAnswers, m.Implicit, m.InScope, m.Refused)
	}
	// a's answer runs over two quoted sentences, split by a marker: a miss
	if m.Containment != 0.3333 || m.RefusedInScope != 0.25 || m.AnsweredInScope != 0.75 {
		t.Errorf("containment %v refused in scope %v answered %v", m.Containment, m.RefusedInScope, m.AnsweredInScope)
	}
	if len(m.Misses) != 2 || m.Misses[0].ID != "a" || m.Misses[1].ID != "b" {
		t.Errorf("misses %+v", m.Misses)
	}
}

func TestComputeOutOfScope(t *testing.T) {
	q := Question{ID: "o", Question: "What is the capital of Mars?"}
	outs := []AnswerOutcome{
		{Question: q, Refused: true, Doc: "a.txt"},
		{Question: q, Text: "Quoted [1]", Doc: "b.txt"},
		{Question: q, Refused: true, Doc: "c.txt"},
		{Question: q, Refused: true, Doc: "d.txt"},
	}
	m := ComputeOutOfScope("oos.jsonl", 1, outs)
	if m.Questions != 1 || m.Asked != 4 || m.RefusedCount != 3 || m.Refused != 0.75 {
		t.Errorf("%+v", m)
	}
	if len(m.Answered) != 1 || m.Answered[0].Doc != "b.txt" {
		t.Errorf("answered %+v", m.Answered)
	}
	if e := ComputeOutOfScope("f", 0, nil); e.Refused != 0 || e.Answered == nil {
		t.Errorf("empty: %+v", e)
	}
}

func TestReadGoldLines(t *testing.T) {
	qs, err := ReadQuestions(strings.NewReader(`{"question": "q", "gold_doc": "s.txt", "gold_lines": [[3, 4], [6, 6]], "explicit": false}`))
	if err != nil || !reflect.DeepEqual(qs[0].GoldLines, [][2]int{{3, 4}, {6, 6}}) || !qs[0].Implicit() {
		t.Fatalf("%+v %v", qs, err)
	}
	for _, bad := range []string{`[[0, 2]]`, `[[5, 4]]`, `[[3]]`} {
		_, err := ReadQuestions(strings.NewReader(`{"question": "q", "gold_lines": ` + bad + `}`))
		if err == nil || !strings.Contains(err.Error(), "line 1: gold_lines") {
			t.Errorf("gold_lines %s: %v", bad, err)
		}
	}
}
