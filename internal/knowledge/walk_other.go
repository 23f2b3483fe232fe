//go:build !unix

package knowledge

import (
	"os"
	"path/filepath"
)

// entryStat stats a folder's entries by path.
type entryStat struct{ path string }

func newEntryStat(_ *os.File, path string) entryStat { return entryStat{path: path} }

// lstat stats the entry name without following a symlink.
func (d entryStat) lstat(name string) (stat, error) {
	info, err := os.Lstat(filepath.Join(d.path, name))
	if err != nil {
		return stat{}, err
	}
	return stat{mode: info.Mode().Type(), size: info.Size(), mtime: info.ModTime().UnixNano()}, nil
}
