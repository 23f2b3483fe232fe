package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"

	"storybot/internal/knowledge"
	"storybot/internal/library"
	"storybot/internal/search"
)

// libraryOptions builds the library's options from the configuration:
// KNOWLEDGE_DIR, DATA_DIR (saved index, trash, audit log), MAX_FILE_BYTES,
// MAX_UPLOAD_BYTES, the HTML, PDF, EPUB, DOCX and ODT extractors, and a
// cache key that changes with the executable and the embedding model, so a
// saved index from another build or model is rebuilt. With OPENAI_EMBEDDING_MODEL (and
// a model endpoint) it adds dense retrieval, with embeddings cached in
// DATA_DIR/embeddings so that only changed passages are embedded again.
func (e *Env) libraryOptions() library.Options {
	opts := library.Options{
		Root:    e.Config.KnowledgeDir,
		DataDir: e.Config.DataDir,
		Knowledge: knowledge.Options{
			MaxFileBytes: e.Config.MaxFileBytes,
			Extractors:   library.Extractors(),
		},
		Search:         search.Options{Log: e.Log, EmbedModel: e.Config.OpenAIEmbeddingModel},
		MaxUploadBytes: e.Config.MaxUploadBytes,
		CacheKey:       executableHash(),
		Log:            e.Log,
		OnRefresh:      e.onRefresh,
	}
	if db := e.openedDatabase(); db != nil {
		opts.Audit = db.Audit() // moderators' changes, from every shard
	}
	if emb := e.embedder(); emb != nil {
		opts.Search.Embedder = emb
		opts.Search.EmbedCache = search.NewEmbedCache(filepath.Join(e.Config.DataDir, "embeddings"))
	}
	return opts
}

// embedder returns the OPENAI_EMBEDDING_MODEL embedder, or nil when no
// embeddings model (or no model server) is configured. It goes through the
// run's one model client (modelClient): its retries, Retry-After, key
// redaction and OPENAI_MAX_CONCURRENCY cover embeddings too.
func (e *Env) embedder() search.Embedder {
	m := e.Config.OpenAIEmbeddingModel
	if m == "" || !e.Config.LLMEnabled() {
		return nil
	}
	return e.modelClient().Embedder(m, 0)
}

// openLibrary opens the knowledge library (loading the saved index from
// DATA_DIR when the folder is unchanged), logs each skipped file as one
// warning line and warns once when the folder has no documents. The error
// names the folder and KNOWLEDGE_DIR when the folder is missing.
func (e *Env) openLibrary(ctx context.Context) (*library.Library, error) {
	lib, err := library.Open(ctx, e.libraryOptions())
	if err != nil {
		return nil, err
	}
	snap := lib.Current()
	for _, s := range snap.Skipped {
		e.Log.Warn("skipped file", "file", s.Path, "reason", s.Reason)
	}
	if len(snap.Docs) == 0 {
		e.Log.Warn("the knowledge folder has no documents; add .md, .txt, .html, .pdf, .epub, .docx or .odt files", "dir", e.Config.KnowledgeDir)
	}
	return lib, nil
}

// executableHash identifies the running build (Go builds are reproducible,
// so the same code gives the same hash, with go run too). "" when the
// executable cannot be read: the saved index is then keyed on settings only.
func executableHash() string {
	p, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(p)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
