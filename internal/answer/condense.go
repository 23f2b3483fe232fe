package answer

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"storybot/internal/chat"
	"storybot/internal/textan"
)

// maxHistory is how many earlier turns the condense step looks at.
const maxHistory = 6

// condense turns a follow-up into a standalone question: through the model
// when there is one (falling back to the offline rule when it fails), else by
// the offline rule (see CondenseOffline). down reports that the model was
// unavailable (an error wrapping chat.ErrUnavailable).
func (p *Pipeline) condense(ctx context.Context, q string, history []chat.Message, usage *chat.Usage) (standalone string, down bool) {
	if len(history) > maxHistory {
		history = history[len(history)-maxHistory:]
	}
	offline := CondenseOffline(p.an, q, history)
	if p.opts.Model == nil || offline == q && !looksLikeFollowUp(p.an, q) {
		return offline, false
	}
	msg, err := p.opts.Prompts.Render("condense", CondenseData{History: history, Question: q})
	if err != nil {
		p.opts.Log.Error("render condense prompt", "err", err)
		return offline, false
	}
	resp, err := p.opts.Model.Complete(ctx, chat.Request{
		Messages:  []chat.Message{{Role: chat.RoleUser, Content: msg}},
		MaxTokens: 120,
	}, nil)
	if err != nil {
		p.opts.Log.Warn("condense with the model failed; using the offline rule", "err", err)
		return offline, errors.Is(err, chat.ErrUnavailable)
	}
	usage.PromptTokens += resp.Usage.PromptTokens
	usage.CompletionTokens += resp.Usage.CompletionTokens
	out := strings.TrimSpace(resp.Text)
	out = strings.TrimPrefix(out, "Standalone question:")
	out = strings.Trim(strings.TrimSpace(out), "\"“”")
	if out == "" || len(out) > MaxQuestionChars || strings.Count(out, "\n") > 2 || declines(out) {
		return offline, false
	}
	return out, false
}

// declineRe recognises a model declining instead of rewriting.
var declineRe = regexp.MustCompile(`(?i)^\W*(?:i'?m sorry|sorry|i apologi[sz]e|unfortunately|as an ai|i (?:can(?:no|')t|cannot|am unable|'m unable|won't|will not))\b`)

// declines reports whether a condense reply is no question but the model
// declining ("I'm sorry, but I can't help with that.") or saying it cannot
// tell: searched, it would make the follow-up look not covered.
func declines(out string) bool {
	t := strings.NewReplacer("’", "'", "‘", "'").Replace(out)
	return declineRe.MatchString(t) || IsRefusal(t)
}

// referring words make a question depend on the conversation.
var referring = map[string]bool{
	"it": true, "its": true, "they": true, "them": true, "their": true, "theirs": true,
	"he": true, "him": true, "his": true, "she": true, "her": true, "this": true, "that": true,
	"these": true, "those": true, "there": true, "then": true,
}

var followUpStarts = []string{"and ", "but ", "so ", "what about", "how about", "also ", "then ", "why?", "when?", "where?", "how?", "who?"}

func looksLikeFollowUp(an *textan.Analyzer, q string) bool {
	lq := strings.ToLower(strings.TrimSpace(q))
	for _, s := range followUpStarts {
		if strings.HasPrefix(lq, s) {
			return true
		}
	}
	refers := false
	textan.Tokenize(lq, func(t textan.Token) {
		if referring[t.Text] {
			refers = true
		}
	})
	return refers || len(an.Terms(q)) <= 2
}

// CondenseOffline is the rule used without a model: when q looks like a
// follow-up (it starts with "and", "what about"..., refers back with "they",
// "it", "that"..., or has two content words or fewer), the content words of
// the last user question that q lacks are appended to it, so "and who helped
// them recover?" after a question about the cyberattack on Albania searches
// for "and who helped them recover? cyber attack Albania". Otherwise q is
// returned as it is.
func CondenseOffline(an *textan.Analyzer, q string, history []chat.Message) string {
	if !looksLikeFollowUp(an, q) {
		return q
	}
	var last string
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].Role == chat.RoleUser && strings.TrimSpace(history[i].Content) != "" {
			last = history[i].Content
			break
		}
	}
	if last == "" {
		return q
	}
	have := map[string]bool{}
	for _, t := range an.Terms(q) {
		have[t] = true
	}
	var add []string
	an.Each(last, func(term string, tok textan.Token) {
		if !have[term] {
			have[term] = true
			add = append(add, tok.Text)
		}
	})
	if len(add) == 0 {
		return q
	}
	return q + " " + strings.Join(add, " ")
}
