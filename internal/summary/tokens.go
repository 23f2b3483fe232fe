package summary

import "storybot/internal/chat"

// EstimateTokens is a deliberately generous estimate of the tokens of s for
// OpenAI-style tokenizers: one token for every three bytes. English text
// averages about four bytes a token, so real counts come out lower, which
// keeps every prompt inside the budget.
func EstimateTokens(s string) int { return (len(s) + 2) / 3 }

// requestTokens estimates the prompt tokens of req, counting a few tokens of
// framing for each message.
func requestTokens(count func(string) int, req chat.Request) int {
	n := 3
	for _, m := range req.Messages {
		n += 4 + count(m.Role) + count(m.Content)
	}
	return n
}
