package answer

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"storybot/internal/search"
	"storybot/internal/textan"
)

// qtype is what a question asks for, recognised from its words.
type qtype int

const (
	qOther    qtype = iota
	qWho            // a person or group
	qWhen           // a date or time
	qHowMany        // a number
	qWhere          // a place
	qWhy            // a cause
	qFeel           // a feeling: "how did the queen feel"
	qOutcome        // what happened (after), what did X do
	qDefine         // what does X stand for / mean
	qDescribe       // how did X describe / call Y
	nQtypes
)

// questionType returns what q asks for.
func questionType(q string) qtype {
	lq := openingAndRe.ReplaceAllString(lowerQuestion(q), "") // `"what is the MEK?"`; "and when did that happen?" asks when
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(lq, s) {
				return true
			}
		}
		return false
	}
	starts := func(prefixes ...string) bool {
		for _, s := range prefixes {
			if strings.HasPrefix(lq, s) {
				return true
			}
		}
		return false
	}
	switch {
	case has("stand for", "acronym", "abbreviation", "the meaning of", "what is meant by") || (starts("what does") && strings.HasSuffix(strings.TrimRight(lq, "?. "), " mean")) || starts("what mean ", "what means ", "what meaning ", "what is mean "): // "What mean MEK?", as a learner of English asks
		return qDefine
	case starts("what is ", "what are ", "what's ") && len(strings.Fields(lq)) <= 5:
		return qDefine
	case has(" feel", "feeling", "emotion", " felt", "mood") || feelAskRe.MatchString(lq) || traitAskRe.MatchString(lq):
		return qFeel // what someone was like is told as a feeling is: in the story's adjectives
	case has("describe", " call ", " dub", "characteri", " label"):
		return qDescribe
	case has("how long ago"):
		return qWhen
	case has("how many", "how much", "what percentage", "how long", "how old", "what number") || measureAskRe.MatchString(lq): // "how heavy was the club?": "a club of thirty hundred-weights"
		return qHowMany
	case starts("when") || has("what year", "what date", "which year", "what day", "what time", "what century", "what season", "which date", "which day", "what month", "which month", "the date of", "the day of", "the year of", "exact date", "precise date", "actual date"):
		return qWhen
	case starts("who", "whom", "whose") || whoWithin(q, lq) || has("which person", "what person", "which character", "what was the name", "what is the name") || agentPlace(lq) != "":
		return qWho
	case starts("where") || has(" where ", "what city", "what country", "what place", "which place", "which city", "which country", "what town", "which town"):
		return qWhere
	case starts("why", "how come") || has(" why ", " how come ", "what caused", "what made", "for what reason", "what was the reason", "what is the reason"):
		return qWhy
	case has("what happened", "what will happen", "what happens", "what would happen", "what did", "what does", "what do", "what will", "what would", "how did", "how does", "how do", "how will"):
		return qOutcome
	}
	return keywordType(lq)
}

// feelAskRe matches a question whether someone felt a feeling: "was the
// king happy?", "were they scared of the bull?". Its answer is how they
// felt, which a tale tells in other words ("he bit his lips with
// vexation", "in great alarm"); group 1 is the feeling, no word a passage
// needs to hold (coverage).
var feelAskRe = regexp.MustCompile(`^(?:and\s+|so\s+)?(?:was|were|is|are|did|does|do|had|has)\s+(?:\S+\s+){1,4}?(?:feel(?:ing)?\s+|get\s+|become\s+|been\s+|so\s+|very\s+|really\s+)?(` + feelAdjectives + `)(?:\s+(?:of|about|with|at|that|when|because|to)\b.*)?[\s?!.]*$`)

// feelAdjectives are the feelings a yes-no question asks about
// (feelAskRe).
const feelAdjectives = `happy|sad|scared|afraid|frightened|angry|mad|upset|sorry|jealous|proud|worried|nervous|excited|pleased|surprised|lonely|ashamed|glad|unhappy|annoyed|disappointed|terrified|furious|grateful|thankful|anxious|relieved|embarrassed`

// whoWithin reports whether q asks who further in ("and who is he?",
// "tell me who did it"): a "who" that opens no relative clause of a
// question another question word opens ("what happened to anyone who
// failed?" asks what happened), and no abbreviation ("the WHO"). lq is q
// lower-cased, as questionType trims it.
func whoWithin(q, lq string) bool {
	if !strings.Contains(q, " who ") && !strings.Contains(q, " Who ") {
		return false
	}
	for _, w := range []string{"what ", "how ", "why ", "where ", "when ", "which ", "in what ", "in which "} {
		if strings.HasPrefix(lq, w) {
			return false
		}
	}
	return true
}

// agentPlaceRe is a question whose place does something ("which country
// attacked Albania?"): it asks who, by a name, not where, and its noun
// (group 1) is what kind of answer it wants, not its topic. Group 2 is
// the verb, which agentPlace checks is no auxiliary ("which country was
// attacked?" asks where).
var agentPlaceRe = regexp.MustCompile(`^(?:which|what) (country|nation|kingdom|state|city|town|empire|government|army|group)\s+(?:in\s+\d+\s+)?([a-z]+ed|[a-z]+s|sent|sold|won|led|made|took|gave|fought|struck|began|brought|paid|built|declared)\b`)

// openingAndRe is the "and", "so" or "but" a follow-up opens with.
var openingAndRe = regexp.MustCompile(`^(?:and|so|but|ok|okay)\s+`)

// lowerQuestion is q lower-cased, without the spaces and punctuation
// before its first word.
func lowerQuestion(q string) string {
	return strings.ToLower(strings.TrimLeftFunc(q, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }))
}

// agentPlace returns the noun of a question whose place acts (agentPlaceRe),
// or "".
func agentPlace(q string) string {
	m := agentPlaceRe.FindStringSubmatch(lowerQuestion(q))
	if m == nil {
		return ""
	}
	switch m[2] {
	case "is", "was", "has", "does", "needs":
		return ""
	}
	return m[1]
}

// keywordTypes are what a query of keywords asks for by its last word, as
// chat types a search: "cyberattack date", "mek location", "protests why".
var keywordTypes = map[string]qtype{"date": qWhen, "dates": qWhen, "when": qWhen, "year": qWhen,
	"where": qWhere, "location": qWhere, "who": qWho, "why": qWhy, "reason": qWhy}

// keywordType is the type of lq (lower-cased) when it is a query of
// keywords: no question word but its last, which keywordTypes names.
func keywordType(lq string) qtype {
	words := strings.FieldsFunc(lq, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	if len(words) < 2 {
		return qOther
	}
	for _, w := range words[:len(words)-1] {
		switch w {
		case "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are", "was", "were", "did", "does", "do", "can", "could", "will", "would", "should", "has", "have", "had":
			return qOther
		}
	}
	if t, ok := keywordTypes[words[len(words)-1]]; ok {
		return t
	}
	return qOther
}

// asksJob reports whether the question's words ask someone's work: "wat
// job did dick have", "what was ali babas job" (both refused or led with
// another sentence of theirs for session 28's new users).
func asksJob(qwords map[string]bool) bool {
	return qwords["job"] || qwords["occupation"] || qwords["living"] && qwords["for"]
}

// professionRe finds a person's work: "horse-dealer", "woodcutter",
// "seal catcher", "fisherman", "tailor", "blacksmith", "gooseherd" (not a
// bare "man": "He would be a rich man" was the seal catcher's job).
var professionRe = regexp.MustCompile(`(?i)\b(?:[\pL-]*(?:dealer|cutter|catcher|smith|herd|maker|keeper|monger|wright|seller|driver|weaver|spinner)|(?:fisher|hunts|herds|boats|sea|ferry|coach|wood|post|police|fire|horse|sales|work|crafts|watch)m[ae]n|farmer|fisher|hunter|merchant|tailor|miller|shepherd|baker|cook|soldier|sailor|servant|maid|peasant|carpenter|cobbler|potter|gardener|doctor|priest|teacher|trader|minister|judge|lawyer|clerk|porter|butcher|brewer|innkeeper|landlord|beggar|thief|robber|pirate|knight|nurse|washerwoman|slave|trade|business|occupation|profession|livelihood)s?\b`)

// colourWords are the colours colourRe finds.
const colourWords = `red|orange|yellow|green|blue|purple|violet|pink|brown|black|white|gr[ae]y|golden|gold|silver|scarlet|crimson|azure|emerald|ivory|rosy|tawny|russet|auburn|chestnut|dappled|snow-white|coal-black|blood-red|sky-blue|dark|pale|bright|cream|copper|bronze|amber|lilac|flaxen|ruddy`

// months are the months' names; monthsButMay leaves out the one that is
// also a verb ("May I come in?").
const (
	// numberWords are the numbers written in words.
	numberWords  = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen"
	months       = "January|February|March|April|May|June|July|August|September|October|November|December"
	monthsButMay = "January|February|March|April|June|July|August|September|October|November|December"
)

var (
	numberRe   = regexp.MustCompile(`\b\d[\d,.]*\b|\b(?i:` + numberWords + `|hundreds|thousands|millions|billions|dozens|half|several|many|few)\b`)
	dateRe     = regexp.MustCompile(`\b(?:1[0-9]{3}|20[0-9]{2})\b|\b(?:` + months + `|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b\d{4}-\d{2}-\d{2}\b|\b(?i:century|morning|evening|night|midnight|noon|dawn|sunrise|sunset|spring|summer|autumn|winter|yesterday|to-?morrow|to-?day|to-?night|o'clock|hours?|days?|weeks?|months?|years?|ago|until|till|after|before|when|once|while|as soon as)\b`)
	whyRe      = regexp.MustCompile(`(?i)\b(because|due to|prompt\w*|reasons?|caused?|led to|result|in response|so that|in order|therefore|for fear|so as to|that was why|that is why|for he|for she|for they|for it|for this)\b`)
	weakWhyRe  = regexp.MustCompile(`(?i)\b(since|wanted|wished|hoped|thought|thinking|meant|tired|hungry|thirsty|afraid|frightened|jealous|angry|envious|greedy|lonely|sick|ill)\b`)
	fullDateRe = regexp.MustCompile(`\b(?:1[0-9]{3}|20[0-9]{2})\b|\b(?:` + months + `)\s+\d{1,2}\b|\b\d{1,2}\s+(?:` + months + `)\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:` + monthsButMay + `)\b`)
	defineRe   = regexp.MustCompile(`\([A-Z][A-Za-z]{1,9}\)|\b(?:also known as|known by|stands for|short for|refers to|is called|abbreviated)\b`)
	describeRe = regexp.MustCompile(`[“"][^”"]{3,60}[”"]|\b(?:dubbed|called|described (?:it )?as|termed|labell?ed|branded)\b`)
	durationRe = regexp.MustCompile(`(?i)\b(?:(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|many|several|few|some|a|an|whole|long|full|entire)\s+(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centuries|century|ages|lifetime)\b|(?:ever|long)\s+since\b|since\s+(?:1[0-9]{3}|20[0-9]{2})\b|\w+-long\b|(?:years|months|weeks|days|decades)\s+of\b)`)
	ageRe      = regexp.MustCompile(`(?i)\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)[\s-]+(?:and[\s-]+\w+[\s-]+|(?:hundred|thousand|million|billion)\s+)?(?:years?|months?|weeks?|days?|winters|summers)[\s-]+old\b|\b(?:widow(?:ed|er)?|married|wed|died|orphan(?:ed)?|crowned|mother|father|retired)\s+at\s+(?:the\s+age\s+of\s+)?(?:\d+|[a-z]+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-\w+)?\b|\b(?:snows|summers)\s+of\s+(?:\d+|[a-z]+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-\w+)?\s+(?:winters|summers|years)\b|\b(?:hundred|thousand|million|billion)\s+years\s+ago\b|\b(?:his|her|their)\s+(?:[a-z]+teenth|tenth|eleventh|twelfth|twentieth|thirtieth|fortieth|fiftieth|sixtieth|seventieth|eightieth|ninetieth|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-\w+)\s+year\b|\b(?:aged?|age\s+of)\s+(?:\d+|[a-z]+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a\s+hundred)\b|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-\w+)?\s+years\s+of\s+age\b|\b(?:girl|boy|child|lad|lass|maiden|maid|youth|man|woman)\s+of\s+(?:\d+|[a-z]+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+years?)(?:-\w+)?\b|\b(?:his|her|their)\s+(?:\w+)?(?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b|\b(?:was|is|were|turned|reached|be)\s+(?:just\s+|only\s+|barely\s+|nearly\s+|almost\s+|not\s+more\s+than\s+|about\s+)?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-[a-z]+)?(?:\s*[.,;!?]|\s+(?:when|and|but|at|by|(?i:i|he|she|they|we))\b|\s+or\s+(?:\d+|[a-z]+teen|[a-z]+ty|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?:\s*[.,;!?]|$)|$)`)
	monthRe    = regexp.MustCompile(`^(?:` + months + `)$`)
	weekdayRe  = regexp.MustCompile(`\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b`)
	timeNameRe = regexp.MustCompile(`^(?:` + months + `|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Christmas|Easter)$`)
	yearRe     = regexp.MustCompile(`^(?:1[0-9]{3}|20[0-9]{2})$`)
	placeRe    = regexp.MustCompile(`\b(?:in|at|near|from|to|into|under|over|on|inside|behind|beside|across|through)\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+|its\s+)?(?:\p{Lu}\p{L}+|(?i:` + placeNouns + `)\b)`)
	feelRe     = regexp.MustCompile(`(?i)\b(?:happ(?:y|ier|iness|ily)|glad|gladly|sad|sadly|sadness|sorrow\w*|angry|angrily|anger|furious|fury|rage|afraid|fear\w*|frighten\w*|terrif\w*|scared|joy\w*|delight\w*|pleased|pleasure|surpris\w*|astonish\w*|amaz\w*|ashamed|shame|proud|pride|jealous\w*|envious|envy|lonely|worried|worry|anxious|anxiety|grateful|thankful|miserable|unhappy|grief|griev\w*|merry|cheerful|wept|weep\w*|cried|cry\w*|tears|laugh\w*|smil\w*|love[ds]?|hate[ds]?|content\w*|curious|sorry|distress\w*|vexed|vexation|annoyed|disappoint\w*|excit\w*|horrif\w*|embarrass\w*|nervous|uneasy|relieved|relief|hope\w*|despair\w*|eager\w*|displeased|upset|shock\w*|troubled|comfort\w*|peaceful|calm|lonel\w*|gloomy|mournful|bitter\w*|heavy heart|in high spirits|rejoic\w*|triumph\w*|satisf\w*|indignant|indignation|offended|alarm\w*|dread\w*|panic\w*|longing|homesick|sulk\w*|weary|tired|bored|shudder\w*|trembl\w*|horror|chill|terror|frantic|wretched|forlorn|dismay\w*)\b`)
	traitRe    = regexp.MustCompile(`(?i)\b(?:` + traitAdjectives + `|greed\w*|generous|generosity|kindly|kindness|cruelty|wickedness|wisdom|folly|silly|bold|cowardly|coward|idle|industrious|diligent|hard-working|honesty|dishonest|selfishness|vain|vanity|humble|modest|shy|cunning|sly|crafty|faithful|loyal|envious|miserly|miser|stingy|merry|cheerful|wealthy|well-to-do|proud|haughty|gentle|clever|foolish|fool|lovely|ill-natured|good-natured|good-hearted|hard-hearted|tender-hearted|warm-hearted|stubborn|obstinate|patient|careless|careful|quick-witted|dull|famous|powerful|mighty)\b`)
	colourRe   = regexp.MustCompile(`(?i)\b(?:` + colourWords + `)\b`)
	personRe   = regexp.MustCompile(`(?i)\b(?:king|queen|prince|princess|emperor|empress|lord|lady|knight|soldier|man|men|woman|women|boy|girl|child|children|baby|father|mother|son|daughter|brother|sister|wife|husband|uncle|aunt|grandmother|grandfather|old|giant|witch|wizard|fairy|fairies|dwarf|dwarfs|elf|troll|goblin|servant|maid|peasant|farmer|shepherd|fisherman|merchant|tailor|miller|hunter|huntsman|cook|priest|people|folk|friend|stranger|neighbour|neighbor|wolf|fox|bear|bird|cat|dog|horse|mouse|frog|hare|rabbit|duck|goose|hen|cock|lion|crow|raven|owl|pig|goat|sheep|cow|ox)s?\b`)
)

// placeNouns are common nouns of a place, for placeRe and widePlaceRe.
const placeNouns = `forest|woods?|castle|palace|house|hut|cottage|village|town|city|sea|river|stream|lake|pond|pool|well|mountains?|hills?|valley|garden|field|meadow|cave|island|tower|church|kingdom|country|land|shore|beach|road|path|room|kitchen|cellar|stable|barn|court|hall|camp|port|capital|home|world|sky|heaven|earth|ground|water|ship|boat|bed|door|window|gate|bridge|market|inn|mill|farm|tree|bush|nest|hole|den`

// cue is 1 when the sentence holds the kind of thing the question asks for
// (a name for who, a date for when, a number for how many, a place for
// where, a reason for why, a feeling for how-did-X-feel) that is not
// already in the question; 0.5 for a weaker sign; else 0.
func (p *Pipeline) cue(q questionTerms, s string) float64 {
	switch {
	case q.qt == qHowMany:
		return p.countCue(q, s)
	case q.qt == qFeel && q.trait: // "what was Cassim like?": "the greedy Cassim"
		return p.traitCue(q, s)
	case q.ifAsked: // "what would happen if the couple took off the cover?": "If you take it off, your good fortune will end"
		return b2f(conditionRe.MatchString(s))
	case (q.qt == qOutcome || q.qt == qOther) && (q.words["will"] || q.words["next"] || promiseWord(q.words)): // "what happens next?", "what will the US do?", "what did they promise to do?": what someone will do
		return b2f(futureRe.MatchString(s))
	case q.kindOf != nil: // "what kind of animal is ginger?": "Ginger was a yellow tom-cat"
		return b2f(saysKind(q.kindOf, s))
	case q.qt == qWho && q.leader != "": // a leader: a title names one
		if titleRe.MatchString(s) {
			return 1
		}
		return cue(q.qt, s, q.words) / 2
	}
	return cue(q.qt, s, q.words)
}

// ifAskRe matches a question what happens if something is done or not:
// "what would happen if the couple took off the cover?", "what happens if
// he doesn't get one?". A sentence that tells a condition (conditionRe)
// answers it.
var ifAskRe = regexp.MustCompile(`(?i)\bwhat\s+(?:would|will|could|might|did|does|do)?\s*happens?\s+(?:if|unless|when)\b`)

// conditionRe matches a sentence that tells what follows from a condition:
// "If she be not found then wind and rain will not come", "you will lose
// it, if you look back".
var conditionRe = regexp.MustCompile(`(?i)\b(?:if|unless|otherwise|or\s+else)\b[^.;!?]*\b(?:will|would|shall|should|must|then|cannot|can't|won't)\b|\b(?:will|would|shall)\b[^.;!?]*\b(?:if|unless)\b|\w['’]ll\b[^.;!?]*\b(?:if|unless)\b`)

// countCue is the cue of a how-many question: for a how-long question, 1
// for a duration ("seven years", "ever since 2014"); else 1 for a number the question
// does not hold that counts what it asks about ("How many groups...?":
// "four groups"), 0.75 for one that counts another of its words ("How many
// people died?": "50 deaths"), 0.5 for any other such number.
func (p *Pipeline) countCue(q questionTerms, s string) float64 {
	if q.howLong && durationRe.MatchString(s) {
		return 1
	}
	if q.counts != "" && q.counts == p.an.Term("money") && moneyRe.MatchString(s) { // "How much money does the councillor offer?": "a hundred dollars", not "seventeen tall men"
		return 1
	}
	if q.price { // "How much did the cyberattack cost Albania in euros?": not "July 15"
		return b2f(moneyRe.MatchString(s))
	}
	if q.measure { // a measure, not any number: "how heavy was the club?" quoted "one mountain-top to another"
		return b2f(measureRe.MatchString(s))
	}
	if q.howOld { // an age, not any number: "how old is Ali Baba?" quoted "forty thieves" and "an old tailor"
		if ageRe.MatchString(s) {
			return 1
		}
		return 0
	}
	var toks []textan.Token
	textan.Tokenize(s, func(t textan.Token) { toks = append(toks, t) })
	best := 0.0
	for i, t := range toks {
		if !countAt(q, toks, i) {
			continue
		}
		best = max(best, 0.5)
		if q.countsAny && i+1 < len(toks) && !numberRe.MatchString(toks[i+1].Text) && p.an.Term(toks[i+1].Text) != "" {
			if vagueCount[strings.ToLower(t.Text)] {
				best = max(best, 0.75) // "several planned attacks" counts less than "some 3,000 members"
				continue
			}
			return 1 // "3,000 members" for "how many of them are there?"
		}
		for _, n := range toks[i+1 : min(i+3, len(toks))] {
			t := p.an.Term(n.Text)
			if _, ok := q.prior[t]; ok && !numberRe.MatchString(n.Text) {
				if t == q.counts {
					return 1
				}
				best = 0.75
			}
		}
	}
	return best
}

// counting returns hits with, second, the first passage of the best hit's
// document that counts what a how-many question counts ("He had three
// daughters" for "how many daughters did the king have?"), when none of
// the first cueWindow hits does: a long opening that says it once ranks
// below the passages that name the king's daughters again and again.
func (p *Pipeline) counting(question string, hits []search.Hit) []search.Hit {
	if len(hits) == 0 || questionType(question) != qHowMany {
		return hits
	}
	q := p.analyzeQuestion(question, question)
	if q.counts == "" || q.howLong || q.howOld || q.measure {
		return hits
	}
	if slices.ContainsFunc(hits[:min(cueWindow, len(hits))], func(h search.Hit) bool { return p.counts(q, h.Passage.Text) }) {
		return hits
	}
	d := p.document(hits[0].Passage.Doc)
	if d == nil {
		return hits
	}
	for i := range d.Passages {
		if ps := &d.Passages[i]; p.counts(q, ps.Text) {
			return slices.Insert(slices.Clone(hits), 1, search.Hit{Passage: ps, Score: hits[0].Score, Match: hits[0].Match})
		}
	}
	return hits
}

// counts reports whether text holds a number, not "many" nor "several",
// that counts what q counts ("three daughters", "two older sisters"; a
// name only right after it: "one day Isaac" counts no Isaac).
func (p *Pipeline) counts(q questionTerms, text string) bool {
	var toks []textan.Token
	textan.Tokenize(text, func(t textan.Token) { toks = append(toks, t) })
	for i, t := range toks {
		if !countAt(q, toks, i) || vagueCount[strings.ToLower(t.Text)] {
			continue
		}
		for j, n := range toks[i+1 : min(i+3, len(toks))] {
			if r, _ := utf8.DecodeRuneInString(n.Text); p.an.Term(n.Text) == q.counts && (j == 0 || !unicode.IsUpper(r)) { // not "one day Isaac"
				return true
			}
		}
	}
	return false
}

// countAt reports whether toks[i] is a number, all of it, that q does not
// hold and that is no part of a date: a count countCue and counts read.
func countAt(q questionTerms, toks []textan.Token, i int) bool {
	t := toks[i].Text
	return numberRe.FindString(t) == t && t != "" && !q.words[strings.ToLower(t)] && !inDate(toks, i)
}

// vagueCount are the words numberRe finds that count without a number.
var vagueCount = setOf("several many few hundreds thousands millions billions dozens")

// speechAskRe asks what someone said: "what did Peter say to the
// king?", "what did the goblin tell the tin soldier?"; group 1 is the
// speaker.
var speechAskRe = regexp.MustCompile(`^(?:and\s+|so\s+)?what\s+did\s+(.+?)\s+(?:say|tell|ask|reply|answer|shout|cry|call\s+out|whisper|sing|yell|scream)\b`)

// measureAskRe asks a size, a weight or a distance, which a number
// answers; its adjective is no word the answer must hold (kindTerms).
// priceAskRe asks what something cost or was paid, in a sum of money:
// "How much did the cyberattack cost Albania in euros?", "how much did he
// pay for the goose?".
var priceAskRe = regexp.MustCompile(`(?i)\bhow\s+much\b.*\b(?:cost|costs|costed|price|pay|paid|charge|charged|spend|spent|euros?|dollars?)\b`)

var measureAskRe = regexp.MustCompile(`(?i)\bhow\s+(big|large|heavy|tall|high|wide|deep|far|thick|small)\b`)

// measureRe finds a measure: a number and a unit ("thirty hundred-weights",
// "two yards", "ten feet high").
// moneyRe is a sum of money: a number before a currency, or a currency's
// sign before a number.
var moneyRe = regexp.MustCompile(`(?i)\b(?:\d[\d,.]*|a|` + numberWords + `|several|many|few)[\s-]+(?:\w+[\s-]+)?(?:dollars?|pounds?|shillings?|pence|pennies|penny|crowns?|florins?|guineas?|ducats?|marks?|francs?|rubles?|roubles?|thalers?|dalers?|gulden|pesos?|yen|euros?|rupees?|coins?|gold\s+pieces?|pieces\s+of\s+(?:gold|silver))\b|[$£€¥]\s?\d`)

var measureRe = regexp.MustCompile(`(?i)\b(?:\d[\d,.]*|a|` + numberWords + `|several|many|few)[\s-]+(?:\w+[\s-]+)?(?:hundred-?weights?|pounds?|ounces?|tons?|stones?|feet|foot|inch(?:es)?|yards?|ells?|fathoms?|miles?|leagues?|paces?|steps?|metres?|meters?|kilometres?|kilometers?|kilos?|kilograms?|grams?|hands?|spans?|cubits?)\b|\b(?:as|so)\s+(?:big|large|heavy|tall|high|wide|deep|far|thick|small|long)\s+as\b|\bthe\s+size\s+of\s+(?:a|an)\b|\b(?:bigger|larger|heavier|taller|higher|wider|deeper|farther|further|thicker|smaller|longer)\s+than\b`)

// promiseWord reports whether the question's words ask what someone
// promised or planned to do, which a sentence tells in the future ("The
// United States will take further action").
func promiseWord(words map[string]bool) bool {
	return words["promise"] || words["promised"] || words["pledge"] || words["pledged"] || words["vow"] || words["vowed"] || words["plan"] || words["planning"]
}

// futureRe finds what a sentence says will come: "The United States will
// take further action".
var futureRe = regexp.MustCompile(`(?i)\b(?:will|shall|going\s+to|further\s+(?:\w+\s+)?(?:action|actions|steps|measures|sanctions|attacks))\b|\w'll\b|\w’ll\b`)

// quotationRe is a quotation's mark: what someone said.
var quotationRe = regexp.MustCompile(`["“”]`)

// pronounTagRe is a speech tag of a pronoun: "said he", "she cried".
var pronounTagRe = regexp.MustCompile(`(?i)\b(?:(?:said|says|cried|asked|answered|replied|shouted|exclaimed|called|whispered|continued|added|sang|went\s+on)\s+(?:he|she)|(?:he|she)\s+(?:said|says|cried|asked|answered|replied|shouted|exclaimed|called|whispered|continued|added|sang|went\s+on))\b`)

// saidBy reports whether s is a quotation tagged with speaker (terms) by
// one of speechVerbs:
// "“I have had no more than a dish of mush …,” said the cat".
func (p *Pipeline) saidBy(speaker []string, s string) bool {
	if len(speaker) == 0 || !quotationRe.MatchString(s) {
		return false
	}
	var toks []string
	textan.Tokenize(s, func(t textan.Token) { toks = append(toks, t.Text) })
	for i, w := range toks {
		if !speechVerbs[strings.ToLower(w)] {
			continue
		}
		for _, n := range toks[max(0, i-3):min(len(toks), i+4)] {
			if slices.Contains(speaker, p.an.Term(n)) {
				return true
			}
		}
	}
	return false
}

// spokenBy reports whether the sentence s, a quotation tagged with a
// pronoun ("“Oh, look!” said he"), is said by speaker (terms) because the
// sentence before names them and s does not name them itself: a story
// names the speaker once and goes on with "he".
func (p *Pipeline) spokenBy(speaker []string, s, prev string) bool {
	if len(speaker) == 0 || !quotationRe.MatchString(s) || !pronounTagRe.MatchString(s) {
		return false
	}
	have := setOf(strings.Join(p.an.Terms(prev), " "))
	for _, t := range speaker {
		if !have[t] {
			return false
		}
	}
	return true
}

// traitNear is how many words from the one it describes an adjective of
// traitRe may stand: "the greedy Cassim", "Cassim, rich and greedy".
const traitNear = 3

// traitCue is the cue of a question what someone was like: 1 for an
// adjective of traitRe or a colour within traitNear words of a word of
// the question ("the greedy Cassim"), 0.5 for one elsewhere in s
// ("Morgiana, a clever slave-girl in Cassim's household" is Morgiana's).
func (p *Pipeline) traitCue(q questionTerms, s string) float64 {
	var toks []textan.Token
	textan.Tokenize(s, func(t textan.Token) { toks = append(toks, t) })
	best := 0.0
	for i, t := range toks {
		if traitRe.FindString(t.Text) != t.Text && colourRe.FindString(t.Text) != t.Text {
			continue
		}
		best = 0.5
		for _, n := range toks[max(i-traitNear, 0):min(i+traitNear+1, len(toks))] {
			if q.prior[p.an.Term(n.Text)] == 1 {
				return 1
			}
		}
	}
	return best
}

// inDate reports whether the number toks[i] is part of a date, not a
// count: a day beside its month ("July 15", "20 June") or a year.
func inDate(toks []textan.Token, i int) bool {
	month := func(j int) bool { return j >= 0 && j < len(toks) && monthRe.MatchString(toks[j].Text) }
	return month(i-1) || month(i+1) || yearRe.MatchString(toks[i].Text)
}

// cue is Pipeline.cue for every question type but how many.
func cue(qt qtype, s string, qwords map[string]bool) float64 {
	fresh := func(matches []string) bool {
		for _, m := range matches {
			if !qwords[strings.ToLower(strings.Trim(m, " ,."))] {
				return true
			}
		}
		return false
	}
	if asksJob(qwords) { // "wat job did dick have": "a certain horse-dealer", "the trade of a woodcutter"
		return b2f(fresh(professionRe.FindAllString(s, -1)))
	}
	if (qt == qOther || qt == qOutcome) && asksColour(qwords) { // "what color was the horse?"
		if fresh(slices.DeleteFunc(colourRe.FindAllString(s, -1), textan.Capitalized)) { // not a name's: "White Owl"
			return 1
		}
		return 0
	}
	switch qt {
	case qHowMany:
		if fresh(numberRe.FindAllString(s, -1)) {
			return 1
		}
	case qWhen:
		if qwords["week"] { // "what day of the week?": "on Wednesday"
			return b2f(fresh(weekdayRe.FindAllString(s, -1)))
		}
		full := fullDateRe.FindAllString(s, -1)
		if qwords["date"] || qwords["day"] { // "On what date...?": a month alone is not the answer
			full = slices.DeleteFunc(full, monthRe.MatchString)
		}
		if qwords["day"] { // "What day was the attack?": nor a year
			full = slices.DeleteFunc(full, yearRe.MatchString)
		}
		if fresh(slices.DeleteFunc(slices.Clone(full), func(d string) bool { // a month or a year alone says less: "Iran's July cyberattack", not "the July 15 cyberattack"
			return monthRe.MatchString(d) && !qwords["month"] || yearRe.MatchString(d) && !qwords["year"]
		})) {
			return 1
		}
		if fresh(full) {
			return 0.75
		}
		if fresh(dateRe.FindAllString(s, -1)) {
			return 0.5
		}
	case qDefine:
		if defineRe.MatchString(s) {
			return 1
		}
	case qDescribe:
		if describeRe.MatchString(s) {
			return 1
		}
	case qWho:
		named := s
		if !speakerAsked(qwords) { // "who hacked them?": not "This extreme response … is fully proportional …," PM Rama said; his name tells who spoke
			named = speechTagRe.ReplaceAllString(s, "$1")
		}
		if namesSomeone(named, qwords) {
			return 1
		}
		if fresh(personRe.FindAllString(s, -1)) {
			return 0.5
		}
	case qWhere:
		for _, m := range placeRe.FindAllString(s, -1) {
			f := strings.Fields(m)
			if w := f[len(f)-1]; !qwords[strings.ToLower(w)] && !timeNameRe.MatchString(w) { // not "in June"
				return 1
			}
		}
	case qWhy:
		if whyRe.MatchString(s) {
			return 1
		}
		if weakWhyRe.MatchString(s) {
			return 0.5
		}
	case qFeel:
		if fresh(feelRe.FindAllString(s, -1)) {
			return 1
		}
	}
	return 0
}

// speechTagRe matches the speech tag after a quotation that ends a
// sentence ("…,” PM Rama said."); group 1 is the quotation's closing mark.
var speechTagRe = regexp.MustCompile(`([”"])\s*,?\s*[^”"“]{0,80}?\b(?:said|says|declared|stated|added|told|wrote|read|announced|asked|answered|replied|cried)\b[^”"“]*$`)

// speakerAsked reports whether a who-question's words ask who spoke ("who
// said that?", "who announced it?"), which a speech tag answers.
func speakerAsked(qwords map[string]bool) bool {
	for w := range qwords {
		if speakingWords[w] {
			return true
		}
	}
	return false
}

// speakingWords are the words of a who-question that ask who spoke.
var speakingWords = setOf("say said says announce announced declare declared state stated tell told claim claimed statement write wrote ask asked answer answered reply replied call called")

// colourAskRe matches a question that asks for a colour ("what color was
// the horse?"; not "to show herself in her true colors").
var colourAskRe = regexp.MustCompile(`(?i)\b(?:what|which)\s+colou?rs?\b`)

// asksColour reports whether the question's words ask for a colour.
func asksColour(qwords map[string]bool) bool {
	return qwords["color"] || qwords["colour"] || qwords["colors"] || qwords["colours"]
}

// namesSomeone reports whether s has a capitalised word, not its first,
// that the question does not have.
func namesSomeone(s string, qwords map[string]bool) bool {
	first := true
	found := false
	textan.Tokenize(s, func(t textan.Token) {
		r, _ := utf8.DecodeRuneInString(t.Text)
		if !first && unicode.IsUpper(r) && t.Text != "I" && !qwords[strings.ToLower(t.Text)] {
			found = true
		}
		first = false
	})
	return found
}
