package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"storybot/bot"
	"storybot/internal/answer"
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
	p, err := e.newPipeline(ctx, lib)
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
	catalog := libraryCatalog{lib: lib}
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

// botSummarizer builds the summarizer over the bot's library, shown to the
// bot. With a token budget set, a second summarizer without the model
// serves the members and servers that have spent theirs.
func (e *Env) botSummarizer(lib *library.Library) (bot.Summarizer, error) {
	s, err := e.summarizerOver(lib)
	if err != nil {
		return nil, err
	}
	a := summarizerAdapter{s: s, offline: s}
	if g := e.budgetGate(); g != nil && e.Config.LLMEnabled() {
		a.gate = g
		a.offline = summary.New(summary.Options{
			Source:           snapshotSource(lib),
			Log:              e.Log,
			MaxContextTokens: e.Config.OpenAIMaxContextTokens,
		})
	}
	return a, nil
}

// libraryCatalog shows a *library.Library to the bot. announce, when set,
// is called after each moderator's change that succeeded (/refresh,
// /knowledge add|remove|restore), to tell the other processes.
type libraryCatalog struct {
	lib      *library.Library
	announce func(context.Context)
}

// done announces a change that succeeded and converts its report.
func (l libraryCatalog) done(ctx context.Context, rep library.Report, err error) (bot.RefreshReport, error) {
	if err == nil && l.announce != nil {
		l.announce(ctx)
	}
	return botReport(rep, err)
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

func (l libraryCatalog) Catalog() bot.Catalog {
	s := l.lib.Current()
	return bot.Catalog{Docs: s.Docs, Refreshed: s.Built}
}

func (l libraryCatalog) Refresh(ctx context.Context) (bot.RefreshReport, error) {
	rep, err := l.lib.Refresh(ctx)
	return l.done(ctx, rep, err)
}

func (l libraryCatalog) AddFile(ctx context.Context, name string, data []byte, replace bool, who string) (bot.RefreshReport, error) {
	rep, err := l.lib.AddFile(ctx, name, data, replace, who)
	return l.done(ctx, rep, err)
}

func (l libraryCatalog) Remove(ctx context.Context, doc, who string) (bot.RefreshReport, error) {
	rep, err := l.lib.Remove(ctx, doc, who)
	return l.done(ctx, rep, err)
}

func (l libraryCatalog) Restore(ctx context.Context, name, who string) (bot.RefreshReport, error) {
	rep, err := l.lib.Restore(ctx, name, who)
	return l.done(ctx, rep, err)
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

// botReport converts a library report; the library's refusals become
// messages the bot may show.
func botReport(rep library.Report, err error) (bot.RefreshReport, error) {
	var ue *library.UserError
	if errors.As(err, &ue) {
		return bot.RefreshReport{}, &bot.UserError{Msg: ue.Msg}
	}
	if err != nil {
		return bot.RefreshReport{}, err
	}
	out := bot.RefreshReport{Added: rep.Added, Changed: rep.Changed, Removed: rep.Removed, Took: time.Duration(rep.MS) * time.Millisecond}
	for _, s := range rep.Skipped {
		out.Skipped = append(out.Skipped, bot.Skipped{Path: s.Path, Reason: s.Reason})
	}
	return out, nil
}

// summarizerAdapter shows a *summary.Summarizer to the bot. With a token
// budget (gate), a member or server that has spent it gets the offline
// summarizer's quoted summary, with the reason among the warnings, and the
// model's usage is recorded for the others.
type summarizerAdapter struct {
	s, offline *summary.Summarizer
	gate       *budgetGate // nil: no budget
}

// pick chooses the summarizer for who asks, and the reason the model is
// not used ("" when it is).
func (a summarizerAdapter) pick(ctx context.Context, guildID, userID string) (*summary.Summarizer, string) {
	if a.gate == nil {
		return a.s, ""
	}
	if reason := a.gate.check(ctx, guildID, userID); reason != "" {
		return a.offline, reason
	}
	return a.s, ""
}

// settle records the usage of a, or adds the reason the model was not used.
func (a summarizerAdapter) settle(ctx context.Context, guildID, userID, reason string, ans *answer.Answer) {
	switch {
	case reason != "":
		ans.Warnings = append(ans.Warnings, answer.WarnNoModel+reason)
	case a.gate != nil:
		a.gate.record(ctx, guildID, userID, ans.Usage)
	}
}

func (a summarizerAdapter) Summary(ctx context.Context, req bot.SummaryRequest, onDelta func(string)) (answer.Answer, error) {
	s, reason := a.pick(ctx, req.GuildID, req.UserID)
	sum, err := s.Summary(ctx, summary.SummaryRequest{Doc: req.Doc, Length: summary.Length(req.Length), Focus: req.Focus}, onDelta)
	if err != nil {
		return answer.Answer{}, err
	}
	ans := sum.Answer()
	a.settle(ctx, req.GuildID, req.UserID, reason, &ans)
	return ans, nil
}

func (a summarizerAdapter) Timeline(ctx context.Context, req bot.TimelineRequest) (bot.Timeline, error) {
	s, reason := a.pick(ctx, req.GuildID, req.UserID)
	t, err := s.Timeline(ctx, summary.TimelineRequest{Doc: req.Doc, Max: req.Max})
	if err != nil {
		return bot.Timeline{}, err
	}
	ans := t.Answer()
	a.settle(ctx, req.GuildID, req.UserID, reason, &ans)
	return bot.Timeline{Answer: ans, Omitted: t.Omitted}, nil
}
