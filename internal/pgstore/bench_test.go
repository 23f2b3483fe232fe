package pgstore

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"storybot/internal/answer"
	"storybot/internal/feedback"
	"storybot/internal/latency"
	"storybot/internal/pgstore/pgtest"
	"storybot/internal/state"
)

// benchLatency runs op one call after another, with a context, and reports
// the 50th and 99th percentiles of one call in milliseconds (p50-ms,
// p99-ms).
func benchLatency(b *testing.B, op func(ctx context.Context, i int) error) {
	ctx := context.Background()
	latency.Bench(b, time.Millisecond, func(i int) error { return op(ctx, i) })
}

func benchAnswer() state.Answer {
	return state.Answer{
		Answer: answer.Answer{Question: "Why did Albania cut ties with Iran?", Text: "Albania cut ties with Iran over the July cyberattack [1][2].", Mode: answer.ModeLLM,
			Citations: []answer.Citation{
				{N: 1, Doc: "albania.txt", Title: "Albania cuts ties with Iran", Location: "¶2", Quote: "a quote", PassageID: "p1", Text: strings.Repeat("passage ", 150)},
				{N: 2, Doc: "albania.txt", Title: "Albania cuts ties with Iran", Location: "¶5", Quote: "another", PassageID: "p2", Text: strings.Repeat("passage ", 150)},
			}},
		UserID: "100000000000000001", GuildID: "800000000000000001", ChannelID: "700000000000000001",
	}
}

// A vote in PostgreSQL (STORYBOT_TEST_DATABASE_URL), as the bot records
// it: go test -bench Postgres -run '^$' ./internal/pgstore
func BenchmarkPostgresVote(b *testing.B) {
	s := open(b, pgtest.URL(b)).Feedback()
	a := benchAnswer()
	benchLatency(b, func(ctx context.Context, i int) error {
		return s.Add(ctx, feedback.Record{Vote: feedback.Up, UserID: a.UserID, GuildID: a.GuildID, ChannelID: a.ChannelID,
			MessageID: fmt.Sprint(i), Question: a.Question, Answer: a.Text, Mode: string(a.Mode), Citations: a.Citations})
	})
}

// A saved answer (two cited passages of 1,200 bytes) in PostgreSQL.
func BenchmarkPostgresSaveAnswer(b *testing.B) {
	s := open(b, pgtest.URL(b)).Answers()
	a := benchAnswer()
	benchLatency(b, func(ctx context.Context, i int) error { return s.Save(ctx, fmt.Sprintf("bench-%d", i), a) })
}

// A rate-limit check (a member's window, locked in a transaction).
func BenchmarkPostgresRateTake(b *testing.B) {
	s := open(b, pgtest.URL(b)).Rates()
	now := time.Now()
	benchLatency(b, func(ctx context.Context, i int) error {
		_, _, err := s.Take(ctx, fmt.Sprint(i%100), 5, time.Minute, now.Add(time.Duration(i)*time.Millisecond))
		return err
	})
}
