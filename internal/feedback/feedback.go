// Package feedback records the 👍/👎 votes people give answers in Discord, as
// JSON lines in a file under DATA_DIR, and reads them back for moderators
// (`storybot feedback`).
package feedback

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"storybot/internal/answer"
	"storybot/internal/jsonl"
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

// Keeper keeps votes: Store in DATA_DIR, or a shared store (PostgreSQL,
// internal/pgstore) behind the same methods. Implementations are safe for
// concurrent use.
type Keeper interface {
	// Add records a vote (Up or Down; Time now when zero).
	Add(ctx context.Context, rec Record) error
	// List returns every vote, oldest first, and what could not be read.
	List(ctx context.Context) ([]Record, []Skipped, error)
	// Where names the store for people: a file's path, or the database.
	Where() string
}

var _ Keeper = (*Store)(nil)

// Check validates rec's vote and fills in a zero Time with now (UTC); the
// stores call it in Add.
func Check(rec *Record) error {
	if rec.Vote != Up && rec.Vote != Down {
		return fmt.Errorf("feedback: vote %q: want %q or %q", rec.Vote, Up, Down)
	}
	if rec.Time.IsZero() {
		rec.Time = time.Now().UTC()
	}
	return nil
}

// Store appends records to one JSON-lines file. It is safe for concurrent use
// within one process.
type Store struct {
	file *jsonl.File
}

// Open returns the store of the feedback file in dataDir. It creates nothing
// until the first Add.
func Open(dataDir string) *Store {
	return &Store{file: jsonl.NewFile(filepath.Join(dataDir, FileName), 0o644)}
}

// Path is the feedback file's path.
func (s *Store) Path() string { return s.file.Path() }

// Where is the feedback file's path.
func (s *Store) Where() string { return s.file.Path() }

// Add appends rec, creating the data folder and the file when needed; when
// the file does not end with a newline (a write cut short), the record starts
// a new line so it is not lost with the broken one. It returns an error when
// the file cannot be written or ctx is done.
func (s *Store) Add(ctx context.Context, rec Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := Check(&rec); err != nil {
		return err
	}
	if err := s.file.Add(rec); err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	return nil
}

// Skipped is a line of the feedback file that is not a record.
type Skipped struct {
	Line   int    `json:"line"`   // 1-based
	Reason string `json:"reason"` // why it could not be read
}

// List reads every record, oldest first. A missing file is no records and no
// error. Lines that are not records (a write cut short, an edit by hand) are
// skipped and returned in skipped, so one bad line hides no vote; the error
// is for a file that cannot be read. Safe for concurrent use with Add.
func (s *Store) List(ctx context.Context) (recs []Record, skipped []Skipped, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	err = s.file.Each(0, func(n int, line []byte) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			return
		}
		var r Record
		if err := json.Unmarshal(line, &r); err != nil {
			skipped = append(skipped, Skipped{Line: n, Reason: err.Error()})
			return
		}
		if r.Vote != Up && r.Vote != Down {
			skipped = append(skipped, Skipped{Line: n, Reason: fmt.Sprintf("vote %q is neither %q nor %q", r.Vote, Up, Down)})
			return
		}
		recs = append(recs, r)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("feedback: %w", err)
	}
	return recs, skipped, nil
}
