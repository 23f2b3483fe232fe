package llm

import (
	"context"
	"fmt"
	"sort"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"storybot/internal/search"
)

// DefaultEmbedBatch is the number of texts sent per embeddings request when
// Embedder is given 0.
const DefaultEmbedBatch = 64

// Embedder returns a search.Embedder that calls the client's embeddings
// endpoint with model, sending at most batch texts per request (0 means
// DefaultEmbedBatch). Each request goes through the client like a chat call:
// it takes one of the MaxConcurrency slots, gets Timeout, and is retried on
// 429, 5xx and broken connections (Retry-After honoured), not after a
// timeout. Vectors come back in the order of the texts. Errors name the
// model and carry no secret (the API key is blanked out of a server's
// message); ctx's error when ctx ends. The returned function is safe for
// concurrent use.
func (c *Client) Embedder(model string, batch int) search.Embedder {
	if batch <= 0 {
		batch = DefaultEmbedBatch
	}
	return func(ctx context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, 0, len(texts))
		for lo := 0; lo < len(texts); lo += batch {
			vecs, err := c.embed(ctx, model, texts[lo:min(len(texts), lo+batch)])
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, fmt.Errorf("embeddings (model %s): %w", model, err)
			}
			out = append(out, vecs...)
		}
		return out, nil
	}
}

// embed sends one batch, holding a slot for its tries.
func (c *Client) embed(ctx context.Context, model string, texts []string) ([][]float32, error) {
	in := append([]string(nil), texts...)
	for i, s := range in {
		if s == "" {
			in[i] = " " // the API refuses empty inputs
		}
	}
	release, err := c.acquire(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer release()
	var out [][]float32
	err = c.retry(ctx, "embeddings", func(ctx context.Context, try int) error {
		tctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
		start := time.Now()
		resp, err := c.api.CreateEmbeddings(tctx, openai.EmbeddingRequestStrings{Input: in, Model: openai.EmbeddingModel(model)})
		if err != nil && ctx.Err() == nil && tctx.Err() != nil {
			c.cfg.Observer.error(ClassTimeout)
			return final(fmt.Errorf("no answer from %s within %s (OPENAI_TIMEOUT)", c.host, c.cfg.Timeout))
		}
		if err != nil {
			return err
		}
		if len(resp.Data) != len(in) {
			return final(fmt.Errorf("got %d vectors for %d texts", len(resp.Data), len(in)))
		}
		data := resp.Data
		sort.SliceStable(data, func(i, j int) bool { return data[i].Index < data[j].Index })
		out = make([][]float32, len(data))
		for i, d := range data {
			if d.Index != i || len(d.Embedding) == 0 {
				return final(fmt.Errorf("malformed response"))
			}
			out[i] = d.Embedding
		}
		c.log.Debug("embedded", "embedding_model", model, "texts", len(in), "try", try, "ms", time.Since(start).Milliseconds())
		return nil
	})
	return out, err
}
