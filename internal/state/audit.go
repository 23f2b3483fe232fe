package state

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
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
	path string
	mu   sync.Mutex
}

var _ AuditLog = (*AuditFile)(nil)

// OpenAuditFile returns the audit log in dataDir; it creates nothing until
// the first Add.
func OpenAuditFile(dataDir string) *AuditFile {
	return &AuditFile{path: filepath.Join(dataDir, AuditFileName)}
}

// Where is the file's path.
func (f *AuditFile) Where() string { return f.path }

// Add appends e as one line.
func (f *AuditFile) Add(_ context.Context, e AuditEntry) error {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC()
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := jsonl.Append(f.path, line, 0o644); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}

// List reads the entries; lines it cannot read (cut short) are skipped.
func (f *AuditFile) List(context.Context) ([]AuditEntry, error) {
	file, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer file.Close()
	var out []AuditEntry
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var e AuditEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.Action != "" {
			out = append(out, e)
		}
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("audit log: %w", err)
	}
	return out, nil
}
