package cli

import (
	"context"
	"fmt"
	"io"
	"path"
	"strings"
)

// noteMissingGold is the first block of eval: when no scored question's
// gold document is among the indexed documents (a --knowledge folder of
// another question set), recall is 0 for that reason alone, so it says so
// once, before the results: a warning on stderr and "note" in the JSON.
func noteMissingGold(ctx context.Context, e *Env, r *evalRun, w io.Writer) error {
	have := map[string]bool{}
	for _, d := range r.docs {
		have[path.Base(d.Path)] = true
	}
	scored := 0
	for _, q := range r.questions {
		if !q.Scored() {
			continue
		}
		scored++
		for _, g := range q.Golds() {
			if have[path.Base(g)] {
				return nil
			}
		}
	}
	if scored == 0 {
		return nil
	}
	note := fmt.Sprintf("none of the %d scored questions' gold documents is in %s, so recall is 0: check --knowledge", scored, strings.Join(r.flags.dirs, ", "))
	e.Log.Warn(note)
	r.report.Extra["note"] = note
	return nil
}
