package cli

import (
	"context"
	"errors"
	"io"

	"storybot/internal/summary"
)

// cmdTimeline prints the dated events of the knowledge (or of one
// document) in chronological order, each cited.
func cmdTimeline(ctx context.Context, e *Env, args []string) error {
	fs := e.newFlagSet("timeline")
	doc := fs.String("doc", "", "only this document (path or title, case-insensitive)")
	asJSON := fs.Bool("json", false, "print JSON: {events: [{date, date_text, event, citations}]}")
	pos, err := e.parseFlags(fs, args)
	if errors.Is(err, errHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := docArg(fs.Name(), doc, pos); err != nil {
		return err
	}
	s, closeFn, err := e.newSummarizer(ctx)
	if err != nil {
		return err
	}
	defer closeFn()
	tl, err := s.Timeline(ctx, summary.TimelineRequest{Doc: *doc})
	if err != nil {
		return summaryError("timeline", err)
	}
	if tl.Calls > 0 {
		e.Log.Info("timeline written", "mode", tl.Mode, "model_calls", tl.Calls)
	}
	if *asJSON {
		for i := range tl.Events {
			tl.Events[i].Citations = summaryCitations(tl.Events[i].Citations)
		}
		out := struct {
			Events []summary.Event `json:"events"`
			Note   string          `json:"note,omitempty"`
		}{tl.Events, tl.Note}
		if out.Events == nil {
			out.Events = []summary.Event{}
		}
		return writeSummaryJSON(e.Stdout, out)
	}
	_, err = io.WriteString(e.Stdout, summary.FormatTimeline(tl))
	return err
}
