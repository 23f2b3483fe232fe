package cli

import (
	"context"
	"flag"
	"io"

	"storybot/internal/summary"
)

// cmdTimeline prints the dated events of the knowledge (or of one
// document) in chronological order, each cited: all of them, as a file
// would, unless --max caps them.
func cmdTimeline(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error {
	asJSON := fs.Bool("json", false, "print JSON: {events: [{date, date_text, event, citations}]}")
	maxEvents := fs.Int("max", 0, "list at most N events, the most precisely dated, spread over the timeline (0: all)")
	doc, err := e.parseDocFlags(fs, args, "only this document")
	if err != nil {
		return err
	}
	if *maxEvents < 0 {
		return usageErrorf("timeline: --max must be 0 (all) or more, not %d", *maxEvents)
	}
	s, ndocs, closeFn, err := e.newSummarizer(ctx)
	if err != nil {
		return err
	}
	defer closeFn()
	var tl summary.Timeline
	if ndocs == 0 {
		tl.Note = e.emptyKnowledgeNote()
	} else if tl, err = s.Timeline(ctx, summary.TimelineRequest{Doc: doc, Max: *maxEvents}); err != nil {
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
			Events  []summary.Event `json:"events"`
			Note    string          `json:"note,omitempty"`
			Omitted int             `json:"omitted,omitempty"` // events left out by --max
		}{tl.Events, tl.Note, tl.Omitted}
		if out.Events == nil {
			out.Events = []summary.Event{}
		}
		return writeSummaryJSON(e.Stdout, out)
	}
	_, err = io.WriteString(e.Stdout, summary.FormatTimeline(tl))
	return err
}
