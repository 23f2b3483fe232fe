package bot

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"storybot/internal/answer"
	"storybot/internal/textan"
)

// sourcesHeader starts the sources block of an answer; history building cuts
// the bot's own messages there.
const sourcesHeader = "**Sources**"

var bareURL = regexp.MustCompile(`(^|[^<(])(https?://[^\s<>)]*[^\s<>).,;:!?'"])`)

// suppressLinks wraps bare URLs in <...> so Discord shows no preview.
func suppressLinks(s string) string {
	return bareURL.ReplaceAllString(s, "$1<$2>")
}

// MaxReplyParts is the most messages one reply posts. Discord shows each
// as a message of its own, so a longer reply would flood the channel: it is
// cut (at a paragraph, line or sentence) with a note saying so.
const MaxReplyParts = 3

// RenderAnswer turns an answer into the messages that carry it: the text
// with its inline [n] markers, small-print notes (answerNotes: a quoted
// answer says so and why, and the warnings are shown), a compact sources
// block (title and location, no links) and, on the last message, the
// buttons. Long answers are split at paragraph or sentence boundaries into
// at most MaxReplyParts messages of at most limit characters; text beyond
// them is cut with a note (the notes and sources block are kept). id names
// the stored answer the buttons refer to.
func RenderAnswer(a answer.Answer, id string, limit int) []Message {
	return renderAnswer(a, nil, id, limit)
}

// renderAnswer is RenderAnswer with notes: short lines shown under the text
// in small print, kept when the text is cut.
func renderAnswer(a answer.Answer, notes []string, id string, limit int) []Message {
	text := strings.TrimSpace(suppressLinks(a.Text))
	if text == "" {
		text = "I could not find an answer in the knowledge folder."
	}
	notes = append(answerNotes(a), notes...)
	var tail []string
	if len(notes) > 0 {
		tail = append(tail, "-# "+strings.Join(notes, "\n-# "))
	}
	if len(a.Citations) > 0 {
		var b strings.Builder
		b.WriteString(sourcesHeader)
		for _, c := range a.Citations {
			fmt.Fprintf(&b, "\n[%d] %s — %s", c.N, oneLine(c.Title, 80), c.Location)
			if c.Flagged != "" {
				b.WriteString(" ⚠️")
			}
		}
		tail = append(tail, b.String())
	}
	chunks := fitReply(text, strings.Join(tail, "\n\n"), limit, MaxReplyParts)
	parts := make([]Message, len(chunks))
	for i, c := range chunks {
		parts[i] = Message{Content: c}
	}
	if len(parts) == 0 {
		parts = []Message{{Content: text}}
	}
	parts[len(parts)-1].Components = answerButtons(id, len(a.Citations) > 0)
	return parts
}

// maxWarnings is how many of an answer's warnings are shown.
const maxWarnings = 3

// quotedBecause words the answer pipeline's fallback warnings as the cause
// in the note under a quoted answer.
var quotedBecause = map[string]string{
	answer.WarnUnavailable: "the language model was unavailable",
	answer.WarnEmpty:       "the language model returned an empty answer",
	answer.WarnUncited:     "the language model's answer cited no passage",
}

// answerNotes are the small-print lines under an answer: how misspelt words
// of the question were read (🔤), when it quotes the
// sources, that it does and why (no model configured, or the model failed:
// then with ⚠️), and its other warnings, each on one short line with ⚠️.
func answerNotes(a answer.Answer) []string {
	var notes []string
	if note := a.SpellingNote(); note != "" {
		notes = append(notes, "🔤 "+note)
	}
	warnings := a.Warnings
	if a.Mode == answer.ModeExtractive && !a.Refused && len(a.Citations) > 0 {
		i := slices.IndexFunc(warnings, func(w string) bool { return quotedBecause[w] != "" })
		j := slices.IndexFunc(warnings, func(w string) bool { return strings.HasPrefix(w, answer.WarnNoModel) })
		switch {
		case i >= 0:
			notes = append(notes, "⚠️ Quoted from the sources: "+quotedBecause[warnings[i]]+".")
			warnings = slices.Delete(slices.Clone(warnings), i, i+1)
		case j >= 0: // kept from the model on purpose (a spent token budget): the reason follows the prefix
			notes = append(notes, "⚠️ Quoted from the sources: "+strings.TrimSuffix(strings.TrimPrefix(warnings[j], answer.WarnNoModel), ".")+".")
			warnings = slices.Delete(slices.Clone(warnings), j, j+1)
		case len(warnings) > 0: // a summary or timeline whose model failed: the warning says how
			notes = append(notes, "Quoted from the sources (the language model's answer could not be used).")
		default:
			notes = append(notes, "Quoted from the sources (no language model was used for this answer).")
		}
	}
	var seen []string
	for _, w := range warnings {
		w = oneLine(w, 200)
		if w == "" || slices.Contains(seen, w) {
			continue
		}
		seen = append(seen, w)
	}
	for i, w := range seen {
		if i == maxWarnings {
			notes = append(notes, fmt.Sprintf("⚠️ … and %d more warnings.", len(seen)-maxWarnings))
			break
		}
		w = textan.Capitalize(w)
		if !strings.HasSuffix(w, ".") && !strings.HasSuffix(w, "…") {
			w += "."
		}
		notes = append(notes, "⚠️ "+w)
	}
	return notes
}

// fitReply splits body, then tail, after a blank line, into at most
// maxParts chunks of at most limit characters (see Split). When they need
// more, body is cut at a paragraph, line or sentence end (its first Split
// chunk for a budget that shrinks by a tenth until everything fits),
// followed by a note saying how much was left out; tail is kept whole. Only
// a tail too long by itself is cut too, after maxParts chunks.
func fitReply(body, tail string, limit, maxParts int) []string {
	join := func(b string) string {
		switch {
		case tail == "":
			return b
		case b == "":
			return tail
		}
		return b + "\n\n" + tail
	}
	chunks := Split(join(body), limit)
	if len(chunks) <= maxParts {
		return chunks
	}
	total := utf8.RuneCountInString(strings.TrimSpace(body))
	cut := func(left int) string {
		return fmt.Sprintf("-# ✂️ Cut here: %d more characters do not fit in a reply of %d messages.", left, maxParts)
	}
	for budget := maxParts*limit - utf8.RuneCountInString(tail) - 200; budget >= 200; budget = budget * 9 / 10 {
		kept := Split(body, budget)
		if len(kept) == 0 {
			break
		}
		left := total - utf8.RuneCountInString(kept[0])
		if c := Split(join(kept[0]+"\n\n"+cut(left)), limit); len(c) <= maxParts {
			return c
		}
	}
	// The tail alone needs (nearly) every part: keep the first parts.
	chunks = chunks[:maxParts]
	// The counts are give or take the spaces at the cuts; 20 leaves room
	// for the count to grow as the last chunk shrinks. A limit too small
	// for the note gets none.
	note := cut(utf8.RuneCountInString(join(body)) - utf8.RuneCountInString(strings.Join(chunks, "")))
	if room := limit - utf8.RuneCountInString(note) - 20; room >= 16 {
		last := Split(chunks[maxParts-1], room)[0]
		note = cut(utf8.RuneCountInString(join(body)) - utf8.RuneCountInString(strings.Join(chunks[:maxParts-1], "")+last))
		chunks[maxParts-1] = last + "\n" + note
	}
	return chunks
}

// textParts splits a plain reply (a refresh report) into at most
// MaxReplyParts messages, cut with a note when it is longer.
func textParts(text string) []Message {
	var parts []Message
	for _, c := range fitReply(text, "", MaxMessageLen, MaxReplyParts) {
		parts = append(parts, Message{Content: c})
	}
	return parts
}

// answerButtons is the row under an answer.
func answerButtons(id string, sources bool) []discordgo.MessageComponent {
	var row []discordgo.MessageComponent
	if sources {
		row = append(row, discordgo.Button{Label: "Show sources", Style: discordgo.SecondaryButton, CustomID: "src:" + id})
	}
	row = append(row,
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: "fb:up:" + id},
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: "fb:down:" + id},
	)
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

// cancelButton is shown while a question is being answered.
func cancelButton(id string) []discordgo.MessageComponent {
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Cancel", Style: discordgo.DangerButton, CustomID: "cancel:" + id},
	}}}
}

const (
	// sourcesBudget is what RenderSources fills of MaxEmbedTotal: the rest
	// is a margin should Discord count a character outside the Basic
	// Multilingual Plane (an emoji) as two.
	sourcesBudget = MaxEmbedTotal - 100
	minQuote      = 300 // the shortest quote worth an embed: a sentence or two
)

// RenderSources quotes the cited passages, one embed each with the title,
// the quote and the document and location, within Discord's limits for one
// message: at most MaxEmbeds embeds, each description within 4,096
// characters, and all their text within MaxEmbedTotal. The room is shared
// fairly: quotes shorter than their share are whole, longer ones are cut at
// a sentence or word with "…". Citations that do not fit with a quote of at
// least minQuote characters are left out; more says how many.
func RenderSources(cites []answer.Citation) (embeds []*discordgo.MessageEmbed, more int) {
	type source struct {
		title, footer, quote string
		fixed, want          int
	}
	var srcs []source
	reserved, fixed := 0, 0
	for _, c := range cites {
		if len(srcs) == MaxEmbeds {
			break
		}
		text := c.Text
		if text == "" {
			text = c.Quote
		}
		sr := source{
			title:  truncate(fmt.Sprintf("[%d] %s", c.N, oneLine(c.Title, 200)), 256),
			footer: truncate(c.Doc+" · "+c.Location, 300),
			quote:  "> " + strings.ReplaceAll(strings.TrimSpace(suppressLinks(text)), "\n", "\n> "),
		}
		sr.fixed = utf8.RuneCountInString(sr.title) + utf8.RuneCountInString(sr.footer)
		sr.want = min(utf8.RuneCountInString(sr.quote), MaxEmbedDescLen)
		if reserved+sr.fixed+min(sr.want, minQuote) > sourcesBudget {
			break
		}
		reserved += sr.fixed + min(sr.want, minQuote)
		fixed += sr.fixed
		srcs = append(srcs, sr)
	}
	// Share the room left among the quotes: the shortest take what they
	// need, the rest split what remains (each at least minQuote, as
	// reserved).
	room := sourcesBudget - fixed
	order := make([]int, len(srcs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return srcs[order[a]].want < srcs[order[b]].want })
	allot := make([]int, len(srcs))
	for k, i := range order {
		share := room / (len(srcs) - k)
		allot[i] = min(srcs[i].want, share)
		room -= allot[i]
	}
	for i, sr := range srcs {
		embeds = append(embeds, &discordgo.MessageEmbed{
			Title:       sr.title,
			Description: shortenQuote(sr.quote, allot[i]),
			Footer:      &discordgo.MessageEmbedFooter{Text: sr.footer},
		})
	}
	return embeds, len(cites) - len(embeds)
}

// shortenQuote returns quote if it has at most max characters, else its
// beginning cut at a paragraph, sentence or word, followed by "…" on a
// quoted line, within max.
func shortenQuote(quote string, max int) string {
	if utf8.RuneCountInString(quote) <= max {
		return quote
	}
	const ellipsis = "\n> …"
	chunks := Split(quote, max-utf8.RuneCountInString(ellipsis))
	if len(chunks) == 0 {
		return ""
	}
	return chunks[0] + ellipsis
}

// progressText shows streamed text while it grows, within one message.
func progressText(s string) string {
	s = strings.TrimSpace(s)
	const room = MaxMessageLen - 40
	if r := []rune(s); len(r) > room {
		s = "…" + string(r[len(r)-room:])
	}
	return s + " ▌"
}

func oneLine(s string, max int) string {
	return truncate(strings.Join(strings.Fields(s), " "), max)
}

func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// helpText is /help's reply.
const helpText = `**storybot** answers questions about the story in its knowledge folder, and cites where each claim comes from: [1] points at a passage (document, paragraph, lines).

**Ask**
• ` + "`/ask question:`" + ` — an answer with sources; add ` + "`private:True`" + ` to see it alone.
• Mention me in a channel — I start a thread and answer there. In that thread, just keep asking: no mention needed.
• Under an answer: **Show sources** quotes the passages; 👍 / 👎 tell the team how it did; **Cancel** stops a question while it runs.

**Explore**
• ` + "`/summary [document] [length]`" + ` — a cited summary of one document or of everything.
• ` + "`/timeline [document]`" + ` — the dated events, in order, cited.
• ` + "`/sources`" + ` — the documents I answer from, and when they were last refreshed.

**Moderators** (Manage Server, or a moderator role)
• ` + "`/refresh`" + ` — re-read the knowledge folder now and report what changed.
• ` + "`/knowledge add|remove|restore|list`" + ` — add a document (attach it), move one to the trash, bring it back, or list them (when enabled).`
