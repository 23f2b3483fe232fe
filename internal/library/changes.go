package library

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"storybot/internal/knowledge"
	"storybot/internal/state"
	"storybot/internal/usererr"
)

// UserError is a refusal whose message is safe to show the user who asked
// for the change (usererr.Message finds it). Other errors are internal.
type UserError = usererr.Error

// MaxNameBytes is the longest file name AddFile accepts.
const MaxNameBytes = 200

// uploadTypes are the extensions AddFile accepts.
var uploadTypes = map[string]string{".md": "text", ".markdown": "text", ".txt": "text", ".html": "html", ".htm": "html", ".pdf": "pdf", ".epub": "epub", ".docx": "docx", ".odt": "odt"}

// TrashItem is a document removed to the trash.
type TrashItem struct {
	Name    string    `json:"name"`    // the trash entry, for Restore
	Doc     string    `json:"doc"`     // the path it had in the knowledge folder
	Removed time.Time `json:"removed"` // when it was removed
	Size    int64     `json:"size"`
}

// auditEntry is one entry of the audit log (DATA_DIR/audit.log, or
// Options.Audit).
type auditEntry = state.AuditEntry

// AddFile stores an uploaded file in the knowledge folder under name and
// refreshes. The file must be of an accepted type by its content (.md,
// .markdown and .txt: UTF-8 text; .html and .htm: HTML; .pdf: a PDF with a
// text layer; .epub, .docx and .odt: a ZIP archive with readable text),
// within MaxUploadBytes, with a safe name (no path separators,
// no "..", no control characters, at most MaxNameBytes bytes); an existing
// document is replaced only when replace is true, and the old file then goes
// to the trash; a name taken by a folder is refused. who is recorded in the
// audit log. Refusals are *UserError.
func (l *Library) AddFile(ctx context.Context, name string, data []byte, replace bool, who string) (Report, error) {
	if err := l.needDataDir(); err != nil {
		return emptyReport(), err
	}
	if err := CheckName(name); err != nil {
		return emptyReport(), err
	}
	ext := lowerExt(name)
	kind, ok := uploadTypes[ext]
	if !ok {
		return emptyReport(), usererr.Errorf("%q: only .md, .markdown, .txt, .html, .htm, .pdf, .epub, .docx and .odt files can be added", name)
	}
	if int64(len(data)) > l.opts.MaxUploadBytes {
		return emptyReport(), usererr.Errorf("%q is %s; the limit is %s (MAX_UPLOAD_BYTES)", name, knowledge.HumanBytes(int64(len(data))), knowledge.HumanBytes(l.opts.MaxUploadBytes))
	}
	if lim := l.opts.Knowledge.MaxFileBytes; lim > 0 && int64(len(data)) > lim {
		return emptyReport(), usererr.Errorf("%q is %s; documents larger than %s are not indexed (MAX_FILE_BYTES)", name, knowledge.HumanBytes(int64(len(data))), knowledge.HumanBytes(lim))
	}
	if err := sniff(name, kind, data); err != nil {
		return emptyReport(), err
	}
	// Parse before storing: a file that would only be skipped is refused now.
	if _, err := knowledge.Parse(ctx, name, data, l.opts.Knowledge); err != nil {
		var se *knowledge.SkipError
		if errors.As(err, &se) {
			return emptyReport(), usererr.Errorf("%q cannot be used: %s", name, se.Reason)
		}
		return emptyReport(), fmt.Errorf("add %s: %w", name, err)
	}
	l.changeMu.Lock()
	defer l.changeMu.Unlock()
	dst := filepath.Join(l.opts.Root, name)
	action := "add"
	trashName := ""
	if st, err := os.Lstat(dst); err == nil {
		if st.IsDir() {
			// Replacing would move the whole folder, and the documents in
			// it, to the trash as one entry that cannot be restored.
			return emptyReport(), usererr.Errorf("%q is a folder in the knowledge folder, not a document; add the file under another name", name)
		}
		if !replace {
			return emptyReport(), usererr.Errorf("a document named %q already exists; add it again with replace:true to overwrite it (the old one goes to the trash)", name)
		}
		action = "replace"
		var err error
		if trashName, err = l.toTrash(name); err != nil {
			return emptyReport(), trashError(name, "replaced", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return emptyReport(), fmt.Errorf("add %s: %w", name, err)
	}
	if err := writeFileAtomic(dst, data); err != nil {
		return emptyReport(), fmt.Errorf("add %s: %w", name, err)
	}
	os.Chmod(dst, 0o644)
	l.audit(ctx, auditEntry{Who: who, Action: action, Doc: name, Bytes: int64(len(data)), SHA256: sha256Hex(data), Trash: trashName})
	return l.Refresh(ctx)
}

// Remove moves the document doc (its path relative to the knowledge folder,
// as in Document.Path) to the trash in DATA_DIR/trash/ and refreshes.
// Nothing is deleted. Refusals (unknown document, unsafe path) are *UserError.
func (l *Library) Remove(ctx context.Context, doc, who string) (Report, error) {
	if err := l.needDataDir(); err != nil {
		return emptyReport(), err
	}
	rel, err := cleanRel(doc)
	if err != nil {
		return emptyReport(), err
	}
	l.changeMu.Lock()
	defer l.changeMu.Unlock()
	st, err := os.Lstat(filepath.Join(l.opts.Root, filepath.FromSlash(rel)))
	if err != nil || st.IsDir() {
		return emptyReport(), usererr.Errorf("there is no document %q (see /knowledge list)", doc)
	}
	trashName, err := l.toTrash(rel)
	if err != nil {
		return emptyReport(), trashError(rel, "removed", err)
	}
	l.audit(ctx, auditEntry{Who: who, Action: "remove", Doc: rel, Bytes: st.Size(), Trash: trashName})
	return l.Refresh(ctx)
}

// Restore moves the trash entry name (TrashItem.Name) back to where it was
// and refreshes. It refuses (with a *UserError) to overwrite a document that
// exists again under that path.
func (l *Library) Restore(ctx context.Context, name, who string) (Report, error) {
	if err := l.needDataDir(); err != nil {
		return emptyReport(), err
	}
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return emptyReport(), usererr.Errorf("%q is not an entry of the trash (see the trash list)", name)
	}
	l.changeMu.Lock()
	defer l.changeMu.Unlock()
	src := filepath.Join(l.trashDir(), name)
	st, err := os.Lstat(src)
	if err != nil || !st.Mode().IsRegular() {
		return emptyReport(), usererr.Errorf("%q is not in the trash (see the trash list)", name)
	}
	item, ok := l.trashItem(name)
	if !ok {
		return emptyReport(), usererr.Errorf("%q is not in the trash (see the trash list)", name)
	}
	rel, err := cleanRel(item.Doc)
	if err != nil {
		return emptyReport(), err
	}
	dst := filepath.Join(l.opts.Root, filepath.FromSlash(rel))
	if _, err := os.Lstat(dst); err == nil {
		return emptyReport(), usererr.Errorf("a document %q exists again; remove it first or add the file under another name", rel)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return emptyReport(), fmt.Errorf("restore %s: %w", rel, err)
	}
	if err := moveFile(src, dst); err != nil {
		return emptyReport(), fmt.Errorf("restore %s: %w", rel, err)
	}
	if err := os.Remove(filepath.Join(l.trashDir(), trashPathsDir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		l.log.Warn("could not remove a restored entry's path record", "entry", name, "err", err)
	}
	l.audit(ctx, auditEntry{Who: who, Action: "restore", Doc: rel, Trash: name})
	return l.Refresh(ctx)
}

// Trash lists the removed documents, newest first. It returns ctx's error
// when ctx has ended.
func (l *Library) Trash(ctx context.Context) ([]TrashItem, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := l.needDataDir(); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(l.trashDir())
	if errors.Is(err, fs.ErrNotExist) {
		return []TrashItem{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list trash: %w", err)
	}
	items := []TrashItem{}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		it, ok := l.trashItem(e.Name())
		if !ok {
			continue
		}
		if info, err := e.Info(); err == nil {
			it.Size = info.Size()
		}
		items = append(items, it)
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Removed.After(items[j].Removed) })
	return items, nil
}

func (l *Library) trashDir() string { return filepath.Join(l.opts.DataDir, "trash") }

func (l *Library) needDataDir() error {
	if l.opts.DataDir == "" {
		return errors.New("library: no data folder configured (DATA_DIR): changes need a trash and an audit log")
	}
	return nil
}

// trashError is the error of a change whose document could not be moved to
// the trash: a *UserError that says what to do (the moderator who asked is
// usually the one who can free space or fix DATA_DIR), joined with the
// cause for the log. The document is where it was.
func trashError(doc, verb string, err error) error {
	ue := usererr.Errorf("%q was not %s: the old copy could not be moved to the trash in DATA_DIR (%s); nothing was changed", doc, verb, storageHint(err))
	return fmt.Errorf("%w: %w", ue, err)
}

// storageHint says what to do about an error writing in DATA_DIR.
func storageHint(err error) string {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return "the disk that holds DATA_DIR is full: free some space"
	case errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS):
		return "DATA_DIR is not writable: fix its permissions, or set DATA_DIR to a writable folder"
	}
	return "check that DATA_DIR is a writable folder with free space"
}

const trashTimeLayout = "20060102T150405.000000000Z"

// maxTrashName is the longest trash entry name: Discord's limit for an
// autocomplete value (the entry /knowledge restore sends back), and well
// under the 255 bytes a file name may have.
const maxTrashName = 100

// trashReadable is how many bytes of the document's name a hashed trash
// entry keeps, so the folder stays readable.
const trashReadable = maxTrashName - len(trashTimeLayout) - 2 - 8

// trashPathsDir is the folder inside the trash that records, for each
// hashed entry, the document path it had (a JSON file of the same name).
const trashPathsDir = ".paths"

// trashPath is the content of a file in trash/.paths.
type trashPath struct {
	Doc string `json:"doc"`
}

// trashEntryName returns the trash entry name for rel removed at t. While it
// fits in maxTrashName bytes it is "<UTC time>-<url.PathEscape(rel)>", which
// holds the whole path. Longer paths (deep folders, non-ASCII names, whose
// escaped form can exceed the file system's 255 bytes) get
// "<UTC time>_<8 hex digits of SHA-256(rel)>_<the start of the file name>",
// and hashed reports that the path must be recorded in trash/.paths.
func trashEntryName(rel string, t time.Time) (name string, hashed bool) {
	ts := t.UTC().Format(trashTimeLayout)
	if name := ts + "-" + url.PathEscape(rel); len(name) <= maxTrashName {
		return name, false
	}
	var sb strings.Builder
	for _, r := range path.Base(rel) {
		if r == '%' || r == '\\' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			r = '_'
		}
		if sb.Len()+utf8.RuneLen(r) > trashReadable {
			break
		}
		sb.WriteRune(r)
	}
	return ts + "_" + sha256Hex([]byte(rel))[:8] + "_" + sb.String(), true
}

// toTrash moves the file rel to the trash under trashEntryName and returns that
// name. A hashed name gets its path recorded first, so an entry is never
// without its path.
func (l *Library) toTrash(rel string) (string, error) {
	if err := os.MkdirAll(l.trashDir(), 0o755); err != nil {
		return "", err
	}
	name, hashed := trashEntryName(rel, l.opts.now())
	var record string
	if hashed {
		record = filepath.Join(l.trashDir(), trashPathsDir, name)
		if err := os.MkdirAll(filepath.Dir(record), 0o755); err != nil {
			return "", err
		}
		b, _ := json.Marshal(trashPath{Doc: rel})
		if err := writeFileAtomic(record, b); err != nil {
			return "", err
		}
	}
	if err := moveFile(filepath.Join(l.opts.Root, filepath.FromSlash(rel)), filepath.Join(l.trashDir(), name)); err != nil {
		if record != "" {
			os.Remove(record)
		}
		return "", err
	}
	return name, nil
}

// trashItem reads the trash entry name: its time, and the path it had
// (from the name itself, or for a hashed name from trash/.paths). ok is
// false for anything else, including a hashed entry whose record is missing
// or damaged (the file stays in the trash folder and a warning is logged).
func (l *Library) trashItem(name string) (TrashItem, bool) {
	if len(name) <= len(trashTimeLayout) {
		return TrashItem{}, false
	}
	t, err := time.Parse(trashTimeLayout, name[:len(trashTimeLayout)])
	if err != nil {
		return TrashItem{}, false
	}
	var doc string
	switch rest := name[len(trashTimeLayout):]; rest[0] {
	case '-':
		if doc, err = url.PathUnescape(rest[1:]); err != nil {
			return TrashItem{}, false
		}
	case '_':
		record := filepath.Join(l.trashDir(), trashPathsDir, name)
		b, err := os.ReadFile(record)
		var tp trashPath
		if err == nil {
			err = json.Unmarshal(b, &tp)
		}
		if err != nil {
			l.log.Warn("a trash entry has no readable record of its path; it is not listed", "entry", name, "record", record, "err", err)
			return TrashItem{}, false
		}
		doc = tp.Doc
	default:
		return TrashItem{}, false
	}
	if doc == "" {
		return TrashItem{}, false
	}
	return TrashItem{Name: name, Doc: doc, Removed: t}, true
}

// moveFile renames src to dst, copying across file systems.
func moveFile(src, dst string) error {
	err := os.Rename(src, dst)
	if err == nil || !errors.Is(err, syscall.EXDEV) {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	data, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(dst, data); err != nil {
		return err
	}
	return os.Remove(src)
}

// audit records e in the audit log (Options.Audit, or DATA_DIR/audit.log:
// after a line cut short, on a line of its own); failures are logged.
func (l *Library) audit(ctx context.Context, e auditEntry) {
	l.auditMu.Lock()
	defer l.auditMu.Unlock()
	e.Time = l.opts.now().UTC()
	log := l.opts.Audit
	if log == nil {
		log = state.OpenAuditFile(l.opts.DataDir)
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := log.Add(actx, e); err != nil {
		l.log.Error("could not write the audit log", "err", err, "who", e.Who, "action", e.Action, "doc", e.Doc)
	}
}

// CheckName returns a *UserError when name is not a safe file name for the
// knowledge folder: empty, with a path separator or "..", a control or
// invisible format character, a leading dot or dash, or longer than
// MaxNameBytes bytes.
func CheckName(name string) error {
	switch {
	case name == "":
		return usererr.Errorf("the file has no name")
	case !utf8.ValidString(name):
		return usererr.Errorf("the file name is not valid UTF-8; rename the file")
	case len(name) > MaxNameBytes:
		return usererr.Errorf("the file name is %d bytes long; the limit is %d: rename the file", len(name), MaxNameBytes)
	case strings.ContainsAny(name, `/\`):
		return usererr.Errorf("the file name %q contains a path separator; use a plain file name", name)
	case strings.Contains(name, ".."):
		return usererr.Errorf("the file name %q contains \"..\"; use a plain file name", name)
	case strings.HasPrefix(name, ".") || strings.HasPrefix(name, "-"):
		return usererr.Errorf("the file name %q starts with %q; start it with a letter or digit", name, name[:1])
	case strings.TrimSpace(name) != name:
		return usererr.Errorf("the file name %q starts or ends with a space", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return usererr.Errorf("the file name %q contains a control character; rename the file", name)
		}
	}
	return nil
}

// cleanRel checks a document path given by a user: relative, slash-separated,
// inside the folder.
func cleanRel(doc string) (string, error) {
	if doc == "" || strings.ContainsRune(doc, '\\') || strings.HasPrefix(doc, "/") || !utf8.ValidString(doc) {
		return "", usererr.Errorf("%q is not a document path (see /knowledge list)", doc)
	}
	c := path.Clean(doc)
	if c != doc || c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", usererr.Errorf("%q is not a document path (see /knowledge list)", doc)
	}
	for _, r := range doc {
		if unicode.IsControl(r) {
			return "", usererr.Errorf("%q is not a document path (see /knowledge list)", doc)
		}
	}
	return c, nil
}

// sniff checks that data is what its extension says, by content.
func sniff(name, kind string, data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return usererr.Errorf("%q is empty", name)
	}
	if what := binaryKind(data); what != "" && !binaryAllowed(kind, what) {
		return usererr.Errorf("%q is %s, not a %s file; only text, HTML, PDF, EPUB, Word (.docx) and OpenDocument (.odt) documents can be added", name, what, lowerExt(name))
	}
	zipped := bytes.HasPrefix(data, []byte("PK\x03\x04"))
	switch kind {
	case "epub": // an e-book is a ZIP archive; Parse reads the rest
		if !zipped {
			return usererr.Errorf("%q is not an EPUB (an e-book is a ZIP archive)", name)
		}
	case "docx": // a ZIP archive; or, saved with a password, an OLE file that Parse explains
		if !zipped && binaryKind(data) != oleDocument {
			return usererr.Errorf("%q is not a Word document (a .docx file is a ZIP archive)", name)
		}
	case "odt":
		if !zipped {
			return usererr.Errorf("%q is not an OpenDocument text (an .odt file is a ZIP archive)", name)
		}
	case "pdf":
		if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
			return usererr.Errorf("%q is not a PDF (it does not start with %%PDF-)", name)
		}
	case "html", "text":
		head := data[:min(len(data), 8000)]
		if bytes.IndexByte(head, 0) >= 0 {
			return usererr.Errorf("%q is a binary file, not %s text", name, lowerExt(name))
		}
		if kind == "text" && !utf8.Valid(data) {
			return usererr.Errorf("%q is not UTF-8 text; save it as UTF-8 and add it again", name)
		}
		if kind == "html" && !bytes.Contains(head, []byte("<")) {
			return usererr.Errorf("%q does not look like HTML (no tags)", name)
		}
	}
	return nil
}

// oleDocument is what binaryKind calls an OLE compound file: an Office
// 97-2003 document, or a .docx saved with a password.
const oleDocument = "an Office document (OLE)"

// binaryAllowed reports whether a file of the upload kind may be of the
// binary format what (binaryKind): a PDF for .pdf; a ZIP archive for the
// formats that are one (.epub, .docx, .odt); an OLE file for .docx, which
// is what Word writes when it saves with a password (Parse then says to
// save it without one).
func binaryAllowed(kind, what string) bool {
	switch what {
	case "PDF":
		return kind == "pdf"
	case "a ZIP archive":
		return kind == "epub" || kind == "docx" || kind == "odt"
	case oleDocument:
		return kind == "docx"
	}
	return false
}

// binaryKind names the format of data when it is an executable, an
// archive, an image or a PDF, by its magic number; "" otherwise.
func binaryKind(data []byte) string {
	sigs := []struct {
		prefix, what string
	}{
		{"\x7fELF", "an executable (ELF)"},
		{"MZ", "an executable (Windows)"},
		{"\xfe\xed\xfa\xce", "an executable (Mach-O)"},
		{"\xfe\xed\xfa\xcf", "an executable (Mach-O)"},
		{"\xce\xfa\xed\xfe", "an executable (Mach-O)"},
		{"\xcf\xfa\xed\xfe", "an executable (Mach-O)"},
		{"\xca\xfe\xba\xbe", "an executable (Mach-O universal or Java class)"},
		{"#!", "a script"},
		{"PK\x03\x04", "a ZIP archive"},
		{"PK\x05\x06", "a ZIP archive"},
		{"\x1f\x8b", "a gzip archive"},
		{"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
		{"Rar!\x1a\x07", "a RAR archive"},
		{"BZh", "a bzip2 archive"},
		{"\xfd7zXZ\x00", "an xz archive"},
		{"\x28\xb5\x2f\xfd", "a zstd archive"},
		{"\x89PNG\r\n\x1a\n", "an image (PNG)"},
		{"\xff\xd8\xff", "an image (JPEG)"},
		{"GIF87a", "an image (GIF)"},
		{"GIF89a", "an image (GIF)"},
		{"II*\x00", "an image (TIFF)"},
		{"MM\x00*", "an image (TIFF)"},
		{"\x00\x00\x01\x00", "an image (icon)"},
		{"%PDF-", "PDF"},
		{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", oleDocument},
	}
	for _, s := range sigs {
		if s.what != "" && bytes.HasPrefix(data, []byte(s.prefix)) {
			if s.prefix == "MZ" && !isPE(data) {
				continue
			}
			if s.prefix == "#!" && !bytes.HasPrefix(data, []byte("#!/")) {
				continue
			}
			return s.what
		}
	}
	if len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP" {
		return "an image (WebP)"
	}
	if len(data) >= 12 && string(data[4:8]) == "ftyp" {
		return "an image or video (ISO media)"
	}
	if len(data) > 262 && string(data[257:262]) == "ustar" {
		return "a tar archive"
	}
	return ""
}

// isPE reports whether data starting with "MZ" is a DOS/Windows executable:
// the PE header it points to, or the DOS stub's message.
func isPE(data []byte) bool {
	if len(data) >= 64 {
		off := int(binary.LittleEndian.Uint32(data[0x3c:]))
		if off > 0 && off+4 <= len(data) && string(data[off:off+4]) == "PE\x00\x00" {
			return true
		}
	}
	return bytes.Contains(data[:min(len(data), 512)], []byte("This program cannot be run in DOS mode"))
}
