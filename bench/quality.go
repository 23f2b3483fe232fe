package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"storybot/internal/eval"
	"storybot/internal/knowledge"
)

// ReadQuestions reads a JSONL question file (../shared/eval/*/questions.jsonl)
// with eval.ReadQuestions, leaving out the questions that are not scored:
// those marked in_scope: false and those without a gold document. Errors
// name the file and line.
func ReadQuestions(file string) ([]eval.Question, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	defer f.Close()
	qs, err := eval.ReadQuestions(f)
	if le := (*eval.LineError)(nil); errors.As(err, &le) {
		return nil, fmt.Errorf("%s:%d: %w", file, le.Line, le.Err)
	}
	if err != nil {
		return nil, fmt.Errorf("read questions %s: %w", file, err)
	}
	return slices.DeleteFunc(qs, func(q eval.Question) bool { return !q.Scored() }), nil
}

// Ks are the cut-offs recall is reported at.
var Ks = []int{1, 3, 5, 10}

// Metrics is the retrieval quality of one engine on one question set.
type Metrics struct {
	Questions int
	Recall    map[int]float64 // k → share of questions with a gold passage in the top k
	MRR       float64         // mean of 1/rank of the first gold passage (0 past the last k)
	AnswerAt5 float64         // share of questions with an answer string in a top-5 passage
	P50, P99  time.Duration   // query latency
	Misses    []string        // IDs of questions with no gold passage in the top 5
}

// Evaluate runs every question against ix (top max(Ks) passages) and
// computes the metrics. It fails on the first search error.
func Evaluate(ctx context.Context, ix Index, qs []eval.Question) (Metrics, error) {
	maxK := slices.Max(Ks)
	m := Metrics{Questions: len(qs), Recall: make(map[int]float64)}
	if len(qs) == 0 {
		return m, nil
	}
	lat := make([]time.Duration, 0, len(qs))
	ranks := make([]int, len(qs))
	var answered int
	for i, q := range qs {
		start := time.Now()
		ps, err := ix.Search(ctx, q.Question, maxK)
		lat = append(lat, time.Since(start))
		if err != nil {
			return m, fmt.Errorf("question %s: %w", q.ID, err)
		}
		for r, p := range ps {
			if q.Gold(p.Doc) {
				ranks[i] = r + 1
				break
			}
		}
		if answerIn(q.Answers, ps[:min(5, len(ps))]) {
			answered++
		}
		if ranks[i] == 0 || ranks[i] > 5 {
			m.Misses = append(m.Misses, q.ID)
		}
	}
	n := float64(len(qs))
	for _, k := range Ks {
		hits := 0
		for _, r := range ranks {
			if r > 0 && r <= k {
				hits++
			}
		}
		m.Recall[k] = float64(hits) / n
	}
	for _, r := range ranks {
		if r > 0 {
			m.MRR += 1 / float64(r)
		}
	}
	m.MRR /= n
	m.AnswerAt5 = float64(answered) / n
	m.P50, m.P99 = eval.Percentile(lat, 50), eval.Percentile(lat, 99)
	return m, nil
}

func answerIn(answers []string, ps []*knowledge.Passage) bool {
	for _, p := range ps {
		text := strings.ToLower(p.Text)
		for _, a := range answers {
			if a != "" && strings.Contains(text, strings.ToLower(a)) {
				return true
			}
		}
	}
	return false
}

// Set is a question set and the folders indexed for it.
type Set struct {
	Name      string
	Questions string   // JSONL file
	Dirs      []string // knowledge folders indexed together
}

// SharedSets returns the question sets of the shared folder (the
// "../shared" beside the repository): the story alone, the story with the
// xquad_en and covidqa documents as distractors, xquad_en and covidqa. It
// returns an error when the folder is missing.
func SharedSets(shared string) ([]Set, error) {
	ev := filepath.Join(shared, "eval")
	if _, err := os.Stat(ev); err != nil {
		return nil, fmt.Errorf("shared question sets: %w", err)
	}
	seed := filepath.Join(shared, "seed")
	xq := filepath.Join(ev, "xquad_en", "docs")
	cq := filepath.Join(ev, "covidqa", "docs")
	story := filepath.Join(ev, "story", "questions.jsonl")
	return []Set{
		{Name: "story", Questions: story, Dirs: []string{seed}},
		{Name: "story+distractors", Questions: story, Dirs: []string{seed, xq, cq}},
		{Name: "xquad_en", Questions: filepath.Join(ev, "xquad_en", "questions.jsonl"), Dirs: []string{xq}},
		{Name: "covidqa", Questions: filepath.Join(ev, "covidqa", "questions.jsonl"), Dirs: []string{cq}},
	}, nil
}
