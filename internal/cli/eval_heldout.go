package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"storybot/internal/eval"
	"storybot/internal/knowledge"
)

// heldOutFile names the held-out block in its report ("file" of
// eval.OutOfScopeSet), as the questions come from --questions, not a file
// of their own.
const heldOutFile = "held out: each question asked of its document without its gold lines"

// runHeldOut is the --held-out block: the near out-of-scope questions
// that people ask most (about the story's own people and things, but
// something it does not say). Each explicit question is asked of its
// document with its gold_lines blanked (without them: the lines that hold
// one of its answers), when none of its answers occurs in what is left; the right reply is then a refusal. (The rest of
// the story may still say it in other words, so a few answers are right:
// the number compares variants, it is not a verdict on each reply.)
// Questions that share a document and gold lines share one index. The
// report gets "held_out", shaped as "out_of_scope_set".
func runHeldOut(ctx context.Context, e *Env, r *evalRun, w io.Writer) error {
	units, err := r.heldOutUnits(ctx)
	if err != nil {
		return err
	}
	all, err := r.askUnits(ctx, e, units, "--held-out", func(u *evalUnit) []int { return u.questions }, r.questions)
	if err != nil {
		return err
	}
	m := eval.ComputeOutOfScope(heldOutFile, len(all), all)
	r.report.Extra["held_out"] = m
	fmt.Fprintf(w, "\nheld out   %d explicit questions asked of their document without the lines that hold the answer (%d documents made)\n", m.Asked, len(units))
	fmt.Fprintf(w, "refused              %s (%d of %d; the right reply, unless the rest says it in other words)\n", ratioText(m.Refused, m.Asked), m.RefusedCount, m.Asked)
	for i, x := range m.Answered {
		if i == 10 {
			fmt.Fprintf(w, "  … %d more answered (see --json)\n", len(m.Answered)-10)
			break
		}
		fmt.Fprintf(w, "  answered %s  %s  (asked of %s)\n", x.ID, x.Question, x.Doc)
	}
	return nil
}

// heldOutUnits makes one unit per document and set of blanked lines: the
// document's file with those lines blanked (so that the other lines keep
// their numbers), and the questions whose answers no longer occur in it.
func (r *evalRun) heldOutUnits(ctx context.Context) ([]*evalUnit, error) {
	byKey := map[string]*evalUnit{}
	var units []*evalUnit
	raw := map[string][]string{} // a document's lines, by file name
	for qi, q := range r.questions {
		golds := goldNames(q)
		if q.OutOfScope() || q.Implicit() || len(q.Answers) == 0 || len(golds) != 1 {
			continue
		}
		docs := docsNamed(r.docs, golds)
		if len(docs) != 1 || !knowledge.PlainText(docs[0].Path) { // a PDF's or a web page's lines are not the file's
			continue
		}
		lines, ok := raw[golds[0]]
		if !ok {
			text, err := r.readDoc(docs[0].Path)
			if err != nil {
				return nil, err
			}
			lines = strings.Split(text, "\n")
			raw[golds[0]] = lines
		}
		held := q.GoldLines
		if len(held) == 0 {
			held = answerLines(lines, q)
		}
		key := golds[0] + fmt.Sprint(held)
		u, made := byKey[key]
		if !made && len(held) > 0 {
			d, err := knowledge.Parse(ctx, docs[0].Path, []byte(withoutLines(lines, held)), r.flags.load)
			var skip *knowledge.SkipError
			switch {
			case errors.As(err, &skip): // nothing left to index: no question to ask of it
			case err != nil:
				return nil, fmt.Errorf("eval --held-out: %s without lines %v: %w", docs[0].Path, held, err)
			default:
				u = &evalUnit{name: docs[0].Path + " without lines " + spans(held), docs: []*knowledge.Document{d}, once: true}
			}
			byKey[key] = u
		}
		if u == nil || eval.ContainsNormalized(passagesText(u.docs[0]), q.Answers) { // across line breaks too
			continue
		}
		if len(u.questions) == 0 {
			units = append(units, u)
		}
		u.questions = append(u.questions, qi)
	}
	if len(units) == 0 {
		return nil, usageErrorf("eval: --held-out needs explicit questions whose answers occur in their gold document, and only in the lines it blanks")
	}
	return units, nil
}

// readDoc returns the text of the document at rel in the first --knowledge
// folder that holds it.
func (r *evalRun) readDoc(rel string) (string, error) {
	for _, dir := range r.flags.dirs {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("eval --held-out: %w", err)
		}
		return string(b), nil
	}
	return "", fmt.Errorf("eval --held-out: %s is in none of the --knowledge folders", rel)
}

// answerLines returns, for a question without gold_lines, the lines of its
// document that hold one of its answers, each as a range.
func answerLines(lines []string, q eval.Question) [][2]int {
	var out [][2]int
	for i, l := range lines {
		if q.AnswerIn(l) {
			out = append(out, [2]int{i + 1, i + 1})
		}
	}
	return out
}

// withoutLines returns lines joined with the 1-based ranges blanked.
func withoutLines(lines []string, ranges [][2]int) string {
	out := make([]string, len(lines))
	for i, l := range lines {
		n := i + 1
		held := false
		for _, r := range ranges {
			held = held || n >= r[0] && n <= r[1]
		}
		if !held {
			out[i] = l
		}
	}
	return strings.Join(out, "\n")
}

// passagesText is d's text as indexed: its passages, one after another.
func passagesText(d *knowledge.Document) string {
	var b strings.Builder
	for _, p := range d.Passages {
		b.WriteString(p.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// spans writes line ranges as "3-7, 12-12".
func spans(ranges [][2]int) string {
	parts := make([]string, len(ranges))
	for i, r := range ranges {
		parts[i] = strconv.Itoa(r[0]) + "-" + strconv.Itoa(r[1])
	}
	return strings.Join(parts, ", ")
}
