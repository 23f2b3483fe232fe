package eval

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestComputeAnswers(t *testing.T) {
	no := false
	outs := []AnswerOutcome{
		{Question: Question{ID: "a", Answers: []string{"Edi Rama"}}, Text: "PM edi rama said so [1][2].", Citations: 2, Latency: time.Millisecond},
		{Question: Question{ID: "b", Answers: []string{"July 15"}}, Text: "In July [1] [3].", Citations: 1, Latency: 3 * time.Millisecond},
		{Question: Question{ID: "f", Answers: []string{"four groups"}}, Text: "Quoted from the sources:\n> Rama said so. [1]\n> It took four groups. [2]", Citations: 2},
		{Question: Question{ID: "c", Answers: []string{"x"}}, Text: "not covered", Refused: true},
		{Question: Question{ID: "d", InScope: &no}, Text: "not covered", Refused: true},
		{Question: Question{ID: "e", InScope: &no}, Text: "Something [1].", Citations: 1},
	}
	m := ComputeAnswers(outs)
	check := func(name string, got float64, want float64) {
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("containment", m.Containment, 0.5)
	check("lead", m.Lead, 0.25)
	check("cited", m.Cited, 0.8333)
	check("refused_out_of_scope", m.RefusedOutOfScope, 0.5)
	check("answered_in_scope", m.AnsweredInScope, 0.75)
	check("with_citation", m.WithCitation, 1)
	if m.InScope != 4 || m.OutOfScope != 2 || m.WithAnswers != 4 || m.Answered != 3 || m.Markers != 6 || len(m.Misses) != 2 || m.Misses[0].ID != "b" {
		t.Errorf("%+v", m)
	}
	// Nothing to count: every share is 0 (a number, as in the retrieval
	// metrics, never null) beside a denominator of 0.
	b, _ := json.Marshal(ComputeAnswers(nil))
	for _, k := range []string{`"containment":0,`, `"lead":0,`, `"cited":0,`, `"refused_out_of_scope":0,`, `"answered_in_scope":0,`, `"with_citation":0,`, `"in_scope":0,`, `"out_of_scope":0,`, `"with_answers":0,`, `"answered":0,`, `"markers":0,`, `"misses":[]`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("empty metrics JSON lacks %s: %s", k, b)
		}
	}
}

// TestLead: an answer's first quote is its first "> " line, else its first
// line.
func TestLead(t *testing.T) {
	for text, want := range map[string]string{
		"Quoted from the sources:\n> Rama said so. [1]\n> It took four groups. [2]": "Rama said so. [1]",
		"The US helped [1]. Iran did it [2].":                                       "The US helped [1]. Iran did it [2].",
		"\n\nFirst line.\nSecond.":                                                  "First line.",
		"":                                                                          "",
	} {
		if got := Lead(text); got != want {
			t.Errorf("Lead(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestCountMarkers(t *testing.T) {
	if m, v := CountMarkers("a [1] b [2][5] c [0] [x]", 2); m != 4 || v != 2 {
		t.Errorf("CountMarkers = %d, %d", m, v)
	}
}
