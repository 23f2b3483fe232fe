package answer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"storybot/internal/chat"
	"storybot/internal/cite"
	"storybot/internal/knowledge"
	"storybot/internal/prompt"
	"storybot/internal/search"
	"storybot/internal/spell"
	"storybot/internal/textan"
	"storybot/internal/usererr"
	"storybot/prompts"
)

// Retriever finds the passages that best match a query, best first. The
// library and *search.Index satisfy it. It must be safe for concurrent use.
type Retriever interface {
	Search(ctx context.Context, q string, k int) ([]search.Hit, error)
}

// Model is a language model (internal/llm's *Client satisfies it). Complete
// streams text to onDelta when it is non-nil. An error wrapping
// chat.ErrUnavailable means the model could not answer.
type Model interface {
	Complete(ctx context.Context, req chat.Request, onDelta func(string)) (chat.Response, error)
}

// Defaults of Options.
const (
	DefaultK                = 5
	DefaultMaxContextTokens = 6000
	MaxQuestionChars        = 1000
)

// DefaultMinCoverage is the offline coverage threshold: see Covered. It and
// the constants below were calibrated on in-scope and out-of-scope
// questions together, fitted on FairytaleQA's odd-numbered stories and
// checked on the even ones and on the story among distractors (go test
// ./internal/answer -run TestCalibrate -calibrate -v; the rates are in the
// README, "Not covered", and how they were chosen in bench/README.md).
const DefaultMinCoverage = 0.5

// Below fullCoverage of the topic words, the best passage must also hold
// weakMatch of the question's IDF-weighted terms (search.Hit.Match): half
// the words of a question may be found scattered over a story while the
// ones that say what it is about are not.
const (
	fullCoverage = 0.67
	weakMatch    = 0.2 // 0.15 until an index of one document lost its title field, which raised Match
)

// strongMatch is a best hit's Match (search.Hit.Match) that covers a
// question whatever its coverage: in a folder of many documents a
// question's words are found in one passage, not spread over a story.
const strongMatch = 0.5

// Options configures a Pipeline. Retriever is required; the rest have
// defaults.
type Options struct {
	Retriever Retriever
	// Summaries says the caller shows a summary about a topic when Ask
	// returns SummaryAsked ("summarize the MEK"); without it such a request
	// is answered as a question, by quoting the passages.
	Summaries bool
	// Model writes answers; nil means offline: every answer is extractive.
	Model Model
	// Prompts holds the system, answer and condense templates; nil means the
	// embedded defaults (storybot/prompts).
	Prompts *prompt.Set
	// MaxContextTokens is the budget of a model call: the prompt (system
	// and answer templates, question, passages) and the reply
	// (MaxAnswerTokens), estimated at 4 characters a token. Passages are
	// packed best first into what is left, and at least one is always sent.
	// Offline, the passages alone are packed into it.
	MaxContextTokens int
	// K is the number of passages retrieved when a Request says 0.
	K int
	// MinCoverage is the offline coverage threshold (DefaultMinCoverage
	// when 0; negative disables refusals): see Covered.
	MinCoverage float64
	// MaxAnswerTokens bounds the model's reply (default 500).
	MaxAnswerTokens int
	// Log receives internal errors and timings; nil discards.
	Log *slog.Logger
	// Now is the clock for timings; nil means time.Now.
	Now func() time.Time
	// About names what the knowledge is about ("“Albania cuts ties with
	// Iran”") in the replies to small talk; nil or "" means "the documents
	// in my knowledge folder". It is called for each such reply, so it may
	// follow a refreshed folder; it must be safe for concurrent use.
	About func() string
	// Documents returns the documents of the knowledge folder, for the
	// answer to a question that asks what they are about ("What
	// happened?"), which quotes their openings. nil means such questions get
	// MsgNoTopic. It must be safe for concurrent use.
	Documents func() []*knowledge.Document
	// Speller corrects the misspelt words of a question before it is
	// answered ("albnia" → "albania"; internal/spell's *Cache does it for
	// the current documents), and the answer says so (Answer.Spelling).
	// nil: questions are taken as typed. It must be safe for concurrent use.
	Speller Speller
}

// Speller corrects misspelt words (see Options.Speller) and knows the
// documents' names.
type Speller interface {
	Correct(q string) (string, []spell.Fix)
	// IsName reports whether the documents write word as a name.
	IsName(word string) bool
	// Mentions reports whether the documents hold word in some form.
	Mentions(word string) bool
}

// Pipeline answers questions. Create it with New; it is safe for concurrent
// use.
type Pipeline struct {
	opts        Options
	an          *textan.Analyzer               // the index's analysis, for coverage and choosing sentences
	syn         *textan.Synonyms               // WordNet, for the words a story says otherwise ("foiled" for "thwarted")
	vague       map[string]bool                // the terms of vagueWords
	docWords    map[string]bool                // the terms of documentWords
	ageWords    map[string]bool                // the terms of ageWords
	srcWords    map[string]bool                // the terms of sourceWords
	authorWords map[string]bool                // the terms of authorWords
	timeline    map[string]bool                // the terms of timelineWords
	events      map[string]bool                // the terms of eventWords
	overview    map[string]bool                // overviewWords
	ending      map[string]bool                // endingWords
	moral       map[string]bool                // moralWords and lessonWords: a moral asked for
	moralSaid   map[string]bool                // moralWords: a moral stated
	part        map[string]bool                // partWords, endingWords and wholeWords
	partOnly    map[string]bool                // partWords and "setting": a part of a story, which a gist does not answer
	more        map[string]bool                // moreWords
	next        map[string]bool                // nextWords
	structure   map[string]bool                // structureWords
	names       *knowledge.Memo[[]*namedThing] // the names the current documents mention (lists of names), shared by copies
}

// New returns a Pipeline. It panics when opts.Retriever is nil (a
// programming error); a broken prompt set is reported by Check.
func New(opts Options) *Pipeline {
	if opts.Retriever == nil {
		panic("answer.New: nil Retriever")
	}
	if opts.Prompts == nil {
		s, err := prompt.LoadFS(prompts.FS, "embedded prompts")
		if err != nil {
			panic(fmt.Sprintf("answer.New: embedded prompts: %v", err))
		}
		opts.Prompts = s
	}
	if opts.MaxContextTokens <= 0 {
		opts.MaxContextTokens = DefaultMaxContextTokens
	}
	if opts.K <= 0 {
		opts.K = DefaultK
	}
	if opts.MinCoverage == 0 {
		opts.MinCoverage = DefaultMinCoverage
	}
	if opts.MaxAnswerTokens <= 0 {
		opts.MaxAnswerTokens = 500
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	an := textan.English()
	return &Pipeline{opts: opts, an: an, syn: textan.WordNet(), vague: termSet(vagueWords), overview: setOf(overviewWords), ending: setOf(endingWords + " " + lessonWords), moral: setOf(moralWords + " " + lessonWords), moralSaid: setOf(moralWords), part: setOf(partWords + " " + endingWords + " " + wholeWords), partOnly: setOf(partWords + " setting"), more: setOf(moreWords), next: setOf(nextWords),
		docWords: termSet(documentWords), ageWords: termSet(ageWords), timeline: termSet(timelineWords), events: termSet(eventWords),
		srcWords: termSet(sourceWords), authorWords: termSet(authorWords), structure: setOf(structureWords), names: &knowledge.Memo[[]*namedThing]{}}
}

// Check reports whether the pipeline's prompt set is usable: see
// CheckPrompts.
func (p *Pipeline) Check() error { return CheckPrompts(p.opts.Prompts) }

// CheckPrompts reports whether ps has every template the pipeline renders
// (system, answer, condense), and renders each with sample data, so that a template naming a
// field that does not exist ({{.Questoin}}) or leaving out what the model
// must see (the question, the passages' text, the conversation) is found at
// start-up rather than failing or misleading every question. The error names
// the template and what is wrong.
func CheckPrompts(ps *prompt.Set) error {
	if err := ps.Require("system", "answer", "condense"); err != nil {
		return err
	}
	if _, err := ps.Render("system", nil); err != nil {
		return err
	}
	const (
		q    = "Sample question 7Q?"
		text = "Sample passage text 7P."
		said = "Sample earlier turn 7H."
	)
	ans, err := ps.Render("answer", AnswerData{Question: q, Passages: []PromptPassage{{N: 1, Title: "T", Doc: "d.txt", Location: "¶1, line 1", Text: text}}})
	if err != nil {
		return err
	}
	if err := shows(ans, "answer", map[string]string{".Question": q, ".Passages' .Text": text}); err != nil {
		return err
	}
	con, err := ps.Render("condense", CondenseData{History: []chat.Message{{Role: chat.RoleUser, Content: said}}, Question: q})
	if err != nil {
		return err
	}
	return shows(con, "condense", map[string]string{".Question": q, ".History's .Content": said})
}

// shows checks that the rendered template name holds every sample value.
func shows(rendered, name string, want map[string]string) error {
	var missing []string
	for field, v := range want {
		if !strings.Contains(rendered, v) {
			missing = append(missing, field)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	return fmt.Errorf("%s.tmpl never shows %s, so the model would not see it: add it to the template (see the built-in prompts/%s.tmpl)", name, strings.Join(missing, " or "), name)
}

// Online reports whether the pipeline has a model.
func (p *Pipeline) Online() bool { return p.opts.Model != nil }

// UserError is a problem with the question itself; Msg is safe to show the
// user and says what to do. It is usererr.Error, whose UserMessage the
// adapters show as it is (usererr.Message), so an emoji-only question gets
// its message in Discord too, not an apology.
type UserError = usererr.Error

// Messages shown to users.
const (
	MsgNearest = "I found no sentence in the documents that clearly answers this. The nearest I found:"
	MsgNoCount = "I found no number for this in the documents. The nearest I found:"
	MsgNoName  = "I found no sentence that gives this name. The nearest I found:"
	MsgNoMoral = "The documents do not state a moral in so many words. This is how the story ends:"
	MsgNoPlace = "The documents do not say where it takes place. This is how the story begins:"
	// msgUndefinedFm opens the answer to what a word means when no sentence
	// says (meaningAskRe): where the documents use it.
	msgUndefinedFm = "The documents do not say what “%s” means. This is where they use it:"
	// msgToldFm answers a message that tells something, asks nothing and
	// names nothing the documents hold (toldOnly).
	msgToldFm       = "Thanks for the context. What would you like to know? Ask me anything about %s, for example “%s”; every answer cites its sources."
	NotCoveredText  = "I couldn't find this in the documents, so I can't answer it from them. Try other words, or ask about what they describe (or add a document that covers it)."
	WarnNoSources   = "no sources cited"
	WarnUnavailable = "The language model was unavailable, so this answer quotes the sources directly."
	WarnEmpty       = "The language model returned an empty answer, so this answer quotes the sources directly."
	WarnUncited     = "no sources cited: the language model's answer named no passage, so this answer quotes the sources directly."
	WarnCut         = "The language model stopped at its length limit, so this answer may be cut short."
	extractiveLabel = "Quoted from the sources:"
	// MsgNoTopic answers a question with no word to look up ("What
	// happened?", "Tell me more") that the conversation does not complete.
	// MsgOverviewDone answers "Tell me more" offline once the documents'
	// openings have all been quoted in the conversation.
	MsgOverviewDone = "That is all I quote of the documents' openings. Ask about a person, a place or an event in them, or use /summary for an overview."
	MsgNoTopic      = "That question names nothing I can look up. Ask about a person, a place or an event in the documents, or use /summary for an overview of them."
	MsgTimeline     = "For the dated events of the documents in order, use /timeline (storybot timeline on the command line)."
	// MsgNoDocuments answers every question while the knowledge folder
	// holds no document (small talk aside): "I couldn't find this in the
	// documents" would blame the question.
	MsgNoDocuments     = "The knowledge folder is empty, so I have nothing to answer from yet. A moderator can add documents (/knowledge add, or files in the folder and then /refresh)."
	msgEmptyQuestionFm = "Please type a question, for example: %s"
	msgLongQuestionFm  = "Your question is %d characters long; please keep it under %d characters."
)

// Ask answers req. onEvent (may be nil) receives progress: EventRetrieved
// once the passages are found, EventQueued when the model is busy, and
// EventDelta with streamed model text; it is called from Ask's goroutine.
//
// Small talk ("hi", "thanks!") gets a one-line reply with SmallTalk set, and
// offline, a question not in English a note saying so (Refused set), both
// without retrieval (see shortcut).
//
// Errors: a *UserError for a question that cannot be asked (empty, too
// long, no words but emoji); ctx's error when ctx ends; any other error (the retriever failed)
// is internal. A model failure is not an error: the answer falls back to
// quoting the sources, with a warning; nor is a failed query embedding: the
// passages are then ranked by keywords alone, with WarnKeywordsOnly.
func (p *Pipeline) Ask(ctx context.Context, req Request, onEvent func(Event)) (res Answer, err error) {
	if onEvent == nil {
		onEvent = func(Event) {}
	}
	if req.NoModel != "" && p.opts.Model != nil {
		return p.askWithoutModel(ctx, req, onEvent)
	}
	start := p.opts.Now()
	q := cleanQuestion(req.Question)
	if q == "" {
		return Answer{}, &UserError{Msg: fmt.Sprintf(msgEmptyQuestionFm, p.example())}
	}
	if n := utf8.RuneCountInString(q); n > MaxQuestionChars {
		return Answer{}, &UserError{Msg: fmt.Sprintf(msgLongQuestionFm, n, MaxQuestionChars)}
	}
	if a, ok, err := p.shortcut(q); ok || err != nil { // small talk, a question with no words, offline non-English
		return a, err
	}
	if p.opts.Speller != nil && !notEnglish(q) { // another language's words are no typos of the documents'
		var fixes []spell.Fix
		if q, fixes = p.opts.Speller.Correct(q); len(fixes) > 0 {
			defer func() {
				if err == nil {
					res.Spelling = fixes
				}
			}()
		}
	}
	q = mainPersonRe.ReplaceAllString(q, "${1} character")                 // "who is the main guy?" asks for the main character, not a man
	q = wordsUsedRe.ReplaceAllString(q, "how did ${1} describe")           // "What exact words did Washington use to describe the attack?" asks how it was described, not about "words"
	if parts := p.splitQuestions(q); parts != nil && p.opts.Model == nil { // a model answers them together
		return p.askEach(ctx, req, q, parts, onEvent)
	}
	if question, told, ok := preamble(q); ok { // "Good morning. I've never heard of this group. Who are they?"
		ask := req
		ask.Question = question
		unmentioned := ""
		// "Another site said the cyberattack happened in March 2022. Is that
		// right?" asks the claim
		claimed := told != "" && strings.Contains(strings.ToLower(told), strings.ToLower(strings.TrimRight(question, "?")))
		if told != "" && !p.hasTopic(question) || claimed { // "who are they?" is of what was told
			if unmentioned = cmp.Or(p.unknownName(told), p.unknownMonth(told)); unmentioned != "" { // "I thought it was Russia that hacked Albania. who was it actually?": who hacked Albania
				told = strings.Replace(told, unmentioned, " ", 1)
				if m := reportedClaimRe.FindStringSubmatch(told); m != nil { // not "thought"
					told = m[1]
				}
				if claimed { // the claim without what the documents never say, and the year of a month they never say: "the cyberattack happened in?"
					ask.Question = regexp.MustCompile(regexp.QuoteMeta(unmentioned)+`(?:,?\s+\d{4})?`).ReplaceAllString(ask.Question, " ")
				}
			}
			if !claimed {
				ask.History = append(slices.Clone(req.History), chat.Message{Role: chat.RoleUser, Content: told}, chat.Message{Role: chat.RoleAssistant})
			}
		}
		a, err := p.Ask(ctx, ask, onEvent)
		a.Question = q
		if err == nil && unmentioned != "" && !a.Refused && !a.SmallTalk {
			a.Text = fmt.Sprintf(msgToldUnmentionedFm, unmentioned) + "\n" + a.Text
		}
		return a, err
	}
	ans := Answer{Question: q, Mode: ModeExtractive, Citations: []Citation{}, Warnings: []string{}}
	if p.opts.Model != nil {
		ans.Mode = ModeLLM
	}
	if toldOnly(q) && aboutMeRe.MatchString(q) && !reportedClaimRe.MatchString(q) { // "I'm reading up on this for my book club.": no search, no model call; "I heard Tirana kicked out the Iranians." is looked up
		return p.invitation(ans), nil
	}
	if p.opts.Documents != nil && len(p.opts.Documents()) == 0 { // no search, no model call
		ans.Refused, ans.Text = true, MsgNoDocuments
		return ans, nil
	}
	if name := p.unknownName(q); name != "" { // "did russia help iran?": the documents never say Russia; no search, no model call
		ans.Refused, ans.Text = true, fmt.Sprintf(msgUnknownNameFm, name)
		return ans, nil
	}

	if lede := p.reportLede(); len(req.History) == 0 && p.opts.Model == nil && lede != "" && hasPronoun(q) && !p.hasTopic(q) { // offline, "who did it?" first of all: of what the one report is about, as after "what happened?" (a model reads the passages)
		req.History = []chat.Message{{Role: chat.RoleUser, Content: "What happened?"}, {Role: chat.RoleAssistant, Content: extractiveLabel + "\n> " + lede}}
	}
	standalone := q
	modelDown := false
	// A question about a part of the documents ("How does it end?", "Who
	// is the main character?") asks about them even as a follow-up, whose
	// "it" would otherwise take the words of the question before; so does
	// one about all of them ("what are these stories about?"), where it
	// is set ("where does it take place?") or what the story is about, the
	// story named ("what is this story about?" after "who is the author?"
	// took "author" for its topic).
	aboutTheDocuments := allDocumentsRe.MatchString(q) || settingAskRe.MatchString(q) || gistRe.MatchString(q) && theDocumentRe.MatchString(q)
	if len(req.History) > 0 && !p.asksOn(notTheEnd(q), p.part) && !(aboutTheDocuments && !p.hasTopic(q)) { // "where did they end up?" is no question of the story's end
		// offline, its "he" or "she" is the person it stands for from here
		// on: "is she dead?" weighs "grandmother" as its own word
		standalone, q, modelDown = p.condense(ctx, q, req.History, &ans.Usage)
		if err := ctx.Err(); err != nil {
			return Answer{}, err
		}
		if p.opts.Speller != nil { // the words taken from earlier questions, as typed
			standalone, _ = p.opts.Speller.Correct(standalone)
		}
	}
	if asksToday(q, req.History) {
		return p.today(q), nil
	}
	if p.asksDocumentDate(standalone, false) || p.asksDocumentDate(q, true) { // "when was this article written?" after any question
		return p.documentDate(q), nil
	}
	if p.asksLength(q, req.History) { // "how long is the story?"
		return p.documentLength(q), nil
	}
	if p.asksAuthor(q) {
		return p.documentAuthor(q), nil
	}
	if p.opts.Documents != nil && originAskRe.MatchString(q) { // "What country is this story from?"
		return p.documentOrigin(q), nil
	}
	if what := p.storyAsked(q, req.History); what != "" { // "is this the story about the tin soldier?"
		return p.documentsAbout(q, what), nil
	}
	if p.asksSources(q) || p.asksSources(standalone) { // "is that true?" after an answer: as typed
		return p.documentSources(q), nil
	}
	if p.asksTimeline(q) {
		return Answer{}, TimelineAsked{}
	}
	if asked, ok := p.summaryRequest(q, standalone); ok { // "summarize the MEK", "tl;dr", "what is this story about?"
		if asked.Length == "" && restateRe.MatchString(q) { // "can you do it as bullet points?" after a quick summary: as long as it was
			if asked.Length = lengthOfSummary(answersIn(lastTurn(req.History))); asked.Length == "sentence" && asked.Bullets { // one bullet is no list
				asked.Length = "short"
			}
		}
		return Answer{}, asked
	}
	if kind, groups, source := p.listedNames(q); kind != "" { // "which countries are involved?"
		if _, hits, ok := namesAnswer(kind, groups, source); ok { // offline, extractive lists them
			// a model lists them from the passages of their first mentions
			return p.answerFrom(ctx, start, q, standalone, p.pack(hits, p.passageBudget(standalone)), modelDown, ans, onEvent)
		}
	}
	if len(req.History) > 0 && replyAskRe.MatchString(q) { // "what did Letiko say back?": the quotation after the last answer's lead
		if hits, lead := p.continuation(req.History); len(hits) > 0 {
			passages := p.pack(hits, p.passageBudget(standalone))
			goOn(passages, "", lead) // the reply, though the last answer quoted it beside its lead
			for _, sp := range passages {
				sp.reply = true
			}
			if ex := replySentences(passages); len(ex) > 0 {
				return p.answerFrom(ctx, start, q, standalone, passages, modelDown, ans, onEvent)
			}
		}
	}
	if len(req.History) > 0 && !hedged(lastTurn(req.History)) && (p.asksOn(q, p.next) || outcomeAskRe.MatchString(q) || whatWereTheyRe.MatchString(q)) { // "and then?", "did it work?", "what were they?"; not after the nearest sentences of a hedge
		hits, lead := p.continuation(req.History)
		switch last := req.History[len(req.History)-1]; {
		case p.futureOfReport(q, hits): // "what will they do next?" of a report: answered below
		case len(hits) > 0:
			passages := p.pack(hits, p.passageBudget(standalone))
			// not the last answer again; what was said before may come again in order
			goOn(passages, answersIn(lastTurn(req.History)), lead)
			return p.answerFrom(ctx, start, q, standalone, passages, modelDown, ans, onEvent)
		case last.Role == chat.RoleAssistant && last.Content == MsgNextDone: // "And then?" again
			ans.Refused, ans.Text = true, MsgNextDone
			return ans, nil
		}
	}
	// "how does the seal catcher story end?", "who is the main character of
	// Jack my Hedgehog?": an overview (openingsOf wants one of its words) of
	// the document it names
	if doc, title := p.namedOverview(q, standalone); doc != nil && !p.hasTopic(title.ReplaceAllString(standalone, " ")) {
		if hits := p.openingsOf(q, []*knowledge.Document{doc}); len(hits) > 0 {
			passages := p.pack(hits, p.passageBudget(standalone))
			for _, sp := range passages {
				sp.overview = true
			}
			return p.answerFrom(ctx, start, q, standalone, passages, modelDown, ans, onEvent)
		}
	}
	if p.villainAsked(q) { // "who is the bad guy?"
		return p.villain(ctx, start, q, cmp.Or(req.K, p.opts.K), modelDown, ans, onEvent)
	}
	if !p.hasTopic(standalone) {
		hits := p.openings(q)           // as typed: "Who?" after "What happened?" asks no overview
		if comingAskRe.MatchString(q) { // "what will happen next?" of a report: what it says will be
			hits = append(p.futureOfTheReport(), hits...)
		}
		if len(hits) == 0 {
			return Answer{}, &UserError{Msg: MsgNoTopic}
		}
		if main := p.mainCharacterAsked(q); main != nil && !slices.ContainsFunc(hits, func(h search.Hit) bool { return h.Passage == main.ps }) {
			hits = append(hits, search.Hit{Passage: main.ps, Score: 1, Match: 1}) // for a model too
		}
		// "Tell me more" passes over all that was quoted before; another
		// overview ("How does it end?") is answered as asked.
		said := ""
		if p.asksOn(q, p.more) {
			said = answersIn(req.History)
		}
		passages := p.pack(hits, p.passageBudget(standalone))
		goOn(passages, said, "")
		return p.answerFrom(ctx, start, q, standalone, passages, modelDown, ans, onEvent)
	}
	k := req.K
	if k <= 0 {
		k = p.opts.K
	}
	hits, err := p.opts.Retriever.Search(ctx, p.withoutOwnDate(searchText(standalone)), k)
	if errors.Is(err, search.ErrKeywordsOnly) {
		defer func() {
			if err == nil {
				res.Warnings = append(res.Warnings, WarnKeywordsOnly)
			}
		}()
		err = nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return Answer{}, ctx.Err()
		}
		return Answer{}, fmt.Errorf("retrieve %q: %w", trimFor(standalone, 80), err)
	}
	if len(hits) == 0 {
		hits = p.titled(standalone)
	}
	// A follow-up is covered when the question it stands for is, or when
	// its own words are: the words it takes from the conversation help find
	// the passages but are not all needed ("what did they do in 1981?"
	// after three questions about the camp near Durres). But one that
	// brings two topic words of its own or more, none of them in the
	// passages, asks about something else ("what about the capital of
	// France?" after "Who is Edi Rama?"). Nor is one that is covered when
	// asked with the names it took ("are they violent?" after questions
	// about the MEK is "are they violent? MEK", as "are the MEK violent?"
	// is, though the "want" of "what do they want?" before it is not).
	followUp := standalone != q
	hits = p.withReaction(ctx, standalone, hits, k)
	covered := p.answerable(standalone, hits) || followUp && p.hasTopic(q) && p.answerable(q, hits) ||
		followUp && p.answerableNamed(ctx, q, standalone, k) || p.answerableWithout(ctx, standalone, k)
	storyEnd := p.storyEndAsked(q, covered) // "did he die at the end?" of a tale that says "melted down into a lump": its end answers
	covered = covered || storyEnd
	if kin := feelingSearch(standalone); !covered && kin != "" { // "why was Maisie worried?" of a tale that says "afraid"
		if more, err := p.opts.Retriever.Search(ctx, searchText(standalone)+" "+kin, k); err == nil && p.answerable(standalone, more) {
			hits, covered = more, true
		}
	}
	if covered && !followUp && p.opts.Model == nil { // "Who carried out the cyberattack and what was targeted?": each; "What is the capital of France and who is its president?" is refused whole
		if parts := p.splitAsks(q); parts != nil {
			return p.askEach(ctx, req, q, parts, onEvent)
		}
	}
	if !covered && followUp && p.asksOn(q, p.more) { // "tell me more" after the nearest passages: what follows them
		if hits, lead := p.continuation(req.History); len(hits) > 0 {
			passages := p.pack(hits, p.passageBudget(standalone))
			goOn(passages, answersIn(lastTurn(req.History)), lead)
			return p.answerFrom(ctx, start, q, standalone, passages, modelDown, ans, onEvent)
		}
	}
	if (!covered || p.moralOnly(q)) && p.tale() && !followUp && moralAskRe.MatchString(q) { // and "What lesson does Peter learn?", which its words answered with his adventures; "What is the moral about pride in this story?", "What lesson should students take from the buckwheat's fate?": the tale's moral, or its end
		ask := req
		ask.Question = "What is the moral of the story?"
		a, err := p.Ask(ctx, ask, onEvent)
		a.Question = q
		return a, err
	}
	if !covered || followUp && p.newTopic(q, hits) {
		if toldOnly(req.Question) && toldOnly(q) { // "I'm preparing a briefing for my book club … I haven't read the article yet."; not "wat happend at midnite", "what" as typed in chat
			return p.invitation(ans), nil
		}
		parts := p.splitClauses(q)
		if parts == nil && !followUp {
			parts = p.splitAsks(q) // "What happens next and are there sanctions?"
		}
		if parts != nil && p.opts.Model == nil { // "what exactly was ordered, to whom, and did the embassy respond?": the parts the documents answer
			return p.askEach(ctx, req, q, parts, onEvent)
		}
		ans.Refused = true
		ans.Text = p.notCovered()
		p.opts.Log.Debug("question not covered", "question_chars", len(q), "hits", len(hits), "best_match", bestMatch(hits))
		return ans, nil
	}
	if name := p.whoIsName(q); name != nil {
		hits = p.introductions(name, hits)
	}
	if atTheEndRe.MatchString(q) || storyEnd { // "is the pancake dead": its end
		hits = p.closing(q, hits, storyEnd)
	} else if fateOf(q) {
		hits = p.lastTelling(q, hits)
	}
	hits = p.counting(standalone, hits)
	// what a sequel passes over, by passage ID: the index's passages and the
	// documents' are other copies when the index was loaded from DATA_DIR
	var before map[string]string
	if len(req.History) > 0 && asksSequel(q) { // "what did Ali Baba do after that?"
		hits, before = p.sequel(q, req.History, hits)
	}
	passages := p.pack(hits, p.passageBudget(standalone))
	if storyEnd && len(passages) > 0 { // its end, quoted as an overview of it is
		passages[0].overview = true
	}
	if followUp && p.asksOn(q, p.more) { // "Tell me more": not the last answer again
		goOn(passages, answersIn(req.History), "")
	}
	last, explained := "", ""
	if followUp {
		last = answersIn(lastTurn(req.History))
	}
	if whyThatRe.MatchString(q) || whenThatRe.MatchString(q) || followUp && hasPronoun(q) && questionType(q) == qWhen { // "why did they do that?", "why did the Emperor do that?" (a "he" put as a name), "when did that happen?", "when did they arrive?"
		explained = lastQuoteLine(req.History)
	}
	for _, sp := range passages {
		sp.said += before[sp.Hit.Passage.ID]
		sp.last, sp.explained, sp.sequel = last, explained, before != nil
	}
	return p.answerFrom(ctx, start, q, standalone, passages, modelDown, ans, onEvent)
}

// answerFrom answers the question q, understood as standalone, from
// passages: with the model, or offline by quoting them.
func (p *Pipeline) answerFrom(ctx context.Context, start time.Time, q, standalone string, passages []*sourcePassage, modelDown bool, ans Answer, onEvent func(Event)) (Answer, error) {
	onEvent(Event{Kind: EventRetrieved})

	if p.opts.Model == nil {
		ex := p.extractive(standalone, q, passages)
		p.finish(&ex, q)
		ex.Usage = ans.Usage
		p.opts.Log.Debug("answered", "mode", ex.Mode, "ms", p.opts.Now().Sub(start).Milliseconds())
		return ex, nil
	}

	if modelDown {
		// The condense call already found the model unavailable (after its
		// retries): do not make the user wait for a second round.
		out := p.fallback(standalone, q, passages, WarnUnavailable, ans.Usage)
		p.finish(&out, q)
		return out, nil
	}
	out, err := p.generate(ctx, standalone, q, passages, onEvent)
	if err != nil {
		if ctx.Err() != nil {
			return Answer{}, ctx.Err()
		}
		return Answer{}, err
	}
	out.Usage.PromptTokens += ans.Usage.PromptTokens
	out.Usage.CompletionTokens += ans.Usage.CompletionTokens
	p.finish(&out, q)
	p.opts.Log.Debug("answered", "mode", out.Mode, "refused", out.Refused, "citations", len(out.Citations),
		"warnings", len(out.Warnings), "ms", p.opts.Now().Sub(start).Milliseconds())
	return out, nil
}

// withNamesOf returns q with the names standalone took from the
// conversation that q lacks ("are they violent? MEK").
func withNamesOf(q, standalone string) string {
	have := map[string]bool{}
	for _, w := range questionWords(q) {
		have[strings.ToLower(w)] = true
	}
	var add []string
	for _, n := range names(strings.TrimPrefix(standalone, q)) {
		if l := strings.ToLower(n); !have[l] {
			have[l] = true
			add = append(add, n)
		}
	}
	if len(add) == 0 {
		return q
	}
	return q + " " + strings.Join(add, " ")
}

// answerable reports whether to answer from hits: with a model, when any
// hit shares a topic word with the question (the model decides the rest);
// offline, when they cover it (Covered).
func (p *Pipeline) answerable(q string, hits []search.Hit) bool {
	if p.opts.Model != nil {
		return len(hits) > 0 && (p.opts.MinCoverage < 0 || p.SharesTopic(q, hits))
	}
	return p.Covered(q, hits)
}

// answerableWithout reports whether q is answerable (answerable) once the
// nouns of its compound prepositions are left out of the search, when it
// has any ("in exchange for": a sentence that says "exchange" ranks higher,
// but none needs to). It searches again only then.
func (p *Pipeline) answerableWithout(ctx context.Context, q string, k int) bool {
	text := coverText(q)
	return text != searchText(q) && p.answerableAs(ctx, q, text, k)
}

// answerableNamed reports whether the follow-up q is answerable
// (answerable) asked with only the names its standalone form took from
// the conversation (withNamesOf). It searches again only when that adds
// a name and drops a word.
func (p *Pipeline) answerableNamed(ctx context.Context, q, standalone string, k int) bool {
	named := withNamesOf(q, standalone)
	return named != q && named != standalone && p.answerableAs(ctx, named, searchText(named), k)
}

// answerableAs reports whether q is answerable (answerable) from the hits
// of a search for text.
func (p *Pipeline) answerableAs(ctx context.Context, q, text string, k int) bool {
	hits, err := p.opts.Retriever.Search(ctx, text, k)
	return (err == nil || errors.Is(err, search.ErrKeywordsOnly)) && p.answerable(q, hits)
}

// finish sets the question, neutralises mentions and makes the slices
// non-nil.
func (p *Pipeline) finish(a *Answer, q string) {
	a.Question = q
	a.Text = Neutralize(a.Text)
	if a.Citations == nil {
		a.Citations = []Citation{}
	}
	if a.Warnings == nil {
		a.Warnings = []string{}
	}
	for i := range a.Citations {
		a.Citations[i].Quote = Neutralize(a.Citations[i].Quote)
		a.Citations[i].Title = Neutralize(a.Citations[i].Title)
	}
}

// generate asks the model and verifies its citations, falling back to the
// extractive answer when the model fails or cites nothing.
func (p *Pipeline) generate(ctx context.Context, question, focus string, passages []*sourcePassage, onEvent func(Event)) (Answer, error) {
	sys, err := p.opts.Prompts.Render("system", nil)
	if err != nil {
		return Answer{}, fmt.Errorf("prompt: %w", err)
	}
	user, err := p.opts.Prompts.Render("answer", answerData(question, passages))
	if err != nil {
		return Answer{}, fmt.Errorf("prompt: %w", err)
	}
	resp, err := p.opts.Model.Complete(ctx, chat.Request{
		Messages:  []chat.Message{{Role: chat.RoleSystem, Content: sys}, {Role: chat.RoleUser, Content: user}},
		MaxTokens: p.opts.MaxAnswerTokens,
		OnQueued:  func() { onEvent(Event{Kind: EventQueued}) },
	}, func(d string) { onEvent(Event{Kind: EventDelta, Delta: d}) })
	if err != nil {
		if ctx.Err() != nil {
			return Answer{}, ctx.Err()
		}
		p.opts.Log.Warn("model failed; answering from the sources", "err", err, "unavailable", errors.Is(err, chat.ErrUnavailable))
		return p.fallback(question, focus, passages, WarnUnavailable, chat.Usage{}), nil
	}
	text := strings.TrimSpace(resp.Text)
	if text == "" {
		p.opts.Log.Warn("model returned an empty answer; answering from the sources", "finish", resp.FinishReason)
		return p.fallback(question, focus, passages, WarnEmpty, resp.Usage), nil
	}
	ans := Answer{Mode: ModeLLM, Usage: resp.Usage}
	text, cites := p.resolveCitations(text, passages)
	// A refusal: the model says the passages do not hold the answer, and
	// either cites nothing or says nothing else (one sentence). It is shown
	// without sources.
	if IsRefusal(text) && (len(cites) == 0 || len(textan.Sentences(text)) == 1) {
		ans.Refused = true
		ans.Text = tidySpaces(strings.TrimSpace(cite.Strip(text)))
		if about := p.mostlyAbout(); about != "" {
			ans.Text += "\n" + about
		}
		return ans, nil
	}
	if len(cites) == 0 {
		p.opts.Log.Warn("model answer cites no passage; answering from the sources", "chars", len(text))
		fb := p.fallback(question, focus, passages, WarnUncited, resp.Usage)
		if len(fb.Citations) > 0 {
			return fb, nil
		}
		ans.Text = text
		ans.Warnings = append(ans.Warnings, WarnNoSources)
		return ans, nil
	}
	ans.Text, ans.Citations = text, cites
	if resp.FinishReason == "length" {
		ans.Warnings = append(ans.Warnings, WarnCut)
	}
	for _, c := range cites {
		if c.Flagged != "" {
			ans.Warnings = append(ans.Warnings, fmt.Sprintf("[%d]: %s", c.N, c.Flagged))
		}
	}
	return ans, nil
}

func (p *Pipeline) fallback(question, focus string, passages []*sourcePassage, warning string, usage chat.Usage) Answer {
	a := p.extractive(question, focus, passages)
	a.Warnings = append(a.Warnings, warning)
	a.Usage = usage
	return a
}

// Covered reports whether the hits cover q well enough to answer it
// offline. Either the passages of the best hit's document among the top
// candPassages hold at least MinCoverage of q's topic words (its analyzed
// terms, framing words such as "happen", "name", "say" aside; names weigh
// nameWeight; below fullCoverage the best passage's Match must also reach
// weakMatch), or, as in a folder of many documents, the best hit's Match
// reaches strongMatch or one of the top three passages holds every topic
// word. And a question that asks who holds a role ("Who is the
// foreign minister of Iran?") needs every topic word of that role in one
// passage, and in one sentence when it is the role of someone named: a
// story that names a prime minister does not say who the foreign minister
// is, nor one that names Iran's president Albania's. See
// DefaultMinCoverage for the calibration.
func (p *Pipeline) Covered(q string, hits []search.Hit) bool {
	if len(hits) == 0 {
		return false
	}
	if p.opts.MinCoverage < 0 {
		return true
	}
	sets := p.hitTerms(hits, candPassages)
	c := p.coverage(q, hits, sets)
	story := c >= p.opts.MinCoverage && (c >= fullCoverage || bestMatch(hits) >= weakMatch)
	if !story && bestMatch(hits) < strongMatch && !anyHoldsAll(sets[:min(3, len(sets))], p.topicTerms(q)) {
		return false
	}
	subject := definedSubject(q)
	if subject == "" {
		return true
	}
	role := slices.DeleteFunc(p.an.Terms(subject), func(t string) bool { return p.vague[t] || frameTerms()[t] || blameTerms()[t] })
	if roleOfName(subject) { // "the president of Albania": in one sentence
		sets := p.sentenceTerms(hits, candPassages)
		if leader := p.leaderTerm(q); leader != "" { // "the leader of Albania": a title of Albania's
			role = slices.DeleteFunc(role, func(t string) bool { return t == leader })
			sets = slices.DeleteFunc(sets, func(set map[string]bool) bool { return !set[titleTerm] })
		}
		return anyHoldsAll(sets, role)
	}
	return anyHoldsAll(sets, role)
}

// roleOfNameRe matches a role of someone named: "the president of Albania",
// "the foreign minister of iran" (its last word the name).
var roleOfNameRe = regexp.MustCompile(`(?i)^(?:the\s+)?(?:[\pL-]+\s+){1,3}of\s+(?:the\s+)?([\pL-]+)$`)

// roleOfName reports whether subject is a role of someone named, written
// with a capital or a name WordNet knows ("albania").
func roleOfName(subject string) bool {
	m := roleOfNameRe.FindStringSubmatch(subject)
	return m != nil && (textan.Capitalized(m[1]) || textan.IsName(m[1]))
}

// titled returns the opening passage of the first document whose title
// holds every topic word of q, as a hit, or nil: a question in the
// headline's words ("who cut ties?" of "Albania cuts ties with Iran")
// finds no passage when no passage repeats them (an index of one document
// has no title field), and the opening tells what the title sums up.
func (p *Pipeline) titled(q string) []search.Hit {
	topics := p.topicTerms(q)
	if p.opts.Documents == nil || len(topics) == 0 {
		return nil
	}
	for _, d := range p.opts.Documents() {
		if len(d.Passages) > 0 && anyHoldsAll([]map[string]bool{setOf(strings.Join(p.an.Terms(d.Title), " "))}, topics) {
			return []search.Hit{{Passage: &d.Passages[0], Score: 1, Match: 1}}
		}
	}
	return nil
}

// sentenceTerms returns the terms of each sentence of the first n hits'
// passages (not their titles: the story's "Albania cuts ties with Iran"
// does not make Iran's president Albania's).
func (p *Pipeline) sentenceTerms(hits []search.Hit, n int) []map[string]bool {
	var sets []map[string]bool
	for _, h := range hits[:min(n, len(hits))] {
		if h.Passage == nil {
			continue
		}
		for _, s := range textan.Sentences(h.Passage.Text) {
			set := setOf(strings.Join(p.an.Terms(s.Text), " "))
			if titleRe.MatchString(s.Text) {
				set[titleTerm] = true
			}
			sets = append(sets, set)
		}
	}
	return sets
}

// hitTerms returns the terms (title, section heading and text) of the
// first n hits' passages, each analyzed once; nil for a hit without one.
func (p *Pipeline) hitTerms(hits []search.Hit, n int) []map[string]bool {
	sets := make([]map[string]bool, min(n, len(hits)))
	for i := range sets {
		if ps := hits[i].Passage; ps != nil {
			sets[i] = map[string]bool{}
			for _, t := range p.an.Terms(ps.Title + "\n" + ps.Section + "\n" + ps.Text) {
				sets[i][t] = true
			}
		}
	}
	return sets
}

// topicTerms returns q's terms, framing words aside, each once.
func (p *Pipeline) topicTerms(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range p.an.Terms(coverText(q)) {
		if !frameTerms()[t] && !p.vague[t] && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// newTopic reports whether q has two topic words or more, or one that is
// a name (written with a capital, or no English word: "and microsoft?"),
// and the first candPassages hits hold none of them, nor a synonym of one.
func (p *Pipeline) newTopic(q string, hits []search.Hit) bool {
	topics := p.topicTerms(q)
	if len(topics) == 0 || len(topics) == 1 && !p.namesSomething(q) {
		return false
	}
	have := map[string]bool{}
	for _, set := range p.hitTerms(hits, candPassages) {
		maps.Copy(have, set)
	}
	for _, t := range topics {
		if have[t] || p.hasSynonym(t, have) {
			return false
		}
	}
	return true
}

// namesSomething reports whether q writes a name: a word with a capital
// that does not start it, or a typedName.
func (p *Pipeline) namesSomething(q string) bool {
	first, found := true, false
	p.an.Each(q, func(t string, tok textan.Token) {
		if !frameTerms()[t] && !p.vague[t] && (!first && textan.Capitalized(tok.Text) || typedName(tok.Text)) {
			found = true
		}
		first = false
	})
	return found
}

// typedName reports whether word, however written, is a name: no English
// word, or a name WordNet knows ("microsoft", "nato" in "is nato
// involved?": chat types names in lower case).
func typedName(word string) bool {
	return !textan.IsEnglish(word) || textan.IsName(word)
}

// anyHoldsAll reports whether one of sets holds every term of want (and
// want is not empty).
func anyHoldsAll(sets []map[string]bool, want []string) bool {
	if len(want) == 0 {
		return false
	}
	for _, set := range sets {
		all := set != nil
		for _, t := range want {
			all = all && set[t]
		}
		if all {
			return true
		}
	}
	return false
}

// hasTopic reports whether q has a word to look up: a term that is not
// one of vagueWords, outside the phrases framePhrases.
func (p *Pipeline) hasTopic(q string) bool {
	has := false
	p.an.Each(kindNounRe.ReplaceAllString(framePhrases.ReplaceAllString(q, " "), " "), func(t string, _ textan.Token) { // "what season was it?" asks the opening
		has = has || !p.vague[t]
	})
	return has
}

// document returns the document at path, or nil when there is none or the
// pipeline has no documents (Options.Documents).
func (p *Pipeline) document(path string) *knowledge.Document {
	if p.opts.Documents == nil {
		return nil
	}
	for _, d := range p.opts.Documents() {
		if d.Path == path {
			return d
		}
	}
	return nil
}

// asksEnding reports whether q asks about the end of a story (an
// endingWords word), "end up" and what someone concluded aside
// (notTheEnd).
func (p *Pipeline) asksEnding(q string) bool {
	return holdsWord(notTheEnd(q), p.ending)
}

// notTheEnd is q without the words that speak of an end that is not the
// story's: "end up" (endUpRe), and "conclude" in a question what someone
// concluded ("what did they conclude?" quoted the report's last
// paragraphs, as "how does it end?").
func notTheEnd(q string) string {
	return concludedRe.ReplaceAllString(endUpRe.ReplaceAllString(q, " "), "${1}")
}

// concludedRe asks what someone concluded; group 1 is all before the verb.
var concludedRe = regexp.MustCompile(`(?i)^(\W*(?:and\s+|so\s+)?what\s+(?:did|do|does|has|have|had)\s+[^?]*?)\bconclud(?:e|es|ed)\b`)

// endUpRe is "end up", which says where or how someone came to be, not
// the end of a story: "how did the mek end up in albania?" quoted "to end
// diplomatic relations".
var endUpRe = regexp.MustCompile(`(?i)\b(?:end|ends|ended|ending)\s+up\b`)

// holdsWord reports whether q, as typed, holds one of words (lower-cased).
func holdsWord(q string, words map[string]bool) bool {
	return slices.ContainsFunc(questionWords(q), func(w string) bool { return words[strings.ToLower(w)] })
}

// endingWords ask about the end of a story (see openings), or about
// its moral, which a fable states at its end (with a model, the model
// draws it from the closing passages); partWords about its start or its
// people; wholeWords for all of it ("summary pls", "tl;dr"); all are
// overview words, and, with no topic, about the documents even as a
// follow-up (p.part).
const (
	endingWords = `end ends ending ended finish finishes conclusion conclusions conclude concludes ` + moralWords
	partWords   = `begin begins beginning start character characters protagonist protagonists main`
	wholeWords  = `summary summarize summarise overview gist tldr tl dr eli5 recap rundown synopsis actor actors facts highlights takeaways`
)

// lessonWords ask, after a story's name, for its moral ("what does the
// story teach us?"), which its end tells (storyTeaches).
const lessonWords = `teach teaches taught`

// moralWords name a story's moral: asked for, its end answers (endingWords);
// said by a sentence, that sentence states it (extractive.go's MsgNoMoral).
const moralWords = `moral morals lesson lessons`

// moralOnly reports whether q asks for a moral and names nothing else but
// who learns it: "What lesson does Peter learn?", "what is the lesson
// here?".
func (p *Pipeline) moralOnly(q string) bool {
	if !moralHeadRe.MatchString(q) { // not "What did Saradine do to teach Celandine a lesson?"
		return false
	}
	has := false
	p.an.Each(q, func(t string, tok textan.Token) {
		has = has || !moralAskTerms()[t] && !frameTerms()[t] && !lightVerbs()[t] && !p.vague[t] && !textan.Capitalized(tok.Text) && !(p.opts.Speller != nil && p.opts.Speller.IsName(tok.Text))
	})
	return !has
}

// moralAskTerms are the terms of a question what a moral is besides who
// learns it: "What lesson should children learn from this story?".
var moralAskTerms = sync.OnceValue(func() map[string]bool {
	return termSet(moralWords + " theme themes learn learns learned learnt teach teaches taught children child kids kid readers reader students student people everyone")
})

// moralHeadRe asks what the moral is: "What lesson does Peter learn?",
// "what's the main lesson?".
var moralHeadRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+)?what(?:'s|’s|\s+is|\s+was|\s+are|\s+were)?\s+(?:the\s+|a\s+)?(?:main\s+|big\s+)?(?:morals?|lessons?|themes?)\b`)

// moralAskRe asks for a tale's moral in words of its own: "What is the
// moral about pride in this story?", "Is the theme that goodness is
// rewarded?" (refused for "pride", "goodness").
var moralAskRe = regexp.MustCompile(`(?i)\b(?:morals?|lessons?|themes?)\b`)

// overviewWords ask what the documents are about (see openings), as
// written, lower-cased ("about" is a stop word, so no term).
const overviewWords = `happen happened happens happening story stories about tell explain describe document documents hero heroine
article text paper news going more setting points deal ` + partWords + " " + endingWords + " " + wholeWords

// vagueWords ask about everything and nothing: a question of them alone
// ("What happened?", "Tell me more", "What is the story about?") names
// nothing to look up.
const vagueWords = `happen happened tell told more know explain describe mean say said talk thing things something
anything everything anyone anybody someone somebody everyone everybody stuff story stories document documents text article paper about again please pls plz
really actually exactly truly anyway even point points bullet bullets event events incident incidents
news deal give show going today currently nowadays presently wonder wondering curious sentence sentences
paragraph paragraphs brief briefly short quick quickly simple simply one mostly mainly chiefly largely primarily ` + partWords + " " + endingWords + " " + wholeWords + " " + moreWords + " " + nextWords

// SharesTopic reports whether any hit holds one of q's topic words: with a
// model, that is all it takes to ask the model, which decides itself
// whether the passages answer ("The documents do not say.").
func (p *Pipeline) SharesTopic(q string, hits []search.Hit) bool {
	topics := p.topicTerms(q)
	for _, set := range p.hitTerms(hits, len(hits)) {
		for _, t := range topics {
			if set[t] {
				return true
			}
		}
	}
	return false
}

// coverage is the share of q's topic words that the passages of the best
// hit's document among the first candPassages hits (their terms in sets)
// hold between them, names weighing nameWeight: words the question writes
// with a capital (not its first), names WordNet knows however typed ("is
// nato involved?") and words the passages write so (namesIn).
// A word counts as held when a WordNet synonym of it is ("plots" and
// "planned attacks").
func (p *Pipeline) coverage(q string, hits []search.Hit, sets []map[string]bool) float64 {
	have := map[string]bool{}
	names := map[string]bool{} // the names the passages write
	doc := ""
	for i, set := range sets {
		if set == nil {
			continue
		}
		if doc == "" {
			doc = hits[i].Passage.Doc
		}
		if hits[i].Passage.Doc == doc {
			maps.Copy(have, set)
			p.namesIn(hits[i].Passage.Text, names)
		}
	}
	leader := p.leaderTerm(q)
	titled := false // a passage of the document names a title, which a leader question's "leader" is
	for i := range sets {
		titled = titled || leader != "" && sets[i] != nil && hits[i].Passage.Doc == doc && titleRe.MatchString(hits[i].Passage.Text)
	}
	seen := map[string]bool{}
	var n, got float64
	first := true
	agent := whoAskedRe.MatchString(q)
	kind := p.kindTerms(q)
	if orderAsked(q) != 0 { // "who did the pancake meet first?": "it met a man"; "the last one" (not kindTerms: the ranking still weighs a sentence that says "first")
		for _, w := range []string{"first", "firstly", "last", "lastly", "one", "person", "thing"} {
			kind[p.an.Term(w)] = true
		}
	}
	p.an.Each(coverText(q), func(t string, tok textan.Token) {
		name := !first && textan.Capitalized(tok.Text) || names[t] || textan.IsName(tok.Text)
		first = false
		if frameTerms()[t] || p.vague[t] || seen[t] || agent && blameTerms()[t] || kind[t] {
			return
		}
		seen[t] = true
		w := 1.0
		if name {
			w = nameWeight
		} else if lightVerbs()[t] {
			w = lightVerbWeight
		}
		n += w
		if have[t] || p.monthDated(tok.Text) { // "in september" of a report dated in September, which says "on Wednesday"
			got += w
		} else if p.hasSynonym(t, have) || t == leader && titled {
			got += w * synonymCoverage
		}
	})
	if n == 0 {
		return 0
	}
	return got / n
}

// withReaction returns hits with, second, the best passage of what its
// subject said or did in reply when q asks how someone reacted
// (reactionOf) and no passage of the first candPassages holds it: "How
// did the Iranian government react to the expulsion?" found Albania's
// decision and the US's words, not "The Iranian Embassy in Tirana did not
// comment on the move right away", which the answer's rescue then leads
// with (a sentence that starts with its subject).
func (p *Pipeline) withReaction(ctx context.Context, q string, hits []search.Hit, k int) []search.Hit {
	subject := p.reactionOf(q)
	if subject == nil || len(hits) == 0 || slices.ContainsFunc(subject, func(t string) bool { return !textan.IsName(t) }) { // a country's or a person's, not "the king and all the courtiers" of a tale, whose reaction the story tells where it tells what they reacted to
		return hits
	}
	more, err := p.opts.Retriever.Search(ctx, strings.Join(subject, " ")+" "+reactionWords, k)
	if err != nil || len(more) == 0 {
		return hits
	}
	top := hits[:min(candPassages, len(hits))]
	if slices.ContainsFunc(top, func(h search.Hit) bool { return h.Passage.ID == more[0].Passage.ID }) {
		return hits
	}
	out := slices.DeleteFunc(slices.Clone(hits), func(h search.Hit) bool { return h.Passage.ID == more[0].Passage.ID })
	return slices.Insert(out, 1, more[0])
}

// reactionWords are what someone who reacts does, searched for beside
// their name (withReaction).
const reactionWords = "comment comments commented react reacted respond responded reply replied say said deny denied"

// synonymCoverage is how much of a word a WordNet synonym of it holds in
// the coverage rule: "How many times has Polonia won the cup?" of The
// Roly-Poly Pudding was answered with "They even fetched a candle" ("fetch"
// is a synonym of "win") and "cup-board". FairytaleQA at 1, 0.75, 0.6 and 0.5: out-of-scope
// refused .9833, .9848, .9848, .9848; held-out refused .1881, .1885, .1918,
// .1922; in-scope refused 151, 151, 155, 156.
const synonymCoverage = 0.75

// lightVerbWeight is the weight in coverage of a verb that says little on
// its own (lightVerbs): "what did they put in the handkerchief?" of a tale
// that says "fill the pocket-handkerchief with onions" was refused for its
// "put". FairytaleQA at 1, 0.5 and 0.3: in-scope refused 151, 152, 151,
// held-out refused .1876, .1883, .1881, out-of-scope .9833 throughout.
const lightVerbWeight = 0.3

// namesIn adds to names the terms of the words that text writes with a
// capital inside a sentence ("Albania" in "a cyberattack on Albania"): a
// question that writes them in lower case, as people type in chat ("how
// long have albania and iran been enemies?"), names them all the same.
func (p *Pipeline) namesIn(text string, names map[string]bool) {
	textan.Names(text, func(tok textan.Token, name bool) {
		if t := p.an.Term(tok.Text); name && t != "" {
			names[t] = true
		}
	})
}

// hasSynonym reports whether have holds a synonym of the term t, or a
// word of its feeling's family (feelingKin).
func (p *Pipeline) hasSynonym(t string, have map[string]bool) bool {
	for _, s := range p.syn.Lookup(t) {
		if have[s] {
			return true
		}
	}
	for _, s := range feelingKin()[t] { // "worried": "afraid"
		if have[s] {
			return true
		}
	}
	return false
}

// nameWeight is the weight in coverage of a word the question writes with a
// capital (not its first): a name the documents never mention ("Who wrote
// Moby-Dick?") says more than a common word they happen to hold.
const nameWeight = 2

// definedRe matches a question that asks who holds a role or name, in the
// present: "Who is the foreign minister of Iran?". (What-is questions and
// the past tense, "What was Aspenclog's next task?", ask about what a text
// says in other words too often: with them, FairytaleQA's in-scope
// refusals were 2.5% instead of 1.3%, and covidqa's 15% instead of 0.4%.)
var definedRe = regexp.MustCompile(`(?i)^\s*who(?:'s|\s+(?:is|are))\s+(.+?)\s*[?.!]*\s*$`)

// definedSubject returns what a who-is question asks about, or "" for
// other questions. A subject with a verb after its first word
// ("the man who saved the king") is no plain name and gives "".
func definedSubject(q string) string {
	m := definedRe.FindStringSubmatch(q)
	if m == nil {
		return ""
	}
	subject := m[1]
	words := strings.Fields(strings.ToLower(subject))
	for _, w := range words {
		switch w {
		case "who", "that", "which", "doing", "happening", "going", "called", "named", "like", "about":
			return ""
		}
	}
	if len(words) > 1 && strandedPrep[words[len(words)-1]] { // "who is the daughter married to?" asks whom, not who the daughter is
		return ""
	}
	return subject
}

// strandedPrep are the prepositions a who-question ends with when it asks
// whom something is done to or with ("who is she married to?", "who are
// they fighting with?").
var strandedPrep = setOf("to with for from by at of on in against")

// askersTime are words that place a question in the asker's time ("What
// does the MEK want today?"): a document written before never says them of
// its subject, so searched for they only lower the passages' Match and make
// a covered question look uncovered.
var askersTime = setOf("today currently nowadays presently")

// howLongRe matches a question that asks how long something lasted. Its
// "long" frames the question and is not searched for: "How long has there
// been tension?" found "pro-democratic longings".
var howLongRe = regexp.MustCompile(`(?i)\bhow\s+long\b`)

// howOldRe matches a question that asks someone's age: its answer says
// "six years old", "aged twelve", not any number (countCue).
var howOldRe = regexp.MustCompile(`(?i)\bhow\s+old\b`)

// howLongAgoRe matches "how long ago", which asks when, not how long.
var howLongAgoRe = regexp.MustCompile(`(?i)\bhow\s+long\s+ago\b`)

// partySide reports whether the word w, after prev (both lower-cased),
// is the "side" of a party, which names the party and no topic of its own:
// "the Iranian side", "Albania's side".
func partySide(prev, w string) bool {
	if w != "side" && w != "sides" {
		return false
	}
	_, possessive := textan.CutPossessive(prev)
	return possessive != "" || isDemonym(prev)
}

// compoundPreposition matches a preposition of several words, whose noun
// is no word the documents need to hold for a question to be covered
// ("What did the king offer in exchange for the hat?" was refused: no
// sentence says "exchange"), though a sentence that holds it ranks higher;
// group 1 or 2 is the plain preposition it stands for.
var compoundPreposition = regexp.MustCompile(`(?i)\b(?:in\s+exchange|in\s+return|by\s+way|in\s+search|on\s+behalf|in\s+spite|as\s+a\s+result|by\s+means|in\s+place)\s+(for|of)\b|\b(?:in\s+order|with\s+regard|in\s+addition|according)\s+(to)\b`)

// carryOutRe is "carry out" before what was done, which says only that
// it was done: "who carried out the cyberattack?" led with the MEK's
// "carrying out a series of bombings", not "Iran conducted this …
// cyberattack" ("what did the MEK carry out?" asks what it was). Group 1
// is the word after it.
var carryOutRe = regexp.MustCompile(`(?i)\bcarr(?:y|ies|ied|ying)\s+out\s+(the|a|an|this|that|these|those|its|their|his|her)\b`)

// sayBackRe matches "back" after a verb of answering: "did iran say
// anything back?" asks whether Iran answered, and no document need say
// "back" (it was refused). Group 1 is the verb and its object.
var sayBackRe = regexp.MustCompile(`(?i)\b((?:say|said|says|answer|answered|reply|replied|write|wrote|talk|talked|hit|fight|fought|strike|struck)(?:\s+(?:anything|something|nothing))?)\s+back\b`)

// coverText is searchText without the nouns of compound prepositions:
// the words the documents must hold for q to be covered (coverage,
// topicTerms).
func coverText(q string) string {
	return compoundPreposition.ReplaceAllString(searchText(q), " ${1}${2} ")
}

// searchText returns q as it is searched for: without its askersTime words,
// the "long" of "how long", the "side" of a party (partySide), "end up"
// (endUpRe) and the "back" of "say back" (sayBackRe); q itself when
// nothing else would be left.
func searchText(q string) string {
	q = sayBackRe.ReplaceAllString(endUpRe.ReplaceAllString(lengthAsked.ReplaceAllString(q, " "), " "), "${1}")
	q = carryOutRe.ReplaceAllString(q, "did ${1}")
	if questionType(q) == qWhen {
		q = occurredRe.ReplaceAllString(q, " ")
	}
	var keep []string
	prev := ""
	for _, w := range strings.Fields(q) {
		lw := strings.ToLower(strings.Trim(w, "?!.,;:"))
		if !askersTime[lw] && !stressWords[lw] && !(lw == "long" && prev == "how") && !partySide(prev, lw) {
			keep = append(keep, w)
		}
		prev = lw
	}
	if len(keep) == 0 {
		return q
	}
	return strings.Join(keep, " ")
}

// occurredRe matches a verb that says only that something took place,
// which a question of when asks with no need for the answer to hold it:
// "On what date was the cyberattack itself carried out?" led with the 1981
// protests, which "carried out a secret coup", not the "July 15
// cyberattack". ("When was Sky Digital launched?" needs its "launched".)
var occurredRe = regexp.MustCompile(`(?i)\b(?:carr(?:y|ied|ies|ying)\s+out|conduct(?:ed|ing)?|occur(?:red|s)?)\b`)

// framePhrases name no topic: how long the asker wants the answer
// (lengthAsked); what a story teaches (storyTeaches); "take place" and
// "the setting" ("where does the story take place?", "what is the
// setting?": the story's setting, from its opening; "Who was setting?"
// asks about the sun); "key facts" and the like ("give me the key facts":
// an overview; "what did the key open?" asks about a key).
var framePhrases = regexp.MustCompile(lengthAsked.String() + "|" + storyTeaches + "|" + endsHow + `|(?i)\b(?:(?:take|takes|took|taking)\s+place|the\s+setting|` + storySet + `|key\s+(?:facts?|points?|takeaways?|details|things|info|information)|big\s+deal|(?:what|which)\s+(?:kinds?|types?|sorts?)\s+of|the\s+(?:hero|heroine)(?:\s+of\s+(?:the|this)\s+(?:story|tale))?)\b`)

// storySet asks where or when a story is set: "where is it set?", "when
// is the story set?" (its "set" is no topic: the story's "what course he
// should set" answered it).
const storySet = `(?:is|was|are|were)\s+(?:it|this|that|the\s+(?:story|tale|book|novel|article))\s+set`

// endsHow asks how a story ends, well or badly ("does it end well?", "is
// there a happy ending?"): the closing passages answer (an ending word
// stays in the question as typed); its "well" or "happy" is no topic ("does
// the story end happily?" was refused).
const endsHow = `(?i)\b(?:(?:end|ends|ended|ending|finish|finishes|finished)\s+(?:well|happily|badly|sadly|tragically|happy|sad|good|bad|ok|okay)|(?:happy|sad|good|bad|tragic|unhappy)\s+(?:ending|end))\b`

// storyTeaches is what a story teaches, its moral ("what does the story
// teach us?"): no topic to look up ("What is a teaching certificate good
// for?" has one).
const storyTeaches = `(?i)\b(?:story|tale|fable|book|article|text|it)\s+(?:teach|teaches|taught)\b`

// lengthAsked is how long the asker wants the answer ("in 3 points", "in
// two sentences", "in two or three sentences"): it says nothing of the
// topic. Group 1 is the number, group 2 the unit.
var lengthAsked = regexp.MustCompile(`(?i)\b(?:in|into|with|using)\s+(?:like\s+|about\s+|just\s+|only\s+|under\s+|(?:less|fewer|no\s+more)\s+than\s+|at\s+most\s+|max\s+)?(?:` + lengthNumber + `\s*(?:or|to|-|–)\s*)?(` + lengthNumber + `|a few|few|a\s+couple\s+of|a\s+couple|couple\s+of)\s+(?:short\s+)?(points?|bullets?|bullet points?|sentences?|lines?|words?|paragraphs?)\b`)

// lengthNumber is a number of lengthAsked; of a range ("two or three
// sentences", "2-3 lines") the larger, last one counts.
const lengthNumber = `(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)`

// maxAsked is the most sentences an overview quotes when asked for more
// ("in 10 points"): a longer answer is the summary's (/summary).
const maxAsked = 5

// allDocumentsRe names the documents, all of them: "these stories", "all
// the articles", "both tales".
var allDocumentsRe = regexp.MustCompile(`(?i)\b(?:these|those|the|all(?:\s+the)?|both(?:\s+the)?|your|my|its)\s+(?:(?:two|three|four|five|\d+)\s+)?(?:stories|documents|articles|texts|files|tales|reports|papers|books)\b`)

// sentencesAsked returns how many sentences q asks for ("in 3 points",
// "in one sentence"), at most maxAsked, or 0 when it asks for no number
// of them (none, "in 50 words", "in a few points").
func sentencesAsked(q string) int {
	m := lengthAsked.FindStringSubmatch(q)
	if m == nil || strings.HasPrefix(strings.ToLower(m[2]), "word") || strings.HasPrefix(strings.ToLower(m[2]), "paragraph") {
		return 0
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		n = slices.Index(strings.Fields("zero one two three four five six seven eight nine ten"), strings.ToLower(m[1]))
	}
	if strings.Contains(strings.ToLower(m[1]), "couple") { // "in a couple of sentences"
		n = 2
	}
	return min(max(n, 0), maxAsked)
}

// termSet returns the analysed forms (textan.English) of words, stop words
// left out.
func termSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, t := range textan.English().Terms(words) {
		set[t] = true
	}
	return set
}

// stressTerms are the analysed forms of adverbs that stress a question
// ("when was the attack exactly?", "who was the woodcutter really?"): no
// word a sentence that answers it needs to hold.
var stressTerms = sync.OnceValue(func() map[string]bool { return termSet("really actually exactly truly precisely") })

// stressWords are the words of stressTerms that the search passes over
// too ("who hacked albania actually?" led with Rama's announcement); not
// "really" nor "truly", which a tale answers in ("Who was the snake
// really?": "who was really a prince").
var stressWords = setOf("actually exactly precisely")

// frameTerms returns the analyzed forms of words that frame a question
// (what kind of answer it wants) rather than name its topic; made on first
// use, not at start-up.
var frameTerms = sync.OnceValue(func() map[string]bool {
	return termSet(`date day year time take place happen happened name named call called say said says
		tell told mean means meaning stand describe described kind type number many much today currently now known term
		example purpose reason according mention mentioned mentions color colour colors colours react reaction respond response deny admit confirm wrong ago narrator narrators
		exact exactly job jobs occupation`)
})

// wordsUsedRe asks the words someone used of something: "What exact words
// did Washington use to describe the attack?", "what words did rama use
// for it?" (refused: the report never says "words"); Ask reads it as "how
// did Washington describe …", which "dubbed as a “reckless and
// irresponsible” … cyberattack" answers. Group 1 is who used them.
var wordsUsedRe = regexp.MustCompile(`(?i)\bwhat\s+(?:exact\s+|precise\s+|specific\s+)?(?:words?|terms?|phrases?|language)\s+(?:did|does|do)\s+(.+?)\s+use(?:\s+to\s+(?:describe|call|characteri[sz]e)|\s+(?:for|about|of))?\b`)

// blameTerms are the analyzed forms of words that ask who did something
// ("who is accused of the hack?", "who was blamed for the cyberattack?"):
// after "who" they frame the question, and a passage that answers says who
// did it ("the Government of Iran conducted this … cyberattack") with no
// word of blame (coverage; the role of definedSubject). Asked what or why
// ("what was the plague blamed on?") they stay topic words.
var blameTerms = sync.OnceValue(func() map[string]bool { return termSet("accuse accused blame blamed") })

// kindTerms returns the terms of q that say what kind of answer it wants
// and that a passage which answers need not hold (coverage): how someone
// felt (qFeel: "feel", "felt", and the feeling of a yes-no question, "was
// the king happy?"), what someone was like (the "like" of "what was Cassim
// like?", the trait of "was Cassim nice?"), an age (the "old" of "how old
// was she?": "When I was sixteen"). A passage tells a feeling or
// a trait in its own words ("he bit his lips with vexation", "the greedy
// Cassim"): "how did the king feel?" was refused of a tale that never says
// "feel", "what was cassim like?" of one that never says "like".
func (p *Pipeline) kindTerms(q string) map[string]bool {
	lq := lowerQuestion(q)
	set := map[string]bool{}
	if questionType(q) == qFeel {
		maps.Copy(set, feelTerms())
		if m := feelAskRe.FindStringSubmatch(lq); m != nil {
			set[p.an.Term(m[1])] = true
		}
	}
	if howOldRe.MatchString(lq) { // "how old was the princess?": "When I was sixteen"
		set["old"] = true
	}
	if m := measureAskRe.FindStringSubmatch(lq); m != nil { // "how heavy was the club?": "thirty hundred-weights"
		set[p.an.Term(m[1])] = true
	}
	for w := range kindNouns(lq) { // "what date did they announce it?": "on Wednesday"
		set[p.an.Term(w)] = true
	}
	if m := traitAskRe.FindStringSubmatch(lq); m != nil {
		for _, t := range p.an.Terms(m[1] + " " + m[2]) {
			set[t] = true
		}
	}
	return set
}

// kindNounRe matches the words that ask which date, day, time or place:
// "what date", "which day of the week", "which country" (the answer names
// one: "a cyberattack on Albania", not "our country").
var kindNounRe = regexp.MustCompile(`(?i)\b(?:what|which)\s+(date|day|year|month|time|season|country|city|town|village|kingdom|place)(?:\s+of\s+the\s+(week|month|year))?\b`)

// kindNouns returns the words of q that ask which date, time or place
// (kindNounRe), in lower case: a sentence that answers need not hold
// them, and a follow-up does not take them as its topic ("who announced
// it?" after "what date did they announce it?").
func kindNouns(q string) map[string]bool {
	set := map[string]bool{}
	for _, m := range kindNounRe.FindAllStringSubmatch(q, -1) {
		for _, w := range m[1:] {
			if w != "" {
				set[strings.ToLower(w)] = true
			}
		}
	}
	return set
}

// feelTerms are the analyzed forms of the words that ask how someone felt
// (kindTerms); made on first use.
var feelTerms = sync.OnceValue(func() map[string]bool { return termSet("feel feels felt feeling feelings emotion emotions mood") })

// traitAskRe matches a question about what someone is like: "what was
// Cassim like?", "was Cassim nice?", "was he a good person?"; group 1 is
// or 2 the words that ask it ("like"; "nice", "a good person").
var traitAskRe = regexp.MustCompile(`^(?:what\s+(?:was|is|were|are)\s+(?:\S+\s+){1,4}?(like)|(?:was|were|is|are)\s+(?:\S+\s+){1,4}?((?:a\s+)?(?:(?:really|very|so)\s+)?(?:` + traitAdjectives + `)(?:\s+(?:person|man|woman|guy|boy|girl|one|people|character))?))[\s?!.]*$`)

// traitAdjectives are what a yes-no question asks someone is (traitAskRe).
const traitAdjectives = `nice|kind|mean|good|bad|evil|friendly|smart|clever|stupid|dumb|brave|greedy|lazy|honest|selfish|generous|wise|cruel|wicked|foolish|rude|polite|gentle|strong|weak|rich|poor|beautiful|pretty|ugly|handsome|funny`

// whoAskedRe matches a question that asks who: its answer is a person or
// a group, which passages name whatever verb the question uses.
var whoAskedRe = regexp.MustCompile(`(?i)^\s*who\b`)

// toldOnly reports whether q tells something and asks nothing: no
// question mark, no question word, no verb first and no word of asking
// ("I want to know about …", "please explain", "info on the MEK"). Such a message the
// documents do not cover is context for a question to come, not one to
// refuse.
func toldOnly(q string) bool {
	return asksNothing(strings.TrimSpace(q)) && !requestRe.MatchString(q)
}

// invitation is ans answering a message that tells and asks nothing
// (toldOnly): small talk that invites a question (msgToldFm).
func (p *Pipeline) invitation(ans Answer) Answer {
	ans.Text, ans.SmallTalk = fmt.Sprintf(msgToldFm, p.about(), p.example()), true
	return ans
}

// aboutMeRe matches a statement about the asker ("I'm reading up on this
// for my book club."), which tells what a question to come is for: the
// story's "the statement further read" is no answer to it. A statement of
// the world ("The MEK did bombings.") is looked up, to be checked.
var aboutMeRe = regexp.MustCompile(`(?i)^\W*(?:(?:hi|hey|hello|ok|okay|so|well)\W+)*(?:i|i'm|i’m|im|i've|i’ve|ive|i'd|we|we're|we’re|my|our)\b`)

// requestRe finds a word that asks for something inside a statement: "I
// want to know about the MEK", "I'd like a summary", "I want the
// details"; not what the user wants to do ("I'm a teacher and I want to
// use this article in class" tells, and was refused as a question).
var requestRe = regexp.MustCompile(`(?i)\b(?:know|tell|explain|learn|find\s+out|curious|wonder|wondering|interested|looking\s+for|show|give|list|describe|write|compare|contrast|summar\w*|help|(?:want(?:s|ed)?|wanna)\s+(?:a|an|the|some|more|it|that|this)|please|pls|plz|info|information|details)\b`)

// notCovered is NotCoveredText with, when the documents name people,
// places or groups more than once, the ones they name most (mostlyAbout),
// so that the asker sees what the bot can answer about.
func (p *Pipeline) notCovered() string {
	if about := p.mostlyAbout(); about != "" {
		return NotCoveredText + "\n" + about
	}
	return NotCoveredText
}

// mostlyAbout names the people, places or groups the documents name most,
// more than once each and no two sharing a word: "They are mostly about
// Iran, MEK, Albania and US."; "" when they name fewer than two so.
func (p *Pipeline) mostlyAbout() string {
	var list []string
	for _, t := range p.mostlyNamed() {
		list = append(list, t.name)
	}
	if len(list) < 2 {
		return ""
	}
	last := len(list) - 1
	return "They are mostly about " + strings.Join(list[:last], ", ") + " and " + list[last] + "."
}

// mostlyNamed returns the people, places or groups the documents name
// most, at most maxAboutNames, names before roles ("Faithful" before "the
// king"), none that shares a word with one before it ("Islamic Republic of
// Iran" after "Iran", "Dais-Imid" after "Dais Imid").
func (p *Pipeline) mostlyNamed() []*namedThing {
	if p.opts.Documents == nil {
		return nil
	}
	names := slices.Clone(p.names.Of(p.opts.Documents(), namedThings))
	names = slices.DeleteFunc(names, func(t *namedThing) bool { return t.kind == textan.NameOther || t.count < 2 })
	slices.SortStableFunc(names, func(a, b *namedThing) int { // names before roles: "ask about Faithful", not "the king"
		switch {
		case a.role && !b.role:
			return 1
		case b.role && !a.role:
			return -1
		}
		return b.count - a.count
	})
	var list []*namedThing
	for _, t := range names {
		if len(list) == maxAboutNames {
			break
		}
		if !slices.ContainsFunc(list, func(n *namedThing) bool { return sharesWord(n.name, t.name) }) { // not "Islamic Republic of Iran" after "Iran"
			list = append(list, t)
		}
	}
	return list
}

// example returns a question to show as an example, about the documents
// at hand: "Who is Jack my Hedgehog?" of the one they name most
// (mostlyNamed), "What does it say about Iran?" of a place or a group,
// else "What is this story about?". (It was always "Why did
// Albania cut ties with Iran?", of any story.)
func (p *Pipeline) example() string {
	names := p.mostlyNamed()
	switch {
	case len(names) == 0:
		return "What is this story about?"
	case names[0].kind == textan.NamePlace || names[0].kind == textan.NameGroup:
		return "What does it say about " + names[0].name + "?"
	}
	return "Who is " + names[0].name + "?"
}

// sharesWord reports whether names a and b have a word in common.
func sharesWord(a, b string) bool {
	split := func(s string) []string { return strings.Fields(strings.ToLower(strings.ReplaceAll(s, "-", " "))) } // "Dais-Imid" is "Dais Imid"
	words := split(a)
	return slices.ContainsFunc(split(b), func(w string) bool { return w != "of" && w != "the" && slices.Contains(words, w) })
}

// maxAboutNames is how many names a refusal offers to ask about.
const maxAboutNames = 4

func bestMatch(hits []search.Hit) float64 {
	m := 0.0
	for _, h := range hits {
		if h.Match > m {
			m = h.Match
		}
	}
	return m
}

// sourcePassage is a passage as sent to the model, with its number.
type sourcePassage struct {
	N     int
	Hit   search.Hit
	Score float64
	// said is, for an overview (see openings) and for "Tell me more" and
	// "And then?" (more.go), the answers given before in the conversation:
	// their sentences are not quoted again.
	said string
	// after is, for "And then?" (continuation), the sentence the last
	// answer led with: the answer goes on after it.
	after string
	// sequel says that the passages are those after the last answer's lead
	// (sequelAskRe): what came next is the nearest sentence that tells of
	// what the question asks about.
	sequel bool
	// reply says that, after the sentence after names, the answer is the
	// quotation that replies to it (replyAskRe).
	reply bool
	// last is, for a follow-up (a question read with the conversation's
	// words), the answer before: "what happened to her?" (fateAskRe) quotes
	// its sentences again only when nothing else is left (after "what gift
	// did Iris get?" it repeated that answer word for word).
	last string
	// explained is, for a why- or when-question about the last answer
	// ("why did they do that?", whyThatRe; "when did that happen?",
	// whenThatRe), the sentence it led with: a why asks its cause, not it
	// again; a when asks its time, which it or a sentence beside it tells
	// (timeBeside).
	explained string
	// overview says the passage is a document's opening (or closing) that
	// answers an overview of a document the question names by its title
	// (namedDocument), although its title's words are a topic.
	overview bool
}

// passageBudget is the tokens left for passages. Offline it is
// MaxContextTokens. With a model, the rest of the prompt (the system and
// answer templates with the question) and the reply (MaxAnswerTokens) come
// out of MaxContextTokens first, as the summaries count it: a budget set to
// a local model's context window (Ollama's num_ctx) was overrun by them, and
// such servers silently drop the start of the prompt, which holds the rules.
// It may be 0 or less: pack still sends one passage.
func (p *Pipeline) passageBudget(question string) int {
	if p.opts.Model == nil {
		return p.opts.MaxContextTokens
	}
	sys, err1 := p.opts.Prompts.Render("system", nil)
	user, err2 := p.opts.Prompts.Render("answer", AnswerData{Question: question})
	if err1 != nil || err2 != nil {
		return p.opts.MaxContextTokens // generate reports the error
	}
	b := p.opts.MaxContextTokens - EstimateTokens(sys) - EstimateTokens(user) - p.opts.MaxAnswerTokens
	if b <= 0 {
		p.opts.Log.Warn("OPENAI_MAX_CONTEXT_TOKENS leaves no room for passages; sending the best one anyway",
			"max_context_tokens", p.opts.MaxContextTokens, "reply_tokens", p.opts.MaxAnswerTokens)
	}
	return b
}

// pack keeps the hits, best first, that fit the token budget (always at
// least one).
func (p *Pipeline) pack(hits []search.Hit, budget int) []*sourcePassage {
	var out []*sourcePassage
	used := 0
	for _, h := range hits {
		if h.Passage == nil {
			continue
		}
		t := EstimateTokens(h.Passage.Text) + 20
		if len(out) > 0 && used+t > budget {
			continue
		}
		used += t
		out = append(out, &sourcePassage{N: len(out) + 1, Hit: h, Score: h.Score})
	}
	return out
}

// EstimateTokens estimates the tokens of text for packing: one per four
// bytes, rounded up.
func EstimateTokens(text string) int { return (len(text) + 3) / 4 }

// PromptPassage is one passage as the answer template sees it.
type PromptPassage struct {
	N        int
	Title    string
	Doc      string
	Location string
	Text     string
}

// AnswerData is the data of the answer template.
type AnswerData struct {
	Question string
	Passages []PromptPassage
}

// CondenseData is the data of the condense template.
type CondenseData struct {
	History  []chat.Message
	Question string
}

func answerData(q string, passages []*sourcePassage) AnswerData {
	d := AnswerData{Question: q}
	for _, sp := range passages {
		ps := sp.Hit.Passage
		d.Passages = append(d.Passages, PromptPassage{N: sp.N, Title: ps.Title, Doc: ps.Doc, Location: ps.Location(), Text: SourceRefs(ps.Text)})
	}
	return d
}

// discordMentionRe matches Discord mention syntax: users, roles, channels,
// @everyone and @here.
var discordMentionRe = regexp.MustCompile(`<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b`)

// dropMentions removes Discord mentions from a question and trims it. They
// name no topic, yet as words they lowered the question's coverage, so that
// "<@123> why did Albania cut ties with Iran?" was refused as not covered.
func dropMentions(q string) string {
	if strings.ContainsAny(q, "@#") {
		q = strings.Join(strings.Fields(discordMentionRe.ReplaceAllString(q, " ")), " ")
	}
	return strings.TrimSpace(q)
}

// chatCloserRe matches chat's closing fillers ("who are the mek anyway?",
// "why they in albania tho", "fr", "ngl"), which made a who-is question's
// subject "the mek anyway"; group 1 is the punctuation after them.
var chatCloserRe = regexp.MustCompile(`(?i)[\s,]+(?:anyway|anyways|tho|though|btw|fr|ngl|tbh)\s*([?!.]*)\s*$`)

// whoIsTheOneRe asks who someone is by what they do: "who is the gentleman
// who leads Albania?" asks "who leads Albania?" (it led with the 1981
// protests, for "gentleman"); group 1 what comes before. Not "the woman"
// or "the people": "Who was the woman that was foretold to White Feather?"
// asks for a woman (FairytaleQA's lead fell by two).
var whoIsTheOneRe = regexp.MustCompile(`(?i)^(\W*(?:and\s+|so\s+|but\s+)?)who(?:'s|’s|\s+is|\s+was|\s+are|\s+were)\s+(?:the|that|this|those|these)\s+(?:gentleman|gentlemen|guy|guys|person|persons|fellow|fellows|chap|dude|one|ones)\s+(?:who|that)\s+`)

// dealWithRe matches chat's "what's the deal with X?", which asks about X
// (group 1), its "these … dudes" aside: "whats the deal w these mek dudes"
// was refused for "deal" and "dudes".
var dealWithRe = regexp.MustCompile(`(?i)^\W*(?:so\s+)?what(?:'s|’s|s|\s+is)\s+(?:the\s+)?(?:deal|story|scoop|lowdown)\s+(?:with|w/?|on)\s+(?:these\s+|those\s+|this\s+|that\s+|the\s+)?(.+?)(?:\s+(?:dudes|guys|folks|peeps|ppl|lot|bunch))?\s*[?!.]*$`)

// theReportRe is the document called a report as what it says ("does the
// report mention …?", "what does this report say …?"), which is no topic:
// what "the article" is. Not "What is the conclusion of this report?" of a
// tale, which is no report.
var theReportRe = regexp.MustCompile(`(?i)\b(this|the|that)\s+report\b(?:\s+(?:say|says|said|mention|mentions|mentioned|talk|talks|state|states|name|names|describe|describes|claim|claims|tell|tells|explain|explains|list|lists))\b`)

// newsPieceRe matches the names of a news item of two words, which are
// one word for the document: "Summarize the news report in one sentence."
// was read as a summary about "the account" (WordNet's word for a news
// report that the speller found in the report's "accountable").
var newsPieceRe = regexp.MustCompile(`(?i)\bnews\s+(?:report|story|article|piece|item)\b`)

// sourceRefRe matches where the asker says the answer should come from,
// which every answer comes from ("in the story" stays: "who is in this
// story?" asks who is): "Who is the prime minister of Albania
// according to the piece?" was refused for the "piece" no sentence holds.
var sourceRefRe = regexp.MustCompile(`(?i),?\s*\b(?:according\s+to\s+(?:the|this|that|your)\s+(?:piece|article|report|story|tale|text|document|source|sources|narrator|author|writer)|in\s+(?:the|this|that)\s+piece)\b`)

// gotHitRe is "got hit", "was hit" at a question's end: attacked, as chat
// says it ("what kind of systems got hit?" was refused: no sentence says
// "hit"; "which country was hit by the cyber attack" names the attack);
// group 1 is the verb before it, group 2 what ends the question.
var gotHitRe = regexp.MustCompile(`(?i)\b(got|get|gets|was|were|been|be|is|are)\s+hit(\W*)$`)

// likeWhichRe is chat's "like which group" after a question, which says
// again what kind of answer it wants ("who actually did the hack, like
// which group 👀" led with the MEK's "opposition group"); group 1 is the
// punctuation after it.
var likeWhichRe = regexp.MustCompile(`(?i),?\s+like\s+(?:which|what)\s+[\pL-]+\s*([?!.]*)\W*$`)

// emoticonRe matches the emoticons a message ends with (":(", ";-)",
// "<3", "xD"): "did he die at the end?? :(" was no question of the end.
var emoticonRe = regexp.MustCompile(`(?:\s+(?:[:;=]-?[()DPpOo/\\|\[\]{}*3]+|<3+|xD+|XD+|\^\^))+\s*$`)

// chatNounRe matches a word and chat's "guy" or "dude" after it, which
// says only that the word is a person's: "the albania leader guy" led with
// a sentence of neither Albania nor a leader, for the "guy" no sentence
// holds. After a determiner the noun stays ("that guy").
var chatNounRe = regexp.MustCompile(`(?i)\b\pL+\s+(?:guy|guys|dude|dudes)\b`)

// personAdjectives stand before "guy" as they do before "man", which the
// speller reads it as (textan.Formal): "who is the main guy?".
var personAdjectives = setOf("main other old young bad good nice little big first last same poor rich tall short new mean kind evil wise")

// determiners are the words before a noun that name no one themselves.
var determiners = setOf("the a an this that these those some any which what whose his her their its my your our one")

// cleanQuestion is the question as it is asked: without Discord's
// mentions and Markdown marks, with "the us" as "the US", without chat's
// preamble (preambleRe) and closing fillers (chatCloserRe), trimmed.
func cleanQuestion(q string) string {
	q = chatCloserRe.ReplaceAllString(dropChatOpener(theUS(dropLaughs(chatSpelled(dropMarkup(dropMentions(q)))))), "$1")
	q = dealWithRe.ReplaceAllString(q, "tell me about the $1")
	q = whoIsTheOneRe.ReplaceAllString(q, "${1}who ")
	q = newsPieceRe.ReplaceAllString(q, "article")
	q = theReportRe.ReplaceAllStringFunc(q, func(m string) string { // "Does the report mention the cyberattack?" was refused for "report", which the article does not write
		f := strings.Fields(m)
		return f[0] + " article " + f[2]
	})
	q = sourceRefRe.ReplaceAllString(q, "")
	q = emoticonRe.ReplaceAllString(q, "")
	q = likeWhichRe.ReplaceAllString(q, "$1")
	q = gotHitRe.ReplaceAllString(q, "${1} attacked${2}")
	q = chatNounRe.ReplaceAllStringFunc(q, func(m string) string { // "who is the albania leader guy": the leader
		if f := strings.Fields(m); !determiners[strings.ToLower(f[0])] && !personAdjectives[strings.ToLower(f[0])] {
			return f[0]
		}
		return m
	})
	if m := preambleRe.FindStringSubmatchIndex(q); m != nil && !whWordRe.MatchString(q[:m[2]]) { // not "who can tell me why?"
		q = q[m[2]:]
	}
	if m := askedForRe.FindStringSubmatch(q); m != nil && len(textan.Sentences(q)) == 1 { // "My son asks: what did the pancake call the pig?"; not "My kid asked me why …. What do I tell her?" (preamble)
		q = embeddedRe.ReplaceAllString(strings.TrimRight(strings.TrimSpace(m[1]), ".!?"), "$1 $3 $2") + "?"
	}
	return q
}

// embeddedRe is a question as a clause says it, its verb last: "what the
// little fish's name was" (group 1 the question word, 2 what it asks of, 3
// the verb), asked "what was the little fish's name".
var embeddedRe = regexp.MustCompile(`(?i)^(what|who|where|when|how|which)\s+(.+?)\s+(was|is|were|are)$`)

// askedForRe is a question asked on someone else's behalf, as a parent
// reading with a child asks: "My son asks: what did the pancake call the
// pig?", "She wants to know if the pancake was scared of the pig.", "He
// wants to know what the dream-boy looked like." (refused for "son", or
// answered as a question about "wanting"); group 1 is the question.
var askedForRe = regexp.MustCompile(`(?i)^\W*(?:(?:my|our)\s+(?:\w+\s+)?(?:son|daughter|kid|kids|child|children|boy|girl|students?|class|friend|little\s+one|grandson|granddaughter|niece|nephew)\s+(?:asks|asked|is\s+asking|was\s+asking|wants\s+to\s+know|wanted\s+to\s+know|wonders|wondered|is\s+wondering|would\s+like\s+to\s+know)|(?:he|she|they)\s*(?:asks|is\s+asking|are\s+asking|'s\s+asking|’s\s+asking|'re\s+asking|’re\s+asking|wants?\s+to\s+know|wonders|is\s+wondering|'s\s+wondering|’s\s+wondering))\b[\s:,-]*(?:if\s+|whether\s+)?((?:` + whWords + `|is|are|was|were|did|does|do|has|have|had|can|could|will|would|the|a|an|\pL+'s|\pL+’s)\b.*)$`)

// Chat's opening words before a question: a greeting, thanks or an
// acknowledgement ("ok and what happened in 1981?", "thanks! who is Edi
// Rama?"). They are no topic: "ok" made "what happened in 1981?" look half
// covered, and "ok, who is Edi Rama?" was no who-is question.
var (
	// openerRe matches one opening phrase of smallTalkPhrases, with the
	// fillers that may follow it ("hi there", "thanks a lot").
	openerRe = regexp.MustCompile(`(?i)^(?:` + chatOpeners() + `)(?:\s+(?:there|everyone|all|guys|folks|bot|storybot|again|so much|very much|a lot))*\b`)
	// openerGapRe is what stands between opening phrases, or after them.
	openerGapRe = regexp.MustCompile(`^[\s,.!:;-]*`)
	// openerJoinRe joins the question to what opened it ("ok and what …").
	openerJoinRe = regexp.MustCompile(`(?i)^(?:and|so|but)\s+`)
	// questionStartRe is how a question after an opener starts: a question
	// word, or after punctuation a verb ("ok, is it true?", "thanks. tell
	// me more"); "Nice is a city?" opens with no small talk.
	questionStartRe = regexp.MustCompile(`(?i)^(?:whats|` + whWords + `)\b`)
	verbStartRe     = regexp.MustCompile(`(?i)^(?:(?:please|pls|plz|kindly)[\s,]+)?(?:is|are|was|were|did|do|does|can|could|will|would|has|have|had|should|tell|explain|describe|summari[sz]e|list|give)\b`)
)

// chatOpeners are the greetings, thanks and acknowledgements of
// smallTalkPhrases, longest first, as alternatives of a regular expression.
func chatOpeners() string {
	var phrases []string
	for ph, kind := range smallTalkPhrases {
		if kind == talkGreeting || kind == talkThanks || kind == talkAck {
			phrases = append(phrases, regexp.QuoteMeta(ph))
		}
	}
	slices.SortFunc(phrases, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	return strings.Join(phrases, "|")
}

// dropChatOpener returns q without chat's opening words; q when it has
// none, when no question follows them, or when only small talk would be
// left.
func dropChatOpener(q string) string {
	rest := strings.TrimLeftFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	opened, apart := false, false
	for {
		m := openerRe.FindStringIndex(rest)
		if m == nil {
			break
		}
		gap := openerGapRe.FindString(rest[m[1]:])
		if gap == "" && m[1] < len(rest) { // "hiking", not "hi"
			break
		}
		opened, apart = true, strings.TrimSpace(gap) != ""
		rest = rest[m[1]+len(gap):]
	}
	if !opened {
		return q
	}
	if j := openerJoinRe.FindString(rest); j != "" {
		rest, apart = rest[len(j):], true
	}
	if thenNextRe.MatchString(rest) { // "ok and then what happened?" asks what came next
		return rest
	}
	if j := thenRe.FindString(rest); j != "" { // "ok then, who is he?"
		rest, apart = rest[len(j):], true
	}
	if !questionStartRe.MatchString(rest) && !(apart && (verbStartRe.MatchString(rest) || summaryWordsRe.MatchString(rest))) || smallTalkKind(rest) != "" { // "hi! i have to write a summary of this article"
		return q
	}
	return rest
}

// thenRe is "then" after an opener ("ok then, who is he?"); thenNextRe,
// "then what happened?", which asks what came next and keeps its "then".
var (
	thenRe     = regexp.MustCompile(`(?i)^then[\s,]+`)
	thenNextRe = regexp.MustCompile(`(?i)^then\s+what\s+(?:happened|happens|did|does|do)\b`)
)

// whWords are the question words, as alternatives of a regular expression.
const whWords = `why|who|whom|whose|what|when|where|how|which`

// whWordRe matches a question word.
var whWordRe = regexp.MustCompile(`(?i)\b(?:` + whWords + `)\b`)

// preambleRe matches a question after chat's preamble ("hey so I was
// reading about this and I wanted to know, like, why did Albania cut
// ties?"), the question in its group: the preamble's words are no topic,
// and they made it look not covered.
var preambleRe = regexp.MustCompile(`(?is)^.{0,160}?\b(?:wanted to know|want to know|wondering|curious|could you tell me|can you tell me|would you tell me|tell me|i'd like to know|i would like to know|need to know|my question is)\b[,:]?\s*(?:if\s+you\s+(?:could|can)\s+tell\s+me\s+)?(?:like,?\s+)?((?:` + whWords + `)\b.+)$`)

// markupRe matches what Discord's Markdown wraps a question in: bold,
// italics, strike-through, spoiler and code marks, a quote's leading ">",
// and links, which name a page the bot cannot read.
var markupRe = regexp.MustCompile("\\*+|`+|~~|\\|\\||(?:^|\n)\\s*>{1,3}\\s|<?\\bhttps?://[^\\s>]+>?|\\bwww\\.[^\\s]+|(?:^|\\s)__?|__?(?:\\s|$)")

// dropMarkup removes markupRe's marks from a question and trims it:
// "`what is the MEK`" is asked as "what is the MEK", and a link's words
// ("https", "com") are no topic the documents must hold.
func dropMarkup(q string) string {
	return strings.Join(strings.Fields(markupRe.ReplaceAllString(q, " ")), " ")
}

// dropLaughs removes chat's laughs (laughRe) from a question that has
// other words and is no small talk with them: "lol" of "why did albania
// ditch iran lol" was a topic no document holds, and the question was
// refused.
func dropLaughs(q string) string {
	out := strings.Join(strings.Fields(laughRe.ReplaceAllString(q, " ")), " ")
	if !hasWords(out) || smallTalkKind(q) != "" { // "thats kinda cool lol" is a comment
		return q
	}
	return out
}

// chatWords are chat's spellings of question words and common words, and
// their commonest slips, in lower case, with the word they stand for: "wat happend in july" asked
// about "wat", a word no document holds, and "y did albania do that" was no
// why question. ("u", "gonna" and the like are stop words already.)
var chatWords = map[string]string{
	"wat": "what", "wats": "what's", "wut": "what", "wht": "what", "wen": "when", "wher": "where", "hw": "how",
	"r": "are", "ppl": "people", "bout": "about", "abt": "about", "cuz": "because", "coz": "because",
	"bc": "because", "bcuz": "because", "thru": "through", "dat": "that", "tho": "though",
	"smth": "something", "sth": "something", "govt": "government", "wtf": "what", "wth": "what",
	"w": "with", "n": "and", "wy": "why", // "wat happend w albania n iran", "wy didnt the cow give milk"
	// the commonest slips in question words, which a story need not hold to
	// be corrected to ("what happend to the shoes after?" was refused of a
	// tale that says neither "happen" nor "happened")
	"happend": "happened", "hapened": "happened", "happenned": "happened", "happned": "happened", "happnd": "happened", "becuase": "because",
	"becasue": "because", "beacuse": "because", "waht": "what", "whta": "what", "wehre": "where", "wich": "which",
}

// chatWordRe matches a word of chatWords as chat types it (lower case), or
// "y" opening a question ("y did …").
var chatWordRe = regexp.MustCompile(`^y\b|\b(?:` + strings.Join(slices.Sorted(maps.Keys(chatWords)), "|") + `)\b`)

// maxChatSpelled is the longest question chatSpelled rewrites: chat's
// shorthand is typed in short questions, and a rewritten one stays well
// under MaxQuestionChars (a word grows 2.5 times at most).
const maxChatSpelled = 300

// chatSpelled writes chat's spellings (chatWords) as the words they stand
// for, in a question of maxChatSpelled bytes at most.
func chatSpelled(q string) string {
	if len(q) > maxChatSpelled {
		return q
	}
	return chatWordRe.ReplaceAllStringFunc(q, func(w string) string {
		if w == "y" {
			return "why"
		}
		return chatWords[w]
	})
}

// msgUnknownNameFm refuses a question that names what no document
// mentions (unknownName).
const msgUnknownNameFm = "The documents do not mention “%s”, so I can't answer this from them. Ask about what they describe, or add a document that covers it."

// reportLede returns the first sentence of the documents when they are one
// dated report, whose lede says what happened ("Iran’s July cyberattack on
// Albania proved to be the final straw …"), else "".
func (p *Pipeline) reportLede() string {
	d := p.report()
	if d == nil {
		return ""
	}
	for _, ps := range d.Passages[:min(2, len(d.Passages))] { // after a passage of metadata
		if ss := textan.Sentences(ps.Text); len(ss) > 0 && len(strings.Fields(ss[0].Text)) >= 8 {
			return ss[0].Text
		}
	}
	return ""
}

// msgToldUnmentionedFm opens the answer to a question about what the
// asker believed ("I heard the attack was in August. when was it?"), when
// the documents never mention what they believed.
const msgToldUnmentionedFm = "The documents do not mention “%s”; here is what they say."

// unknownMonth returns the first month q names that the documents never
// write nor are dated in ("I heard the attack was in August."), or "".
func (p *Pipeline) unknownMonth(q string) string {
	if p.opts.Speller == nil {
		return ""
	}
	for _, w := range strings.Fields(q) {
		w = strings.Trim(w, ".,;:!?\"'“”‘’()")
		if _, ok := monthOf(w); ok && !p.opts.Speller.Mentions(w) && !p.monthDated(w) {
			return w
		}
	}
	return ""
}

// withoutOwnDate returns q without the date the folder's one document
// is dated, when it never writes its month ("did albania cut ties on 7 september 2022?" of
// a report dated 2022-09-07, which says "on Wednesday"), written with its
// month ("7 September 2022", "September 7, 2022", "September 2022"): the
// search found the report's one "In 2022" for its year.
func (p *Pipeline) withoutOwnDate(q string) string {
	d := p.report() // of many, a date asked may be another's: "… cases … as of March 11th?"
	if d == nil || !monthNameRe.MatchString(q) {
		return q
	}
	t, err := time.Parse(time.DateOnly, d.Date)
	if err != nil || !strings.Contains(strings.ToLower(q), strings.ToLower(t.Month().String())) || writesMonth(d, t.Month()) { // a paper of 11 March that counts cases "as of 11 March" is searched for its date
		return q
	}
	day, month, year := strconv.Itoa(t.Day()), t.Month().String(), strconv.Itoa(t.Year())
	re := regexp.MustCompile(`(?i)\b(?:on\s+)?(?:(?:the\s+)?` + day + `(?:st|nd|rd|th)?\s+(?:of\s+)?` + month + `|` + month + `\s+` + day + `(?:st|nd|rd|th)?|` + month + `)(?:,?\s+` + year + `)?\b`)
	return re.ReplaceAllString(q, " ")
}

// writesMonth reports whether d's text names month.
func writesMonth(d *knowledge.Document, month time.Month) bool {
	re := regexp.MustCompile(`\b` + month.String() + `\b`)
	return slices.ContainsFunc(d.Passages, func(ps knowledge.Passage) bool { return re.MatchString(ps.Text) })
}

// monthNameRe finds the name of a month.
var monthNameRe = regexp.MustCompile(`(?i)\b(?:` + months + `)\b`)

// monthDated reports whether w names the month a document is dated in:
// "Albania severed relations with Iran on 7 September 2022. True or
// false?" of a report dated 2022-09-07 that says "on Wednesday".
func (p *Pipeline) monthDated(w string) bool {
	m, ok := monthOf(w)
	if !ok || p.opts.Documents == nil {
		return false
	}
	return slices.ContainsFunc(p.opts.Documents(), func(d *knowledge.Document) bool {
		t, err := time.Parse(time.DateOnly, d.Date)
		return err == nil && t.Month() == m
	})
}

// monthOf returns the month w names, in any case ("september" as typed in
// chat).
func monthOf(w string) (time.Month, bool) {
	t, err := time.Parse("January", textan.Capitalize(strings.ToLower(w)))
	return t.Month(), err == nil
}

// notTopicNames are names WordNet knows that say nothing of a question's
// topic: the bot's and its place's, and units that documents write as
// symbols ("in degrees Celsius": "°C").
var notTopicNames = setOf("storybot bot discord celsius fahrenheit kelvin")

// unknownName returns the first name q writes that no document mentions in
// any form, "" when there is none: a name WordNet knows however typed
// ("russia", "NATO"; textan.IsName). Such a question asks about something
// else ("did russia help iran?", "is Albania in NATO?"), and any quote
// would be beside the point. (Every word with a capital, "R0", "Ad5",
// "WHat", refused covidqa's questions by the dozen.)
func (p *Pipeline) unknownName(q string) string {
	if p.opts.Speller == nil {
		return ""
	}
	var toks []textan.Token
	textan.Tokenize(q, func(tok textan.Token) { toks = append(toks, tok) })
	for i, tok := range toks {
		w, _ := textan.CutPossessive(tok.Text)
		short := utf8.RuneCountInString(w) < 3 && w != strings.ToUpper(w) // "tl;dr" is no thallium; "EU" is a name
		if short || !textan.IsName(w) || notTopicNames[strings.ToLower(w)] || p.vague[p.an.Term(w)] || p.opts.Speller.Mentions(w) || p.monthDated(w) {
			continue
		}
		// the whole name, as typed: "edi rama", not "rama"
		unknown := func(j int) bool {
			w := toks[j].Text
			return !textan.IsStop(strings.ToLower(w)) && !p.opts.Speller.Mentions(w) && (textan.Capitalized(w) || !textan.IsEnglish(w)) && !strings.ContainsAny(q[toks[min(i, j)].End:toks[max(i, j)].Start], ",.;:!?")
		}
		from, to := i, i
		for from > 0 && unknown(from-1) && !possessive(toks[from-1].Text) {
			from--
		}
		for to+1 < len(toks) && !possessive(toks[to].Text) && unknown(to+1) {
			to++
		}
		return q[toks[from].Start:toks[to].Start] + trimPossessive(toks[to].Text) // "Rama's" names Rama
	}
	return ""
}

// theUSRe matches "the us", "the eu", "the uk" and "the un" as chat types
// "the US" (group 2 the initials).
var theUSRe = regexp.MustCompile(`\b([Tt]he) (us|eu|uk|un)\b`)

// auxUSRe matches "us" as the subject of a question, after its auxiliary:
// "wat did us say abt it" (group 1 the auxiliary, group 2 the word after).
var auxUSRe = regexp.MustCompile(`(?i)\b(did|does|do|has|have|had|will|would|can|could|should) us (\w+)`)

// usObject are the words after "did us" of "us" the object: "did us good",
// "do us a favour".
var usObject = setOf("a an the any no good harm wrong proud well so much more all")

// theUS writes "the us" and "did us say" as "the US" and "did US say",
// and "the eu", "the uk", "the un" so too: after "the", "us" is no pronoun, and in lower case the pipeline
// takes it for one ("what did the us say?" was told it names nothing);
// "what did the eu say?" quoted the White House, as two lower-case letters
// are no name.
func theUS(q string) string {
	q = thePMRe.ReplaceAllString(q, "${1} prime minister")
	q = auxUSRe.ReplaceAllStringFunc(q, func(m string) string { // "what did us say" asks what the US said
		w := auxUSRe.FindStringSubmatch(m)
		if usObject[strings.ToLower(w[2])] || strings.HasSuffix(w[2], "ed") || strings.HasSuffix(w[2], "ing") {
			return m
		}
		return w[1] + " US " + w[2]
	})
	return theUSRe.ReplaceAllStringFunc(q, func(m string) string {
		return m[:len(m)-2] + strings.ToUpper(m[len(m)-2:])
	})
}

// thePMRe matches "the pm" and "albania's pm" as chat types "the prime
// minister" ("who is the pm of albania" was refused: the story's "PM Rama
// said" does not say of where); "at 3 pm" is a time.
var thePMRe = regexp.MustCompile(`(?i)(\bthe|['’]s)\s+pm\b`)

func trimFor(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
