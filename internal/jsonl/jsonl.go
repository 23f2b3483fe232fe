// Package jsonl appends records to JSON-lines files (one JSON document a
// line) so that a line cut short, by a crash or a full disk, costs only
// itself: the next record starts a line of its own instead of joining it;
// File also reads the lines back, for the stores in DATA_DIR (votes, model
// usage, the audit log).
package jsonl

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Append writes line and a newline at the end of the file at path, creating
// its folder and the file (with perm) when needed. When the file does not
// end with a newline, one is written first. line must not contain a
// newline. Append does not lock: callers that append from several
// goroutines hold their own lock; each record is one write, so appends from
// other processes do not interleave within it on local file systems.
func Append(path string, line []byte, perm fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_RDWR, perm)
	if err != nil {
		return err
	}
	open, err := unterminated(f)
	if err != nil {
		f.Close()
		return fmt.Errorf("read %s: %w", path, err)
	}
	buf := make([]byte, 0, len(line)+2)
	if open {
		buf = append(buf, '\n')
	}
	buf = append(append(buf, line...), '\n')
	if _, err := f.Write(buf); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

// unterminated reports whether f is not empty and its last byte is not a
// newline.
func unterminated(f *os.File) (bool, error) {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return false, err
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], st.Size()-1); err != nil {
		return false, err
	}
	return last[0] != '\n', nil
}
