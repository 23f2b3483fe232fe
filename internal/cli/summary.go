package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"storybot/internal/answer"
	"storybot/internal/knowledge"
	"storybot/internal/library"
	"storybot/internal/prompt"
	"storybot/internal/summary"
	"storybot/internal/usererr"
	"storybot/prompts"
)

// cmdSummary prints a cited summary of the knowledge, of one document or of
// one focus.
func cmdSummary(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error {
	length := fs.String("length", "medium", "sentence, short, medium or long")
	focus := fs.String("focus", "", "summarise only what concerns this, e.g. \"the MEK\"")
	bullets := fs.Bool("bullets", false, "as bullet points, a sentence and its citations a line")
	asJSON := fs.Bool("json", false, "print JSON: {summary, mode, citations}")
	doc, err := e.parseDocFlags(fs, args, "summarise this document only")
	if err != nil {
		return err
	}
	l, err := summary.ParseLength(*length)
	if err != nil {
		return usageErrorf("summary: %v", err)
	}
	s, ndocs, closeFn, err := e.newSummarizer(ctx)
	if err != nil {
		return err
	}
	defer closeFn()
	if ndocs == 0 {
		note := e.emptyKnowledgeNote()
		if *asJSON {
			return writeSummaryJSON(e.Stdout, struct {
				Summary   string            `json:"summary"`
				Mode      answer.Mode       `json:"mode"`
				Citations []answer.Citation `json:"citations"`
				Note      string            `json:"note"`
			}{"", answer.ModeExtractive, []answer.Citation{}, note})
		}
		_, err := fmt.Fprintln(e.Stdout, note)
		return err
	}
	sum, err := s.Summary(ctx, summary.SummaryRequest{Doc: doc, Length: l, Focus: *focus, Bullets: *bullets}, nil)
	if err != nil {
		return summaryError("summary", err)
	}
	if sum.Calls > 0 {
		e.Log.Info("summary written", "mode", sum.Mode, "model_calls", sum.Calls, "prompt_tokens", sum.Usage.PromptTokens, "completion_tokens", sum.Usage.CompletionTokens)
	}
	if *asJSON {
		return writeSummaryJSON(e.Stdout, struct {
			Summary   string            `json:"summary"`
			Mode      answer.Mode       `json:"mode"`
			Citations []answer.Citation `json:"citations"`
		}{sum.Text, sum.Mode, summaryCitations(sum.Citations)})
	}
	_, err = io.WriteString(e.Stdout, summary.FormatSummary(sum))
	return err
}

// summaryError turns a user's mistake (an unknown document) into a usage
// error and wraps everything else.
func summaryError(cmd string, err error) error {
	if msg, ok := usererr.Message(err); ok {
		return usageErrorf("%s: %s", cmd, msg)
	}
	return fmt.Errorf("%s: %w", cmd, err)
}

func summaryCitations(c []answer.Citation) []answer.Citation {
	if c == nil {
		return []answer.Citation{}
	}
	return c
}

func writeSummaryJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// newSummarizer opens the knowledge library and builds a Summarizer over
// it; ndocs is how many documents the library holds. The returned function
// closes the library.
func (e *Env) newSummarizer(ctx context.Context) (s *summary.Summarizer, ndocs int, closeFn func(), err error) {
	lib, err := e.openLibrary(ctx)
	if err != nil {
		return nil, 0, nil, err
	}
	s, err = e.summarizerOver(lib)
	if err != nil {
		lib.Close()
		return nil, 0, nil, err
	}
	return s, len(lib.Current().Docs), func() { lib.Close() }, nil
}

// emptyKnowledgeNote is what summary and timeline say, with exit code 0 as
// search, when the knowledge folder has no documents: there is nothing to
// summarise, which is not a mistake in how storybot was called.
func (e *Env) emptyKnowledgeNote() string {
	return fmt.Sprintf("The knowledge folder %s has no documents: add .md, .txt, .html, .pdf, .epub, .docx or .odt files to it.", e.Config.KnowledgeDir)
}

// summarizerOver builds a Summarizer over lib's current snapshot, with the
// model when one is configured. The CLI commands and the bot share it.
func (e *Env) summarizerOver(lib *library.Library) (*summary.Summarizer, error) {
	opts := summary.Options{
		Source:           snapshotSource(lib),
		Log:              e.Log,
		MaxContextTokens: e.Config.OpenAIMaxContextTokens,
		Concurrency:      e.Config.OpenAIMaxConcurrency,
	}
	if e.Config.LLMEnabled() {
		set, err := summaryPrompts(e)
		if err != nil {
			return nil, err
		}
		opts.Model = e.modelClient()
		opts.Prompts = set
	}
	return summary.New(opts), nil
}

// snapshotSource is a summary.Options.Source that reads lib's current
// snapshot.
func snapshotSource(lib *library.Library) func() (string, []*knowledge.Document) {
	return func() (string, []*knowledge.Document) {
		c := lib.Current()
		return c.Version, c.Docs
	}
}

// summaryPrompts loads the prompt templates from PROMPTS_DIR, with the
// built-in copies of those it lacks, or the built-in ones when there is no
// such folder.
func summaryPrompts(e *Env) (*prompt.Set, error) {
	dir := e.Config.PromptsDir
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return e.promptSet()
	}
	set, err := prompt.LoadFS(prompts.FS, "built-in prompts")
	if err != nil {
		return nil, fmt.Errorf("built-in prompts: %w", err)
	}
	return set, nil
}

// parseDocFlags adds --doc to fs (what: its usage, before "(path or
// title, case-insensitive)"), parses args (see parseFlags) and returns the
// document asked for. It can be named without --doc ("storybot timeline
// albania"): the positional words are its name when --doc is not given.
func (e *Env) parseDocFlags(fs *flag.FlagSet, args []string, what string) (string, error) {
	doc := fs.String("doc", "", what+" (path or title, case-insensitive)")
	pos, err := e.parseFlags(fs, args)
	switch {
	case err != nil:
		return "", err
	case len(pos) == 0:
		return *doc, nil
	case *doc == "":
		return strings.Join(pos, " "), nil
	default:
		return "", usageErrorf("%s: unexpected argument %q (see 'storybot %s --help')", fs.Name(), pos[0], fs.Name())
	}
}
