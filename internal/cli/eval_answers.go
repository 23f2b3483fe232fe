package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"storybot/internal/answer"
	"storybot/internal/eval"
	"storybot/internal/usererr"
)

// runAnswers is the --answers block of storybot eval: every question goes
// through the whole answer pipeline (offline, or with the model when one is
// configured) over its unit's index, and the report gets
// "answers": {"containment", "lead", "cited", "refused_out_of_scope", "answered_in_scope", "refused_in_scope", ...}.
func runAnswers(ctx context.Context, e *Env, r *evalRun, w io.Writer) error {
	outs := make([]eval.AnswerOutcome, len(r.questions))
	err := eachUnit(ctx, r.units, func(ctx context.Context, _ int, u *evalUnit) error {
		for _, qi := range u.questions {
			o, err := r.ask(ctx, e, u, r.questions[qi])
			if err != nil {
				return fmt.Errorf("eval --answers: %w", err)
			}
			outs[qi] = o
		}
		return nil
	})
	if err != nil {
		return err
	}
	m := eval.ComputeAnswers(outs)
	r.report.Extra["answers"] = m
	writeAnswersText(w, m, e.Config.LLMEnabled())
	return nil
}

// runOutOfScope is the --out-of-scope block: the file's questions go
// through the answer pipeline over the units they were given (all of them,
// or with --per-doc a sample: see spreadOutOfScope), and the report gets
// "out_of_scope_set": {"questions", "asked", "refused", ...}.
func runOutOfScope(ctx context.Context, e *Env, r *evalRun, w io.Writer) error {
	all, err := r.askUnits(ctx, e, r.units, "--out-of-scope", func(u *evalUnit) []int { return u.oos }, r.oos)
	if err != nil {
		return err
	}
	m := eval.ComputeOutOfScope(r.flags.oos, len(r.oos), all)
	r.report.Extra["out_of_scope_set"] = m
	writeOutOfScopeText(w, m, len(r.units), r.flags.perDoc)
	return nil
}

// askUnits asks each unit the questions of qs at the positions which(u)
// gives, the units in parallel (eachUnit), and returns the outcomes in the
// order of the units, freeing the index of a unit made for this block
// alone (once). what names the block in errors.
func (r *evalRun) askUnits(ctx context.Context, e *Env, units []*evalUnit, what string, which func(u *evalUnit) []int, qs []eval.Question) ([]eval.AnswerOutcome, error) {
	outs := make([][]eval.AnswerOutcome, len(units))
	err := eachUnit(ctx, units, func(ctx context.Context, i int, u *evalUnit) error {
		for _, qi := range which(u) {
			o, err := r.ask(ctx, e, u, qs[qi])
			if err != nil {
				return fmt.Errorf("eval %s: %w", what, err)
			}
			outs[i] = append(outs[i], o)
		}
		if u.once {
			u.index, u.pipe = nil, nil
		}
		return nil
	})
	return slices.Concat(outs...), err
}

// ask puts q to u's answer pipeline. A question the pipeline rejects (a
// user error: empty, too long) counts as refused, with a warning.
func (r *evalRun) ask(ctx context.Context, e *Env, u *evalUnit, q eval.Question) (eval.AnswerOutcome, error) {
	p, err := r.pipeline(ctx, e, u)
	if err != nil {
		return eval.AnswerOutcome{}, err
	}
	start := time.Now()
	a, err := p.Ask(ctx, answer.Request{Question: q.Question}, nil)
	lat := time.Since(start)
	if msg, ok := usererr.Message(err); ok {
		e.Log.Warn("question rejected", "id", q.ID, "reason", msg)
		return eval.AnswerOutcome{Question: q, Refused: true, Latency: lat, Doc: u.name}, nil
	}
	if err != nil {
		return eval.AnswerOutcome{}, fmt.Errorf("question %s: %w", q.ID, err)
	}
	return eval.AnswerOutcome{Question: q, Text: a.Text, Refused: a.Refused, Citations: len(a.Citations), Latency: lat, Doc: u.name}, nil
}

// pipeline returns u's answer pipeline, made on first use, with u's index
// when it has none yet (--held-out's units). Each unit is handled by one
// goroutine at a time (eachUnit), so no lock is needed.
func (r *evalRun) pipeline(ctx context.Context, e *Env, u *evalUnit) (*answer.Pipeline, error) {
	if u.index == nil {
		opts := r.flags.search
		opts.Log = e.Log
		if err := u.build(ctx, 0, opts); err != nil {
			return nil, fmt.Errorf("build index: %w", err)
		}
	}
	if u.pipe == nil {
		p, err := e.newPipeline(ctx, u.index, false)
		if err != nil {
			return nil, err
		}
		u.pipe = p
	}
	return u.pipe, nil
}

func writeAnswersText(w io.Writer, m eval.AnswerMetrics, online bool) {
	mode := "offline (extractive)"
	if online {
		mode = "with the model"
	}
	pct := func(v float64, of int) string { return ratioText(v, of) }
	fmt.Fprintf(w, "\nanswers     %s: %d in scope, %d out of scope\n", mode, m.InScope, m.OutOfScope)
	fmt.Fprintf(w, "containment          %s", pct(m.Containment, m.WithAnswers))
	if m.Implicit > 0 {
		fmt.Fprintf(w, " (of %d explicit; %d implicit left out)", m.WithAnswers, m.Implicit)
	}
	fmt.Fprintf(w, "\nlead                 %s (the first quote holds the answer)", pct(m.Lead, m.WithAnswers))
	fmt.Fprintf(w, "\ncited                %s (markers that name a listed source)\n", pct(m.Cited, m.Markers))
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

func writeOutOfScopeText(w io.Writer, m eval.OutOfScopeSet, units int, perDoc bool) {
	fmt.Fprintf(w, "\nout of scope %s: %d questions", m.File, m.Questions)
	if perDoc {
		fmt.Fprintf(w, ", %d asks over %d documents (each question of %d)", m.Asked, units, m.Asked/max(m.Questions, 1))
	}
	fmt.Fprintf(w, "\nrefused              %s (%d of %d)\n", ratioText(m.Refused, m.Asked), m.RefusedCount, m.Asked)
	fmt.Fprintf(w, "answer latency       p50 %.3f ms, p99 %.3f ms\n", m.Latency.P50, m.Latency.P99)
	for i, x := range m.Answered {
		if i == 10 {
			fmt.Fprintf(w, "  … %d more answered (see --json)\n", len(m.Answered)-10)
			break
		}
		fmt.Fprintf(w, "  answered %s  %s", x.ID, x.Question)
		if x.Doc != "" {
			fmt.Fprintf(w, "  (asked of %s)", x.Doc)
		}
		fmt.Fprintln(w)
	}
}
