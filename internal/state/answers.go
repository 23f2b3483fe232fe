package state

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"storybot/internal/answer"
	"storybot/internal/jsonl"
)

// Answer is an answer kept for its buttons, with who asked where.
type Answer struct {
	answer.Answer
	UserID, GuildID, ChannelID string
}

// AnswerStore keeps answers by ID for their buttons. Implementations are
// safe for concurrent use.
type AnswerStore interface {
	// Save keeps a under id (replacing an answer saved under it).
	Save(ctx context.Context, id string, a Answer) error
	// Load returns the answer saved under id; false when there is none
	// (never saved, or dropped as too old).
	Load(ctx context.Context, id string) (Answer, bool, error)
}

// AnswersFile is the name, in DATA_DIR, of the log of recent answers that
// lets "Show sources" and the feedback buttons work after a restart.
const AnswersFile = "discord-answers.jsonl"

// savedAnswer is the JSON form of an answer (a line of AnswersFile, a row
// in PostgreSQL). It keeps what the buttons need, including each cited
// passage's whole text (which answer.Citation leaves out of its JSON).
type savedAnswer struct {
	ID        string          `json:"id"`
	Question  string          `json:"question"`
	Text      string          `json:"answer"`
	Mode      answer.Mode     `json:"mode"`
	Refused   bool            `json:"refused,omitempty"`
	UserID    string          `json:"user"`
	GuildID   string          `json:"guild,omitempty"`
	ChannelID string          `json:"channel,omitempty"`
	Citations []savedCitation `json:"citations"`
}

type savedCitation struct {
	answer.Citation
	PassageID string `json:"passage_id,omitempty"`
	Text      string `json:"text"`
}

// EncodeAnswer is a's JSON form under id, with the passages' whole text.
func EncodeAnswer(id string, a Answer) ([]byte, error) {
	sa := savedAnswer{ID: id, Question: a.Question, Text: a.Text, Mode: a.Mode, Refused: a.Refused,
		UserID: a.UserID, GuildID: a.GuildID, ChannelID: a.ChannelID, Citations: []savedCitation{}}
	for _, c := range a.Citations {
		sa.Citations = append(sa.Citations, savedCitation{Citation: c, PassageID: c.PassageID, Text: c.Text})
	}
	return json.Marshal(sa)
}

// DecodeAnswer reads EncodeAnswer's form and returns the ID and the answer.
func DecodeAnswer(data []byte) (string, Answer, error) {
	var sa savedAnswer
	if err := json.Unmarshal(data, &sa); err != nil {
		return "", Answer{}, err
	}
	if sa.ID == "" {
		return "", Answer{}, errors.New("a saved answer without an id")
	}
	a := Answer{Answer: answer.Answer{Question: sa.Question, Text: sa.Text, Mode: sa.Mode, Refused: sa.Refused},
		UserID: sa.UserID, GuildID: sa.GuildID, ChannelID: sa.ChannelID}
	for _, c := range sa.Citations {
		cit := c.Citation
		cit.PassageID, cit.Text = c.PassageID, c.Text
		a.Citations = append(a.Citations, cit)
	}
	return sa.ID, a, nil
}

// AnswerFile keeps the most recent answers in memory and, with a data
// folder, appends each to AnswersFile there and reloads the newest ones
// when opened, so buttons keep working across restarts; the file is
// rewritten with only the kept answers when it grows to twice their
// number. A failure to write is logged once, never returned: the answer
// is still kept in memory. Safe for concurrent use within one process.
type AnswerFile struct {
	mu     sync.Mutex
	max    int
	order  []string
	m      map[string]Answer
	path   string // "" keeps answers in memory only
	lines  int    // lines in the file since it was last rewritten
	log    *slog.Logger
	warned bool // a write failure was logged
}

var _ AnswerStore = (*AnswerFile)(nil)

// OpenAnswerFile keeps the last max answers, loading those saved in
// dataDir ("" for memory only). Lines it cannot read are skipped and
// counted in the log; the store then starts with what it could read.
func OpenAnswerFile(max int, dataDir string, log *slog.Logger) *AnswerFile {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &AnswerFile{max: max, m: map[string]Answer{}, log: log}
	if dataDir == "" {
		return s
	}
	s.path = filepath.Join(dataDir, AnswersFile)
	f, err := os.Open(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s
	}
	if err != nil {
		log.Warn("cannot read the saved answers; buttons of earlier answers will ask to ask again", "path", s.path, "err", err)
		return s
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	bad := 0
	for sc.Scan() {
		id, a, err := DecodeAnswer(sc.Bytes())
		if err != nil {
			bad++
			continue
		}
		s.keepLocked(id, a)
		s.lines++
	}
	if err := sc.Err(); err != nil {
		bad++
	}
	if bad > 0 {
		log.Warn("skipped unreadable lines in the saved answers", "path", s.path, "lines", bad)
	}
	if bad > 0 || s.lines > len(s.order) {
		s.rewriteLocked()
	}
	return s
}

func (s *AnswerFile) keepLocked(id string, a Answer) {
	if _, ok := s.m[id]; !ok {
		s.order = append(s.order, id)
	}
	s.m[id] = a
	for len(s.order) > s.max {
		delete(s.m, s.order[0])
		s.order = s.order[1:]
	}
}

// Save keeps a; it never fails (a failed write is logged).
func (s *AnswerFile) Save(_ context.Context, id string, a Answer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keepLocked(id, a)
	if s.path == "" {
		return nil
	}
	if s.lines >= 2*s.max {
		s.rewriteLocked()
		return nil
	}
	line, err := EncodeAnswer(id, a)
	if err == nil {
		err = jsonl.Append(s.path, line, 0o600)
	}
	s.noteLocked(err)
	if err == nil {
		s.lines++
	}
	return nil
}

// rewriteLocked replaces the file with the kept answers, atomically.
func (s *AnswerFile) rewriteLocked() {
	var buf bytes.Buffer
	for _, id := range s.order {
		line, err := EncodeAnswer(id, s.m[id])
		if err != nil {
			continue
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	err := os.MkdirAll(filepath.Dir(s.path), 0o755)
	if err == nil {
		tmp := s.path + ".tmp"
		if err = os.WriteFile(tmp, buf.Bytes(), 0o600); err == nil {
			err = os.Rename(tmp, s.path)
		}
	}
	s.noteLocked(err)
	if err == nil {
		s.lines = len(s.order)
	}
}

func (s *AnswerFile) noteLocked(err error) {
	if err != nil && !s.warned {
		s.warned = true
		s.log.Warn("cannot save answers for their buttons; they work until the bot restarts", "path", s.path, "err", fmt.Errorf("save answers: %w", err))
	}
	if err == nil {
		s.warned = false
	}
}

// Load returns the answer kept under id; it never fails.
func (s *AnswerFile) Load(_ context.Context, id string) (Answer, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.m[id]
	return a, ok, nil
}
