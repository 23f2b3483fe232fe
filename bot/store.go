package bot

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"storybot/internal/answer"
	"storybot/internal/jsonl"
)

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// storedAnswer is an answer kept for its buttons.
type storedAnswer struct {
	answer.Answer
	UserID, GuildID, ChannelID string
}

// answersFile is the name, in DATA_DIR, of the log of recent answers that
// lets "Show sources" and the feedback buttons work after a restart.
const answersFile = "discord-answers.jsonl"

// savedAnswer is one line of answersFile. It keeps what the buttons need,
// including each cited passage's whole text (which answer.Citation leaves
// out of its JSON).
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

func saveForm(id string, a storedAnswer) savedAnswer {
	sa := savedAnswer{ID: id, Question: a.Question, Text: a.Text, Mode: a.Mode, Refused: a.Refused,
		UserID: a.UserID, GuildID: a.GuildID, ChannelID: a.ChannelID, Citations: []savedCitation{}}
	for _, c := range a.Citations {
		sa.Citations = append(sa.Citations, savedCitation{Citation: c, PassageID: c.PassageID, Text: c.Text})
	}
	return sa
}

func (sa savedAnswer) stored() storedAnswer {
	a := storedAnswer{Answer: answer.Answer{Question: sa.Question, Text: sa.Text, Mode: sa.Mode, Refused: sa.Refused},
		UserID: sa.UserID, GuildID: sa.GuildID, ChannelID: sa.ChannelID}
	for _, c := range sa.Citations {
		cit := c.Citation
		cit.PassageID, cit.Text = c.PassageID, c.Text
		a.Citations = append(a.Citations, cit)
	}
	return a
}

// answerStore keeps the most recent answers, for "Show sources" and the
// feedback buttons. With a path it also appends each answer to that file and
// reloads the newest ones at start, so buttons keep working across restarts;
// the file is rewritten with only the kept answers when it grows to twice
// their number. A failure to write is logged, never fatal: the answer is
// still kept in memory. It is safe for concurrent use.
type answerStore struct {
	mu     sync.Mutex
	max    int
	order  []string
	m      map[string]storedAnswer
	path   string // "" keeps answers in memory only
	lines  int    // lines in the file since it was last rewritten
	log    *slog.Logger
	warned bool // a write failure was logged
}

// newAnswerStore keeps the last max answers, loading those saved in
// dataDir ("" for memory only). Lines it cannot read are skipped and
// counted in the log; the store then starts with what it could read.
func newAnswerStore(max int, dataDir string, log *slog.Logger) *answerStore {
	s := &answerStore{max: max, m: map[string]storedAnswer{}, log: log}
	if dataDir == "" {
		return s
	}
	s.path = filepath.Join(dataDir, answersFile)
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
		var sa savedAnswer
		if err := json.Unmarshal(sc.Bytes(), &sa); err != nil || sa.ID == "" {
			bad++
			continue
		}
		s.keepLocked(sa.ID, sa.stored())
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

func (s *answerStore) keepLocked(id string, a storedAnswer) {
	if _, ok := s.m[id]; !ok {
		s.order = append(s.order, id)
	}
	s.m[id] = a
	for len(s.order) > s.max {
		delete(s.m, s.order[0])
		s.order = s.order[1:]
	}
}

func (s *answerStore) put(a storedAnswer) string {
	id := newID()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keepLocked(id, a)
	if s.path == "" {
		return id
	}
	if s.lines >= 2*s.max {
		s.rewriteLocked()
		return id
	}
	line, err := json.Marshal(saveForm(id, a))
	if err == nil {
		err = jsonl.Append(s.path, line, 0o600)
	}
	s.noteLocked(err)
	if err == nil {
		s.lines++
	}
	return id
}

// rewriteLocked replaces the file with the kept answers, atomically.
func (s *answerStore) rewriteLocked() {
	var buf bytes.Buffer
	for _, id := range s.order {
		line, err := json.Marshal(saveForm(id, s.m[id]))
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

func (s *answerStore) noteLocked(err error) {
	if err != nil && !s.warned {
		s.warned = true
		s.log.Warn("cannot save answers for their buttons; they work until the bot restarts", "path", s.path, "err", err)
	}
	if err == nil {
		s.warned = false
	}
}

func (s *answerStore) get(id string) (storedAnswer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.m[id]
	return a, ok
}

// jobs are the questions being answered, so their asker can cancel them. It
// is safe for concurrent use.
type jobs struct {
	mu sync.Mutex
	m  map[string]*job
}

type job struct {
	user      string
	cancel    context.CancelFunc
	cancelled *atomic.Bool
}

var (
	errNotOwner = errors.New("not the asker")
	errNoJob    = errors.New("no such job")
)

func newJobs() *jobs { return &jobs{m: map[string]*job{}} }

func (j *jobs) start(user string, cancel context.CancelFunc) (string, *atomic.Bool) {
	id := newID()
	c := new(atomic.Bool)
	j.mu.Lock()
	j.m[id] = &job{user: user, cancel: cancel, cancelled: c}
	j.mu.Unlock()
	return id, c
}

func (j *jobs) finish(id string) {
	j.mu.Lock()
	delete(j.m, id)
	j.mu.Unlock()
}

func (j *jobs) count() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.m)
}

func (j *jobs) cancel(id, user string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	jb, ok := j.m[id]
	if !ok {
		return errNoJob
	}
	if jb.user != user {
		return errNotOwner
	}
	jb.cancelled.Store(true)
	jb.cancel()
	return nil
}

// followedThread is a thread the bot answers in without a mention.
type followedThread struct {
	Parent   string `json:"parent"`             // the channel the thread is in
	Question string `json:"question,omitempty"` // the question that opened it
}

// followed is the set of threads the bot follows, saved as JSON in the data
// folder so a restart remembers them. It is safe for concurrent use.
type followed struct {
	path string // "" keeps the set in memory only
	mu   sync.Mutex
	m    map[string]followedThread
}

// followFile is the name of the followed-threads file in DATA_DIR.
const followFile = "discord-threads.json"

func loadFollowed(dataDir string) (*followed, error) {
	f := &followed{m: map[string]followedThread{}}
	if dataDir == "" {
		return f, nil
	}
	f.path = filepath.Join(dataDir, followFile)
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("bot: read followed threads: %w", err)
	}
	if err := json.Unmarshal(data, &f.m); err != nil {
		return nil, fmt.Errorf("bot: %s is not a followed-threads file (%v): fix or delete it", f.path, err)
	}
	if f.m == nil {
		f.m = map[string]followedThread{}
	}
	return f, nil
}

func (f *followed) get(id string) (followedThread, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.m[id]
	return t, ok
}

func (f *followed) parent(id string) string {
	t, _ := f.get(id)
	return t.Parent
}

func (f *followed) add(id string, t followedThread) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[id] = t
	return f.saveLocked()
}

func (f *followed) remove(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.m[id]; !ok {
		return false
	}
	delete(f.m, id)
	_ = f.saveLocked()
	return true
}

func (f *followed) saveLocked() error {
	if f.path == "" {
		return nil
	}
	data, err := json.MarshalIndent(f.m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
		return fmt.Errorf("bot: save followed threads: %w", err)
	}
	tmp := f.path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("bot: save followed threads: %w", err)
	}
	if err := os.Rename(tmp, f.path); err != nil {
		return fmt.Errorf("bot: save followed threads: %w", err)
	}
	return nil
}
