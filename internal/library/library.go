// Package library keeps the knowledge folder indexed and current. It holds
// the current Snapshot (documents plus search index) behind an atomic
// pointer, so every question sees one complete snapshot; Refresh re-parses
// only the files whose size, modification time and content hash changed,
// builds the new snapshot fully and then swaps it in; a refresh that fails
// keeps the previous snapshot. Concurrent Refresh calls are coalesced.
//
// The snapshot is saved in DATA_DIR/index/<folder ID>/, one per knowledge
// folder (versioned, checksummed, written atomically), and reused on Open
// while the folder is unchanged. Watch
// re-indexes on file system events. AddFile, Remove and Restore change the
// folder on behalf of moderators: uploads are checked by content, removed
// files go to DATA_DIR/trash/, and every change is appended to
// DATA_DIR/audit.log.
package library

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"storybot/internal/knowledge"
	"storybot/internal/search"
	"storybot/internal/state"
	"storybot/internal/textan"
)

// Snapshot is one complete, immutable state of the knowledge: the documents,
// the index over them, the files that were skipped and when it was built.
// Version is a hash over the documents' paths and content hashes; anything
// derived from the knowledge (cached summaries) keys on it.
//
// Index is the search index over all documents when the folder is indexed
// as one segment (folders under 1 MB of text, such as the story); larger
// folders are indexed in segments and Index is nil: search them with
// Snapshot.Search or Library.Search, which work in both cases.
type Snapshot struct {
	Version string
	Docs    []*knowledge.Document
	Index   *search.Index
	Skipped []knowledge.Skipped
	Built   time.Time

	segs []*search.Index // len 1 (== Index) for small folders; nil before the first build
}

// Passages returns the number of passages in the snapshot.
func (s *Snapshot) Passages() int {
	if s == nil {
		return 0
	}
	n := 0
	for _, d := range s.Docs {
		n += len(d.Passages)
	}
	return n
}

// Doc returns the document with this path, or nil.
func (s *Snapshot) Doc(path string) *knowledge.Document {
	if s == nil {
		return nil
	}
	i := sort.Search(len(s.Docs), func(i int) bool { return s.Docs[i].Path >= path })
	if i < len(s.Docs) && s.Docs[i].Path == path {
		return s.Docs[i]
	}
	return nil
}

// Options configures a Library.
type Options struct {
	// Root is the knowledge folder (KNOWLEDGE_DIR).
	Root string
	// DataDir holds the saved indexes (index/, one folder per knowledge
	// folder), the trash (trash/) and the
	// audit log (audit.log). "" disables persistence and folder changes.
	DataDir string
	// Audit, when set, records moderators' changes instead of
	// DataDir/audit.log (a store shared by the shards: PostgreSQL).
	Audit state.AuditLog
	// Knowledge is passed to knowledge.ParseFile (MaxFileBytes, Extractors).
	Knowledge knowledge.Options
	// Search is passed to search.Build and search.ReadIndex.
	Search search.Options
	// MaxUploadBytes limits AddFile; 0 means 10 MB.
	MaxUploadBytes int64
	// CacheKey names the code and settings that built a saved index (the CLI
	// passes a hash of its executable and the embedding model); a saved index
	// with another key is rebuilt. The library adds what it can see itself
	// (MaxFileBytes, PassageChars, extractor types).
	CacheKey string
	// Debounce is how long Watch waits for the folder to settle; 0 means 500 ms.
	Debounce time.Duration
	// Workers caps the goroutines a refresh after Open uses to stat, parse
	// and index files, so that questions answered meanwhile keep a CPU; 0
	// means GOMAXPROCS-1 (at least 1). The first build in Open, which no
	// question waits behind, uses every CPU.
	Workers int
	// Log receives warnings and refresh reports; nil discards.
	Log *slog.Logger
	// OnRefresh, when set, is called with the report of every refresh that
	// succeeded, the first build in Open included (for metrics). It must
	// not block.
	OnRefresh func(Report)

	loadWorkers int                                                                                              // segments read at once by Open; 0: GOMAXPROCS
	now         func() time.Time                                                                                 // nil: time.Now
	parseFile   func(ctx context.Context, root, rel string, opts knowledge.Options) (*knowledge.Document, error) // nil: parseFile
}

// Report says what a refresh changed. Lists are never nil, so they encode
// as [] in JSON.
type Report struct {
	Added    []string     `json:"added"`
	Changed  []string     `json:"changed"`
	Removed  []string     `json:"removed"`
	Skipped  []SkipReport `json:"skipped"`
	Passages Counts       `json:"passages"`
	MS       int64        `json:"ms"`
	// Version is the snapshot version after the refresh (not in JSON).
	Version string `json:"-"`
}

// SkipReport is a file that was not indexed and why.
type SkipReport struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Counts is a before/after pair.
type Counts struct {
	Before int `json:"before"`
	After  int `json:"after"`
}

// Any reports whether the refresh added, changed or removed a document.
func (r Report) Any() bool { return len(r.Added)+len(r.Changed)+len(r.Removed) > 0 }

// fileState is what the library remembers about one file between
// refreshes: the stat it was parsed at, its hash, and the skip reason when
// it was skipped (so an unchanged bad file is not parsed again).
type fileState struct {
	Size    int64
	ModTime int64 // UnixNano
	Hash    string
	Reason  string
}

// Library is the knowledge folder, indexed. All methods are safe for
// concurrent use.
type Library struct {
	opts Options
	log  *slog.Logger
	cur  atomic.Pointer[Snapshot]
	last atomic.Pointer[Report]

	// ctx is the lifetime of background refreshes; Close cancels it.
	ctx    context.Context
	cancel context.CancelFunc

	// state used by refresh only; refreshes run one at a time under refMu.
	refMu      sync.Mutex
	files      map[string]fileState
	searchOpts search.Options // Options.Search, without the Embedder once it has failed

	// coalescing: the waiting flight is the one that callers join; it runs
	// (runFlight) when the running one ends.
	refreshes background[*flight]

	changeMu sync.Mutex // serializes AddFile, Remove and Restore
	auditMu  sync.Mutex
	saveMu   sync.Mutex
	// bgMu keeps a background refresh and a background save from running
	// at once, so that together they hold at most Options.Workers of the
	// Go scheduler's Ps: on two CPUs, a question always finds one free
	// (without it, questions waited up to a 10 ms scheduling quantum
	// behind the two).
	bgMu   sync.Mutex
	onDisk map[string]bool // IDs of the segment files known to be saved; under saveMu (or before Open returns)

	// background saves: only the latest state waits to be saved (runSave).
	saves background[func()]
}

type flight struct {
	waiters int // callers sharing this flight
	done    chan struct{}
	rep     Report
	err     error
}

// Open loads the saved index from DataDir when it matches the folder
// (otherwise it rebuilds, logging why), brings it up to date with the
// folder, and returns the library. Its error names the knowledge folder when
// it is missing or unusable; a damaged or foreign saved index is never an
// error, only rebuilt. LastReport tells what changed since the saved index.
func Open(ctx context.Context, opts Options) (*Library, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Debounce <= 0 {
		opts.Debounce = 500 * time.Millisecond
	}
	if opts.MaxUploadBytes <= 0 {
		opts.MaxUploadBytes = 10 << 20
	}
	if opts.now == nil {
		opts.now = time.Now
	}
	if opts.parseFile == nil {
		opts.parseFile = parseFile
	}
	if opts.Search.Log == nil {
		opts.Search.Log = opts.Log
	}
	if opts.Search.Analyzer == nil {
		// one analyzer for every segment and refresh, so that its word →
		// term cache (the stemmer is the slow stage) is filled once
		opts.Search.Analyzer = textan.English()
	}
	if opts.Workers <= 0 {
		opts.Workers = max(1, runtime.GOMAXPROCS(0)-1)
	}
	l := &Library{opts: opts, log: opts.Log, files: map[string]fileState{}, searchOpts: opts.Search}
	l.refreshes.run = l.runFlight
	l.saves.run = l.runSave
	l.ctx, l.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if err := knowledge.CheckRoot(opts.Root); err != nil {
		return nil, err
	}
	// The folder is walked while the saved index loads: a restart needs both.
	walk := make(chan walked, 1)
	go func() {
		var w walked
		w.files, w.skipped, w.err = knowledge.Walk(ctx, opts.Root, opts.Knowledge, opts.DataDir)
		walk <- w
	}()
	empty := &Snapshot{Version: versionOf(nil), Built: opts.now()}
	cached := false
	if opts.DataDir != "" {
		l.migrateLegacyIndex()
	}
	if snap, files, err := l.loadCache(ctx); err == nil {
		l.files = files
		l.cur.Store(snap)
		cached = true
	} else {
		switch {
		case errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNoDataDir):
		case errors.Is(err, errCacheStale):
			l.log.Info("saved index is from another build or other settings; rebuilding", "file", l.cacheFile())
		default:
			l.log.Warn("saved index not used; rebuilding", "file", l.cacheFile(), "reason", err.Error())
		}
		l.cur.Store(empty)
	}
	w := <-walk
	l.refMu.Lock()
	rep, save, err := l.refresh(ctx, !cached, runtime.GOMAXPROCS(0), &w)
	l.refMu.Unlock()
	if err != nil {
		return nil, err
	}
	if save != nil {
		save()
	}
	l.last.Store(&rep)
	l.refreshed(rep)
	return l, nil
}

// Close stops background refreshes and waits for pending saves. The library
// keeps serving its current snapshot.
func (l *Library) Close() error {
	l.cancel()
	l.refreshes.wg.Wait()
	l.saves.wg.Wait()
	return nil
}

// scheduleSave saves in the background, after the refresh has been served;
// when saves queue up only the latest one runs.
func (l *Library) scheduleSave(save func()) {
	l.saves.queue(func(func(), bool) func() { return save })
}

// runSave runs one save in l.saves, never beside a background refresh.
func (l *Library) runSave(save func()) {
	l.bgMu.Lock()
	save()
	l.bgMu.Unlock()
}

// Current returns the current snapshot; it never returns nil and the
// snapshot never changes (a refresh swaps in a new one).
func (l *Library) Current() *Snapshot { return l.cur.Load() }

// LastReport returns the report of the most recent completed refresh (for a
// freshly opened library: what changed since the saved index).
func (l *Library) LastReport() Report {
	if r := l.last.Load(); r != nil {
		return *r
	}
	return emptyReport()
}

// Search searches the current snapshot. With no documents it returns no
// hits and no error.
func (l *Library) Search(ctx context.Context, q string, k int) ([]search.Hit, error) {
	return l.cur.Load().Search(ctx, q, k)
}

// Refresh brings the index up to date with the folder and returns what
// changed. Calls made while a refresh runs share the next one, which starts
// when the running one ends. The refresh itself runs until it finishes even
// when ctx is done (Refresh then returns ctx.Err()); Close cancels it. On
// error the previous snapshot stays current.
func (l *Library) Refresh(ctx context.Context) (Report, error) {
	if err := ctx.Err(); err != nil {
		return emptyReport(), err
	}
	f := l.refreshes.queue(func(f *flight, queued bool) *flight {
		if !queued {
			f = &flight{done: make(chan struct{})}
		}
		f.waiters++
		return f
	})
	select {
	case <-f.done:
		return f.rep, f.err
	case <-ctx.Done():
		return emptyReport(), ctx.Err()
	}
}

// runFlight runs one queued flight in l.refreshes, at a lower scheduling
// priority than questions (lowerPriority).
func (l *Library) runFlight(f *flight) {
	l.refMu.Lock()
	l.bgMu.Lock()
	rep, save, err := l.refresh(l.ctx, false, l.opts.Workers, nil)
	l.bgMu.Unlock()
	l.refMu.Unlock()
	f.rep, f.err = rep, err
	if err == nil {
		l.last.Store(&rep)
		l.refreshed(rep)
	}
	if save != nil {
		l.scheduleSave(save)
	}
	close(f.done)
}

// refreshed tells Options.OnRefresh about rep.
func (l *Library) refreshed(rep Report) {
	if l.opts.OnRefresh != nil {
		l.opts.OnRefresh(rep)
	}
}

func emptyReport() Report {
	return Report{Added: []string{}, Changed: []string{}, Removed: []string{}, Skipped: []SkipReport{}}
}

// versionOf hashes the documents' paths and content hashes (docs sorted by path).
func versionOf(docs []*knowledge.Document) string {
	h := sha256.New()
	for _, d := range docs {
		io.WriteString(h, d.Path)
		h.Write([]byte{0})
		io.WriteString(h, d.Hash)
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func lowerExt(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 || strings.ContainsRune(name[i:], '/') {
		return ""
	}
	return strings.ToLower(name[i:])
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
