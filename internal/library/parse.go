package library

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

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
	limit := opts.MaxFileBytes
	if limit <= 0 {
		limit = knowledge.DefaultMaxFileBytes
	}
	data, mtime, err := readRegular(filepath.Join(root, filepath.FromSlash(rel)), limit)
	if errors.Is(err, errSymlink) {
		return knowledge.ParseFile(ctx, root, rel, opts)
	}
	if err != nil {
		return nil, err
	}
	doc, err := knowledge.Parse(ctx, rel, data, opts)
	if err != nil {
		return nil, err
	}
	doc.ModTime = mtime
	return doc, nil
}

// errSymlink: the last element of the path is a symlink (readRegular does
// not follow it).
var errSymlink = errors.New("symlink")

func tooLarge(limit, size int64) error {
	if size < 0 {
		return &knowledge.SkipError{Reason: fmt.Sprintf("larger than the %s limit", knowledge.HumanBytes(limit))}
	}
	return &knowledge.SkipError{Reason: fmt.Sprintf("larger than the %s limit (%s; raise MAX_FILE_BYTES to load it)", knowledge.HumanBytes(limit), knowledge.HumanBytes(size))}
}
