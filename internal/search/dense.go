package search

import (
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"

	"storybot/internal/knowledge"
	"storybot/internal/textan"
)

// Embedder returns one embedding vector per text, in order. It is how dense
// retrieval reaches a model (see internal/llm.NewEmbedder); tests pass a fake.
type Embedder func(ctx context.Context, texts []string) ([][]float32, error)

// rrfK is the constant of reciprocal rank fusion: score = Σ 1/(rrfK + rank).
const rrfK = 60

// denseIndex holds one unit-length vector per passage, row by row.
type denseIndex struct {
	dim  int
	vecs []float32
}

// EmbedCache keeps embeddings on disk, keyed by model and passage text hash,
// so that a restart or a refresh only embeds new passages. It is safe for
// concurrent use.
type EmbedCache struct {
	dir string
	mu  sync.Mutex
}

// NewEmbedCache returns a cache that stores its files in dir (created when
// needed).
func NewEmbedCache(dir string) *EmbedCache { return &EmbedCache{dir: dir} }

func (c *EmbedCache) file(model string) string {
	h := sha256.Sum256([]byte(model))
	return filepath.Join(c.dir, "embeddings-"+hex.EncodeToString(h[:8])+".gob")
}

type cacheFile struct {
	Model string
	Vecs  map[string][]float32
}

// load returns the stored vectors of model (empty when there are none).
func (c *EmbedCache) load(model string) (map[string][]float32, error) {
	f, err := os.Open(c.file(model))
	if errors.Is(err, os.ErrNotExist) {
		return map[string][]float32{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("embedding cache: %w", err)
	}
	defer f.Close()
	var cf cacheFile
	if err := gob.NewDecoder(f).Decode(&cf); err != nil || cf.Model != model || cf.Vecs == nil {
		// a corrupt or foreign cache is rebuilt, never served
		return map[string][]float32{}, nil
	}
	return cf.Vecs, nil
}

// Get returns the cached vectors of model for the given keys; missing keys
// are absent from the map.
func (c *EmbedCache) Get(model string, keys []string) (map[string][]float32, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	all, err := c.load(model)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]float32, len(keys))
	for _, k := range keys {
		if v, ok := all[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

// Put stores vectors of model under their keys, atomically replacing the
// cache file.
func (c *EmbedCache) Put(model string, vecs map[string][]float32) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	all, err := c.load(model)
	if err != nil {
		return err
	}
	for k, v := range vecs {
		all[k] = v
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("embedding cache: %w", err)
	}
	tmp, err := os.CreateTemp(c.dir, ".embeddings-*")
	if err != nil {
		return fmt.Errorf("embedding cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := gob.NewEncoder(tmp).Encode(cacheFile{Model: model, Vecs: all}); err != nil {
		tmp.Close()
		return fmt.Errorf("embedding cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("embedding cache: %w", err)
	}
	return os.Rename(tmp.Name(), c.file(model))
}

// TextKey is the cache key of a passage text: hex SHA-256 of the text.
func TextKey(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:16])
}

func normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
}

// buildDense embeds every passage (cached ones are reused) in batches.
func buildDense(ctx context.Context, passages []*knowledge.Passage, opts Options) (*denseIndex, error) {
	keys := make([]string, len(passages))
	for i, p := range passages {
		keys[i] = TextKey(p.Text)
	}
	have := map[string][]float32{}
	if opts.EmbedCache != nil {
		var err error
		if have, err = opts.EmbedCache.Get(opts.EmbedModel, keys); err != nil {
			opts.Log.Warn("embedding cache unreadable; embedding again", "err", err)
			have = map[string][]float32{}
		}
	}
	var todo []int
	queued := map[string]bool{}
	for i, k := range keys {
		if _, ok := have[k]; !ok && !queued[k] {
			queued[k] = true
			todo = append(todo, i)
		}
	}
	fresh := map[string][]float32{}
	for lo := 0; lo < len(todo); lo += opts.EmbedBatch {
		batch := todo[lo:min(len(todo), lo+opts.EmbedBatch)]
		texts := make([]string, len(batch))
		for j, i := range batch {
			texts[j] = passages[i].Text
		}
		vecs, err := opts.Embedder(ctx, texts)
		if err != nil {
			return nil, fmt.Errorf("embed passages: %w", err)
		}
		if len(vecs) != len(texts) {
			return nil, fmt.Errorf("embed passages: got %d vectors for %d texts", len(vecs), len(texts))
		}
		for j, i := range batch {
			fresh[keys[i]] = vecs[j]
			have[keys[i]] = vecs[j]
		}
	}
	opts.Log.Debug("embedded passages", "new", len(todo), "cached", len(passages)-len(todo))
	if opts.EmbedCache != nil && len(fresh) > 0 {
		if err := opts.EmbedCache.Put(opts.EmbedModel, fresh); err != nil {
			opts.Log.Warn("embedding cache not saved", "err", err)
		}
	}
	d := &denseIndex{}
	for i, k := range keys {
		v := have[k]
		if i == 0 {
			d.dim = len(v)
			d.vecs = make([]float32, 0, d.dim*len(keys))
		}
		if len(v) != d.dim || d.dim == 0 {
			return nil, fmt.Errorf("embed passages: vectors of different sizes (%d and %d)", d.dim, len(v))
		}
		row := append([]float32(nil), v...)
		normalize(row)
		d.vecs = append(d.vecs, row...)
	}
	return d, nil
}

// ErrKeywordsOnly is wrapped by the error of a search whose query could not
// be embedded (after the Embedder's retries): the search still returns the
// keyword ranking, and callers say that it is by keywords alone.
var ErrKeywordsOnly = errors.New("the query embedding failed, so the passages are ranked by keywords alone")

// fuse ranks by reciprocal rank fusion of the lexical ranking and the
// passages nearest to the query's embedding. When the query cannot be
// embedded it logs a warning and returns keyword, the lexical top k, with
// an error wrapping ErrKeywordsOnly (ctx's error when ctx ended).
func (ix *Index) fuse(ctx context.Context, query string, qs []qterm, keyword []Hit, k int) ([]Hit, error) {
	depth := max(k, 50)
	vs, err := ix.opts.Embedder(ctx, []string{query})
	if err == nil && (len(vs) != 1 || len(vs[0]) != ix.dense.dim) {
		err = fmt.Errorf("got %d vectors, want one of size %d", len(vs), ix.dense.dim)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		ix.opts.Log.Warn("the query embedding failed; ranking by keywords alone", "err", err)
		return keyword, fmt.Errorf("%w: embed query: %w", ErrKeywordsOnly, err)
	}
	lex := ix.lexical(qs, depth)
	q := append([]float32(nil), vs[0]...)
	normalize(q)
	h := topK{k: depth}
	d := ix.dense
	for i := range ix.passages {
		row := d.vecs[i*d.dim : (i+1)*d.dim]
		var s float32
		for j, x := range row {
			s += x * q[j]
		}
		h.push(scored{id: uint32(i), score: s})
	}
	fused := map[*knowledge.Passage]float64{}
	match := map[*knowledge.Passage]float64{}
	for r, hit := range lex {
		fused[hit.Passage] += 1 / float64(rrfK+r+1)
		match[hit.Passage] = hit.Match
	}
	for r, s := range h.sorted() {
		p := ix.passages[s.id]
		fused[p] += 1 / float64(rrfK+r+1)
		if _, ok := match[p]; !ok {
			match[p] = ix.matchOf(qs, p)
		}
	}
	order := map[*knowledge.Passage]int{}
	for i, p := range ix.passages {
		if _, ok := fused[p]; ok {
			order[p] = i
		}
	}
	top := topK{k: k}
	byID := map[uint32]*knowledge.Passage{}
	for p, sc := range fused {
		id := uint32(order[p])
		byID[id] = p
		top.push(scored{id: id, score: float32(sc)})
	}
	var out []Hit
	for _, s := range top.sorted() {
		p := byID[s.id]
		out = append(out, Hit{Passage: p, Score: round(float64(s.score) * 1000), Match: match[p]})
	}
	return out, nil
}

// matchOf computes Hit.Match for one passage directly from its text.
func (ix *Index) matchOf(qs []qterm, p *knowledge.Passage) float64 {
	// only the query's terms matter: look the passage's terms up among
	// them rather than in the whole dictionary
	want := map[string]uint32{}
	for _, q := range qs {
		if q.known {
			want[ix.terms.term(q.id)] = q.id
		}
	}
	present := map[uint32]bool{}
	for _, text := range []string{p.Text, p.Section, p.Title} {
		ix.opts.Analyzer.Each(text, func(t string, _ textan.Token) {
			if id, ok := want[t]; ok {
				present[id] = true
			}
		})
	}
	var got, total float64
	for _, q := range qs {
		total += q.idf * q.w
		if q.known && present[q.id] {
			got += q.idf * q.w
		}
	}
	if total == 0 {
		return 0
	}
	return math.Min(1, round(got/total))
}
