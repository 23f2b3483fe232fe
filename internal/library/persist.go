package library

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"storybot/internal/knowledge"
	"storybot/internal/search"
)

// The saved snapshot, DATA_DIR/index/library.bin:
//
//	magic "storybot-library" (16 bytes) | format version uint32 LE
//	uvarint len | cache key
//	uvarint len | gob(savedState)
//	uvarint len | documents (doccodec.go)
//	per segment (savedState.NSeg): uvarint len | search index (search.Index.WriteTo)
//	body length uint64 LE | CRC-32C of everything before, uint32 LE
//
// A file with another magic, format version or cache key, a wrong length or
// checksum, or an index that search.ReadIndex refuses is never served.
const (
	cacheMagic   = "storybot-library"
	cacheFormat  = 3
	cacheName    = "library.bin"
	indexSubdir  = "index"
	maxCacheSize = 8 << 30
)

// loadWorkers is how many segments are read at once (0: one per CPU).
var loadWorkers = 0

var (
	errNoDataDir   = errors.New("no data folder")
	errCacheFormat = errors.New("saved index is corrupt or from another storybot version")
	crcTable       = crc32.MakeTable(crc32.Castagnoli)
)

// savedState is the gob-encoded part of the saved snapshot (the
// documents follow in their own section, see doccodec.go).
type savedState struct {
	Version string
	Built   time.Time
	Skipped []knowledge.Skipped
	Files   map[string]fileState
	NSeg    int
}

func (l *Library) indexDir() string { return filepath.Join(l.opts.DataDir, indexSubdir) }

func (l *Library) cacheFile() string { return filepath.Join(l.indexDir(), cacheName) }

// cacheKey is Options.CacheKey plus the settings that shape documents.
func (l *Library) cacheKey() string {
	k := l.opts.Knowledge
	var exts []string
	for e := range k.Extractors {
		exts = append(exts, e)
	}
	sort.Strings(exts)
	root, err := filepath.Abs(l.opts.Root)
	if err != nil {
		root = l.opts.Root
	}
	return strings.Join([]string{
		l.opts.CacheKey,
		"root=" + root,
		"max=" + strconv.FormatInt(k.MaxFileBytes, 10),
		"chars=" + strconv.Itoa(k.PassageChars),
		"ext=" + strings.Join(exts, ","),
		"embed=" + l.opts.Search.EmbedModel,
	}, ";")
}

// save writes the snapshot atomically (temporary file, fsync, rename).
// Failures are logged: the library keeps serving, and the next start
// rebuilds what it cannot load.
func (l *Library) save(snap *Snapshot, files map[string]fileState) {
	l.saveMu.Lock()
	defer l.saveMu.Unlock()
	start := time.Now()
	n, err := l.writeCache(snap, files)
	if err != nil {
		l.log.Warn("could not save the index; the next start rebuilds it", "dir", l.indexDir(), "err", err)
		return
	}
	l.log.Debug("index saved", "file", l.cacheFile(), "bytes", n, "ms", time.Since(start).Milliseconds())
}

func (l *Library) writeCache(snap *Snapshot, files map[string]fileState) (int64, error) {
	var body bytes.Buffer
	body.WriteString(cacheMagic)
	binary.Write(&body, binary.LittleEndian, uint32(cacheFormat))
	putBytes(&body, []byte(l.cacheKey()))

	var state bytes.Buffer
	if err := gob.NewEncoder(&state).Encode(savedState{Version: snap.Version, Built: snap.Built, Skipped: snap.Skipped, Files: files, NSeg: len(snap.segs)}); err != nil {
		return 0, fmt.Errorf("encode state: %w", err)
	}
	putBytes(&body, state.Bytes())
	var docs bytes.Buffer
	encodeDocs(&docs, snap.Docs)
	putBytes(&body, docs.Bytes())
	for _, seg := range snap.segs {
		var ix bytes.Buffer
		if _, err := seg.WriteTo(&ix); err != nil {
			return 0, err
		}
		putBytes(&body, ix.Bytes())
	}
	var tail [12]byte
	binary.LittleEndian.PutUint64(tail[:8], uint64(body.Len()))
	binary.LittleEndian.PutUint32(tail[8:], crc32.Checksum(body.Bytes(), crcTable))
	body.Write(tail[:])
	if err := writeFileAtomic(l.cacheFile(), body.Bytes()); err != nil {
		return 0, err
	}
	return int64(body.Len()), nil
}

// loadCache reads the saved snapshot. It returns an error wrapping
// fs.ErrNotExist when there is none, errNoDataDir without a data folder,
// and another error (to be logged) when it cannot be used.
func (l *Library) loadCache(ctx context.Context) (*Snapshot, map[string]fileState, error) {
	if l.opts.DataDir == "" {
		return nil, nil, errNoDataDir
	}
	data, err := os.ReadFile(l.cacheFile())
	if err != nil {
		return nil, nil, err
	}
	if len(data) < len(cacheMagic)+4+12 || string(data[:len(cacheMagic)]) != cacheMagic {
		return nil, nil, errCacheFormat
	}
	body, tail := data[:len(data)-12], data[len(data)-12:]
	if binary.LittleEndian.Uint64(tail[:8]) != uint64(len(body)) || binary.LittleEndian.Uint32(tail[8:]) != crc32.Checksum(body, crcTable) {
		return nil, nil, fmt.Errorf("%w: checksum mismatch", errCacheFormat)
	}
	rest := body[len(cacheMagic):]
	if v := binary.LittleEndian.Uint32(rest[:4]); v != cacheFormat {
		return nil, nil, fmt.Errorf("%w: format %d, want %d", errCacheFormat, v, cacheFormat)
	}
	rest = rest[4:]
	key, rest, ok := getBytes(rest)
	if !ok {
		return nil, nil, errCacheFormat
	}
	if string(key) != l.cacheKey() {
		return nil, nil, errors.New("saved index was built by another storybot version or with other settings")
	}
	stateBytes, rest, ok := getBytes(rest)
	if !ok {
		return nil, nil, errCacheFormat
	}
	docBytes, rest, ok := getBytes(rest)
	if !ok {
		return nil, nil, errCacheFormat
	}
	var st savedState
	if err := gob.NewDecoder(bytes.NewReader(stateBytes)).Decode(&st); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errCacheFormat, err)
	}
	docs, err := decodeDocs(docBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errCacheFormat, err)
	}
	if st.Version != versionOf(docs) {
		return nil, nil, fmt.Errorf("%w: version does not match the documents", errCacheFormat)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if st.NSeg < 1 || st.NSeg > maxSegments {
		return nil, nil, fmt.Errorf("%w: %d segments", errCacheFormat, st.NSeg)
	}
	parts := partition(docs, st.NSeg)
	segBytes := make([][]byte, st.NSeg)
	for i := range segBytes {
		if segBytes[i], rest, ok = getBytes(rest); !ok {
			return nil, nil, errCacheFormat
		}
	}
	// Segments are read in parallel: reading the index is most of a restart.
	segs := make([]*search.Index, st.NSeg)
	errs := make([]error, st.NSeg)
	parallelN(st.NSeg, cmp.Or(loadWorkers, runtime.GOMAXPROCS(0)), func(i int) {
		segs[i], errs[i] = search.ReadIndex(bytes.NewReader(segBytes[i]), parts[i], l.searchOpts)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	if len(rest) != 0 {
		return nil, nil, errCacheFormat
	}
	if st.Files == nil {
		st.Files = map[string]fileState{}
	}
	snap := &Snapshot{Version: st.Version, Docs: docs, Skipped: st.Skipped, Built: st.Built, segs: segs}
	if len(segs) == 1 {
		snap.Index = segs[0]
	}
	return snap, st.Files, nil
}

func putBytes(b *bytes.Buffer, p []byte) {
	b.Write(binary.AppendUvarint(nil, uint64(len(p))))
	b.Write(p)
}

func getBytes(b []byte) (p, rest []byte, ok bool) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, nil, false
	}
	return b[k : k+int(n)], b[k+int(n):], true
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder, synced and renamed, so readers see the old file or the new one.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
