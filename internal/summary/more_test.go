package summary

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/cite"
	"storybot/internal/llm"
	"storybot/internal/llm/llmtest"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"This extreme response… is fully proportional. The embassy did not comment.", []string{"This extreme response… is fully proportional.", "The embassy did not comment."}},
		{"“We have concluded,” the statement read. “The US will act.” It ended.", []string{"“We have concluded,” the statement read.", "“The US will act.”", "It ended."}},
		{"Mr. Rama met Dr. Smith in the U.S. on Monday. Then he left.", []string{"Mr. Rama met Dr. Smith in the U.S. on Monday.", "Then he left."}},
		{"J. R. Smith spoke. In 2014 they came.", []string{"J. R. Smith spoke.", "In 2014 they came."}},
		{"A heading\n\nThe text\nwraps here. Next one!", []string{"A heading", "The text wraps here.", "Next one!"}},
		{"It cost 2.5 million. (Officials agreed.) Done", []string{"It cost 2.5 million.", "(Officials agreed.)", "Done"}},
		{"It spreads. 6, 7 Herein, we describe it. 3 diplomats left.", []string{"It spreads.", "Herein, we describe it.", "3 diplomats left."}},
		{"It spreads [3]. 6, 7, [10] [11] In two studies it did.", []string{"It spreads.", "In two studies it did."}},
		{"", nil},
	}
	for _, tt := range tests {
		got := splitSentences(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("splitSentences(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
		}
	}
}

func TestParseCited(t *testing.T) {
	got := parseCited("Albania cut ties [1]. [2] Rama spoke [3, 4][3].\n\nUncited here. [7]")
	want := [][]citedSentence{
		{{"Albania cut ties.", []int{1, 2}}, {"Rama spoke.", []int{3, 4}}},
		{{"Uncited here.", []int{7}}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parseCited = %v, want %v", got, want)
	}
}

func FuzzParseCited(f *testing.F) {
	for _, s := range []string{"A [1]. B [2, 3].", "[1] lead. x", "no markers", "[99999999999]", "a. [1][1] [x]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		paras := parseCited(s)
		kept, _ := checkCited(paras, func(n int) bool { return n%2 == 1 })
		for _, ss := range kept {
			for _, c := range ss {
				if len(c.cites) == 0 {
					t.Fatal("a kept sentence has no citation")
				}
				for _, n := range c.cites {
					if n%2 != 1 {
						t.Fatalf("citation %d not allowed but kept", n)
					}
				}
				if len(cite.Find(c.text)) > 0 {
					t.Fatalf("marker left in text %q", c.text)
				}
			}
		}
		// formatting and parsing again is stable
		again := parseCited(formatCited(kept))
		if fmt.Sprint(again) != fmt.Sprint(kept) && len(kept) > 0 {
			// sentence splitting of arbitrary text may regroup; only citations must survive
			n1, n2 := 0, 0
			for _, ss := range kept {
				for _, c := range ss {
					n1 += len(c.cites)
				}
			}
			for _, ss := range again {
				for _, c := range ss {
					n2 += len(c.cites)
				}
			}
			if n2 < 1 {
				t.Fatalf("citations lost on reparse: %d → %d", n1, n2)
			}
		}
	})
}

func TestConcurrentUse(t *testing.T) {
	m := &fakeModel{complete: echoModel}
	s := New(Options{Source: staticSource("v", storyDocs(t)), Model: m, Prompts: defaultPrompts()})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Go(func() {
			l := []Length{Short, Medium, Long}[i%3]
			if _, err := s.Summary(context.Background(), SummaryRequest{Length: l}, nil); err != nil {
				t.Error(err)
			}
			if _, err := s.Timeline(context.Background(), TimelineRequest{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// TestMapReduceThroughOpenAI runs the xquad map-reduce through the real
// adapter (go-openai) against the fake OpenAI server, checking every request
// as it went over the wire.
func TestMapReduceThroughOpenAI(t *testing.T) {
	docs := xquadDocs(t)
	srv := llmtest.New(t)
	srv.OnChat(func(r llmtest.Request) llmtest.Reply {
		req := toChat(r)
		text, _ := echoModel(req)
		return llmtest.Reply{Text: text}
	})
	client := llm.New(llm.Config{BaseURL: srv.URL(), APIKey: "test-key", MaxConcurrency: 4}, nil)
	const budget = 6000
	s := New(Options{Source: staticSource("x", docs), Model: client, Prompts: defaultPrompts(), MaxContextTokens: budget})
	var streamed strings.Builder
	sum, err := s.Summary(context.Background(), SummaryRequest{Length: Short}, func(d string) { streamed.WriteString(d) })
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.ChatRequests()
	if sum.Mode != answer.ModeLLM || sum.Calls != len(reqs) {
		t.Fatalf("mode %s, %d calls reported, %d received", sum.Mode, sum.Calls, len(reqs))
	}
	streamedCalls := 0
	for i, r := range reqs {
		if r.Method != "POST" || r.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer test-key" {
			t.Fatalf("request %d: %s %s", i, r.Method, r.Path)
		}
		req := toChat(r)
		if used := requestTokens(EstimateTokens, req) + req.MaxTokens; used > budget || req.MaxTokens <= 0 {
			t.Errorf("request %d uses %d tokens of %d (max_tokens %d)", i, used, budget, req.MaxTokens)
		}
		if r.Stream {
			streamedCalls++
		}
	}
	if streamedCalls != 1 || streamed.Len() == 0 {
		t.Errorf("%d streamed calls, %d bytes streamed; want only the final call streamed", streamedCalls, streamed.Len())
	}
	assertAllCited(t, sum.Text, sum.Citations)
	t.Logf("xquad_en through go-openai, budget %d: %d calls", budget, len(reqs))
}

// toChat rebuilds the chat.Request a fake server received.
func toChat(r llmtest.Request) chat.Request {
	req := chat.Request{Messages: r.Messages}
	for _, k := range []string{"max_tokens", "max_completion_tokens"} {
		if v, ok := r.Body[k].(float64); ok {
			req.MaxTokens = int(v)
		}
	}
	return req
}

func TestConcurrentIdenticalRequestsShareOneSummary(t *testing.T) {
	called := make(chan struct{}, 16)
	release := make(chan struct{})
	m := &fakeModel{complete: func(req chat.Request) (string, error) {
		called <- struct{}{}
		<-release
		return echoModel(req)
	}}
	s := New(Options{Source: staticSource("v", storyDocs(t)), Model: m, Prompts: defaultPrompts()})
	var wg sync.WaitGroup
	results := make([]Summary, 5)
	for i := range results {
		wg.Go(func() {
			sum, err := s.Summary(context.Background(), SummaryRequest{Length: Short}, nil)
			if err != nil {
				t.Error(err)
			}
			results[i] = sum
		})
		if i == 0 {
			<-called // the first request is with the model
		}
	}
	close(release)
	wg.Wait()
	if n := len(m.requests()); n != 1 {
		t.Errorf("%d model calls for 5 identical requests, want 1", n)
	}
	fresh := 0
	for _, r := range results {
		if r.Text != results[0].Text || r.Mode != answer.ModeLLM {
			t.Errorf("results differ: %q vs %q", r.Text, results[0].Text)
		}
		if !r.Cached {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d results marked fresh, want 1", fresh)
	}
}

// TestHeading: a summary says what it covers, as a timeline's first line
// does; one that found nothing has no heading (its text says so).
func TestHeading(t *testing.T) {
	for _, c := range []struct {
		s    Summary
		want string
	}{
		{Summary{Scope: "the knowledge folder"}, "Summary of the knowledge folder"},
		{Summary{Scope: "The Toad Woman"}, "Summary of “The Toad Woman”"},
		{Summary{Scope: "the knowledge folder", Focus: "the MEK"}, "Summary of the knowledge folder, about “the MEK”"},
		{Summary{Scope: "the knowledge folder", Focus: "the moon", NotCovered: true}, ""},
	} {
		if got := c.s.Heading(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.s, got, c.want)
		}
	}
}
