// Package chat holds the vocabulary shared by everything that talks to a
// language model: messages, requests, responses and token usage. It has no
// behaviour and imports nothing from the project, so the answer pipeline, the
// summaries and the model adapter (internal/llm) can all speak it.
package chat

import "errors"

// Roles of a Message.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Message is one turn of a conversation with a model.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request is what a consumer asks of a model.
type Request struct {
	Messages    []Message
	MaxTokens   int     // 0: the adapter's default
	Temperature float32 // 0 is a valid (deterministic) choice
	// OnQueued, when set, is called once when the request must wait for a
	// free model slot, so a caller can tell its user "waiting for the
	// model". It may be called from another goroutine.
	OnQueued func()
}

// Usage counts tokens as the model reported them (zero when it did not).
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// Response is the model's complete reply.
type Response struct {
	Text         string
	FinishReason string
	Usage        Usage
}

// ErrUnavailable is wrapped by adapters when the model could not be reached or
// kept failing after retries; consumers fall back to extractive answers.
var ErrUnavailable = errors.New("language model unavailable")
