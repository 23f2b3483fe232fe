//go:build unix

package knowledge

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// entryStat stats a folder's entries relative to it (fstatat), without
// resolving the folder's path again for every entry.
type entryStat struct{ fd int }

func newEntryStat(f *os.File, _ string) entryStat { return entryStat{fd: int(f.Fd())} }

// lstat stats the entry name without following a symlink.
func (d entryStat) lstat(name string) (stat, error) {
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
