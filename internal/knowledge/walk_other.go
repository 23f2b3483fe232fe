//go:build !unix

package knowledge

import (
	"os"
	"path/filepath"
)

// dirHandle is an open folder whose entries are stat'ed by path.
type dirHandle struct {
	f    *os.File
	path string
}

func openDir(path string) (*dirHandle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &dirHandle{f: f, path: path}, nil
}

func (d *dirHandle) names() ([]string, error) { return d.f.Readdirnames(-1) }

func (d *dirHandle) close() { d.f.Close() }

// lstat stats the entry name without following a symlink.
func (d *dirHandle) lstat(name string) (stat, error) {
	info, err := os.Lstat(filepath.Join(d.path, name))
	if err != nil {
		return stat{}, err
	}
	return stat{mode: info.Mode().Type(), size: info.Size(), mtime: info.ModTime().UnixNano()}, nil
}
