package budget

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"sync"

	"storybot/internal/jsonl"
)

// Record is the tokens one model-written answer used: who asked, where, on
// which day (UTC).
type Record struct {
	Day              string `json:"day"` // YYYY-MM-DD, UTC
	GuildID          string `json:"guild_id"`
	UserID           string `json:"user_id"`
	PromptTokens     int    `json:"prompt_tokens"`
	CompletionTokens int    `json:"completion_tokens"`
}

// Tokens is the record's prompt and completion tokens together.
func (r Record) Tokens() int { return r.PromptTokens + r.CompletionTokens }

// Total is one server's usage on one day.
type Total struct {
	Day              string `json:"day"`
	GuildID          string `json:"guild_id"`
	PromptTokens     int    `json:"prompt_tokens"`
	CompletionTokens int    `json:"completion_tokens"`
	Tokens           int    `json:"tokens"`
	Members          int    `json:"members"` // members who used the model that day
	Answers          int    `json:"answers"` // answers counted
}

// Store keeps token usage. FileStore keeps it in DATA_DIR; a shared store
// (PostgreSQL) can replace it behind this interface. Implementations must be
// safe for concurrent use.
type Store interface {
	// Add records usage.
	Add(ctx context.Context, r Record) error
	// Used returns the tokens guildID's server and userID's member (in
	// every server) used on day.
	Used(ctx context.Context, day, guildID, userID string) (guild, member int, err error)
	// Totals returns the usage per server and day, by day then server.
	Totals(ctx context.Context) ([]Total, error)
}

// FileName is the usage file in DATA_DIR.
const FileName = "model-usage.jsonl"

// FileStore is a Store in one JSON-lines file (FileName), read once and
// then kept in memory; each Add appends a line, so usage survives a
// restart. Lines that do not parse are skipped. Safe for concurrent use
// within one process.
type FileStore struct {
	file *jsonl.File

	mu      sync.Mutex
	loaded  bool
	records []Record
	guild   map[[2]string]int // day, guild → tokens
	member  map[[2]string]int // day, user → tokens
	skipped int
}

var _ Store = (*FileStore)(nil)

// OpenFile returns the store of dataDir/FileName. It reads nothing yet.
func OpenFile(dataDir string) *FileStore {
	return &FileStore{file: jsonl.NewFile(filepath.Join(dataDir, FileName), 0o600)}
}

// Path is the file's path.
func (s *FileStore) Path() string { return s.file.Path() }

// Skipped is how many lines of the file did not parse (after a read).
func (s *FileStore) Skipped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.skipped
}

// load reads the file once; s.mu is held. A missing file is empty.
func (s *FileStore) load() error {
	if s.loaded {
		return nil
	}
	s.guild, s.member = map[[2]string]int{}, map[[2]string]int{}
	err := s.file.Each(1<<20, func(_ int, line []byte) {
		var r Record
		if len(line) == 0 {
			return
		}
		if err := json.Unmarshal(line, &r); err != nil || r.Day == "" {
			s.skipped++
			return
		}
		s.count(r)
	})
	if err != nil {
		return fmt.Errorf("read %s: %w", s.file.Path(), err)
	}
	s.loaded = true
	return nil
}

func (s *FileStore) count(r Record) {
	s.records = append(s.records, r)
	s.guild[[2]string{r.Day, r.GuildID}] += r.Tokens()
	s.member[[2]string{r.Day, r.UserID}] += r.Tokens()
}

// Add appends r to the file, then counts it.
func (s *FileStore) Add(ctx context.Context, r Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	if err := s.file.Add(r); err != nil {
		return fmt.Errorf("record model usage: %w", err)
	}
	s.count(r)
	return nil
}

// Used returns the day's tokens of the server and of the member.
func (s *FileStore) Used(ctx context.Context, day, guildID, userID string) (int, int, error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return 0, 0, err
	}
	return s.guild[[2]string{day, guildID}], s.member[[2]string{day, userID}], nil
}

// Totals sums the records per day and server.
func (s *FileStore) Totals(ctx context.Context) ([]Total, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return nil, err
	}
	byKey := map[[2]string]*Total{}
	members := map[[2]string]map[string]bool{}
	for _, r := range s.records {
		k := [2]string{r.Day, r.GuildID}
		t := byKey[k]
		if t == nil {
			t = &Total{Day: r.Day, GuildID: r.GuildID}
			byKey[k], members[k] = t, map[string]bool{}
		}
		t.PromptTokens += r.PromptTokens
		t.CompletionTokens += r.CompletionTokens
		t.Tokens += r.Tokens()
		t.Answers++
		members[k][r.UserID] = true
		t.Members = len(members[k])
	}
	out := make([]Total, 0, len(byKey))
	for _, t := range byKey {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day < out[j].Day
		}
		return out[i].GuildID < out[j].GuildID
	})
	return out, nil
}
