// Package bot is storybot's Discord adapter. It connects to Discord with
// discordgo, registers the slash commands, and turns interactions and
// messages into calls on the answer pipeline, the knowledge library and the
// summarizer, which it knows only through the small interfaces declared here.
//
// Handlers are pure: they take a Request and return a Response (router.go);
// the adapter (this file, output.go, messages.go) does the Discord I/O. Slow
// work is acknowledged at once with a deferred response and finished by
// editing it, with edits at least EditInterval apart.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/internal/answer"
	"storybot/internal/feedback"
	"storybot/internal/library"
	"storybot/internal/state"
	"storybot/internal/summary"
)

// Asker answers questions; *answer.Pipeline implements it.
type Asker interface {
	Ask(ctx context.Context, req answer.Request, onEvent func(answer.Event)) (answer.Answer, error)
}

// Library is the knowledge source: the documents for /sources and
// autocomplete (the current snapshot), and /refresh; *library.Library
// implements it.
type Library interface {
	Current() *library.Snapshot
	Refresh(ctx context.Context) (library.Report, error)
}

// Summarizer writes cited summaries and timelines, which render like
// answers (Summary.Answer, Timeline.Answer); *summary.Summarizer implements
// it.
type Summarizer interface {
	Summary(ctx context.Context, req summary.SummaryRequest, onDelta func(string)) (summary.Summary, error)
	Timeline(ctx context.Context, req summary.TimelineRequest) (summary.Timeline, error)
}

// FeedbackStore records votes; *feedback.Store implements it.
type FeedbackStore interface {
	Add(ctx context.Context, rec feedback.Record) error
}

// Options configure a Bot. Token, Asker, Library and Summarizer are
// required.
type Options struct {
	Token             string
	APIURL            string   // base for REST and gateway discovery; default https://discord.com
	GuildID           string   // register commands to this guild only; "" for global
	ModeratorRoleIDs  []string // roles that may run moderator commands
	AllowedChannelIDs []string // where the bot answers; empty: everywhere
	RateLimitPerUser  int      // questions a minute per user; 0 turns the limit off
	// ShardID and ShardCount make this process one shard of several
	// (SHARD_ID, SHARD_COUNT): Discord sends it the events of the servers
	// with (guild_id >> 22) % ShardCount == ShardID, and only shard 0
	// registers the commands. ShardCount 0 or 1: one shard; AutoShards:
	// the count Discord recommends (GET /gateway/bot).
	ShardID, ShardCount int
	DataDir             string // followed threads and saved answers are kept here ("" keeps them in memory)
	// Answers, Threads and Rates, when set, keep the saved answers, the
	// followed threads and the rate-limit windows in a store shared by the
	// shards (PostgreSQL) instead of DataDir and memory. Writes to Answers
	// and Threads, and votes to Feedback, are retried in the background
	// when they fail, then logged; a failing Rates lets the question
	// through. nil: DataDir and memory.
	Answers state.AnswerStore
	Threads state.ThreadStore
	Rates   state.RateStore

	Asker      Asker
	Library    Library
	Summarizer Summarizer
	Feedback   FeedbackStore // nil: votes are only logged
	// Editor, when set, enables /knowledge add|remove|restore|list.
	Editor         KnowledgeEditor
	MaxUploadBytes int64 // largest file /knowledge add accepts; default 10 MB
	Log            *slog.Logger

	EditInterval    time.Duration // minimum time between edits of a streaming answer; default 1s
	ShutdownTimeout time.Duration // how long in-flight answers may finish after ctx ends; default 10s
	HTTPClient      *http.Client  // its Transport is wrapped to reach APIURL; default a new client
	// OnReady, when set, is called after commands are registered on READY.
	OnReady func(appID, botUserID string)
	// Observer is told about the gateway and the work in flight, for
	// metrics and readiness.
	Observer Observer
}

// Observer is told what the bot does; every field may be nil. Its
// functions are called from discordgo's and the bot's goroutines and must
// be safe for concurrent use.
type Observer struct {
	// Connected is called when the gateway connects (reconnect: not the
	// first time) and, with up false, when it disconnects.
	Connected func(up, reconnect bool)
	// Resumed is called when a gateway session is resumed.
	Resumed func()
	// InFlight is called with +1 when an interaction's or a message's work
	// starts in the background and -1 when it ends.
	InFlight func(delta int)
	// RateLimited is called for each question refused by the rate limit.
	RateLimited func()
}

// AutoShards as Options.ShardCount asks Discord how many shards to run.
const AutoShards = -1

// Bot is a running Discord bot. Create it with New and run it with Run.
type Bot struct {
	opts    Options
	log     *slog.Logger
	router  *Router
	limiter *Limiter
	summ    Summarizer
	answers *answerStore
	jobs    *jobs
	follow  *followed
	persist *persister

	sess     *discordgo.Session
	closing  atomic.Bool
	workMu   sync.Mutex // guards stopped and wg.Add
	stopped  bool
	wg       sync.WaitGroup
	workCtx  context.Context
	stopWork context.CancelFunc

	mu         sync.Mutex
	selfID     string
	appID      string
	registered bool
	parents    map[string]string // channel → parent, for threads seen
}

// answersKept is how many recent answers keep working buttons ("Show
// sources", feedback), in memory and in DATA_DIR.
const answersKept = 2000

// New checks opts and builds a Bot. It does not connect.
func New(opts Options) (*Bot, error) {
	if opts.Token == "" {
		return nil, errors.New("bot: DISCORD_TOKEN is empty: set it to the bot token from the developer portal")
	}
	if opts.Asker == nil || opts.Library == nil || opts.Summarizer == nil {
		return nil, errors.New("bot: Asker, Library and Summarizer are required")
	}
	if opts.APIURL == "" {
		opts.APIURL = "https://discord.com"
	}
	if _, err := url.Parse(opts.APIURL); err != nil {
		return nil, fmt.Errorf("bot: DISCORD_API_URL=%q: %w", opts.APIURL, err)
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.EditInterval <= 0 {
		opts.EditInterval = time.Second
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	p := &persister{log: opts.Log}
	b := &Bot{
		opts:    opts,
		log:     opts.Log,
		limiter: NewLimiter(opts.RateLimitPerUser, time.Minute, nil).onDeny(opts.Observer.RateLimited).sharedIn(opts.Rates, opts.Log),
		summ:    opts.Summarizer,
		answers: newAnswerStore(answersKept, opts.DataDir, opts.Answers, p, opts.Log),
		jobs:    newJobs(),
		persist: p,
		parents: map[string]string{},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f, err := loadFollowed(ctx, opts.DataDir, opts.Threads, p, opts.Log)
	if err != nil {
		return nil, err
	}
	b.follow = f
	b.router = b.routes()
	return b, nil
}

// Run connects to Discord and serves until ctx is done, then shuts down
// gracefully: new questions are refused, answers in flight get
// ShutdownTimeout to finish and are then cancelled (their message says so),
// and the session is closed. It returns nil after a clean shutdown, or an
// error when it cannot connect (a bad token, an unreachable gateway).
func (b *Bot) Run(ctx context.Context) error {
	s, err := newSession(b.opts)
	if err != nil {
		return err
	}
	s.Identify.Intents = Intents
	if err := b.shard(ctx, s); err != nil {
		return err
	}
	s.ShouldReconnectOnError = true
	s.ShouldRetryOnRateLimit = true
	s.StateEnabled = true
	b.sess = s
	b.workCtx, b.stopWork = context.WithCancel(context.WithoutCancel(ctx))
	defer b.stopWork()
	watchCtx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		b.follow.watch(watchCtx)
	}()
	defer func() { stopWatch(); <-watched }()

	s.AddHandler(b.onReady)
	var connects atomic.Int64
	s.AddHandler(func(s *discordgo.Session, _ *discordgo.Connect) {
		if f := b.opts.Observer.Connected; f != nil {
			f(true, connects.Add(1) > 1)
		}
	})
	s.AddHandler(func(s *discordgo.Session, _ *discordgo.Disconnect) {
		if f := b.opts.Observer.Connected; f != nil {
			f(false, false)
		}
	})
	s.AddHandler(func(s *discordgo.Session, r *discordgo.Resumed) {
		b.log.Info("gateway session resumed")
		if f := b.opts.Observer.Resumed; f != nil {
			f()
		}
	})
	s.AddHandler(b.onInteraction)
	s.AddHandler(b.onMessage)
	s.AddHandler(b.onThreadDelete)
	s.AddHandler(b.onChannelDelete)

	if err := s.Open(); err != nil {
		return connectError(b.opts.APIURL, err)
	}
	<-ctx.Done()
	b.shutdown()
	b.persist.wait(2 * persistTries * persistTimeout)
	if err := s.Close(); err != nil {
		b.log.Warn("closing the Discord session", "err", err)
	}
	b.log.Info("bot stopped")
	return nil
}

func (b *Bot) shutdown() {
	b.closing.Store(true)
	b.workMu.Lock() // after this no goWork adds to wg, so Wait is safe
	b.stopped = true
	b.workMu.Unlock()
	n := b.jobs.count()
	b.log.Info("shutting down", "in_flight", n, "deadline", b.opts.ShutdownTimeout)
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-time.After(b.opts.ShutdownTimeout):
	}
	b.log.Warn("cancelling answers still in flight", "in_flight", b.jobs.count())
	b.stopWork()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		b.log.Error("answers did not stop in time")
	}
}

// Intents are the gateway intents the bot asks for: guilds (threads and
// channels), guild messages (mentions and thread follow-ups) and message
// content (privileged: turn it on in the developer portal).
const Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsMessageContent

// Permissions are the bot permissions the invite link asks for.
const Permissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads | discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionReadMessageHistory | discordgo.PermissionEmbedLinks

// InviteURL is the link that adds the bot to a server with the scopes and
// permissions it needs.
func InviteURL(appID string) string {
	return fmt.Sprintf("https://discord.com/oauth2/authorize?client_id=%s&scope=bot+applications.commands&permissions=%d", url.QueryEscape(appID), Permissions)
}

func (b *Bot) onReady(s *discordgo.Session, r *discordgo.Ready) {
	appID := ""
	if r.Application != nil {
		appID = r.Application.ID
	}
	if appID == "" && r.User != nil {
		appID = r.User.ID
	}
	b.mu.Lock()
	if r.User != nil {
		b.selfID = r.User.ID
	}
	b.appID = appID
	first := !b.registered && b.opts.ShardID == 0 // one shard registers for all
	b.registered = true
	b.mu.Unlock()
	b.log.Info("connected to Discord", "user", userName(r.User), "application", appID, "guilds", len(r.Guilds), "invite", InviteURL(appID))
	if first {
		ctx, cancel := context.WithTimeout(b.workCtx, 30*time.Second)
		defer cancel()
		all := Commands()
		if b.opts.Editor != nil {
			all = append(all, knowledgeCommand())
		}
		cmds, err := s.ApplicationCommandBulkOverwrite(appID, b.opts.GuildID, all, discordgo.WithContext(ctx))
		if err != nil {
			b.mu.Lock()
			b.registered = false
			b.mu.Unlock()
			b.log.Error("registering slash commands failed", "guild", b.opts.GuildID, "err", err)
		} else {
			where := "globally (may take up to an hour to appear)"
			if b.opts.GuildID != "" {
				where = "in guild " + b.opts.GuildID
			}
			b.log.Info("slash commands registered "+where, "count", len(cmds))
		}
	}
	if b.opts.OnReady != nil {
		b.opts.OnReady(appID, b.self())
	}
}

// shard sets the session's shard from ShardID and ShardCount, asking
// Discord for the count with AutoShards. Errors: the count could not be
// had, or ShardID is not below it (naming SHARD_ID and SHARD_COUNT).
func (b *Bot) shard(ctx context.Context, s *discordgo.Session) error {
	count := b.opts.ShardCount
	if count == AutoShards {
		gb, err := s.GatewayBot(discordgo.WithContext(ctx))
		if err != nil {
			return fmt.Errorf("bot: SHARD_COUNT=auto: asking Discord for the shard count (GET /gateway/bot): %w", err)
		}
		count = max(gb.Shards, 1)
		b.log.Info("Discord recommends shards", "count", count)
	}
	count = max(count, 1)
	if b.opts.ShardID < 0 || b.opts.ShardID >= count {
		return fmt.Errorf("bot: SHARD_ID=%d must be below SHARD_COUNT (%d): run one process per shard, with SHARD_ID 0 to %d", b.opts.ShardID, count, count-1)
	}
	s.ShardID, s.ShardCount = b.opts.ShardID, count
	if count > 1 {
		b.log = b.log.With("shard", b.opts.ShardID, "shards", count)
	}
	return nil
}

func userName(u *discordgo.User) string {
	if u == nil {
		return ""
	}
	return u.Username
}

// self is the bot user's ID: from our READY handler, or from discordgo's
// state, which READY fills before any handler runs (handlers run
// concurrently, so a message may be handled before onReady).
func (b *Bot) self() string {
	b.mu.Lock()
	id := b.selfID
	b.mu.Unlock()
	if id == "" && b.sess != nil && b.sess.State != nil {
		b.sess.State.RLock()
		if b.sess.State.User != nil {
			id = b.sess.State.User.ID
		}
		b.sess.State.RUnlock()
	}
	return id
}

// onInteraction routes an interaction and sends the response.
func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	ctx, cancel := context.WithTimeout(b.workCtx, 10*time.Second)
	defer cancel()
	if b.closing.Load() {
		if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
			b.respond(ctx, i, ephemeral("I am restarting. Please try again in a minute."))
		}
		return
	}
	r := newRequest(i)
	r.ParentID = b.parentOf(r.ChannelID)
	resp, err := b.router.Serve(ctx, r)
	if err != nil {
		resp = ephemeral(userMessage(err))
	}
	if resp == nil {
		resp = ephemeral(Apology)
	}
	if resp.Deferred == nil {
		b.respond(ctx, i, resp)
		return
	}
	// Acknowledge at once; the work finishes by editing the response.
	flags := discordgo.MessageFlags(0)
	if resp.Ephemeral {
		flags = discordgo.MessageFlagsEphemeral
	}
	if err := s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: flags, AllowedMentions: noMentions()},
	}, discordgo.WithContext(ctx)); err != nil {
		b.log.Error("deferring the interaction failed", "command", r.Name, "status", restStatus(err), "err", err)
		return
	}
	out := newInteractionOutput(s, i, resp.Ephemeral, b.opts.EditInterval, b.log)
	started := b.goWork(r.Name, func(ctx context.Context) {
		if err := b.safely(r.Name, func() error { return resp.Deferred(ctx, out) }); err != nil {
			b.log.Error("deferred work failed", "command", r.Name, "err", err)
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if err := out.Final(fctx, []Message{{Content: userMessage(err)}}); err != nil {
				b.log.Warn("telling the user about a failure failed", "err", err)
			}
		}
	})
	if !started {
		if err := out.Final(ctx, []Message{{Content: "I am restarting. Please try again in a minute."}}); err != nil {
			b.log.Warn("telling the user about the restart failed", "err", err)
		}
	}
}

// goWork runs slow work in the background, tracked for shutdown, with
// panics recovered. It returns false, running nothing, once shutdown began.
func (b *Bot) goWork(name string, f func(ctx context.Context)) bool {
	b.workMu.Lock()
	defer b.workMu.Unlock()
	if b.stopped {
		return false
	}
	inFlight := b.opts.Observer.InFlight
	if inFlight != nil {
		inFlight(1)
	}
	b.wg.Go(func() {
		if inFlight != nil {
			defer inFlight(-1)
		}
		defer func() {
			if p := recover(); p != nil {
				b.log.Error("background work panicked", "work", name, "panic", fmt.Sprint(p))
			}
		}()
		f(b.workCtx)
	})
	return true
}

// safely runs f, turning a panic into errPanic (logged with its stack).
func (b *Bot) safely(name string, f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("work panicked", "work", name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = errPanic
		}
	}()
	return f()
}

// respond sends an immediate interaction response.
func (b *Bot) respond(ctx context.Context, i *discordgo.Interaction, resp *Response) {
	var ir *discordgo.InteractionResponse
	switch {
	case i.Type == discordgo.InteractionApplicationCommandAutocomplete:
		choices := resp.Choices
		if choices == nil {
			choices = []*discordgo.ApplicationCommandOptionChoice{}
		}
		ir = &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: choices}}
	default:
		typ := discordgo.InteractionResponseChannelMessageWithSource
		if resp.Update && i.Type == discordgo.InteractionMessageComponent {
			typ = discordgo.InteractionResponseUpdateMessage
		}
		flags := discordgo.MessageFlagsSuppressEmbeds
		if resp.Ephemeral {
			flags |= discordgo.MessageFlagsEphemeral
		}
		if len(resp.Embeds) > 0 {
			flags &^= discordgo.MessageFlagsSuppressEmbeds
		}
		content := resp.Content
		if len([]rune(content)) > MaxMessageLen {
			content = Split(content, MaxMessageLen)[0]
		}
		ir = &discordgo.InteractionResponse{Type: typ, Data: &discordgo.InteractionResponseData{
			Content: content, Embeds: resp.Embeds, Components: resp.Components, Flags: flags, AllowedMentions: noMentions(),
		}}
	}
	if err := b.sess.InteractionRespond(i, ir, discordgo.WithContext(ctx)); err != nil {
		b.log.Error("responding to the interaction failed", "interaction", i.ID, "status", restStatus(err), "err", err)
	}
}

// parentOf returns the parent of a thread the bot knows ("" otherwise).
func (b *Bot) parentOf(channelID string) string {
	if p := b.follow.parent(channelID); p != "" {
		return p
	}
	b.mu.Lock()
	p, ok := b.parents[channelID]
	b.mu.Unlock()
	if ok {
		return p
	}
	if b.sess != nil && b.sess.State != nil {
		if ch, err := b.sess.State.Channel(channelID); err == nil && ch.IsThread() {
			return ch.ParentID
		}
	}
	return ""
}

func (b *Bot) onThreadDelete(s *discordgo.Session, t *discordgo.ThreadDelete) {
	if t.Channel != nil && b.follow.remove(t.ID) {
		b.log.Info("stopped following a deleted thread", "thread", t.ID)
	}
}

func (b *Bot) onChannelDelete(s *discordgo.Session, c *discordgo.ChannelDelete) {
	if c.Channel != nil && b.follow.remove(c.ID) {
		b.log.Info("stopped following a deleted thread", "thread", c.ID)
	}
}

// NewRewriteTransport returns a RoundTripper that sends every request for
// https://discord.com to base instead (keeping the path, prefixed by base's
// path), through next (http.DefaultTransport when nil). It is how
// DISCORD_API_URL reaches a REST proxy or a test server.
func NewRewriteTransport(base string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || u.Host == "" || (u.Scheme == "https" && u.Host == "discord.com" && u.Path == "") {
		return next
	}
	return rewriteTransport{base: u, next: next}
}

type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip sends requests for discord.com to the base URL.
func (t rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != "discord.com" {
		return t.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.URL.Scheme = t.base.Scheme
	r.URL.Host = t.base.Host
	r.URL.Path = t.base.Path + req.URL.Path
	if req.URL.RawPath != "" {
		r.URL.RawPath = t.base.EscapedPath() + req.URL.RawPath
	}
	r.Host = t.base.Host
	return t.next.RoundTrip(r)
}
