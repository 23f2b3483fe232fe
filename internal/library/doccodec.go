package library

import (
	"bytes"
	"encoding/binary"
	"errors"
	"time"
	"unsafe"

	"storybot/internal/knowledge"
)

// The documents of a saved snapshot are written in a compact binary form
// (gob is three times slower to read at 100,000 passages). Decoding turns
// the whole section into one string and slices every text out of it, so a
// restart makes one copy of the text. TestDocCodecCoversEveryField fails
// when knowledge.Document or knowledge.Passage gain a field that this codec
// does not save.

var errDocCodec = errors.New("saved documents are corrupt")

func putStr(b *bytes.Buffer, s string) {
	var tmp [binary.MaxVarintLen64]byte
	b.Write(tmp[:binary.PutUvarint(tmp[:], uint64(len(s)))])
	b.WriteString(s)
}

func putUint(b *bytes.Buffer, v uint64) {
	var tmp [binary.MaxVarintLen64]byte
	b.Write(tmp[:binary.PutUvarint(tmp[:], v)])
}

func putInt(b *bytes.Buffer, v int64) {
	var tmp [binary.MaxVarintLen64]byte
	b.Write(tmp[:binary.PutVarint(tmp[:], v)])
}

// encodeDocs appends docs to b.
func encodeDocs(b *bytes.Buffer, docs []*knowledge.Document) {
	putUint(b, uint64(len(docs)))
	for _, d := range docs {
		putStr(b, d.Path)
		putStr(b, d.Title)
		putStr(b, d.Date)
		putStr(b, d.Hash)
		putInt(b, d.Size)
		putInt(b, d.ModTime.UnixNano())
		putUint(b, uint64(len(d.Passages)))
		for i := range d.Passages {
			p := &d.Passages[i]
			// Doc and Title normally repeat the document's: flag bits say when not.
			var flags uint64
			if p.Doc != d.Path {
				flags |= 1
			}
			if p.Title != d.Title {
				flags |= 2
			}
			putUint(b, flags)
			if flags&1 != 0 {
				putStr(b, p.Doc)
			}
			if flags&2 != 0 {
				putStr(b, p.Title)
			}
			putStr(b, p.ID)
			putStr(b, p.Section)
			putInt(b, int64(p.Page))
			putInt(b, int64(p.ParaStart))
			putInt(b, int64(p.ParaEnd))
			putInt(b, int64(p.StartLine))
			putInt(b, int64(p.EndLine))
			putStr(b, p.Text)
		}
	}
}

type docReader struct {
	s   string
	off int
	err error
}

func (r *docReader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	var v uint64
	var shift uint
	for i := 0; i < binary.MaxVarintLen64; i++ {
		if r.off >= len(r.s) {
			break
		}
		c := r.s[r.off]
		r.off++
		if c < 0x80 {
			return v | uint64(c)<<shift
		}
		v |= uint64(c&0x7f) << shift
		shift += 7
	}
	r.err = errDocCodec
	return 0
}

func (r *docReader) int() int64 {
	u := r.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (r *docReader) str() string {
	n := r.uint()
	if r.err != nil || n > uint64(len(r.s)-r.off) {
		r.err = errDocCodec
		return ""
	}
	s := r.s[r.off : r.off+int(n)]
	r.off += int(n)
	return s
}

// count reads a length whose elements take at least one byte each.
func (r *docReader) count() int {
	n := r.uint()
	if r.err != nil || n > uint64(len(r.s)-r.off) {
		r.err = errDocCodec
		return 0
	}
	return int(n)
}

// decodeDocs reads what encodeDocs wrote; it never panics on bad input.
func decodeDocs(data []byte) ([]*knowledge.Document, error) {
	return decodeDocsString(string(data))
}

// decodeDocsOwned is decodeDocs without copying data: the documents' texts
// are slices of it, so the caller must never change or reuse data (a
// restart reads each segment's documents into a buffer of their own for
// this, and so holds one copy of the text).
func decodeDocsOwned(data []byte) ([]*knowledge.Document, error) {
	return decodeDocsString(unsafe.String(unsafe.SliceData(data), len(data)))
}

func decodeDocsString(s string) ([]*knowledge.Document, error) {
	r := &docReader{s: s}
	n := r.count()
	docs := make([]*knowledge.Document, 0, n)
	for range n {
		if r.err != nil {
			break
		}
		d := &knowledge.Document{Path: r.str(), Title: r.str(), Date: r.str(), Hash: r.str(), Size: r.int()}
		d.ModTime = time.Unix(0, r.int())
		np := r.count()
		d.Passages = make([]knowledge.Passage, np)
		for i := 0; i < np && r.err == nil; i++ {
			p := &d.Passages[i]
			flags := r.uint()
			p.Doc, p.Title = d.Path, d.Title
			if flags&1 != 0 {
				p.Doc = r.str()
			}
			if flags&2 != 0 {
				p.Title = r.str()
			}
			p.ID = r.str()
			p.Section = r.str()
			p.Page = int(r.int())
			p.ParaStart = int(r.int())
			p.ParaEnd = int(r.int())
			p.StartLine = int(r.int())
			p.EndLine = int(r.int())
			p.Text = r.str()
		}
		docs = append(docs, d)
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.off != len(r.s) {
		return nil, errDocCodec
	}
	return docs, nil
}
