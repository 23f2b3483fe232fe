package answer

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"storybot/internal/textan"
)

// Kinds of small talk (smallTalkKind).
const (
	talkGreeting = "greeting"
	talkThanks   = "thanks"
	talkAck      = "ack"
	talkBye      = "bye"
	talkHelp     = "help"
	talkOpinion  = "opinion"
	talkAdvice   = "advice"
)

// smallTalkPhrases maps each phrase, in lower case, that makes up small
// talk to its kind.
var smallTalkPhrases = phrasesByKind(map[string]string{
	talkGreeting: `hi|hello|hey|heya|hiya|howdy|yo|greetings|good morning|good afternoon|good evening|good day|morning|
		përshëndetje|pershendetje|tungjatjeta|hola|bonjour|salut|hallo|olá|namaste|salaam|salam|merhaba|privet|konnichiwa|
		what's up|whats up|sup|how are you|how are you doing|how are you today|how are you doing today|how's your day|how is your day going|how's it going|hows it going|nice to meet you|pleased to meet you|
		hope you're well|hope you are well|hope you're doing well|hope you are doing well|hope you're doing good|hope all is well|
		hope you're having a good day|hope you are having a good day|how have you been|long time no see|good to see you|nice to see you|
		you there|are you there|u there|r u there|anyone there|anyone here|anybody there|anybody here|is anyone there|is anybody there|
		are you awake|are you online|are you alive|are you working|you awake|you online|hello bot|hey bot|hi bot|ping`,
	talkThanks: `thanks|thank you|thank u|thx|tnx|ty|tysm|many thanks|cheers|much appreciated|appreciated|appreciate it|i appreciate it|appreciate that|
		thank you very much|great thanks|that helps|that helped|that's helpful|thats helpful|that is helpful|helpful|
		very helpful|that's useful|useful|good answer|great answer|nice answer|good bot|great job|well done|you're the best|
		you are the best|youre the best|ur the best|ur awesome|you're awesome|you are awesome|you rock|legend|
		for the help|for your help|for that|for this|for the answer|for the info|for the information|for explaining|
		merci|merci beaucoup|gracias|muchas gracias|danke|danke schön|danke schon|grazie|grazie mille|obrigado|obrigada|
		faleminderit|faleminderit shume|faleminderit shumë|rrofsh|dank je|dankjewel|tack|takk|tak|kiitos|dziękuję|dziekuje|
		spasibo|arigato|arigatou|teşekkürler|tesekkurler|shukran|mersi|hvala|efharisto|köszönöm|koszonom`,
	talkAck: `ok|okay|k|kk|bet|cool|nice|great|awesome|perfect|got it|i see|alright|all right|sounds good|good|fine|wow|
		lovely|brilliant|excellent|fantastic|wonderful|amazing|terrific|superb|splendid|marvelous|marvellous|neat|sweet|nice one|
		great stuff|good stuff|that clears it up|that clears things up|that cleared it up|
		interesting|makes sense|good to know|understood|noted|yes|yeah|yep|sure|lol|haha|right|fair enough|i understand|
		that makes sense|that explains it|that's clear|that's it|that is it|that's all|that is all|that's great|
		that's interesting|that's cool|that's nice|no more questions|that's what i needed|that's all i needed|
		that's all for now|thats all for now|that is all for now|that's all for today|that's it for now|thats it for now|that is it for now|that's enough|that's enough for now|all good|i'm done|im done|i'm good|im good|
		gg|i guess|wait|hmm|hmmm|hm|um|umm|uh|oh|ohh|ah|ahh|huh|lmao|omg|bruh|whoa|whatever|nvm|never mind|nevermind|no worries|meh|fr|frfr|for real|fr tho|fr though|for real though|ngl|tbh|lowkey|
		damn|dang|crazy|wild|insane|sad|rip|yikes|oof|aw|aww|awww|smh|ugh|yay|oh no|oh my|oh dear|poor thing|poor guy|
		weird|strange|funny|scary|creepy|gross|sneaky|spooky|cute|savage|brutal|harsh|wholesome|
		weird story|strange story|funny story|scary story|crazy story|wild story|what a weird story|what a strange story|what a sad story|
		cool story|nice story|great story|good story|interesting story|lovely story|beautiful story|amazing story|what a story|
		story is cool|story is nice|story is great|story is good|story is interesting|story was cool|story was nice|story was great|
		story was good|story was interesting|i like story|i liked story|i love story|i loved story|
		i like the story|i liked the story|i love the story|i loved the story|loved the story|loved story`,
	talkBye: `bye|goodbye|good bye|bye bye|see you|see ya|see you later|cya|good night|later|farewell|ciao|take care|mirupafshim|adios|tschüss|au revoir|
		have a nice day|have a good day|have a great day|have a good one|have a nice evening|have a good night|talk to you later|talk later|catch you later`,
	talkHelp: `help|help me|help please|please help|what can you do|what do you do|what are you|who are you|what is this|
		how does this work|how do you work|how do i use this|how do i use you|how do i ask|what should i ask|what can i ask|
		what can i ask you|what should i ask you|what questions can i ask|what do you know|what can you tell me|
		what can you tell me about|what are you able to tell me|what are you able to tell me about|what are you able to do|what are you able to answer|
		what can you answer|what do you cover|what topics|what topics do you cover|what topics can i ask about|what can i ask about|what should i ask about|
		what subjects|what kind of questions|what kinds of questions|what sort of questions|what questions do you answer|what do you know about|
		tell me about yourself|introduce yourself|what are your commands|commands|instructions|usage|how to use|
		give me an example|give me an example question|give me some examples|example question|example questions|examples|
		any examples|any suggestions|suggestions|what do i ask|where do i start|how do i start`,
	talkAdvice: `what should i do|what should we do|what do i do|what can i do|should i be worried|should i worry|should we be worried|
		should i be scared|should i be afraid|is it safe|am i safe|am i at risk|what do you recommend|what do you suggest|
		any advice|advice|give me advice|your advice|what would you do|what would you advise`,
	talkOpinion: `what do you think|what do you think about|what do you think of|what do you make of|your opinion|
		what's your opinion|whats your opinion|what is your opinion|your opinion on|your thoughts|any thoughts|thoughts|
		what are your thoughts|your thoughts on|your view|what's your view|what is your view|your take|what's your take|
		whats your take|do you agree|do you like|who is right|who's right|whos right|who was right|who is wrong|
		who was wrong|good or bad|right or wrong|is it good|is it bad|was it good|was it bad|was it right|was it wrong|was it justified|
		is that fair|was that fair|was that right|was that wrong|is that right or wrong|
		is it justified|was it fair|is it fair|whose side are you on|which side are you on|are you for or against`,
})

// laughed returns talkAck for a message with a laugh that asks nothing
// (no question mark, no question word, no verb first): "wow he's strong
// lol" is a comment, not a question; else "".
func laughed(q string) string {
	if laughRe.MatchString(q) && asksNothing(q) {
		return talkAck
	}
	return ""
}

// comment reports whether rest, the words of q after its thanks, are a
// comment that asks nothing ("thx, loved it"): no question mark, no
// question word, no verb or "and" first ("thanks, and the wolf").
func comment(q string, rest []string) bool {
	r := strings.Join(rest, " ")
	return !strings.Contains(q, "?") && asksNothing(r) && !followOnRe.MatchString(r)
}

// asksNothing reports whether s has no question mark, no question word
// and no verb first ("is", "did", "tell").
func asksNothing(s string) bool {
	return !strings.Contains(s, "?") && !questionStartRe.MatchString(s) && !verbStartRe.MatchString(s) && !whWordRe.MatchString(s)
}

// thanksWord are the words that open thanks.
var thanksWord = setOf("thanks thank thx tnx ty tysm cheers")

// saidRe matches a verb of saying or doing after "what a guy".
var saidRe = regexp.MustCompile(`^(?:said|says|did|does|wanted|wants|got|gets|meant|means|thought|thinks)$`)

// followOnRe starts a follow-up after thanks ("thanks, now the wolf").
var followOnRe = regexp.MustCompile(`^(?:and|but|now|also|so|then|next|plus)\b`)

// exclaimRe matches an exclamation that asks nothing: "what a guy!",
// "lol what an ending", "what a nice guy"; its group is the second word,
// which must be no verb ("what a guy did").
var exclaimRe = regexp.MustCompile(`(?i)^\W*(?:(?:lol|lmao|wow|omg|haha+|oh|man|welp|well)\W+)*what\s+an?\s+\w+\s*(\w*)\s*(?:lol|lmao|haha+)?[\s!.]*$`)

// laughRe finds a laugh, which makes a message that asks nothing a
// comment (laughed).
var laughRe = regexp.MustCompile(`(?i)\b(?:lol|lmao|lmfao|rofl|haha+|hehe+)\b|😂|🤣`)

// phrasesByKind turns lists of "|"-separated phrases by kind into a map
// from phrase to kind.
func phrasesByKind(lists map[string]string) map[string]string {
	m := map[string]string{}
	for kind, list := range lists {
		for _, ph := range strings.Split(list, "|") {
			m[strings.Join(strings.Fields(ph), " ")] = kind
		}
	}
	return m
}

// longestSmallTalk is the number of words of smallTalkPhrases' longest phrase.
var longestSmallTalk = maxPhraseWords(smallTalkPhrases)

// smallTalkFillers may stand anywhere in small talk without changing it
// ("thanks a lot", "hi there", "hello bot", "that was useful").
var smallTalkFillers = setOf("bot storybot there everyone all so much very a lot again guys folks friend mate buddy dear oh ah well that this it was is really that's thats kinda sorta pretty quite super")

// smallTalkEmoji are the emoji that alone are small talk, by kind; any
// other question without words is refused with msgNoWordsFm.
var smallTalkEmoji = map[rune]string{
	'👋': talkGreeting, '🙏': talkThanks, '❤': talkThanks, '💙': talkThanks, '🙌': talkThanks,
	'👍': talkAck, '👌': talkAck, '😊': talkAck, '🙂': talkAck, '😀': talkAck, '😄': talkAck, '🎉': talkAck, '✅': talkAck,
}

// smallTalkKind reports what kind of small talk q is (talkGreeting,
// talkThanks, talkAck, talkBye, talkHelp, talkAdvice: "what should I do?",
// talkOpinion: "what do you think
// about this?", "who is right?"), or "" when q is not small talk: it must be
// made only of small-talk phrases, fillers, punctuation and emoticons, or
// only of the emoji of smallTalkEmoji. "ok, thanks!" is thanks; "Hi, why did
// Albania cut ties with Iran?" is a question.
func smallTalkKind(q string) string {
	if !hasWords(q) {
		return emojiTalk(q)
	}
	if exclaims(q) { // "lol what a guy", not "what a guy did"
		return talkAck
	}
	words := strings.Fields(strings.Map(func(r rune) rune {
		switch {
		case r == '’':
			return '\''
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'':
			return unicode.ToLower(r)
		}
		return ' '
	}, q))
	kind, foreign := "", false
	for i := 0; i < len(words); {
		n, k := longestPhrase(words[i:]) // a phrase first: "that helps" is one
		if n == 0 {
			if !smallTalkFillers[words[i]] && !textan.IsEnglish(words[i]) && !strings.Contains(q, "?") { // "Faleminderit, thank you": thanks in two languages
				foreign = true
				i++
				continue
			}
			if !smallTalkFillers[words[i]] {
				if kind == talkThanks && thanksWord[firstWord(words)] && comment(q, words[i:]) { // "thanks, that helps for my essay", "well thank you dear, that clears it up"; not "that helps Iran"
					return kind
				}
				if n := thanksAtEnd(words); n > 0 && (asksNothing(q) || exclaims(strings.Join(words[:n], " "))) { // "That's a sweet ending, thank you!", "what a lovely story, thanks so much"
					return talkThanks
				}
				return laughed(q)
			}
			i++
			continue
		}
		if kind == "" || k != talkAck { // "ok thanks" is thanks, "thanks, ok" too
			kind = k
		}
		i += n
	}
	if foreign && kind != talkThanks && kind != talkGreeting && kind != talkBye { // "ok Durres" asks about Durres
		return ""
	}
	return kind
}

// exclaims reports whether s is an exclamation that asks nothing
// (exclaimRe): "lol what a guy", not "what a guy did".
func exclaims(s string) bool {
	m := exclaimRe.FindStringSubmatch(s)
	return m != nil && !verbStartRe.MatchString(m[1]) && !saidRe.MatchString(m[1])
}

// thanksAtEnd returns how many of words stand before the thanks they end
// with ("thank you", "thanks so much", fillers aside), or 0 when they end
// with none.
func thanksAtEnd(words []string) int {
	end := len(words)
	for end > 0 && smallTalkFillers[words[end-1]] {
		end--
	}
	for n := 1; n <= min(end, longestSmallTalk); n++ {
		if smallTalkPhrases[strings.Join(words[end-n:end], " ")] == talkThanks {
			return end - n
		}
	}
	return 0
}

// firstWord returns the first of words that is no small-talk filler
// ("well" of "well thank you"), or "".
func firstWord(words []string) string {
	for _, w := range words {
		if !smallTalkFillers[w] {
			return w
		}
	}
	return ""
}

// longestPhrase returns the number of words of the longest small-talk
// phrase that words starts with, and its kind; 0 when there is none.
func longestPhrase(words []string) (n int, kind string) {
	for n = min(len(words), longestSmallTalk); n > 0; n-- {
		if k := smallTalkPhrases[strings.Join(words[:n], " ")]; k != "" {
			return n, k
		}
	}
	return 0, ""
}

// maxPhraseWords is the number of words of the longest phrase of phrases.
func maxPhraseWords(phrases map[string]string) int {
	n := 0
	for ph := range phrases {
		n = max(n, strings.Count(ph, " ")+1)
	}
	return n
}

// emojiTalk is the kind of small talk of q, which has no words: the kind
// of its emoji of smallTalkEmoji when it has nothing else but spaces,
// punctuation and emoji modifiers, else "".
func emojiTalk(q string) string {
	kind := ""
	for _, r := range q {
		switch k := smallTalkEmoji[r]; {
		case k != "":
			kind = k
		case unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.Is(unicode.Mn, r) || r == '\u200d' ||
			r >= 0xFE00 && r <= 0xFE0F || r >= 0x1F3FB && r <= 0x1F3FF: // variation selectors, skin tones
		default:
			return ""
		}
	}
	return kind
}

// hasWords reports whether q holds a letter or a digit.
func hasWords(q string) bool {
	return strings.IndexFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// smallTalkReply is the one-line answer to small talk of kind, saying what
// the bot can do; about names what the knowledge is about.
func smallTalkReply(kind, about string) string {
	switch kind {
	case talkGreeting:
		return fmt.Sprintf("Hi! Ask me anything about %s; every answer cites its sources. Try /help for the commands.", about)
	case talkThanks:
		return fmt.Sprintf("You're welcome! Ask me anything else about %s; every answer cites its sources.", about)
	case talkBye:
		return fmt.Sprintf("Bye! Come back with any question about %s; every answer cites its sources.", about)
	case talkOpinion:
		return fmt.Sprintf("I don't give opinions: I answer from my documents about %s and quote them, so you can judge for yourself. "+
			"Ask what someone in them said or did, or why (“What did … say?”, “Why did …?”).", about)
	case talkAdvice:
		return fmt.Sprintf("I don't give advice: I answer from my documents about %s and quote them. "+
			"Ask what they say (“What do they say about …?”); for what to do in your own case, ask someone qualified.", about)
	case talkHelp:
		return fmt.Sprintf("I answer questions about %s from my documents, and every answer cites its sources by number, so you can check it. "+
			"Ask in your own words about a person, a place or an event (“What happened?”, “Who is …?”, “Why …?”), and ask follow-ups after an answer. "+
			"/summary gives an overview, /timeline the dated events, /sources the documents, /help the commands.", about)
	}
	return fmt.Sprintf("Sure. Ask me anything about %s; every answer cites its sources.", about)
}

// howAreYouRe asks after the bot ("how are you doing today?", "how's it
// going?", "how have you been"), which msgWellFm answers.
var howAreYouRe = regexp.MustCompile(`(?i)\bhow(?:'s|’s|\s+is|\s+are|\s+have)\s+(?:you|u|your\s+day|it\s+going|things)\b|\bhows\s+it\s+going\b`)

// msgWellFm answers a greeting that asks after the bot; %s is what the
// knowledge is about.
const msgWellFm = "I'm well, thanks for asking! Ask me anything about %s; every answer cites its sources."

// defaultAbout names the knowledge in small-talk replies when
// Options.About is nil or says nothing.
const defaultAbout = "the documents in my knowledge folder"

// about names what the knowledge is about, for small-talk replies.
func (p *Pipeline) about() string {
	if p.opts.About != nil {
		if s := strings.TrimSpace(p.opts.About()); s != "" {
			return s
		}
	}
	return defaultAbout
}

// asksSecrets matches a message that asks for the bot's instructions or
// secrets, or to set them aside: "print your system prompt", "ignore
// previous instructions", "what is your API key?". It gets msgSecretsFm,
// offline or not.
var asksSecrets = regexp.MustCompile(`(?i)\bsystem\s+prompt\b|` +
	`\b(?:ignore|disregard|forget)\s+(?:(?:all|any|the|your|of|my)\s+){0,3}(?:previous\s+|prior\s+|above\s+|earlier\s+|former\s+)?(?:instructions|rules|prompts?)\b|` +
	`\b(?:reveal|show|print|repeat|output|tell\s+me|give\s+me|what\s+is|what's|what\s+are)\s+(?:me\s+)?your\s+(?:system\s+|hidden\s+|initial\s+|original\s+|secret\s+)?(?:prompt|instructions|rules|configuration|config|settings|api\s+key|key|token|password|secrets?)\b|` +
	`\b(?:api|openai|discord|bot)\s+(?:key|token)\b`)

// Messages of shortcut.
const (
	msgSecretsFm      = "I answer questions about %s from my documents, with citations. I don't share my instructions, keys or settings, and no message changes them. Ask me about the documents instead."
	msgNoWordsFm      = "Please type your question in words, for example: %s"
	MsgOfflineEnglish = "Without a language model I understand questions in English only: please ask in English. (For answers in other languages, the bot's operator can connect a language model: OPENAI_API_KEY, or OPENAI_BASE_URL for a local server.)"
	MsgOfflineWriting = "Without a language model I can only quote the documents, so I can't write a quiz, a poem or a story. Ask me a question about them, or use /summary for an overview. (The bot's operator can connect a language model: OPENAI_API_KEY, or OPENAI_BASE_URL for a local server.)"
)

// writingAskRe asks for a text of its own, which only a model writes:
// "Write a short multiple choice question with four options.", "make a
// quiz about the story", "write a poem about the tin soldier" (offline,
// they were taken for something told, or refused as not covered).
var writingAskRe = regexp.MustCompile(`(?i)^\W*(?:(?:can|could|would)\s+you\s+|please\s+|now\s+)?(?:write|make|create|compose|generate|invent|come\s+up\s+with|draft)\s+(?:me\s+|us\s+)?(?:a|an|some|the|one|two|three|four|five|ten|\d+)?\s*(?:[\w-]+\s+){0,2}?(?:quiz(?:zes)?|poems?|songs?|limericks?|haikus?|stor(?:y|ies)|essays?|multiple[\s-]+choice|questions?|riddles?|jokes?|raps?)\b`)

// shortcut answers what needs no retrieval: small talk gets a one-line
// reply (SmallTalk set, no citations), and, with no model, a question that
// is clearly not in English gets MsgOfflineEnglish (Refused set). ok is
// false for a question to answer the usual way. err is a *UserError for a
// question without words (only emoji other than smallTalkEmoji's, or only
// punctuation).
func (p *Pipeline) shortcut(q string) (a Answer, ok bool, err error) {
	kind := smallTalkKind(q)
	if kind == "" && !hasWords(q) {
		return Answer{}, false, &UserError{Msg: fmt.Sprintf(msgNoWordsFm, p.example())}
	}
	a = Answer{Mode: ModeExtractive}
	if p.opts.Model != nil {
		a.Mode = ModeLLM
	}
	switch {
	case kind == "" && asksSecrets.MatchString(q): // no model call: nothing to leak, no tokens spent
		a.Text, a.SmallTalk = fmt.Sprintf(msgSecretsFm, p.about()), true
	case kind == talkGreeting && howAreYouRe.MatchString(q): // "how are you doing today?" asks after the bot, not only hello
		a.Text, a.SmallTalk = fmt.Sprintf(msgWellFm, p.about()), true
	case kind != "":
		a.Text, a.SmallTalk = smallTalkReply(kind, p.about()), true
	case p.opts.Model == nil && notEnglish(q):
		a.Text, a.Refused = MsgOfflineEnglish, true
	case p.opts.Model == nil && writingAskRe.MatchString(q): // "Write a short multiple choice question with four options."
		a.Text, a.Refused = MsgOfflineWriting, true
	default:
		return Answer{}, false, nil
	}
	p.finish(&a, q)
	return a, true, nil
}
