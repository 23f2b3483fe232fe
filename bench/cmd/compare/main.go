// Command compare prints, as a Markdown table, the retrieval quality of
// storybot's engine and of bleve v2 (BM25, English analyzer) side by side on
// the shared question sets, both indexing the same passages.
//
//	cd bench && go run ./cmd/compare [--shared ../../shared]
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"storybot/bench"
	"storybot/internal/knowledge"
	"storybot/internal/search"
)

func main() { bench.Main("compare", run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs, shared := bench.Flags("compare", "eval/ and seed/")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sets, err := bench.SharedSets(*shared)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "storybot-compare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	rows, err := bench.Compare(ctx, sets, []bench.Engine{bench.Storybot(search.Options{}), bench.Bleve(tmp)}, knowledge.Options{})
	if err != nil {
		return err
	}
	if err := bench.WriteQualityTable(stdout, rows); err != nil {
		return err
	}
	if err := bench.CheckRecall(rows, 5); err != nil {
		fmt.Fprintf(stdout, "\nstorybot is behind bleve: %v\n", err)
	}
	return nil
}
