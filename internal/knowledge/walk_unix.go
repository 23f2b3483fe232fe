//go:build unix

package knowledge

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// dirHandle is an open folder whose entries are stat'ed relative to it
// (fstatat), without resolving the folder's path again for every entry.
type dirHandle struct {
	f  *os.File
	fd int
}

func openDir(path string) (*dirHandle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &dirHandle{f: f, fd: int(f.Fd())}, nil
}

func (d *dirHandle) names() ([]string, error) { return d.f.Readdirnames(-1) }

func (d *dirHandle) close() { d.f.Close() }

// lstat stats the entry name without following a symlink.
func (d *dirHandle) lstat(name string) (stat, error) {
	var st unix.Stat_t
	for {
		err := unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return stat{}, err
		}
		break
	}
	var mode fs.FileMode
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
	case unix.S_IFDIR:
		mode = fs.ModeDir
	case unix.S_IFLNK:
		mode = fs.ModeSymlink
	default:
		mode = fs.ModeIrregular
	}
	return stat{mode: mode, size: st.Size, mtime: st.Mtim.Nano()}, nil
}
