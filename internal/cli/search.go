package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"storybot/internal/search"
)

// passageSearcher is what the search command needs from the knowledge: the
// library in production, an index or a fake in tests.
type passageSearcher interface {
	Search(ctx context.Context, query string, k int) ([]search.Hit, error)
}

// searchPassage is one passage of storybot search --json.
type searchPassage struct {
	Rank      int     `json:"rank"`
	Doc       string  `json:"doc"`
	Title     string  `json:"title"`
	Section   string  `json:"section"`
	Location  string  `json:"location"`
	StartLine int     `json:"start_line"`
	EndLine   int     `json:"end_line"`
	Score     float64 `json:"score"`
	Match     float64 `json:"match"`
	Text      string  `json:"text"`
}

// searchResult is the JSON document of storybot search --json.
type searchResult struct {
	Query     string          `json:"query"`
	Truncated bool            `json:"truncated,omitempty"` // the query was cut to search.MaxQueryChars for retrieval
	Passages  []searchPassage `json:"passages"`
}

// cmdSearch shows the passages that best match a query:
// storybot search [--k N] [--json] QUERY...
func cmdSearch(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error {
	k := fs.Int("k", 5, "number of passages to show")
	asJSON := fs.Bool("json", false, "print one JSON document")
	query, err := e.parseQuery(fs, args, k, 100, "query", "why did Albania cut ties with Iran")
	if err != nil {
		return err
	}
	lib, err := e.openLibrary(ctx) // warns about skipped files and an empty folder
	if err != nil {
		return err
	}
	defer lib.Close()
	return runSearch(ctx, e, lib, query, *k, *asJSON)
}

// runSearch searches and prints the result; it is cmdSearch after setup.
func runSearch(ctx context.Context, e *Env, s passageSearcher, query string, k int, asJSON bool) error {
	_, cut := search.CutQuery(query)
	if cut {
		e.Log.Warn(fmt.Sprintf("the query is longer than %d characters; only its beginning is used for retrieval", search.MaxQueryChars))
	}
	hits, err := s.Search(ctx, query, k)
	if err != nil && !errors.Is(err, search.ErrKeywordsOnly) { // keyword hits: the search logged why
		return fmt.Errorf("search: %w", err)
	}
	res := searchResult{Query: query, Truncated: cut, Passages: []searchPassage{}}
	for i, h := range hits {
		p := h.Passage
		res.Passages = append(res.Passages, searchPassage{
			Rank: i + 1, Doc: p.Doc, Title: p.Title, Section: p.Section, Location: p.Location(),
			StartLine: p.StartLine, EndLine: p.EndLine, Score: h.Score, Match: h.Match, Text: p.Text,
		})
	}
	if asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return writeSearchText(e.Stdout, res)
}

// writeSearchText prints search results for people: rank, document, title,
// location, score, then the passage indented.
func writeSearchText(w io.Writer, res searchResult) error {
	var b strings.Builder
	if len(res.Passages) == 0 {
		b.WriteString("No passages match. Try other words, or check that the knowledge folder has the documents you expect.\n")
	}
	for i, p := range res.Passages {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%d. %s — %s\n", p.Rank, p.Doc, p.Title)
		where := p.Location
		if p.Section != "" {
			where = p.Section + " · " + where
		}
		fmt.Fprintf(&b, "   %s · score %.2f\n", where, p.Score)
		for _, line := range strings.Split(p.Text, "\n") {
			if line == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("   " + line + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
