package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"storybot/internal/feedback"
)

// cmdFeedback prints the 👍/👎 feedback recorded from Discord, oldest first:
// a readable list, or JSON lines with --json.
func cmdFeedback(ctx context.Context, e *Env, args []string) error {
	fs := e.newFlagSet("feedback")
	asJSON := fs.Bool("json", false, "print one JSON record a line")
	pos, err := e.parseFlags(fs, args)
	if errors.Is(err, errHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("feedback: unexpected argument %q (see 'storybot feedback --help')", pos[0])
	}
	store := feedback.Open(e.Config.DataDir)
	recs, err := store.List(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		for _, r := range recs {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	if len(recs) == 0 {
		fmt.Fprintf(e.Stdout, "No feedback yet (%s).\n", store.Path())
		return nil
	}
	up := 0
	for _, r := range recs {
		if r.Vote == feedback.Up {
			up++
		}
	}
	fmt.Fprintf(e.Stdout, "%d votes: %d 👍, %d 👎 (%s)\n", len(recs), up, len(recs)-up, store.Path())
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
