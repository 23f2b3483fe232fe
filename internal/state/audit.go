package state

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"storybot/internal/jsonl"
)

// AuditEntry is one moderator's change of the knowledge folder.
type AuditEntry struct {
	Time   time.Time `json:"time"`
	Who    string    `json:"who"`
	Action string    `json:"action"` // add, replace, remove, restore
	Doc    string    `json:"doc"`
	Bytes  int64     `json:"bytes,omitempty"`
	SHA256 string    `json:"sha256,omitempty"`
	Trash  string    `json:"trash,omitempty"`
}

// AuditLog records the moderators' changes. Implementations are safe for
// concurrent use.
type AuditLog interface {
	// Add records e (Time now when zero).
	Add(ctx context.Context, e AuditEntry) error
	// List returns every entry, in the order they were added.
	List(ctx context.Context) ([]AuditEntry, error)
}

// AuditFileName is the audit log's name in DATA_DIR.
const AuditFileName = "audit.log"

// AuditFile is the audit log as JSON lines in DATA_DIR (after a line cut
// short, the next starts on a line of its own). Safe for concurrent use
// within one process.
type AuditFile struct {
	file *jsonl.File
}

var _ AuditLog = (*AuditFile)(nil)

// OpenAuditFile returns the audit log in dataDir; it creates nothing until
// the first Add.
func OpenAuditFile(dataDir string) *AuditFile {
	return &AuditFile{file: jsonl.NewFile(filepath.Join(dataDir, AuditFileName), 0o644)}
}

// Where is the file's path.
func (f *AuditFile) Where() string { return f.file.Path() }

// Add appends e as one line.
func (f *AuditFile) Add(_ context.Context, e AuditEntry) error {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC()
	if err := f.file.Add(e); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}

// List reads the entries; lines it cannot read (cut short) are skipped.
func (f *AuditFile) List(context.Context) ([]AuditEntry, error) {
	var out []AuditEntry
	err := f.file.Each(1<<20, func(_ int, line []byte) {
		var e AuditEntry
		if json.Unmarshal(line, &e) == nil && e.Action != "" {
			out = append(out, e)
		}
	})
	if err != nil {
		return out, fmt.Errorf("audit log: %w", err)
	}
	return out, nil
}
