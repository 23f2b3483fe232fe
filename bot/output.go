package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// noMentions is set on every message the bot sends: it never pings anyone.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// tokenLifetime is how long an interaction token can be used; after it,
// output goes to the channel. Slightly less than Discord's 15 minutes.
const tokenLifetime = 14*time.Minute + 30*time.Second

// throttle coalesces progress updates so that edits are at least interval
// apart; the latest update wins. It is safe for concurrent use.
type throttle struct {
	interval time.Duration
	edit     func(ctx context.Context, m Message) error
	log      *slog.Logger

	mu      sync.Mutex
	start   time.Time // when the work began; the first edit waits half an interval after it
	last    time.Time
	pending *Message
	timer   *time.Timer
	done    bool
	sending sync.Mutex // held while an edit is on the wire
}

func (t *throttle) progress(ctx context.Context, m Message) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return
	}
	t.pending = &m
	if t.timer != nil {
		return // a flush is already scheduled; it will send the latest
	}
	var wait time.Duration
	if t.last.IsZero() {
		// The deferred acknowledgement already shows "thinking": a quick
		// answer goes straight to the final edit, without a progress edit.
		wait = t.interval/2 - time.Since(t.start)
	} else {
		wait = t.interval - time.Since(t.last)
	}
	wait = max(0, wait)
	t.timer = time.AfterFunc(wait, func() { t.flush(ctx) })
}

func (t *throttle) flush(ctx context.Context) {
	t.sending.Lock()
	defer t.sending.Unlock()
	t.mu.Lock()
	m := t.pending
	t.pending, t.timer = nil, nil
	if t.done || m == nil {
		t.mu.Unlock()
		return
	}
	t.last = time.Now()
	t.mu.Unlock()
	if err := t.edit(ctx, *m); err != nil {
		t.log.Warn("progress edit failed", "err", err)
	}
}

// stopAndWait stops (see stop) and then waits the time stop returns, or
// until ctx is done: what an output does before its final edit.
func (t *throttle) stopAndWait(ctx context.Context) {
	if wait := t.stop(); wait > 0 {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
		}
	}
}

// stop cancels pending progress and waits for an edit on the wire, so the
// final message cannot be overwritten by a late progress edit. It returns
// how long to wait before the final edit (a quarter of the interval after
// the last progress edit).
func (t *throttle) stop() time.Duration {
	t.mu.Lock()
	t.done = true
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	t.mu.Unlock()
	t.sending.Lock()
	defer t.sending.Unlock()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last.IsZero() {
		return 0
	}
	// The final edit waits only a quarter interval after the last progress
	// edit: a finished answer is not held back by a whole interval.
	return max(0, t.interval/4-time.Since(t.last))
}

// interactionOutput writes to an interaction's original response and its
// follow-ups, and to the channel once the token has expired.
type interactionOutput struct {
	s         *discordgo.Session
	i         *discordgo.Interaction
	created   time.Time
	ephemeral bool
	log       *slog.Logger
	th        *throttle
	now       func() time.Time
}

func newInteractionOutput(s *discordgo.Session, i *discordgo.Interaction, ephemeral bool, interval time.Duration, log *slog.Logger) *interactionOutput {
	o := &interactionOutput{s: s, i: i, created: time.Now(), ephemeral: ephemeral, log: log, now: time.Now}
	o.th = &throttle{interval: interval, log: log, edit: o.editOriginal, start: time.Now()}
	return o
}

func (o *interactionOutput) expired() bool { return o.now().Sub(o.created) > tokenLifetime }

func (o *interactionOutput) editOriginal(ctx context.Context, m Message) error {
	if o.expired() {
		return nil // progress is not worth a channel message
	}
	comps := m.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	embeds := m.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	_, err := o.s.InteractionResponseEdit(o.i, &discordgo.WebhookEdit{
		Content: &m.Content, Components: &comps, Embeds: &embeds, AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	return err
}

// Progress edits the original response, at most once an interval.
func (o *interactionOutput) Progress(ctx context.Context, m Message) { o.th.progress(ctx, m) }

// Final edits the original response with parts[0] and sends the rest as
// follow-ups (at most MaxReplyParts in all); after the token expired, to the
// channel (public answers only).
func (o *interactionOutput) Final(ctx context.Context, parts []Message) error {
	o.th.stopAndWait(ctx)
	if len(parts) == 0 {
		parts = []Message{{Content: "(no answer)"}}
	}
	parts = capParts(parts, o.log)
	if o.expired() {
		if o.ephemeral {
			o.log.Warn("private answer dropped: the interaction token expired", "interaction", o.i.ID)
			return nil
		}
		return sendChannel(ctx, o.s, o.i.ChannelID, parts)
	}
	if err := o.editOriginal(ctx, parts[0]); err != nil {
		return fmt.Errorf("edit original response: %w", err)
	}
	for _, p := range parts[1:] {
		var flags discordgo.MessageFlags = discordgo.MessageFlagsSuppressEmbeds
		if o.ephemeral {
			flags |= discordgo.MessageFlagsEphemeral
		}
		if _, err := o.s.FollowupMessageCreate(o.i, true, &discordgo.WebhookParams{
			Content: p.Content, Embeds: p.Embeds, Components: p.Components, AllowedMentions: noMentions(), Flags: flags,
		}, discordgo.WithContext(ctx)); err != nil {
			return fmt.Errorf("send follow-up: %w", err)
		}
	}
	return nil
}

// Private replaces the deferred response with m, seen only by the asker:
// it deletes the response and sends m as an ephemeral follow-up. The
// deletion comes first: the first follow-up of a deferred response would
// replace it instead, public when the deferral was.
func (o *interactionOutput) Private(ctx context.Context, m Message) error {
	o.th.stopAndWait(ctx)
	if err := o.s.InteractionResponseDelete(o.i, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("delete the deferred response: %w", err)
	}
	if _, err := o.s.FollowupMessageCreate(o.i, true, &discordgo.WebhookParams{
		Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: noMentions(),
		Flags: discordgo.MessageFlagsEphemeral | discordgo.MessageFlagsSuppressEmbeds,
	}, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("send an ephemeral follow-up: %w", err)
	}
	return nil
}

// capParts keeps at most MaxReplyParts messages of a reply. The renderers
// stay within it (fitReply); this guards the channel against one that does
// not: the last message kept says how many were dropped and carries the
// buttons of the last one.
func capParts(parts []Message, log *slog.Logger) []Message {
	if len(parts) <= MaxReplyParts {
		return parts
	}
	log.Warn("reply cut to the most messages a reply may post", "parts", len(parts), "kept", MaxReplyParts)
	out := append([]Message(nil), parts[:MaxReplyParts]...)
	last := &out[MaxReplyParts-1]
	note := fmt.Sprintf("-# ✂️ Cut here: %d more messages do not fit in a reply.", len(parts)-MaxReplyParts)
	if kept := Split(last.Content, MaxMessageLen-len(note)-1); len(kept) > 0 {
		note = kept[0] + "\n" + note
	}
	last.Content = note
	last.Components = parts[len(parts)-1].Components
	return out
}

// sendChannel posts parts as new messages in a channel.
func sendChannel(ctx context.Context, s *discordgo.Session, channelID string, parts []Message) error {
	for _, p := range parts {
		if _, err := s.ChannelMessageSendComplex(channelID, &discordgo.MessageSend{
			Content: p.Content, Embeds: p.Embeds, Components: p.Components,
			AllowedMentions: noMentions(), Flags: discordgo.MessageFlagsSuppressEmbeds,
		}, discordgo.WithContext(ctx)); err != nil {
			return fmt.Errorf("send message to channel %s: %w", channelID, err)
		}
	}
	return nil
}

// channelOutput writes to a channel or thread: the first progress creates a
// message, later ones edit it, and the final answer replaces it.
type channelOutput struct {
	s         *discordgo.Session
	channelID string
	replyTo   string // message to reply to, "" for none
	log       *slog.Logger
	th        *throttle

	mu        sync.Mutex
	messageID string
}

func newChannelOutput(s *discordgo.Session, channelID, replyTo string, interval time.Duration, log *slog.Logger) *channelOutput {
	o := &channelOutput{s: s, channelID: channelID, replyTo: replyTo, log: log}
	o.th = &throttle{interval: interval, log: log, edit: o.upsert, start: time.Now()}
	return o
}

func (o *channelOutput) upsert(ctx context.Context, m Message) error {
	o.mu.Lock()
	id := o.messageID
	o.mu.Unlock()
	comps := m.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	if id != "" {
		edit := discordgo.NewMessageEdit(o.channelID, id).SetContent(m.Content)
		edit.Components = &comps
		if m.Embeds != nil {
			edit.Embeds = &m.Embeds
		}
		edit.AllowedMentions = noMentions()
		_, err := o.s.ChannelMessageEditComplex(edit, discordgo.WithContext(ctx))
		return err
	}
	send := &discordgo.MessageSend{Content: m.Content, Embeds: m.Embeds, Components: comps,
		AllowedMentions: noMentions(), Flags: discordgo.MessageFlagsSuppressEmbeds}
	if o.replyTo != "" {
		send.Reference = &discordgo.MessageReference{MessageID: o.replyTo, ChannelID: o.channelID}
		send.Reference.FailIfNotExists = new(bool)
	}
	msg, err := o.s.ChannelMessageSendComplex(o.channelID, send, discordgo.WithContext(ctx))
	if err != nil {
		return err
	}
	o.mu.Lock()
	o.messageID = msg.ID
	o.mu.Unlock()
	return nil
}

// Progress creates, then edits, the progress message.
func (o *channelOutput) Progress(ctx context.Context, m Message) { o.th.progress(ctx, m) }

// Final replaces the progress message with parts[0] and sends the rest (at
// most MaxReplyParts in all).
func (o *channelOutput) Final(ctx context.Context, parts []Message) error {
	o.th.stopAndWait(ctx)
	parts = capParts(parts, o.log)
	for i, p := range parts {
		if i > 0 {
			o.mu.Lock()
			o.messageID = "" // the rest are new messages
			o.replyTo = ""
			o.mu.Unlock()
		}
		if err := o.upsert(ctx, p); err != nil {
			return fmt.Errorf("send answer to channel %s: %w", o.channelID, err)
		}
	}
	return nil
}

// Private is Final with m alone: a channel has no messages only one
// member sees.
func (o *channelOutput) Private(ctx context.Context, m Message) error {
	return o.Final(ctx, []Message{m})
}

// restStatus returns the HTTP status of a failed Discord REST call, 0 when
// err is not one.
func restStatus(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// isGone reports whether err says the channel or message no longer exists
// or the bot may not see it.
func isGone(err error) bool {
	s := restStatus(err)
	return s == http.StatusNotFound || s == http.StatusForbidden
}
