package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"sync"
)

// File is one JSON-lines file: records are appended with Add and read back
// with Each. It is safe for concurrent use within one process (its own
// lock orders Add and Each); it creates nothing until the first Add.
type File struct {
	path string
	perm fs.FileMode
	mu   sync.Mutex
}

// NewFile returns the JSON-lines file at path, created with perm by the
// first Add.
func NewFile(path string, perm fs.FileMode) *File {
	return &File{path: path, perm: perm}
}

// Path is the file's path.
func (f *File) Path() string { return f.path }

// Add encodes v as JSON and appends it as one line (see Append). A value
// that cannot be encoded is an error that starts "encode: ".
func (f *File) Add(v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return Append(f.path, line, f.perm)
}

// Each calls fn with each line of the file, in order, numbered from 1,
// without its newline (blank lines included: fn decides what they are).
// A missing file has no lines and is no error. A line longer than max
// bytes (0: no limit) ends the read with bufio.ErrTooLong; the error is for
// a file that cannot be read, after fn has seen the lines before it.
// line is only valid during the call.
func (f *File) Each(max int, fn func(n int, line []byte)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return Each(f.path, max, fn)
}

// Each is File.Each for a file that has no File (no lock is taken).
func Each(path string, max int, fn func(n int, line []byte)) error {
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer file.Close()
	if max <= 0 {
		max = math.MaxInt
	}
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 0, 64<<10), max)
	sc.Split(lines)
	n := 0
	for sc.Scan() {
		n++
		fn(n, sc.Bytes())
	}
	return sc.Err()
}

// lines is bufio.ScanLines without its dropping of a carriage return: the
// line is what stands between two newlines.
func lines(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF {
		return len(data), data, nil
	}
	return 0, nil, nil
}
