// Command storyqa prints the baseline for questions about one story at a
// time (FairytaleQA, each story indexed alone, as storybot eval --per-doc
// does): passage hit@k of a plain BM25 over ~1,000-character passages of
// whole paragraphs and of storybot's own index over the same stories, the
// explicit answers found in the top 5 passages, the three best BM25
// sentences' containment and the share of answers that occur in the story.
//
//	cd bench && go run ./cmd/storyqa [--shared ../../shared] [--stories odd|even] [--json]
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"

	"storybot/bench"
	"storybot/bench/storyqa"
	"storybot/internal/eval"
)

func main() { bench.Main("storyqa", run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs, shared := bench.Flags("storyqa", "eval/fairytaleqa")
	set := fs.String("set", "", "a folder with questions.jsonl and docs/ (default SHARED/eval/fairytaleqa)")
	chars := fs.Int("passage-chars", 1000, "target size of the plain BM25's passages")
	half := fs.String("stories", "", "odd or even: only the questions about the stories at odd (1, 3, 5, ...) or even (0, 2, 4, ...) positions of the sorted file names, the halves that tuning fits and checks on")
	asJSON := fs.Bool("json", false, "print one JSON document")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *set == "" {
		*set = filepath.Join(*shared, "eval", "fairytaleqa")
	}
	qs, err := bench.ReadQuestions(filepath.Join(*set, "questions.jsonl"))
	if err != nil {
		return err
	}
	if *half != "" {
		if qs, err = storyHalf(filepath.Join(*set, "docs"), qs, *half); err != nil {
			return err
		}
	}
	start := time.Now()
	res, err := storyqa.Measure(ctx, filepath.Join(*set, "docs"), qs, storyqa.Options{PassageChars: *chars})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	writeTable(stdout, res, time.Since(start))
	return nil
}

// storyHalf keeps the questions whose gold story stands at an odd or even
// position (0-based) among the sorted file names of dir.
func storyHalf(dir string, qs []eval.Question, half string) ([]eval.Question, error) {
	if half != "odd" && half != "even" {
		return nil, fmt.Errorf("--stories %q: want odd or even", half)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for i, e := range entries { // sorted by file name
		keep[e.Name()] = (i%2 == 1) == (half == "odd")
	}
	var out []eval.Question
	for _, q := range qs {
		if keep[path.Base(q.GoldDoc)] {
			out = append(out, q)
		}
	}
	return out, nil
}

func writeTable(w io.Writer, r storyqa.Result, took time.Duration) {
	fmt.Fprintf(w, "%d stories, each alone; %d questions (%d explicit); %.1f s\n\n", r.Stories, r.Questions, r.Explicit, took.Seconds())
	fmt.Fprintf(w, "| measure | plain BM25, ~1,000-char passages | plain BM25, storybot's passages | storybot |\n|---|--:|--:|--:|\n")
	fmt.Fprintf(w, "| passages (mean characters) | %d (%d) | %d (%d) | %d (%d) |\n", r.BM25Passages, r.BM25Chars/max(r.BM25Passages, 1),
		r.StorybotPassages, r.StorybotChars/max(r.StorybotPassages, 1), r.StorybotPassages, r.StorybotChars/max(r.StorybotPassages, 1))
	hit := func(m eval.Metrics) string {
		p := m.PassageRecall
		return fmt.Sprintf("%.3f / %.3f / %.3f / %.3f", p["1"], p["3"], p["5"], p["10"])
	}
	fmt.Fprintf(w, "| passage hit @1 / @3 / @5 / @10 | %s | %s | %s |\n", hit(r.BM25), hit(r.BM25Same), hit(r.Storybot))
	fmt.Fprintf(w, "| explicit answer in the top 5 passages | %.3f | %.3f | %.3f |\n", r.BM25.AnswerInPassages["5"], r.BM25Same.AnswerInPassages["5"], r.Storybot.AnswerInPassages["5"])
	fmt.Fprintf(w, "| top 3 BM25 sentences contain the answer (explicit) | %.3f | | |\n", r.SentenceTop)
	fmt.Fprintf(w, "| explicit answers that occur in the story | %.3f | | |\n", r.InStory)
}
