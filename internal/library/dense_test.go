package library

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"storybot/internal/search"
)

// fakeEmbedder is a deterministic Embedder that records what it embeds.
type fakeEmbedder struct {
	recorder // the texts embedded
	fail     bool
}

func (e *fakeEmbedder) embed(ctx context.Context, texts []string) ([][]float32, error) {
	if e.fail {
		return nil, errors.New("503 from the embeddings endpoint")
	}
	e.add(texts...)
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, 8)
		for j, r := range t {
			v[(j+int(r))%8] += 1
		}
		out[i] = v
	}
	return out, nil
}

func TestOnlyChangedPassagesAreEmbeddedAgain(t *testing.T) {
	f := storyFixture(t)
	f.write("b.md", storyB)
	emb := &fakeEmbedder{}
	opts := f.options()
	opts.Search = search.Options{Embedder: emb.embed, EmbedModel: "fake-1", EmbedCache: search.NewEmbedCache(filepath.Join(f.data, "embeddings"))}
	l := openLib(t, opts)
	if n := len(emb.take()); n != l.Current().Passages() {
		t.Fatalf("first build embedded %d texts for %d passages", n, l.Current().Passages())
	}
	f.write("b.md", storyB+"\nA new paragraph about the investigation.\n")
	refresh(t, l)
	for _, text := range emb.take() {
		if strings.Contains(text, "Edi Rama") {
			t.Errorf("unchanged passage of a.md embedded again: %q", text)
		}
	}
}

func TestEmbedderFailureFallsBackToLexical(t *testing.T) {
	f := storyFixture(t)
	emb := &fakeEmbedder{fail: true}
	opts := f.options()
	opts.Search = search.Options{Embedder: emb.embed, EmbedModel: "fake-1"}
	l, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("Open failed with a broken embeddings endpoint: %v", err)
	}
	defer l.Close()
	if hits, err := l.Search(context.Background(), "Edi Rama", 1); err != nil || len(hits) != 1 {
		t.Fatalf("lexical search: %v %v", hits, err)
	}
	if !strings.Contains(f.logs.String(), "dense retrieval is off") {
		t.Errorf("no warning:\n%s", f.logs.String())
	}
}
