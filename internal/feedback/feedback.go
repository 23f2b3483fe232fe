// Package feedback records the 👍/👎 votes people give answers in Discord, as
// JSON lines in a file under DATA_DIR, and reads them back for moderators
// (`storybot feedback`).
package feedback

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"storybot/internal/answer"
)

// FileName is the name of the feedback file inside DATA_DIR.
const FileName = "feedback.jsonl"

// Votes.
const (
	Up   = "up"
	Down = "down"
)

// Record is one vote on one answer.
type Record struct {
	Time      time.Time         `json:"time"`
	Vote      string            `json:"vote"` // Up or Down
	UserID    string            `json:"user_id"`
	GuildID   string            `json:"guild_id,omitempty"`
	ChannelID string            `json:"channel_id,omitempty"`
	MessageID string            `json:"message_id,omitempty"`
	Question  string            `json:"question"`
	Answer    string            `json:"answer"`
	Mode      string            `json:"mode,omitempty"`
	Citations []answer.Citation `json:"citations"`
}

// Store appends records to one JSON-lines file. It is safe for concurrent use
// within one process.
type Store struct {
	path string
	mu   sync.Mutex
}

// Open returns the store of the feedback file in dataDir. It creates nothing
// until the first Add.
func Open(dataDir string) *Store {
	return &Store{path: filepath.Join(dataDir, FileName)}
}

// Path is the feedback file's path.
func (s *Store) Path() string { return s.path }

// Add appends rec, creating the data folder and the file when needed. It
// returns an error when the file cannot be written or ctx is done.
func (s *Store) Add(ctx context.Context, rec Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if rec.Vote != Up && rec.Vote != Down {
		return fmt.Errorf("feedback: vote %q: want %q or %q", rec.Vote, Up, Down)
	}
	if rec.Time.IsZero() {
		rec.Time = time.Now().UTC()
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("feedback: encode: %w", err)
	}
	line = append(line, '\n')
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	f, err := os.OpenFile(s.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return fmt.Errorf("feedback: write %s: %w", s.path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("feedback: close %s: %w", s.path, err)
	}
	return nil
}

// List reads every record, oldest first. A missing file is no records and no
// error; a line that is not a record is an error naming the line.
func (s *Store) List(ctx context.Context) ([]Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	data, err := os.ReadFile(s.path)
	s.mu.Unlock()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("feedback: %w", err)
	}
	var out []Record
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var r Record
		if err := json.Unmarshal(line, &r); err != nil {
			return out, fmt.Errorf("feedback: %s line %d: %w", s.path, n, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("feedback: read %s: %w", s.path, err)
	}
	return out, nil
}
