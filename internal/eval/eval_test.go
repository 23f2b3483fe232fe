package eval

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readTiny(t *testing.T) []Question {
	t.Helper()
	f, err := os.Open("testdata/tiny.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := ReadQuestions(f)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

func TestReadQuestions(t *testing.T) {
	qs := readTiny(t)
	if len(qs) != 4 {
		t.Fatalf("%d questions", len(qs))
	}
	if !reflect.DeepEqual(qs[1].Golds(), []string{"other.txt", "camp.txt"}) || qs[2].Scored() || !qs[0].Scored() {
		t.Fatalf("golds %v scored %v %v", qs[1].Golds(), qs[2].Scored(), qs[0].Scored())
	}
	_, err := ReadQuestions(strings.NewReader("{\"question\": \"ok\"}\n{broken\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("broken line: %v", err)
	}
	_, err = ReadQuestions(strings.NewReader("{\"id\": \"x\"}\n"))
	if err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("no question: %v", err)
	}
}

// TestCompute checks recall, MRR and answer-in-passages by hand:
// q1 gold at rank 2 (answer at rank 1), q2 gold (second of gold_docs) at
// rank 1, q3 not scored, q4 gold never returned (answer at rank 3).
func TestCompute(t *testing.T) {
	qs := readTiny(t)
	ms := time.Millisecond
	outcomes := []Outcome{
		{Question: qs[0], Latency: 1 * ms, Retrieved: []Retrieved{
			{Doc: "x.txt", Text: "ALBANIA said"}, {Doc: "sub/story.txt", Text: "nothing"}, {Doc: "y.txt"}}},
		{Question: qs[1], Latency: 2 * ms, Retrieved: []Retrieved{
			{Doc: "camp.txt", Text: "near Durres"}}},
		{Question: qs[2], Latency: 3 * ms, Retrieved: []Retrieved{{Doc: "story.txt"}}},
		{Question: qs[3], Latency: 4 * ms, Retrieved: []Retrieved{
			{Doc: "a.txt"}, {Doc: "b.txt"}, {Doc: "c.txt", Text: "on july 15 it began"}}},
	}
	m := Compute(outcomes, []int{3, 1}, 0)
	if m.Questions != 3 || m.OutOfScope != 1 {
		t.Fatalf("questions %d out of scope %d", m.Questions, m.OutOfScope)
	}
	wantRecall := map[string]float64{"1": 0.3333, "3": 0.6667}
	if !reflect.DeepEqual(m.Recall, wantRecall) {
		t.Errorf("recall %v, want %v", m.Recall, wantRecall)
	}
	if m.MRR != 0.5 { // (1/2 + 1 + 0) / 3
		t.Errorf("MRR %v, want 0.5", m.MRR)
	}
	wantAns := map[string]float64{"1": 0.6667, "3": 1}
	if !reflect.DeepEqual(m.AnswerInPassages, wantAns) {
		t.Errorf("answer in passages %v, want %v", m.AnswerInPassages, wantAns)
	}
	if m.Latency.P50 != 2 || m.Latency.P99 != 4 {
		t.Errorf("latency %+v", m.Latency)
	}
	if m.MissK != 1 || len(m.Misses) != 2 || m.Misses[0].ID != "q1" || m.Misses[0].Rank != 2 || m.Misses[1].ID != "q4" || m.Misses[1].Rank != 0 || m.Misses[1].Top != "a.txt" {
		t.Errorf("misses %+v", m.Misses)
	}
	empty := Compute(nil, []int{1}, 0)
	if empty.Misses == nil || empty.Recall["1"] != 0 || empty.MRR != 0 {
		t.Errorf("empty: %+v", empty)
	}
}

func TestPercentile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3}
	for p, want := range map[float64]float64{50: 3, 99: 5, 0: 1, 20: 1, 21: 2} {
		if got := Percentile(xs, p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if Percentile([]float64(nil), 50) != 0 {
		t.Error("empty")
	}
	if xs[0] != 5 {
		t.Error("Percentile sorted its argument")
	}

	// Durations, as the benchmarks give them (these were bench's cases).
	ds := []time.Duration{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}
	for p, want := range map[float64]time.Duration{50: 5, 99: 10, 100: 10, 0: 1, 10: 1, 11: 2, 90: 9, 91: 10} {
		if got := Percentile(ds, p); got != want {
			t.Errorf("durations p%v = %v, want %v", p, got, want)
		}
	}
	if got := Percentile([]time.Duration(nil), 50); got != 0 {
		t.Errorf("p50 of no durations = %v, want 0", got)
	}
	if ds[0] != 5 {
		t.Error("Percentile sorted its argument")
	}
	// Nearest rank where p/100·n is a whole number: p50 of 500 values is
	// the 250th, p99 of 100 values the 99th.
	many := make([]time.Duration, 500)
	for i := range many {
		many[i] = time.Duration(500 - i)
	}
	if got := Percentile(many, 50); got != 250 {
		t.Errorf("p50 of 1..500 = %v, want 250", got)
	}
	if got := Percentile(many[:100], 99); got != 499 {
		t.Errorf("p99 of 401..500 = %v, want 499", got)
	}
}

func TestParseKs(t *testing.T) {
	ks, err := ParseKs("10, 1,3,3")
	if err != nil || !reflect.DeepEqual(ks, []int{1, 3, 10}) {
		t.Fatalf("%v %v", ks, err)
	}
	for _, bad := range []string{"", "0", "a", "1,-2", ","} {
		if _, err := ParseKs(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
