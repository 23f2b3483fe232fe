package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/feedback"
	"storybot/internal/knowledge"
	"storybot/internal/library"
	"storybot/internal/summary"
	"storybot/internal/usererr"
)

// MaxQuestionLen is the longest question accepted, in characters.
const MaxQuestionLen = 1000

// Commands are the slash commands the bot registers. Moderator commands carry
// default_member_permissions = Manage Server; every command is guild-only.
func Commands() []*discordgo.ApplicationCommand {
	no := false
	mod := int64(discordgo.PermissionManageGuild)
	guild := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	minLen := 1
	lengths := []*discordgo.ApplicationCommandOptionChoice{
		{Name: "sentence", Value: "sentence"}, {Name: "short", Value: "short"}, {Name: "medium", Value: "medium"}, {Name: "long", Value: "long"},
	}
	docOpt := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "document",
		Description: "One document of the knowledge folder (default: all of them)", Autocomplete: true}
	return []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask a question about the story; the answer cites its sources", DMPermission: &no, Contexts: guild,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question", Required: true, MinLength: &minLen, MaxLength: MaxQuestionLen},
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: "Only you see the answer"},
			}},
		{Name: "summary", Description: "A cited summary of the knowledge, or of one document", DMPermission: &no, Contexts: guild,
			Options: []*discordgo.ApplicationCommandOption{docOpt,
				{Type: discordgo.ApplicationCommandOptionString, Name: "length", Description: "How long (default medium)", Choices: lengths},
				{Type: discordgo.ApplicationCommandOptionString, Name: "focus", Description: "Only what concerns this topic, e.g. the MEK", MaxLength: 200},
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "bullets", Description: "As bullet points, a sentence and its sources a line"},
			}},
		{Name: "timeline", Description: "The dated events of the story, in order, cited", DMPermission: &no, Contexts: guild,
			Options: []*discordgo.ApplicationCommandOption{docOpt}},
		{Name: "sources", Description: "The documents I answer from", DMPermission: &no, Contexts: guild,
			Options: []*discordgo.ApplicationCommandOption{}},
		{Name: "refresh", Description: "Moderators: re-read the knowledge folder now", DMPermission: &no, Contexts: guild,
			DefaultMemberPermissions: &mod, Options: []*discordgo.ApplicationCommandOption{}},
		{Name: "help", Description: "What I do, and my commands", DMPermission: &no, Contexts: guild,
			Options: []*discordgo.ApplicationCommandOption{}},
	}
}

// routes builds the router: every route is recovered, logged and limited to
// guilds and the allowed channels; questions are rate limited; /refresh is for
// moderators.
func (b *Bot) routes() *Router {
	rt := NewRouter(Recover(b.log), Logging(b.log), GuildOnly(), AllowedChannels(b.opts.AllowedChannelIDs))
	limit := RateLimit(b.limiter)
	rt.Handle(KindCommand, "ask", b.handleAsk, limit)
	rt.Handle(KindCommand, "summary", b.handleSummary, limit)
	rt.Handle(KindCommand, "timeline", b.handleTimeline, limit)
	rt.Handle(KindAutocomplete, "summary", b.handleDocAutocomplete)
	rt.Handle(KindAutocomplete, "timeline", b.handleDocAutocomplete)
	rt.Handle(KindCommand, "sources", b.handleSources)
	rt.Handle(KindCommand, "refresh", b.handleRefresh, ModeratorOnly(b.opts.ModeratorRoleIDs))
	if b.opts.Editor != nil {
		mod := ModeratorOnly(b.opts.ModeratorRoleIDs)
		rt.Handle(KindCommand, "knowledge", b.handleKnowledge, mod)
		rt.Handle(KindAutocomplete, "knowledge", b.handleKnowledgeAutocomplete, mod)
	}
	rt.Handle(KindCommand, "help", func(context.Context, *Request) (*Response, error) { return ephemeral(helpText), nil })
	rt.Handle(KindComponent, "src", b.handleShowSources)
	rt.Handle(KindComponent, "fb", b.handleFeedback)
	rt.Handle(KindComponent, "cancel", b.handleCancel)
	return rt
}

// checkOptions refuses options the command does not know (a stale
// registration) with a message saying so.
func checkOptions(r *Request, known ...string) error {
	for name := range r.Options {
		found := false
		for _, k := range known {
			found = found || k == name
		}
		if !found {
			return usererr.Errorf("/%s has no option %q: the command list may be out of date. Try again in a minute, or see /help.", r.Name, name)
		}
	}
	return nil
}

// validQuestion trims q and checks its length.
func validQuestion(q string) (string, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return "", usererr.Errorf("Please ask a question, for example: why did Albania cut ties with Iran?")
	}
	if n := utf8.RuneCountInString(q); n > MaxQuestionLen {
		return "", usererr.Errorf("That question is %d characters long; please keep it under %d.", n, MaxQuestionLen)
	}
	return q, nil
}

func (b *Bot) handleAsk(ctx context.Context, r *Request) (*Response, error) {
	if err := checkOptions(r, "question", "private"); err != nil {
		return nil, err
	}
	q, err := validQuestion(r.String("question"))
	if err != nil {
		return nil, err
	}
	j := askJob{question: q, userID: r.UserID, guildID: r.GuildID, channelID: r.ChannelID}
	return &Response{Ephemeral: r.Bool("private"), Deferred: func(ctx context.Context, out Output) error {
		return b.answerInto(ctx, j, out)
	}}, nil
}

// askJob is one question to answer, from /ask or a message.
type askJob struct {
	question                   string
	history                    []chat.Message
	userID, guildID, channelID string
}

// answerInto answers j, streaming progress to out and ending with the cited
// answer and its buttons. A user's cancel, or shutdown, ends it with a
// message saying so.
func (b *Bot) answerInto(ctx context.Context, j askJob, out Output) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	id, cancelled := b.jobs.start(j.userID, cancel)
	defer b.jobs.finish(id)
	buttons := cancelButton(id)
	var streamed strings.Builder
	onEvent := func(ev answer.Event) {
		switch ev.Kind {
		case answer.EventQueued:
			out.Progress(ctx, Message{Content: "⏳ Queued: waiting for a free slot to write your answer…", Components: buttons})
		case answer.EventRetrieved:
			out.Progress(ctx, Message{Content: "🔎 Found the passages; writing the answer…", Components: buttons})
		case answer.EventDelta:
			streamed.WriteString(ev.Delta)
			out.Progress(ctx, Message{Content: progressText(streamed.String()), Components: buttons})
		}
	}
	a, err := b.opts.Asker.Ask(ctx, answer.Request{Question: j.question, History: j.history, GuildID: j.guildID, UserID: j.userID}, onEvent)
	var asked answer.SummaryAsked
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer fcancel()
	switch {
	case err != nil && cancelled.Load():
		return out.Final(fctx, []Message{{Content: "⏹ Cancelled."}})
	case err != nil && b.workCtx.Err() != nil:
		return out.Final(fctx, []Message{{Content: "⏹ I am restarting, so I stopped before finishing. Please ask again in a minute."}})
	case errors.As(err, &answer.TimelineAsked{}) && b.summ != nil: // "give me the timeline": here it is
		return b.timelineInto(ctx, timelineJob{userID: j.userID, guildID: j.guildID, channelID: j.channelID}, out)
	case errors.As(err, &asked) && b.summ != nil: // "summarize the MEK"
		return b.summaryInto(ctx, summaryJob{req: summary.SummaryRequest{Doc: asked.Doc, Focus: asked.Focus, Length: summary.Length(asked.Length), Bullets: asked.Bullets, GuildID: j.guildID, UserID: j.userID}, channelID: j.channelID}, out)
	case err != nil:
		if msg, ok := usererr.Message(err); ok {
			b.log.Info("question refused", "user", j.userID, "reason", msg)
			return out.Final(fctx, []Message{{Content: msg}})
		}
		b.log.Error("answering failed", "user", j.userID, "err", err)
		return out.Final(fctx, []Message{{Content: Apology}})
	}
	aid := b.answers.put(storedAnswer{Answer: a, UserID: j.userID, GuildID: j.guildID, ChannelID: j.channelID})
	b.log.Info("answered", "user", j.userID, "mode", a.Mode, "refused", a.Refused, "citations", len(a.Citations))
	return out.Final(fctx, RenderAnswer(a, aid, MaxMessageLen))
}

func (b *Bot) handleSummary(ctx context.Context, r *Request) (*Response, error) {
	if err := checkOptions(r, "document", "length", "focus", "bullets"); err != nil {
		return nil, err
	}
	doc, err := b.resolveDoc(r.String("document"), false)
	if err != nil {
		return nil, err
	}
	length := r.String("length")
	switch length {
	case "":
		length = "medium"
	case "sentence", "short", "medium", "long":
	default:
		return nil, usererr.Errorf("Length %q: choose sentence, short, medium or long.", length)
	}
	j := summaryJob{req: summary.SummaryRequest{Doc: doc, Length: summary.Length(length), Focus: strings.TrimSpace(r.String("focus")), Bullets: r.Bool("bullets"), GuildID: r.GuildID, UserID: r.UserID}, channelID: r.ChannelID}
	return &Response{Deferred: func(ctx context.Context, out Output) error { return b.summaryInto(ctx, j, out) }}, nil
}

// summaryJob is one summary to write, from /summary or a question that
// asks for one ("summarize the MEK").
type summaryJob struct {
	req       summary.SummaryRequest
	channelID string
}

// summaryInto writes j's summary, streaming a model's, with its sources
// and buttons.
func (b *Bot) summaryInto(ctx context.Context, j summaryJob, out Output) error {
	var streamed strings.Builder
	sum, err := b.summ.Summary(ctx, j.req, func(d string) {
		streamed.WriteString(d)
		out.Progress(ctx, Message{Content: progressText(streamed.String())})
	})
	if err != nil {
		return err
	}
	a := sum.Answer()
	a.Question = strings.Join(strings.Fields("summary "+j.req.Doc+" "+j.req.Focus), " ")
	if h := sum.Heading(); h != "" {
		a.Text = "**" + h + "**\n" + a.Text
	}
	id := b.answers.put(storedAnswer{Answer: a, UserID: j.req.UserID, GuildID: j.req.GuildID, ChannelID: j.channelID})
	return out.Final(ctx, RenderAnswer(a, id, MaxMessageLen))
}

func (b *Bot) handleTimeline(ctx context.Context, r *Request) (*Response, error) {
	if err := checkOptions(r, "document"); err != nil {
		return nil, err
	}
	doc, err := b.resolveDoc(r.String("document"), false)
	if err != nil {
		return nil, err
	}
	j := timelineJob{doc: doc, userID: r.UserID, guildID: r.GuildID, channelID: r.ChannelID}
	return &Response{Deferred: func(ctx context.Context, out Output) error { return b.timelineInto(ctx, j, out) }}, nil
}

// timelineJob is one timeline to show, from /timeline or a question that
// asks for it.
type timelineJob struct {
	doc                        string // "" for the whole folder
	userID, guildID, channelID string
}

// timelineInto shows j's timeline, at most TimelineMax events, with its
// sources and buttons.
func (b *Bot) timelineInto(ctx context.Context, j timelineJob, out Output) error {
	tl, err := b.summ.Timeline(ctx, summary.TimelineRequest{Doc: j.doc, Max: TimelineMax, GuildID: j.guildID, UserID: j.userID})
	if err != nil {
		return err
	}
	a := tl.Answer()
	a.Question = "timeline " + j.doc
	id := b.answers.put(storedAnswer{Answer: a, UserID: j.userID, GuildID: j.guildID, ChannelID: j.channelID})
	return out.Final(ctx, renderAnswer(a, timelineNotes(tl.Omitted, j.doc), id, MaxMessageLen))
}

// TimelineMax is the most events /timeline shows. A folder can hold
// thousands (covidqa's: about 2,650); 20 lines of about 180 characters (their
// mean there) and their sources fit the MaxReplyParts messages of a reply.
const TimelineMax = 20

// timelineNotes says how many events a capped timeline left out, and where
// to see more.
func timelineNotes(omitted int, doc string) []string {
	if omitted <= 0 {
		return nil
	}
	more := fmt.Sprintf("… and %d more event", omitted)
	if omitted > 1 {
		more += "s"
	}
	if doc == "" {
		return []string{more + "; use /timeline document:<name> for one document."}
	}
	return []string{more + " in this document, not shown."}
}

// resolveDoc maps a document option (a path from the autocomplete, or a
// title typed by hand) to a document path; "" stays "" (all documents). It
// takes an exact path, then an exact title (case-insensitive). When exact
// is false (commands that only read: /summary, /timeline) it then takes the
// one document whose path or title contains v. Otherwise, or when several
// documents match, it returns a UserError that lists the candidates' paths:
// a command that removes a document must never guess which.
func (b *Bot) resolveDoc(v string, exact bool) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	docs := b.opts.Library.Current().Docs
	for _, d := range docs {
		if d.Path == v {
			return d.Path, nil
		}
	}
	var titled, loose []string
	low := strings.ToLower(v)
	for _, d := range docs {
		switch {
		case strings.EqualFold(d.Title, v):
			titled = append(titled, d.Path)
		case strings.Contains(strings.ToLower(d.Path), low) || strings.Contains(strings.ToLower(d.Title), low):
			loose = append(loose, d.Path)
		}
	}
	switch {
	case len(titled) == 1:
		return titled[0], nil
	case len(titled) > 1:
		return "", usererr.Errorf("%d documents are titled “%s”; pick one by its path: %s.", len(titled), oneLine(v, 100), listPaths(titled))
	case len(loose) == 1 && !exact:
		return loose[0], nil
	case len(loose) > 0:
		return "", usererr.Errorf("No document has the path or title “%s”. Did you mean %s? Pick one from the list.", oneLine(v, 100), listPaths(loose))
	}
	return "", usererr.Errorf("I have no document “%s”. Pick one from the list, or see /sources.", oneLine(v, 100))
}

// listPaths shows up to 10 paths, sorted, as code.
func listPaths(paths []string) string {
	paths = slices.Sorted(slices.Values(paths))
	var b strings.Builder
	for i, p := range paths {
		if i == 10 {
			fmt.Fprintf(&b, " and %d more", len(paths)-10)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("`" + oneLine(p, 150) + "`")
	}
	return b.String()
}

func (b *Bot) handleDocAutocomplete(ctx context.Context, r *Request) (*Response, error) {
	typed := strings.ToLower(r.String(r.Focused))
	var choices []*discordgo.ApplicationCommandOptionChoice
	if r.Focused != "document" {
		return &Response{Choices: choices}, nil
	}
	for _, d := range b.opts.Library.Current().Docs {
		if typed != "" && !strings.Contains(strings.ToLower(d.Title+" "+d.Path), typed) {
			continue
		}
		if len(d.Path) > 100 { // Discord's limit for a choice value
			continue
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: truncate(d.Title, 100), Value: d.Path})
		if len(choices) == 25 {
			break
		}
	}
	return &Response{Choices: choices}, nil
}

func (b *Bot) handleSources(ctx context.Context, r *Request) (*Response, error) {
	return ephemeral(RenderCatalog(b.opts.Library.Current())), nil
}

// RenderCatalog is /sources' reply: each document of the snapshot (nil:
// none) with title, date and passage count, and the time of the last
// refresh.
func RenderCatalog(snap *library.Snapshot) string {
	var docs []*knowledge.Document
	var built time.Time
	if snap != nil {
		docs, built = append(snap.Docs[:0:0], snap.Docs...), snap.Built
	}
	var sb strings.Builder
	sort.Slice(docs, func(i, j int) bool { return docs[i].Path < docs[j].Path })
	fmt.Fprintf(&sb, "**Knowledge**: %d document", len(docs))
	if len(docs) != 1 {
		sb.WriteString("s")
	}
	if !built.IsZero() {
		fmt.Fprintf(&sb, ", last refreshed %s (<t:%d:R>)", built.UTC().Format("2006-01-02 15:04 UTC"), built.Unix())
	}
	sb.WriteString("\n")
	for _, d := range docs {
		date := d.Date
		if date == "" {
			date = "undated"
		}
		fmt.Fprintf(&sb, "• **%s** — %s — %d passages — `%s`\n", oneLine(d.Title, 100), date, len(d.Passages), d.Path)
	}
	if len(docs) == 0 {
		sb.WriteString("The knowledge folder is empty: a moderator can add files and run /refresh.\n")
	}
	out := Split(sb.String(), MaxMessageLen)
	if len(out) == 0 {
		return ""
	}
	if len(out) > 1 {
		return strings.TrimSpace(Split(out[0], MaxMessageLen-40)[0]) + "\n… and more."
	}
	return out[0]
}

func (b *Bot) handleRefresh(ctx context.Context, r *Request) (*Response, error) {
	if err := checkOptions(r); err != nil {
		return nil, err
	}
	return &Response{Ephemeral: true, Deferred: func(ctx context.Context, out Output) error {
		rep, err := b.opts.Library.Refresh(ctx)
		if err != nil {
			return err
		}
		b.log.Info("knowledge refreshed by a moderator", "user", r.UserID, "added", len(rep.Added), "changed", len(rep.Changed), "removed", len(rep.Removed), "skipped", len(rep.Skipped))
		return out.Final(ctx, textParts(RenderRefresh(rep)))
	}}, nil
}

// RenderRefresh is /refresh's report.
func RenderRefresh(rep library.Report) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "🔄 Refreshed in %s: %d added, %d changed, %d removed, %d skipped.",
		time.Duration(rep.MS)*time.Millisecond, len(rep.Added), len(rep.Changed), len(rep.Removed), len(rep.Skipped))
	list := func(label string, paths []string) {
		for _, p := range paths {
			fmt.Fprintf(&sb, "\n• %s `%s`", label, p)
		}
	}
	list("added", rep.Added)
	list("changed", rep.Changed)
	list("removed", rep.Removed)
	for _, s := range rep.Skipped {
		fmt.Fprintf(&sb, "\n• skipped `%s`: %s", s.Path, s.Reason)
	}
	if len(rep.Added)+len(rep.Changed)+len(rep.Removed)+len(rep.Skipped) == 0 {
		sb.WriteString("\nNothing changed.")
	}
	return sb.String()
}

func (b *Bot) handleShowSources(ctx context.Context, r *Request) (*Response, error) {
	sa, ok := b.answers.get(ctx, r.Arg)
	if !ok {
		return ephemeral("I no longer have the sources of this answer (I may have restarted). Ask again to see them."), nil
	}
	if len(sa.Citations) == 0 {
		return ephemeral("This answer cites no sources."), nil
	}
	embeds, more := RenderSources(sa.Citations)
	text := fmt.Sprintf("The passages cited in the answer to “%s”:", oneLine(sa.Question, 150))
	if more > 0 {
		text += fmt.Sprintf("\n-# … and %d more, which do not fit in one message; the answer lists them all.", more)
	}
	return &Response{Ephemeral: true, Message: Message{Content: text, Embeds: embeds}}, nil
}

func (b *Bot) handleFeedback(ctx context.Context, r *Request) (*Response, error) {
	vote, id, _ := strings.Cut(r.Arg, ":")
	if vote != feedback.Up && vote != feedback.Down {
		return ephemeral("That button no longer works."), nil
	}
	rec := feedback.Record{Vote: vote, UserID: r.UserID, GuildID: r.GuildID, ChannelID: r.ChannelID}
	if r.Message != nil {
		rec.MessageID = r.Message.ID
	}
	if sa, ok := b.answers.get(ctx, id); ok {
		rec.Question, rec.Answer, rec.Mode, rec.Citations = sa.Question, sa.Text, string(sa.Mode), sa.Citations
	} else if r.Message != nil {
		rec.Answer = r.Message.Content // after a restart, the message is all we have
	}
	if b.opts.Feedback != nil {
		add := func(ctx context.Context) error { return b.opts.Feedback.Add(ctx, rec) }
		fctx, cancel := context.WithTimeout(ctx, voteTimeout) // Discord waits 3 s for the reply
		err := add(fctx)
		cancel()
		if err != nil { // retried in the background; the member is thanked all the same
			b.log.Warn("recording a vote failed; retrying", "err", err)
			b.persist.save("vote", add)
		}
	}
	b.log.Info("feedback", "vote", vote, "user", r.UserID, "answer", id)
	mark := "👍"
	if vote == feedback.Down {
		mark = "👎"
	}
	return ephemeral("Thanks, your " + mark + " was recorded."), nil
}

func (b *Bot) handleCancel(ctx context.Context, r *Request) (*Response, error) {
	switch err := b.jobs.cancel(r.Arg, r.UserID); {
	case errors.Is(err, errNotOwner):
		return ephemeral("Only the person who asked can cancel this question."), nil
	case err != nil:
		return ephemeral("This question has already finished."), nil
	}
	return ephemeral("Cancelling your question…"), nil
}
