package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"storybot/internal/answer"
	"storybot/internal/metrics"
	"storybot/internal/spell"
	"storybot/internal/usererr"
)

// asker is what ask and the console need from the answer pipeline.
type asker interface {
	Ask(ctx context.Context, req answer.Request, onEvent func(answer.Event)) (answer.Answer, error)
}

var _ asker = (*answer.Pipeline)(nil)

// askJSON is the document printed by storybot ask --json.
type askJSON struct {
	Question  string            `json:"question"`
	Answer    string            `json:"answer"`
	Mode      answer.Mode       `json:"mode"`
	Refused   bool              `json:"refused"`
	Citations []answer.Citation `json:"citations"`
	Warnings  []string          `json:"warnings"`
	Spelling  []spell.Fix       `json:"spelling,omitempty"`
	SmallTalk bool              `json:"small_talk,omitempty"`
}

// cmdAsk answers one question with citations:
// storybot ask [--k N] [--json] QUESTION...
func cmdAsk(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error {
	k := fs.Int("k", answer.DefaultK, "number of passages to retrieve")
	asJSON := fs.Bool("json", false, "print one JSON document")
	q, err := e.parseQuery(fs, args, k, 50, "question", "Why did Albania cut ties with Iran?")
	if err != nil {
		return err
	}
	ret, _, closeFn, err := e.retriever(ctx, false) // openLibrary warns when the folder is empty
	if err != nil {
		return fmt.Errorf("ask: %w", err)
	}
	defer closeFn()
	p, err := e.newPipeline(ctx, ret, false)
	if err != nil {
		return fmt.Errorf("ask: %w", err)
	}
	return runAsk(ctx, e, e.asker(p, metrics.SourceCLI), q, *k, *asJSON)
}

// runAsk asks and prints; it is cmdAsk after setup.
func runAsk(ctx context.Context, e *Env, p asker, q string, k int, asJSON bool) error {
	a, err := p.Ask(ctx, answer.Request{Question: q, K: k}, nil)
	if msg, ok := usererr.Message(err); ok {
		return usageErrorf("ask: %s", msg)
	}
	if err != nil {
		return fmt.Errorf("ask: %w", err)
	}
	if asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(askJSON{Question: a.Question, Answer: a.Text, Mode: a.Mode, Refused: a.Refused, Citations: nonNil(a.Citations), Warnings: nonNilS(a.Warnings), Spelling: a.Spelling, SmallTalk: a.SmallTalk})
	}
	_, err = io.WriteString(e.Stdout, formatAnswer(a))
	return err
}

func nonNil(c []answer.Citation) []answer.Citation {
	if c == nil {
		return []answer.Citation{}
	}
	return c
}

func nonNilS(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// formatAnswer renders an answer for the terminal: how misspelt words were
// read, the text, its warnings, then a Sources list with "[n] title —
// location" and the quote.
func formatAnswer(a answer.Answer) string {
	var b strings.Builder
	if note := a.SpellingNote(); note != "" {
		fmt.Fprintf(&b, "(%s)\n", note)
	}
	b.WriteString(strings.TrimSpace(a.Text))
	b.WriteString("\n")
	for _, w := range a.Warnings {
		fmt.Fprintf(&b, "⚠ %s\n", w)
	}
	b.WriteString(formatSources(a.Citations))
	return b.String()
}

func formatSources(cites []answer.Citation) string {
	if len(cites) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\nSources:\n")
	for _, c := range cites {
		b.WriteString(answer.SourceLine(c) + "\n")
		switch {
		case strings.HasPrefix(c.Quote, "“") || strings.HasPrefix(c.Quote, "\""):
			fmt.Fprintf(&b, "    %s\n", c.Quote)
		case c.Quote != "":
			fmt.Fprintf(&b, "    “%s”\n", c.Quote)
		}
		if c.Flagged != "" {
			fmt.Fprintf(&b, "    ⚠ %s\n", c.Flagged)
		}
	}
	return b.String()
}
