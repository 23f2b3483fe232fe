package answer_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/chat"
)

// TestGoOn: offline, "Tell me more" after an answer goes on with its topic
// without quoting it again, and "And then?" goes on with the text after the
// answer's first quote, till the document ends.
func TestGoOn(t *testing.T) {
	ctx := context.Background()
	ix := story(t)
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	ask := func(q string, hist []chat.Message) (answer.Answer, []chat.Message) {
		t.Helper()
		a, err := p.Ask(ctx, answer.Request{Question: q, History: hist}, nil)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		return a, append(hist, chat.Message{Role: chat.RoleUser, Content: q}, chat.Message{Role: chat.RoleAssistant, Content: a.Text})
	}
	first, hist := ask("What did the US do?", nil)
	var quoted []string
	for _, c := range first.Citations {
		quoted = append(quoted, c.Quote)
	}
	for _, q := range []string{"tell me more", "anything else?"} {
		a, h := ask(q, hist)
		if a.Refused || len(a.Citations) == 0 {
			t.Fatalf("%q: %+v", q, a)
		}
		for _, c := range a.Citations {
			if slices.Contains(quoted, c.Quote) {
				t.Errorf("%q quoted %q again", q, c.Quote)
			}
			quoted = append(quoted, c.Quote)
		}
		hist = h
	}

	_, hist = ask("Who is Edi Rama?", nil)                                                 // ¶2
	want := []string{"This extreme response", "In light of a weeks-long US investigation"} // each answer two paragraphs on
	for i, q := range []string{"and then?", "what happened next?"} {
		var a answer.Answer
		a, hist = ask(q, hist)
		if a.Refused || !strings.Contains(a.Text, want[i]) || strings.Contains(a.Text, "Edi Rama declared") {
			t.Errorf("%q: %q, want %q first", q, a.Text, want[i])
		}
	}
	m := replying("Then Rama explained the response [1].") // with a model: the passage of the last quote and those after it
	online := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs, Model: m})
	history := []chat.Message{{Role: chat.RoleUser, Content: "Who is Edi Rama?"}, {Role: chat.RoleAssistant, Content: "Quoted from the sources:\n> “The government has decided with immediate effect to end diplomatic relations with the Islamic Republic of Iran,” Albanian Prime Minister Edi Rama declared in a video statement. [1]"}}
	if _, err := online.Ask(ctx, answer.Request{Question: "and then?", History: history}, nil); err != nil {
		t.Fatal(err)
	}
	if user := m.calls[len(m.calls)-1].Messages[1].Content; !strings.Contains(user, "This extreme response") || strings.Index(user, "Edi Rama declared") > strings.Index(user, "<<<PASSAGE 2>>>") {
		t.Errorf("the model's passages do not start at the last quote:\n%s", user)
	}
	// The last paragraph, then "and then?" twice.
	_, hist = ask("How many groups carried out the attack?", nil)
	for range 2 {
		var a answer.Answer
		if a, hist = ask("and then?", hist); !a.Refused || a.Text != answer.MsgNextDone {
			t.Errorf("after the last paragraph: %+v", a)
		}
	}
	// The last paragraph quoted as the nearest of a hedge is no "that" to go
	// on from: "what did they do after that?" said the document ends there.
	last, _ := ask("How many groups carried out the attack?", nil)
	hedged := []chat.Message{{Role: chat.RoleUser, Content: "how long did the attack last?"}, {Role: chat.RoleAssistant, Content: answer.MsgNoCount + strings.TrimPrefix(last.Text, "Quoted from the sources:")}}
	if a, _ := ask("what did they do after that?", hedged); a.Text == answer.MsgNextDone {
		t.Errorf("after a hedge whose nearest is the last paragraph: %q", a.Text)
	}
}
