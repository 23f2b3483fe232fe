package extract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"golang.org/x/net/html/charset"
)

// Limits on what the readers of zip-based formats (EPUB, DOCX, ODT) read
// from an archive, against zip bombs and damaged files: the number of
// members read, the uncompressed size of one member, and the uncompressed
// size of all of them together. A file beyond them is reported as
// malformed.
const (
	zipMaxFiles      = 2000
	zipMaxFileBytes  = 20 << 20
	zipMaxTotalBytes = 100 << 20
)

// zipArchive is the members of a zip-based document by name, and how much
// of it has been read, for the limits.
type zipArchive struct {
	kind  string // the format, for messages: "EPUB", "DOCX", "ODT"
	files map[string]*zip.File
	nread int   // members read
	total int64 // uncompressed bytes read
}

// openZip opens data as the archive of a document of format kind. It
// returns an error wrapping ErrMalformed, saying that data is not what
// (such as "an EPUB"), when data is not a zip archive. When a name occurs
// twice, the first member is used.
func openZip(kind, what string, data []byte) (*zipArchive, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	// ErrInsecurePath (a member named "../x", when GODEBUG asks for the
	// check) is no risk here: members are looked up by name, never written.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%w: not %s (not a zip archive: %v)", ErrMalformed, what, err)
	}
	a := &zipArchive{kind: kind, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		if _, dup := a.files[f.Name]; !dup {
			a.files[f.Name] = f
		}
	}
	return a, nil
}

// fits returns an error wrapping ErrMalformed when reading the members
// names (missing ones are not counted), after what has been read, would go
// beyond the limits, by the sizes the archive declares (archive/zip reads
// no more than those). It lets a reader fail before inflating anything.
func (a *zipArchive) fits(names []string) error {
	if a.nread+len(names) > zipMaxFiles {
		return fmt.Errorf("%w: %s has more than %d files to read", ErrMalformed, a.kind, zipMaxFiles)
	}
	size := uint64(a.total)
	for _, name := range names {
		if f := a.files[name]; f != nil {
			size += f.UncompressedSize64
		}
	}
	if size > zipMaxTotalBytes {
		return fmt.Errorf("%w: %s inflates to more than %d MB", ErrMalformed, a.kind, zipMaxTotalBytes>>20)
	}
	return nil
}

// read returns the uncompressed bytes of the member name, an error wrapping
// ErrMalformed when it is missing, damaged or goes beyond the limits.
func (a *zipArchive) read(name string) ([]byte, error) {
	f := a.files[name]
	if f == nil {
		return nil, fmt.Errorf("%w: %s member %s is missing", ErrMalformed, a.kind, name)
	}
	if a.nread++; a.nread > zipMaxFiles {
		return nil, fmt.Errorf("%w: %s has more than %d files to read", ErrMalformed, a.kind, zipMaxFiles)
	}
	limit := min(zipMaxFileBytes, zipMaxTotalBytes-a.total)
	tooLarge := func() error {
		if limit < zipMaxFileBytes {
			return fmt.Errorf("%w: %s inflates to more than %d MB", ErrMalformed, a.kind, zipMaxTotalBytes>>20)
		}
		return fmt.Errorf("%w: %s member %s inflates to more than %d MB", ErrMalformed, a.kind, name, zipMaxFileBytes>>20)
	}
	// The size the archive declares is checked first (archive/zip reads no
	// more than that), and what is read is limited too.
	if f.UncompressedSize64 > uint64(limit) {
		return nil, tooLarge()
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s member %s: %v", ErrMalformed, a.kind, name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	a.total += int64(len(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %s member %s: %v", ErrMalformed, a.kind, name, err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge()
	}
	return data, nil
}

// decoder reads the XML member name and returns a decoder of it that is
// lenient as readers of these formats are (HTML entities, any declared
// charset, unquoted attributes), for token streams; an error wrapping
// ErrMalformed when the member cannot be read.
func (a *zipArchive) decoder(name string) (*xml.Decoder, error) {
	data, err := a.read(name)
	if err != nil {
		return nil, err
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charset.NewReaderLabel
	d.Strict = false
	d.Entity = xml.HTMLEntity
	return d, nil
}

// decode reads the XML member name into v (see decoder). It returns an
// error wrapping ErrMalformed when the member cannot be read or parsed.
func (a *zipArchive) decode(name string, v any) error {
	d, err := a.decoder(name)
	if err != nil {
		return err
	}
	if err := d.Decode(v); err != nil {
		return a.malformed(name, err)
	}
	return nil
}

// attrs is an element of an archive's XML read for its attributes alone (a
// relationship, a rootfile, a manifest item, a spine itemref): the field
// type that stands for such elements in what decode reads into.
type attrs struct {
	All []xml.Attr `xml:",any,attr"`
}

// get is the value of the element's attribute named local, in any
// namespace (the last one when there are several, as a field tagged
// "local,attr" would have it), "" when there is none.
func (a attrs) get(local string) string {
	v := ""
	for _, at := range a.All {
		if at.Name.Local == local {
			v = at.Value
		}
	}
	return v
}

// malformed is the error for the member name that could not be parsed.
func (a *zipArchive) malformed(name string, err error) error {
	return fmt.Errorf("%w: %s %s: %v", ErrMalformed, a.kind, name, err)
}
