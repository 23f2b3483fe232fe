package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"storybot/bot/discordtest"
	"storybot/internal/budget"
	"storybot/internal/chat"
	"storybot/internal/llm/llmtest"
	"storybot/internal/pgstore/pgtest"
	"storybot/internal/syncbuf"
	"storybot/internal/waitfor"
)

// usageModel is a fake model whose every reply cites [1] and reports 40
// prompt and 20 completion tokens.
func usageModel(t testing.TB) *llmtest.Server {
	model := llmtest.New(t)
	model.OnChat(func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Text: "Albania cut ties with Iran over the cyberattack [1].", Usage: chat.Usage{PromptTokens: 40, CompletionTokens: 20}}
	})
	return model
}

// waitFor polls cond until it holds, failing the test after 30 s (see
// waitfor.Until).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitfor.Until(t, what, 30*time.Second, cond)
}

var metricsAddrRe = regexp.MustCompile(`serving metrics and health checks" addr=(\S+)`)

// opsAddr waits for the log line that gives the metrics server's address.
func opsAddr(t *testing.T, logs fmt.Stringer) string {
	t.Helper()
	var addr string
	waitFor(t, "the metrics server", func() bool {
		m := metricsAddrRe.FindStringSubmatch(logs.String())
		if m != nil {
			addr = m[1]
		}
		return m != nil
	})
	return addr
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// scrape reads /metrics into "name{labels}" → value.
func scrape(t *testing.T, addr string) map[string]float64 {
	t.Helper()
	code, body := httpGet(t, "http://"+addr+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		v, err := strconv.ParseFloat(l[i+1:], 64)
		if err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		out[l[:i]] = v
	}
	return out
}

// expect checks metrics against want, naming every difference.
func expect(t *testing.T, got map[string]float64, want map[string]float64) {
	t.Helper()
	for k, v := range want {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("%s is missing", k)
		case g != v:
			t.Errorf("%s = %v, want %v", k, g, v)
		}
	}
}

// A scripted console run with METRICS_ADDR: a question the model answers
// after a 429, one the knowledge does not cover, one whose stream breaks
// (answered by quoting), and a /refresh that adds a document and skips a
// binary file. Every counter moves by what happened, and no more.
func TestMetricsAfterScriptedConsoleRun(t *testing.T) {
	kdir := oneStoryFolder(t)

	model := llmtest.New(t)
	var mu sync.Mutex
	tries := map[string]int{}
	model.OnChat(func(r llmtest.Request) llmtest.Reply {
		last := r.Messages[len(r.Messages)-1].Content
		if mt, _ := r.Body["max_tokens"].(float64); mt == 120 { // the condense step: the question stands alone
			return llmtest.Reply{Text: "Why did Albania cut ties with Iran?"}
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case strings.Contains(last, "Who helped Albania"):
			tries["who"]++
			if tries["who"] == 1 {
				return llmtest.Reply{Status: 429}
			}
			return llmtest.Reply{Text: "The US and private sector representatives helped Albania recover [1].", Usage: chat.Usage{PromptTokens: 100, CompletionTokens: 20}}
		default:
			return llmtest.Reply{Text: "Albania cut ties because of the attack [1] and", BreakAfter: 2}
		}
	})
	data := t.TempDir()
	env := map[string]string{"KNOWLEDGE_DIR": kdir, "DATA_DIR": data, "PROMPTS_DIR": t.TempDir() + "/none", "WATCH_KNOWLEDGE": "false",
		"OPENAI_BASE_URL": model.URL(), "METRICS_ADDR": "127.0.0.1:0", "LOG_FORMAT": "json"}
	inR, inW := io.Pipe()
	out, logs := &syncbuf.Buffer{}, &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"--env-file", "/nonexistent", "console"}, inR, out, logs, func(k string) string { return env[k] })
	}()
	addr := opsAddr(t, &jsonLog{logFile(filepath.Join(data, consoleLogName))}) // the console logs to DATA_DIR
	prompts := func() int { return strings.Count(out.String(), "\n» ") }
	waitFor(t, "the console", func() bool { return prompts() == 1 })
	for i, line := range []string{"Who helped Albania recover from the attack?", "Why did Albania cut ties with Iran?", "What is the tallest mountain in Africa?", "/refresh"} {
		if line == "/refresh" {
			os.WriteFile(filepath.Join(kdir, "talks.md"), []byte("# Talks\n\nThe foreign ministers met in Tirana.\n"), 0o644)
			os.WriteFile(filepath.Join(kdir, "blob.txt"), []byte("\x00\x01\x02\x03 binary"), 0o644)
		}
		io.WriteString(inW, line+"\n")
		waitFor(t, "an answer to "+line, func() bool { return prompts() == i+2 })
	}
	if code, body := httpGet(t, "http://"+addr+"/readyz"); code != 200 {
		t.Errorf("/readyz: %d %s", code, body)
	}
	m := scrape(t, addr)
	expect(t, m, map[string]float64{
		`storybot_questions_total{mode="llm",refused="false",source="console"}`:        1,
		`storybot_questions_total{mode="llm",refused="true",source="console"}`:         1,
		`storybot_questions_total{mode="extractive",refused="false",source="console"}`: 1,
		`storybot_questions_total{mode="llm",refused="false",source="discord"}`:        0,
		`storybot_answer_duration_seconds_count{source="console"}`:                     3,
		`storybot_retrieval_duration_seconds_count`:                                    2, // not for Africa, which no document mentions
		`storybot_model_first_token_seconds_count`:                                     2,
		`storybot_model_errors_total{class="429"}`:                                     1,
		`storybot_model_errors_total{class="broken_stream"}`:                           1,
		`storybot_model_errors_total{class="5xx"}`:                                     0,
		`storybot_model_errors_total{class="timeout"}`:                                 0,
		`storybot_model_retries_total`:                                                 1,
		`storybot_model_tokens_total{kind="prompt"}`:                                   100,
		`storybot_model_tokens_total{kind="completion"}`:                               20,
		`storybot_rate_limited_questions_total`:                                        0,
		`storybot_interactions_in_flight`:                                              0,
		`storybot_refresh_duration_seconds_count`:                                      2,
		`storybot_refresh_skipped_files`:                                               1,
		`storybot_knowledge_documents`:                                                 2,
		`storybot_gateway_connected`:                                                   0,
	})
	if m[`storybot_knowledge_passages`] < 2 {
		t.Errorf("passages %v", m[`storybot_knowledge_passages`])
	}
	inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if t.Failed() {
		for _, r := range model.ChatRequests() {
			t.Logf("model request: %s", r.Raw)
		}
		t.Logf("output:\n%s\nstderr:\n%s\nlog:\n%s", out.String(), logs.String(), logFile(filepath.Join(data, consoleLogName)))
	}
}

// jsonLog shows a JSON log as the text log's addr= form, so opsAddr
// reads both (LOG_FORMAT=json is on in the console test).
type jsonLog struct{ log fmt.Stringer }

func (s *jsonLog) String() string {
	var out strings.Builder
	sc := bufio.NewScanner(strings.NewReader(s.log.String()))
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) != nil {
			continue
		}
		if rec["msg"] == "serving metrics and health checks" {
			out.WriteString(`serving metrics and health checks" addr=` + rec["addr"].(string) + "\n")
		}
	}
	return out.String()
}

// logFile is a log file's current text ("" while it does not exist).
type logFile string

func (f logFile) String() string {
	b, _ := os.ReadFile(string(f))
	return string(b)
}

// The bot with METRICS_ADDR, a member budget and a rate limit: /readyz
// waits for the gateway; a model answer spends Alice's budget, so her next
// question is quoted with a note saying until when; her third is rate
// limited; a dropped connection is resumed. The metrics, the usage file and
// `storybot usage --json` agree.
func TestBotMetricsReadinessAndTokenBudget(t *testing.T) {
	endToEnd(t)
	model := usageModel(t)
	data := t.TempDir()
	dc, logs := runBotEnv(t, model, "../../knowledge", map[string]string{
		"METRICS_ADDR": "127.0.0.1:0", "DATA_DIR": data, "MODEL_DAILY_TOKENS_PER_MEMBER": "50", "RATE_LIMIT_PER_USER": "2",
	})
	addr := opsAddr(t, logs)
	// The fake Discord counts the gateway connected when it has sent READY;
	// the bot, once it has handled it: /readyz turns 200 then.
	waitFor(t, "/readyz once connected", func() bool {
		code, _ := httpGet(t, "http://"+addr+"/readyz")
		return code == 200
	})
	if code, _ := httpGet(t, "http://"+addr+"/healthz"); code != 200 {
		t.Errorf("/healthz: %d", code)
	}
	first := askAndWait(t, dc, "Why did Albania cut ties with Iran?")
	if strings.Contains(first, "budget") {
		t.Errorf("the first answer is within the budget: %s", first)
	}
	second := askAndWait(t, dc, "Who helped Albania recover from the attack?")
	if !strings.Contains(second, "Quoted from the sources: your daily model budget (50 tokens) is used up until ") || !strings.Contains(second, " 00:00 UTC") {
		t.Errorf("the second answer should say the budget is spent:\n%s", second)
	}
	if n := len(model.ChatRequests()); n != 1 {
		t.Errorf("%d model calls, want 1", n)
	}
	ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "And a third?"})
	dc.Dispatch(t, "INTERACTION_CREATE", ask)
	dc.Wait(t, "the rate-limit reply", func(reqs []discordtest.Request) bool {
		_, ok := discordtest.PrivateReply(reqs, ask["id"].(string))
		return ok
	})
	dc.Drop()
	dc.WaitConnected(t, 2)
	var m map[string]float64
	// discordgo runs its event handlers concurrently: the Connect and
	// Resumed events of the reconnection may be handled in either order.
	waitFor(t, "the work to end and the reconnection to count", func() bool {
		m = scrape(t, addr)
		return m[`storybot_interactions_in_flight`] == 0 && m[`storybot_gateway_resumes_total`] == 1 &&
			m[`storybot_gateway_reconnects_total`] == 1 && m[`storybot_gateway_connected`] == 1
	})
	expect(t, m, map[string]float64{
		`storybot_questions_total{mode="llm",refused="false",source="discord"}`:        1,
		`storybot_questions_total{mode="extractive",refused="false",source="discord"}`: 1,
		`storybot_answer_duration_seconds_count{source="discord"}`:                     2,
		`storybot_budget_exhausted_questions_total{scope="member"}`:                    1,
		`storybot_budget_exhausted_questions_total{scope="server"}`:                    0,
		`storybot_rate_limited_questions_total`:                                        1,
		`storybot_model_tokens_total{kind="prompt"}`:                                   40,
		`storybot_model_tokens_total{kind="completion"}`:                               20,
		`storybot_gateway_connected`:                                                   1,
		`storybot_gateway_reconnects_total`:                                            1,
		`storybot_knowledge_documents`:                                                 1,
	})

	var out, errb strings.Builder
	if err := run(context.Background(), []string{"--env-file", "/nonexistent", "--data", data, "usage", "--json"}, strings.NewReader(""), &out, &errb, func(string) string { return "" }); err != nil {
		t.Fatalf("usage: %v %s", err, errb.String())
	}
	var doc usageJSON
	if err := json.Unmarshal([]byte(out.String()), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Days) != 1 || doc.Days[0] != (budget.Total{Day: budget.Day(time.Now()), GuildID: discordtest.GuildID, PromptTokens: 40, CompletionTokens: 20, Tokens: 60, Members: 1, Answers: 1}) {
		t.Errorf("usage --json: %s", out.String())
	}
}

// Summaries count against the token budgets too: a /summary by one member
// spends the server's budget, after which another member's question and a
// second /summary are quoted, saying why, without calling the model.
func TestSummariesSpendAndRespectTheServerBudget(t *testing.T) {
	endToEnd(t)
	model := usageModel(t)
	data := t.TempDir()
	dc, _ := runBotEnv(t, model, "../../knowledge", map[string]string{"MODEL_DAILY_TOKENS_PER_SERVER": "50", "DATA_DIR": data})
	if sum := slashAndWait(t, dc, discordtest.Bob, "summary"); strings.Contains(sum, "budget") {
		t.Errorf("the first summary is within the budget:\n%s", sum)
	}
	calls := len(model.ChatRequests())
	if calls == 0 {
		t.Fatal("the first summary did not use the model")
	}
	const note = "Quoted from the sources: this server's daily model budget (50 tokens) is used up until "
	if a := askAndWait(t, dc, "Why did Albania cut ties with Iran?"); !strings.Contains(a, note) {
		t.Errorf("the question after the summary should be quoted:\n%s", a)
	}
	if sum := slashAndWait(t, dc, discordtest.Alice, "summary", discordtest.Opt{Name: "length", Type: 3, Value: "short"}); !strings.Contains(sum, note) {
		t.Errorf("the second summary should be quoted:\n%s", sum)
	}
	if n := len(model.ChatRequests()); n != calls {
		t.Errorf("%d model calls after the budget was spent", n-calls)
	}
	tot, err := budget.OpenFile(data).Totals(context.Background())
	if err != nil || len(tot) != 1 || tot[0].Tokens != 60*calls {
		t.Errorf("usage %+v %v, want %d tokens", tot, err, 60*calls)
	}
}

// With DATABASE_URL the token usage lives in PostgreSQL: a second bot
// process (another shard, or a restart elsewhere) sees the member's budget
// spent by the first, and `storybot usage` reads it there, whatever
// DATA_DIR is.
func TestPostgresBudgetIsSharedBetweenProcesses(t *testing.T) {
	endToEnd(t)
	db := pgtest.URL(t)
	model := usageModel(t)
	extra := map[string]string{"DATABASE_URL": db, "MODEL_DAILY_TOKENS_PER_MEMBER": "50"}
	dc1, _ := runBotEnv(t, model, "../../knowledge", extra)
	if a := askAndWait(t, dc1, "Why did Albania cut ties with Iran?"); strings.Contains(a, "budget") {
		t.Fatalf("the first answer is within the budget:\n%s", a)
	}
	dc2, _ := runBotEnv(t, model, "../../knowledge", extra) // its own DATA_DIR
	if a := askAndWait(t, dc2, "Who helped Albania recover from the attack?"); !strings.Contains(a, "your daily model budget (50 tokens) is used up") {
		t.Errorf("the second process should see the budget spent:\n%s", a)
	}
	if n := len(model.ChatRequests()); n != 1 {
		t.Errorf("%d model calls, want 1", n)
	}
	out, _, err := runWith(t, map[string]string{"DATABASE_URL": db}, "--data", t.TempDir(), "usage", "--json")
	var doc usageJSON
	if err != nil || json.Unmarshal([]byte(out), &doc) != nil || len(doc.Days) != 1 || doc.Days[0].Tokens != 60 || !strings.Contains(doc.File, "PostgreSQL") {
		t.Errorf("usage --json from PostgreSQL: %s %v", out, err)
	}

	// A 👍 through the first process is in PostgreSQL: `storybot feedback`
	// reads it there, whatever DATA_DIR is.
	up := ""
	for _, r := range dc1.Requests() {
		if r.Method == "PATCH" {
			if id := buttonWithPrefix(r.JSON(), "fb:up:"); id != "" {
				up = id
			}
		}
	}
	if up == "" {
		t.Fatal("no 👍 button on the answer")
	}
	vote := discordtest.Button(discordtest.Bob, discordtest.ChannelID, "m1", up, "")
	dc1.Dispatch(t, "INTERACTION_CREATE", vote)
	cb := "/interactions/" + vote["id"].(string) + "/itok-" + vote["id"].(string) + "/callback"
	dc1.Wait(t, "the vote's reply", func(reqs []discordtest.Request) bool {
		return slices.ContainsFunc(reqs, func(r discordtest.Request) bool { return r.Path == cb })
	})
	out, _, err = runWith(t, map[string]string{"DATABASE_URL": db}, "--data", t.TempDir(), "feedback", "--json")
	var fb feedbackJSON
	if err != nil || json.Unmarshal([]byte(out), &fb) != nil || fb.Votes != 1 || fb.Up != 1 || fb.Records[0].Question != "Why did Albania cut ties with Iran?" {
		t.Errorf("feedback --json from PostgreSQL: %s %v", out, err)
	}
}

// buttonWithPrefix returns the custom ID of the first button in a message
// body whose ID starts with prefix.
func buttonWithPrefix(m map[string]any, prefix string) string {
	rows, _ := m["components"].([]any)
	for _, r := range rows {
		row, _ := r.(map[string]any)
		comps, _ := row["components"].([]any)
		for _, c := range comps {
			if id, _ := c.(map[string]any)["custom_id"].(string); strings.HasPrefix(id, prefix) {
				return id
			}
		}
	}
	return ""
}

// A moderator's /refresh in one process reaches another on the same
// DATABASE_URL (LISTEN/NOTIFY): it re-reads the shared knowledge folder,
// without a watcher, and answers from the new document.
func TestPostgresRefreshReachesTheOtherProcess(t *testing.T) {
	endToEnd(t)
	db := pgtest.URL(t)
	kdir := oneStoryFolder(t)
	model := usageModel(t)
	dcA, _ := runBotEnv(t, model, kdir, map[string]string{"DATABASE_URL": db})
	dcB, logsB := runBotEnv(t, model, kdir, map[string]string{"DATABASE_URL": db, "METRICS_ADDR": "127.0.0.1:0"})
	addrB := opsAddr(t, logsB)
	waitFor(t, "B to listen", func() bool { return strings.Contains(logsB.String(), "listening for knowledge changes") })

	os.WriteFile(filepath.Join(kdir, "talks.md"), []byte("# Talks in Tirana\n\nThe foreign ministers of Albania and Greece met in Tirana on 9 September 2022 to discuss the cyberattack.\n"), 0o644)
	dcA.Dispatch(t, "INTERACTION_CREATE", discordtest.Slash(discordtest.Mod, discordtest.ChannelID, "refresh"))
	waitFor(t, "B to re-read the folder", func() bool { return scrape(t, addrB)[`storybot_knowledge_documents`] == 2 })
	if a := askAndWait(t, dcB, "When did the foreign ministers of Albania and Greece meet in Tirana?"); !strings.Contains(a, "Talks in Tirana") {
		t.Errorf("B should answer from the new document:\n%s", a)
	}
}
