package cli

import (
	"context"
	"path"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"storybot/internal/eval"
	"storybot/internal/knowledge"
)

// oosBudget bounds the out-of-scope questions asked with --per-doc: each
// question of the --out-of-scope file is asked of as many stories as keep
// the asks within it (all of them when the file times the stories fits),
// and at least one. 400 questions over 232 stories: each asked of 10, every
// story gets 17 or 18, 4,000 asks.
const oosBudget = 4000

// wholeUnit is the unit of the default mode: one index over docs, asked
// every question and every out-of-scope question.
func wholeUnit(docs []*knowledge.Document, questions, oos int) *evalUnit {
	u := &evalUnit{docs: docs}
	for i := range questions {
		u.questions = append(u.questions, i)
	}
	for i := range oos {
		u.oos = append(u.oos, i)
	}
	return u
}

// perDocUnits groups the questions by their gold documents (--per-doc):
// one unit per distinct set of gold file names, holding the loaded
// documents of those names (a gold document that was not loaded gives a
// unit with no document, whose questions all miss, with a warning), in
// order of first mention. Questions marked in_scope: false go in turn to
// the units, and the oos out-of-scope questions as oosBudget says. An
// in-scope question without a gold document is a usage error.
func perDocUnits(e *Env, qs []eval.Question, oos int, docs []*knowledge.Document) ([]*evalUnit, error) {
	byKey := map[string]*evalUnit{}
	var units []*evalUnit
	var outside []int
	for i, q := range qs {
		golds := goldNames(q)
		if len(golds) == 0 {
			if q.OutOfScope() {
				outside = append(outside, i)
				continue
			}
			return nil, usageErrorf("eval: --per-doc asks each question of its own document, but question %s has no gold_doc or gold_docs", q.ID)
		}
		key := strings.Join(golds, "\n")
		u := byKey[key]
		if u == nil {
			u = &evalUnit{name: strings.Join(golds, ", "), docs: docsNamed(docs, golds)}
			if len(u.docs) == 0 {
				e.Log.Warn("gold document not found in the knowledge folders; its questions will miss", "doc", u.name)
			}
			byKey[key] = u
			units = append(units, u)
		}
		u.questions = append(u.questions, i)
	}
	if len(units) == 0 {
		return nil, usageErrorf("eval: --per-doc needs questions with a gold_doc or gold_docs")
	}
	for j, qi := range outside {
		u := units[j%len(units)]
		u.questions = append(u.questions, qi)
	}
	spreadOutOfScope(units, oos)
	return units, nil
}

// goldNames returns the sorted, distinct file names of q's gold documents.
func goldNames(q eval.Question) []string {
	var names []string
	for _, g := range q.Golds() {
		names = append(names, path.Base(g))
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// docsNamed returns the documents whose file name is one of names (sorted),
// as eval matches gold documents by file name.
func docsNamed(docs []*knowledge.Document, names []string) []*knowledge.Document {
	var out []*knowledge.Document
	for _, d := range docs {
		if _, ok := slices.BinarySearch(names, path.Base(d.Path)); ok {
			out = append(out, d)
		}
	}
	return out
}

// spreadOutOfScope gives the units n out-of-scope questions to ask:
// question i goes to per consecutive units from unit i·per (wrapping), per
// being every unit when n·len(units) <= oosBudget and oosBudget/n (at
// least 1) otherwise. The choice is deterministic, and spreads the asks
// evenly over the units.
func spreadOutOfScope(units []*evalUnit, n int) {
	per := len(units)
	if n*per > oosBudget {
		per = max(1, oosBudget/n)
	}
	for i := range n {
		for j := range per {
			u := units[(i*per+j)%len(units)]
			u.oos = append(u.oos, i)
		}
	}
}

// eachUnit runs fn on every unit (i is its position), at most GOMAXPROCS at
// once; the first error cancels the others' ctx and is returned.
func eachUnit(ctx context.Context, units []*evalUnit, fn func(ctx context.Context, i int, u *evalUnit) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, u := range units {
		g.Go(func() error { return fn(ctx, i, u) })
	}
	return g.Wait()
}
