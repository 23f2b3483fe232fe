package bot

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/internal/answer"
	"storybot/internal/chat"
)

// onMessage answers an @mention in a channel by starting a thread on the
// message and answering there, and answers every new message in a thread it
// follows, without a mention, with the thread's recent messages as history.
// Messages from bots (itself included), webhooks and DMs are ignored.
func (b *Bot) onMessage(s *discordgo.Session, mc *discordgo.MessageCreate) {
	m := mc.Message
	self := b.self()
	if m == nil || m.Author == nil || m.Author.Bot || m.Author.ID == self || m.WebhookID != "" || self == "" {
		return
	}
	if m.GuildID == "" || b.closing.Load() {
		return // DMs: the bot works in servers only (and asks for no DM intent)
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	mentioned := slices.ContainsFunc(m.Mentions, func(u *discordgo.User) bool { return u != nil && u.ID == self })
	t, following := b.follow.get(m.ChannelID)
	if !mentioned && !following {
		return
	}
	b.goWork("message", func(ctx context.Context) { b.answerMessage(ctx, m, mentioned, t, following) })
}

var mentionRE = regexp.MustCompile(`<@!?\d+>|<@&\d+>`)

// cleanQuestion removes mentions from a message's text.
func cleanQuestion(s string) string {
	return strings.Join(strings.Fields(mentionRE.ReplaceAllString(s, " ")), " ")
}

func (b *Bot) answerMessage(ctx context.Context, m *discordgo.Message, mentioned bool, t followedThread, following bool) {
	s := b.sess
	rctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	log := b.log.With("channel", m.ChannelID, "user", m.Author.ID, "message", m.ID)
	threadID := m.ChannelID
	parent := t.Parent
	if !following {
		// A mention: in a thread, follow it; in a channel, start a thread.
		ch := b.channel(rctx, m.ChannelID)
		if ch != nil && ch.IsThread() {
			parent = ch.ParentID
		}
		if !channelAllowed(b.opts.AllowedChannelIDs, m.ChannelID, parent) {
			log.Debug("mention in a channel that is not allowed")
			return
		}
	} else if !channelAllowed(b.opts.AllowedChannelIDs, m.ChannelID, parent) {
		return
	}
	q, qerr := validQuestion(cleanQuestion(m.Content))
	if ok, wait := b.limiter.Allow(rctx, m.Author.ID); !ok && qerr == nil {
		b.reply(rctx, m.ChannelID, m.ID, b.limiter.Message(wait))
		return
	}
	if qerr != nil {
		if mentioned { // an empty mention, or an oversized question
			b.reply(rctx, m.ChannelID, m.ID, userMessage(qerr))
		}
		return
	}
	if !following && parent == "" {
		th, err := s.MessageThreadStartComplex(m.ChannelID, m.ID, &discordgo.ThreadStart{
			Name: threadName(q), AutoArchiveDuration: 1440, Type: discordgo.ChannelTypeGuildPublicThread,
		}, discordgo.WithContext(rctx))
		if err != nil {
			log.Warn("starting a thread failed", "status", restStatus(err), "err", err)
			if isGone(err) {
				b.reply(rctx, m.ChannelID, m.ID, "I could not start a thread here (I need the Create Public Threads and Send Messages in Threads permissions). You can ask with /ask instead.")
			}
			return
		}
		threadID, parent = th.ID, m.ChannelID
		b.mu.Lock()
		b.parents[th.ID] = m.ChannelID
		b.mu.Unlock()
	}
	if !following {
		if err := b.follow.add(threadID, followedThread{Parent: parent, Question: q}); err != nil {
			log.Warn("saving followed threads failed", "err", err)
		}
	}
	var history []chat.Message
	if following {
		history = b.history(rctx, threadID, m.ID, t.Question)
	}
	if err := s.ChannelTyping(threadID, discordgo.WithContext(rctx)); err != nil {
		if isGone(err) {
			log.Info("thread is gone or closed to me; unfollowing", "thread", threadID, "status", restStatus(err))
			b.follow.remove(threadID)
			return
		}
		log.Debug("typing indicator failed", "err", err)
	}
	replyTo := ""
	if threadID == m.ChannelID {
		replyTo = m.ID
	}
	out := newChannelOutput(s, threadID, replyTo, b.opts.EditInterval, b.log)
	if err := b.answerInto(ctx, askJob{question: q, history: history, userID: m.Author.ID, guildID: m.GuildID, channelID: threadID}, out); err != nil {
		log.Warn("sending the answer failed", "thread", threadID, "status", restStatus(err), "err", err)
		if isGone(err) {
			b.follow.remove(threadID)
		}
	}
}

// threadName names a thread after its question, within Discord's 100.
func threadName(q string) string {
	return truncate(oneLine(q, 200), maxThreadNameLen)
}

// reply posts a short text in a channel, as a reply when replyTo is set.
func (b *Bot) reply(ctx context.Context, channelID, replyTo, text string) {
	send := &discordgo.MessageSend{Content: text, AllowedMentions: noMentions(), Flags: discordgo.MessageFlagsSuppressEmbeds}
	if replyTo != "" {
		send.Reference = &discordgo.MessageReference{MessageID: replyTo, ChannelID: channelID, FailIfNotExists: new(bool)}
	}
	if _, err := b.sess.ChannelMessageSendComplex(channelID, send, discordgo.WithContext(ctx)); err != nil {
		b.log.Warn("replying failed", "channel", channelID, "status", restStatus(err), "err", err)
	}
}

// channel returns a channel from the state, or from the API (cached in the
// state), nil when it cannot be had.
func (b *Bot) channel(ctx context.Context, id string) *discordgo.Channel {
	s := b.sess
	if s.State != nil {
		if ch, err := s.State.Channel(id); err == nil {
			return ch
		}
	}
	ch, err := s.Channel(id, discordgo.WithContext(ctx))
	if err != nil {
		b.log.Debug("fetching a channel failed", "channel", id, "status", restStatus(err), "err", err)
		return nil
	}
	if ch.IsThread() {
		b.mu.Lock()
		b.parents[ch.ID] = ch.ParentID
		b.mu.Unlock()
	}
	return ch
}

// history returns the thread's recent messages before beforeID as
// conversation turns, oldest first, with the opening question first.
func (b *Bot) history(ctx context.Context, threadID, beforeID, opening string) []chat.Message {
	msgs, err := b.sess.ChannelMessages(threadID, answer.HistoryMessages, beforeID, "", "", discordgo.WithContext(ctx))
	if err != nil {
		b.log.Warn("reading thread history failed", "thread", threadID, "status", restStatus(err), "err", err)
	}
	self := b.self()
	var out []chat.Message
	if opening != "" {
		out = append(out, chat.Message{Role: chat.RoleUser, Content: opening})
	}
	for i := len(msgs) - 1; i >= 0; i-- { // the API returns newest first
		m := msgs[i]
		if m.Author == nil {
			continue
		}
		switch {
		case m.Author.ID == self:
			text, _, _ := strings.Cut(m.Content, "\n\n"+sourcesHeader)
			text, _, _ = strings.Cut(text, "\n\n-# ")
			text = strings.TrimSpace(text)
			if text == "" || strings.HasSuffix(text, "▌") || strings.HasPrefix(text, "⏳") || strings.HasPrefix(text, "🔎") {
				continue // progress, not an answer
			}
			out = append(out, chat.Message{Role: chat.RoleAssistant, Content: text})
		case !m.Author.Bot:
			if q := cleanQuestion(m.Content); q != "" {
				out = append(out, chat.Message{Role: chat.RoleUser, Content: q})
			}
		}
	}
	return out
}
