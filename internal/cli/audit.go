package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"storybot/internal/pgstore"
	"storybot/internal/state"
)

// auditJSON is `storybot audit --json`: one document, the list never null.
type auditJSON struct {
	Store   string             `json:"store"`
	Entries []state.AuditEntry `json:"entries"`
}

// cmdAudit prints the moderators' changes of the knowledge folder (what
// /knowledge add, replace, remove and restore did, who did it and when),
// oldest first, from wherever they are kept: PostgreSQL with DATABASE_URL
// (every shard's), else DATA_DIR/audit.log.
func cmdAudit(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error {
	asJSON := fs.Bool("json", false, `print one JSON document: {"store", "entries": [{"time", "who", "action", "doc", "bytes", "sha256", "trash"}]}`)
	if err := e.parseNoArgs(fs, args); err != nil {
		return err
	}
	where := "DATABASE_URL"
	log, err := storeFor(ctx, e,
		func(dataDir string) state.AuditLog {
			f := state.OpenAuditFile(dataDir)
			where = f.Where()
			return f
		},
		func(db *pgstore.DB) state.AuditLog { return db.Audit() })
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	entries, err := log.List(ctx)
	if err != nil {
		return fmt.Errorf("audit: read %s: %w", where, err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(auditJSON{Store: where, Entries: append([]state.AuditEntry{}, entries...)})
	}
	if len(entries) == 0 {
		fmt.Fprintf(e.Stdout, "No changes by moderators yet (%s).\n", where)
		return nil
	}
	fmt.Fprintf(e.Stdout, "%d changes by moderators (%s):\n", len(entries), where)
	for _, a := range entries {
		fmt.Fprintf(e.Stdout, "%s  %-8s %s  by %s", a.Time.UTC().Format("2006-01-02 15:04"), a.Action, a.Doc, a.Who)
		if a.Trash != "" {
			fmt.Fprintf(e.Stdout, "  (trash: %s)", a.Trash)
		}
		fmt.Fprintln(e.Stdout)
	}
	return nil
}
