package search

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"

	"storybot/internal/knowledge"
)

// The index file: magic, format version, body, CRC-32C of the body.
//
// Version 2 lays the body out close to the index in memory, so that
// reading it is mostly copying arrays: the term dictionary as one string
// with the terms' lengths and their sorted order, passage term
// frequencies as uint16, the proximity sequences as their varint bytes.
// Files of version 1 are refused (ErrCorrupt) and rebuilt by the caller.
const (
	indexMagic   = "STORYBOT-INDEX\n\x00"
	indexVersion = 2
)

// ErrCorrupt is returned by ReadIndex for a file that is not a storybot
// index, is damaged, or was written by another format version.
var ErrCorrupt = errors.New("search: index file is corrupt or not a storybot index")

// ErrStale is returned by ReadIndex when the saved index was built over other
// documents than the ones given.
var ErrStale = errors.New("search: index file does not match the documents")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// bodyWriter passes the body on to w, counting its bytes and computing
// its checksum as it goes, so that the file is written without holding
// the body in memory.
type bodyWriter struct {
	w   io.Writer
	n   int64
	crc uint32
}

func (b *bodyWriter) Write(p []byte) (int, error) {
	n, err := b.w.Write(p)
	b.n += int64(n)
	b.crc = crc32.Update(b.crc, castagnoli, p[:n])
	return n, err
}

// encoder writes the body through a buffer; the buffer keeps the first
// write error, which WriteTo reports.
type encoder struct {
	w   *bufio.Writer
	tmp [binary.MaxVarintLen64]byte
}

func (e *encoder) uvarint(v uint64) {
	e.w.Write(binary.AppendUvarint(e.tmp[:0], v))
}
func (e *encoder) str(s string) { e.uvarint(uint64(len(s))); e.w.WriteString(s) }
func (e *encoder) f64(f float64) {
	binary.LittleEndian.PutUint64(e.tmp[:8], math.Float64bits(f))
	e.w.Write(e.tmp[:8])
}

// raw writes the count of vs and then each in little-endian order.
func raw[T uint16 | uint32 | float32](e *encoder, vs []T) {
	e.uvarint(uint64(len(vs)))
	var b [4096]byte
	for len(vs) > 0 {
		n := 0
		switch vs := any(vs).(type) {
		case []uint16:
			n = min(len(vs), len(b)/2)
			for i, v := range vs[:n] {
				binary.LittleEndian.PutUint16(b[2*i:], v)
			}
			e.w.Write(b[:2*n])
		case []uint32:
			n = min(len(vs), len(b)/4)
			for i, v := range vs[:n] {
				binary.LittleEndian.PutUint32(b[4*i:], v)
			}
			e.w.Write(b[:4*n])
		case []float32:
			n = min(len(vs), len(b)/4)
			for i, v := range vs[:n] {
				binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
			}
			e.w.Write(b[:4*n])
		}
		vs = vs[n:]
	}
}

func encodePostings[T uint16 | float32](e *encoder, p *postings[T]) {
	e.uvarint(uint64(len(p.off)))
	prev := uint32(0)
	for _, o := range p.off {
		e.uvarint(uint64(o - prev))
		prev = o
	}
	// ids are ascending within each term's run: delta-code them
	for t := 0; t+1 < len(p.off); t++ {
		last := uint32(0)
		for _, id := range p.ids[p.off[t]:p.off[t+1]] {
			e.uvarint(uint64(id - last))
			last = id
		}
	}
	raw(e, p.tf)
	raw(e, p.length)
	e.f64(float64(p.avg))
}

// WriteTo writes the index in storybot's versioned binary format. The
// documents' text is not included: ReadIndex takes the documents again.
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	head := header()
	n, err := w.Write(head[:])
	if err != nil {
		return int64(n), fmt.Errorf("write index: %w", err)
	}
	body := &bodyWriter{w: w}
	e := encoder{w: bufio.NewWriterSize(body, 1<<16)}
	o := ix.opts
	for _, f := range []float64{o.K1, o.B, o.TitleWeight, o.SectionWeight, o.DocWeight} {
		e.f64(f)
	}
	e.uvarint(uint64(len(ix.docs)))
	for _, d := range ix.docs {
		e.str(d.Path)
		e.str(d.Hash)
		e.uvarint(uint64(len(d.Passages)))
		for _, p := range d.Passages {
			e.str(p.ID)
		}
	}
	// the dictionary: the terms by ID in one string, their lengths, their
	// sorted order
	e.uvarint(uint64(ix.terms.len()))
	e.str(ix.terms.blob)
	for t := 1; t < len(ix.terms.off); t++ {
		e.uvarint(uint64(ix.terms.off[t] - ix.terms.off[t-1]))
	}
	raw(&e, ix.terms.sorted)
	encodePostings(&e, &ix.pass)
	encodePostings(&e, &ix.doc)
	// the passages' term sequences, for proximity: byte lengths, then bytes
	for p := range ix.passages {
		e.uvarint(uint64(ix.seqOff[p+1] - ix.seqOff[p]))
	}
	e.str(string(ix.seq))
	if ix.dense != nil {
		e.uvarint(uint64(ix.dense.dim))
		raw(&e, ix.dense.vecs)
	} else {
		e.uvarint(0)
	}
	if err := e.w.Flush(); err != nil {
		return int64(len(head)) + body.n, fmt.Errorf("write index: %w", err)
	}
	tail := trailer(uint64(body.n), body.crc)
	m, err := w.Write(tail[:])
	total := int64(len(head)) + body.n + int64(m)
	if err != nil {
		return total, fmt.Errorf("write index: %w", err)
	}
	return total, nil
}

// header returns the start of an index file: magic and version.
func header() (head [20]byte) {
	copy(head[:16], indexMagic)
	binary.LittleEndian.PutUint32(head[16:], indexVersion)
	return head
}

// trailer returns the end of an index file: the body's length and
// CRC-32C.
func trailer(n uint64, crc uint32) (tail [12]byte) {
	binary.LittleEndian.PutUint64(tail[:8], n)
	binary.LittleEndian.PutUint32(tail[8:], crc)
	return tail
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = ErrCorrupt
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length that must fit in the rest of the input, each element
// taking at least min bytes.
func (d *decoder) count(min int) int {
	v := d.uvarint()
	if v > uint64(len(d.b)/max(1, min)) {
		d.fail()
		return 0
	}
	return int(v)
}

// bytes returns the next n bytes of the input, not copied.
func (d *decoder) bytes(n int) []byte {
	if d.err != nil || n > len(d.b) {
		d.fail()
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}

func (d *decoder) str() string {
	n := d.count(1)
	if d.err != nil || n == 0 {
		return ""
	}
	// Copied, not shared with the body: a shared string would keep the whole
	// file's bytes alive for the life of the index.
	return string(d.bytes(n))
}

func (d *decoder) f64() float64 {
	b := d.bytes(8)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

// readRaw reads what raw wrote.
func readRaw[T uint16 | uint32 | float32](d *decoder) []T {
	size := 4
	if _, ok := any([]T(nil)).([]uint16); ok {
		size = 2
	}
	n := d.count(size)
	b := d.bytes(size * n)
	if d.err != nil {
		return nil
	}
	out := make([]T, n)
	switch out := any(out).(type) {
	case []uint16:
		for i := range out {
			out[i] = binary.LittleEndian.Uint16(b[2*i:])
		}
	case []uint32:
		for i := range out {
			out[i] = binary.LittleEndian.Uint32(b[4*i:])
		}
	case []float32:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
	}
	return out
}

func decodePostings[T uint16 | float32](d *decoder, p *postings[T], nterms, nids int) {
	n := d.count(1)
	if n != nterms+1 {
		d.fail()
		return
	}
	p.off = make([]uint32, n)
	prev := uint64(0)
	for i := range p.off {
		prev += d.uvarint()
		if prev > math.MaxUint32 || (i > 0 && uint32(prev) < p.off[i-1]) {
			d.fail()
			return
		}
		p.off[i] = uint32(prev)
	}
	if d.err != nil || p.off[0] != 0 {
		d.fail()
		return
	}
	total := int(p.off[n-1])
	if total > len(d.b) {
		d.fail()
		return
	}
	p.ids = make([]uint32, total)
	b := d.b
	i := 0
	for t := 0; t+1 < n; t++ {
		last := uint64(0)
		ids := p.ids[p.off[t]:p.off[t+1]]
		for j := range ids {
			// most gaps take one byte
			if i < len(b) && b[i] < 0x80 {
				last += uint64(b[i])
				i++
			} else {
				v, k := binary.Uvarint(b[i:])
				if k <= 0 || v > math.MaxUint32 {
					d.fail()
					return
				}
				last += v
				i += k
			}
			ids[j] = uint32(last)
		}
		// ascending: the last is the largest
		if last >= uint64(nids) {
			d.fail()
			return
		}
	}
	d.b = b[i:]
	p.tf = readRaw[T](d)
	p.length = readRaw[float32](d)
	p.avg = float32(d.f64())
	if len(p.tf) != total || len(p.length) != nids {
		d.fail()
	}
}

// decodeDict reads the dictionary of nt terms and checks it: non-empty
// terms, their order strictly increasing (so distinct, and sorted a
// permutation of the IDs).
func decodeDict(d *decoder, nt int) dict {
	t := dict{blob: d.str(), off: make([]uint32, 0, nt+1)}
	t.off = append(t.off, 0)
	for i := 0; i < nt && d.err == nil; i++ {
		n := d.uvarint()
		end := uint64(t.off[i]) + n
		if n == 0 || end > uint64(len(t.blob)) {
			d.fail()
			break
		}
		t.off = append(t.off, uint32(end))
	}
	t.sorted = readRaw[uint32](d)
	if d.err != nil || len(t.off) != nt+1 || int(t.off[nt]) != len(t.blob) || len(t.sorted) != nt {
		d.fail()
		return dict{}
	}
	for i, id := range t.sorted {
		if id >= uint32(nt) || (i > 0 && t.term(t.sorted[i-1]) >= t.term(id)) {
			d.fail()
			return dict{}
		}
	}
	return t
}

// decodeSeq reads the proximity sequences of np passages and checks that
// each holds whole varints of term IDs below nt.
func decodeSeq(d *decoder, ix *Index, np, nt int) {
	ix.seqOff = make([]uint32, np+1)
	for p := 0; p < np && d.err == nil; p++ {
		n := d.uvarint()
		if end := uint64(ix.seqOff[p]) + n; end <= math.MaxUint32 {
			ix.seqOff[p+1] = uint32(end)
		} else {
			d.fail()
		}
	}
	n := d.count(1)
	if d.err != nil || int(ix.seqOff[np]) != n {
		d.fail()
		return
	}
	ix.seq = bytes.Clone(d.bytes(n))
	for p := range np {
		b := ix.seq[ix.seqOff[p]:ix.seqOff[p+1]]
		if len(b) > 0 && b[len(b)-1] >= 0x80 {
			d.fail() // the last varint runs into the next passage
			return
		}
		var v uint64
		var shift uint
		for _, c := range b {
			v |= uint64(c&0x7f) << shift
			if c >= 0x80 {
				if shift += 7; shift > 28 {
					d.fail()
					return
				}
				continue
			}
			if v >= uint64(nt) {
				d.fail()
				return
			}
			v, shift = 0, 0
		}
	}
}

// ReadIndex reads an index written by WriteTo and attaches it to docs, which
// must be the documents it was built over (same paths, hashes and passages).
// opts supplies the Analyzer, Embedder and Log; the scoring parameters come
// from the file. It returns ErrCorrupt for a damaged, foreign or
// other-version file and ErrStale when docs differ; such an index is never
// served.
func ReadIndex(r io.Reader, docs []*knowledge.Document, opts Options) (*Index, error) {
	br := bufio.NewReader(r)
	var head [20]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if err := checkHeader(head[:]); err != nil {
		return nil, err
	}
	rest, err := readRest(br, r)
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	return decode(rest, docs, opts)
}

// DecodeIndex is ReadIndex for a file already in memory: it decodes data
// without copying it first, and keeps no reference to it.
func DecodeIndex(data []byte, docs []*knowledge.Document, opts Options) (*Index, error) {
	if len(data) < 20 {
		return nil, ErrCorrupt
	}
	if err := checkHeader(data[:20]); err != nil {
		return nil, err
	}
	return decode(data[20:], docs, opts)
}

func checkHeader(head []byte) error {
	if string(head[:16]) != indexMagic {
		return ErrCorrupt
	}
	if v := binary.LittleEndian.Uint32(head[16:]); v != indexVersion {
		return fmt.Errorf("%w: format version %d, want %d", ErrCorrupt, v, indexVersion)
	}
	return nil
}

// decode decodes what follows an index file's header: body and trailer.
func decode(rest []byte, docs []*knowledge.Document, opts Options) (*Index, error) {
	if len(rest) < 12 {
		return nil, ErrCorrupt
	}
	body, tail := rest[:len(rest)-12], rest[len(rest)-12:]
	if binary.LittleEndian.Uint64(tail[:8]) != uint64(len(body)) || binary.LittleEndian.Uint32(tail[8:]) != crc32.Checksum(body, castagnoli) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	d := &decoder{b: body}
	o := opts.withDefaults()
	o.K1, o.B, o.TitleWeight, o.SectionWeight, o.DocWeight = d.f64(), d.f64(), d.f64(), d.f64(), d.f64()
	for _, f := range []float64{o.K1, o.B, o.TitleWeight, o.SectionWeight, o.DocWeight} {
		if f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, ErrCorrupt
		}
	}
	ix := &Index{opts: o, docs: docs}
	nd := d.count(1)
	if d.err == nil && nd != len(docs) {
		return nil, fmt.Errorf("%w: %d documents saved, %d given", ErrStale, nd, len(docs))
	}
	np := 0
	for _, doc := range docs {
		np += len(doc.Passages)
	}
	ix.passages = make([]*knowledge.Passage, 0, np)
	ix.pdoc = make([]uint32, 0, np)
	for di := 0; di < nd && d.err == nil; di++ {
		path, hash := d.str(), d.str()
		np := d.count(1)
		doc := docs[di]
		if d.err == nil && (path != doc.Path || hash != doc.Hash || np != len(doc.Passages)) {
			return nil, fmt.Errorf("%w: %s changed", ErrStale, doc.Path)
		}
		for pi := 0; pi < np && d.err == nil; pi++ {
			n := d.count(1)
			if id := d.bytes(n); d.err == nil && string(id) != doc.Passages[pi].ID {
				return nil, fmt.Errorf("%w: %s changed", ErrStale, doc.Path)
			}
			ix.passages = append(ix.passages, &doc.Passages[pi])
			ix.pdoc = append(ix.pdoc, uint32(di))
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	nt := d.count(1)
	ix.terms = decodeDict(d, nt)
	decodePostings(d, &ix.pass, nt, len(ix.passages))
	decodePostings(d, &ix.doc, nt, len(ix.docs))
	decodeSeq(d, ix, len(ix.passages), nt)
	if dim := d.count(1); dim > 0 && d.err == nil {
		vecs := readRaw[float32](d)
		if d.err == nil && len(vecs) != dim*len(ix.passages) {
			return nil, ErrCorrupt
		}
		ix.dense = &denseIndex{dim: dim, vecs: vecs}
		if o.Embedder == nil {
			ix.dense = nil
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, ErrCorrupt
	}
	return ix, nil
}

// readRest reads what is left of br, sizing the buffer up front when the
// underlying reader can say how much remains (bytes.Reader, bytes.Buffer,
// strings.Reader, or a file), so a large index is read without the repeated
// growth and copying of io.ReadAll.
func readRest(br *bufio.Reader, r io.Reader) ([]byte, error) {
	hint := -1
	switch v := r.(type) {
	case interface{ Len() int }:
		hint = v.Len() + br.Buffered()
	case *os.File:
		if st, err := v.Stat(); err == nil {
			if off, err := v.Seek(0, io.SeekCurrent); err == nil {
				hint = int(st.Size()-off) + br.Buffered()
			}
		}
	}
	if hint < 0 {
		return io.ReadAll(br)
	}
	buf := make([]byte, hint)
	n, err := io.ReadFull(br, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	buf = buf[:n]
	more, err := io.ReadAll(br) // normally nothing: the hint was exact
	if err != nil {
		return nil, err
	}
	return append(buf, more...), nil
}
