package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"storybot/bot"
	"storybot/bot/discordtest"
	"storybot/internal/answer"
	"storybot/internal/state"
	"storybot/internal/waitfor"
)

// flakyAnswers is a shared answer store that fails while down is set.
type flakyAnswers struct {
	state.AnswerStore
	down  atomic.Bool
	saves atomic.Int32
}

var _ state.AnswerStore = (*flakyAnswers)(nil)

func (f *flakyAnswers) Save(ctx context.Context, id string, a state.Answer) error {
	f.saves.Add(1)
	if f.down.Load() {
		return errors.New("connection refused")
	}
	return f.AnswerStore.Save(ctx, id, a)
}

// failingRates is a shared rate-limit store that cannot be reached.
type failingRates struct{}

func (failingRates) Take(context.Context, string, int, time.Duration, time.Time) (bool, time.Duration, error) {
	return false, 0, errors.New("connection refused")
}

func askFor(t *testing.T, h *harness, who discordtest.Member) (final map[string]any, refusal string) {
	t.Helper()
	ask := discordtest.Slash(who, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Why did Albania cut ties?"})
	id := ask["id"].(string)
	h.srv.Dispatch(t, "INTERACTION_CREATE", ask)
	h.srv.Wait(t, "the answer or the refusal", func(r []discordtest.Request) bool {
		if e := originalEdits(r, id); len(e) > 0 && strings.Contains(content(e[len(e)-1].JSON()), "**Sources**") {
			final = e[len(e)-1].JSON()
			return true
		}
		var ok bool
		refusal, ok = discordtest.PrivateReply(r, id)
		return ok
	})
	return final, refusal
}

func press(t *testing.T, h *harness, customID string) string {
	t.Helper()
	p := discordtest.Button(discordtest.Bob, discordtest.ChannelID, "m1", customID, "")
	id := p["id"].(string)
	h.srv.Dispatch(t, "INTERACTION_CREATE", p)
	reqs := h.srv.Wait(t, "the button's reply", func(r []discordtest.Request) bool { return len(find(r, "POST", "/interactions/"+id+"/")) > 0 })
	d, _ := find(reqs, "POST", "/interactions/"+id+"/")[0].JSON()["data"].(map[string]any)
	c, _ := d["content"].(string)
	return c
}

// Two bots (as two shards) on shared stores: an answer saved by one shows
// its sources through the other, and a member's questions through both
// count against one limit.
func TestSharedStoresServeTwoBots(t *testing.T) {
	t.Parallel()
	asker := &fakeAsker{askFn: func(ctx context.Context, req answer.Request, on func(answer.Event)) (answer.Answer, error) {
		return citedAnswer(req.Question), nil
	}}
	answers := &flakyAnswers{AnswerStore: state.OpenAnswerFile(100, "", nil)}
	rates := state.NewRateMemory()
	shared := func(o *bot.Options) { o.Answers, o.Rates, o.RateLimitPerUser = answers, rates, 1 }
	h1, h2 := start(t, asker, shared), start(t, asker, shared)
	final, _ := askFor(t, h1, discordtest.Alice)
	src := withPrefix(customIDs(final), "src:")
	waitUntil(t, "the shared save", func() bool { return answers.saves.Load() == 1 })
	if c := press(t, h2, src); !strings.Contains(c, "The passages cited") {
		t.Errorf("Show sources through the other bot: %q", c)
	}
	if _, refused := askFor(t, h2, discordtest.Alice); !strings.Contains(refused, "You have asked 1 questions") {
		t.Errorf("the second question through the other bot: %q", refused)
	}
}

// The shared stores down: the answer comes, its buttons work from memory,
// the save is retried and then logged, and the rate limit lets questions
// through.
func TestSharedStoresDownAnswersGoOn(t *testing.T) {
	t.Parallel()
	asker := &fakeAsker{askFn: func(ctx context.Context, req answer.Request, on func(answer.Event)) (answer.Answer, error) {
		return citedAnswer(req.Question), nil
	}}
	answers := &flakyAnswers{AnswerStore: state.OpenAnswerFile(100, "", nil)}
	answers.down.Store(true)
	h := start(t, asker, func(o *bot.Options) { o.Answers, o.Rates, o.RateLimitPerUser = answers, failingRates{}, 1 })
	for range 2 {
		final, refused := askFor(t, h, discordtest.Alice)
		if final == nil {
			t.Fatalf("no answer with the shared stores down: %q", refused)
		}
		if c := press(t, h, withPrefix(customIDs(final), "src:")); !strings.Contains(c, "The passages cited") {
			t.Errorf("Show sources from memory: %q", c)
		}
	}
	waitUntil(t, "the warnings", func() bool {
		return strings.Count(h.logs.String(), "could not save to the shared store") == 2
	})
	if n := answers.saves.Load(); n != 6 {
		t.Errorf("%d tries to save 2 answers, want 3 each", n)
	}
	if !strings.Contains(h.logs.String(), "letting the question through") {
		t.Error("no warning about the rate limit")
	}
}

// waitUntil polls cond until it holds, failing the test after 10 s (see
// waitfor.Until).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitfor.Until(t, what, 10*time.Second, cond)
}
