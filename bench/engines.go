// Package bench compares storybot's retrieval engine (internal/search) with
// bleve v2 (BM25, English analyzer) on the same passages: retrieval quality
// on the shared question sets, and speed and memory on large generated
// corpora. It is its own Go module, so bleve never becomes a dependency of
// the bot.
package bench

import (
	"context"
	"errors"
	"fmt"
	"os"

	"storybot/bench/bleveidx"
	"storybot/internal/knowledge"
	"storybot/internal/search"
)

// Index is a built index of one engine.
type Index interface {
	// Search returns up to k passages for q, best first.
	Search(ctx context.Context, q string, k int) ([]*knowledge.Passage, error)
	// Close releases what the index holds (files, memory).
	Close() error
}

// Engine builds an Index over documents.
type Engine struct {
	Name  string
	Build func(ctx context.Context, docs []*knowledge.Document) (Index, error)
}

// Storybot is storybot's own engine, search.Build with opts.
func Storybot(opts search.Options) Engine {
	return Engine{Name: "storybot", Build: func(ctx context.Context, docs []*knowledge.Document) (Index, error) {
		ix, err := search.Build(ctx, docs, opts)
		if err != nil {
			return nil, fmt.Errorf("storybot: build: %w", err)
		}
		return storybotIndex{ix}, nil
	}}
}

type storybotIndex struct{ ix *search.Index }

func (s storybotIndex) Search(ctx context.Context, q string, k int) ([]*knowledge.Passage, error) {
	hits, err := s.ix.Search(ctx, q, k)
	if err != nil {
		return nil, err
	}
	out := make([]*knowledge.Passage, len(hits))
	for i, h := range hits {
		out[i] = h.Passage
	}
	return out, nil
}

func (storybotIndex) Close() error { return nil }

// Bleve is the baseline engine: bleve v2 with BM25 and the "en" analyzer,
// one on-disk scorch index per Build in a new folder under tmp (removed on
// Close).
func Bleve(tmp string) Engine {
	return Engine{Name: "bleve", Build: func(ctx context.Context, docs []*knowledge.Document) (Index, error) {
		dir, err := os.MkdirTemp(tmp, "bleve-")
		if err != nil {
			return nil, fmt.Errorf("bleve: %w", err)
		}
		ix, err := bleveidx.Build(ctx, dir+"/index", docs, bleveidx.Options{})
		if err != nil {
			return nil, errors.Join(err, os.RemoveAll(dir))
		}
		return bleveIndex{ix, dir}, nil
	}}
}

type bleveIndex struct {
	*bleveidx.Index
	dir string
}

func (b bleveIndex) Close() error { return errors.Join(b.Index.Close(), os.RemoveAll(b.dir)) }

// LoadDocs loads every folder with knowledge.Load and returns all their
// documents together, so both engines index exactly the same passages.
// Skipped files are ignored; a folder that cannot be read is an error.
func LoadDocs(ctx context.Context, dirs []string, opts knowledge.Options) ([]*knowledge.Document, error) {
	var all []*knowledge.Document
	for _, d := range dirs {
		docs, _, err := knowledge.Load(ctx, d, opts)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", d, err)
		}
		all = append(all, docs...)
	}
	return all, nil
}

// Passages counts the passages of docs and their bytes of text.
func Passages(docs []*knowledge.Document) (n int, bytes int64) {
	for _, d := range docs {
		n += len(d.Passages)
		for _, p := range d.Passages {
			bytes += int64(len(p.Text))
		}
	}
	return n, bytes
}
