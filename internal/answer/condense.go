package answer

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"storybot/internal/chat"
	"storybot/internal/cite"
	"storybot/internal/textan"
)

// HistoryMessages is how many earlier messages (questions and answers) a
// follow-up is read with: the Discord adapter fetches this many of a
// thread, the console keeps as many, and condense looks at no more. (The
// console kept six and condense six, so that a long chain of follow-ups
// was read otherwise in the terminal than in Discord.)
const HistoryMessages = 10

// condense turns a follow-up into a standalone question. A question that
// does not need the conversation (see needsContext) is returned as it is,
// with no model call. A follow-up goes through the model when there is one (falling back to the offline rule when it fails), else by
// the offline rule (see CondenseOffline). resolved is q with its "he" or
// "she" put as the person it stands for when the offline rule made
// standalone, else q. down reports that the model was unavailable (an
// error wrapping chat.ErrUnavailable).
func (p *Pipeline) condense(ctx context.Context, q string, history []chat.Message, usage *chat.Usage) (standalone, resolved string, down bool) {
	if !needsContext(p.withNames(q)) {
		return q, q, false
	}
	if len(history) > HistoryMessages {
		history = history[len(history)-HistoryMessages:]
	}
	offline, resolved, _ := condenseOffline(p.an, q, p.namedHistory(history))
	if p.opts.Model == nil {
		return offline, resolved, false
	}
	standalone, down = p.condenseWithModel(ctx, q, history, offline, usage)
	if standalone == offline {
		return offline, resolved, down
	}
	return standalone, q, down
}

// condenseWithModel asks the model for q as a standalone question,
// returning offline when it fails or declines.
func (p *Pipeline) condenseWithModel(ctx context.Context, q string, history []chat.Message, offline string, usage *chat.Usage) (standalone string, down bool) {
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

// namedHistory returns history with its questions' names capitalised
// (withNames), so that "he" after "who is edi rama?" stands for "Edi Rama"
// (antecedent), not for the deity WordNet knows as "rama".
func (p *Pipeline) namedHistory(history []chat.Message) []chat.Message {
	out := slices.Clone(history)
	for i, m := range out {
		if m.Role == chat.RoleUser {
			out[i].Content = p.withNames(m.Content)
		}
	}
	return out
}

// withNames returns q with the words the documents write as names
// capitalised, so that a short question typed in lower case that names
// something ("who attacked albania?") is asked on its own, as "who
// attacked Albania?" is (needsContext), not taken for a follow-up.
func (p *Pipeline) withNames(q string) string {
	if p.opts.Speller == nil {
		return q
	}
	var b strings.Builder
	last := 0
	textan.Tokenize(q, func(t textan.Token) {
		if !textan.Capitalized(t.Text) && p.opts.Speller.IsName(t.Text) {
			b.WriteString(q[last:t.Start])
			b.WriteString(textan.Capitalize(t.Text))
			last = t.End
		}
	})
	b.WriteString(q[last:])
	return b.String()
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

// CondenseOffline is the rule used without a model: when q needs the
// conversation (see needsContext: it starts with "and", "what about"...,
// refers back with "they", "it", "that"... to nothing in q, or is very
// short), the content words of the last user question that q lacks (small
// talk such as "thanks" is passed over) are appended to it, so "and who helped
// them recover?" after a question about the cyberattack on Albania searches
// for "and who helped them recover? cyber attack Albania". A "he" or "she"
// takes the place of the one person that question names first, as a model
// would write it ("is she dead?" after "why does grandmother cry?" asks "is
// grandmother dead?": a sentence that says "Grandmother is dead now" holds
// the question's words in its order). Otherwise q is returned as it is.
func CondenseOffline(an *textan.Analyzer, q string, history []chat.Message) string {
	standalone, _, _ := condenseOffline(an, q, history)
	return standalone
}

// condenseOffline is CondenseOffline, and q with its "he" or "she" put as
// the person it stands for (resolved: q itself when it has none), and that
// person when q speaks of one as "he", "him", "she" or "her" (person).
// A pronoun of the question before of the same gender stood for the same
// person ("what did he ride on?" after "why do they call him the old
// child?" after "who is Laotsze?" asks what Laotsze rode, not the old
// child, whom the question before named first).
func condenseOffline(an *textan.Analyzer, q string, history []chat.Message) (standalone, resolved, person string) {
	if !needsContext(q) {
		return q, q, ""
	}
	var last, earlier, asked string // earlier: the person the question before's pronoun stood for; asked: that question as it was understood
	g := pronounGender(q)
	same := false // the question before speaks of someone as q does ("he" and "him")
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].Role != chat.RoleUser {
			continue
		}
		// as it was asked ("ok, what is the MEK?" asked about the MEK); not a
		// question refused, whose answer said nothing "that" can stand for
		// ("why did they do that?" after "what's the capital of albania?"),
		// when one before it was answered; alone, a question refused still
		// says whom "he" is ("where did he go?" after "why did he quit
		// working for the emperor?", refused)
		c := cleanQuestion(history[i].Content)
		refused := refusedAt(history, i+1) && answeredBefore(history[:i])
		if c != "" && smallTalkKind(c) == "" && !wholeSummaryAsked(an, c) && !(refused && (whyThatRe.MatchString(q) || pointsAtAnswer(q))) {
			// the earlier question as it was understood: a follow-up
			// with no topic of its own ("and how many came?") takes its
			// own context first; one with a topic ("what happened to her
			// children?") stands for itself with only the names of its
			// context ("how many died?" after a question about the MEK
			// keeps "MEK"), so the words of older questions do not pile
			// up over a thread
			var resolved string
			last, resolved, earlier = condenseOffline(an, c, history[:i])
			if refused { // its words found nothing: only its names go on ("what do they want now?" after "did the MEK use violence?", refused, asks about the MEK, not violence)
				if last = strings.Join(names(last), " "); last == "" {
					continue // no names: the question before it says what "they" are
				}
				resolved = last
			}
			asked = resolved
			same = g != "" && g == pronounGender(c)
			sameIt := hasIt(q) && hasIt(c) // "who announced it?" after "what date did they announce it?": the same "it"
			if ownTopic(an, c) && last != resolved && !sameIt {
				last = resolved + " " + strings.Join(names(strings.TrimPrefix(last, resolved)), " ")
			}
			break
		}
	}
	if m := aboutWhatRe.FindStringSubmatch(last); m != nil && whenWasItRe.MatchString(q) { // "when was it?" after "what did he say about the attack?": the attack, not what he said
		return q + " " + m[1], q, ""
	}
	if mainCharacterRe.MatchString(last) && hasPronoun(q) { // "why did he go there?" after "who is the main character?": the one the answer named, not "the main character" again
		lead := lastLead(history)
		last = leadWords(lead, quoteContextWords)
		var named []string
		textan.Names(lead, func(t textan.Token, name bool) {
			if name {
				named = append(named, t.Text)
			}
		})
		if len(named) > 0 {
			last = strings.Join(named, " ")
		}
	} else if who := answeredWho(an, last, history); g != "" && who != "" { // "does she give credit?" after "who runs the other shop?": the one the answer named ("Tabitha Twitchit kept the only other shop")
		last = who
	} else if pointsAtAnswer(q) || (hasPronoun(q) || whyThatRe.MatchString(q) || bareAskRe.MatchString(q)) && strings.TrimSpace(last) != "" && !ownTopic(an, last) { // "who did it?", "why?", "when?" after "what happened?": the answer is its topic
		last += " " + leadWords(lastLead(history), quoteContextWords)
	}
	if strings.TrimSpace(last) == "" {
		return q, q, ""
	}
	if noun := oneOf(last); noun != "" && standsForOne(q) && ordinalRe.MatchString(q) { // "what came out of the first one?" after "what rooms wasn't she allowed in?": the first room (but "the other one" may be a "flask" of the "bottles" asked about)
		q = oneRe.ReplaceAllString(q, "${1}"+noun)
	}
	if other := asksAbout(q); other != "" { // "and Barbaik?" after "what happened to Jegu in the end?"
		if o, a := ordinalRe.FindString(other), ordinalRe.FindStringIndex(asked); o != "" && a != nil { // "and the third?" after "what armor did he get the first time?": the third time
			swapped := asked[:a[0]] + strings.ToLower(o) + asked[a[1]:]
			return swapped, swapped, ""
		}
		if subject := subjectOf(asked); subject != "" {
			swapped := strings.Replace(asked, subject, other, 1)
			return swapped, swapped, ""
		}
	}
	switch {
	case same && earlier != "":
		person = earlier
	case personAsked(last):
		person = antecedent(last) // "is she dead?" after "why does grandmother cry?": "is grandmother dead?"
	}
	// q's "he" or "she" put as the person, and a topic of its own ("what did
	// he ride on?"): it asks about the person, not about what the question
	// before asked ("what did Laotsze ride on? Old Child" led with "The Old
	// Child"); "where did she go?", "why did she do it?" take its words
	named := false
	if person != "" {
		r := ownPronouns(q, person)
		named, q = r != q && ownTopic(an, strings.Replace(r, person, "", 1)), r
	}
	if g == "" { // only a pronoun hands the person on to the question after
		person = ""
	}
	have := map[string]bool{}
	for _, t := range an.Terms(q) {
		have[t] = true
	}
	var add []string
	define := questionType(last) == qDefine // its "stand" ("what does MEK stand for?") is no topic
	now := askedNow.MatchString(q)          // "what do they want today?" after "what happened to them in 1981?"
	kind := kindNouns(last)                 // "who announced it?" after "what date did they announce it?" asks no date
	an.Each(last, func(term string, tok textan.Token) {
		if now && (yearRe.MatchString(tok.Text) || monthRe.MatchString(tok.Text)) || kind[strings.ToLower(tok.Text)] {
			return // not the time the question before asked about, nor its asking
		}
		if !have[term] && !(define && frameTerms()[term]) && !named {
			have[term] = true
			add = append(add, tok.Text)
		}
	})
	if len(add) == 0 {
		return q, q, person
	}
	return q + " " + strings.Join(add, " "), q, person
}

// wholeSummaryAsked reports whether q asked for a summary of the whole
// ("Give me the short version."): it hands no topic on ("What happened
// first?" after it was asked about "short version" and refused).
func wholeSummaryAsked(an *textan.Analyzer, q string) bool {
	return summaryWordsRe.MatchString(q) && !ownTopic(an, summaryWordsRe.ReplaceAllString(q, " "))
}

// refusedAt reports whether history[i] is an answer that found nothing
// (NotCoveredText, msgUnknownNameFm).
func refusedAt(history []chat.Message, i int) bool {
	return answerOpens(history, i, NotCoveredText, msgUnknownNameFm[:strings.Index(msgUnknownNameFm, "%")])
}

// hedged reports whether the last of history is an answer that found no
// sentence that answers, and quoted the nearest (MsgNearest, MsgNoCount,
// MsgNoName).
func hedged(history []chat.Message) bool {
	return answerOpens(history, len(history)-1, MsgNearest, MsgNoCount, MsgNoName)
}

// answerOpens reports whether history[i] is an answer that opens with one
// of openings.
func answerOpens(history []chat.Message, i int, openings ...string) bool {
	if i < 0 || i >= len(history) || history[i].Role != chat.RoleAssistant {
		return false
	}
	s := strings.TrimSpace(history[i].Content)
	return slices.ContainsFunc(openings, func(o string) bool { return strings.HasPrefix(s, o) })
}

// oneRe matches the "one" that stands for a thing of many named before,
// after the word that picks it: "the first one", "the other one", "which
// one". Group 1 is what stands before "one".
var oneRe = regexp.MustCompile(`(?i)\b((?:the|that|this|which)\s+(?:(?:first|second|third|fourth|fifth|last|next|other|big|bigger|biggest|small|smaller|smallest|old|older|oldest|young|younger|youngest)\s+)?)one\b`)

// standsForOne reports whether q's "one" stands for a thing named before
// (oneRe), not for one of those it names ("which one of the brothers").
func standsForOne(q string) bool {
	return oneRe.MatchString(q) && !oneOfRe.MatchString(q)
}

// oneOfRe is "one of".
var oneOfRe = regexp.MustCompile(`(?i)\bone\s+of\b`)

// oneOf returns, in the singular, the first plural noun of the question q
// ("rooms" of "what rooms wasn't the girl allowed in?": "room"), or "".
func oneOf(q string) string {
	for _, w := range questionWords(q) {
		lw := strings.ToLower(w)
		if len(lw) < 4 || !strings.HasSuffix(lw, "s") || !plural(lw) || textan.IsStop(lw) || !textan.IsEnglish(lw) || textan.Capitalized(w) {
			continue
		}
		switch {
		case strings.HasSuffix(lw, "ies"):
			return lw[:len(lw)-3] + "y"
		case strings.HasSuffix(lw, "ches") || strings.HasSuffix(lw, "shes") || strings.HasSuffix(lw, "xes") || strings.HasSuffix(lw, "sses"):
			return lw[:len(lw)-2]
		}
		return lw[:len(lw)-1]
	}
	return ""
}

// whenWasItRe asks when or where "it" was, or happened; aboutWhatRe
// finds what a question asks about, at its end ("… about the attack?"):
// what "it" stands for.
var (
	whenWasItRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|ok\s+)?(?:when|where)\s+(?:was|is|did)\s+(?:it|that|this)(?:\s+happen)?\W*$`)
	aboutWhatRe = regexp.MustCompile(`(?i)\b(?:about|of|on)\s+((?:the|a|an|this|that|their|his|her)\s+[\pL'’-]+(?:\s+[\pL'’-]+)?)\W*$`)
)

// whenThatRe matches a question when the last answer's event was: "when
// did that happen?", "and when was this?", "when?".
var whenThatRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|but\s+|ok\s+)?when(?:\s+(?:was|is|did|does|were)\s+(?:that|this)(?:\s+happen)?)?\W*$`)

// bareAskRe matches a follow-up that is a question word alone: "when?",
// "and where?", "who?", "how?". It asks about what the last answer said.
var bareAskRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|but\s+|ok\s+)?(?:when|where|who|how)\W*$`)

// answeredBefore reports whether history holds an answer that was not
// refused (refusedAt).
func answeredBefore(history []chat.Message) bool {
	for i, m := range history {
		if m.Role == chat.RoleAssistant && !refusedAt(history, i) {
			return true
		}
	}
	return false
}

// ordinalRe finds the word that says which of a story's repeated rounds
// a question asks about ("the first time", "the second night").
var ordinalRe = regexp.MustCompile(`(?i)\b(?:first|second|third|fourth|fifth|sixth|seventh|last|next)\b`)

// aboutRe matches a follow-up that names only what it now asks about:
// "and Barbaik?", "what about the queen?", "how about Iran?". Group 1 is
// what.
var aboutRe = regexp.MustCompile(`(?i)^\W*(?:and|but|so|what\s+about|how\s+about)\s+((?:the\s+)?[\pL'’-]+(?:\s+[\pL'’-]+){0,2})\W*$`)

// asksAbout returns what a follow-up of aboutRe names ("Barbaik", "the
// queen"), or "" for another question, or one that names nothing: "and
// then?", "what about it?", "and why?".
func asksAbout(q string) string {
	m := aboutRe.FindStringSubmatch(q)
	if m == nil {
		return ""
	}
	for _, w := range questionWords(m[1]) {
		lw := strings.ToLower(w)
		if referring[lw] || questionWordsSet[lw] || lw != "the" && textan.IsStop(lw) {
			return ""
		}
	}
	return m[1]
}

// questionWordsSet are the words that ask: a follow-up of aboutRe made of
// them asks no one ("and why?").
var questionWordsSet = setOf("who whom whose what which why when where how else more next again")

// subjectOf returns whom or what the question q is about, to be swapped
// for the one a follow-up of aboutRe names: what it ends asking of, one
// word after "is" or "was" ("ginger" of "what kind of animal is ginger?",
// "the king" of "how old was the king?"; not "animal", the kind asked),
// else the person it names first
// (antecedent: "Jegu" of "what happened to Jegu in the end?"), else its
// first name written with a capital that is not its first word ("Iran"
// of "what did Iran do?"), else its last creature after an article, one
// or many ("the lions"); or "".
func subjectOf(q string) string {
	if m := copulaSubjectRe.FindStringSubmatch(q); m != nil && !textan.IsStop(strings.ToLower(m[2])) && !verbForm(strings.ToLower(m[2])) {
		return m[1]
	}
	if person := antecedent(q); person != "" && strings.Contains(q, person) {
		return person
	}
	words := questionWords(q)
	for i, w := range words {
		if i > 0 && textan.Capitalized(w) && w != strings.ToUpper(w) || i > 0 && len(w) > 1 && w == strings.ToUpper(w) {
			return w
		}
	}
	for i := len(words) - 1; i > 0; i-- { // "the lions" of "what was attacking the lions?", for "what about the doves?"
		if lw := strings.ToLower(words[i]); articles[strings.ToLower(words[i-1])] && textan.IsCreature(lw) && !verbForm(lw) {
			return words[i-1] + " " + words[i]
		}
	}
	return ""
}

// answeredWho returns, when the question before (last) asked who did
// something ("who runs the other shop?", "who killed the giant?"; not
// "who is the old woman?"), the first name its answer led with, or "";
// "" too when that question holds the name ("who put out Per's fire?":
// "he" may be Per, or whoever put it out).
func answeredWho(an *textan.Analyzer, last string, history []chat.Message) string {
	words := questionWords(last)
	if len(words) < 2 || !strings.EqualFold(words[0], "who") || beVerbs[strings.ToLower(words[1])] {
		return ""
	}
	var toks []string
	var named []bool
	textan.Names(quotedRe.ReplaceAllString(lastLead(history), " "), func(t textan.Token, isName bool) { // the speaker, not whom a quotation names ("“… the Islamic Republic of Iran,” … Edi Rama declared")
		toks, named = append(toks, t.Text), append(named, isName)
	})
	placed := func(w string) bool { k := textan.NameKind(w); return k == textan.NamePlace || k == textan.NameGroup }
	for i := range toks { // the first name of a person, a title before it left out: "Tabitha Twitchit" (its first word, opening the sentence, no name WordNet knows), "Edi Rama" of "Albanian Prime Minister Edi Rama"
		if !named[i] || placed(toks[i]) || titleWords[strings.ToLower(toks[i])] {
			continue
		}
		from, to := i, i+1
		for from > 0 && textan.Capitalized(toks[from-1]) && !textan.IsStop(strings.ToLower(toks[from-1])) && textan.NameKind(toks[from-1]) == "" && !titleWords[strings.ToLower(toks[from-1])] {
			from--
		}
		for to < len(toks) && named[to] {
			to++
		}
		asked := setOf(strings.Join(an.Terms(last), " "))
		if slices.ContainsFunc(an.Terms(strings.Join(toks[i:to], " ")), func(t string) bool { return asked[t] }) { // the name, not "Albanian" before it
			return ""
		}
		return strings.Join(toks[from:to], " ")
	}
	return ""
}

// quotedRe is a quotation in double quotes.
var quotedRe = regexp.MustCompile(`“[^”]*”|"[^"]*"`)

// copulaSubjectRe matches a question that ends with what it asks of:
// "is" or "was", then one word, with an article or not (group 1; group 2
// the word). "why was the king angry?" ends with no subject.
var copulaSubjectRe = regexp.MustCompile(`(?i)\b(?:is|was|are|were)\s+((?:(?:the|a|an|his|her|their|its)\s+)?([\pL'’-]+))\W*$`)

// verbForm reports whether the lower-case w is a verb's -ing or -ed form
// of an English word ("attacking"), not a noun that ends so ("king",
// "duckling").
func verbForm(w string) bool {
	for _, end := range [...]string{"ing", "ed"} {
		if base, ok := strings.CutSuffix(w, end); ok && len(base) > 2 && textan.IsEnglish(base) {
			return true
		}
	}
	return false
}

// pronounGender returns "m" when q speaks of someone as "he", "him" or
// "his", "f" as "she" or "her", else "" (both, or neither).
func pronounGender(q string) string {
	m, f := false, false
	for _, w := range questionWords(q) {
		switch strings.ToLower(w) {
		case "he", "him", "his", "himself":
			m = true
		case "she", "her", "hers", "herself":
			f = true
		}
	}
	switch {
	case m && !f:
		return "m"
	case f && !m:
		return "f"
	}
	return ""
}

// antecedent returns the person a "he" or "she" of the question after q
// most likely stands for: the first that q names, by a name written with a
// capital (not q's first word, nor a place, a group or an acronym) or by a
// word for one person or animal (textan.IsCreature; the daughter of "the
// king's daughter"), with its article and up to two words between ("the
// old woman", "the king's daughter"); or "".
func antecedent(q string) string {
	words := questionWords(q)
	for i, w := range words {
		if run := capitalRun(words[i:]); i > 0 && run > 0 {
			return strings.Join(words[i:i+run], " ")
		}
		lw := strings.ToLower(w)
		if referring[lw] || textan.IsStop(lw) || plural(lw) || strings.ContainsAny(lw, "'’") || !textan.IsCreature(lw) || verbForm(lw) {
			continue
		}
		from := i
		for j := i; j > 0 && j > i-3; j-- {
			prev := strings.ToLower(words[j-1])
			if articles[prev] {
				from = j - 1
				break
			}
			if textan.IsStop(prev) {
				break
			}
		}
		return strings.Join(words[from:i+1], " ")
	}
	return ""
}

// articles stand before a person's noun and go with it ("the king").
var articles = setOf("the a an this that")

// capitalRun returns how many words open words as one name of a person or
// a character ("Edi Rama", "Mrs Tabitha"), or 0: each written with a
// capital and no acronym, the name no place or group WordNet knows.
func capitalRun(words []string) int {
	n := 0
	for n < len(words) && textan.Capitalized(words[n]) && words[n] != strings.ToUpper(words[n]) && !referring[strings.ToLower(words[n])] {
		n++
	}
	for _, w := range words[:n] {
		if k := textan.NameKind(w); k == textan.NamePlace || k == textan.NameGroup {
			return 0
		}
	}
	return n
}

// plural reports whether the lower-cased noun w names more than one ("the
// children", "wolves"), which "he" or "she" does not stand for.
func plural(w string) bool {
	return pluralNouns[w] || strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us")
}

var pluralNouns = setOf("people men women children folk folks geese mice")

// ownPronouns returns q with its one "he" or "she" put as person. A
// question with two of them, or one with "him", "his" or "her" too ("what
// did he give her?") may speak of two people: it is returned as it is; so
// is one whose "he" or "she" is no subject ("what happened to his
// clothes?" weighed "Tom Kitten" over the clothes, whom every sentence
// names).
func ownPronouns(q, person string) string {
	var found []textan.Token
	subject := false
	textan.Tokenize(q, func(t textan.Token) {
		switch w := strings.ToLower(t.Text); w {
		case "he", "she", "him", "his", "her", "hers":
			found = append(found, t)
			subject = w == "he" || w == "she"
		}
	})
	if len(found) != 1 || !subject {
		return q
	}
	return q[:found[0].Start] + person + q[found[0].End:]
}

// personAsked reports whether the question q names the person a "he" or
// "she" after it stands for: not when it asks who ("who found him?": the
// answer is the person) unless it asks who someone named is (whoIsRe),
// nor when it asks what something is ("what is Hemgard?": a house).
func personAsked(q string) bool {
	switch questionType(q) {
	case qWho:
		return whoIsRe.MatchString(q)
	case qDefine:
		return false
	}
	return true
}

// whoIsRe asks who someone named is ("who is Edi Rama?"): a "he" or "she"
// after it stands for them, not for the answer as after "who found him?".
var whoIsRe = regexp.MustCompile(`(?i)^\W*who(?:'s|’s|\s+is|\s+was)\s+\S`)

// askedNow matches a question about the present, which takes no date of
// the question before it.
var askedNow = regexp.MustCompile(`(?i)\b(?:today|now|nowadays|current|currently|these\s+days|at\s+present|presently)\b`)

// pronouns point at someone or something named before.
var pronouns = setOf("it its they them their he him his she her")

// hasPronoun reports whether q holds one of pronouns.
func hasPronoun(q string) bool {
	return slices.ContainsFunc(questionWords(q), func(w string) bool { return pronouns[strings.ToLower(w)] })
}

// hasIt reports whether q speaks of something as "it".
func hasIt(q string) bool {
	return slices.ContainsFunc(questionWords(q), func(w string) bool { return strings.EqualFold(w, "it") })
}

// pointsAtAnswer reports whether q points back with "that" or "this" at
// something said before: most often the answer just given ("who said
// that?", "when was that?", "why did this happen?"). "it", "they" and the
// like point more often at a thing or a person the question before named
// ("and how many members does it have?").
func pointsAtAnswer(q string) bool {
	words := questionWords(q)
	for i, w := range words {
		switch strings.ToLower(w) {
		case "that", "this":
			if refersOut(words[:i+1]) {
				return true
			}
		}
	}
	return pointsAtSaying(words)
}

// pointsAtSaying reports whether words point with "that" or "this" at
// something said (saying): "who made that statement?".
func pointsAtSaying(words []string) bool {
	for i, w := range words[:max(len(words)-1, 0)] {
		if lw := strings.ToLower(w); (lw == "that" || lw == "this") && saying[strings.ToLower(words[i+1])] {
			return true
		}
	}
	return false
}

// saying are the nouns of something said: "that statement" is most often
// the one the answer just quoted.
var saying = setOf("statement statements quote quotation claim claims announcement remark remarks comment comments words speech declaration")

// quoteContextWords is how many words of the last answer's first quote a
// pronoun stands for: its opening, where a sentence names what it is about
// ("Iran’s July cyberattack on Albania proved …"), not the rest
// ("… to sever its diplomatic relations with Teheran").
const quoteContextWords = 6

// leadWords returns the first n words of s.
func leadWords(s string, n int) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(n, len(f))], " ")
}

// lastQuote returns the first sentence the last answer in history quoted
// (of its first "> " line, citation markers removed), or "".
func lastQuote(history []chat.Message) string {
	if ss := textan.Sentences(lastQuoteLine(history)); len(ss) > 0 {
		return ss[0].Text
	}
	return ""
}

// lastLead returns what the last answer in history began with: the first
// sentence it quoted (lastQuote) or, of a summary, the summary's first
// sentence ("why?" after "what happened?" asks about it), or "".
func lastLead(history []chat.Message) string {
	if q := lastQuote(history); q != "" {
		return q
	}
	for i := len(history) - 1; i >= 0 && history[i].Role != chat.RoleUser; i-- {
		if text, ok := summaryBody(history[i].Content); ok {
			if ss := textan.Sentences(cite.Strip(text)); len(ss) > 0 {
				return ss[0].Text
			}
		}
	}
	return ""
}

// summaryBody returns the text of an answer that is a summary, after its
// heading ("Summary of …:", the console's, or the Discord bot's in bold);
// ok is false for any other answer.
func summaryBody(answer string) (text string, ok bool) {
	head, text, ok := strings.Cut(answer, "\n")
	if !ok || !strings.HasPrefix(strings.TrimLeft(head, "*"), "Summary of ") {
		return "", false
	}
	return text, true
}

// lastQuoteLine returns the whole first quote of the last answer in
// history, citation markers stripped: what it led with, a speech tag and
// its speech together; "" as lastQuote.
func lastQuoteLine(history []chat.Message) string {
	for i := len(history) - 1; i >= 0; i-- {
		m := history[i]
		if m.Role == chat.RoleUser {
			return ""
		}
		if m.Role != chat.RoleAssistant {
			continue
		}
		for _, l := range strings.Split(m.Content, "\n") {
			if l, ok := strings.CutPrefix(strings.TrimSpace(l), "> "); ok {
				return cite.Strip(l)
			}
		}
		return ""
	}
	return ""
}

// followUpOpeners start a question that continues the conversation ("and
// who was behind it?", "what about the US?").
var followUpOpeners = []string{"and ", "and?", "but ", "so ", "also ", "or ", "plus ", "then ", "what about", "how about", "what else", "anything else"}

// referring words point at something said before, unless the question
// names that something first (see refersOut).
var referring = setOf("he him his she her it its they them their theirs this that these those there then")

// beforeDemonstrative are the words after which "this", "that", "these" and
// "those" point at something ("what does that mean?", "after that", "why
// did this attack happen?"); after other words "that" joins a clause ("the
// group that lives in Albania", "said that Iran did it").
var beforeDemonstrative = setOf(`what why when where who whom whose how which is was are were be been do does did has have had
	can could will would should may might after before about of with by from like on in at to for during behind since because
	despite against over under into than and or but`)

// expletiveAfterIt are words after which "it" points at nothing ("is it
// true that...").
var expletiveAfterIt = setOf(`true possible impossible likely unlikely known clear said reported believed thought important
	necessary right correct fair hard easy difficult strange good bad better worse more less seem seems seemed the`)

// cleft reports whether the words after a "was it", "is it" make it a
// cleft sentence's "it", which stands for nothing: "was it really iran
// that did the hack?" asks who did the hack (a "that" or "who" two to four
// words on; "is it that bad?" has its "it").
func cleft(after []string) bool {
	for j := 1; j < min(len(after), 4); j++ {
		if w := strings.ToLower(after[j]); w == "that" || w == "who" {
			return true
		}
	}
	return false
}

// beVerbs are the forms of "be": they make "there" existential ("is there
// a list?"), and a "who" before them asks who someone is.
var beVerbs = setOf("is are was were be been being am isn't aren't wasn't weren't 's")

// needsContext reports whether q can only be understood with the
// conversation before it: it starts like a continuation ("and ...", "what
// about ...", "how about ..."), it starts or ends with an ellipsis, it is
// very short (three words or fewer) and names no topic (a capitalised name,
// an acronym or a number; "what is X?" names X), or it has a pronoun or demonstrative ("they",
// "it", "that", "there"...) with nothing before it in the question to point
// at. "What is the MEK?" and "When did the MEK arrive in Albania?" are
// standalone; "why?", "How many died?" and "Why did they do it?" are not.
// It is a heuristic that errs towards standalone questions for questions
// that name their topic.
func needsContext(q string) bool {
	q = strings.TrimSpace(q)
	lq := strings.ToLower(q)
	for _, o := range followUpOpeners {
		if strings.HasPrefix(lq, o) || lq+" " == o {
			return true
		}
	}
	if hasEllipsis(q) || todayBareRe.MatchString(q) || standsForOne(q) { // "what day of the week?", "the first one" of what was asked before
		return true
	}
	words := questionWords(q)
	if len(words) == 0 {
		return false
	}
	if len(words) <= 3 && !namesTopic(words) && !asksWhatIs(words) {
		return true
	}
	if !slices.ContainsFunc(words, func(w string) bool { return !textan.IsStop(strings.ToLower(w)) }) {
		return true // "how many are there?": no word of its own
	}
	return refersOut(words) || pointsAtSaying(words) // "who made that statement?"
}

// hasEllipsis reports whether q starts or ends (before its question mark)
// with "..." or "…".
func hasEllipsis(q string) bool {
	end := strings.TrimRight(q, "?! ")
	return strings.HasPrefix(q, "...") || strings.HasPrefix(q, "…") || strings.HasSuffix(end, "...") || strings.HasSuffix(end, "…")
}

// questionWords splits q into words (letters, digits and inner
// apostrophes), keeping their case.
func questionWords(q string) []string {
	return strings.FieldsFunc(q, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	})
}

// asksWhatIs reports whether the words of a short question ask what
// something is: "What is sporulation?", "Who was Skanderbeg?" (but not
// "What is it?").
func asksWhatIs(words []string) bool {
	last := strings.ToLower(words[len(words)-1])
	return len(words) == 3 && beVerbs[strings.ToLower(words[1])] && !referring[last] && !beforeDemonstrative[last]
}

// namesTopic reports whether words name something: a capitalised word that
// does not start the question, an acronym ("MEK", "US") or a number of two
// digits or more ("1981").
func namesTopic(words []string) bool {
	for i, w := range words {
		if isName(w, i) {
			return true
		}
	}
	return false
}

// isName reports whether w, the i-th word of a question, names something
// (see namesTopic).
func isName(w string, i int) bool {
	r, _ := utf8.DecodeRuneInString(w)
	switch {
	case unicode.IsDigit(r):
		return utf8.RuneCountInString(w) >= 2
	case !unicode.IsUpper(r):
		return false
	case i > 0 && w != "I":
		return true
	}
	return utf8.RuneCountInString(w) >= 2 && strings.ToUpper(w) == w // an acronym at the start
}

// refersOut reports whether a pronoun or demonstrative in words points
// outside the question: no name and no noun after "the", "a" or "an" comes
// before it in the question, and it is not "that" joining a clause, "it" in "is it true", or "there" in "is
// there".
func refersOut(words []string) bool {
	for i, w := range words {
		lw := strings.ToLower(w)
		if !referring[lw] {
			continue
		}
		if namesTopic(words[:i]) || hasNounPhrase(words[:i]) {
			return false // "Who attacked Albania and why did they do it?", "Why did the king hide his sons?"
		}
		prev, next := "", ""
		if i > 0 {
			prev = strings.ToLower(words[i-1])
		}
		if i+1 < len(words) {
			next = strings.ToLower(words[i+1])
		}
		switch lw {
		case "this", "that", "these", "those":
			if prev != "" && next != "" && !beforeDemonstrative[prev] {
				continue
			}
		case "it":
			if expletiveAfterIt[next] || beVerbs[prev] && cleft(words[i+1:]) {
				continue
			}
		case "there":
			if beVerbs[prev] || beVerbs[next] {
				continue
			}
		}
		return true
	}
	return false
}

// hasNounPhrase reports whether words hold "the", "a" or "an" followed by
// a word that is no pronoun or function word ("the king", "an attack").
func hasNounPhrase(words []string) bool {
	for i := 0; i+1 < len(words); i++ {
		switch strings.ToLower(words[i]) {
		case "the", "a", "an":
			if next := strings.ToLower(words[i+1]); !referring[next] && !beforeDemonstrative[next] {
				return true
			}
		}
	}
	return false
}

// setOf returns the space-separated words of s as a set.
func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// ownTopic reports whether q has a term of its own besides framing words
// and light verbs ("what happened to her children?": "children"; "and how
// many came?" has none).
func ownTopic(an *textan.Analyzer, q string) bool {
	return slices.ContainsFunc(an.Terms(q), func(t string) bool { return !frameTerms()[t] && !lightVerbs()[t] && !sourceTerms()[t] })
}

// sourceTerms are the terms of the words for what the bot answers from,
// made on first use: "what's this news about?" names no topic that "who
// did it?" after it asks about.
var sourceTerms = sync.OnceValue(func() map[string]bool {
	return termSet("news story stories tale tales document documents text texts article articles paper piece")
})

// lightVerbs returns the terms of verbs that say little on their own: what
// they are about is in the conversation ("how many came?", "what did they
// do?"); made on first use.
var lightVerbs = sync.OnceValue(func() map[string]bool {
	return termSet("come came go went get got do did make made have had give gave take took put see saw look seem become keep let begin began start started stop stopped continue continued want wanted")
})

// names returns the words of s written with a capital or as an acronym
// ("MEK", "Albania").
func names(s string) []string {
	var out []string
	for _, w := range questionWords(s) {
		if textan.Capitalized(w) {
			out = append(out, w)
		}
	}
	return out
}
