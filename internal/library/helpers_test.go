package library

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"storybot/internal/knowledge"
	"storybot/internal/syncbuf"
)

// fixture is a knowledge folder and a data folder in t.TempDir.
type fixture struct {
	t      testing.TB
	root   string
	data   string
	logs   *syncbuf.Buffer
	parsed *recorder              // the files parsed
	hook   func(rel string) error // called before each parse; an error is returned as the parse error
	after  func(rel string)       // called after each parse
}

// recorder is a list of strings that goroutines add to and the test takes.
type recorder struct {
	mu   sync.Mutex
	list []string
}

func (r *recorder) add(s ...string) {
	r.mu.Lock()
	r.list = append(r.list, s...)
	r.mu.Unlock()
}

// take returns what was added since the last take.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.list
	r.list = nil
	return out
}

func newFixture(t testing.TB) *fixture {
	d := t.TempDir()
	f := &fixture{t: t, root: filepath.Join(d, "knowledge"), data: filepath.Join(d, "data"), logs: &syncbuf.Buffer{}, parsed: &recorder{}}
	if err := os.MkdirAll(f.root, 0o755); err != nil {
		t.Fatal(err)
	}
	return f
}

// indexDir is where the fixture's folder's index is saved.
func (f *fixture) indexDir() string { return filepath.Join(f.data, "index", folderID(f.root)) }

func (f *fixture) options() Options {
	return Options{
		Root:    f.root,
		DataDir: f.data,
		Knowledge: knowledge.Options{
			MaxFileBytes: 64 << 10,
			Extractors:   Extractors(),
		},
		MaxUploadBytes: 64 << 10,
		CacheKey:       "test",
		Debounce:       20 * time.Millisecond,
		Log:            slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		parseFile: func(ctx context.Context, root, rel string, opts knowledge.Options) (*knowledge.Document, error) {
			f.parsed.add(rel)
			if f.hook != nil {
				if err := f.hook(rel); err != nil {
					return nil, err
				}
			}
			d, err := parseFile(ctx, root, rel, opts)
			if f.after != nil {
				f.after(rel)
			}
			return d, err
		},
	}
}

// storyFixture returns a fixture whose folder holds a.md (storyA), where
// most tests start.
func storyFixture(t testing.TB) *fixture {
	t.Helper()
	f := newFixture(t)
	f.write("a.md", storyA)
	return f
}

// oneStory returns a fixture whose folder holds a.md (storyA) and the
// library open over it.
func oneStory(t testing.TB) (*fixture, *Library) {
	t.Helper()
	f := storyFixture(t)
	return f, f.open()
}

func (f *fixture) open() *Library {
	f.t.Helper()
	return openLib(f.t, f.options())
}

// openLib opens a library with opts, failing t when it cannot, and closes
// it when the test ends.
func openLib(t testing.TB, opts Options) *Library {
	t.Helper()
	l, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func (f *fixture) write(rel, text string) {
	f.t.Helper()
	p := filepath.Join(f.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		f.t.Fatal(err)
	}
	// Make every write visible to a size+mtime check, even within one clock tick.
	bump := time.Now().Add(time.Duration(len(text)) * time.Microsecond)
	os.Chtimes(p, bump, bump)
}

func (f *fixture) copyFrom(src, rel string) {
	f.t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		f.t.Skipf("test file %s: %v", src, err)
	}
	f.write(rel, string(b))
}

func refresh(t testing.TB, l *Library) Report {
	t.Helper()
	r, err := l.Refresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// wantDocs checks that l's current snapshot holds the documents want
// (their paths, comma-separated, in order).
func wantDocs(t *testing.T, l *Library, want string) {
	t.Helper()
	if got := docPaths(l.Current()); got != want {
		t.Errorf("docs %s", got)
	}
}

func docPaths(s *Snapshot) string {
	var p []string
	for _, d := range s.Docs {
		p = append(p, d.Path)
	}
	return strings.Join(p, ",")
}

func skipReason(r Report, path string) string {
	for _, s := range r.Skipped {
		if s.Path == path {
			return s.Reason
		}
	}
	return ""
}

const storyA = `# Albania cuts ties with Iran

Albania cut diplomatic ties with Iran on 7 September 2022 after a cyberattack in July.

The prime minister, Edi Rama, ordered Iranian diplomats to leave within 24 hours.
`

const storyB = `# The cyberattack

Hackers disrupted Albanian government websites and the e-Albania portal on 15 July 2022.

Microsoft attributed the attack to actors working for Iran's government.
`

const storyC = `# Reactions

The United States condemned the attack and promised further action.

NATO allies expressed support for Albania.
`
