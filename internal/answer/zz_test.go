package answer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/eval"
	"storybot/internal/spell"
)

func TestZZLead(t *testing.T) {
	for _, set := range []string{"xquad_en"} {
		ix := buildIndex(t, "eval/"+set+"/docs")
		p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs, Speller: spell.New(ix.Docs())})
		n := 0
		for _, q := range readQuestions(t, filepath.Join(shared, "eval", set, "questions.jsonl")) {
			a, _ := p.Ask(context.Background(), answer.Request{Question: q.Question}, nil)
			norm := func(s string) string { return " " + strings.ToLower(strings.Join(strings.Fields(s), " ")) + " " }
			in := func(s string) bool {
				for _, w := range q.Answers {
					if strings.Contains(norm(s), strings.ToLower(strings.Join(strings.Fields(w), " "))) {
						return true
					}
				}
				return false
			}
			if !a.Refused && in(a.Text) && !in(eval.Lead(a.Text)) {
				n++
				if n%4 == 0 {
					fmt.Printf("Q: %s\n  want %v\n  %s\n\n", q.Question, q.Answers, strings.ReplaceAll(a.Text, "\n", "\n  "))
				}
			}
		}
		fmt.Println(set, "lead-only misses", n)
	}
}
