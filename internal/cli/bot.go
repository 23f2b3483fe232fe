package cli

import (
	"context"
	"fmt"

	"storybot/bot"
	"storybot/internal/feedback"
)

// cmdBot runs the Discord bot until ctx ends (SIGINT, SIGTERM): it opens the
// knowledge library (watching the folder when WATCH_KNOWLEDGE is on), builds
// the answer pipeline and the summarizer, and connects with DISCORD_TOKEN.
// It returns nil after a graceful shutdown.
func cmdBot(ctx context.Context, e *Env, args []string) error {
	fs := e.newFlagSet("bot")
	if err := e.parseNoArgs(fs, args); err != nil {
		return err
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
	summ, err := e.summarizerOver(lib)
	if err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	opts := e.botOptions(p, lib, summ)
	opts.Editor = lib
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
