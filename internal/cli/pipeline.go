package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"storybot/internal/answer"
	"storybot/internal/knowledge"
	"storybot/internal/library"
	"storybot/internal/prompt"
	"storybot/internal/spell"
	"storybot/prompts"
)

// newPipeline builds the answer pipeline over lib (the library, or an index
// in tests), with the model when one is configured (OPENAI_API_KEY or
// OPENAI_BASE_URL) and offline otherwise. The bot, the console and ask share
// it; summaries says the caller shows a summary about a topic asked for
// ("summarize the MEK": answer.SummaryAsked), as the bot and the console
// do. Errors: a prompts folder that exists but does not parse (the message
// names the file and line) or lacks a template.
func (e *Env) newPipeline(ctx context.Context, lib answer.Retriever, summaries bool) (*answer.Pipeline, error) {
	set, err := e.answerPrompts()
	if err != nil {
		return nil, err
	}
	opts := answer.Options{
		Retriever:        timedRetriever{next: lib, m: e.metrics()},
		Prompts:          set,
		MaxContextTokens: e.Config.OpenAIMaxContextTokens,
		Log:              e.Log,
		Summaries:        summaries,
	}
	if e.Config.LLMEnabled() {
		opts.Model = e.modelClient()
	}
	switch l := lib.(type) {
	case *library.Library:
		opts.About = func() string { return knowledgeAbout(l.Current()) }
		opts.Documents = func() []*knowledge.Document {
			if snap := l.Current(); snap != nil {
				return snap.Docs
			}
			return nil
		}
	case interface{ Docs() []*knowledge.Document }: // one index (ask over --knowledge, eval)
		opts.Documents = l.Docs
	}
	if opts.Documents != nil {
		opts.Speller = spell.NewCache(opts.Documents)
	}
	p := answer.New(opts)
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("prompts: %w", err)
	}
	return p, nil
}

// knowledgeAbout names what snap is about in the replies to small talk:
// the title of its one document, else "" (the pipeline's default).
func knowledgeAbout(snap *library.Snapshot) string {
	if snap == nil || len(snap.Docs) != 1 || strings.TrimSpace(snap.Docs[0].Title) == "" {
		return ""
	}
	return "“" + shortLine(strings.TrimSpace(snap.Docs[0].Title), 100) + "”"
}

// answerPrompts loads the prompts (see promptSet) and checks that the
// answer templates render.
func (e *Env) answerPrompts() (*prompt.Set, error) {
	set, err := e.promptSet()
	if err != nil {
		return nil, err
	}
	if err := answer.CheckPrompts(set); err != nil {
		return nil, fmt.Errorf("prompts: %w (PROMPTS_DIR)", err)
	}
	return set, nil
}

// retriever opens what questions are answered from: the knowledge library
// (the saved index in DATA_DIR when the folder is unchanged). With watch and
// WATCH_KNOWLEDGE on, the folder is re-indexed when it changes until ctx
// ends. It returns the library, its number of documents and a function that
// closes it.
func (e *Env) retriever(ctx context.Context, watch bool) (*library.Library, int, func(), error) {
	lib, err := e.openLibrary(ctx)
	if err != nil {
		return nil, 0, nil, err
	}
	if !watch || !e.Config.Watch {
		return lib, len(lib.Current().Docs), func() { lib.Close() }, nil
	}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := lib.Watch(wctx); err != nil {
			e.Log.Warn("not watching the knowledge folder; restart after changes", "err", err)
		}
	}()
	return lib, len(lib.Current().Docs), func() { stop(); <-done; lib.Close() }, nil
}

// promptSet loads PROMPTS_DIR, completed with the built-in copies of the
// templates it lacks (a folder may override only some of them), or the
// built-in prompts when there is no such folder.
func (e *Env) promptSet() (*prompt.Set, error) {
	dir := e.Config.PromptsDir
	builtin, err := prompt.LoadFS(prompts.FS, "built-in prompts")
	if err != nil {
		return nil, fmt.Errorf("built-in prompts: %w", err)
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		e.Log.Debug("prompts folder not found; using the built-in prompts", "dir", dir)
		return builtin, nil
	}
	set, err := prompt.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("prompts: %w", err)
	}
	if filled := set.Fill(builtin); len(filled) > 0 {
		e.Log.Debug("prompts folder lacks some templates; using the built-in ones", "dir", dir, "templates", filled)
	}
	return set, nil
}
