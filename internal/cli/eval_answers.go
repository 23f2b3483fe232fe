package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"storybot/internal/answer"
	"storybot/internal/eval"
	"storybot/internal/usererr"
)

// runAnswers is the --answers block of storybot eval: every question goes
// through the whole answer pipeline (offline, or with the model when one is
// configured) over the eval index, and the report gets
// "answers": {"containment", "cited", "refused_out_of_scope", "answered_in_scope", ...}.
func runAnswers(ctx context.Context, e *Env, r *evalRun, w io.Writer) error {
	p, err := e.newPipeline(ctx, r.index)
	if err != nil {
		return fmt.Errorf("eval --answers: %w", err)
	}
	outs := make([]eval.AnswerOutcome, 0, len(r.questions))
	for _, q := range r.questions {
		start := time.Now()
		a, err := p.Ask(ctx, answer.Request{Question: q.Question}, nil)
		lat := time.Since(start)
		if msg, ok := usererr.Message(err); ok {
			e.Log.Warn("question rejected", "id", q.ID, "reason", msg)
			outs = append(outs, eval.AnswerOutcome{Question: q, Refused: true, Latency: lat})
			continue
		}
		if err != nil {
			return fmt.Errorf("eval --answers: question %s: %w", q.ID, err)
		}
		outs = append(outs, eval.AnswerOutcome{Question: q, Text: a.Text, Refused: a.Refused, Citations: len(a.Citations), Latency: lat})
	}
	m := eval.ComputeAnswers(outs)
	r.report.Extra["answers"] = m
	writeAnswersText(w, m, p.Online())
	return nil
}

func writeAnswersText(w io.Writer, m eval.AnswerMetrics, online bool) {
	mode := "offline (extractive)"
	if online {
		mode = "with the model"
	}
	pct := func(v float64, of int) string { return ratioText(v, of) }
	fmt.Fprintf(w, "\nanswers     %s: %d in scope, %d out of scope\n", mode, m.InScope, m.OutOfScope)
	fmt.Fprintf(w, "containment          %s\n", pct(m.Containment, m.WithAnswers))
	fmt.Fprintf(w, "cited                %s (markers that name a listed source)\n", pct(m.Cited, m.Markers))
	fmt.Fprintf(w, "with citation        %s (answers with a valid marker)\n", pct(m.WithCitation, m.Answered))
	fmt.Fprintf(w, "answered in scope    %s\n", pct(m.AnsweredInScope, m.InScope))
	fmt.Fprintf(w, "refused out of scope %s\n", pct(m.RefusedOutOfScope, m.OutOfScope))
	fmt.Fprintf(w, "answer latency       p50 %.3f ms, p99 %.3f ms\n", m.Latency.P50, m.Latency.P99)
	if len(m.Misses) > 0 {
		fmt.Fprintf(w, "answer misses (%d):\n", len(m.Misses))
		for i, x := range m.Misses {
			if i == 20 {
				fmt.Fprintf(w, "  … %d more (see --json)\n", len(m.Misses)-20)
				break
			}
			fmt.Fprintf(w, "  %s  %s  want %q\n", x.ID, x.Question, x.Want)
		}
	}
}
