package knowledge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"
)

// DefaultMaxFileBytes is the size limit used when Options.MaxFileBytes is 0.
const DefaultMaxFileBytes = 10 << 20

// Extractor turns the bytes of one file into plain text. One page is plain
// text; several pages mean a paged format such as PDF, and the passages of
// each page get Passage.Page set.
type Extractor func(ctx context.Context, data []byte) (pages []string, err error)

// Options tunes loading. The zero value loads .md, .markdown and .txt files
// up to DefaultMaxFileBytes into passages of DefaultPassageChars.
type Options struct {
	MaxFileBytes int64                // files larger than this are skipped; 0 means DefaultMaxFileBytes
	Extractors   map[string]Extractor // by lower-case extension with dot (".html"); .md .markdown .txt are built in
	PassageChars int                  // target passage size in characters; 0 means DefaultPassageChars
}

// Skipped is a file that was not loaded, and why.
type Skipped struct {
	Path   string // relative to the knowledge folder, slash-separated
	Reason string // e.g. "binary file", "not UTF-8 text", "symlink leads outside the knowledge folder"
}

// SkipError is the error ParseFile returns for a file that cannot become a
// document (binary, empty, too large, ...). Its Reason is safe to show.
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return e.Reason }

func skipf(format string, a ...any) error { return &SkipError{Reason: fmt.Sprintf(format, a...)} }

// builtin reports whether ext is read without an Extractor.
func builtin(ext string) bool { return ext == ".md" || ext == ".markdown" || ext == ".txt" }

// PlainText reports whether the file at path is read as it is, line for
// line (Markdown or plain text), not through an Extractor, so that its
// passages' lines are the file's.
func PlainText(path string) bool { return builtin(strings.ToLower(filepath.Ext(path))) }

func (o Options) maxBytes() int64 {
	if o.MaxFileBytes > 0 {
		return o.MaxFileBytes
	}
	return DefaultMaxFileBytes
}

// Supported reports whether a file with this name would be read: a built-in
// extension or one with an Extractor.
func (o Options) Supported(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	if builtin(ext) {
		return true
	}
	_, ok := o.Extractors[ext]
	return ok
}

// CheckRoot returns an error that names root and KNOWLEDGE_DIR and says how
// to fix it when root is missing, not a folder or unreadable; nil when it
// can be used as the knowledge folder.
func CheckRoot(root string) error {
	info, err := os.Stat(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("knowledge folder %q does not exist: create it or set KNOWLEDGE_DIR (or --knowledge) to the folder that holds your documents", root)
		}
		return fmt.Errorf("knowledge folder %q: %w (check KNOWLEDGE_DIR)", root, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("knowledge folder %q is not a folder: set KNOWLEDGE_DIR (or --knowledge) to a folder", root)
	}
	f, err := os.Open(root)
	if err == nil {
		_, err = f.Readdirnames(1)
		f.Close()
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("knowledge folder %q cannot be read: %w (check its permissions)", root, err)
	}
	return nil
}

// Load reads every supported file under root, recursively, and returns the
// documents sorted by path and the files it skipped, each with a reason.
// Hidden files and folders (".git") are ignored; files of unsupported types are
// reported as skipped; symlinks are followed while they stay inside root.
// The error is non-nil only when root itself cannot be used (missing, not a
// folder, unreadable) or ctx is done.
func Load(ctx context.Context, root string, opts Options) ([]*Document, []Skipped, error) {
	if err := CheckRoot(root); err != nil {
		return nil, nil, err
	}
	files, walkSkipped, err := Walk(ctx, root, opts, "")
	if err != nil {
		return nil, nil, err
	}

	docs := make([]*Document, len(files))
	errs := make([]error, len(files))
	var g errgroup.Group
	g.SetLimit(max(1, runtime.GOMAXPROCS(0)))
	for i := range files {
		g.Go(func() error {
			docs[i], errs[i] = ParseFile(ctx, root, files[i].Path, opts)
			return nil // a file that fails is skipped, with its reason
		})
	}
	g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	out := docs[:0]
	skipped := walkSkipped
	for i, d := range docs {
		if errs[i] != nil {
			skipped = append(skipped, Skipped{Path: files[i].Path, Reason: reason(errs[i])})
			continue
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	sort.Slice(skipped, func(i, j int) bool { return skipped[i].Path < skipped[j].Path })
	return out, skipped, nil
}

func reason(err error) string {
	var se *SkipError
	if errors.As(err, &se) {
		return se.Reason
	}
	if errors.Is(err, fs.ErrPermission) {
		return "unreadable: permission denied"
	}
	return "unreadable: " + err.Error()
}

func relOrDot(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}

func pathJoin(rel, name string) string {
	if rel == "" {
		return name
	}
	return rel + "/" + name
}

func inside(root, p string) bool {
	if p == root {
		return true
	}
	return strings.HasPrefix(p, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator))
}

// ParseFile reads one file, rel (slash-separated, relative to root), and
// parses it into a Document. It returns a *SkipError when the file cannot
// become a document (binary, not UTF-8, empty, too large, unsupported type,
// a symlink out of root) and other errors when it cannot be read. It never
// returns half a document.
func ParseFile(ctx context.Context, root, rel string, opts Options) (*Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := filepath.Join(root, filepath.FromSlash(rel))
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("knowledge folder %q: %w", root, err)
	}
	realRoot, _ = filepath.Abs(realRoot)
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if _, lerr := os.Lstat(p); lerr == nil {
				return nil, skipf("broken symlink")
			}
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
		return nil, skipf("broken symlink or symlink loop")
	}
	real, _ = filepath.Abs(real)
	if !inside(realRoot, real) {
		return nil, skipf("symlink leads outside the knowledge folder")
	}
	ext := strings.ToLower(filepath.Ext(rel))
	if !opts.Supported(rel) {
		return nil, skipf("unsupported file type %q", ext)
	}
	st, err := os.Stat(real)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, skipf("not a regular file")
	}
	if st.Size() > opts.maxBytes() {
		return nil, skipf("larger than the %s limit (%s; raise MAX_FILE_BYTES to load it)", HumanBytes(opts.maxBytes()), HumanBytes(st.Size()))
	}
	data, err := os.ReadFile(real)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > opts.maxBytes() {
		return nil, skipf("larger than the %s limit", HumanBytes(opts.maxBytes()))
	}
	doc, err := Parse(ctx, rel, data, opts)
	if err != nil {
		return nil, err
	}
	doc.ModTime = st.ModTime()
	return doc, nil
}

// Parse turns the bytes of a file named rel into a Document (Hash and Size
// set, ModTime zero). It returns a *SkipError for bytes that are not a
// usable document.
func Parse(ctx context.Context, rel string, data []byte, opts Options) (*Document, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, skipf("empty file")
	}
	ext := strings.ToLower(filepath.Ext(rel))
	var pages []string
	if builtin(ext) {
		head := data
		if len(head) > 8000 {
			head = head[:8000]
		}
		if bytes.IndexByte(head, 0) >= 0 {
			return nil, skipf("binary file")
		}
		if !utf8.Valid(data) {
			return nil, skipf("not UTF-8 text (save it as UTF-8)")
		}
		pages = textPages(gutenberg(string(data)))
	} else {
		x, ok := opts.Extractors[ext]
		if !ok {
			return nil, skipf("unsupported file type %q", ext)
		}
		var err error
		pages, err = x(ctx, data)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, skipf("cannot extract text: %v", err)
		}
		for i := range pages {
			pages[i] = strings.ToValidUTF8(strings.ReplaceAll(pages[i], "\x00", ""), "\uFFFD")
		}
		if len(pages) == 1 { // an older Gutenberg web page keeps its header and licence as text
			pages[0] = gutenberg(pages[0])
		}
	}
	if len(pages) > 1 {
		pages = tidyPages(pages)
	}
	doc, err := build(ctx, rel, ext, pages, opts.passageChars())
	if err != nil {
		return nil, err
	}
	if len(doc.Passages) == 0 {
		return nil, skipf("no text")
	}
	doc.Hash = hashHex(data)
	doc.Size = int64(len(data))
	return doc, nil
}

// textPages splits text into the pages a form feed separates, as pdftotext
// writes a PDF's text; text with fewer than two pages that hold text (a
// stray form feed at its end) is one page, a form feed a space (so lines
// keep their numbers).
func textPages(text string) []string {
	pages := strings.Split(text, "\f")
	withText := 0
	for _, p := range pages {
		if strings.TrimSpace(p) != "" {
			withText++
		}
	}
	if withText < 2 {
		return []string{strings.ReplaceAll(text, "\f", " ")}
	}
	return pages
}

// HumanBytes renders a size for messages: "10 MB", "1.5 MB", "512 KB", "300 bytes".
func HumanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
