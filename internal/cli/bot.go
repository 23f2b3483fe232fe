package cli

import (
	"context"
	"flag"
	"fmt"
	"slices"

	"storybot/bot"
	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/config"
	"storybot/internal/feedback"
	"storybot/internal/library"
	"storybot/internal/metrics"
	"storybot/internal/summary"
)

// cmdBot runs the Discord bot until ctx ends (SIGINT, SIGTERM): it opens the
// knowledge library (watching the folder when WATCH_KNOWLEDGE is on), builds
// the answer pipeline and the summarizer, and connects with DISCORD_TOKEN.
// It returns nil after a graceful shutdown.
func cmdBot(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error {
	if err := e.parseNoArgs(fs, args); err != nil {
		return err
	}
	if e.Config.DiscordToken == "" {
		return usageErrorf("bot: DISCORD_TOKEN is not set: put your bot's token (developer portal, Bot tab) in .env, or run 'storybot console' to chat in the terminal")
	}
	if e.Config.DatabaseURL != "" { // found unreachable now, not at the first question
		if _, err := e.database(ctx); err != nil {
			return fmt.Errorf("bot: %w", err)
		}
	}
	ready := &readiness{needGateway: true}
	stopOps, err := e.serveOps(ctx, ready)
	if err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	defer stopOps()
	lib, err := e.openLibrary(ctx)
	if err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	defer lib.Close()
	e.observeLibrary(lib)
	ready.knowledge.Store(true)
	if e.Config.Watch {
		go func() {
			if err := lib.Watch(ctx); err != nil {
				e.Log.Warn("not watching the knowledge folder; use /refresh after changes", "err", err)
			}
		}()
	}
	p, err := e.newPipeline(ctx, lib, true)
	if err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	if err := e.openBudget(ctx); err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	summ, err := e.botSummarizer(lib)
	if err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	catalog := libraryCatalog{Library: lib}
	if e.Config.DatabaseURL != "" {
		var stop func()
		catalog.announce, stop = e.shareKnowledgeChanges(ctx, lib)
		defer stop() // before the library and the database close
	}
	opts := e.botOptions(e.asker(p, metrics.SourceDiscord), catalog, summ)
	opts.Editor = catalog
	opts.Observer = e.botObserver(ready)
	if opts.Feedback, err = e.feedbackStore(ctx); err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	if db := e.openedDatabase(); db != nil { // shared by the shards
		opts.Answers, opts.Threads, opts.Rates = db.Answers(), db.Threads(), db.Rates()
	}
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
		ShardID:           c.ShardID,
		ShardCount:        shardCount(c.ShardCount),
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

// shardCount maps SHARD_COUNT to the bot's option.
func shardCount(n int) int {
	if n == config.AutoShards {
		return bot.AutoShards
	}
	return n
}

// botSummarizer builds the summarizer over the bot's library. With a token
// budget set, a second summarizer without the model serves the members and
// servers that have spent theirs.
func (e *Env) botSummarizer(lib *library.Library) (bot.Summarizer, error) {
	s, err := e.summarizerOver(lib)
	if err != nil {
		return nil, err
	}
	g := e.budgetGate()
	if g == nil || !e.Config.LLMEnabled() {
		return s, nil
	}
	return budgetedSummarizer{s: s, gate: g, offline: summary.New(summary.Options{
		Source:           snapshotSource(lib),
		Log:              e.Log,
		MaxContextTokens: e.Config.OpenAIMaxContextTokens,
	})}, nil
}

// libraryCatalog is the bot's library and knowledge editor: the
// *library.Library itself, except that announce, when set, is called after
// each moderator's change that succeeded (/refresh, /knowledge
// add|remove|restore), to tell the other processes.
type libraryCatalog struct {
	*library.Library
	announce func(context.Context)
}

// done announces a change that succeeded.
func (l libraryCatalog) done(ctx context.Context, rep library.Report, err error) (library.Report, error) {
	if err == nil && l.announce != nil {
		l.announce(ctx)
	}
	return rep, err
}

func (l libraryCatalog) Refresh(ctx context.Context) (library.Report, error) {
	rep, err := l.Library.Refresh(ctx)
	return l.done(ctx, rep, err)
}

func (l libraryCatalog) AddFile(ctx context.Context, name string, data []byte, replace bool, who string) (library.Report, error) {
	rep, err := l.Library.AddFile(ctx, name, data, replace, who)
	return l.done(ctx, rep, err)
}

func (l libraryCatalog) Remove(ctx context.Context, doc, who string) (library.Report, error) {
	rep, err := l.Library.Remove(ctx, doc, who)
	return l.done(ctx, rep, err)
}

func (l libraryCatalog) Restore(ctx context.Context, name, who string) (library.Report, error) {
	rep, err := l.Library.Restore(ctx, name, who)
	return l.done(ctx, rep, err)
}

// shareKnowledgeChanges makes moderators' knowledge changes reach the
// other processes on DATABASE_URL (LISTEN/NOTIFY): until ctx ends, each
// change another process announces makes lib re-read the shared folder.
// It returns the function that announces this process's changes (a failed
// announcement is logged; the others catch up through their watchers or
// their next refresh) and stop, which ends the listening and waits.
func (e *Env) shareKnowledgeChanges(ctx context.Context, lib *library.Library) (announce func(context.Context), stop func()) {
	db, err := e.database(ctx)
	if err != nil { // opened at start-up; cannot fail here
		return nil, func() {}
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		db.WatchKnowledgeChanges(wctx, func() {
			if _, err := lib.Refresh(wctx); err != nil && wctx.Err() == nil {
				e.Log.Warn("re-reading the knowledge after another process's change failed", "err", err)
			}
		}, nil)
	}()
	announce = func(ctx context.Context) {
		if err := db.AnnounceKnowledgeChange(context.WithoutCancel(ctx)); err != nil {
			e.Log.Warn("telling the other processes about a knowledge change failed", "err", err)
		}
	}
	return announce, func() { cancel(); <-done }
}

// budgetedSummarizer is the bot's summarizer under a token budget (gate):
// a member or server that has spent it gets the offline summarizer's
// quoted summary, with the reason among the warnings, and the model's
// usage is recorded for the others (SummaryRequest and TimelineRequest say
// who asks).
type budgetedSummarizer struct {
	s, offline *summary.Summarizer
	gate       *budgetGate
}

// pick chooses the summarizer for who asks, and the reason the model is
// not used ("" when it is).
func (a budgetedSummarizer) pick(ctx context.Context, guildID, userID string) (*summary.Summarizer, string) {
	if reason := a.gate.check(ctx, guildID, userID); reason != "" {
		return a.offline, reason
	}
	return a.s, ""
}

// settle records usage, or adds the reason the model was not used to
// warnings.
func (a budgetedSummarizer) settle(ctx context.Context, guildID, userID, reason string, warnings *[]string, usage chat.Usage) {
	if reason != "" {
		*warnings = append(slices.Clip(*warnings), answer.WarnNoModel+reason) // never into a cached summary's array
		return
	}
	a.gate.record(ctx, guildID, userID, usage)
}

func (a budgetedSummarizer) Summary(ctx context.Context, req summary.SummaryRequest, onDelta func(string)) (summary.Summary, error) {
	s, reason := a.pick(ctx, req.GuildID, req.UserID)
	sum, err := s.Summary(ctx, req, onDelta)
	if err != nil {
		return summary.Summary{}, err
	}
	a.settle(ctx, req.GuildID, req.UserID, reason, &sum.Warnings, sum.Usage)
	return sum, nil
}

func (a budgetedSummarizer) Timeline(ctx context.Context, req summary.TimelineRequest) (summary.Timeline, error) {
	s, reason := a.pick(ctx, req.GuildID, req.UserID)
	t, err := s.Timeline(ctx, req)
	if err != nil {
		return summary.Timeline{}, err
	}
	a.settle(ctx, req.GuildID, req.UserID, reason, &t.Warnings, t.Usage)
	return t, nil
}
