// Package bleveidx is the baseline engine of the side-by-side benchmark:
// the passages of storybot's knowledge loader indexed by bleve v2 with BM25
// scoring and bleve's English analyzer ("en": Unicode tokens, possessives,
// lower case, English stop words, Porter stemming).
//
// It lives in the bench module so that bleve never becomes a dependency of
// the bot.
package bleveidx

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en" // registers the "en" analyzer
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"storybot/internal/knowledge"
)

// Options tune the build.
type Options struct {
	BatchSize int // documents per bleve batch; 0 means 1000
}

// Index is a bleve index over passages. Search is safe for concurrent use;
// Close must be called once when done.
type Index struct {
	ix       bleve.Index
	passages []*knowledge.Passage
}

// doc is what bleve indexes for one passage: the same text storybot sees,
// with the title and the section heading as fields of their own.
type doc struct {
	Title   string `json:"title"`
	Section string `json:"section"`
	Text    string `json:"text"`
}

// Mapping returns the index mapping: BM25, analyzer "en" on every field,
// nothing stored (hits are mapped back to the caller's passages by ID), no
// term vectors or doc values (no phrase queries, highlighting or sorting is
// needed), every field in the composite "_all" field that queries search.
func Mapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = "en"
	im.ScoringModel = "bm25"
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range []string{"title", "section", "text"} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = "en"
		fm.Store = false
		fm.IncludeTermVectors = false
		fm.DocValues = false
		fm.IncludeInAll = true
		dm.AddFieldMappingsAt(f, fm)
	}
	im.DefaultMapping = dm
	return im
}

// Build indexes every passage of docs into a new scorch index at dir (which
// must not exist yet) using bleve's batch API, then closes and reopens it so
// that every segment is persisted before the first query: the time Build
// takes is the time to a ready index on disk. Batches are safe (each is
// persisted before Batch returns): with scorch's "unsafe_batch" the index
// was both slower to build here and lost its last batches on Close.
func Build(ctx context.Context, dir string, docs []*knowledge.Document, opts Options) (*Index, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1000
	}
	ix, err := bleve.NewUsing(dir, Mapping(), scorch.Name, scorch.Name, map[string]any{"unsafe_batch": false})
	if err != nil {
		return nil, fmt.Errorf("bleve: create %s: %w", dir, err)
	}
	var passages []*knowledge.Passage
	b := ix.NewBatch()
	for _, d := range docs {
		for i := range d.Passages {
			p := &d.Passages[i]
			id := strconv.Itoa(len(passages))
			passages = append(passages, p)
			if err := b.Index(id, doc{Title: p.Title, Section: p.Section, Text: p.Text}); err != nil {
				return nil, errors.Join(fmt.Errorf("bleve: index %s: %w", p.ID, err), ix.Close())
			}
			if b.Size() >= opts.BatchSize {
				if err := flush(ctx, ix, b); err != nil {
					return nil, errors.Join(err, ix.Close())
				}
				b.Reset()
			}
		}
	}
	if err := flush(ctx, ix, b); err != nil {
		return nil, errors.Join(err, ix.Close())
	}
	if err := ix.Close(); err != nil {
		return nil, fmt.Errorf("bleve: close: %w", err)
	}
	ix, err = bleve.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("bleve: reopen %s: %w", dir, err)
	}
	return &Index{ix: ix, passages: passages}, nil
}

func flush(ctx context.Context, ix bleve.Index, b *bleve.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if b.Size() == 0 {
		return nil
	}
	if err := ix.Batch(b); err != nil {
		return fmt.Errorf("bleve: batch: %w", err)
	}
	return nil
}

// Open opens an index that Build wrote at dir, over the same docs in the
// same order: the baseline's restart.
func Open(dir string, docs []*knowledge.Document) (*Index, error) {
	ix, err := bleve.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("bleve: open %s: %w", dir, err)
	}
	var passages []*knowledge.Passage
	for _, d := range docs {
		for i := range d.Passages {
			passages = append(passages, &d.Passages[i])
		}
	}
	return &Index{ix: ix, passages: passages}, nil
}

// Search returns the k best passages for q, best first: a bleve match
// query (terms OR-ed) over the "_all" field, scored by BM25.
func (x *Index) Search(ctx context.Context, q string, k int) ([]*knowledge.Passage, error) {
	mq := bleve.NewMatchQuery(q)
	mq.SetField("_all")
	req := bleve.NewSearchRequestOptions(mq, k, 0, false)
	res, err := x.ix.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("bleve: search: %w", err)
	}
	out := make([]*knowledge.Passage, 0, len(res.Hits))
	for _, h := range res.Hits {
		i, err := strconv.Atoi(h.ID)
		if err != nil || i < 0 || i >= len(x.passages) {
			return nil, fmt.Errorf("bleve: unknown hit id %q", h.ID)
		}
		out = append(out, x.passages[i])
	}
	return out, nil
}

// Len returns the number of passages indexed.
func (x *Index) Len() int { return len(x.passages) }

// Close releases the index's files.
func (x *Index) Close() error { return x.ix.Close() }
