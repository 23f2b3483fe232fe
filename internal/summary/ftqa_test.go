package summary

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"storybot/internal/eval"
	"storybot/internal/knowledge"
)

var ftqaSummary = flag.String("ftqa-summary", "", "summarise each FairytaleQA story of one half (odd, even or all) alone, offline, and report the expert answers the summaries hold")

// ftqaLength is the summaries' length; short is what "what is this story
// about?" gets.
var ftqaLength = flag.String("ftqa-summary-length", "", "with -ftqa-summary: the summaries' length (short, medium, long; default medium)")

// TestFairytaleSummaries measures the offline summary as session 9 did
// (bench/README.md): each FairytaleQA story of one half alone, summarised
// at the default length (or -ftqa-summary-length); the share of its explicit expert answers the
// summary holds (normalised as eval's containment is), and the share of
// the summaries' sentences that lean on the one before (outOfContext):
//
//	go test ./internal/summary -run TestFairytaleSummaries -ftqa-summary odd -v
func TestFairytaleSummaries(t *testing.T) {
	if *ftqaSummary == "" {
		t.Skip("run with -ftqa-summary odd|even|all")
	}
	dir := filepath.Join("..", "..", "..", "shared", "eval", "fairytaleqa")
	f, err := os.Open(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		t.Skipf("no FairytaleQA: %v", err)
	}
	defer f.Close()
	type question struct {
		GoldDoc  string   `json:"gold_doc"`
		Answers  []string `json:"answers"`
		Explicit bool     `json:"explicit"`
	}
	byDoc := map[string][]question{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var q question
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatal(err)
		}
		byDoc[q.GoldDoc] = append(byDoc[q.GoldDoc], q)
	}
	var names []string
	for n := range byDoc {
		names = append(names, n)
	}
	sort.Strings(names)
	marker := regexp.MustCompile(`\s*\[\d+\]\s*`)
	var explicit, held, sentences, leaning int
	for i, name := range names {
		if *ftqaSummary != "all" && (*ftqaSummary == "odd") != (i%2 == 1) {
			continue
		}
		doc, err := knowledge.ParseFile(context.Background(), filepath.Join(dir, "docs"), name, knowledge.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := New(Options{Source: staticSource("v", []*knowledge.Document{doc})}).Summary(context.Background(), SummaryRequest{Length: Length(*ftqaLength)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range marker.Split(sum.Text, -1) {
			if s = strings.TrimSpace(s); s != "" {
				sentences++
				if outOfContext(s) {
					leaning++
				}
			}
		}
		for _, q := range byDoc[name] {
			if q.Explicit {
				explicit++
				if eval.ContainsNormalized(sum.Text, q.Answers) {
					held++
				}
			}
		}
	}
	t.Logf("%s stories: the summaries hold %d of %d explicit answers (%.4f); %d sentences, %.3f of them leaning on the one before",
		*ftqaSummary, held, explicit, float64(held)/float64(max(explicit, 1)), sentences, float64(leaning)/float64(max(sentences, 1)))
}
