package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"storybot/internal/knowledge"
)

// Row is one engine's result on one question set.
type Row struct {
	Set      string
	Engine   string
	Docs     int
	Passages int
	Build    time.Duration
	Metrics
}

// Compare loads each set's folders once with opts, builds every engine over
// the same documents, evaluates the set's questions and returns one row per
// set and engine, in order. It fails on the first error.
func Compare(ctx context.Context, sets []Set, engines []Engine, opts knowledge.Options) ([]Row, error) {
	var rows []Row
	for _, s := range sets {
		qs, err := ReadQuestions(s.Questions)
		if err != nil {
			return nil, err
		}
		docs, err := LoadDocs(ctx, s.Dirs, opts)
		if err != nil {
			return nil, err
		}
		n, _ := Passages(docs)
		for _, e := range engines {
			start := time.Now()
			ix, err := e.Build(ctx, docs)
			if err != nil {
				return nil, fmt.Errorf("%s on %s: %w", e.Name, s.Name, err)
			}
			build := time.Since(start)
			m, err := Evaluate(ctx, ix, qs)
			if cerr := ix.Close(); err == nil && cerr != nil {
				err = cerr
			}
			if err != nil {
				return nil, fmt.Errorf("%s on %s: %w", e.Name, s.Name, err)
			}
			rows = append(rows, Row{Set: s.Name, Engine: e.Name, Docs: len(docs), Passages: n, Build: build, Metrics: m})
		}
	}
	return rows, nil
}

// WriteQualityTable writes rows as a Markdown table.
func WriteQualityTable(w io.Writer, rows []Row) error {
	var b strings.Builder
	b.WriteString("| set | engine | questions | passages | R@1 | R@3 | R@5 | R@10 | MRR | answer in top 5 | build | query p50 | query p99 |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %s | %s | %s |\n",
			r.Set, r.Engine, r.Questions, r.Passages, r.Recall[1], r.Recall[3], r.Recall[5], r.Recall[10],
			r.MRR, r.AnswerAt5, Dur(r.Build), Dur(r.P50), Dur(r.P99))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Dur formats a duration for the tables: milliseconds with two decimals
// below 10 s, seconds with one decimal above.
func Dur(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}

// CheckRecall returns an error naming every set on which storybot's
// recall@k is below bleve's.
func CheckRecall(rows []Row, k int) error {
	by := make(map[string]map[string]float64)
	var order []string
	for _, r := range rows {
		if by[r.Set] == nil {
			by[r.Set] = make(map[string]float64)
			order = append(order, r.Set)
		}
		by[r.Set][r.Engine] = r.Recall[k]
	}
	var errs []error
	for _, s := range order {
		sb, okS := by[s]["storybot"]
		bl, okB := by[s]["bleve"]
		if okS && okB && sb < bl {
			errs = append(errs, fmt.Errorf("%s: storybot recall@%d %.3f < bleve %.3f", s, k, sb, bl))
		}
	}
	return errors.Join(errs...)
}
