package answer

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"storybot/internal/chat"
	"storybot/internal/cite"
	"storybot/internal/textan"
)

// maxParts is how many questions of one message are answered one by one.
const maxParts = 3

// splitQuestions returns the questions of q when it asks two or three, each
// ending with a question mark and naming something to look up ("Who is Edi
// Rama? And when was the attack?"); nil otherwise.
func (p *Pipeline) splitQuestions(q string) []string {
	var parts []string
	for _, part := range strings.SplitAfter(q, "?") {
		part = strings.TrimSpace(part)
		if !strings.HasSuffix(part, "?") {
			if hasWords(part) {
				return nil // words after the last question mark: one question with a "?" inside
			}
			continue
		}
		if hasWords(part) {
			if len(parts) > 0 {
				part = withoutConnective(part) // "also when was the attack?" asks on its own
			}
			parts = append(parts, part)
		}
	}
	if len(parts) < 2 || len(parts) > maxParts {
		return nil
	}
	for i, part := range parts {
		// each names something, or (after the first) points back: "What did he say?"
		if len(strings.Fields(part)) < 2 || !p.hasTopic(part) && (i == 0 || !needsContext(part)) {
			return nil
		}
	}
	return parts
}

// clauseRe finds where a question of one question mark asks another:
// after a comma or "and", a question word or an auxiliary ("…, and where
// are they based?", "the date of the announcement and how did the PM
// announce it?"); group 1 is the question word.
var clauseRe = regexp.MustCompile(`(?i)(?:,\s*(?:and\s+|or\s+|also\s+|but\s+)?|\s+and\s+(?:also\s+)?)((?:what|who|whom|whose|when|where|why|how|which|is|are|was|were|did|does|do|has|have|had)\b)`)

// minClauseWords is how many words a message must have for splitClauses
// to split it: a short one asks one thing ("who and why?"), and its parts
// alone are short enough to look covered by a word or two (FairytaleQA's
// out-of-scope "How many people have come in contact and how many of these
// are in observation?", 15 words, was quoted from tales in its parts).
const minClauseWords = 18

// splitClauses returns the questions a long message of one question mark
// asks one after another (clauseRe), at most maxParts (the rest stays with
// the last), each with a question mark and naming something to look up
// (or pointing back, after the first); nil when it asks fewer than two.
// A message the documents do not cover as a whole may be covered in its
// parts: "Was the attack described as unprecedented or severe, and by
// whom, and what exactly was targeted - websites, databases, email?" was
// refused whole, though the report calls it unprecedented.
func (p *Pipeline) splitClauses(q string) []string {
	if strings.Count(q, "?") > 1 || len(strings.Fields(q)) < minClauseWords {
		return nil
	}
	var parts []string
	last := 0
	add := func(s string) {
		s = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ",;:?-–— "))
		if s != "" {
			parts = append(parts, textan.Capitalize(s)+"?")
		}
	}
	for _, m := range clauseRe.FindAllStringSubmatchIndex(q, -1) {
		if len(parts) == maxParts-1 {
			break
		}
		add(q[last:m[0]])
		last = m[2]
	}
	add(q[last:])
	if len(parts) > 0 && !clauseAsksRe.MatchString(parts[0]) { // "Follow up - the article says something about the embassy, what …": what it tells first is no question (the ones after open with a question word)
		parts = parts[1:]
	}
	if len(parts) < 2 {
		return nil
	}
	for i, part := range parts {
		if len(strings.Fields(part)) < 2 || !p.hasTopic(part) && (i == 0 || !needsContext(part)) {
			return nil
		}
	}
	return parts
}

// twoAsksRe is a message of one question mark that asks two questions
// of their own, each opening with a question word and its verb, joined by
// "and": "Who carried out the cyberattack and what was targeted?", "What
// did Albania decide and when did it happen?" (the first led with the
// MEK's "bombings … targeting"), "What happens next and are there
// sanctions?"; groups 1 and 2 are the questions. "who and why?", "how many
// came and how many of these stayed?" or "What made the Prince dream … and
// could understand …?" are not two.
var twoAsksRe = regexp.MustCompile(`(?i)^\W*((?:what|who|when|where|why|how|which)\s+\S.*?),?\s+and\s+((?:(?:what|who|when|where|why|how|which)\s+(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|should|happens|happened)|(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|should)\s+(?:there|it|he|she|they|we|you|i|the|a|an|this|that|these|those|his|her|their|its|any|(?-i:[A-Z])))\b[^?]*\?)\W*$`)

// splitAsks returns the two questions of a message that asks them one
// after the other (twoAsksRe), each naming something to look up or (the
// second) pointing back; nil otherwise.
func (p *Pipeline) splitAsks(q string) []string {
	m := twoAsksRe.FindStringSubmatch(q)
	if m == nil || strings.Count(q, "?") != 1 {
		return nil
	}
	parts := []string{textan.Capitalize(strings.TrimSpace(m[1])) + "?", textan.Capitalize(strings.TrimSpace(m[2]))}
	if !p.hasTopic(parts[0]) || !p.hasTopic(parts[1]) && !needsContext(parts[1]) {
		return nil
	}
	return parts
}

// clauseAsksRe matches a part of a message that asks: a question word or
// an auxiliary among its first words ("One more: what was the date …";
// "Follow up - the article says something about the embassy" does not,
// nor "Aside from firebox").
var clauseAsksRe = regexp.MustCompile(`(?i)^\W*(?:[\pL'’-]+\W+){0,8}?(?:what|who|whom|whose|when|where|why|how|which|is|are|was|were|did|does|do|has|have|had|can|could|will|would)\b`)

// connectiveRe matches the word that joins a second question to the first.
var connectiveRe = regexp.MustCompile(`(?i)^(?:and\s+also|and|also|plus|then)\b[\s,]*`)

// withoutConnective returns a question without the "and" or "also" that
// joined it to the one before; the question itself when nothing would be
// left but its question mark.
func withoutConnective(q string) string {
	if rest := connectiveRe.ReplaceAllString(q, ""); len(strings.Fields(rest)) > 1 {
		return textan.Capitalize(rest)
	}
	return q
}

// possessiveRe finds a possessive pronoun, which asks of what a question
// before named: "who is its president?".
var possessiveRe = regexp.MustCompile(`(?i)\b(?:its|their|his|her)\b`)

// msgPartNotCovered answers a part of a message of several questions that
// the documents do not cover.
const msgPartNotCovered = "I couldn't find this in the documents."

// askEach answers offline a message of several questions (splitQuestions)
// one by one, each after the ones before as a conversation (so that "What
// did he say?" after "Who is Edi Rama?" is his), under one label, each
// part headed by its question, the citations numbered through.
func (p *Pipeline) askEach(ctx context.Context, req Request, q string, parts []string, onEvent func(Event)) (Answer, error) {
	out := Answer{Question: q, Mode: ModeExtractive, Citations: []Citation{}, Warnings: []string{}}
	hist := slices.Clone(req.History)
	var b strings.Builder
	b.WriteString(extractiveLabel)
	refused := 0
	for i, part := range parts {
		var a Answer
		var err error
		if i > 0 && refused == i && possessiveRe.MatchString(part) { // "who is its president?" after "what is the capital of France?", not found: not the documents' president either
			a = Answer{Refused: true, Text: NotCoveredText}
		} else {
			a, err = p.Ask(ctx, Request{Question: part, History: hist, K: req.K}, onEvent)
		}
		var ue *UserError
		switch {
		case errors.As(err, &ue):
			a = Answer{Refused: true, Text: ue.Msg}
		case err != nil:
			return Answer{}, err
		}
		text := strings.TrimSpace(strings.TrimPrefix(a.Text, extractiveLabel))
		if a.Refused {
			refused++
			if strings.HasPrefix(text, NotCoveredText) { // once is enough: what to try instead would be said for each part
				text = msgPartNotCovered
			}
		}
		offset := len(out.Citations)
		text = cite.Replace(text, func(_ string, nums []int) string {
			for i := range nums {
				nums[i] += offset
			}
			return cite.FormatAll(nums)
		})
		for _, c := range a.Citations {
			c.N += offset
			out.Citations = append(out.Citations, c)
		}
		for _, w := range a.Warnings {
			if !slices.Contains(out.Warnings, w) {
				out.Warnings = append(out.Warnings, w)
			}
		}
		b.WriteString("\nOn “" + part + "”:\n" + text)
		hist = append(hist, chat.Message{Role: chat.RoleUser, Content: part}, chat.Message{Role: chat.RoleAssistant, Content: a.Text})
	}
	if refused == len(parts) {
		out.Refused, out.Text, out.Citations = true, NotCoveredText, []Citation{}
		return out, nil
	}
	out.Text = b.String()
	return out, nil
}

// preamble splits a message that tells something before its one question
// ("Good morning. I'm afraid I've never heard of this Mujahideen group.
// Who are they?") into the question to answer and what the message tells
// first, greetings aside ("I'm afraid I've never heard of this Mujahideen
// group."); ok is false for a message of one sentence, or of more than one
// question. A question about what it tells asks that instead: the claim
// someone reported ("my cousin said Tirana kicked out the Iranians. Is that
// true?": "Tirana kicked out the Iranians?"), the question someone asked
// ("My kid asked me why Albania and Iran stopped talking. What do I tell
// her?": "why Albania and Iran stopped talking?").
func preamble(q string) (question, told string, ok bool) {
	if strings.Count(q, "?") != 1 {
		return "", "", false
	}
	if !strings.HasSuffix(strings.TrimRightFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '?' }), "?") {
		return afterword(q)
	}
	sents := textan.Sentences(q)
	if m := chatQuestionRe.FindStringSubmatchIndex(q); len(sents) < 2 && m != nil { // chat's lower case: "… for social studies. can you summarize what happened?"
		sents = append(textan.Sentences(q[:m[2]]), textan.Sentence{Text: q[m[2]:]})
	} else if m := commaQuestionRe.FindStringSubmatchIndex(q); len(sents) < 2 && m != nil { // "hey, doing a quick radio bit on this, what's the headline in one sentence?"
		sents = []textan.Sentence{{Text: q[:m[2]]}, {Text: q[m[2]:]}}
	}
	if len(sents) < 2 {
		return "", "", false
	}
	question = strings.TrimSpace(sents[len(sents)-1].Text)
	var said []string
	for _, s := range sents[:len(sents)-1] {
		if t := strings.TrimSpace(s.Text); smallTalkKind(t) == "" {
			said = append(said, t)
		}
	}
	told = strings.Join(said, " ")
	if m := writingAboutRe.FindStringSubmatch(told); m != nil { // "i need to write a paragraph about albania and iran for social studies": its topic
		told = strings.TrimSpace(withoutFraming(m[1]))
		if loc := pronounRe.FindStringIndex(question); loc != nil { // "I'm writing an essay on the MEK. Who are they?": who the MEK are
			return question[:loc[0]] + told + question[loc[1]:], told, true
		}
	}
	if m := reportedAskRe.FindStringSubmatch(told); m != nil && tellWhatRe.MatchString(question) {
		return strings.TrimRight(m[1], " .!") + "?", told, true
	}
	if m := reportedClaimRe.FindStringSubmatch(told); m != nil && (trueAskRe.MatchString(question) || verifyAskRe.MatchString(question)) { // "Someone said the MEK camp is near Tirana airport. True or false?"
		return strings.TrimRight(m[1], " .!") + "?", told, true
	}
	if claim := quotedClaimRe.ReplaceAllString(claimLabelRe.ReplaceAllString(told, ""), "$1"); claim != "" && len(said) == 1 && (claim != told || trueAskRe.MatchString(question)) && (verifyAskRe.MatchString(question) || trueAskRe.MatchString(question)) { // and a claim in quotation marks: "'The United States promised further action against Iran.' Does the report back that up?" // "Claim: Iran admitted responsibility. True or false?": the claim, asked
		return strings.TrimRight(claim, " .!") + "?", told, true
	}
	return question, told, true
}

// afterword splits a message that asks its one question first and then
// says why, of the asker ("did the US say anything? I want a reaction
// segment": refused for "segment"), or thanks ("how does it end?
// thanks"), into the question and what it says
// after it; ok is false when more follows than one sentence of the asker's
// own ("what happened? in detail please" asks it in detail).
func afterword(q string) (question, told string, ok bool) {
	i := strings.Index(q, "?")
	question, told = strings.TrimSpace(q[:i+1]), strings.TrimSpace(q[i+1:])
	if k := smallTalkKind(told); hasWords(question) && (k == talkThanks || k == talkBye || k == talkAck) { // "how does it end? thanks" (refused for "thanks")
		return question, "", true
	}
	if sents := textan.Sentences(told); len(sents) != 1 || !hasWords(question) || !aboutMeRe.MatchString(told) || smallTalkKind(told) != "" {
		return "", "", false
	}
	return question, "", true
}

var (
	// reportedAskRe finds a question someone asked the user, group 1:
	// "my kid asked me why Albania and Iran stopped talking".
	reportedAskRe = regexp.MustCompile(`(?i)\b(?:asked|asks|wants\s+to\s+know|wanted\s+to\s+know|wonders|wondered)\s+(?:me\s+|us\s+)?((?:why|how|what|who|whom|when|where|which|whether|if)\b[^.!?]+)`)
	// tellWhatRe asks what to answer to it: "what do I tell her?", "can
	// you explain it simply?" ("My 12 year old asked me what this news is
	// about, …": refused).
	tellWhatRe = regexp.MustCompile(`(?i)^\W*(?:so\s+)?(?:(?:what|how)\s+(?:do|should|can|could|would)\s+(?:i|we)\s+(?:tell|say\s+to|answer|explain\s+to|reply\s+to|respond\s+to)\b|(?:can|could|would)\s+you\s+(?:explain|describe|tell\s+(?:me|us))\s+(?:it|this|that)\b)`)
	// reportedClaimRe finds a claim the user heard, group 1: "my cousin
	// said Tirana kicked out the Iranians".
	reportedClaimRe = regexp.MustCompile(`(?i)\b(?:said|says|told\s+me|tells\s+me|heard|read|claims|claimed|thought|believed|assumed)\s+(?:that\s+)?([^.!?]+)`)
	// chatQuestionRe finds the question that ends a message after a
	// sentence, written in lower case as in chat, group 1: "… for social
	// studies. can you summarize what happened?" (textan.Sentences takes a
	// lower-case word after a full stop to go on the sentence).
	// commaQuestionRe finds the question after a comma that ends what a
	// person says of themselves or a greeting, group 1: "hey, doing a quick
	// radio bit on this, what's the headline in one sentence?" (refused),
	// "My 12 year old asked me what this news is about, can you explain it
	// simply?" (refused);
	// not "After the attack, what did Albania do?", whose clause is the
	// question's.
	commaQuestionRe = regexp.MustCompile(`(?i)^[^?]*\b(?:hey|hi|hello|ok|okay|yo|i'm|im|i\s+am|we're|we\s+are|i\s+was|doing|working\s+on|writing|preparing|asked|asks|wants\s+to\s+know|wondered|wonders)\b[^?]*?,\s+((?:` + whWords + `|(?:can|could|would)\s+you)\b[^?]*\?)\W*$`)
	chatQuestionRe  = regexp.MustCompile(`(?i)[.!]\s+((?:` + whWords + `|can|could|would|will|do|does|did|is|are|was|were|should|has|have)\b[^.!?]*\?)\W*$`)
	// pronounRe finds a pronoun that stands for what was told.
	pronounRe = regexp.MustCompile(`(?i)\b(?:they|them|it|he|she|him|her)\b`)
	// writingAboutRe is a told sentence that says only what the user is
	// writing about, group 1: "hi i need to write a paragraph about albania
	// and iran for social studies" (its topic, not its "paragraph").
	writingAboutRe = regexp.MustCompile(`(?i)^\W*(?:(?:hi|hey|hello|ok|so)\W+)*i(?:'m|\s+am|\s+need\s+to|\s+have\s+to|\s+must|\s+want\s+to|'ve\s+got\s+to|\s+have\s+got\s+to|'m\s+going\s+to|\s+am\s+going\s+to)?\s+(?:write|writing|prepare|preparing|do|doing|make|making|give|giving)\s+(?:a|an|my|our|the|some)\s+(?:\w+\s+){0,2}?(?:paragraph|essay|report|briefing|presentation|summary|project|post|piece|article|talk|speech|assignment|homework)\s+(?:about|on)\s+(.+?)(?:\s+for\s+[^.!?]+)?[.!]*$`)
	// trueAskRe asks whether it is true: "is that true?", "is it real?",
	// "True?", "true or false?".
	trueAskRe = regexp.MustCompile(`(?i)^\W*(?:but\s+)?(?:(?:is|was)\s+(?:that|it|this)\s+(?:really\s+)?(?:true|right|correct|real|so|accurate)\b|(?:true|right|correct|accurate|legit)(?:\s+or\s+(?:false|not|wrong))?\W*$)`)
	// quotedClaimRe is a statement given to check in quotation marks, group
	// 1 the statement.
	quotedClaimRe = regexp.MustCompile(`^\s*["“'‘]\s*(.+?)\s*["”'’]\s*$`)
	// claimLabelRe labels a statement given to check: "Claim: ",
	// "Fact check: ".
	claimLabelRe = regexp.MustCompile(`(?i)^\W*(?:claim|fact[\s-]*check|statement|rumou?r)\s*\d*\s*:\s*`)
	// verifyAskRe asks to check what was told, as a fact-checker does:
	// "True or false according to the report?", "Confirm?", "Is that
	// supported?", "Does the report confirm the date?" (trueAskRe's
	// questions too).
	verifyAskRe = regexp.MustCompile(`(?i)^\W*(?:(?:is|was)\s+(?:that|it|this)\s+(?:really\s+)?(?:true|right|correct|real|so|accurate|supported|confirmed|backed\s+up)\b|true\s+or\s+(?:false|not)\b|(?:can\s+you\s+)?(?:confirm|verify)\b|(?:does|do|can)\s+(?:the\s+(?:report|article|story|text|document|piece)|it|you|they)\s+(?:confirm|support|back\s+(?:it\s+|that\s+)?up|verify|say\s+so)\b|(?:right|correct|accurate)\W*$)`)
)
