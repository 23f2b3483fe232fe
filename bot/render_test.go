package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"storybot/internal/answer"
	"storybot/internal/golden"
	"storybot/internal/knowledge"
	"storybot/internal/library"
	"storybot/internal/spell"
	"storybot/internal/state"
	"storybot/internal/usererr"
)

// renderMessages shows messages as a user would see them: content, then
// embeds and buttons.
func renderMessages(ms []Message) string {
	var b strings.Builder
	for i, m := range ms {
		if i > 0 {
			b.WriteString("\n======== next message ========\n")
		}
		b.WriteString(m.Content)
		for _, e := range m.Embeds {
			b.WriteString("\n--- embed: " + e.Title + "\n" + e.Description)
			if e.Footer != nil {
				b.WriteString("\n(" + e.Footer.Text + ")")
			}
		}
		if len(m.Components) > 0 {
			js, _ := json.Marshal(m.Components)
			b.WriteString("\n[buttons] " + string(js))
		}
	}
	return b.String() + "\n"
}

var goldenAnswer = answer.Answer{
	Question: "Why did Albania cut ties with Iran?", Mode: answer.ModeLLM,
	Text: "Albania cut diplomatic ties with Iran after a cyberattack in July 2022 [1]. See https://example.com/report. Microsoft helped it recover [2].",
	Citations: []answer.Citation{
		{N: 1, Doc: "albania.txt", Title: "Albania cuts ties with Iran over cyberattack", Location: "¶1, lines 1-3", Quote: "Albania cut diplomatic ties", Text: "Albania cut diplomatic ties with Iran on September 7, 2022.\nThe government blamed a July cyberattack."},
		{N: 2, Doc: "albania.txt", Title: "Albania cuts ties with Iran over cyberattack", Location: "¶11, lines 21-22", Quote: "Microsoft", Text: "Microsoft and the FBI helped Albania recover.", Flagged: "quote not found"},
	},
}

func TestRenderAnswerGolden(t *testing.T) {
	golden.Check(t, "testdata/answer.golden", renderMessages(RenderAnswer(goldenAnswer, "ID", MaxMessageLen)))
	ex := goldenAnswer
	ex.Mode = answer.ModeExtractive
	golden.Check(t, "testdata/answer_extractive.golden", renderMessages(RenderAnswer(ex, "ID", MaxMessageLen)))
	refused := answer.Answer{Text: "The knowledge folder does not cover that.", Refused: true}
	golden.Check(t, "testdata/answer_refused.golden", renderMessages(RenderAnswer(refused, "ID", MaxMessageLen)))
	// Offline, no sentence clearly answers: a refusal that still shows the
	// nearest quote and its source, without the "Quoted from" note.
	nearest := ex
	nearest.Refused, nearest.Citations = true, goldenAnswer.Citations[:1]
	nearest.Text = answer.MsgNearest + "\n> Albania cut diplomatic ties with Iran on September 7, 2022. [1]"
	golden.Check(t, "testdata/answer_nearest.golden", renderMessages(RenderAnswer(nearest, "ID", MaxMessageLen)))
	// A misspelt question: the small print says how it was read, and the
	// answer still says it quotes because no model was used.
	misspelt := ex
	misspelt.Spelling = []spell.Fix{{From: "albnia", To: "albania"}, {From: "iarn", To: "iran"}}
	text := renderMessages(RenderAnswer(misspelt, "ID", MaxMessageLen))
	golden.Check(t, "testdata/answer_misspelt.golden", text)
	if !strings.Contains(text, "-# 🔤 Read “albnia” as “albania”, “iarn” as “iran”.") || !strings.Contains(text, "no language model was used") {
		t.Errorf("a misspelt question's answer:\n%s", text)
	}
}

func TestRenderAnswerWarningsGolden(t *testing.T) {
	// The model failed: the quoted answer says so, and why.
	down := goldenAnswer
	down.Mode = answer.ModeExtractive
	down.Citations = goldenAnswer.Citations[:1]
	down.Text = "Quoted from the sources:\n> Albania cut diplomatic ties with Iran on September 7, 2022. [1]"
	down.Warnings = []string{answer.WarnUnavailable}
	// The model answered without a citation (and nothing could be quoted).
	uncited := answer.Answer{Mode: answer.ModeLLM, Text: "Albania cut ties with Iran in September 2022.", Warnings: []string{answer.WarnNoSources}}
	// A doubtful citation, a repeated warning and more than maxWarnings.
	many := goldenAnswer
	many.Warnings = []string{"[2]: quote not found", "[2]: quote not found", "first", "second", "third", "fourth"}
	// A summary whose model failed: its own warning says how.
	summary := down
	summary.Text = "Albania cut diplomatic ties with Iran on September 7, 2022. [1]"
	summary.Warnings = []string{"The language model could not write this summary; it is made of quoted sentences instead."}
	var out strings.Builder
	for _, a := range []answer.Answer{down, uncited, many, summary} {
		out.WriteString(renderMessages(RenderAnswer(a, "ID", MaxMessageLen)))
		out.WriteString("\n################\n\n")
	}
	golden.Check(t, "testdata/answer_warnings.golden", out.String())
	if text := RenderAnswer(down, "ID", MaxMessageLen)[0].Content; strings.Contains(text, "no language model was used") || !strings.Contains(text, "-# ⚠️ Quoted from the sources: the language model was unavailable.") {
		t.Errorf("a quoted answer after the model failed must say so, not that no model was used:\n%s", text)
	}
	if text := RenderAnswer(uncited, "ID", MaxMessageLen)[0].Content; !strings.Contains(text, "-# ⚠️ No sources cited.") {
		t.Errorf("an uncited model answer must warn:\n%s", text)
	}
}

func TestRenderLongAnswerSplitsWithButtonsLast(t *testing.T) {
	a := goldenAnswer
	a.Text = strings.Repeat("The attack was severe [1]. ", 150)
	parts := RenderAnswer(a, "ID", MaxMessageLen)
	if len(parts) < 2 {
		t.Fatalf("want several messages, got %d", len(parts))
	}
	for i, p := range parts {
		if n := len([]rune(p.Content)); n > MaxMessageLen {
			t.Errorf("part %d: %d characters", i, n)
		}
		if (p.Components != nil) != (i == len(parts)-1) {
			t.Errorf("part %d: buttons belong on the last message only", i)
		}
	}
}

func TestRenderAnswerCutToThreeMessages(t *testing.T) {
	a := goldenAnswer
	var b strings.Builder
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "Paragraph %d says the attack was severe [1] and Microsoft helped [2].\n\n", i)
	}
	a.Text = b.String()
	// A small limit keeps the golden file short; the cut is the same at 2,000.
	parts := RenderAnswer(a, "ID", 400)
	golden.Check(t, "testdata/answer_cut.golden", renderMessages(parts))
	if len(parts) != MaxReplyParts {
		t.Fatalf("%d messages, want %d", len(parts), MaxReplyParts)
	}
	last := parts[len(parts)-1].Content
	if !strings.Contains(last, "✂️ Cut here") || !strings.HasSuffix(last, "[2] Albania cuts ties with Iran over cyberattack — ¶11, lines 21-22 ⚠️") {
		t.Errorf("the last message must say where the answer was cut and keep the sources: %q", last)
	}
	for i, p := range parts {
		if n := len([]rune(p.Content)); n > 400 {
			t.Errorf("part %d: %d characters", i, n)
		}
	}
	long := []Message{{Content: "a"}, {Content: "b"}, {Content: "c"}, {Content: "d"}, {Content: "e", Components: answerButtons("ID", true)}}
	capped := capParts(long, discardLog())
	if len(capped) != MaxReplyParts || capped[2].Content != "c\n-# ✂️ Cut here: 2 more messages do not fit in a reply." || capped[2].Components == nil {
		t.Errorf("capParts: %+v", capped)
	}
}

func TestRenderSourcesGolden(t *testing.T) {
	embeds, more := RenderSources(goldenAnswer.Citations)
	golden.Check(t, "testdata/sources_quotes.golden", renderMessages([]Message{{Content: "The passages cited:", Embeds: embeds}}))
	if more != 0 {
		t.Errorf("%d sources left out of 2 short ones", more)
	}
	long := []answer.Citation{{N: 1, Title: "T", Doc: "d", Location: "¶1", Text: strings.Repeat("word ", 2000)}}
	if embeds, _ := RenderSources(long); len([]rune(embeds[0].Description)) > MaxEmbedDescLen {
		t.Errorf("embed description has %d characters", len([]rune(embeds[0].Description)))
	}
}

// embedTotal counts the characters Discord limits to MaxEmbedTotal.
func embedTotal(embeds []*discordgo.MessageEmbed) int {
	n := 0
	for _, e := range embeds {
		n += utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
		if e.Footer != nil {
			n += utf8.RuneCountInString(e.Footer.Text)
		}
		if e.Author != nil {
			n += utf8.RuneCountInString(e.Author.Name)
		}
		for _, f := range e.Fields {
			n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		}
	}
	return n
}

func TestRenderSourcesStayWithinOneMessage(t *testing.T) {
	passage := func(n, chars int) answer.Citation {
		var b strings.Builder
		for b.Len() < chars {
			fmt.Fprintf(&b, "Sentence %d of a passage about the outbreak in the region. ", b.Len()/60+1)
		}
		return answer.Citation{N: n, Doc: fmt.Sprintf("papers/outbreak-%02d.txt", n), Title: fmt.Sprintf("Transmission of the outbreak in region %d", n),
			Location: "¶3-5, lines 5-17", Text: b.String()}
	}
	for _, tc := range []struct {
		name              string
		cites, chars      int
		embeds, more      int
		wholeQuotesAtMost int // quotes under this length are not cut
	}{
		{"3 short", 3, 400, 3, 0, 1000},
		{"6 of 1,000 characters (covidqa medium summary)", 6, 1000, 6, 0, 0},
		{"12 of 1,000 characters (covidqa long summary)", 12, 1000, 10, 2, 0},
		{"20 of 4,000 characters", 20, 4000, 10, 10, 0},
	} {
		var cites []answer.Citation
		for i := 1; i <= tc.cites; i++ {
			cites = append(cites, passage(i, tc.chars))
		}
		embeds, more := RenderSources(cites)
		if len(embeds) > tc.embeds || len(embeds) < min(tc.embeds, 5) || more != tc.cites-len(embeds) {
			t.Errorf("%s: %d embeds, %d more; want about %d and %d", tc.name, len(embeds), more, tc.embeds, tc.more)
		}
		if n := embedTotal(embeds); n > MaxEmbedTotal {
			t.Errorf("%s: %d characters in the embeds, over Discord's %d", tc.name, n, MaxEmbedTotal)
		}
		for i, e := range embeds {
			d := e.Description
			if n := utf8.RuneCountInString(d); n > MaxEmbedDescLen || n < minQuote-10 && !strings.HasSuffix(d, ".") {
				t.Errorf("%s: embed %d description of %d characters", tc.name, i, n)
			}
			if cut := strings.HasSuffix(d, "\n> …"); cut == (tc.chars < tc.wholeQuotesAtMost) {
				t.Errorf("%s: embed %d cut=%v: %q", tc.name, i, cut, d[max(0, len(d)-60):])
			}
			if !strings.HasPrefix(e.Title, fmt.Sprintf("[%d] ", i+1)) {
				t.Errorf("%s: embed %d titled %q", tc.name, i, e.Title)
			}
		}
	}
}

func TestHelpAndCatalogAndRefreshGolden(t *testing.T) {
	golden.Check(t, "testdata/help.golden", helpText+"\n")
	cat := &library.Snapshot{Built: time.Date(2026, 11, 25, 21, 0, 0, 0, time.UTC), Docs: []*knowledge.Document{
		{Path: "b.md", Title: "Second", Passages: make([]knowledge.Passage, 3)},
		{Path: "albania.txt", Title: "Albania cuts ties with Iran", Date: "2022-09-07", Passages: make([]knowledge.Passage, 14)},
	}}
	golden.Check(t, "testdata/sources.golden", RenderCatalog(cat)+"\n")
	golden.Check(t, "testdata/sources_empty.golden", RenderCatalog(&library.Snapshot{})+"\n")
	if RenderCatalog(nil) != RenderCatalog(&library.Snapshot{}) {
		t.Error("RenderCatalog(nil) differs from an empty snapshot's")
	}
	rep := library.Report{Added: []string{"new.md"}, Changed: []string{"albania.txt"}, Removed: []string{"old.md"},
		Skipped: []library.SkipReport{{Path: "scan.pdf", Reason: "no text layer"}}, MS: 1234}
	golden.Check(t, "testdata/refresh.golden", RenderRefresh(rep)+"\n")
	golden.Check(t, "testdata/refresh_nothing.golden", RenderRefresh(library.Report{MS: 3})+"\n")
}

func TestInviteURL(t *testing.T) {
	got := InviteURL("123")
	want := "https://discord.com/oauth2/authorize?client_id=123&scope=bot+applications.commands&permissions=309237730304"
	if got != want {
		t.Errorf("InviteURL = %s, want %s", got, want)
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(2, time.Minute, func() time.Time { return now })
	for i := 0; i < 2; i++ {
		if ok, _ := l.Allow(context.Background(), "a"); !ok {
			t.Fatalf("event %d refused", i)
		}
	}
	now = now.Add(20 * time.Second)
	ok, wait := l.Allow(context.Background(), "a")
	if ok || wait != 40*time.Second {
		t.Fatalf("third event: ok=%v wait=%v, want refused for 40s", ok, wait)
	}
	if msg := l.Message(wait); !strings.Contains(msg, "try again in 40 s") {
		t.Errorf("message: %q", msg)
	}
	if ok, _ := l.Allow(context.Background(), "b"); !ok {
		t.Error("another user was limited")
	}
	now = now.Add(41 * time.Second)
	if ok, _ := l.Allow(context.Background(), "a"); !ok {
		t.Error("still limited after the window")
	}
	if ok, _ := NewLimiter(0, time.Minute, nil).Allow(context.Background(), "a"); !ok {
		t.Error("a zero limit must allow everything")
	}
}

func TestIsModerator(t *testing.T) {
	for _, tc := range []struct {
		perms int64
		roles []string
		want  bool
	}{
		{0, nil, false},
		{1 << 5, nil, true},   // Manage Server
		{1 << 3, nil, true},   // Administrator
		{1 << 10, nil, false}, // View Channel only
		{0, []string{"7"}, true},
		{0, []string{"8"}, false},
	} {
		if got := IsModerator(tc.perms, tc.roles, []string{"7"}); got != tc.want {
			t.Errorf("IsModerator(%d, %v) = %v", tc.perms, tc.roles, got)
		}
	}
}

func TestRouterMiddlewareOrderAndUnknown(t *testing.T) {
	var trace []string
	mw := func(name string) Middleware {
		return func(next Handler) Handler {
			return func(ctx context.Context, r *Request) (*Response, error) {
				trace = append(trace, name)
				return next(ctx, r)
			}
		}
	}
	rt := NewRouter(mw("global"))
	rt.Handle(KindCommand, "x", func(ctx context.Context, r *Request) (*Response, error) {
		trace = append(trace, "handler")
		return ephemeral("ok"), nil
	}, mw("route1"), mw("route2"))
	if _, err := rt.Serve(context.Background(), &Request{Kind: KindCommand, Name: "x"}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(trace, ","); got != "global,route1,route2,handler" {
		t.Errorf("order: %s", got)
	}
	resp, err := rt.Serve(context.Background(), &Request{Kind: KindCommand, Name: "nope"})
	if err != nil || !resp.Ephemeral || !strings.Contains(resp.Content, "/nope") {
		t.Errorf("unknown command: %+v %v", resp, err)
	}
}

func TestRecoverMiddleware(t *testing.T) {
	h := Recover(discardLog())(func(ctx context.Context, r *Request) (*Response, error) { panic("boom") })
	if _, err := h(context.Background(), &Request{}); err != errPanic {
		t.Fatalf("want errPanic, got %v", err)
	}
	if userMessage(errPanic) != Apology {
		t.Error("a panic must be shown as the apology")
	}
	if got := userMessage(usererr.Errorf("Pick a document.")); got != "Pick a document." {
		t.Errorf("user error shown as %q", got)
	}
}

func TestRewriteTransport(t *testing.T) {
	var got []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Host+" "+r.URL.Path+"?"+r.URL.RawQuery)
		mu.Unlock()
	}))
	defer srv.Close()
	c := &http.Client{Transport: NewRewriteTransport(srv.URL+"/proxy/", nil)}
	for _, u := range []string{"https://discord.com/api/v9/gateway", "https://discord.com/api/v9/channels/1/messages?limit=10"} {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	want := []string{host + " /proxy/api/v9/gateway?", host + " /proxy/api/v9/channels/1/messages?limit=10"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("requests went to %v, want %v", got, want)
	}
	if _, ok := NewRewriteTransport("https://discord.com", nil).(rewriteTransport); ok {
		t.Error("the default base should not rewrite")
	}
}

func TestThrottleCoalesces(t *testing.T) {
	var mu sync.Mutex
	var sent []string
	th := &throttle{interval: time.Hour, log: discardLog(), edit: func(ctx context.Context, m Message) error {
		mu.Lock()
		sent = append(sent, m.Content)
		mu.Unlock()
		return nil
	}}
	ctx := context.Background()
	th.progress(ctx, Message{Content: "1"}) // sent at once (first edit)
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(sent)
		mu.Unlock()
		if n == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	th.progress(ctx, Message{Content: "2"}) // held: the interval has not passed
	th.progress(ctx, Message{Content: "3"})
	th.stop()
	th.progress(ctx, Message{Content: "4"}) // after stop: dropped
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(sent, ",") != "1" {
		t.Errorf("sent %v; want only the first (the rest coalesced, then stopped)", sent)
	}
}

// TestThrottleSpacesEdits streams progress every millisecond and checks
// that the throttle lets edits go at least the interval apart (it stamps
// each edit when its timer fires, and Go timers never fire early, so this
// holds on any machine, however loaded) and that updates were coalesced
// rather than queued.
func TestThrottleSpacesEdits(t *testing.T) {
	const interval = 40 * time.Millisecond
	var mu sync.Mutex
	var at []time.Time
	var sent []string
	var th *throttle
	th = &throttle{interval: interval, log: discardLog(), start: time.Now(), edit: func(ctx context.Context, m Message) error {
		th.mu.Lock()
		stamp := th.last // when the throttle let this edit go
		th.mu.Unlock()
		mu.Lock()
		at = append(at, stamp)
		sent = append(sent, m.Content)
		mu.Unlock()
		return nil
	}}
	ctx := context.Background()
	begin := time.Now()
	n := 0
	for time.Since(begin) < 6*interval {
		n++
		th.progress(ctx, Message{Content: fmt.Sprint(n)})
		time.Sleep(time.Millisecond)
	}
	th.stop()
	elapsed := time.Since(begin)
	mu.Lock()
	defer mu.Unlock()
	if len(at) < 2 {
		t.Fatalf("want several progress edits over %v, got %d", elapsed, len(at))
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < interval {
			t.Errorf("edits %d and %d were made %v apart, want ≥ %v", i-1, i, gap, interval)
		}
	}
	if max := int(elapsed/interval) + 1; len(at) > max {
		t.Errorf("%d edits in %v; want at most %d", len(at), elapsed, max)
	}
	if len(sent) >= n {
		t.Errorf("%d updates gave %d edits: not coalesced", n, len(sent))
	}
}

func TestFollowedPersists(t *testing.T) {
	dir := t.TempDir()
	f, err := loadFollowed(context.Background(), dir, nil, &persister{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.add("t1", followedThread{Parent: "c1", Question: "q"}); err != nil {
		t.Fatal(err)
	}
	g, err := loadFollowed(context.Background(), dir, nil, &persister{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if p := g.parent("t1"); p != "c1" {
		t.Fatalf("after reload, parent = %q", p)
	}
	if !g.remove("t1") || g.remove("t1") {
		t.Error("remove should report whether the thread was followed")
	}
	os.WriteFile(filepath.Join(dir, state.ThreadsFile), []byte("garbage"), 0o644)
	if _, err := loadFollowed(context.Background(), dir, nil, &persister{}, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Errorf("a corrupt file: %v", err)
	}
}

func TestCleanQuestionAndThreadName(t *testing.T) {
	if got := cleanQuestion("<@123>  why did <@!456> <@&789> Albania act?"); got != "why did Albania act?" {
		t.Errorf("cleanQuestion = %q", got)
	}
	name := threadName(strings.Repeat("long question ", 20))
	if n := len([]rune(name)); n > 100 {
		t.Errorf("thread name has %d characters", n)
	}
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }
