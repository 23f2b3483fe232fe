package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"storybot/internal/library"
)

// cmdRefresh re-indexes the knowledge folder against the index saved in
// DATA_DIR and prints what changed: documents added, changed, removed and
// skipped (with the reason), passages before and after, and the time taken.
// --json prints {"added": [...], "changed": [...], "removed": [...],
// "skipped": [{"path": ..., "reason": ...}], "passages": {"before": n,
// "after": m}, "ms": t}.
func cmdRefresh(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error {
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := e.parseNoArgs(fs, args); err != nil {
		return err
	}
	lib, err := e.openLibrary(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	rep := lib.LastReport()
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return writeRefreshReport(e.Stdout, rep, e.Config.KnowledgeDir, len(lib.Current().Docs))
}

// writeRefreshReport prints a refresh report for people.
func writeRefreshReport(w io.Writer, r library.Report, dir string, docs int) error {
	var b strings.Builder
	if !r.Any() {
		fmt.Fprintf(&b, "The index of %s is up to date: %s, %s (checked in %d ms).\n", dir, refreshPlural(docs, "document"), refreshPlural(r.Passages.After, "passage"), r.MS)
	} else {
		fmt.Fprintf(&b, "Re-indexed %s in %d ms: %d added, %d changed, %d removed; passages %d → %d.\n",
			dir, r.MS, len(r.Added), len(r.Changed), len(r.Removed), r.Passages.Before, r.Passages.After)
	}
	for _, sec := range []struct {
		title string
		paths []string
	}{{"Added", r.Added}, {"Changed", r.Changed}, {"Removed", r.Removed}} {
		if len(sec.paths) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s:\n", sec.title)
		for _, p := range sec.paths {
			fmt.Fprintf(&b, "  %s\n", p)
		}
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(&b, "\nSkipped (%d):\n", len(r.Skipped))
		for _, s := range r.Skipped {
			fmt.Fprintf(&b, "  %s: %s\n", s.Path, s.Reason)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func refreshPlural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
