// Package answer is storybot's answer pipeline: a question (plus optional
// conversation history) is retrieved against the knowledge, checked for
// coverage, sent to the model with numbered passages, and comes back as an
// Answer whose citations have been verified against the passages that were
// sent. Without a model (or when it fails) the answer is extractive: sentences
// quoted from the best passages, cited the same way.
//
// The CLI, the terminal console and the Discord adapter all call Pipeline.Ask.
package answer

import (
	"strings"

	"storybot/internal/chat"
	"storybot/internal/spell"
)

// WarnKeywordsOnly is the warning of an answer whose passages were ranked
// by keywords alone because the query's embedding failed.
const WarnKeywordsOnly = "The embeddings model was unavailable, so the passages were found by keywords alone."

// Mode says how an answer was produced.
type Mode string

// Modes of an Answer.
const (
	ModeLLM        Mode = "llm"        // written by the language model from the passages
	ModeExtractive Mode = "extractive" // sentences quoted from the passages, no model
)

// Request is one question to answer.
type Request struct {
	Question string
	History  []chat.Message // earlier turns of the conversation, oldest first; may be empty
	K        int            // passages to retrieve; 0 means the pipeline's default
	// GuildID and UserID say who asks in Discord ("" elsewhere), for the
	// adapters around the pipeline (token budgets); the pipeline ignores them.
	GuildID, UserID string
	// NoModel, when not "", answers without the model (quoting the
	// sources, as offline) and adds it to the answer's warnings: the
	// reason, such as a spent token budget.
	NoModel string
}

// Citation is one numbered source of an answer, resolved to a passage a
// person can open.
type Citation struct {
	N         int    `json:"n"`
	Doc       string `json:"doc"`      // path relative to the knowledge folder
	Title     string `json:"title"`    // document title
	Location  string `json:"location"` // "¶11, lines 21-22"
	Quote     string `json:"quote"`    // a short quote from the passage
	PassageID string `json:"-"`
	Text      string `json:"-"`                 // the whole passage, for "Show sources"
	Flagged   string `json:"flagged,omitempty"` // why the citation is doubtful, "" when it checks out
}

// Answer is the pipeline's result. Text carries inline markers [1]..[n] that
// match Citations[i].N.
type Answer struct {
	Question  string      `json:"question"`
	Text      string      `json:"answer"`
	Mode      Mode        `json:"mode"`
	Refused   bool        `json:"refused"`              // the knowledge does not cover the question (or, offline, it is not in English)
	SmallTalk bool        `json:"small_talk,omitempty"` // "hi", "thanks"...: a friendly reply, no retrieval, no sources
	Citations []Citation  `json:"citations"`
	Warnings  []string    `json:"warnings"`
	Spelling  []spell.Fix `json:"spelling,omitempty"` // misspelt words of the question, as they were read (Options.Speller)
	Usage     chat.Usage  `json:"usage"`
}

// SpellingNote says how the question's misspelt words were read ("Read
// “albnia” as “albania”."), for the line above or under an answer; "" when
// none was.
func (a Answer) SpellingNote() string {
	if len(a.Spelling) == 0 {
		return ""
	}
	parts := make([]string, len(a.Spelling))
	for i, f := range a.Spelling {
		parts[i] = "“" + f.From + "” as “" + f.To + "”"
	}
	return "Read " + strings.Join(parts, ", ") + "."
}

// Event is progress reported while an answer is produced.
type Event struct {
	Kind  EventKind
	Delta string // with EventDelta: newly streamed model text (raw, before citation checks)
}

// EventKind names the stage an Event reports.
type EventKind int

// Kinds of Event.
const (
	EventRetrieved EventKind = iota // passages found; the model is about to be called
	EventQueued                     // waiting for a free model slot
	EventDelta                      // more streamed text
)
