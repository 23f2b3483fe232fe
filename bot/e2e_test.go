package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/bot/discordtest"
	"storybot/internal/answer"
	"storybot/internal/feedback"
	"storybot/internal/knowledge"
	"storybot/internal/library"
	"storybot/internal/summary"
	"storybot/internal/syncbuf"
	"storybot/internal/waitfor"
)

// fakeAsker is a hand-written Asker.
type fakeAsker struct {
	mu    sync.Mutex
	reqs  []answer.Request
	askFn func(ctx context.Context, req answer.Request, on func(answer.Event)) (answer.Answer, error)
}

var _ bot.Asker = (*fakeAsker)(nil)

func (f *fakeAsker) Ask(ctx context.Context, req answer.Request, on func(answer.Event)) (answer.Answer, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	return f.askFn(ctx, req, on)
}

func (f *fakeAsker) requests() []answer.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]answer.Request(nil), f.reqs...)
}

// fakeLibrary is a hand-written Library.
type fakeLibrary struct {
	snap      *library.Snapshot
	refreshes atomic.Int32
	report    library.Report
}

var _ bot.Library = (*fakeLibrary)(nil)

func (f *fakeLibrary) Current() *library.Snapshot {
	if f.snap == nil {
		return &library.Snapshot{}
	}
	return f.snap
}

func (f *fakeLibrary) Refresh(ctx context.Context) (library.Report, error) {
	f.refreshes.Add(1)
	return f.report, nil
}

// summarizerOver is the real summarizer (offline) over lib's documents.
func summarizerOver(lib bot.Library) *summary.Summarizer {
	return summary.New(summary.Options{Source: func() (string, []*knowledge.Document) {
		s := lib.Current()
		return s.Version, s.Docs
	}})
}

var storyDoc = &knowledge.Document{
	Path: "Albania-cuts-ties-with-Iran-2022-09-07.txt", Title: "Albania cuts ties with Iran over cyberattack", Date: "2022-09-07",
	Passages: []knowledge.Passage{
		{ID: "p1", Doc: "Albania-cuts-ties-with-Iran-2022-09-07.txt", Title: "Albania cuts ties with Iran over cyberattack", ParaStart: 1, ParaEnd: 1, StartLine: 1, EndLine: 3,
			Text: "Albania cut diplomatic ties with Iran on September 7, 2022, over a cyberattack in July."},
		{ID: "p2", Doc: "Albania-cuts-ties-with-Iran-2022-09-07.txt", Title: "Albania cuts ties with Iran over cyberattack", ParaStart: 11, ParaEnd: 11, StartLine: 21, EndLine: 22,
			Text: "Microsoft and the FBI helped Albania investigate and recover from the attack."},
	},
}

func citedAnswer(q string) answer.Answer {
	return answer.Answer{Question: q, Mode: answer.ModeLLM,
		Text: "Albania cut ties after a July cyberattack [1]; Microsoft helped it recover [2]. @everyone",
		Citations: []answer.Citation{
			{N: 1, Doc: storyDoc.Path, Title: storyDoc.Title, Location: "¶1, lines 1-3", Quote: "Albania cut diplomatic ties", Text: storyDoc.Passages[0].Text},
			{N: 2, Doc: storyDoc.Path, Title: storyDoc.Title, Location: "¶11, lines 21-22", Quote: "Microsoft and the FBI", Text: storyDoc.Passages[1].Text},
		}}
}

// streamingAsker streams a few deltas, then answers.
func streamingAsker(pause time.Duration) *fakeAsker {
	return &fakeAsker{askFn: func(ctx context.Context, req answer.Request, on func(answer.Event)) (answer.Answer, error) {
		on(answer.Event{Kind: answer.EventRetrieved})
		for _, d := range []string{"Albania cut ties ", "after a July ", "cyberattack [1]."} {
			select {
			case <-time.After(pause):
			case <-ctx.Done():
				return answer.Answer{}, ctx.Err()
			}
			on(answer.Event{Kind: answer.EventDelta, Delta: d})
		}
		return citedAnswer(req.Question), nil
	}}
}

// blockingAsker waits for ctx to end.
func blockingAsker(started chan<- struct{}) *fakeAsker {
	return &fakeAsker{askFn: func(ctx context.Context, req answer.Request, on func(answer.Event)) (answer.Answer, error) {
		on(answer.Event{Kind: answer.EventQueued})
		if started != nil {
			started <- struct{}{}
		}
		<-ctx.Done()
		return answer.Answer{}, ctx.Err()
	}}
}

type harness struct {
	srv   *discordtest.Server
	lib   *fakeLibrary
	asker *fakeAsker
	data  string
	logs  *syncbuf.Buffer
	stop  context.CancelFunc
	done  chan error
}

// start runs a real bot against a fake Discord and waits for it to be ready
// (connected and commands registered). At the end of the test it checks that
// every message sent set allowed_mentions to parse nothing.
func start(t testing.TB, asker *fakeAsker, tweak func(*bot.Options)) *harness {
	t.Helper()
	h := &harness{srv: discordtest.New(t), lib: &fakeLibrary{snap: &library.Snapshot{Docs: []*knowledge.Document{storyDoc}, Built: time.Date(2026, 11, 25, 21, 0, 0, 0, time.UTC)}},
		asker: asker, data: t.TempDir(), logs: &syncbuf.Buffer{}, done: make(chan error, 1)}
	opts := bot.Options{
		Token: discordtest.Token, APIURL: h.srv.URL(), GuildID: discordtest.GuildID,
		Asker: asker, Library: h.lib, Summarizer: summarizerOver(h.lib), Feedback: feedback.Open(h.data), DataDir: h.data,
		RateLimitPerUser: 100, EditInterval: 50 * time.Millisecond, ShutdownTimeout: 2 * time.Second,
		Log: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if tweak != nil {
		tweak(&opts)
	}
	b, err := bot.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = cancel
	go func() { h.done <- b.Run(ctx) }()
	h.srv.WaitConnected(t, 1)
	h.srv.Wait(t, "command registration", func(r []discordtest.Request) bool { return len(find(r, "PUT", "/commands")) == 1 })
	t.Cleanup(func() { // last: after Run returned, or gave up waiting
		checkNoMentions(t, h.srv.Requests())
		if t.Failed() {
			t.Logf("bot log:\n%s", h.logs.String())
		}
	})
	t.Cleanup(func() {
		cancel()
		if err := waitfor.Receive(t, "Run to return after cancel", 15*time.Second, h.done); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return h
}

// find returns requests with this method whose path contains substr.
func find(reqs []discordtest.Request, method, substr string) []discordtest.Request {
	var out []discordtest.Request
	for _, r := range reqs {
		if r.Method == method && strings.Contains(r.Path, substr) {
			out = append(out, r)
		}
	}
	return out
}

// checkNoMentions fails when a request that carries message content does not
// set allowed_mentions to {"parse": []}.
func checkNoMentions(t testing.TB, reqs []discordtest.Request) {
	t.Helper()
	for _, r := range reqs {
		body := r.JSON()
		if body == nil {
			continue
		}
		if d, ok := body["data"].(map[string]any); ok { // interaction callbacks
			if body["type"] == float64(8) {
				continue // autocomplete choices carry no message
			}
			body = d
		}
		_, hasContent := body["content"]
		_, hasEmbeds := body["embeds"]
		isMsg := hasContent || hasEmbeds || strings.Contains(r.Path, "/callback")
		if !isMsg || (r.Method == "POST" && strings.HasSuffix(r.Path, "/threads")) {
			continue
		}
		am, ok := body["allowed_mentions"].(map[string]any)
		parse, isList := am["parse"].([]any)
		if !ok || !isList || len(parse) != 0 {
			t.Errorf("%s %s: allowed_mentions = %v, want {\"parse\": []}", r.Method, r.Path, body["allowed_mentions"])
		}
	}
}

func callbackOf(reqs []discordtest.Request, interactionID string) (map[string]any, bool) {
	for _, r := range find(reqs, "POST", "/interactions/"+interactionID+"/") {
		return r.JSON(), true
	}
	return nil, false
}

func waitCallback(t *testing.T, h *harness, interactionID string) map[string]any {
	t.Helper()
	var cb map[string]any
	h.srv.Wait(t, "callback of "+interactionID, func(r []discordtest.Request) bool {
		var ok bool
		cb, ok = callbackOf(r, interactionID)
		return ok
	})
	return cb
}

func content(m map[string]any) string {
	if d, ok := m["data"].(map[string]any); ok {
		m = d
	}
	s, _ := m["content"].(string)
	return s
}

func flags(m map[string]any) int {
	if d, ok := m["data"].(map[string]any); ok {
		m = d
	}
	f, _ := m["flags"].(float64)
	return int(f)
}

// customIDs lists the buttons' custom IDs in a message body.
func customIDs(m map[string]any) []string {
	var ids []string
	rows, _ := m["components"].([]any)
	for _, r := range rows {
		comps, _ := r.(map[string]any)["components"].([]any)
		for _, c := range comps {
			if id, ok := c.(map[string]any)["custom_id"].(string); ok {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

func withPrefix(ids []string, p string) string {
	for _, id := range ids {
		if strings.HasPrefix(id, p) {
			return id
		}
	}
	return ""
}

func originalEdits(reqs []discordtest.Request, interactionID string) []discordtest.Request {
	return find(reqs, "PATCH", "/webhooks/"+discordtest.AppID+"/itok-"+interactionID+"/messages/@original")
}

// waitLastEdit waits (naming what) until the last edit of interactionID's
// original response contains want, and returns the requests then.
func waitLastEdit(t testing.TB, h *harness, what, interactionID, want string) []discordtest.Request {
	t.Helper()
	return h.srv.Wait(t, what, func(r []discordtest.Request) bool {
		e := originalEdits(r, interactionID)
		return len(e) > 0 && strings.Contains(content(e[len(e)-1].JSON()), want)
	})
}

func TestAskEndToEnd(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(80*time.Millisecond), nil)

	// Registration: one bulk overwrite to the guild, under the application ID.
	reg := find(h.srv.Requests(), "PUT", "/applications/"+discordtest.AppID+"/guilds/"+discordtest.GuildID+"/commands")
	if len(reg) != 1 {
		t.Fatalf("want one guild bulk overwrite, got %s", discordtest.Dump(h.srv.Requests()))
	}
	var cmds []map[string]any
	_ = json.Unmarshal(reg[0].Body, &cmds)
	perms := map[string]any{}
	for _, c := range cmds {
		perms[c["name"].(string)] = c["default_member_permissions"]
	}
	if perms["refresh"] != "32" || perms["ask"] != nil {
		t.Errorf("default_member_permissions: %v; want refresh=32 (Manage Server) and ask unset", perms)
	}
	if _, _, intents := h.srv.Stats(); intents != int64(bot.Intents) {
		t.Errorf("IDENTIFY intents = %d, want %d", intents, bot.Intents)
	}
	if !strings.Contains(h.logs.String(), "client_id="+discordtest.AppID) || !strings.Contains(h.logs.String(), "scope=bot+applications.commands") {
		t.Errorf("no invite URL logged on READY:\n%s", h.logs.String())
	}

	ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Why did Albania cut ties with Iran?"})
	id := ask["id"].(string)
	n0 := len(h.srv.Requests())
	h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
	cb := waitCallback(t, h, id)
	if cb["type"] != float64(5) || flags(cb)&64 != 0 {
		t.Fatalf("want a public deferred response (type 5), got %v", cb)
	}
	reqs := waitLastEdit(t, h, "the final answer", id, "**Sources**")
	edits := originalEdits(reqs, id)
	if len(edits) < 2 {
		t.Fatalf("want streamed edits before the final one, got %d", len(edits))
	}
	for i, e := range edits[:len(edits)-1] {
		if withPrefix(customIDs(e.JSON()), "cancel:") == "" {
			t.Errorf("progress edit %d has no Cancel button: %s", i, e.Body)
		}
		// The spacing itself is TestThrottleSpacesEdits' job, measured where
		// the edits are made; here the arrival times at the fake also carry
		// the network's jitter, so only a gross violation fails.
		if i > 0 && e.Time.Sub(edits[i-1].Time) < 25*time.Millisecond {
			t.Errorf("edits %d and %d arrived %v apart; the edit interval is 50 ms", i-1, i, e.Time.Sub(edits[i-1].Time))
		}
	}
	final := edits[len(edits)-1].JSON()
	text := content(final)
	for _, want := range []string{"[1]", "[2]", "**Sources**", "[1] Albania cuts ties with Iran over cyberattack — ¶1, lines 1-3", "¶11, lines 21-22"} {
		if !strings.Contains(text, want) {
			t.Errorf("final answer lacks %q:\n%s", want, text)
		}
	}
	ids := customIDs(final)
	src, up := withPrefix(ids, "src:"), withPrefix(ids, "fb:up:")
	if src == "" || up == "" || withPrefix(ids, "fb:down:") == "" || withPrefix(ids, "cancel:") != "" {
		t.Fatalf("final buttons = %v, want Show sources, 👍, 👎 and no Cancel", ids)
	}
	restCalls := len(h.srv.Since(n0))
	t.Logf("REST calls for one streamed /ask: %d (%s)", restCalls, strings.ReplaceAll(discordtest.Dump(h.srv.Since(n0)), "\n", " | "))

	// Show sources: an ephemeral message quoting each cited passage.
	press := discordtest.Button(discordtest.Bob, discordtest.ChannelID, "m1", src, text)
	h.srv.Dispatch(t, "INTERACTION_CREATE", press)
	cb = waitCallback(t, h, press["id"].(string))
	if cb["type"] != float64(4) || flags(cb)&64 == 0 {
		t.Fatalf("Show sources: want an ephemeral message, got %v", cb)
	}
	body, _ := json.Marshal(cb)
	for _, want := range []string{"Microsoft and the FBI helped Albania", "¶11, lines 21-22", storyDoc.Path} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("Show sources lacks %q: %s", want, body)
		}
	}

	// 👍 is recorded with question, answer and citations.
	vote := discordtest.Button(discordtest.Bob, discordtest.ChannelID, "m1", up, text)
	h.srv.Dispatch(t, "INTERACTION_CREATE", vote)
	cb = waitCallback(t, h, vote["id"].(string))
	if !strings.Contains(content(cb), "recorded") || flags(cb)&64 == 0 {
		t.Errorf("vote reply: %v", cb)
	}
	recs, skipped, err := feedback.Open(h.data).List(context.Background())
	if err != nil || len(recs) != 1 || len(skipped) != 0 {
		t.Fatalf("feedback records: %v %v %v", recs, skipped, err)
	}
	if r := recs[0]; r.Vote != "up" || r.UserID != discordtest.Bob.UserID || r.Question != "Why did Albania cut ties with Iran?" || len(r.Citations) != 2 || !strings.Contains(r.Answer, "[1]") {
		t.Errorf("feedback record: %+v", r)
	}
}

func TestGlobalRegistrationWithoutGuild(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(0), func(o *bot.Options) { o.GuildID = "" })
	if reg := find(h.srv.Requests(), "PUT", "/commands"); len(reg) != 1 || reg[0].Path != "/applications/"+discordtest.AppID+"/commands" {
		t.Fatalf("want one global bulk overwrite:\n%s", discordtest.Dump(h.srv.Requests()))
	}
}

func TestQuickAnswerCostsTwoRESTCalls(t *testing.T) {
	t.Parallel()
	quick := &fakeAsker{askFn: func(ctx context.Context, req answer.Request, on func(answer.Event)) (answer.Answer, error) {
		on(answer.Event{Kind: answer.EventRetrieved})
		return citedAnswer(req.Question), nil
	}}
	h := start(t, quick, func(o *bot.Options) { o.EditInterval = time.Second })
	n := len(h.srv.Requests())
	ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Why?"})
	h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
	h.srv.Wait(t, "the answer", func(r []discordtest.Request) bool { return len(originalEdits(r, ask["id"].(string))) > 0 })
	time.Sleep(600 * time.Millisecond) // a late progress edit would show up here
	if got := h.srv.Since(n); len(got) != 2 {
		t.Errorf("a quick answer took %d REST calls, want 2 (ack, final):\n%s", len(got), discordtest.Dump(got))
	}
}

func TestAskPrivateIsEphemeral(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(0), nil)
	// A payload recorded from Discord, with every field it sends.
	data, err := os.ReadFile("testdata/interaction_ask.json")
	if err != nil {
		t.Fatal(err)
	}
	var ask map[string]any
	if err := json.Unmarshal(data, &ask); err != nil {
		t.Fatal(err)
	}
	h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
	if cb := waitCallback(t, h, ask["id"].(string)); cb["type"] != float64(5) || flags(cb)&64 == 0 {
		t.Fatalf("want an ephemeral deferred response, got %v", cb)
	}
}

func TestCancelOnlyByAsker(t *testing.T) {
	t.Parallel()
	started := make(chan struct{}, 1)
	h := start(t, blockingAsker(started), nil)
	ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Slow one?"})
	id := ask["id"].(string)
	h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
	<-started
	reqs := h.srv.Wait(t, "the queued message", func(r []discordtest.Request) bool {
		e := originalEdits(r, id)
		return len(e) > 0 && strings.Contains(content(e[0].JSON()), "Queued")
	})
	cancelID := withPrefix(customIDs(originalEdits(reqs, id)[0].JSON()), "cancel:")
	if cancelID == "" {
		t.Fatal("no Cancel button while queued")
	}
	bob := discordtest.Button(discordtest.Bob, discordtest.ChannelID, "m", cancelID, "")
	h.srv.Dispatch(t, "INTERACTION_CREATE", bob)
	if cb := waitCallback(t, h, bob["id"].(string)); !strings.Contains(content(cb), "Only the person who asked") {
		t.Fatalf("Bob cancelling Alice's question: %v", cb)
	}
	alice := discordtest.Button(discordtest.Alice, discordtest.ChannelID, "m", cancelID, "")
	h.srv.Dispatch(t, "INTERACTION_CREATE", alice)
	waitCallback(t, h, alice["id"].(string))
	waitLastEdit(t, h, "the cancelled message", id, "Cancelled")
}

func TestMentionStartsThreadAndFollowsIt(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(0), nil)
	msg := discordtest.Message(discordtest.Alice, discordtest.ChannelID, "What happened to Albania's government systems?", true)
	h.srv.Dispatch(t, "MESSAGE_CREATE", msg)
	reqs := h.srv.Wait(t, "a thread and an answer", func(r []discordtest.Request) bool {
		for _, m := range find(r, "POST", "/messages") {
			if strings.Contains(content(m.JSON()), "**Sources**") {
				return true
			}
		}
		return len(find(r, "PATCH", "/channels/")) > 0 && strings.Contains(content(find(r, "PATCH", "/channels/")[len(find(r, "PATCH", "/channels/"))-1].JSON()), "**Sources**")
	})
	threads := find(reqs, "POST", "/channels/"+discordtest.ChannelID+"/messages/"+msg["id"].(string)+"/threads")
	if len(threads) != 1 {
		t.Fatalf("want one thread started on the message:\n%s", discordtest.Dump(reqs))
	}
	if name := threads[0].JSON()["name"]; name != "What happened to Albania's government systems?" {
		t.Errorf("thread name = %q", name)
	}
	var threadID string
	for _, r := range find(reqs, "POST", "/typing") {
		threadID = strings.Split(strings.TrimPrefix(r.Path, "/channels/"), "/")[0]
	}
	if threadID == "" || threadID == discordtest.ChannelID {
		t.Fatalf("the answer did not go to the new thread:\n%s", discordtest.Dump(reqs))
	}
	saved, err := os.ReadFile(filepath.Join(h.data, "discord-threads.json"))
	if err != nil || !bytes.Contains(saved, []byte(threadID)) {
		t.Fatalf("followed thread not saved in DATA_DIR: %s %v", saved, err)
	}

	// A follow-up in the thread, without a mention, is answered with history.
	n := len(h.srv.Requests())
	follow := discordtest.Message(discordtest.Alice, threadID, "and who helped them recover?", false)
	h.srv.Dispatch(t, "MESSAGE_CREATE", follow)
	h.srv.Wait(t, "the follow-up answer", func(r []discordtest.Request) bool {
		return len(find(r[n:], "POST", "/channels/"+threadID+"/messages")) > 0 && len(h.asker.requests()) == 2
	})
	got := h.asker.requests()[1]
	if got.Question != "and who helped them recover?" {
		t.Errorf("follow-up question = %q", got.Question)
	}
	if len(got.History) < 2 || got.History[0].Content != "What happened to Albania's government systems?" || got.History[1].Role != "assistant" || strings.Contains(got.History[1].Content, "Sources") {
		t.Errorf("history = %+v; want the opening question, then the bot's answer without its sources block", got.History)
	}

	// A message in another channel without a mention is ignored.
	n = len(h.srv.Requests())
	h.srv.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Alice, discordtest.Channel2ID, "hello there", false))
	h.srv.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Alice, threadID, "one more?", false))
	h.srv.Wait(t, "the second follow-up", func(r []discordtest.Request) bool { return len(h.asker.requests()) == 3 })
	for _, r := range h.srv.Since(n) {
		if strings.Contains(r.Path, discordtest.Channel2ID) {
			t.Errorf("the bot acted on an unmentioned message: %s %s", r.Method, r.Path)
		}
	}
}

func TestFollowedThreadsSurviveRestart(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "discord-threads.json"), []byte(`{"`+discordtest.ThreadID+`":{"parent":"`+discordtest.ChannelID+`"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	h := start(t, streamingAsker(0), func(o *bot.Options) { o.DataDir = data })
	h.srv.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Alice, discordtest.ThreadID, "who helped?", false))
	h.srv.Wait(t, "an answer in the remembered thread", func(r []discordtest.Request) bool {
		return len(find(r, "POST", "/channels/"+discordtest.ThreadID+"/messages")) > 0
	})
}

func TestRefreshModeratorsOnly(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(0), nil)
	h.lib.report = library.Report{Added: []string{"new.md"}, Skipped: []library.SkipReport{{Path: "big.pdf", Reason: "larger than MAX_FILE_BYTES"}}}
	member := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "refresh")
	h.srv.Dispatch(t, "INTERACTION_CREATE", member)
	cb := waitCallback(t, h, member["id"].(string))
	if cb["type"] != float64(4) || flags(cb)&64 == 0 || !strings.Contains(content(cb), "Manage Server") {
		t.Fatalf("member running /refresh: %v", cb)
	}
	if h.lib.refreshes.Load() != 0 {
		t.Fatal("a member's /refresh reached the library")
	}
	mod := discordtest.Slash(discordtest.Mod, discordtest.ChannelID, "refresh")
	h.srv.Dispatch(t, "INTERACTION_CREATE", mod)
	if cb := waitCallback(t, h, mod["id"].(string)); cb["type"] != float64(5) || flags(cb)&64 == 0 {
		t.Fatalf("moderator /refresh: want an ephemeral deferred response, got %v", cb)
	}
	reqs := h.srv.Wait(t, "the refresh report", func(r []discordtest.Request) bool { return len(originalEdits(r, mod["id"].(string))) > 0 })
	text := content(originalEdits(reqs, mod["id"].(string))[0].JSON())
	if !strings.Contains(text, "1 added") || !strings.Contains(text, "big.pdf") || !strings.Contains(text, "MAX_FILE_BYTES") {
		t.Errorf("refresh report: %q", text)
	}
	// A moderator role also works.
	h2 := start(t, streamingAsker(0), func(o *bot.Options) { o.ModeratorRoleIDs = []string{"555"} })
	roled := discordtest.Slash(discordtest.Member{UserID: "42", Name: "roled", Roles: []string{"555"}}, discordtest.ChannelID, "refresh")
	h2.srv.Dispatch(t, "INTERACTION_CREATE", roled)
	if cb := waitCallback(t, h2, roled["id"].(string)); cb["type"] != float64(5) {
		t.Fatalf("member with a moderator role: %v", cb)
	}
}

// The third question of a member in a minute, with a limit of 2, is
// acknowledged like the others (the limit is checked after) and then
// refused: its public "thinking…" is deleted and the refusal is an
// ephemeral follow-up; the model is asked twice.
func TestPerUserRateLimit(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(0), func(o *bot.Options) { o.RateLimitPerUser = 2 })
	var ask map[string]any
	for i := 0; i < 3; i++ {
		ask = discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Why?"})
		h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
		id := ask["id"].(string)
		if cb := waitCallback(t, h, id); cb["type"] != float64(5) || flags(cb)&64 != 0 {
			t.Fatalf("question %d acknowledged with %v, want a public deferred response", i+1, cb)
		}
		if i < 2 { // the limit is checked after the acknowledgement: let it pass before the next question
			h.srv.Wait(t, fmt.Sprintf("question %d's answer", i+1), func(r []discordtest.Request) bool { return len(originalEdits(r, id)) > 0 })
		}
	}
	var refusal string
	reqs := h.srv.Wait(t, "the refusal", func(r []discordtest.Request) bool {
		var ok bool
		refusal, ok = discordtest.PrivateReply(r, ask["id"].(string))
		return ok
	})
	if !strings.Contains(refusal, "You have asked 2 questions in the last minute. Please try again in") {
		t.Errorf("third question in a minute: %q", refusal)
	}
	if e := originalEdits(reqs, ask["id"].(string)); len(e) != 0 {
		t.Errorf("the refused question's response was edited: %s", discordtest.Dump(e))
	}
	if n := len(h.asker.requests()); n != 2 {
		t.Errorf("the model was asked %d times, want 2", n)
	}
	other := discordtest.Slash(discordtest.Bob, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Why?"})
	h.srv.Dispatch(t, "INTERACTION_CREATE", other)
	if cb := waitCallback(t, h, other["id"].(string)); cb["type"] != float64(5) {
		t.Fatalf("another user is limited too: %v", cb)
	}
}

func TestLongAnswerIsSplit(t *testing.T) {
	t.Parallel()
	long := &fakeAsker{askFn: func(ctx context.Context, req answer.Request, on func(answer.Event)) (answer.Answer, error) {
		a := citedAnswer(req.Question)
		// Long enough for three messages, the most a reply posts (longer
		// ones are cut: TestRenderAnswerCutToThreeMessages).
		a.Text = strings.Repeat("The attack on Albania's systems was severe [1]. Microsoft helped [2]. ", 55) + "\n\n" + strings.Repeat("More detail [1]. ", 100)
		return a, nil
	}}
	h := start(t, long, nil)
	ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Tell me everything"})
	id := ask["id"].(string)
	h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
	reqs := h.srv.Wait(t, "the follow-ups", func(r []discordtest.Request) bool {
		f := find(r, "POST", "/webhooks/"+discordtest.AppID+"/itok-"+id)
		return len(f) > 0 && withPrefix(customIDs(f[len(f)-1].JSON()), "src:") != ""
	})
	parts := append(originalEdits(reqs, id), find(reqs, "POST", "/webhooks/"+discordtest.AppID+"/itok-"+id)...)
	if len(parts) < 3 {
		t.Fatalf("want the answer in 3+ messages, got %d", len(parts))
	}
	var all strings.Builder
	for _, p := range parts {
		c := content(p.JSON())
		if n := len([]rune(c)); n > bot.MaxMessageLen {
			t.Errorf("a message has %d characters", n)
		}
		all.WriteString(c)
	}
	if got, want := strings.Count(all.String(), "[1]")+strings.Count(all.String(), "[2]"), 55*2+100+2; got != want {
		t.Errorf("citation markers across the messages: %d, want %d (one was cut)", got, want)
	}
}

func TestModelDownExtractiveAnswer(t *testing.T) {
	t.Parallel()
	extractive := &fakeAsker{askFn: func(ctx context.Context, req answer.Request, on func(answer.Event)) (answer.Answer, error) {
		a := citedAnswer(req.Question)
		a.Mode = answer.ModeExtractive
		a.Text = "“Albania cut diplomatic ties with Iran on September 7, 2022, over a cyberattack in July.” [1]"
		a.Warnings = []string{"language model unavailable"}
		return a, nil
	}}
	h := start(t, extractive, nil)
	ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "When?"})
	id := ask["id"].(string)
	h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
	reqs := h.srv.Wait(t, "the answer", func(r []discordtest.Request) bool { return len(originalEdits(r, id)) > 0 })
	text := content(originalEdits(reqs, id)[0].JSON())
	if !strings.Contains(text, "Quoted from the sources") || !strings.Contains(text, "[1]") {
		t.Errorf("extractive answer: %q", text)
	}
}

func TestReconnectResumes(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(0), nil)
	h.srv.Drop()
	h.srv.WaitConnected(t, 2)
	// discordgo's heartbeat and read loops can both notice the dropped socket
	// and race to reconnect, which costs a few more RESUMEs before the session
	// settles; the fake, unlike Discord, does not replay events sent to a
	// socket that is going away. So wait until the resumes stop.
	_, resumes, _ := h.srv.Stats()
	for settle := 0; settle < 20; settle++ {
		time.Sleep(1500 * time.Millisecond)
		_, now, _ := h.srv.Stats()
		if now == resumes {
			break
		}
		resumes = now
	}
	if ids, resumes, _ := h.srv.Stats(); ids != 1 || resumes < 1 {
		t.Fatalf("after a dropped socket: %d IDENTIFY, %d RESUME; want 1 IDENTIFY (the session resumed, never re-identified) and at least 1 RESUME", ids, resumes)
	}
	ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Still there?"})
	h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
	waitCallback(t, h, ask["id"].(string))
	if n := len(find(h.srv.Requests(), "PUT", "/commands")); n != 1 {
		t.Errorf("commands registered %d times, want once", n)
	}
}

func TestShutdownWhileAnswering(t *testing.T) {
	t.Parallel()
	started := make(chan struct{}, 1)
	h := start(t, blockingAsker(started), func(o *bot.Options) { o.ShutdownTimeout = 100 * time.Millisecond })
	ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Slow?"})
	id := ask["id"].(string)
	h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
	<-started
	h.stop()
	if err := waitfor.Receive(t, "Run to return after shutdown", 10*time.Second, h.done); err != nil {
		t.Fatalf("Run after shutdown: %v", err)
	}
	h.done <- nil // for the cleanup
	edits := originalEdits(h.srv.Requests(), id)
	if len(edits) == 0 || !strings.Contains(content(edits[len(edits)-1].JSON()), "restarting") {
		t.Fatalf("the in-flight question was not told about the shutdown:\n%s", discordtest.Dump(h.srv.Requests()))
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(0), nil)
	long := strings.Repeat("why ", 300)
	for _, tc := range []struct {
		name    string
		payload map[string]any
		want    string
	}{
		{"unknown command", discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "dance"), "don't know the command /dance"},
		{"unknown option", discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "x"}, discordtest.Opt{Name: "colour", Type: 3, Value: "red"}), "no option \"colour\""},
		{"DM, no member", discordtest.Slash(discordtest.Member{UserID: "9", Name: "dm", DM: true}, "dmchannel", "ask", discordtest.Opt{Name: "question", Type: 3, Value: "x"}), "not in direct messages"},
		{"empty question", discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "   "}), "Please ask a question"},
		{"oversized question", discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: long}), "keep it under 1000"},
		{"wrong option type", discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 5, Value: true}), "Please ask a question"},
		{"stale button", discordtest.Button(discordtest.Alice, discordtest.ChannelID, "m", "zap:1", ""), "no longer works"},
		{"sources of a forgotten answer", discordtest.Button(discordtest.Alice, discordtest.ChannelID, "m", "src:gone", ""), "no longer have the sources"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.srv.Dispatch(t, "INTERACTION_CREATE", tc.payload)
			cb := waitCallback(t, h, tc.payload["id"].(string))
			if cb["type"] != float64(4) || flags(cb)&64 == 0 || !strings.Contains(content(cb), tc.want) {
				t.Errorf("got %v, want an ephemeral message containing %q", cb, tc.want)
			}
		})
	}
	if len(h.asker.requests()) != 0 {
		t.Errorf("bad input reached the pipeline: %+v", h.asker.requests())
	}
}

func TestIgnoredMessages(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(0), nil)
	n := len(h.srv.Requests())
	otherBot := discordtest.Member{UserID: "77", Name: "otherbot", Bot: true}
	self := discordtest.Member{UserID: discordtest.BotID, Name: "storybot"}
	h.srv.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(otherBot, discordtest.ChannelID, "why?", true))
	h.srv.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(self, discordtest.ChannelID, "why?", true))
	h.srv.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Member{UserID: "9", Name: "dm", DM: true}, "dm1", "why?", true))
	// A marker message after them: once it is answered, the others were ignored.
	h.srv.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Alice, discordtest.ChannelID, "", true))
	reqs := h.srv.Wait(t, "the reply to the empty mention", func(r []discordtest.Request) bool {
		return len(find(r[n:], "POST", "/channels/"+discordtest.ChannelID+"/messages")) > 0
	})
	got := h.srv.Since(n)
	if len(got) != 1 || !strings.Contains(content(got[0].JSON()), "Please ask a question") {
		t.Fatalf("want only the reply to the empty mention, got:\n%s", discordtest.Dump(reqs[n:]))
	}
	if len(h.asker.requests()) != 0 {
		t.Errorf("ignored messages reached the pipeline")
	}
}

func TestRESTFailures(t *testing.T) {
	t.Parallel()
	t.Run("thread creation forbidden", func(t *testing.T) {
		h := start(t, streamingAsker(0), nil)
		h.srv.FailNext("POST", "/threads", 403, 1)
		h.srv.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Alice, discordtest.ChannelID, "why?", true))
		h.srv.Wait(t, "the explanation", func(r []discordtest.Request) bool {
			m := find(r, "POST", "/channels/"+discordtest.ChannelID+"/messages")
			return len(m) > 0 && strings.Contains(content(m[len(m)-1].JSON()), "Create Public Threads")
		})
	})
	t.Run("deleted thread is unfollowed", func(t *testing.T) {
		data := t.TempDir()
		os.WriteFile(filepath.Join(data, "discord-threads.json"), []byte(`{"`+discordtest.ThreadID+`":{"parent":"`+discordtest.ChannelID+`"}}`), 0o644)
		h := start(t, streamingAsker(0), func(o *bot.Options) { o.DataDir = data })
		h.srv.DeleteChannel(discordtest.ThreadID)
		h.srv.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Alice, discordtest.ThreadID, "still here?", false))
		h.srv.Wait(t, "the unfollow", func([]discordtest.Request) bool {
			b, _ := os.ReadFile(filepath.Join(data, "discord-threads.json"))
			return !bytes.Contains(b, []byte(discordtest.ThreadID))
		})
		if !strings.Contains(h.logs.String(), "unfollowing") {
			t.Errorf("the 404 was not logged")
		}
	})
	t.Run("callback 404 is logged and the bot carries on", func(t *testing.T) {
		h := start(t, streamingAsker(0), nil)
		h.srv.FailNext("POST", "/callback", 404, 1)
		first := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "help")
		h.srv.Dispatch(t, "INTERACTION_CREATE", first)
		waitCallback(t, h, first["id"].(string))
		second := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "help")
		h.srv.Dispatch(t, "INTERACTION_CREATE", second)
		if cb := waitCallback(t, h, second["id"].(string)); !strings.Contains(content(cb), "/ask") {
			t.Fatalf("help after a failed callback: %v", cb)
		}
		h.srv.Wait(t, "the failed callback to be logged", func([]discordtest.Request) bool {
			return strings.Contains(h.logs.String(), "responding to the interaction failed")
		})
	})
	t.Run("answer edit forbidden", func(t *testing.T) {
		h := start(t, streamingAsker(0), nil)
		h.srv.FailNext("PATCH", "@original", 403, 10)
		ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "x?"})
		h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
		h.srv.Wait(t, "the failure to be logged", func([]discordtest.Request) bool {
			return strings.Contains(h.logs.String(), "deferred work failed")
		})
	})
}

func TestPanicIsRecovered(t *testing.T) {
	t.Parallel()
	panicky := &fakeAsker{askFn: func(ctx context.Context, req answer.Request, on func(answer.Event)) (answer.Answer, error) {
		panic("boom")
	}}
	h := start(t, panicky, nil)
	ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "x?"})
	id := ask["id"].(string)
	h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
	reqs := h.srv.Wait(t, "the apology", func(r []discordtest.Request) bool { return len(originalEdits(r, id)) > 0 })
	if text := content(originalEdits(reqs, id)[0].JSON()); text != bot.Apology {
		t.Errorf("after a panic the user saw %q", text)
	}
	if !strings.Contains(h.logs.String(), "panicked") {
		t.Error("the panic was not logged")
	}
}

func TestAllowedChannels(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(0), func(o *bot.Options) { o.AllowedChannelIDs = []string{discordtest.ChannelID} })
	ask := discordtest.Slash(discordtest.Alice, discordtest.Channel2ID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "x?"})
	h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
	if cb := waitCallback(t, h, ask["id"].(string)); !strings.Contains(content(cb), "I only answer in <#"+discordtest.ChannelID+">") {
		t.Fatalf("ask in a channel not allowed: %v", cb)
	}
	// A thread of an allowed channel counts as allowed.
	inThread := discordtest.Slash(discordtest.Alice, discordtest.ThreadID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "x?"})
	h.srv.Dispatch(t, "INTERACTION_CREATE", inThread)
	if cb := waitCallback(t, h, inThread["id"].(string)); cb["type"] != float64(5) {
		t.Fatalf("ask in a thread of an allowed channel: %v", cb)
	}
	n := len(h.srv.Requests())
	h.srv.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Alice, discordtest.Channel2ID, "why?", true))
	h.srv.Dispatch(t, "INTERACTION_CREATE", discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "help"))
	h.srv.Wait(t, "help", func(r []discordtest.Request) bool { return len(find(r[n:], "POST", "/callback")) > 0 })
	for _, r := range h.srv.Since(n) {
		if strings.Contains(r.Path, discordtest.Channel2ID) {
			t.Errorf("the bot answered a mention in a channel that is not allowed: %s %s", r.Method, r.Path)
		}
	}
}

func TestSourcesSummaryTimelineAutocomplete(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(0), nil)
	src := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "sources")
	h.srv.Dispatch(t, "INTERACTION_CREATE", src)
	if cb := waitCallback(t, h, src["id"].(string)); !strings.Contains(content(cb), "Albania cuts ties with Iran over cyberattack** — 2022-09-07 — 2 passages") {
		t.Errorf("/sources: %q", content(cb))
	}
	ac := discordtest.Autocomplete(discordtest.Alice, discordtest.ChannelID, "summary", discordtest.Opt{Name: "document", Type: 3, Value: "alba", Focused: true})
	h.srv.Dispatch(t, "INTERACTION_CREATE", ac)
	cb := waitCallback(t, h, ac["id"].(string))
	choices, _ := cb["data"].(map[string]any)["choices"].([]any)
	if cb["type"] != float64(8) || len(choices) != 1 || choices[0].(map[string]any)["value"] != storyDoc.Path {
		t.Errorf("autocomplete: %v", cb)
	}
	for _, name := range []string{"summary", "timeline"} {
		sum := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, name, discordtest.Opt{Name: "document", Type: 3, Value: storyDoc.Path})
		id := sum["id"].(string)
		h.srv.Dispatch(t, "INTERACTION_CREATE", sum)
		reqs := h.srv.Wait(t, name, func(r []discordtest.Request) bool { return len(originalEdits(r, id)) > 0 })
		text := content(originalEdits(reqs, id)[0].JSON())
		if !strings.Contains(text, "[1]") || !strings.Contains(text, "**Sources**") || !strings.Contains(text, "September 7, 2022") {
			t.Errorf("/%s: %q", name, text)
		}
	}
	// bullets: true is a list, a sentence and its citations a line
	listed := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "summary", discordtest.Opt{Name: "length", Type: 3, Value: "short"}, discordtest.Opt{Name: "bullets", Type: 5, Value: true})
	h.srv.Dispatch(t, "INTERACTION_CREATE", listed)
	lid := listed["id"].(string)
	reqs := h.srv.Wait(t, "summary", func(r []discordtest.Request) bool { return len(originalEdits(r, lid)) > 0 })
	if text := content(originalEdits(reqs, lid)[0].JSON()); !strings.Contains(text, "\n- ") || !strings.Contains(text, "[1]") {
		t.Errorf("/summary bullets:true: %q", text)
	}
	bad := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "summary", discordtest.Opt{Name: "document", Type: 3, Value: "nope.md"})
	h.srv.Dispatch(t, "INTERACTION_CREATE", bad)
	if cb := waitCallback(t, h, bad["id"].(string)); !strings.Contains(content(cb), "no document") {
		t.Errorf("/summary of an unknown document: %v", cb)
	}
}

// runForError runs a bot with token against srv, for at most 10 s, and
// returns Run's error.
func runForError(t *testing.T, srv *discordtest.Server, token string) error {
	t.Helper()
	b, err := bot.New(bot.Options{Token: token, APIURL: srv.URL(), Asker: streamingAsker(0), Library: &fakeLibrary{}, Summarizer: summarizerOver(&fakeLibrary{})})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return b.Run(ctx)
}

func TestBadTokenFailsToStart(t *testing.T) {
	t.Parallel()
	err := runForError(t, discordtest.New(t), "wrong")
	if err == nil || !strings.Contains(err.Error(), "rejected DISCORD_TOKEN") || !strings.Contains(err.Error(), "reset the token") {
		t.Fatalf("Run with a bad token: %v", err)
	}
	if _, err := bot.New(bot.Options{}); err == nil || !strings.Contains(err.Error(), "DISCORD_TOKEN") {
		t.Fatalf("New without a token: %v", err)
	}
}

// TestMessageContentIntentOffFailsClearly: Discord closes the gateway with
// 4014 when the privileged Message Content intent is not switched on in the
// developer portal; Run says exactly which switch to turn on.
func TestMessageContentIntentOffFailsClearly(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t)
	srv.DisallowIntents(int64(discordgo.IntentsMessageContent))
	err := runForError(t, srv, discordtest.Token)
	if err == nil || !strings.Contains(err.Error(), "Message Content Intent") || !strings.Contains(err.Error(), "Bot tab") {
		t.Fatalf("Run with the intent off: %v", err)
	}
	if strings.Contains(err.Error(), discordtest.Token) {
		t.Errorf("the error shows the token: %v", err)
	}
}

func TestPreflight(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t)
	opts := bot.Options{Token: discordtest.Token, APIURL: srv.URL(), GuildID: discordtest.GuildID, AllowedChannelIDs: []string{discordtest.ChannelID}}
	st, err := bot.Preflight(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if st.BotName != "storybot" || st.AppID != discordtest.AppID || st.Guild != "Test Server" || !st.MessageContent || len(st.Problems) != 0 {
		t.Errorf("a good setup: %+v", st)
	}
	if !strings.Contains(st.InviteURL, "client_id="+discordtest.AppID) {
		t.Errorf("invite URL %q", st.InviteURL)
	}

	// The intent switched off, a server the bot is not in, a channel it cannot see.
	srv.SetApplicationFlags(0)
	srv.DeleteChannel("999")
	opts.GuildID = "123456789012345678"
	opts.AllowedChannelIDs = []string{discordtest.ChannelID, "999"}
	st, err = bot.Preflight(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(st.Problems, "\n")
	for _, want := range []string{"Message Content Intent", "not in the server DISCORD_GUILD_ID=123456789012345678", "client_id=" + discordtest.AppID, "cannot see channel 999"} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems lack %q:\n%s", want, joined)
		}
	}
	if len(st.Problems) != 3 {
		t.Errorf("want 3 problems, got %d:\n%s", len(st.Problems), joined)
	}

	opts.Token = "wrong"
	if _, err := bot.Preflight(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "rejected DISCORD_TOKEN") || strings.Contains(err.Error(), "wrong") {
		t.Errorf("a bad token: %v", err)
	}
	if _, err := bot.Preflight(context.Background(), bot.Options{Token: discordtest.Token, APIURL: "http://127.0.0.1:1"}); err == nil || !strings.Contains(err.Error(), "DISCORD_API_URL") {
		t.Errorf("an unreachable Discord: %v", err)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestThreadDeleteEventUnfollows(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	path := filepath.Join(data, "discord-threads.json")
	os.WriteFile(path, []byte(`{"`+discordtest.ThreadID+`":{"parent":"`+discordtest.ChannelID+`"}}`), 0o644)
	h := start(t, streamingAsker(0), func(o *bot.Options) { o.DataDir = data })
	h.srv.Dispatch(t, "THREAD_DELETE", map[string]any{"id": discordtest.ThreadID, "guild_id": discordtest.GuildID, "parent_id": discordtest.ChannelID, "type": 11})
	h.srv.Wait(t, "the unfollow", func([]discordtest.Request) bool {
		b, _ := os.ReadFile(path)
		return !bytes.Contains(b, []byte(discordtest.ThreadID))
	})
	n := len(h.srv.Requests())
	h.srv.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Alice, discordtest.ThreadID, "anyone?", false))
	h.srv.Dispatch(t, "INTERACTION_CREATE", discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "help"))
	h.srv.Wait(t, "help", func(r []discordtest.Request) bool { return len(find(r[n:], "POST", "/callback")) > 0 })
	if got := h.srv.Since(n); len(got) != 1 {
		t.Errorf("a message in a deleted thread was answered:\n%s", discordtest.Dump(got))
	}
}

func TestRateLimitedEditIsRetried(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(0), nil)
	h.srv.FailNext("PATCH", "@original", 429, 1)
	ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Why?"})
	id := ask["id"].(string)
	h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
	reqs := h.srv.Wait(t, "the answer after a 429", func(r []discordtest.Request) bool {
		e := originalEdits(r, id)
		return len(e) >= 2 && strings.Contains(content(e[len(e)-1].JSON()), "**Sources**")
	})
	if strings.Contains(h.logs.String(), "deferred work failed") {
		t.Errorf("a 429 reached the user:\n%s", discordtest.Dump(reqs))
	}
}

func TestMentionInAnExistingThreadAnswersThere(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(0), func(o *bot.Options) { o.RateLimitPerUser = 1 })
	h.srv.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Alice, discordtest.ThreadID, "who helped?", true))
	reqs := h.srv.Wait(t, "the answer in the thread", func(r []discordtest.Request) bool {
		return len(find(r, "POST", "/channels/"+discordtest.ThreadID+"/messages")) > 0
	})
	if len(find(reqs, "POST", "/threads")) != 0 {
		t.Errorf("a thread was started inside a thread:\n%s", discordtest.Dump(reqs))
	}
	// The per-user limit applies to mentions too, answered in place.
	n := len(h.srv.Requests())
	h.srv.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Alice, discordtest.ThreadID, "and then?", false))
	h.srv.Wait(t, "the limit message", func(r []discordtest.Request) bool {
		for _, m := range find(r[n:], "POST", "/channels/"+discordtest.ThreadID+"/messages") {
			if strings.Contains(content(m.JSON()), "try again in") {
				return true
			}
		}
		return false
	})
	if len(h.asker.requests()) != 1 {
		t.Errorf("the limited question reached the pipeline")
	}
}

// TestShowSourcesAfterRestart: the buttons of an answer given before a
// restart still work, because recent answers are saved in DATA_DIR.
func TestShowSourcesAfterRestart(t *testing.T) {
	t.Parallel()
	h := start(t, streamingAsker(0), nil)
	ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Why did Albania cut ties with Iran?"})
	id := ask["id"].(string)
	h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
	reqs := waitLastEdit(t, h, "the final answer", id, "**Sources**")
	edits := originalEdits(reqs, id)
	final := edits[len(edits)-1].JSON()
	src := withPrefix(customIDs(final), "src:")
	if src == "" {
		t.Fatalf("no Show sources button: %v", customIDs(final))
	}
	h.stop()
	err := <-h.done
	h.done <- err // for start's cleanup

	h2 := start(t, streamingAsker(0), func(o *bot.Options) { o.DataDir = h.data })
	press := discordtest.Button(discordtest.Bob, discordtest.ChannelID, "m1", src, content(final))
	h2.srv.Dispatch(t, "INTERACTION_CREATE", press)
	cb := waitCallback(t, h2, press["id"].(string))
	body, _ := json.Marshal(cb)
	for _, want := range []string{"Microsoft and the FBI helped Albania", "¶11, lines 21-22", storyDoc.Path} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("Show sources after a restart lacks %q: %s", want, body)
		}
	}
}
