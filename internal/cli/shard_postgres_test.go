package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"storybot/bot/discordtest"
	"storybot/internal/chat"
	"storybot/internal/eval"
	"storybot/internal/llm/llmtest"
	"storybot/internal/pgstore"
	"storybot/internal/pgstore/pgtest"
	"storybot/internal/state"
	"storybot/internal/waitfor"
)

// guild0 is a server of shard 0 of 2 (discordtest.GuildID is shard 1's).
const guild0 = "800000000004194305"

// openStore opens the database at url as the bots do, and closes it when
// the test ends.
func openStore(t testing.TB, url string) *pgstore.DB {
	t.Helper()
	store, err := pgstore.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	return store
}

// oneStoryFolder is a new knowledge folder holding one story.
func oneStoryFolder(t testing.TB) string {
	t.Helper()
	kdir := t.TempDir()
	story, err := os.ReadFile(filepath.Join(askStory, "Albania-cuts-ties-with-Iran-2022-09-07.txt"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(kdir, "Albania-cuts-ties-with-Iran-2022-09-07.txt"), story, 0o644)
	return kdir
}

// inGuild moves an interaction payload to another server.
func inGuild(p map[string]any, guild string) map[string]any {
	p["guild_id"] = guild
	return p
}

// interact dispatches p and returns the content of its callback (an
// immediate reply), of the first edit of its deferred reply for which done
// holds, or of the private reply that took the deferred reply's place.
func interact(t *testing.T, dc *discordtest.Server, what string, p map[string]any, done func(string) bool) string {
	t.Helper()
	id := p["id"].(string)
	cb := "/interactions/" + id + "/itok-" + id + "/callback"
	orig := "/webhooks/" + discordtest.AppID + "/itok-" + id + "/messages/@original"
	dc.Dispatch(t, "INTERACTION_CREATE", p)
	var content string
	dc.Wait(t, what, func(reqs []discordtest.Request) bool {
		if c, ok := discordtest.PrivateReply(reqs, id); ok {
			content = c
			return true
		}
		for _, r := range reqs {
			switch {
			case r.Path == cb:
				data, _ := r.JSON()["data"].(map[string]any)
				if c, _ := data["content"].(string); c != "" {
					content = c
					return true
				}
			case r.Method == "PATCH" && r.Path == orig:
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

func answered(c string) bool {
	return strings.Contains(c, "**Sources**") || strings.Contains(c, "Sorry")
}

// finalButtons returns the buttons of the last edit of p's reply.
func finalButton(dc *discordtest.Server, p map[string]any, prefix string) string {
	orig := "/webhooks/" + discordtest.AppID + "/itok-" + p["id"].(string) + "/messages/@original"
	id := ""
	for _, r := range dc.Requests() {
		if r.Method == "PATCH" && r.Path == orig {
			if b := buttonWithPrefix(r.JSON(), prefix); b != "" {
				id = b
			}
		}
	}
	return id
}

// Two bot processes, shards 0 and 1 of 2, each a process of its own (this
// test binary run as storybot), one fake Discord, one fake model, one
// PostgreSQL and one knowledge folder: a vote through shard 0 shows in
// `storybot feedback` and its answer's sources show through shard 1; a
// member's questions through both shards count against one rate limit;
// /knowledge add on shard 1 is in the shared audit log and makes shard 0
// answer from the new document within 2 s; both then stop cleanly.
func TestPostgresShardsShareVotesAnswersLimitsAndKnowledge(t *testing.T) {
	endToEnd(t)
	db := pgtest.URL(t)
	kdir := oneStoryFolder(t)
	model := usageModel(t)
	dc := discordtest.New(t)
	shard := func(id string) *botProcess {
		return startBotProcess(t, botEnv(t, dc, model, kdir, map[string]string{"DATABASE_URL": db, "SHARD_COUNT": "2", "SHARD_ID": id, "RATE_LIMIT_PER_USER": "3", "METRICS_ADDR": "127.0.0.1:0"}))
	}
	shards := []*botProcess{shard("0"), shard("1")}
	logs0, logs1 := shards[0].out, shards[1].out
	dc.WaitConnected(t, 2)
	dc.WaitCommandsRegistered(t)
	addr0 := opsAddr(t, logs0)
	waitFor(t, "both shards to listen", func() bool {
		return strings.Contains(logs0.String(), "listening for knowledge changes") && strings.Contains(logs1.String(), "listening for knowledge changes")
	})
	if discordtest.ShardOf(guild0, 2) != 0 || discordtest.ShardOf(discordtest.GuildID, 2) != 1 {
		t.Fatal("the test servers should be one on each shard")
	}

	// A vote through shard 0.
	q := "Why did Albania cut ties with Iran?"
	ask := inGuild(discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: q}), guild0)
	if a := interact(t, dc, "shard 0's answer", ask, answered); !strings.Contains(a, "**Sources**") {
		t.Fatalf("shard 0's answer: %s", a)
	}
	// shard 0 logs the answer before its edit, but its output reaches this
	// process through a pipe, later than the edit may reach the fake Discord
	waitFor(t, "shard 0 to log that it answered", func() bool { return strings.Contains(logs0.String(), "msg=answered") })
	up, src := finalButton(dc, ask, "fb:up:"), finalButton(dc, ask, "src:")
	if up == "" || src == "" {
		t.Fatal("no 👍 or Show sources button on the answer")
	}
	if c := interact(t, dc, "the vote's reply", inGuild(discordtest.Button(discordtest.Bob, discordtest.ChannelID, "m1", up, ""), guild0), nil); !strings.Contains(c, "Thanks") {
		t.Errorf("the vote's reply: %q", c)
	}
	out, _, err := runWith(t, map[string]string{"DATABASE_URL": db}, "--data", t.TempDir(), "feedback", "--json")
	var fb feedbackJSON
	if err != nil || json.Unmarshal([]byte(out), &fb) != nil || fb.Votes != 1 || fb.Up != 1 || fb.Records[0].Question != q || len(fb.Records[0].Citations) == 0 {
		t.Errorf("feedback --json after a vote through shard 0: %s %v", out, err)
	}
	// The answer was saved in PostgreSQL: its sources show through shard 1.
	if c := interact(t, dc, "Show sources through shard 1", discordtest.Button(discordtest.Bob, discordtest.ChannelID, "m1", src, ""), nil); !strings.Contains(c, "The passages cited") {
		t.Errorf("Show sources through shard 1 of shard 0's answer: %q", c)
	}

	// Alice has asked once (shard 0); two more through shard 1 and shard 0
	// reach the limit of 3; the fourth, through shard 1, is refused.
	guilds := []string{discordtest.GuildID, guild0, discordtest.GuildID}
	for i, g := range guilds {
		p := inGuild(discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: q}), g)
		c := interact(t, dc, "an answer", p, answered)
		if i < 2 && !strings.Contains(c, "**Sources**") {
			t.Errorf("question %d of 3 (guild %s): %q", i+2, g, c)
		}
		if i == 2 && !strings.Contains(c, "You have asked 3 questions in the last minute") {
			t.Errorf("the fourth question through the other shard was not limited: %q", c)
		}
	}

	// /knowledge add on shard 1; shard 0 re-reads the shared folder.
	att := dc.AddAttachment("talks.md", []byte("# Talks in Tirana\n\nThe foreign ministers of Albania and Greece met in Tirana on 9 September 2022 to discuss the cyberattack.\n"))
	report := interact(t, dc, "the add report", discordtest.SlashSub(discordtest.Mod, discordtest.ChannelID, "knowledge", "add", []map[string]any{att}), nil)
	if !strings.Contains(report, "1 added") {
		t.Fatalf("add report on shard 1: %q", report)
	}
	added := time.Now()
	waitFor(t, "shard 0 to re-read the folder", func() bool { return scrape(t, addr0)[`storybot_knowledge_documents`] == 2 })
	if d := time.Since(added); d > 2*time.Second {
		t.Errorf("shard 0 had the new document %v after the add, want within 2 s", d)
	}
	// The moderator's change is in the shared audit log.
	store := openStore(t, db)
	if log, err := store.Audit().List(context.Background()); err != nil || len(log) != 1 || log[0].Action != "add" || log[0].Doc != "talks.md" || log[0].Who == "" {
		t.Errorf("the audit log in PostgreSQL: %+v %v", log, err)
	}
	p := inGuild(discordtest.Slash(discordtest.Bob, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "When did the foreign ministers of Albania and Greece meet in Tirana?"}), guild0)
	if a := interact(t, dc, "shard 0's answer from the new document", p, answered); !strings.Contains(a, "Talks in Tirana") {
		t.Errorf("shard 0 should answer from the new document:\n%s", a)
	}
	for i, err := range stopAll(t, shards...) {
		if err != nil {
			t.Errorf("shard %d's process, stopped (SIGTERM): %v, want a clean exit", i, err)
		}
	}
}

// BenchmarkPostgresShards runs shards 0 and 1 of 2 on one fake Discord and
// one PostgreSQL, with RATE_LIMIT_PER_USER=1, and dispatches 100 /ask to
// each at once: 100 members, each asking through both shards. It reports
// the acknowledgement latency (dispatch to the interaction's callback) and
// fails unless exactly one question of each member is answered and the
// other refused (the rate limit is exact across shards), every answered
// question's saved answer is in PostgreSQL, and a 👍 on each is in
// `storybot feedback`.
//
//	STORYBOT_TEST_DATABASE_URL=... go test ./internal/cli -run '^$' -bench PostgresShards -benchtime 3x
func BenchmarkPostgresShards(b *testing.B) {
	db := pgtest.URL(b)
	model := usageModel(b)
	dc := discordtest.New(b)
	for _, id := range []string{"0", "1"} {
		startBot(b, dc, model, oneStoryFolder(b), map[string]string{"DATABASE_URL": db, "SHARD_COUNT": "2", "SHARD_ID": id, "RATE_LIMIT_PER_USER": "1", "LOG_LEVEL": "warn"})
	}
	dc.WaitConnected(b, 2)
	dc.WaitCommandsRegistered(b)
	store := openStore(b, db)
	const members = 100
	var acks []time.Duration
	votes := 0
	// round asks 200 questions and checks what was kept; the first round,
	// which also opens the pools' connections, is not measured.
	round := func(n int, measure bool) {
		var asks []map[string]any
		start := len(dc.Requests())
		for i := range members {
			who := discordtest.Member{UserID: fmt.Sprint(300000000000000000 + n*1000 + i), Name: "m"}
			for _, g := range []string{guild0, discordtest.GuildID} {
				p := inGuild(discordtest.Slash(who, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Why did Albania cut ties with Iran?"}), g)
				asks = append(asks, p)
				dc.Dispatch(b, "INTERACTION_CREATE", p)
			}
		}
		// Every question is acknowledged (deferred); then either answered
		// (the final edit) or refused by the rate limit (the deferred
		// response deleted, the refusal an ephemeral follow-up).
		// outcomes sorts the requests since the round began: the final
		// edit of each answered question (by its hook), and how many were
		// acknowledged and refused. It decodes no body: it runs on every
		// request, on the machine that runs the shards.
		outcomes := func(reqs []discordtest.Request) (final map[string]discordtest.Request, acked, refused int) {
			cb, deleted, private := map[string]bool{}, map[string]bool{}, map[string]bool{}
			final = map[string]discordtest.Request{}
			for _, r := range reqs[start:] {
				switch {
				case strings.HasSuffix(r.Path, "/callback"):
					cb[r.Path] = true
				case r.Method == "PATCH" && bytes.Contains(r.Body, []byte("**Sources**")):
					final[strings.TrimSuffix(r.Path, "/messages/@original")] = r
				case r.Method == "DELETE":
					deleted[strings.TrimSuffix(r.Path, "/messages/@original")] = true
				case r.Method == "POST" && deleted[r.Path] && bytes.Contains(r.Body, []byte("You have asked 1 questions")):
					private[r.Path] = true
				}
			}
			for _, p := range asks {
				id := p["id"].(string)
				if cb["/interactions/"+id+"/itok-"+id+"/callback"] {
					acked++
				}
				if private["/webhooks/"+discordtest.AppID+"/itok-"+id] {
					refused++
				}
			}
			return final, acked, refused
		}
		reqs := dc.Wait(b, "200 acknowledgements, 100 answers and 100 refusals", func(reqs []discordtest.Request) bool {
			final, acked, refused := outcomes(reqs)
			return acked == len(asks) && len(final)+refused == len(asks)
		})
		final, _, refused := outcomes(reqs)
		var src, up []string
		for _, r := range final {
			src, up = append(src, buttonWithPrefix(r.JSON(), "src:")), append(up, buttonWithPrefix(r.JSON(), "fb:up:"))
		}
		b.StopTimer()
		defer b.StartTimer()
		if len(src) != members || refused != members {
			b.Fatalf("%d of %d members' questions answered and %d refused; want exactly one of each a member", len(src), members, refused)
		}
		for _, p := range asks {
			id := p["id"].(string)
			for _, r := range reqs[start:] {
				if measure && r.Path == "/interactions/"+id+"/itok-"+id+"/callback" {
					acks = append(acks, r.Time.Sub(dc.Dispatched(id)))
				}
			}
		}
		for i, id := range up {
			dc.Dispatch(b, "INTERACTION_CREATE", discordtest.Button(discordtest.Bob, discordtest.ChannelID, fmt.Sprint("m", i), id, ""))
		}
		votes += len(up)
		deadline := time.Now().Add(10 * time.Second)
		for {
			recs, _, err := store.Feedback().List(context.Background())
			if err == nil && len(recs) == votes {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("%d votes in PostgreSQL, want %d (%v)", len(recs), votes, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		for _, s := range src {
			if _, ok, err := store.Answers().Load(context.Background(), strings.TrimPrefix(s, "src:")); !ok || err != nil {
				b.Fatalf("saved answer %s not in PostgreSQL: %v", s, err)
			}
		}
	}
	round(0, false)
	n := 0
	for b.Loop() {
		n++
		round(n, true)
	}
	ms := func(p float64) float64 { return float64(eval.Percentile(acks, p)) / float64(time.Millisecond) }
	b.ReportMetric(ms(50), "p50-ack-ms")
	b.ReportMetric(ms(99), "p99-ack-ms")
	b.ReportMetric(ms(100), "max-ack-ms")
}

// Shard 1, a process of its own, killed (SIGKILL) in the middle of an
// answer while shard 0 has one in flight too: shard 0 goes on answering,
// and its saved answers and votes, made before, across and after the
// kill, are all in PostgreSQL.
func TestPostgresShardKilledMidAnswerLosesNothingOfTheOther(t *testing.T) {
	endToEnd(t)
	db := pgtest.URL(t)
	model := llmtest.New(t)
	model.OnChat(func(r llmtest.Request) llmtest.Reply {
		reply := llmtest.Reply{Text: "Albania cut ties with Iran over the cyberattack [1].", Usage: chat.Usage{PromptTokens: 40, CompletionTokens: 20}}
		switch {
		case strings.Contains(string(r.Raw), "Who helped Albania"):
			reply.Delay = time.Minute // shard 1's answer: in flight when it is killed
		case strings.Contains(string(r.Raw), "Iranian diplomats"):
			reply.Delay = time.Second // shard 0's, in flight across the kill
		}
		return reply
	})
	dc := discordtest.New(t)
	kdir := oneStoryFolder(t)
	env := func(id string) map[string]string {
		return map[string]string{"DATABASE_URL": db, "SHARD_COUNT": "2", "SHARD_ID": id}
	}
	startBot(t, dc, model, kdir, env("0"))
	shard1 := startBotProcess(t, botEnv(t, dc, model, kdir, env("1")))
	dc.WaitConnected(t, 2)
	dc.WaitCommandsRegistered(t)
	store := openStore(t, db)

	ask := func(q, guild string) map[string]any {
		p := inGuild(discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: q}), guild)
		dc.Dispatch(t, "INTERACTION_CREATE", p)
		return p
	}
	// answerAndVote waits for shard 0's answer to ask, votes 👍 on it and
	// returns the answer's ID.
	answerAndVote := func(ask map[string]any) string {
		t.Helper()
		orig := "/webhooks/" + discordtest.AppID + "/itok-" + ask["id"].(string) + "/messages/@original"
		dc.Wait(t, "shard 0's answer", func(reqs []discordtest.Request) bool {
			return slices.ContainsFunc(reqs, func(r discordtest.Request) bool {
				return r.Method == "PATCH" && r.Path == orig && bytes.Contains(r.Body, []byte("**Sources**"))
			})
		})
		if c := interact(t, dc, "the vote", inGuild(discordtest.Button(discordtest.Bob, discordtest.ChannelID, "m", finalButton(dc, ask, "fb:up:"), ""), guild0), nil); !strings.Contains(c, "Thanks") {
			t.Fatalf("the vote: %q", c)
		}
		return strings.TrimPrefix(finalButton(dc, ask, "src:"), "src:")
	}
	ids := []string{answerAndVote(ask("Why did Albania cut ties with Iran?", guild0))}
	slow := ask("Who helped Albania recover?", discordtest.GuildID) // shard 1's
	held := ask("What did Albania do about the Iranian diplomats?", guild0)
	waitFor(t, "both answers to be in flight at the model", func() bool {
		n := 0
		for _, r := range model.ChatRequests() {
			if strings.Contains(string(r.Raw), "Who helped Albania") || strings.Contains(string(r.Raw), "Iranian diplomats") {
				n++
			}
		}
		return n >= 2
	})
	if err := shard1.kill(t); err == nil || err.Error() != "signal: killed" {
		t.Fatalf("shard 1's process: %v, want killed", err)
	}
	ids = append(ids, answerAndVote(held))
	ids = append(ids, answerAndVote(ask("When did Albania cut ties with Iran?", guild0)))

	// Answers are saved beside the reply, not before it: wait for them as
	// for the votes.
	waitFor(t, "shard 0's saved answers in PostgreSQL", func() bool {
		for _, id := range ids {
			if _, ok, err := store.Answers().Load(context.Background(), id); !ok || err != nil {
				return false
			}
		}
		return true
	})
	waitFor(t, "shard 0's votes in PostgreSQL", func() bool {
		recs, _, err := store.Feedback().List(context.Background())
		return err == nil && len(recs) == len(ids)
	})
	// Killed, shard 1 said nothing more: its answer was never finished.
	slowOrig := "/webhooks/" + discordtest.AppID + "/itok-" + slow["id"].(string) + "/messages/@original"
	for _, r := range dc.Requests() {
		if r.Path == slowOrig && (bytes.Contains(r.Body, []byte("**Sources**")) || bytes.Contains(r.Body, []byte("restarting"))) {
			t.Errorf("shard 1 finished its answer although killed: %s", r.Body)
		}
	}
}

// A thread another process follows after this shard started (as after a
// resharding, when a server's threads may have been started by the
// process that had the server before) is followed here too: a message in
// it, without a mention, is answered; and left when the other leaves it.
func TestPostgresShardFollowsAThreadAnotherProcessStarted(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	db := pgtest.URL(t)
	dc := discordtest.New(t)
	logs := startBot(t, dc, usageModel(t), oneStoryFolder(t), map[string]string{"DATABASE_URL": db, "SHARD_COUNT": "2", "SHARD_ID": "1"})
	dc.WaitConnected(t, 1)
	waitFor(t, "shard 1 to start", func() bool {
		return strings.Contains(logs.String(), "connected to Discord") && strings.Contains(logs.String(), "listening for followed threads")
	})

	// Another process follows the thread (its own pool: another process ID).
	other := openStore(t, db)
	if err := other.Threads().Follow(context.Background(), discordtest.ThreadID, state.Thread{Parent: discordtest.ChannelID, Question: "Why did Albania cut ties with Iran?"}); err != nil {
		t.Fatal(err)
	}
	waitfor.Until(t, "shard 1 to follow the thread another process started", 5*time.Second, func() bool {
		return strings.Contains(logs.String(), "following a thread another process started")
	})
	n := len(dc.Requests())
	dc.Dispatch(t, "MESSAGE_CREATE", discordtest.Message(discordtest.Alice, discordtest.ThreadID, "and when did it happen?", false))
	dc.Wait(t, "the answer in the thread", func(reqs []discordtest.Request) bool {
		return slices.ContainsFunc(reqs[min(n, len(reqs)):], func(r discordtest.Request) bool {
			return r.Method == "POST" && r.Path == "/channels/"+discordtest.ThreadID+"/messages" && bytes.Contains(r.Body, []byte("**Sources**"))
		})
	})
	// The other process leaves it: so does shard 1.
	if err := other.Threads().Unfollow(context.Background(), discordtest.ThreadID); err != nil {
		t.Fatal(err)
	}
	waitfor.Until(t, "shard 1 to leave the thread", 5*time.Second, func() bool {
		return strings.Contains(logs.String(), "stopped following a thread another process left")
	})
}
