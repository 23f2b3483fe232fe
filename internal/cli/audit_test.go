package cli

import (
	"strings"
	"testing"
	"time"

	"storybot/internal/state"
)

// TestAuditCommand: storybot audit lists the moderators' changes from the
// DATA_DIR audit log (as text and as JSON), says when there are none, and
// refuses an argument.
func TestAuditCommand(t *testing.T) {
	data := t.TempDir()
	when := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	addAll(t, state.OpenAuditFile(data).Add, []state.AuditEntry{
		{Time: when, Who: "111", Action: "add", Doc: "reports/new.txt", Bytes: 1200, SHA256: "ab12"},
		{Time: when.Add(time.Hour), Who: "222", Action: "remove", Doc: "old.txt", Trash: "20261125T130000-old.txt"},
	})
	checkTextAndJSON(t, data, "audit")
	if out, _, err := runCLI(t, "audit"); err != nil || !strings.Contains(out, "No changes by moderators yet") {
		t.Errorf("empty: %v %q", err, out)
	}
	if _, _, err := runCLI(t, "audit", "extra"); err == nil {
		t.Error("an argument must be refused")
	}
}
