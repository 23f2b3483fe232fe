// Package eval measures retrieval on question sets: it reads questions in the
// shared JSONL format and computes recall@k, mean reciprocal rank,
// answer-in-passages@k and latency percentiles from what a retriever
// returned. Its functions are pure (no I/O beyond the reader they are given)
// so that the metrics can be checked on tiny hand-made sets.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Question is one line of a questions.jsonl file.
type Question struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Answers  []string `json:"answers"`
	GoldDoc  string   `json:"gold_doc"`
	GoldDocs []string `json:"gold_docs"`
	InScope  *bool    `json:"in_scope"` // nil means true
}

// Golds returns the file names of the question's gold documents.
func (q Question) Golds() []string {
	var out []string
	if q.GoldDoc != "" {
		out = append(out, q.GoldDoc)
	}
	return append(out, q.GoldDocs...)
}

// Scored reports whether the question counts for retrieval metrics: it is in
// scope and names a gold document.
func (q Question) Scored() bool {
	return (q.InScope == nil || *q.InScope) && len(q.Golds()) > 0
}

// ReadQuestions reads JSONL questions; blank lines are ignored. Errors name
// the line.
func ReadQuestions(r io.Reader) ([]Question, error) {
	var out []Question
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		b := strings.TrimSpace(sc.Text())
		if b == "" {
			continue
		}
		var q Question
		if err := json.Unmarshal([]byte(b), &q); err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		if strings.TrimSpace(q.Question) == "" {
			return nil, fmt.Errorf("line %d: no \"question\"", line)
		}
		if q.ID == "" {
			q.ID = strconv.Itoa(line)
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %v", line+1, err)
	}
	return out, nil
}

// Retrieved is one passage a retriever returned, in rank order.
type Retrieved struct {
	Doc      string // document path (only its file name is compared with gold_doc)
	Location string
	Text     string
}

// Outcome is what the retriever returned for one question.
type Outcome struct {
	Question  Question
	Retrieved []Retrieved
	Latency   time.Duration
}

// Rank returns the 1-based rank of the first passage from a gold document, or
// 0 when none was returned.
func (o Outcome) Rank() int {
	golds := o.Question.Golds()
	for i, r := range o.Retrieved {
		name := path.Base(r.Doc)
		for _, g := range golds {
			if name == path.Base(g) {
				return i + 1
			}
		}
	}
	return 0
}

// AnswerRank returns the 1-based rank of the first passage that contains one
// of the answers (case-insensitively), or 0.
func (o Outcome) AnswerRank() int {
	for i, r := range o.Retrieved {
		text := strings.ToLower(r.Text)
		for _, a := range o.Question.Answers {
			if a = strings.ToLower(strings.TrimSpace(a)); a != "" && strings.Contains(text, a) {
				return i + 1
			}
		}
	}
	return 0
}

// Miss is a scored question whose gold document was not in the top k.
type Miss struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Gold     string `json:"gold"`
	Rank     int    `json:"rank"` // rank of the first gold passage within the depth searched, 0 when absent
	Top      string `json:"top"`  // document of the first passage returned
	TopAt    string `json:"top_location"`
}

// Latency is query latency percentiles in milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
}

// Metrics are the retrieval numbers of a run.
type Metrics struct {
	Questions        int                `json:"questions"`    // scored questions
	OutOfScope       int                `json:"out_of_scope"` // questions not scored (in_scope false or no gold)
	Recall           map[string]float64 `json:"recall"`       // by k
	MRR              float64            `json:"mrr"`          // over the deepest k
	AnswerInPassages map[string]float64 `json:"answer_in_passages"`
	Latency          Latency            `json:"latency_ms"`
	Misses           []Miss             `json:"misses"` // scored questions with no gold passage in the top MissK
	MissK            int                `json:"miss_k"`
}

// Compute returns the metrics of outcomes at each k in ks. Misses are the
// scored questions whose gold document is not within the top missK (0 means
// the smallest k). MRR counts ranks as deep as the outcomes go. Latency
// covers every outcome, scored or not.
func Compute(outcomes []Outcome, ks []int, missK int) Metrics {
	ks = append([]int(nil), ks...)
	sort.Ints(ks)
	if missK <= 0 && len(ks) > 0 {
		missK = ks[0]
	}
	m := Metrics{Recall: map[string]float64{}, AnswerInPassages: map[string]float64{}, Misses: []Miss{}, MissK: missK}
	hits := make([]int, len(ks))
	ans := make([]int, len(ks))
	var rr float64
	var lat []float64
	for _, o := range outcomes {
		lat = append(lat, float64(o.Latency)/float64(time.Millisecond))
		if !o.Question.Scored() {
			m.OutOfScope++
			continue
		}
		m.Questions++
		r, a := o.Rank(), o.AnswerRank()
		if r > 0 {
			rr += 1 / float64(r)
		}
		for i, k := range ks {
			if r > 0 && r <= k {
				hits[i]++
			}
			if a > 0 && a <= k {
				ans[i]++
			}
		}
		if r == 0 || r > missK {
			miss := Miss{ID: o.Question.ID, Question: o.Question.Question, Gold: strings.Join(o.Question.Golds(), ", "), Rank: r}
			if len(o.Retrieved) > 0 {
				miss.Top, miss.TopAt = o.Retrieved[0].Doc, o.Retrieved[0].Location
			}
			m.Misses = append(m.Misses, miss)
		}
	}
	for i, k := range ks {
		key := strconv.Itoa(k)
		m.Recall[key] = ratio(hits[i], m.Questions)
		m.AnswerInPassages[key] = ratio(ans[i], m.Questions)
	}
	if m.Questions > 0 {
		m.MRR = round4(rr / float64(m.Questions))
	}
	m.Latency = Latency{P50: round4(Percentile(lat, 50)), P99: round4(Percentile(lat, 99))}
	return m
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return round4(float64(a) / float64(b))
}

func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }

// Percentile returns the p-th percentile (nearest rank) of xs, 0 for none.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// ParseKs parses "1,3,5,10" into ascending, distinct positive integers.
func ParseKs(s string) ([]int, error) {
	seen := map[int]bool{}
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		k, err := strconv.Atoi(f)
		if err != nil || k < 1 || k > 1000 {
			return nil, fmt.Errorf("%q is not a whole number from 1 to 1000", f)
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no k given")
	}
	sort.Ints(out)
	return out, nil
}
