package eval

import (
	"storybot/internal/cite"
	"strings"
	"time"
	"unicode"
)

// AnswerOutcome is what the answer pipeline returned for one question.
type AnswerOutcome struct {
	Question  Question
	Text      string // the answer with its [n] markers
	Refused   bool   // the pipeline said the knowledge does not cover it
	Citations int    // number of citations the answer lists
	Latency   time.Duration
	// Doc names what the question was asked of: the gold document with
	// --per-doc (for an out-of-scope question, the story it was asked of).
	Doc string
}

// AnswerMetrics are the "answers" block of storybot eval --answers. Every
// share is a number, as the retrieval metrics are, and its denominator is
// reported beside it: a share whose denominator is zero (no out-of-scope
// questions, no markers...) is 0, and the text output prints it as n/a.
type AnswerMetrics struct {
	// Containment: share of the WithAnswers in-scope questions with expected
	// answers whose answer text contains one of them (Question.AnswerIn).
	// Questions marked explicit: false are left out (see Implicit).
	Containment float64 `json:"containment"`
	// Lead: the same share for the answer's first quote (Lead), what a
	// reader meets first: a change that moves the answer from the first
	// quote to the third keeps Containment and lowers Lead.
	Lead float64 `json:"lead"`
	// Cited: share of the Markers [n] markers in answers that name a listed
	// citation.
	Cited float64 `json:"cited"`
	// RefusedOutOfScope: share of the OutOfScope in_scope:false questions
	// that were refused.
	RefusedOutOfScope float64 `json:"refused_out_of_scope"`
	// AnsweredInScope: share of the InScope questions that were answered.
	AnsweredInScope float64 `json:"answered_in_scope"`
	// WithCitation: share of the Answered questions with at least one valid
	// citation marker.
	WithCitation float64 `json:"with_citation"`
	InScope      int     `json:"in_scope"`
	OutOfScope   int     `json:"out_of_scope"`
	WithAnswers  int     `json:"with_answers"` // in-scope questions with expected answers
	Answered     int     `json:"answered"`     // in-scope questions answered (not refused)
	Markers      int     `json:"markers"`      // [n] markers in the answers
	// RefusedInScope: share of the InScope questions that were refused
	// (1 - AnsweredInScope), with their number in Refused.
	RefusedInScope float64 `json:"refused_in_scope"`
	Refused        int     `json:"refused"`
	// Implicit: in-scope questions with answers marked explicit: false,
	// which count for refusals but not for containment.
	Implicit int     `json:"implicit"`
	Latency  Latency `json:"latency_ms"`
	// Misses lists in-scope questions whose answer lacks the expected text.
	Misses []AnswerMiss `json:"misses"`
}

// AnswerMiss is an in-scope question whose answer does not contain an
// expected answer.
type AnswerMiss struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Want     []string `json:"want"`
	Refused  bool     `json:"refused"`
	Answer   string   `json:"answer"`
}

// CountMarkers counts the passage numbers that the citation markers of
// text name (cite's grammar: "[2, 3]" counts two) and how many name one of
// the ncites citations (1..ncites).
func CountMarkers(text string, ncites int) (markers, valid int) {
	for _, n := range cite.All(text) {
		markers++
		if n >= 1 && n <= ncites {
			valid++
		}
	}
	return markers, valid
}

// Contains reports whether text contains one of answers, case-insensitively
// and with white space collapsed: 56 of covidqa's answers run over a line
// break of the paper they were cut from ("a downward trend in the number
// of\nconfirmed new cases"), which an answer that joins the lines writes
// with a space.
func Contains(text string, answers []string) bool {
	return containsNorm(func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }, text, answers)
}

// ContainsNormalized is Contains after SQuAD's answer normalisation of both
// sides (lower case, punctuation and the articles a, an, the removed, white
// space collapsed): in hard-wrapped text an answer may run over a line
// break, and an expert's answer written as a sentence ("He did much good on
// earth.") is still found where the story's sentence goes on past it ("He
// did much good on earth, and ever since...").
func ContainsNormalized(text string, answers []string) bool {
	return containsNorm(normalize, text, answers)
}

// AnswerIn reports whether text contains one of q's answers: normalised
// (ContainsNormalized) when q says whether it is explicit (FairytaleQA, whose
// stories are hard-wrapped), else as Contains (xquad_en, covidqa and the
// story set: case and white space alone, since session 13).
func (q Question) AnswerIn(text string) bool {
	if q.Explicit != nil {
		return ContainsNormalized(text, q.Answers)
	}
	return Contains(text, q.Answers)
}

func containsNorm(norm func(string) string, text string, answers []string) bool {
	t := norm(text)
	for _, a := range answers {
		if a = norm(strings.TrimSpace(a)); a != "" && strings.Contains(t, a) {
			return true
		}
	}
	return false
}

// normalize is SQuAD's answer normalisation: lower case, punctuation
// removed, the articles a, an and the removed, white space collapsed.
func normalize(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return ' '
		}
		return unicode.ToLower(r)
	}, s)
	f := strings.Fields(s)
	out := f[:0]
	for _, w := range f {
		if w != "a" && w != "an" && w != "the" {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return ""
	}
	// padded, so that an answer matches whole words only
	return " " + strings.Join(out, " ") + " "
}

// Lead returns the first quote of an answer: its first line that opens
// with "> " (an offline answer quotes so), else its first line that is not
// blank (a model's answer).
func Lead(text string) string {
	first := ""
	for l := range strings.Lines(text) {
		l = strings.TrimSpace(l)
		if q, ok := strings.CutPrefix(l, "> "); ok {
			return q
		}
		if first == "" {
			first = l
		}
	}
	return first
}

// ComputeAnswers turns answer outcomes into AnswerMetrics.
func ComputeAnswers(outs []AnswerOutcome) AnswerMetrics {
	m := AnswerMetrics{Misses: []AnswerMiss{}}
	var withAnswers, contained, led, answered, refusedOOS, markers, valid, withCite int
	var lat []float64
	for _, o := range outs {
		lat = append(lat, float64(o.Latency.Microseconds())/1000)
		if o.Question.OutOfScope() {
			m.OutOfScope++
			if o.Refused {
				refusedOOS++
			}
			continue
		}
		m.InScope++
		if !o.Refused {
			answered++
			mk, v := CountMarkers(o.Text, o.Citations)
			markers += mk
			valid += v
			if v > 0 {
				withCite++
			}
		}
		if len(o.Question.Answers) == 0 {
			continue
		}
		if o.Question.Implicit() {
			m.Implicit++
			continue
		}
		withAnswers++
		if o.Question.AnswerIn(Lead(o.Text)) {
			led++
		}
		if o.Question.AnswerIn(o.Text) {
			contained++
		} else {
			m.Misses = append(m.Misses, AnswerMiss{ID: o.Question.ID, Question: o.Question.Question, Want: o.Question.Answers, Refused: o.Refused, Answer: o.Text})
		}
	}
	m.WithAnswers, m.Answered, m.Markers = withAnswers, answered, markers
	m.Containment = ratio(contained, withAnswers)
	m.Lead = ratio(led, withAnswers)
	m.Cited = ratio(valid, markers)
	m.RefusedOutOfScope = ratio(refusedOOS, m.OutOfScope)
	m.AnsweredInScope = ratio(answered, m.InScope)
	m.Refused = m.InScope - answered
	m.RefusedInScope = ratio(m.Refused, m.InScope)
	m.WithCitation = ratio(withCite, answered)
	m.Latency = latencyOf(lat)
	return m
}

// OutOfScopeSet is the "out_of_scope_set" block of storybot eval
// --out-of-scope FILE: questions no document answers, asked of the indexed
// folder (with --per-doc, each of a sample of the stories), where the right
// reply is a refusal.
type OutOfScopeSet struct {
	File      string `json:"file"`
	Questions int    `json:"questions"` // questions in the file
	Asked     int    `json:"asked"`     // questions asked, counting each index a question was asked of
	// Refused: share of the Asked that were refused, their number in
	// RefusedCount.
	Refused      float64 `json:"refused"`
	RefusedCount int     `json:"refused_count"`
	Latency      Latency `json:"latency_ms"`
	// Answered lists the asks that were answered instead of refused.
	Answered []OutOfScopeAnswer `json:"answered"`
}

// OutOfScopeAnswer is an out-of-scope question that was answered.
type OutOfScopeAnswer struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Doc      string `json:"doc,omitempty"` // the story it was asked of, with --per-doc
	Answer   string `json:"answer"`
}

// ComputeOutOfScope turns the outcomes of asking the questions of an
// out-of-scope file (every one counted as out of scope, whatever its
// in_scope says) into an OutOfScopeSet.
func ComputeOutOfScope(file string, questions int, outs []AnswerOutcome) OutOfScopeSet {
	m := OutOfScopeSet{File: file, Questions: questions, Asked: len(outs), Answered: []OutOfScopeAnswer{}}
	lat := make([]float64, 0, len(outs))
	for _, o := range outs {
		lat = append(lat, float64(o.Latency.Microseconds())/1000)
		if o.Refused {
			m.RefusedCount++
			continue
		}
		m.Answered = append(m.Answered, OutOfScopeAnswer{ID: o.Question.ID, Question: o.Question.Question, Doc: o.Doc, Answer: o.Text})
	}
	m.Refused = ratio(m.RefusedCount, m.Asked)
	m.Latency = latencyOf(lat)
	return m
}
