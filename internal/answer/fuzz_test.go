package answer_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/usererr"
)

// FuzzAsk asks the story, offline and as the bot does (with the speller),
// any question after any earlier one: it never panics, fails only with a
// message for the user, and what it answers keeps the trust contract:
// every marker in the text names a citation, every citation is marked,
// and every quoted line is the text of the passages it cites.
func FuzzAsk(f *testing.F) {
	for _, q := range readJSONL[naturalQuestion](f, "testdata/natural.jsonl") {
		f.Add(strings.Join(q.History, " "), q.Q)
	}
	f.Add("", "")
	f.Add("who is Edi Rama?", "and [1] what [2]?")
	f.Add("", "\x00\u202e?? ``` > **")
	ix := story(f)
	p := botPipeline(ix)
	marker := regexp.MustCompile(`\[(\d+)\]`)
	f.Fuzz(func(t *testing.T, before, q string) {
		var hist []chat.Message
		if before != "" {
			prev, err := p.Ask(context.Background(), answer.Request{Question: before}, nil)
			if err == nil {
				hist = []chat.Message{{Role: chat.RoleUser, Content: before}, {Role: chat.RoleAssistant, Content: prev.Text}}
			}
		}
		a, err := p.Ask(context.Background(), answer.Request{Question: q, History: hist}, nil)
		if err != nil {
			if msg, ok := usererr.Message(err); !ok || msg == "" {
				t.Fatalf("%q: an error with no message for the user: %v", q, err)
			}
			return
		}
		if !utf8.ValidString(a.Text) && utf8.ValidString(q) {
			t.Fatalf("%q: the answer is not UTF-8: %q", q, a.Text)
		}
		cited := map[int]bool{}
		for _, m := range marker.FindAllStringSubmatch(a.Text, -1) {
			n, _ := strconv.Atoi(m[1])
			cited[n] = true
		}
		for i, c := range a.Citations {
			if c.N != i+1 || !cited[c.N] || c.Text == "" {
				t.Fatalf("%q: citation %d of %d (n=%d) is unmarked, misnumbered or without its passage:\n%s", q, i+1, len(a.Citations), c.N, a.Text)
			}
			delete(cited, c.N)
		}
		if len(cited) > 0 && len(a.Citations) > 0 {
			t.Fatalf("%q: markers %v name no citation:\n%s", q, cited, a.Text)
		}
		for _, line := range strings.Split(a.Text, "\n") {
			quote, ok := strings.CutPrefix(line, "> ")
			if !ok {
				continue
			}
			ms := marker.FindAllStringSubmatchIndex(quote, -1)
			if len(ms) == 0 {
				t.Fatalf("%q: a quote without its citation: %q", q, line)
			}
			n, _ := strconv.Atoi(quote[ms[len(ms)-1][2]:ms[len(ms)-1][3]])
			text := strings.TrimSpace(quote[:ms[len(ms)-1][0]])
			if n < 1 || n > len(a.Citations) {
				t.Fatalf("%q: quote cites [%d] of %d", q, n, len(a.Citations))
			}
			if passage := strings.Join(strings.Fields(a.Citations[n-1].Text), " "); !strings.Contains(passage, strings.Join(strings.Fields(text), " ")) {
				t.Fatalf("%q: the quote is not the cited passage's text:\nquote: %q\npassage: %q", q, text, passage)
			}
		}
	})
}
