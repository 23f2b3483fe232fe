package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"storybot/internal/answer"
	"storybot/internal/feedback"
)

// feedbackJSON is `storybot feedback --json`: one document, lists never null.
type feedbackJSON struct {
	File    string             `json:"file"`
	Votes   int                `json:"votes"`
	Up      int                `json:"up"`
	Down    int                `json:"down"`
	Records []feedback.Record  `json:"records"`
	Skipped []feedback.Skipped `json:"skipped"`
}

// cmdFeedback prints the 👍/👎 feedback recorded from Discord, oldest first:
// a readable list, or one JSON document with --json. Lines of the file that
// are not records are skipped, each named on stderr.
func cmdFeedback(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error {
	asJSON := fs.Bool("json", false, `print one JSON document: {"file", "votes", "up", "down", "records": [...], "skipped": [{"line", "reason"}]}`)
	if err := e.parseNoArgs(fs, args); err != nil {
		return err
	}
	store, err := e.feedbackStore(ctx)
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	recs, skipped, err := store.List(ctx)
	if err != nil {
		return err
	}
	for _, s := range skipped {
		fmt.Fprintf(e.Stderr, "storybot: feedback: %s line %d skipped: %s\n", store.Where(), s.Line, s.Reason)
	}
	up := 0
	for i, r := range recs {
		if r.Vote == feedback.Up {
			up++
		}
		if r.Citations == nil {
			recs[i].Citations = []answer.Citation{}
		}
	}
	if *asJSON {
		doc := feedbackJSON{File: store.Where(), Votes: len(recs), Up: up, Down: len(recs) - up,
			Records: append([]feedback.Record{}, recs...), Skipped: append([]feedback.Skipped{}, skipped...)}
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	if len(recs) == 0 {
		if len(skipped) > 0 {
			fmt.Fprintf(e.Stdout, "No readable feedback (%s: %d lines skipped).\n", store.Where(), len(skipped))
			return nil
		}
		fmt.Fprintf(e.Stdout, "No feedback yet (%s).\n", store.Where())
		return nil
	}
	fmt.Fprintf(e.Stdout, "%d votes: %d 👍, %d 👎 (%s)\n", len(recs), up, len(recs)-up, store.Where())
	for _, r := range recs {
		mark := "👍"
		if r.Vote == feedback.Down {
			mark = "👎"
		}
		fmt.Fprintf(e.Stdout, "\n%s %s user %s\n  Q: %s\n  A: %s\n", mark, r.Time.UTC().Format("2006-01-02 15:04"), r.UserID, oneLine(r.Question, 200), oneLine(r.Answer, 300))
		for _, c := range r.Citations {
			fmt.Fprintf(e.Stdout, "  [%d] %s, %s\n", c.N, c.Title, c.Location)
		}
	}
	return nil
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}
