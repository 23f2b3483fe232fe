//go:build unix

package library

import (
	"io/fs"
	"time"

	"golang.org/x/sys/unix"

	"storybot/internal/knowledge"
)

// readRegular reads the regular file at path, at most limit bytes, with
// plain system calls: open (not following a final symlink: errSymlink; not
// blocking on a FIFO), fstat, read, close. os.Open also registers the file
// with the poller, which costs more system calls than the read itself for
// the small files of a knowledge folder. Errors other than a *SkipError are
// *fs.PathError, so errors.Is(err, fs.ErrNotExist) and fs.ErrPermission
// work as with os.
func readRegular(path string, limit int64) ([]byte, time.Time, error) {
	var fd int
	var err error
	for {
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			break
		}
	}
	if err == unix.ELOOP {
		return nil, time.Time{}, errSymlink
	}
	if err != nil {
		return nil, time.Time{}, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, time.Time{}, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, time.Time{}, &knowledge.SkipError{Reason: "not a regular file"}
	}
	if st.Size > limit {
		return nil, time.Time{}, tooLarge(limit, st.Size)
	}
	// One byte more than the size, so that a read that fills it shows the
	// file grew; reads stop at end of file or past the limit.
	data := make([]byte, 0, st.Size+1)
	for int64(len(data)) <= limit {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := unix.Read(fd, data[len(data):cap(data)])
		if err == unix.EINTR || err == unix.EAGAIN {
			continue
		}
		if err != nil {
			return nil, time.Time{}, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			break
		}
		data = data[:len(data)+n]
		if len(data) < cap(data) && int64(len(data)) == st.Size {
			break // all of it, as fstat said: no second read for the end
		}
	}
	if int64(len(data)) > limit {
		return nil, time.Time{}, tooLarge(limit, -1)
	}
	return data, time.Unix(st.Mtim.Unix()), nil
}
