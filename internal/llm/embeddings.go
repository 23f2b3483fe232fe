package llm

import (
	"context"
	"fmt"
	"sort"

	openai "github.com/sashabaranov/go-openai"

	"storybot/internal/search"
)

// DefaultEmbedBatch is the number of texts sent per embeddings request when
// NewEmbedder is given 0.
const DefaultEmbedBatch = 64

// NewEmbedder returns a search.Embedder that calls the OpenAI-compatible
// embeddings endpoint of client with model, sending at most batch texts per
// request (0 means DefaultEmbedBatch). Vectors come back in the order of the
// texts. Errors wrap the API error (see openai.APIError) and name the model;
// the returned function is safe for concurrent use.
func NewEmbedder(client *openai.Client, model string, batch int) search.Embedder {
	if batch <= 0 {
		batch = DefaultEmbedBatch
	}
	return func(ctx context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, 0, len(texts))
		for lo := 0; lo < len(texts); lo += batch {
			in := append([]string(nil), texts[lo:min(len(texts), lo+batch)]...)
			for i, s := range in {
				if s == "" {
					in[i] = " " // the API refuses empty inputs
				}
			}
			resp, err := client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
				Input: in,
				Model: openai.EmbeddingModel(model),
			})
			if err != nil {
				return nil, fmt.Errorf("embeddings (model %s): %w", model, err)
			}
			if len(resp.Data) != len(in) {
				return nil, fmt.Errorf("embeddings (model %s): got %d vectors for %d texts", model, len(resp.Data), len(in))
			}
			data := resp.Data
			sort.SliceStable(data, func(i, j int) bool { return data[i].Index < data[j].Index })
			for i, d := range data {
				if d.Index != i || len(d.Embedding) == 0 {
					return nil, fmt.Errorf("embeddings (model %s): malformed response", model)
				}
				out = append(out, d.Embedding)
			}
		}
		return out, nil
	}
}
