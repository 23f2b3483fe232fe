package library

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"storybot/internal/knowledge"
)

// parseFile reads and parses one file found by knowledge.Walk. It is
// knowledge.ParseFile without resolving the folder's symlinks again for
// every file (Walk has checked where each path leads; that was a third of
// the time of a full build): a file whose last path element is a symlink
// still goes through knowledge.ParseFile and its checks.
func parseFile(ctx context.Context, root, rel string, opts knowledge.Options) (*knowledge.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(root, filepath.FromSlash(rel)), os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if errors.Is(err, syscall.ELOOP) {
		return knowledge.ParseFile(ctx, root, rel, opts)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &knowledge.SkipError{Reason: "not a regular file"}
	}
	limit := opts.MaxFileBytes
	if limit <= 0 {
		limit = knowledge.DefaultMaxFileBytes
	}
	if st.Size() > limit {
		return nil, &knowledge.SkipError{Reason: fmt.Sprintf("larger than the %s limit (%s; raise MAX_FILE_BYTES to load it)", knowledge.HumanBytes(limit), knowledge.HumanBytes(st.Size()))}
	}
	data := make([]byte, 0, st.Size()+1)
	data, err = readAllInto(data, io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &knowledge.SkipError{Reason: fmt.Sprintf("larger than the %s limit", knowledge.HumanBytes(limit))}
	}
	doc, err := knowledge.Parse(ctx, rel, data, opts)
	if err != nil {
		return nil, err
	}
	doc.ModTime = st.ModTime()
	return doc, nil
}

func readAllInto(b []byte, r io.Reader) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}
