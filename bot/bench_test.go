package bot_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"storybot/bot"
	"storybot/bot/discordtest"
	"storybot/internal/answer"
	"storybot/internal/eval"
)

// BenchmarkDeferredAck50 dispatches 50 /ask at once over the fake gateway
// and measures, per interaction, the time from dispatch to the deferred
// acknowledgement reaching the fake REST API.
//
//	go test ./bot -run XXX -bench DeferredAck50 -benchtime 20x
func BenchmarkDeferredAck50(b *testing.B) {
	asker := &fakeAsker{askFn: func(ctx context.Context, req answer.Request, on func(answer.Event)) (answer.Answer, error) {
		on(answer.Event{Kind: answer.EventRetrieved})
		time.Sleep(50 * time.Millisecond)
		return citedAnswer(req.Question), nil
	}}
	h := start(b, asker, func(o *bot.Options) { o.RateLimitPerUser = 0 })
	var lat []time.Duration
	for b.Loop() {
		ids := make([]string, 50)
		for i := range ids {
			who := discordtest.Member{UserID: fmt.Sprint(200000000000000000 + i), Name: "u"}
			ask := discordtest.Slash(who, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Why did Albania cut ties?"})
			ids[i] = ask["id"].(string)
			h.srv.Dispatch(b, "INTERACTION_CREATE", ask)
		}
		reqs := h.srv.Wait(b, "50 acknowledgements and answers", func(r []discordtest.Request) bool {
			n := 0
			for _, id := range ids {
				if len(originalEdits(r, id)) > 0 {
					n++
				}
			}
			return n == len(ids)
		})
		for _, id := range ids {
			for _, r := range find(reqs, "POST", "/interactions/"+id+"/") {
				lat = append(lat, r.Time.Sub(h.srv.Dispatched(id)))
			}
		}
	}
	b.ReportMetric(float64(eval.Percentile(lat, 50).Microseconds())/1000, "p50-ack-ms")
	b.ReportMetric(float64(eval.Percentile(lat, 99).Microseconds())/1000, "p99-ack-ms")
	b.ReportMetric(float64(eval.Percentile(lat, 100).Microseconds())/1000, "max-ack-ms")
}

// BenchmarkStreamedAnswer2s answers with a model that streams for 2 s, with
// the production edit interval (1 s), and measures the time from dispatch to
// the final edit, and the REST calls one answered question costs.
//
//	go test ./bot -run XXX -bench StreamedAnswer2s -benchtime 3x
func BenchmarkStreamedAnswer2s(b *testing.B) {
	asker := &fakeAsker{askFn: func(ctx context.Context, req answer.Request, on func(answer.Event)) (answer.Answer, error) {
		on(answer.Event{Kind: answer.EventRetrieved})
		for i := 0; i < 20; i++ {
			select {
			case <-time.After(100 * time.Millisecond):
			case <-ctx.Done():
				return answer.Answer{}, ctx.Err()
			}
			on(answer.Event{Kind: answer.EventDelta, Delta: "word "})
		}
		return citedAnswer(req.Question), nil
	}}
	h := start(b, asker, func(o *bot.Options) { o.EditInterval = time.Second; o.RateLimitPerUser = 0 })
	var final []time.Duration
	var calls []int
	var mu sync.Mutex
	for b.Loop() {
		n0 := len(h.srv.Requests())
		ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Why?"})
		id := ask["id"].(string)
		h.srv.Dispatch(b, "INTERACTION_CREATE", ask)
		reqs := waitLastEdit(b, h, "the final edit", id, "**Sources**")
		e := originalEdits(reqs, id)
		mu.Lock()
		final = append(final, e[len(e)-1].Time.Sub(h.srv.Dispatched(id)))
		calls = append(calls, len(reqs)-n0)
		mu.Unlock()
	}
	b.ReportMetric(float64(eval.Percentile(final, 100).Milliseconds()), "max-final-edit-ms")
	total := 0
	for _, c := range calls {
		total += c
	}
	b.ReportMetric(float64(total)/float64(len(calls)), "REST-calls/answer")
}
