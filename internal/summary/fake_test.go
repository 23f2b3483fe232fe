package summary

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"storybot/internal/chat"
	"storybot/internal/prompt"
	"storybot/prompts"
)

// fakeModel is a hand-written Model: complete answers each request; every
// request is recorded.
type fakeModel struct {
	complete func(req chat.Request) (string, error)

	mu   sync.Mutex
	reqs []chat.Request
}

var _ Model = (*fakeModel)(nil)

func (f *fakeModel) Complete(ctx context.Context, req chat.Request, onDelta func(string)) (chat.Response, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return chat.Response{}, err
	}
	text, err := f.complete(req)
	if err != nil {
		return chat.Response{}, err
	}
	if onDelta != nil {
		for _, w := range strings.SplitAfter(text, " ") {
			onDelta(w)
		}
	}
	return chat.Response{Text: text, FinishReason: "stop", Usage: chat.Usage{PromptTokens: requestTokens(EstimateTokens, req), CompletionTokens: EstimateTokens(text)}}, nil
}

func (f *fakeModel) requests() []chat.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]chat.Request{}, f.reqs...)
}

var (
	passageRe = regexp.MustCompile(`(?s)<<<PASSAGE (\d+)>>>\nSource: [^\n]*\n(.*?)\n<<<END PASSAGE \d+>>>`)
	notesRe   = regexp.MustCompile(`(?s)<<<NOTES>>>\n(.*?)<<<END NOTES>>>`)
	eventRe   = regexp.MustCompile(`(?m)^(\d+): \[[^\]]*\] (.*)$`)
)

// echoModel plays a model that follows the prompts: for passages it writes
// each one's first sentence cited with its number, for notes it keeps each
// note's first sentence with its markers, for timeline events it writes
// "N: first words". It stops where the reply would pass MaxTokens.
func echoModel(req chat.Request) (string, error) {
	user := req.Messages[len(req.Messages)-1].Content
	var out []string
	if m := eventRe.FindAllStringSubmatch(user, -1); m != nil {
		for _, e := range m {
			f := strings.Fields(e[2])
			out = append(out, e[1]+": "+strings.Join(f[:min(8, len(f))], " "))
		}
		return strings.Join(out, "\n"), nil
	}
	for _, m := range passageRe.FindAllStringSubmatch(user, -1) {
		ss := splitSentences(m[2])
		if len(ss) > 0 {
			out = append(out, ss[0]+" ["+m[1]+"]")
		}
	}
	if m := notesRe.FindStringSubmatch(user); m != nil {
		for _, l := range strings.Split(m[1], "\n") {
			l = strings.TrimPrefix(l, "- ")
			if ps := parseCited(l); len(ps) > 0 {
				out = append(out, formatCited([][]citedSentence{{ps[0][0]}}))
			}
		}
	}
	var b strings.Builder
	for _, s := range out {
		if req.MaxTokens > 0 && EstimateTokens(b.String()+s) > req.MaxTokens {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// defaultPrompts are the embedded templates of storybot/prompts.
func defaultPrompts() *prompt.Set {
	s, err := prompt.LoadFS(prompts.FS, "prompts")
	if err != nil {
		panic(fmt.Sprintf("load prompts: %v", err))
	}
	return s
}
