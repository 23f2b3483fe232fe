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
const (
	indexMagic   = "STORYBOT-INDEX\n\x00"
	indexVersion = 1
)

// ErrCorrupt is returned by ReadIndex for a file that is not a storybot
// index, is damaged, or was written by another format version.
var ErrCorrupt = errors.New("search: index file is corrupt or not a storybot index")

// ErrStale is returned by ReadIndex when the saved index was built over other
// documents than the ones given.
var ErrStale = errors.New("search: index file does not match the documents")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

type encoder struct {
	buf bytes.Buffer
	tmp [binary.MaxVarintLen64]byte
}

func (e *encoder) uvarint(v uint64) {
	n := binary.PutUvarint(e.tmp[:], v)
	e.buf.Write(e.tmp[:n])
}
func (e *encoder) str(s string) { e.uvarint(uint64(len(s))); e.buf.WriteString(s) }
func (e *encoder) f64(f float64) {
	binary.LittleEndian.PutUint64(e.tmp[:8], math.Float64bits(f))
	e.buf.Write(e.tmp[:8])
}
func (e *encoder) f32s(fs []float32) {
	e.uvarint(uint64(len(fs)))
	b := make([]byte, 4*len(fs))
	for i, f := range fs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	e.buf.Write(b)
}
func (e *encoder) postings(p *postings) {
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
	e.f32s(p.tf)
	e.f32s(p.length)
	e.f64(float64(p.avg))
}

// WriteTo writes the index in storybot's versioned binary format. The
// documents' text is not included: ReadIndex takes the documents again.
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	var e encoder
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
	terms := make([]string, len(ix.terms))
	for t, id := range ix.terms {
		terms[id] = t
	}
	e.uvarint(uint64(len(terms)))
	for _, t := range terms {
		e.str(t)
	}
	e.postings(&ix.pass)
	e.postings(&ix.doc)
	// the passages' term sequences, for proximity
	e.uvarint(uint64(len(ix.seq)))
	for p := range ix.passages {
		seq := ix.seq[ix.seqOff[p]:ix.seqOff[p+1]]
		e.uvarint(uint64(len(seq)))
		for _, t := range seq {
			e.uvarint(uint64(t))
		}
	}
	if ix.dense != nil {
		e.uvarint(uint64(ix.dense.dim))
		e.f32s(ix.dense.vecs)
	} else {
		e.uvarint(0)
	}
	body := e.buf.Bytes()
	var head [20]byte
	copy(head[:16], indexMagic)
	binary.LittleEndian.PutUint32(head[16:], indexVersion)
	var tail [12]byte
	binary.LittleEndian.PutUint64(tail[:8], uint64(len(body)))
	binary.LittleEndian.PutUint32(tail[8:], crc32.Checksum(body, castagnoli))
	var n int64
	for _, b := range [][]byte{head[:], body, tail[:]} {
		m, err := w.Write(b)
		n += int64(m)
		if err != nil {
			return n, fmt.Errorf("write index: %w", err)
		}
	}
	return n, nil
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

func (d *decoder) str() string {
	n := d.count(1)
	if d.err != nil {
		return ""
	}
	if n == 0 {
		return ""
	}
	// Copied, not shared with the body: a shared string would keep the whole
	// file's bytes alive for the life of the index.
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) f64() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *decoder) f32s() []float32 {
	n := d.count(4)
	if d.err != nil {
		return nil
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(d.b[4*i:]))
	}
	d.b = d.b[4*n:]
	return out
}

func (d *decoder) postings(p *postings, nterms, nids int) {
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
	for t := 0; t+1 < n; t++ {
		last := uint64(0)
		for j := p.off[t]; j < p.off[t+1]; j++ {
			last += d.uvarint()
			if last >= uint64(nids) {
				d.fail()
				return
			}
			p.ids[j] = uint32(last)
		}
	}
	p.tf = d.f32s()
	p.length = d.f32s()
	p.avg = float32(d.f64())
	if len(p.tf) != total || len(p.length) != nids {
		d.fail()
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
	if string(head[:16]) != indexMagic {
		return nil, ErrCorrupt
	}
	if v := binary.LittleEndian.Uint32(head[16:]); v != indexVersion {
		return nil, fmt.Errorf("%w: format version %d, want %d", ErrCorrupt, v, indexVersion)
	}
	rest, err := readRest(br, r)
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
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
	for di := 0; di < nd && d.err == nil; di++ {
		path, hash := d.str(), d.str()
		np := d.count(1)
		doc := docs[di]
		if d.err == nil && (path != doc.Path || hash != doc.Hash || np != len(doc.Passages)) {
			return nil, fmt.Errorf("%w: %s changed", ErrStale, doc.Path)
		}
		for pi := 0; pi < np && d.err == nil; pi++ {
			if id := d.str(); d.err == nil && id != doc.Passages[pi].ID {
				return nil, fmt.Errorf("%w: %s changed", ErrStale, doc.Path)
			}
			ix.passages = append(ix.passages, &doc.Passages[pi])
			ix.pdoc = append(ix.pdoc, uint32(di))
		}
	}
	nt := d.count(1)
	ix.terms = make(map[string]uint32, nt)
	for t := 0; t < nt && d.err == nil; t++ {
		ix.terms[d.str()] = uint32(t)
	}
	if d.err == nil && len(ix.terms) != nt {
		return nil, ErrCorrupt
	}
	d.postings(&ix.pass, nt, len(ix.passages))
	d.postings(&ix.doc, nt, len(ix.docs))
	ix.seqOff = make([]uint32, 0, len(ix.passages)+1)
	ix.seq = make([]uint32, 0, d.count(1))
	for p := 0; p < len(ix.passages) && d.err == nil; p++ {
		ix.seqOff = append(ix.seqOff, uint32(len(ix.seq)))
		n := d.count(1)
		for j := 0; j < n && d.err == nil; j++ {
			t := d.uvarint()
			if t >= uint64(nt) {
				d.fail()
				break
			}
			ix.seq = append(ix.seq, uint32(t))
		}
	}
	ix.seqOff = append(ix.seqOff, uint32(len(ix.seq)))
	if dim := d.count(1); dim > 0 && d.err == nil {
		vecs := d.f32s()
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
	ix.finish()
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
