package cli

import (
	"bytes"
	"context"
	"testing"
	"time"

	"storybot/internal/state"
)

// TestAuditCommand: storybot audit lists the moderators' changes from the
// DATA_DIR audit log (as text and as JSON), says when there are none, and
// refuses an argument.
func TestAuditCommand(t *testing.T) {
	data := t.TempDir()
	log := state.OpenAuditFile(data)
	ctx := context.Background()
	when := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, a := range []state.AuditEntry{
		{Time: when, Who: "111", Action: "add", Doc: "reports/new.txt", Bytes: 1200, SHA256: "ab12"},
		{Time: when.Add(time.Hour), Who: "222", Action: "remove", Doc: "old.txt", Trash: "20261125T130000-old.txt"},
	} {
		if err := log.Add(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	checkTextAndJSON(t, data, "audit")
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"--env-file", "/nonexistent", "--data", t.TempDir(), "audit"}, nil, &out, &errb, func(string) string { return "" }); err != nil || !bytes.Contains(out.Bytes(), []byte("No changes by moderators yet")) {
		t.Errorf("empty: %v %q", err, out.String())
	}
	if err := run(ctx, []string{"--env-file", "/nonexistent", "audit", "extra"}, nil, &out, &errb, func(string) string { return "" }); err == nil {
		t.Error("an argument must be refused")
	}
}
