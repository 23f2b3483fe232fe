package cli

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"storybot/bot"
	"storybot/bot/discordtest"
	"storybot/internal/llm/llmtest"
	"storybot/internal/syncbuf"
	"storybot/internal/waitfor"
)

// endToEnd skips t under -short: it runs the whole bot.
func endToEnd(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end to end")
	}
}

// runBot starts `storybot` (no command: DISCORD_TOKEN picks the bot) against
// a fake Discord and a fake model, over the repository's knowledge folder.
func runBot(t *testing.T, model *llmtest.Server) (*discordtest.Server, *syncbuf.Buffer) {
	return runBotIn(t, model, "../../knowledge")
}

func runBotIn(t *testing.T, model *llmtest.Server, knowledgeDir string) (*discordtest.Server, *syncbuf.Buffer) {
	t.Helper()
	return runBotEnv(t, model, knowledgeDir, nil)
}

// runBotEnv is runBotIn with more settings (extra wins).
func runBotEnv(t *testing.T, model *llmtest.Server, knowledgeDir string, extra map[string]string) (*discordtest.Server, *syncbuf.Buffer) {
	t.Helper()
	dc := discordtest.New(t)
	logs := startBot(t, dc, model, knowledgeDir, extra)
	dc.WaitConnected(t, 1)
	dc.WaitCommandsRegistered(t)
	return dc, logs
}

// startBot runs `storybot` against dc until the test ends and returns its
// log; it does not wait for the bot to connect.
func startBot(t testing.TB, dc *discordtest.Server, model *llmtest.Server, knowledgeDir string, extra map[string]string) *syncbuf.Buffer {
	t.Helper()
	env := botEnv(t, dc, model, knowledgeDir, extra)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logs := &syncbuf.Buffer{}
	go func() {
		done <- run(ctx, []string{"--env-file", "/nonexistent"}, strings.NewReader(""), &bytes.Buffer{}, logs, func(k string) string { return env[k] })
	}()
	t.Cleanup(func() { // last, after the bot has stopped or was given up on
		if t.Failed() {
			t.Logf("log:\n%s", logs.String())
		}
	})
	t.Cleanup(func() {
		cancel()
		if err := waitfor.Receive(t, "storybot bot to stop", 20*time.Second, done); err != nil {
			t.Errorf("storybot bot returned %v", err)
		}
	})
	return logs
}

// botEnv is the environment of a bot against dc and model over
// knowledgeDir, with a data folder of its own (extra wins).
func botEnv(t testing.TB, dc *discordtest.Server, model *llmtest.Server, knowledgeDir string, extra map[string]string) map[string]string {
	env := map[string]string{
		"DISCORD_TOKEN": discordtest.Token, "DISCORD_API_URL": dc.URL(), "DISCORD_GUILD_ID": discordtest.GuildID,
		"KNOWLEDGE_DIR": knowledgeDir, "DATA_DIR": t.TempDir(), "PROMPTS_DIR": t.TempDir() + "/none",
		"WATCH_KNOWLEDGE": "false", "OPENAI_BASE_URL": model.URL(), "OPENAI_API_KEY": "sk-test", "LOG_LEVEL": "debug",
	}
	maps.Copy(env, extra)
	return env
}

func askAndWait(t *testing.T, dc *discordtest.Server, q string) string {
	t.Helper()
	return slashAndWait(t, dc, discordtest.Alice, "ask", discordtest.Opt{Name: "question", Type: 3, Value: q})
}

// slashAndWait runs a slash command as who and returns its final reply:
// the first edit with sources, or an apology.
func slashAndWait(t *testing.T, dc *discordtest.Server, who discordtest.Member, name string, opts ...discordtest.Opt) string {
	t.Helper()
	return dispatchEdit(t, dc, "the final answer", discordtest.Slash(who, discordtest.ChannelID, name, opts...), func(c string) bool {
		return strings.Contains(c, "**Sources**") || strings.Contains(c, "Sorry")
	})
}

// dispatchEdit dispatches the interaction cmd and returns the content of the
// first edit of its deferred reply for which done holds (nil: any edit).
func dispatchEdit(t *testing.T, dc *discordtest.Server, what string, cmd map[string]any, done func(string) bool) string {
	t.Helper()
	orig := "/webhooks/" + discordtest.AppID + "/itok-" + cmd["id"].(string) + "/messages/@original"
	dc.Dispatch(t, "INTERACTION_CREATE", cmd)
	var content string
	dc.Wait(t, what, func(reqs []discordtest.Request) bool {
		for _, r := range reqs {
			if r.Method == "PATCH" && r.Path == orig {
				content, _ = r.JSON()["content"].(string)
				if done == nil || done(content) {
					return true
				}
			}
		}
		return false
	})
	return content
}

func TestBotEndToEndWithModel(t *testing.T) {
	endToEnd(t)
	model := llmtest.New(t)
	model.OnChat(func(r llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Text: "Albania cut diplomatic ties with Iran over the July cyberattack on its government systems [1].",
			Chunks: []string{"Albania cut diplomatic ties ", "with Iran over the July cyberattack ", "on its government systems [1]."}}
	})
	dc, _ := runBot(t, model)
	final := askAndWait(t, dc, "Why did Albania cut ties with Iran?")
	if !strings.Contains(final, "[1]") || !strings.Contains(final, "**Sources**\n[1] ") || !strings.Contains(final, "¶") {
		t.Fatalf("final answer: %q", final)
	}
	if strings.Contains(final, "Quoted from the sources") {
		t.Errorf("the model answered, but the answer says it is extractive: %q", final)
	}
	if len(model.ChatRequests()) == 0 {
		t.Error("the model was not called")
	}
}

// modelDown is a fake model that refuses every chat completion (401), so
// the bot answers by quoting.
func modelDown(t *testing.T) *llmtest.Server {
	model := llmtest.New(t)
	model.OnChat(func(llmtest.Request) llmtest.Reply { return llmtest.Reply{Status: 401} })
	return model
}

func TestBotModelDownAnswersExtractively(t *testing.T) {
	endToEnd(t)
	dc, _ := runBot(t, modelDown(t))
	final := askAndWait(t, dc, "Why did Albania cut ties with Iran?")
	if !strings.Contains(final, "[1]") || !strings.Contains(final, "Quoted from the sources") {
		t.Fatalf("with the model down: %q", final)
	}
	// A question that asks for the timeline gets it, not a pointer to /timeline.
	if text := askAndWait(t, dc, "give me the timeline"); !strings.Contains(text, "2022-07-15 (July 15)") || strings.Contains(text, "use /timeline") {
		t.Errorf("give me the timeline: %q", text)
	}
	// A question that asks for a summary about something gets that summary.
	if text := askAndWait(t, dc, "summarize the MEK"); !strings.Contains(text, "Mujahideen-e-Khalq") || !strings.Contains(text, "The MEK would not stand") {
		t.Errorf("summarize the MEK: %q", text)
	}
	// A summary of the story itself is the story's summary, as long as asked
	// (short: three sentences, the last its end), not its opening.
	if text := slashAndWait(t, dc, discordtest.Bob, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "tl;dr"}); !strings.Contains(text, "[3]") || strings.Contains(text, "[4]") || !strings.Contains(text, "four groups that enacted the aggression") {
		t.Errorf("tl;dr: %q", text)
	}
	// /summary and /timeline go through internal/summary, falling back too.
	for _, name := range []string{"summary", "timeline"} {
		text := dispatchEdit(t, dc, name, discordtest.Slash(discordtest.Alice, discordtest.ChannelID, name), func(c string) bool { return !strings.HasSuffix(c, "▌") })
		if !strings.Contains(text, "[1]") || !strings.Contains(text, "**Sources**") {
			t.Errorf("/%s: %q", name, text)
		}
	}
}

func TestBotWithoutToken(t *testing.T) {
	err := run(context.Background(), []string{"--env-file", "/nonexistent", "bot"}, nil, &bytes.Buffer{}, &bytes.Buffer{}, func(string) string { return "" })
	if ExitCode(err) != 2 || !strings.Contains(err.Error(), "DISCORD_TOKEN") {
		t.Fatalf("bot without a token: %v", err)
	}
}

func TestBotKnowledgeAddAndRefreshThroughTheLibrary(t *testing.T) {
	endToEnd(t)
	dir := t.TempDir()
	src, err := os.ReadFile("../../knowledge/Albania-cuts-ties-with-Iran-2022-09-07.txt")
	if err != nil {
		t.Skip("no knowledge folder")
	}
	os.WriteFile(filepath.Join(dir, "albania.txt"), src, 0o644)
	dc, _ := runBotIn(t, llmtest.New(t), dir)
	att := dc.AddAttachment("recovery.md", []byte("# Recovery\n\nMicrosoft's incident response team helped Albania restore its systems in 2022.\n"))
	report := dispatchEdit(t, dc, "the add report", discordtest.SlashSub(discordtest.Mod, discordtest.ChannelID, "knowledge", "add", []map[string]any{att}), nil)
	if !strings.Contains(report, "1 added") || !strings.Contains(report, "recovery.md") {
		t.Fatalf("add report: %q", report)
	}
	if _, err := os.Stat(filepath.Join(dir, "recovery.md")); err != nil {
		t.Fatalf("the file was not added to the knowledge folder: %v", err)
	}
	// /refresh after a file changed on disk reports it.
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("Notes about the attack.\n"), 0o644)
	if c := dispatchEdit(t, dc, "the refresh report", discordtest.Slash(discordtest.Mod, discordtest.ChannelID, "refresh"), nil); !strings.Contains(c, "1 added") || !strings.Contains(c, "notes.txt") {
		t.Errorf("refresh report: %q", c)
	}
	// A bad upload is refused with the library's message.
	bad := dc.AddAttachment("notes.exe", []byte("MZ\x90\x00"))
	c := dispatchEdit(t, dc, "the refusal", discordtest.SlashSub(discordtest.Mod, discordtest.ChannelID, "knowledge", "add", []map[string]any{bad}), nil)
	if strings.Contains(c, "Sorry") || !strings.Contains(c, "notes.exe") && !strings.Contains(c, ".exe") {
		t.Errorf("a refused upload got the apology, not the reason: %q", c)
	}
}

func TestBotThreadFollowUpFindsThePassage(t *testing.T) {
	endToEnd(t)
	dc, _ := runBot(t, modelDown(t))
	dc.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Alice, discordtest.ChannelID, "What happened in the July cyberattack on Albania?", true))
	var thread string
	dc.Wait(t, "the thread's first answer", func(reqs []discordtest.Request) bool {
		for _, r := range reqs {
			if r.Method == "POST" && strings.HasSuffix(r.Path, "/threads") {
				thread = "pending"
			}
			if thread != "" && r.Method == "POST" && strings.HasPrefix(r.Path, "/channels/") && strings.HasSuffix(r.Path, "/messages") && !strings.Contains(r.Path, discordtest.ChannelID) {
				if c, _ := r.JSON()["content"].(string); strings.Contains(c, "**Sources**") {
					thread = strings.Split(strings.TrimPrefix(r.Path, "/channels/"), "/")[0]
					return true
				}
			}
		}
		return false
	})
	n := len(dc.Requests())
	dc.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Alice, thread, "and who helped them recover?", false))
	var answer string
	dc.Wait(t, "the follow-up answer", func(reqs []discordtest.Request) bool {
		for _, r := range reqs[min(n, len(reqs)):] {
			if r.Method == "POST" && r.Path == "/channels/"+thread+"/messages" {
				if c, _ := r.JSON()["content"].(string); strings.Contains(c, "**Sources**") {
					answer = c
					return true
				}
			}
		}
		return false
	})
	if !strings.Contains(answer, "helped Albania recover") {
		t.Errorf("the follow-up did not find the passage on who helped:\n%s", answer)
	}
}

// TestBotTimelineOfALargeFolder runs /timeline over xquad_en's 48 documents
// (about 400 dated events): the reply shows bot.TimelineMax of them in at
// most three messages, and says how many more there are.
func TestBotTimelineOfALargeFolder(t *testing.T) {
	endToEnd(t)
	dir := filepath.Join("..", "..", "..", "shared", "eval", "xquad_en", "docs")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no xquad docs: %v", err)
	}
	dc, _ := runBotIn(t, modelDown(t), dir)
	cmd := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "timeline")
	token := "/webhooks/" + discordtest.AppID + "/itok-" + cmd["id"].(string)
	dc.Dispatch(t, "INTERACTION_CREATE", cmd)
	var parts []string
	dc.Wait(t, "the timeline", func(reqs []discordtest.Request) bool {
		var original string
		var followUps []string
		for _, r := range reqs {
			switch c, _ := r.JSON()["content"].(string); {
			case r.Method == "PATCH" && r.Path == token+"/messages/@original":
				original = c // the last edit is the reply's first message
			case r.Method == "POST" && r.Path == token:
				followUps = append(followUps, c)
			}
		}
		parts = append([]string{original}, followUps...)
		return strings.Contains(parts[len(parts)-1], "**Sources**")
	})
	all := strings.Join(parts, "\n")
	if len(parts) > bot.MaxReplyParts || !strings.Contains(all, " more events; use /timeline document:<name> for one document.") {
		t.Errorf("/timeline: %d messages:\n%s", len(parts), all)
	}
	if n := len(regexp.MustCompile(`(?m)^(\d{4}|\?).* — .*\[\d+\]$`).FindAllString(all, -1)); n != bot.TimelineMax {
		t.Errorf("%d events shown, want %d:\n%s", n, bot.TimelineMax, all)
	}
}

// TestBotSaysWhyTheAnswerIsQuoted: when the model fails or cites nothing,
// the Discord answer says so, instead of claiming that no model was used.
func TestBotSaysWhyTheAnswerIsQuoted(t *testing.T) {
	endToEnd(t)
	model := llmtest.New(t)
	model.OnChat(func(r llmtest.Request) llmtest.Reply {
		if strings.Contains(r.Messages[len(r.Messages)-1].Content, "Who helped Albania") {
			return llmtest.Reply{Text: "The United States and private companies helped Albania recover."} // no [n]
		}
		return llmtest.Reply{Text: "Albania cut ties [1]. It did so because of the July cyberattack [1].",
			Chunks: []string{"Albania cut ", "ties [1]. It ", "did so because", " of the July cyberattack [1]."}, BreakAfter: 2}
	})
	dc, logs := runBot(t, model)
	final := askAndWait(t, dc, "Why did Albania cut ties with Iran?")
	if !strings.Contains(logs.String(), "model stream broke mid-answer") {
		t.Fatalf("the stream did not break as planned; log:\n%s", logs.String())
	}
	if !strings.Contains(final, "-# ⚠️ Quoted from the sources: the language model was unavailable.") || strings.Contains(final, "no language model was used") {
		t.Errorf("after the stream broke:\n%s", final)
	}
	final = askAndWait(t, dc, "Who helped Albania recover from the attack?")
	if !strings.Contains(final, "-# ⚠️ Quoted from the sources: the language model's answer cited no passage.") || strings.Contains(final, "no language model was used") {
		t.Errorf("after an answer without citations:\n%s", final)
	}
}

// TestBotAskMentionsOnlyShowsThePipelinesMessage: /ask with nothing but
// mentions passes the bot's check; the real pipeline strips the mentions and
// refuses the empty question. The member sees the pipeline's message (not
// the apology), and no ERROR is logged.
func TestBotAskMentionsOnlyShowsThePipelinesMessage(t *testing.T) {
	endToEnd(t)
	dc, logs := runBot(t, llmtest.New(t))
	final := dispatchEdit(t, dc, "the reply", discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "<@123> @everyone"}), nil)
	if strings.Contains(final, "Sorry") || !strings.Contains(final, "Please type a question") {
		t.Errorf("reply to a question of mentions only: %q", final)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a user's mistake was logged as an error:\n%s", logs.String())
	}
}

// TestBotWhatHappenedIsTheSummary: "What happened?" through /ask gets
// the story's short summary, the model writing it from the whole story
// (which the summarizer gets from the library), cited; not "names
// nothing", and not the opening alone.
func TestBotWhatHappenedIsTheSummary(t *testing.T) {
	endToEnd(t)
	model := llmtest.New(t)
	model.OnChat(func(r llmtest.Request) llmtest.Reply {
		if last := r.Messages[len(r.Messages)-1].Content; !strings.Contains(last, "final straw") || !strings.Contains(last, "Mujahideen") {
			return llmtest.Reply{Text: "The documents do not say."}
		}
		return llmtest.Reply{Text: "Albania cut its diplomatic ties with Iran after Iran's July cyberattack [1]."}
	})
	dc, _ := runBot(t, model)
	final := askAndWait(t, dc, "What happened?")
	if !strings.Contains(final, "Summary of “Albania cuts ties with Iran”") || !strings.Contains(final, "after Iran's July cyberattack. [1]") || !strings.Contains(final, "¶1") {
		t.Errorf("What happened?:\n%s", final)
	}
}
