// Package eval measures retrieval on question sets: it reads questions in the
// shared JSONL format and computes recall@k, mean reciprocal rank,
// answer-in-passages@k and latency percentiles from what a retriever
// returned. Its functions are pure (no I/O beyond the reader they are given)
// so that the metrics can be checked on tiny hand-made sets.
package eval

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"slices"
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
	// GoldLines are the [first, last] 1-based line ranges of the gold
	// document that hold the answer (FairytaleQA's sections); with them,
	// Compute reports passage recall.
	GoldLines [][2]int `json:"gold_lines"`
	// Explicit false marks answers that are paraphrases of the text: they
	// count for refusals but not for containment. nil means true.
	Explicit *bool `json:"explicit"`
}

// OutOfScope reports whether the question is marked in_scope: false.
func (q Question) OutOfScope() bool { return q.InScope != nil && !*q.InScope }

// Implicit reports whether the question is marked explicit: false (its
// answers are paraphrases, not text of the document).
func (q Question) Implicit() bool { return q.Explicit != nil && !*q.Explicit }

// Gold reports whether doc (a path; only its file name is compared) is one
// of the question's gold documents: a gold_doc is matched by file name.
func (q Question) Gold(doc string) bool {
	name := path.Base(doc)
	for _, g := range q.Golds() {
		if name == path.Base(g) {
			return true
		}
	}
	return false
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
	return !q.OutOfScope() && len(q.Golds()) > 0
}

// checkLines reports a gold_lines range that is not [first, last] with
// 1 <= first <= last.
func checkLines(q Question) error {
	for _, r := range q.GoldLines {
		if r[0] < 1 || r[1] < r[0] {
			return fmt.Errorf("gold_lines %v: want [first, last] line numbers, 1 <= first <= last", r)
		}
	}
	return nil
}

// LineError is an error ReadQuestions met on a line of its input.
type LineError struct {
	Line int // 1-based
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }

// ReadQuestions reads JSONL questions; blank lines are ignored. Errors are
// *LineError and name the line.
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
			return nil, &LineError{line, err}
		}
		if strings.TrimSpace(q.Question) == "" {
			return nil, &LineError{line, errors.New("no \"question\"")}
		}
		if err := checkLines(q); err != nil {
			return nil, &LineError{line, err}
		}
		if q.ID == "" {
			q.ID = strconv.Itoa(line)
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, &LineError{line + 1, err}
	}
	return out, nil
}

// Retrieved is one passage a retriever returned, in rank order.
type Retrieved struct {
	Doc       string // document path (only its file name is compared with gold_doc)
	Location  string
	Text      string
	StartLine int // 1-based line range of the passage in its document
	EndLine   int
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
	for i, r := range o.Retrieved {
		if o.Question.Gold(r.Doc) {
			return i + 1
		}
	}
	return 0
}

// PassageRank returns the 1-based rank of the first passage from a gold
// document whose lines overlap one of the question's gold_lines ranges, or
// 0 when none was returned (or the question has no gold_lines).
func (o Outcome) PassageRank() int {
	for i, r := range o.Retrieved {
		if o.Question.Gold(r.Doc) && overlapsAny(r.StartLine, r.EndLine, o.Question.GoldLines) {
			return i + 1
		}
	}
	return 0
}

// overlapsAny reports whether lines first..last share a line with one of
// ranges.
func overlapsAny(first, last int, ranges [][2]int) bool {
	for _, g := range ranges {
		if first <= g[1] && g[0] <= last {
			return true
		}
	}
	return false
}

// AnswerRank returns the 1-based rank of the first passage that contains one
// of the answers (Question.AnswerIn), or 0.
func (o Outcome) AnswerRank() int {
	for i, r := range o.Retrieved {
		if o.Question.AnswerIn(r.Text) {
			return i + 1
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
	Questions        int                `json:"questions"`          // scored questions
	OutOfScope       int                `json:"out_of_scope"`       // questions not scored (in_scope false or no gold)
	Recall           map[string]float64 `json:"recall"`             // by k
	MRR              float64            `json:"mrr"`                // over the deepest k
	AnswerInPassages map[string]float64 `json:"answer_in_passages"` // over the scored questions but the Implicit
	Latency          Latency            `json:"latency_ms"`
	Misses           []Miss             `json:"misses"` // scored questions with no gold passage in the top MissK
	MissK            int                `json:"miss_k"`
	// PassageRecall by k: the share of the PassageQuestions (scored
	// questions with gold_lines) with a top-k passage of a gold document
	// whose lines overlap a gold range. Absent when no question has
	// gold_lines.
	PassageRecall    map[string]float64 `json:"passage_recall,omitempty"`
	PassageQuestions int                `json:"passage_questions,omitempty"`
	// Implicit counts the scored questions marked explicit: false, whose
	// answers are paraphrases: they are left out of AnswerInPassages.
	Implicit int `json:"implicit,omitempty"`
}

// Compute returns the metrics of outcomes at each k in ks. Misses are the
// scored questions whose gold document is not within the top missK (0 means
// the smallest k). MRR counts ranks as deep as the outcomes go. Latency
// covers every outcome, scored or not. Passage recall is computed over the
// scored questions that have gold_lines, when there are any.
func Compute(outcomes []Outcome, ks []int, missK int) Metrics {
	ks = append([]int(nil), ks...)
	sort.Ints(ks)
	if missK <= 0 && len(ks) > 0 {
		missK = ks[0]
	}
	m := Metrics{Recall: map[string]float64{}, AnswerInPassages: map[string]float64{}, Misses: []Miss{}, MissK: missK}
	hits, ans, passage := newAtK(ks), newAtK(ks), newAtK(ks)
	var rr float64
	var lat []float64
	for _, o := range outcomes {
		lat = append(lat, float64(o.Latency)/float64(time.Millisecond))
		if !o.Question.Scored() {
			m.OutOfScope++
			continue
		}
		m.Questions++
		r := o.Rank()
		if r > 0 {
			rr += 1 / float64(r)
		}
		hits.add(r)
		if o.Question.Implicit() {
			m.Implicit++
		} else {
			ans.add(o.AnswerRank())
		}
		if len(o.Question.GoldLines) > 0 {
			m.PassageQuestions++
			passage.add(o.PassageRank())
		}
		if r == 0 || r > missK {
			m.Misses = append(m.Misses, missOf(o, r))
		}
	}
	m.Recall, m.AnswerInPassages = hits.ratios(m.Questions), ans.ratios(m.Questions-m.Implicit)
	if m.PassageQuestions > 0 {
		m.PassageRecall = passage.ratios(m.PassageQuestions)
	}
	if m.Questions > 0 {
		m.MRR = round4(rr / float64(m.Questions))
	}
	m.Latency = latencyOf(lat)
	return m
}

// atK counts the questions with a hit within each of the cut-offs ks.
type atK struct {
	ks   []int
	hits []int
}

func newAtK(ks []int) *atK { return &atK{ks: ks, hits: make([]int, len(ks))} }

// add counts a question whose first hit is at the 1-based rank (0: none).
func (a *atK) add(rank int) {
	for i, k := range a.ks {
		if rank > 0 && rank <= k {
			a.hits[i]++
		}
	}
}

// ratios returns the share of n questions with a hit, by k.
func (a *atK) ratios(n int) map[string]float64 {
	out := make(map[string]float64, len(a.ks))
	for i, k := range a.ks {
		out[strconv.Itoa(k)] = ratio(a.hits[i], n)
	}
	return out
}

// missOf describes a scored question whose gold document ranked r (0: not
// found).
func missOf(o Outcome, r int) Miss {
	miss := Miss{ID: o.Question.ID, Question: o.Question.Question, Gold: strings.Join(o.Question.Golds(), ", "), Rank: r}
	if len(o.Retrieved) > 0 {
		miss.Top, miss.TopAt = o.Retrieved[0].Doc, o.Retrieved[0].Location
	}
	return miss
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return round4(float64(a) / float64(b))
}

func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }

// latencyOf returns the p50 and p99 of latencies in milliseconds.
func latencyOf(ms []float64) Latency {
	return Latency{P50: round4(Percentile(ms, 50)), P99: round4(Percentile(ms, 99))}
}

// Percentile returns the p-th percentile (p in 0..100) of xs by the nearest
// rank method: the value at rank ceil(p/100·n) of the n values sorted
// ascending (rank 1 for p = 0, the largest for p = 100), or the zero value
// for no values. xs is not modified. It is the one percentile of the
// project: the evaluation, the benchmarks and bench/ all use it, on
// milliseconds and on time.Durations alike.
func Percentile[T cmp.Ordered](xs []T, p float64) T {
	if len(xs) == 0 {
		var zero T
		return zero
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(math.Ceil(p*float64(len(s))/100)) - 1
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

// Typing is how an evaluation asks its questions: as written, or as people
// type them in chat, in lower case or with a typo.
type Typing struct {
	Lower bool // in lower case
	Typos bool // with one typo each (Misspell)
}

// String says how t types ("in lower case, with one typo each").
func (t Typing) String() string {
	var how []string
	if t.Lower {
		how = append(how, "in lower case")
	}
	if t.Typos {
		how = append(how, "with one typo each (--typos)")
	}
	if len(how) == 0 {
		return "written"
	}
	return strings.Join(how, ", ")
}

// Apply returns q as t types it.
func (t Typing) Apply(q string) string {
	if t.Lower {
		q = strings.ToLower(q)
	}
	if t.Typos {
		q = Misspell(q)
	}
	return q
}

// Misspell swaps the two middle letters of q's longest word of six ASCII
// letters or more (the first of the longest), as a hurried typist does:
// "Albania" → "Albnaia". A question without such a word is returned as it
// is.
func Misspell(q string) string {
	var at, end int
	start := -1
	for i := 0; i <= len(q); i++ {
		letter := i < len(q) && (q[i]|0x20 >= 'a' && q[i]|0x20 <= 'z')
		switch {
		case letter && start < 0:
			start = i
		case !letter && start >= 0:
			wordEnds := i == len(q) || q[i] < 0x80 // a word of ASCII letters only
			if wordEnds && i-start >= 6 && i-start > end-at {
				at, end = start, i
			}
			start = -1
		}
	}
	if end == 0 {
		return q
	}
	b := []byte(q)
	m := at + (end-at)/2
	b[m-1], b[m] = b[m], b[m-1]
	return string(b)
}
