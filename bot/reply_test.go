package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"storybot/bot"
	"storybot/bot/discordtest"
	"storybot/internal/answer"
	"storybot/internal/summary"
)

// eventsSummarizer is a Summarizer whose timeline has n events, each from a
// passage of its own and about as long as covidqa's (180 characters). It
// keeps TimelineRequest.Max events unless ignoreMax is set. Its summary is
// sum, or a short cited answer.
type eventsSummarizer struct {
	n         int
	ignoreMax bool
	sum       *answer.Answer

	mu   sync.Mutex
	reqs []summary.TimelineRequest
}

var _ bot.Summarizer = (*eventsSummarizer)(nil)

func (s *eventsSummarizer) Summary(ctx context.Context, req summary.SummaryRequest, onDelta func(string)) (summary.Summary, error) {
	a := citedAnswer("summary")
	if s.sum != nil {
		a = *s.sum
	}
	return summary.Summary{Text: a.Text, Mode: a.Mode, Citations: a.Citations}, nil
}

func (s *eventsSummarizer) Timeline(ctx context.Context, req summary.TimelineRequest) (summary.Timeline, error) {
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()
	keep := s.n
	if req.Max > 0 && !s.ignoreMax {
		keep = min(keep, req.Max)
	}
	tl := summary.Timeline{Mode: answer.ModeExtractive, Omitted: s.n - keep}
	for i := range keep {
		c := answer.Citation{N: i + 1, Doc: fmt.Sprintf("papers/outbreak-%03d.txt", i), Title: fmt.Sprintf("Transmission of the outbreak in region %d", i),
			Location: "¶3, lines 5-7", Quote: "cases rose", Text: "In March 2020 the cases rose."}
		tl.Events = append(tl.Events, summary.Event{Date: fmt.Sprintf("2020-03-%02d", i%28+1), DateText: fmt.Sprintf("March %d", i%28+1),
			Text: "The number of confirmed cases in the region rose sharply after the first cluster was found, and the authorities closed schools and markets for two weeks.", Citations: []answer.Citation{c}})
	}
	return tl, nil
}

func (s *eventsSummarizer) requests() []summary.TimelineRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]summary.TimelineRequest(nil), s.reqs...)
}

// replyOf waits for the reply to an interaction to be complete (done says
// when, from the messages so far) and returns its messages' contents: the
// last edit of the original response, then the follow-ups.
func replyOf(t *testing.T, h *harness, id string, done func(parts []string) bool) []string {
	t.Helper()
	var parts []string
	h.srv.Wait(t, "the reply to "+id, func(r []discordtest.Request) bool {
		edits := originalEdits(r, id)
		if len(edits) == 0 {
			return false
		}
		parts = []string{content(edits[len(edits)-1].JSON())}
		for _, f := range find(r, "POST", "/webhooks/"+discordtest.AppID+"/itok-"+id) {
			parts = append(parts, content(f.JSON()))
		}
		return done(parts)
	})
	return parts
}

// checkParts fails when a reply posts more than MaxReplyParts messages or a
// message longer than Discord allows.
func checkParts(t *testing.T, what string, parts []string) {
	t.Helper()
	if len(parts) > bot.MaxReplyParts {
		t.Errorf("%s: %d messages, want at most %d", what, len(parts), bot.MaxReplyParts)
	}
	for i, p := range parts {
		if n := utf8.RuneCountInString(p); n > bot.MaxMessageLen {
			t.Errorf("%s: message %d has %d characters", what, i, n)
		}
	}
}

func TestTimelineIsCapped(t *testing.T) {
	t.Parallel()
	summ := &eventsSummarizer{n: 300}
	h := start(t, streamingAsker(0), func(o *bot.Options) { o.Summarizer = summ })
	tl := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "timeline")
	h.srv.Dispatch(t, "INTERACTION_CREATE", tl)
	parts := replyOf(t, h, tl["id"].(string), func(p []string) bool { return strings.Contains(p[len(p)-1], "**Sources**") })
	checkParts(t, "/timeline", parts)
	if reqs := summ.requests(); len(reqs) != 1 || reqs[0].Max != bot.TimelineMax {
		t.Errorf("the summarizer was asked %+v, want Max %d", reqs, bot.TimelineMax)
	}
	all := strings.Join(parts, "\n")
	if n := strings.Count(all, " — The number of confirmed cases"); n != bot.TimelineMax {
		t.Errorf("%d events shown, want %d", n, bot.TimelineMax)
	}
	if more := fmt.Sprintf("… and %d more events; use /timeline document:<name> for one document.", 300-bot.TimelineMax); !strings.Contains(all, more) {
		t.Errorf("the reply does not say %q:\n%s", more, all)
	}
	if strings.Contains(all, "Cut here") || !strings.Contains(all, fmt.Sprintf("[%d] Transmission", bot.TimelineMax)) {
		t.Errorf("the capped timeline and its sources should fit whole:\n%s", all)
	}

	// One document: no hint to pick one.
	one := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "timeline", discordtest.Opt{Name: "document", Type: 3, Value: storyDoc.Path})
	h.srv.Dispatch(t, "INTERACTION_CREATE", one)
	parts = replyOf(t, h, one["id"].(string), func(p []string) bool { return strings.Contains(p[len(p)-1], "**Sources**") })
	if all := strings.Join(parts, "\n"); !strings.Contains(all, "… and 280 more events in this document, not shown.") {
		t.Errorf("/timeline of one document:\n%s", all)
	}
}

func TestReplyNeverPostsMoreThanThreeMessages(t *testing.T) {
	t.Parallel()
	// A summarizer that ignores Max: the reply is cut, not posted in 50 messages.
	h := start(t, streamingAsker(0), func(o *bot.Options) { o.Summarizer = &eventsSummarizer{n: 300, ignoreMax: true} })
	tl := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "timeline")
	h.srv.Dispatch(t, "INTERACTION_CREATE", tl)
	parts := replyOf(t, h, tl["id"].(string), func(p []string) bool { return strings.Contains(p[len(p)-1], "Cut here") })
	checkParts(t, "/timeline ignoring Max", parts)

	// A refresh that added 400 files.
	for i := range 400 {
		h.lib.report.Added = append(h.lib.report.Added, fmt.Sprintf("papers/outbreak-%03d.txt", i))
	}
	ref := discordtest.Slash(discordtest.Mod, discordtest.ChannelID, "refresh")
	h.srv.Dispatch(t, "INTERACTION_CREATE", ref)
	parts = replyOf(t, h, ref["id"].(string), func(p []string) bool { return strings.Contains(p[len(p)-1], "Cut here") })
	checkParts(t, "/refresh of 400 files", parts)
	if !strings.Contains(parts[0], "400 added") {
		t.Errorf("the report's summary line is missing: %q", parts[0])
	}
}

func TestShowSourcesFitsOneMessage(t *testing.T) {
	t.Parallel()
	// A long summary of covidqa cites 12 passages of about 1,000 characters:
	// 12 embeds of whole quotes would be 10,900 characters, and Discord
	// refuses more than 10 embeds or 6,000 characters in one message (the
	// fake Discord fails the test on either).
	sum := answer.Answer{Mode: answer.ModeExtractive}
	for i := 1; i <= 12; i++ {
		sum.Text += fmt.Sprintf("Finding %d of the review [%d]. ", i, i)
		sum.Citations = append(sum.Citations, answer.Citation{N: i, Doc: fmt.Sprintf("papers/outbreak-%02d.txt", i),
			Title: fmt.Sprintf("Transmission of the outbreak in region %d", i), Location: "¶3-5, lines 5-17",
			Text: strings.Repeat("The number of confirmed cases in the region rose sharply after the first cluster. ", 12)})
	}
	h := start(t, streamingAsker(0), func(o *bot.Options) { o.Summarizer = &eventsSummarizer{sum: &sum} })
	cmd := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "summary", discordtest.Opt{Name: "length", Type: 3, Value: "long"})
	h.srv.Dispatch(t, "INTERACTION_CREATE", cmd)
	var src string
	replyOf(t, h, cmd["id"].(string), func([]string) bool {
		for _, e := range originalEdits(h.srv.Requests(), cmd["id"].(string)) {
			src = withPrefix(customIDs(e.JSON()), "src:")
		}
		return src != ""
	})
	press := discordtest.Button(discordtest.Bob, discordtest.ChannelID, "m1", src, "x")
	h.srv.Dispatch(t, "INTERACTION_CREATE", press)
	cb := waitCallback(t, h, press["id"].(string))
	if rej := h.srv.Rejected(); len(rej) > 0 {
		t.Fatalf("Discord refused %d messages: %s", len(rej), discordtest.Dump(rej))
	}
	embeds, _ := cb["data"].(map[string]any)["embeds"].([]any)
	if len(embeds) < 5 || len(embeds) > 10 {
		t.Errorf("%d embeds for 12 sources", len(embeds))
	}
	if more := fmt.Sprintf("… and %d more, which do not fit in one message", 12-len(embeds)); !strings.Contains(content(cb), more) {
		t.Errorf("Show sources does not say %q: %q", more, content(cb))
	}
}
