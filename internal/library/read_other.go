//go:build !unix

package library

import (
	"io"
	"os"
	"time"

	"storybot/internal/knowledge"
)

// readRegular reads the regular file at path, at most limit bytes. A final
// symlink is not followed: errSymlink.
func readRegular(path string, limit int64) ([]byte, time.Time, error) {
	if st, err := os.Lstat(path); err == nil && st.Mode()&os.ModeSymlink != 0 {
		return nil, time.Time{}, errSymlink
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, err
	}
	if !st.Mode().IsRegular() {
		return nil, time.Time{}, &knowledge.SkipError{Reason: "not a regular file"}
	}
	if st.Size() > limit {
		return nil, time.Time{}, tooLarge(limit, st.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, time.Time{}, err
	}
	if int64(len(data)) > limit {
		return nil, time.Time{}, tooLarge(limit, -1)
	}
	return data, st.ModTime(), nil
}
