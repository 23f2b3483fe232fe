package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"storybot/internal/library"
	"storybot/internal/summary"
	"storybot/internal/usererr"
)

// consoleHelp lists the console's commands, the terminal's counterparts of
// the Discord slash commands.
const consoleHelp = `Type a question and press Enter; follow-up questions are understood. Commands:
  /summary [sentence|short|medium|long] [bullets] [document] [about TOPIC]
                                            a cited summary of the knowledge, or of one document
                                            (about TOPIC, or a TOPIC no document is called:
                                            only what concerns it)
  /timeline [document]                      the dated events (at most 20), in order, cited
  /sources                                  the documents I answer from
  /refresh                                  re-read the knowledge folder now
  /help                                     this list
  /quit                                     end (or Ctrl-D)
`

// consoleTimelineMax is how many events /timeline shows, spread over the
// whole period, as in Discord; storybot timeline prints them all.
const consoleTimelineMax = 20

// consoleTools is what the console's commands work on; a nil field turns
// its commands off with a message.
type consoleTools struct {
	lib *library.Library
	sum *summary.Summarizer
}

// command runs a console line that starts with "/" and reports whether the
// console should end. Its output, and any error a user can fix, goes to
// out; internal errors are logged and shown as a short apology.
func (c consoleTools) command(ctx context.Context, e *Env, out io.Writer, line string) (quit bool) {
	f := strings.Fields(strings.TrimPrefix(line, "/"))
	if len(f) == 0 {
		io.WriteString(out, consoleHelp)
		return false
	}
	name, args := strings.ToLower(f[0]), f[1:]
	switch name {
	case "quit", "exit", "q":
		return true
	case "help", "?", "h":
		io.WriteString(out, consoleHelp)
	case "summary", "summarize", "summarise":
		if c.sum == nil {
			io.WriteString(out, "Summaries are not available here.\n")
			return false
		}
		c.summary(ctx, e, out, summaryRequest(args))
	case "timeline":
		if c.sum == nil {
			io.WriteString(out, "The timeline is not available here.\n")
			return false
		}
		doc := strings.Join(args, " ")
		tl, err := c.sum.Timeline(ctx, summary.TimelineRequest{Doc: doc, Max: consoleTimelineMax})
		if c.failed(ctx, e, out, "timeline", err) {
			return false
		}
		io.WriteString(out, summary.FormatTimeline(tl))
		if tl.Omitted > 0 && doc == "" {
			io.WriteString(out, "Type /timeline DOCUMENT for one document's events, or run storybot timeline for all of them.\n")
		}
	case "sources", "docs", "documents":
		if c.lib == nil {
			io.WriteString(out, "The list of documents is not available here.\n")
			return false
		}
		io.WriteString(out, consoleCatalog(c.lib.Current(), e.Config.KnowledgeDir))
	case "refresh":
		if c.lib == nil {
			io.WriteString(out, "Refreshing is not available here.\n")
			return false
		}
		rep, err := c.lib.Refresh(ctx)
		if c.failed(ctx, e, out, "refresh", err) {
			return false
		}
		writeRefreshReport(out, rep, e.Config.KnowledgeDir, len(c.lib.Current().Docs))
	default:
		fmt.Fprintf(out, "There is no command /%s. Type /help for the commands, or ask a question without the leading /.\n", name)
	}
	return false
}

// summary writes the summary req asks for, or what went wrong. A name no
// document answers to is taken for a topic the documents mention, as if
// after "about" ("/summary MEK"); when they mention none, the unknown
// document is what is said.
func (c consoleTools) summary(ctx context.Context, e *Env, out io.Writer, req summary.SummaryRequest) string {
	s, err := c.sum.Summary(ctx, req, nil)
	var unknown *summary.Error
	if errors.As(err, &unknown) && unknown.Unknown && req.Focus == "" {
		about := req
		about.Doc, about.Focus = "", req.Doc
		switch topic, terr := c.sum.Summary(ctx, about, nil); {
		case terr == nil && !topic.NotCovered:
			s, err = topic, nil
		case terr == nil:
			err = &summary.Error{Msg: unknown.Msg + fmt.Sprintf(" Nor do the documents mention “%s”.", req.Doc), Closest: unknown.Closest, Unknown: true}
		}
	}
	if c.failed(ctx, e, out, "summary", err) {
		return ""
	}
	io.WriteString(out, summary.FormatSummary(s))
	if h := s.Heading(); h != "" { // as the Discord bot posts it, so that "why?" after it asks about its first sentence
		return h + ":\n" + s.Text
	}
	return s.Text
}

// courtesyWords are the words of a request that ask nothing of it.
var courtesyWords = map[string]bool{"please": true, "pls": true, "plz": true, "thanks": true, "thx": true, "now": true}

// summaryRequest reads /summary's words as Discord's options: a length
// anywhere ("short", "--length long"), "bullets", a topic after "about",
// "focus on", "regarding" or "--focus" (the rest of the line; not after a
// bare "on", which a title may hold), and the document ("--doc" is
// optional); a courtesy ("please") is none of them.
func summaryRequest(args []string) summary.SummaryRequest {
	var req summary.SummaryRequest
	var doc []string
	for i := 0; i < len(args); i++ {
		w := strings.ToLower(strings.TrimLeft(args[i], "-"))
		switch {
		case (w == "length" || w == "l") && i+1 < len(args):
			if l, err := summary.ParseLength(args[i+1]); err == nil {
				req.Length = l
				i++
				continue
			}
		case w == "sentence" || w == "short" || w == "medium" || w == "long":
			req.Length, _ = summary.ParseLength(w)
			continue
		case w == "doc" || w == "document":
			continue
		case courtesyWords[strings.Trim(w, ".,!?")]: // "/summary please" (session 28's new users: "No document is called “please”")
			continue
		case w == "bullets" || w == "bulleted" || w == "bullet":
			req.Bullets = true
			continue
		case w == "about" || w == "focus" || w == "regarding":
			rest := args[i+1:]
			if len(rest) > 0 && strings.EqualFold(rest[0], "on") {
				rest = rest[1:]
			}
			if len(rest) > 0 {
				req.Focus = strings.Join(rest, " ")
				i = len(args)
				continue
			}
		}
		doc = append(doc, args[i])
	}
	req.Doc = strings.Join(doc, " ")
	return req
}

// failed reports whether err ended a command, after telling the user: a
// user error (an unknown document) is shown as it is; anything else is
// logged and shown as an apology. A cancelled ctx is not reported.
func (c consoleTools) failed(ctx context.Context, e *Env, out io.Writer, what string, err error) bool {
	if err == nil {
		return false
	}
	if ctx.Err() != nil {
		return true
	}
	if msg, ok := usererr.Message(err); ok {
		fmt.Fprintf(out, "%s Type /sources for the documents.\n", msg)
		return true
	}
	e.Log.Error(what+" failed", "err", err)
	fmt.Fprintf(out, "Sorry, the %s failed. The details are in the log.\n", what)
	return true
}

// consoleCatalog lists the documents of snap: title, date, passages and
// path, sorted by path, and when the index was built.
func consoleCatalog(snap *library.Snapshot, dir string) string {
	var b strings.Builder
	docs := append(snap.Docs[:0:0], snap.Docs...)
	sort.Slice(docs, func(i, j int) bool { return docs[i].Path < docs[j].Path })
	fmt.Fprintf(&b, "Knowledge: %s in %s", refreshPlural(len(docs), "document"), dir)
	if !snap.Built.IsZero() {
		fmt.Fprintf(&b, ", indexed %s", snap.Built.UTC().Format("2006-01-02 15:04 UTC"))
	}
	b.WriteString(".\n")
	for _, d := range docs {
		date := d.Date
		if date == "" {
			date = "undated"
		}
		fmt.Fprintf(&b, "  • %s — %s — %s — %s\n", shortLine(d.Title, 100), date, refreshPlural(len(d.Passages), "passage"), d.Path)
	}
	if len(snap.Skipped) > 0 {
		fmt.Fprintf(&b, "Skipped: %s (see the log, or run storybot check).\n", refreshPlural(len(snap.Skipped), "file"))
	}
	if len(docs) == 0 {
		b.WriteString("The folder has no documents: add .md, .txt, .html, .pdf, .epub, .docx or .odt files and type /refresh.\n")
	}
	return b.String()
}
