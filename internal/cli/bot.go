package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"storybot/bot"
	"storybot/internal/answer"
	"storybot/internal/feedback"
	"storybot/internal/library"
	"storybot/internal/summary"
)

// cmdBot runs the Discord bot until ctx ends (SIGINT, SIGTERM): it opens the
// knowledge library (watching the folder when WATCH_KNOWLEDGE is on), builds
// the answer pipeline and the summarizer, and connects with DISCORD_TOKEN.
// It returns nil after a graceful shutdown.
func cmdBot(ctx context.Context, e *Env, args []string) error {
	fs := e.newFlagSet("bot")
	pos, err := e.parseFlags(fs, args)
	if errors.Is(err, errHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("bot: unexpected argument %q (see 'storybot bot --help')", pos[0])
	}
	if e.Config.DiscordToken == "" {
		return usageErrorf("bot: DISCORD_TOKEN is not set: put your bot's token (developer portal, Bot tab) in .env, or run 'storybot console' to chat in the terminal")
	}
	lib, err := e.openLibrary(ctx)
	if err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	defer lib.Close()
	if e.Config.Watch {
		go func() {
			if err := lib.Watch(ctx); err != nil {
				e.Log.Warn("not watching the knowledge folder; use /refresh after changes", "err", err)
			}
		}()
	}
	p, err := e.newPipeline(ctx, lib)
	if err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	summ, err := e.botSummarizer(lib)
	if err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	opts := e.botOptions(p, libraryCatalog{lib}, summ)
	opts.Editor = libraryCatalog{lib}
	b, err := bot.New(opts)
	if err != nil {
		return err
	}
	return b.Run(ctx)
}

// botOptions maps the configuration onto the bot's options.
func (e *Env) botOptions(asker bot.Asker, lib bot.Library, summ bot.Summarizer) bot.Options {
	c := e.Config
	return bot.Options{
		Token:             c.DiscordToken,
		APIURL:            c.DiscordAPIURL,
		GuildID:           c.DiscordGuildID,
		ModeratorRoleIDs:  c.ModeratorRoleIDs,
		AllowedChannelIDs: c.AllowedChannelIDs,
		RateLimitPerUser:  c.RateLimitPerUser,
		DataDir:           c.DataDir,
		Asker:             asker,
		Library:           lib,
		Summarizer:        summ,
		Feedback:          feedback.Open(c.DataDir),
		MaxUploadBytes:    c.MaxUploadBytes,
		ShutdownTimeout:   c.ShutdownTimeout,
		Log:               e.Log.With("component", "discord"),
	}
}

// botSummarizer builds the summarizer over the bot's library, shown to the bot.
func (e *Env) botSummarizer(lib *library.Library) (bot.Summarizer, error) {
	s, err := e.summarizerOver(lib)
	if err != nil {
		return nil, err
	}
	return summarizerAdapter{s}, nil
}

// libraryCatalog shows a *library.Library to the bot.
type libraryCatalog struct{ lib *library.Library }

func (l libraryCatalog) Catalog() bot.Catalog {
	s := l.lib.Current()
	return bot.Catalog{Docs: s.Docs, Refreshed: s.Built}
}

func (l libraryCatalog) Refresh(ctx context.Context) (bot.RefreshReport, error) {
	return botReport(l.lib.Refresh(ctx))
}

func (l libraryCatalog) AddFile(ctx context.Context, name string, data []byte, replace bool, who string) (bot.RefreshReport, error) {
	return botReport(l.lib.AddFile(ctx, name, data, replace, who))
}

func (l libraryCatalog) Remove(ctx context.Context, doc, who string) (bot.RefreshReport, error) {
	return botReport(l.lib.Remove(ctx, doc, who))
}

func (l libraryCatalog) Restore(ctx context.Context, name, who string) (bot.RefreshReport, error) {
	return botReport(l.lib.Restore(ctx, name, who))
}

func (l libraryCatalog) Trash(ctx context.Context) ([]bot.TrashItem, error) {
	items, err := l.lib.Trash()
	if err != nil {
		return nil, err
	}
	out := make([]bot.TrashItem, len(items))
	for i, t := range items {
		out[i] = bot.TrashItem{Name: t.Name, Doc: t.Doc, Removed: t.Removed}
	}
	return out, nil
}

// botReport converts a library report; the library's refusals carry their
// user message through (usererr).
func botReport(rep library.Report, err error) (bot.RefreshReport, error) {
	if err != nil {
		return bot.RefreshReport{}, err
	}
	out := bot.RefreshReport{Added: rep.Added, Changed: rep.Changed, Removed: rep.Removed, Took: time.Duration(rep.MS) * time.Millisecond}
	for _, s := range rep.Skipped {
		out.Skipped = append(out.Skipped, bot.Skipped{Path: s.Path, Reason: s.Reason})
	}
	return out, nil
}

// summarizerAdapter shows a *summary.Summarizer to the bot.
type summarizerAdapter struct{ s *summary.Summarizer }

func (a summarizerAdapter) Summary(ctx context.Context, req bot.SummaryRequest, onDelta func(string)) (answer.Answer, error) {
	sum, err := a.s.Summary(ctx, summary.SummaryRequest{Doc: req.Doc, Length: summary.Length(req.Length), Focus: req.Focus}, onDelta)
	if err != nil {
		return answer.Answer{}, err
	}
	return sum.Answer(), nil
}

func (a summarizerAdapter) Timeline(ctx context.Context, req bot.TimelineRequest) (bot.Timeline, error) {
	t, err := a.s.Timeline(ctx, summary.TimelineRequest{Doc: req.Doc, Max: req.Max})
	if err != nil {
		return bot.Timeline{}, err
	}
	return bot.Timeline{Answer: t.Answer(), Omitted: t.Omitted}, nil
}
