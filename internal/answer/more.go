package answer

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"storybot/internal/chat"
	"storybot/internal/search"
	"storybot/internal/textan"
)

// Follow-ups that name nothing but ask the bot to go on:
//   - "Tell me more", "anything else?", "go on" (moreWords) go on with the
//     last question's topic, passing over the sentences already quoted, so
//     the answer is not the last one again;
//   - "And then?", "What happened next?", "what happened after that?"
//     (nextWords) go on with the story: offline, the sentences that follow
//     the last answer's first quote in the text.

// moreWords and nextWords, as typed, lower-cased.
const (
	moreWords = `more else continue elaborate expand detail details further`
	nextWords = `then next after afterwards afterward later`
)

// outcomeAskRe asks how what the last answer told turned out: "did it
// work?", "did he succeed?", "so what came of it?". The story tells it
// next, as after "and then?" (the plan's words answered "did it work?"
// after "what was his plan?" with the plan again); so do "did she do
// it?", "did he obey?", "did they agree?" after what someone was told.
var outcomeAskRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|but\s+)?(?:(?:did|does|would)\s+(?:it|that|this|the\s+plan|the\s+trick|they|he|she)\s+(?:work|succeed|come\s+off|pay\s+off)|(?:did|does)\s+(?:he|she|they)\s+(?:do\s+(?:it|that|so|as\s+(?:he|she|they)\s+(?:was|were)\s+told)|manage|make\s+it|obey|listen|agree|say\s+yes|go)|what\s+came\s+of\s+(?:it|that|this))\W*$`)

// replyAskRe asks what someone said back to what the last answer quoted:
// "what did Letiko say back?", "what did she reply?", "and what did he
// answer?". The reply is the first quotation after the last answer's lead
// (replySentences).
var replyAskRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|then\s+)?what\s+did\s+(?:\S+\s+){1,3}?(?:say\s+back|reply|answer|respond|say\s+to\s+that|say\s+to\s+this)\W*$|^\W*(?:and\s+)?(?:what\s+was\s+)?the\s+(?:reply|answer|response)\W*$`)

// replySentences answers a replyAskRe follow-up offline: the first
// sentence after the one the last answer led with (afterLead) that opens a
// quotation, within replyWindow sentences, and the one after it when it
// goes on with it (a speech tag: "'Oh! my shoes are much finer than
// yours.'"); none when no quotation comes so soon.
func replySentences(passages []*sourcePassage) []*candidate {
	after := afterLead(passages)
	for i, c := range after[:min(len(after), replyWindow)] {
		if text := oneLine(c.text()); opensQuotationRe.MatchString(text) || repliesRe.MatchString(text) { // "'Oh! my shoes …'", "She answered, "I will tell you my dream.""
			if i+1 < len(after) && continuesRe.MatchString(oneLine(after[i+1].text())) {
				return after[i : i+2]
			}
			return after[i : i+1]
		}
	}
	return nil
}

// replyWindow is how many sentences after the last answer's lead a reply
// may stand.
const replyWindow = 4

// whatWereTheyRe asks what the things the last answer told of were: "what
// were they?", "what was it?". A story says it next ("a whole flock of
// beautiful great birds rose out of the bushes. … They were swans"), as
// after "and then?": it quoted the birds' flight again.
var whatWereTheyRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|but\s+)?what\s+(?:was|were|is|are)\s+(?:it|they|those|these|that)(?:\s+things?)?\W*$`)

// asksOn reports whether q, as typed, names nothing and holds one of words.
func (p *Pipeline) asksOn(q string, words map[string]bool) bool {
	return !p.hasTopic(q) && holdsWord(q, words)
}

// MsgMoreDone answers "Tell me more" offline once the passages about the
// topic have all been quoted; MsgNextDone answers "And then?" after the
// last sentence of a document.
const (
	MsgMoreDone = "That is all I can quote about it. Ask about something else, or use /summary for an overview."
	MsgNextDone = "That is where the document ends: nothing comes after the last answer's quote."
)

// continuation returns, for "And then?" after an answer that quoted a
// document (lastQuote), the passage that holds the quote and the two after
// it; none when no document holds it (a model's answer in its own words).
func (p *Pipeline) continuation(history []chat.Message) (hits []search.Hit, lead string) {
	lead = lastQuote(history)
	if lead == "" || p.opts.Documents == nil {
		return nil, ""
	}
	want := oneLine(lead)
	for _, d := range p.opts.Documents() {
		for i := range d.Passages {
			if !strings.Contains(oneLine(SourceRefs(d.Passages[i].Text)), want) {
				continue
			}
			for j := i; j < min(i+3, len(d.Passages)); j++ {
				hits = append(hits, search.Hit{Passage: &d.Passages[j], Score: 1, Match: 1})
			}
			return hits, lead
		}
	}
	return nil, ""
}

// sequelAskRe is a follow-up with a topic that asks what came after the
// last answer: "what did Ali Baba do after that?", "where did he go
// next?", "what did she do then?", and what someone did about what it
// told ("what did the Sunball do about it?"). (With no topic, "and
// then?", it is continuation's.)
var sequelAskRe = regexp.MustCompile(`(?i)\b(?:after\s+(?:that|this)|afterwards?|then|next|later|do\s+about\s+(?:it|that|this))\W*$`)

// atThatTimeRe is a question whose "then" is "at that time": "who was
// president then?" asks who was president when the last answer's events
// were, not what came after them.
var atThatTimeRe = regexp.MustCompile(`(?i)^\W*(?:who|what|which|where|how\s+\w+)\s+(?:was|were|is|are)\s+(?:\w+\s+){0,4}then\W*$`)

// asksSequel reports whether q asks what came after the last answer
// (sequelAskRe; not atThatTimeRe).
func asksSequel(q string) bool {
	return sequelAskRe.MatchString(q) && !atThatTimeRe.MatchString(q)
}

// futureOfReport reports whether q asks what will come (comingAskRe) of a
// dated document the last answer quoted: a report tells it where it says
// what will be ("The United States will take further action"), not after
// the last quote ("what will they do next?" said "That is where the
// document ends"). A tale's "what will he do next?" is what it tells next.
// from is what continuation found of the last answer.
func (p *Pipeline) futureOfReport(q string, from []search.Hit) bool {
	if !comingAskRe.MatchString(q) || len(from) == 0 {
		return false
	}
	d := p.document(from[0].Passage.Doc)
	return d != nil && d.Date != ""
}

// sequelPassages is how many passages after the last answer's lead a
// sequel question is answered from: the nearest ones ("after that" is
// soon after; the story's end was quoted).
const sequelPassages = 2

// sequel keeps, of hits, the passages of the document the last answer
// quoted (lastQuote) from the one that holds its lead on, the nearest
// sequelPassages in the order of the text, so that a
// follow-up asking what came after it ("what did Ali Baba do after
// that?") is answered from what the story tells later (it quoted the
// story's opening); before maps the lead's passage to its text up to the
// lead, which is not quoted again. hits unchanged, and no before, when no
// passage is left or the last answer quoted none.
func (p *Pipeline) sequel(q string, history []chat.Message, hits []search.Hit) (later []search.Hit, before map[string]string) {
	if hedged(lastTurn(history)) { // "what did she do after that?" after "I found no number …": the nearest sentence quoted is no "that"
		return hits, nil
	}
	from, lead := p.continuation(history)
	if len(from) == 0 || goesBack(from[0].Passage.Text, lead) { // a report's dates, not its order, tell what came after: "ever since 2014" is followed by 1981
		return hits, nil
	}
	if p.futureOfReport(q, from) {
		return hits, nil
	}
	at := from[0].Passage
	for _, h := range hits {
		if h.Passage.Doc == at.Doc && h.Passage.StartLine >= at.StartLine {
			later = append(later, h)
		}
	}
	if len(later) == 0 {
		return hits, nil
	}
	slices.SortStableFunc(later, func(a, b search.Hit) int { return cmp.Compare(a.Passage.StartLine, b.Passage.StartLine) })
	later = later[:min(len(later), sequelPassages)] // what comes next, not the end
	text, rest := oneLine(SourceRefs(at.Text)), []string{}
	if i := strings.Index(text, oneLine(lead)); i >= 0 {
		before = map[string]string{at.ID: "\n" + text[:i+len(oneLine(lead))]}
		text = text[i+len(oneLine(lead)):]
	}
	for _, h := range later {
		if h.Passage.ID == at.ID {
			rest = append(rest, text)
		} else {
			rest = append(rest, h.Passage.Text)
		}
	}
	// "was there data leaking afterwards?" asks whether something came
	// after, and the report told it before the last answer; "how long did
	// he stay eating afterwards?" asks what came next ("feasted … all of
	// Christmas week")
	if topics := p.topicTerms(q); len(topics) > 0 && yesNoRe.MatchString(q) && !p.holdsAny(topics, rest) {
		return hits, nil
	}
	return later, before
}

// yesNoRe is a question that asks yes or no: "was there …?", "did he …?".
var yesNoRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|but\s+)?(?:is|are|was|were|did|do|does|can|could|will|would|has|have|had)\b`)

// holdsAny reports whether any of texts holds one of the terms.
func (p *Pipeline) holdsAny(terms, texts []string) bool {
	for _, text := range texts {
		has := setOf(strings.Join(p.an.Terms(text), " "))
		if slices.ContainsFunc(terms, func(t string) bool { return has[t] }) {
			return true
		}
	}
	return false
}

// goesBack reports whether text, after the lead it holds, names a year
// before the last the lead names (yearMentionRe): the report turns back in
// time there ("ever since 2014 …" is followed by "by 1981"), so its order
// is not what came after. After "in June 1981 organized the … protests"
// it goes on in 1981: "The MEK responded by declaring war" (its "1000
// arrested" is no year).
func goesBack(text, lead string) bool {
	last := ""
	for _, m := range yearMentionRe.FindAllStringSubmatch(lead, -1) {
		last = max(last, m[1])
	}
	flat := oneLine(SourceRefs(text))
	i := strings.Index(flat, oneLine(lead))
	if last == "" || i < 0 {
		return false
	}
	for _, m := range yearMentionRe.FindAllStringSubmatch(flat[i+len(oneLine(lead)):], -1) {
		if m[1] < last {
			return true
		}
	}
	return false
}

// yearMentionRe matches a year as a text dates by it: after a month or a
// preposition of time ("in June 1981", "by 1981", "since 2014"), not a
// number of four digits ("1000 arrested").
var yearMentionRe = regexp.MustCompile(`(?i)\b(?:(?:in|by|since|from|until|till|before|after|during|of)\s+(?:(?:early|late|mid)[\s-]+)?|(?:` + months + `)\s+(?:\d{1,2},?\s+)?)(1\d{3}|20\d\d)\b`)

// oneLine is s with its runs of white space made one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// saidBefore reports whether the sentence s was quoted in said (the
// answers before, see sourcePassage.said).
func saidBefore(said string, s textan.Sentence) bool {
	return said != "" && strings.Contains(oneLine(said), oneLine(SourceRefs(s.Text)))
}

// nextSentences answers "And then?" offline (see continuation): the first
// two sentences after the one the last answer led with (afterLead) that
// the last answer did not quote, in the order of the text.
func nextSentences(passages []*sourcePassage) []*candidate {
	after := slices.DeleteFunc(afterLead(passages), func(c *candidate) bool { return saidBefore(c.sp.said, c.sent) })
	n, words := 0, 0
	for n < len(after) && n < maxNext && (n < 2 || words < nextLength) {
		words += len(strings.Fields(after[n].sent.Text))
		n++
	}
	return after[:n]
}

// nextLength and maxNext bound what follows the last answer ("and then?"):
// two sentences, or more up to nextLength words when they are short, at
// most maxNext. A tale's greetings ("Good-day, pancake," said the man.
// "Good-day, Man Tan," said the pancake.) told nothing that happened next,
// the pancake rolling on "until it met a hen".
const (
	nextLength = 40
	maxNext    = 4
)

// afterLead returns the sentences of passages after the one the last
// answer led with (passages[0].after), in the order of the text.
func afterLead(passages []*sourcePassage) []*candidate {
	lead := oneLine(passages[0].after)
	var out []*candidate
	past := false
	for rank, sp := range passages {
		for i, s := range textan.Sentences(sp.Hit.Passage.Text) {
			if past {
				out = append(out, &candidate{sp: sp, rank: rank, sent: s, idx: i})
			} else {
				text := oneLine(SourceRefs(s.Text))
				past = strings.Contains(text, lead) || strings.Contains(lead, text)
			}
		}
	}
	return out
}

// goOn sets what every passage's answer passes over and goes on after
// (sourcePassage.said, .after).
func goOn(passages []*sourcePassage, said, after string) {
	for _, sp := range passages {
		sp.said, sp.after = said, after
	}
}

// lastTurn returns the last message of history (none when it is empty).
func lastTurn(history []chat.Message) []chat.Message { return history[max(0, len(history)-1):] }

// answersIn returns the text of the answers in history, one a line.
func answersIn(history []chat.Message) string {
	var b strings.Builder
	for _, m := range history {
		if m.Role == chat.RoleAssistant {
			b.WriteString(m.Content + "\n")
		}
	}
	return b.String()
}
