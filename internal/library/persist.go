package library

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"storybot/internal/knowledge"
	"storybot/internal/search"
	"storybot/internal/textan"
)

// The saved snapshot is a folder per knowledge folder,
// DATA_DIR/index/<folder ID>/ (see indexDir), of one manifest and one file
// per index segment:
//
//	library.bin   magic "storybot-library" (16 bytes) | format version uint32 LE
//	              | uvarint len | cache key | uvarint len | gob(savedState)
//	              | body length uint64 LE | CRC-32C of everything before, uint32 LE
//	seg-<id>.bin  magic "storybot-segment" (16 bytes) | format version uint32 LE
//	              | uvarint len | cache key | uvarint len | the segment's documents
//	              (doccodec.go) | uvarint len | its search index (search.Index.WriteTo)
//	              | body length uint64 LE | CRC-32C, uint32 LE
//
// <id> hashes the cache key, the number of segments and the paths and
// content hashes of the segment's documents, so a segment that did not
// change keeps its file: a refresh that changed one file writes one segment
// file and the manifest, not the whole index. Segment files are written
// first; renaming the manifest into place commits the save; segment files
// that the manifest does not name are removed after it. A file with another
// magic, format version or cache key, a wrong length or checksum, documents
// that do not belong to it, or an index that search.ReadIndex refuses is
// never served: the library rebuilds and saves every segment again.
const (
	cacheMagic   = "storybot-library"
	segMagic     = "storybot-segment"
	cacheFormat  = 4
	cacheName    = "library.bin"
	indexSubdir  = "index"
	segPrefix    = "seg-"
	segSuffix    = ".bin"
	maxCacheSize = 8 << 30
)

var (
	errNoDataDir   = errors.New("no data folder")
	errCacheFormat = errors.New("saved index is corrupt or from another storybot version")
	// errCacheStale: the saved index was built by another build of
	// storybot (an upgrade, or go run after a built binary) or with other
	// settings. Rebuilding it is expected, not a warning.
	errCacheStale = errors.New("saved index was built by another storybot build or with other settings")
	crcTable      = crc32.MakeTable(crc32.Castagnoli)
)

// savedState is the gob-encoded body of the manifest.
type savedState struct {
	Version string
	Built   time.Time
	Skipped []knowledge.Skipped
	Files   map[string]fileState
	Segs    []string // segment IDs, in segment order
}

// indexDir is the knowledge folder's own index folder,
// DATA_DIR/index/<folder ID>, so that switching KNOWLEDGE_DIR with one
// DATA_DIR keeps each folder's saved index.
func (l *Library) indexDir() string {
	return filepath.Join(l.opts.DataDir, indexSubdir, folderID(l.opts.Root))
}

// folderID names the index folder of the knowledge folder root: a hash of
// its absolute path.
func folderID(root string) string {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	h := sha256.Sum256([]byte(root))
	return hex.EncodeToString(h[:8])
}

// migrateLegacyIndex handles a saved index of the old layout, whose files
// lay in DATA_DIR/index itself (one index for whichever folder was opened
// last). Saved for this folder (same build and settings), it is moved into
// the folder's own index folder; otherwise it can serve no folder that
// asks, and is removed.
func (l *Library) migrateLegacyIndex() {
	legacy := filepath.Join(l.opts.DataDir, indexSubdir)
	data, err := os.ReadFile(filepath.Join(legacy, cacheName))
	if err != nil {
		return // none
	}
	var segs []string
	entries, _ := os.ReadDir(legacy)
	for _, e := range entries {
		if name := e.Name(); e.Type().IsRegular() && strings.HasPrefix(name, segPrefix) && strings.HasSuffix(name, segSuffix) {
			segs = append(segs, name)
		}
	}
	if err := l.adoptLegacy(data, legacy, segs); err != nil {
		for _, name := range append(segs, cacheName) {
			os.Remove(filepath.Join(legacy, name))
		}
		l.log.Debug("removed a saved index of the old layout", "dir", legacy, "reason", err)
		return
	}
	l.log.Info("moved the saved index into the knowledge folder's own index folder", "dir", l.indexDir())
}

// adoptLegacy moves the old layout's segment files, then its manifest
// (data), into the folder's index folder, when the manifest was saved for
// this folder and the folder has no saved index of its own.
func (l *Library) adoptLegacy(data []byte, legacy string, segs []string) error {
	if _, err := openFile(data, cacheMagic, l.cacheKey()); err != nil {
		return err
	}
	if _, err := os.Stat(l.cacheFile()); err == nil {
		return errors.New("the folder has a saved index of its own")
	}
	if err := os.MkdirAll(l.indexDir(), 0o755); err != nil {
		return err
	}
	for _, name := range append(segs, cacheName) { // the manifest last: it commits the move
		if err := os.Rename(filepath.Join(legacy, name), filepath.Join(l.indexDir(), name)); err != nil {
			return err
		}
	}
	return nil
}

func (l *Library) cacheFile() string { return filepath.Join(l.indexDir(), cacheName) }

func (l *Library) segFile(id string) string {
	return filepath.Join(l.indexDir(), segPrefix+id+segSuffix)
}

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
		"split=" + strconv.Itoa(knowledge.SplitVersion),
		"terms=" + strconv.Itoa(textan.Version),
		"ext=" + strings.Join(exts, ","),
		"embed=" + l.opts.Search.EmbedModel,
	}, ";")
}

// segmentID names the file of segment docs (one of n) saved under key.
func segmentID(key string, n int, docs []*knowledge.Document) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%s", key, n, versionOf(docs))
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// save writes the snapshot: the segment files it does not have on disk yet,
// then the manifest, atomically (temporary file, fsync, rename). Failures
// are logged: the library keeps serving, and the next start rebuilds what
// it cannot load.
func (l *Library) save(snap *Snapshot, files map[string]fileState) {
	l.saveMu.Lock()
	defer l.saveMu.Unlock()
	start := time.Now()
	n, written, err := l.writeCache(snap, files)
	if err != nil {
		l.log.Warn("could not save the index; the next start rebuilds it", "dir", l.indexDir(), "err", err, "fix", storageHint(err))
		return
	}
	l.log.Debug("index saved", "dir", l.indexDir(), "bytes", n, "segments written", written, "ms", time.Since(start).Milliseconds())
}

// writeCache writes the segment files missing from l.onDisk and the
// manifest, then removes the segment files the manifest does not name. It
// returns the bytes and the segment files written. The caller holds saveMu.
func (l *Library) writeCache(snap *Snapshot, files map[string]fileState) (int64, int, error) {
	key := l.cacheKey()
	parts := partition(snap.Docs, len(snap.segs))
	ids := make([]string, len(parts))
	var total int64
	written := 0
	var sec bytes.Buffer // one section at a time, reused
	for i, part := range parts {
		ids[i] = segmentID(key, len(parts), part)
		if l.onDisk[ids[i]] {
			// Saved before; checked because another process with the same
			// DATA_DIR (storybot refresh while the bot runs) may have
			// removed it as stale.
			if _, err := os.Stat(l.segFile(ids[i])); err == nil {
				continue
			}
		}
		sec.Reset()
		encodeDocs(&sec, part)
		docLen := sec.Len()
		if _, err := snap.segs[i].WriteTo(&sec); err != nil {
			return 0, 0, fmt.Errorf("encode segment %d: %w", i, err)
		}
		n, err := writeFramed(l.segFile(ids[i]), func(w io.Writer) {
			writeHeader(w, segMagic, key)
			writeSection(w, sec.Bytes()[:docLen])
			writeSection(w, sec.Bytes()[docLen:])
		})
		if err != nil {
			return 0, 0, err
		}
		total += n
		written++
	}
	var state bytes.Buffer
	if err := gob.NewEncoder(&state).Encode(savedState{Version: snap.Version, Built: snap.Built, Skipped: snap.Skipped, Files: files, Segs: ids}); err != nil {
		return 0, 0, fmt.Errorf("encode state: %w", err)
	}
	n, err := writeFramed(l.cacheFile(), func(w io.Writer) {
		writeHeader(w, cacheMagic, key)
		writeSection(w, state.Bytes())
	})
	if err != nil {
		return 0, 0, err
	}
	total += n
	l.onDisk = map[string]bool{}
	for _, id := range ids {
		l.onDisk[id] = true
	}
	l.removeStaleSegments()
	return total, written, nil
}

// removeStaleSegments removes the segment files the manifest does not name.
func (l *Library) removeStaleSegments() {
	entries, err := os.ReadDir(l.indexDir())
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		id, ok := strings.CutPrefix(name, segPrefix)
		if !ok || !strings.HasSuffix(id, segSuffix) || l.onDisk[strings.TrimSuffix(id, segSuffix)] {
			continue
		}
		if err := os.Remove(filepath.Join(l.indexDir(), name)); err != nil {
			l.log.Debug("could not remove an old index segment", "file", name, "err", err)
		}
	}
}

func writeHeader(w io.Writer, magic, key string) {
	var head [20]byte
	copy(head[:16], magic)
	binary.LittleEndian.PutUint32(head[16:], cacheFormat)
	w.Write(head[:])
	writeSection(w, []byte(key))
}

func writeSection(w io.Writer, p []byte) {
	w.Write(binary.AppendUvarint(nil, uint64(len(p))))
	w.Write(p)
}

// openFile checks the framing of a saved file (magic, format, length,
// checksum, cache key) and returns its body after the key.
func openFile(data []byte, magic, key string) ([]byte, error) {
	if len(data) < len(magic)+4+12 || string(data[:len(magic)]) != magic {
		return nil, errCacheFormat
	}
	body, tail := data[:len(data)-12], data[len(data)-12:]
	if binary.LittleEndian.Uint64(tail[:8]) != uint64(len(body)) || binary.LittleEndian.Uint32(tail[8:]) != crc32.Checksum(body, crcTable) {
		return nil, fmt.Errorf("%w: checksum mismatch", errCacheFormat)
	}
	rest := body[len(magic):]
	if v := binary.LittleEndian.Uint32(rest[:4]); v != cacheFormat {
		return nil, fmt.Errorf("%w: format %d, want %d", errCacheFormat, v, cacheFormat)
	}
	got, rest, ok := getBytes(rest[4:])
	if !ok {
		return nil, errCacheFormat
	}
	if string(got) != key {
		return nil, errCacheStale
	}
	return rest, nil
}

// loadCache reads the saved snapshot, its segments in parallel (reading
// them is most of a restart). It returns an error wrapping fs.ErrNotExist
// when there is none, errNoDataDir without a data folder, and another error
// (to be logged) when it cannot be used.
func (l *Library) loadCache(ctx context.Context) (*Snapshot, map[string]fileState, error) {
	if l.opts.DataDir == "" {
		return nil, nil, errNoDataDir
	}
	data, err := os.ReadFile(l.cacheFile())
	if err != nil {
		return nil, nil, err
	}
	key := l.cacheKey()
	rest, err := openFile(data, cacheMagic, key)
	if err != nil {
		return nil, nil, err
	}
	stateBytes, rest, ok := getBytes(rest)
	if !ok || len(rest) != 0 {
		return nil, nil, errCacheFormat
	}
	var st savedState
	if err := gob.NewDecoder(bytes.NewReader(stateBytes)).Decode(&st); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errCacheFormat, err)
	}
	n := len(st.Segs)
	if n < 1 || n > maxSegments {
		return nil, nil, fmt.Errorf("%w: %d segments", errCacheFormat, n)
	}
	segs := make([]*search.Index, n)
	parts := make([][]*knowledge.Document, n)
	errs := make([]error, n)
	err = parallel(ctx, cmp.Or(l.opts.loadWorkers, runtime.GOMAXPROCS(0)), n, func(i int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		parts[i], segs[i], errs[i] = l.loadSegment(st.Segs[i], i, n, key)
		return nil // every segment is tried; their errors are joined below
	})
	if err := cmp.Or(err, errors.Join(errs...)); err != nil {
		return nil, nil, err
	}
	docs := slices.Concat(parts...)
	slices.SortFunc(docs, func(a, b *knowledge.Document) int { return cmp.Compare(a.Path, b.Path) })
	if st.Version != versionOf(docs) {
		return nil, nil, fmt.Errorf("%w: version does not match the documents", errCacheFormat)
	}
	if st.Files == nil {
		st.Files = map[string]fileState{}
	}
	l.onDisk = map[string]bool{}
	for _, id := range st.Segs {
		l.onDisk[id] = true
	}
	snap := &Snapshot{Version: st.Version, Docs: docs, Skipped: st.Skipped, Built: st.Built, segs: segs}
	if n == 1 {
		snap.Index = segs[0]
	}
	return snap, st.Files, nil
}

// loadSegment reads segment i of n from the file of id.
func (l *Library) loadSegment(id string, i, n int, key string) ([]*knowledge.Document, *search.Index, error) {
	docBytes, ixBytes, err := readSegmentFile(l.segFile(id), key)
	if err != nil {
		return nil, nil, fmt.Errorf("segment %d: %w", i, err)
	}
	docs, err := decodeDocsOwned(docBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errCacheFormat, err)
	}
	for j, d := range docs {
		if segmentOf(d.Path, n) != i || (j > 0 && docs[j-1].Path >= d.Path) {
			return nil, nil, fmt.Errorf("%w: segment %d holds %q", errCacheFormat, i, d.Path)
		}
	}
	if segmentID(key, n, docs) != id {
		return nil, nil, fmt.Errorf("%w: segment %d does not match its name", errCacheFormat, i)
	}
	ix, err := search.DecodeIndex(ixBytes, docs, l.searchOpts)
	if err != nil {
		return nil, nil, err
	}
	return docs, ix, nil
}

// segHeadMax bounds the bytes before a segment's documents (magic, format,
// cache key, a length).
const segHeadMax = 64 << 10

// readSegmentFile reads and checks a segment file (framing, cache key,
// length, checksum) and returns its documents section, in a buffer of its
// own that decodeDocsOwned may keep, and its index section.
func readSegmentFile(path, key string) (docs, ix []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errCacheFormat, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := st.Size()
	if size < int64(len(segMagic))+4+12 || size > maxCacheSize {
		return nil, nil, errCacheFormat
	}
	head := make([]byte, min(size, segHeadMax))
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errCacheFormat, err)
	}
	if string(head[:len(segMagic)]) != segMagic {
		return nil, nil, errCacheFormat
	}
	if v := binary.LittleEndian.Uint32(head[len(segMagic):]); v != cacheFormat {
		return nil, nil, fmt.Errorf("%w: format %d, want %d", errCacheFormat, v, cacheFormat)
	}
	afterKey := head[len(segMagic)+4:]
	got, afterKey, ok := getBytes(afterKey)
	if !ok {
		return nil, nil, errCacheFormat
	}
	docLen, k := binary.Uvarint(afterKey)
	docStart := int64(len(head) - len(afterKey) + k)
	if k <= 0 || docLen > uint64(size-12-docStart) {
		return nil, nil, errCacheFormat
	}
	docs = make([]byte, docLen)
	rest := make([]byte, size-docStart-int64(docLen))
	if _, err := f.ReadAt(docs, docStart); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errCacheFormat, err)
	}
	if _, err := f.ReadAt(rest, docStart+int64(docLen)); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errCacheFormat, err)
	}
	body, tail := rest[:len(rest)-12], rest[len(rest)-12:]
	crc := crc32.Update(0, crcTable, head[:docStart])
	crc = crc32.Update(crc, crcTable, docs)
	crc = crc32.Update(crc, crcTable, body)
	if binary.LittleEndian.Uint64(tail[:8]) != uint64(size-12) || binary.LittleEndian.Uint32(tail[8:]) != crc {
		return nil, nil, fmt.Errorf("%w: checksum mismatch", errCacheFormat)
	}
	if string(got) != key {
		return nil, nil, errCacheStale
	}
	ix, rest, ok = getBytes(body)
	if !ok || len(rest) != 0 {
		return nil, nil, errCacheFormat
	}
	return docs, ix, nil
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
	return writeFileAtomicFunc(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFileAtomicFunc is writeFileAtomic for the bytes that write produces
// (buffered).
func writeFileAtomicFunc(path string, write func(w io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	bw := bufio.NewWriterSize(f, 256<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
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

// writeFramed writes a saved index file atomically: the body that write
// produces, then its length (uint64 LE) and CRC-32C (uint32 LE). It
// returns the size of the file.
func writeFramed(path string, write func(w io.Writer)) (int64, error) {
	var size int64
	err := writeFileAtomicFunc(path, func(w io.Writer) error {
		cw := &crcWriter{w: w}
		write(cw)
		if cw.err != nil {
			return cw.err
		}
		var tail [12]byte
		binary.LittleEndian.PutUint64(tail[:8], uint64(cw.n))
		binary.LittleEndian.PutUint32(tail[8:], cw.crc)
		_, err := w.Write(tail[:])
		size = cw.n + int64(len(tail))
		return err
	})
	return size, err
}

// crcWriter counts and checksums what it passes on, and keeps the first
// error (later writes are dropped).
type crcWriter struct {
	w   io.Writer
	n   int64
	crc uint32
	err error
}

func (c *crcWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.crc = crc32.Update(c.crc, crcTable, p[:n])
	c.err = err
	return n, err
}
