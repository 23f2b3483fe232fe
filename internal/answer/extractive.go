package answer

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"storybot/internal/reldate"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"storybot/internal/cite"
	"storybot/internal/knowledge"
	"storybot/internal/search"
	"storybot/internal/textan"
)

// The offline answer quotes up to three sentences of the retrieved passages
// (textan.Sentences, so hard-wrapped text gives whole sentences), each cited
// by its own paragraph and lines. A sentence scores by the share of the
// question's words it holds (a word it says otherwise, a WordNet synonym,
// counting weightSynonym of it), each weighed by how rare it is among the
// candidate sentences, by how close together they stand, and by whether it
// holds what the question asks for (a name for who, a date for when...: see
// cue). The weights below were tuned on the odd-numbered FairytaleQA stories
// and checked on the even ones (README, "Offline answers"). This hand-made
// score decides whether any sentence answers; which sentences are quoted,
// the learned ranking decides (rank.go), with the score as one of its
// features.
const (
	maxSentences    = 3    // sentences quoted at most
	candPassages    = 5    // passages whose sentences are candidates
	weightProximity = 0.25 // question words found side by side
	weightCue       = 0.4  // the sentence holds what the question asks for
	weightFrame     = 0.3  // weight of a framing word ("happen", "say") against a topic word
	weightSynonym   = 0.8  // a question word the sentence says otherwise (a WordNet synonym: "foiled" for "thwarted")
	rankDecay       = 0.03 // each lower retrieval rank scores this much less
	otherDocFactor  = 0.7  // a sentence outside the best sentence's document
	shortFactor     = 0.6  // a sentence under 4 words
	longFactor      = 0.85 // a sentence over 70 words
	followFactor    = 0.5  // a follow-up's sentence without any of its own words
)

// candidate is a sentence of a retrieved passage, scored for a question.
type candidate struct {
	sp       *sourcePassage
	rank     int             // the passage's rank
	sent     textan.Sentence // offsets and lines within the passage's text
	idx      int             // position in its passage
	terms    map[string]bool // question terms the sentence holds
	syns     map[string]bool // question terms it does not hold but has a synonym of
	score    float64         // the hand-made score
	coverage float64         // share of the question's words it holds, each weighed by rarity
	reach    float64         // coverage, counting the words of its document's title as held (unsure; the coverage of the document's first sentence)
	cue      float64         // whether it holds what the question asks for (Pipeline.cue)
	prox     float64         // how close together the question's words stand in it (proximity)
	z        float64         // the learned ranking score (rankScore)
}

// text is the sentence on one line, document reference marks neutralised.
func (c *candidate) text() string { return SourceRefs(c.sent.Text) }

// extractive builds the offline answer: the one to three sentences of the
// passages that best answer the question, best first, each cited by its
// own lines; for a question that asks for a list of names, the list
// (namesAnswer).
//
// focus is the question as the user typed it: when it differs from question
// (a follow-up completed with words of the conversation), its own words
// weigh triple and sentences without any of them count half.
func (p *Pipeline) extractive(question, focus string, passages []*sourcePassage) Answer {
	if kind, groups, source := p.listedNames(focus); kind != "" { // "which countries are involved?": no sentence answers
		if a, _, ok := namesAnswer(kind, groups, source); ok {
			return a
		}
	}
	ans := Answer{Mode: ModeExtractive, Citations: []Citation{}, Warnings: []string{}}
	chosen, hedge := p.chooseSentences(question, focus, passages)
	chosen = p.withNextQuotation(withQuotations(chosen))
	if len(chosen) == 0 {
		ans.Refused = true
		switch {
		case len(passages) > 0 && passages[0].after != "": // "And then?" after a document's last sentence
			ans.Text = MsgNextDone
		case !p.hasTopic(question): // an overview whose openings were all quoted before
			ans.Text = MsgOverviewDone
		case len(passages) > 0 && passages[0].said != "": // "Tell me more" with all quoted before
			ans.Text = MsgMoreDone
		default:
			ans.Text = p.notCovered()
		}
		return ans
	}
	// Sentences of one paragraph share a citation: its location spans
	// their lines, its text (what Show sources quotes) is the paragraph,
	// its quote the first of them in the text.
	type para struct {
		n          int
		start, end int // the span of its quoted sentences in the passage's text
	}
	paras := map[string]*para{}
	var lines []quoteLine
	for _, c := range chosen {
		ps := c.sp.Hit.Passage
		lo, _ := paragraphAround(ps.Text, c.sent.Start, c.sent.End)
		key := ps.ID + "\x00" + strconv.Itoa(lo)
		pa := paras[key]
		if pa == nil {
			pa = &para{n: len(ans.Citations) + 1, start: c.sent.Start, end: c.sent.End}
			paras[key] = pa
			ans.Citations = append(ans.Citations, spanCitation(pa.n, ps, c.sent.Start, c.sent.End, c.sent.Text))
		}
		if c.sent.Start < pa.start { // the quote is the first of them in the text, as the line reads
			ans.Citations[pa.n-1].Quote = spanCitation(pa.n, ps, c.sent.Start, c.sent.End, c.sent.Text).Quote
		}
		pa.start, pa.end = min(pa.start, c.sent.Start), max(pa.end, c.sent.End)
		ans.Citations[pa.n-1].Location = ps.Span(pa.start, pa.end).Location()
		lines = joinQuote(lines, c, pa.n)
	}
	var b strings.Builder
	b.WriteString(extractiveLabel)
	if hedge != "" {
		ans.Refused = hedge != MsgNoMoral && hedge != MsgNoPlace && !strings.HasPrefix(hedge, undefinedOpening) // a tale's end is what it teaches, said to state no moral; its opening, said to name no place, tells where it is all the same; where a word is used shows what it means there
		b.Reset()
		b.WriteString(hedge)
	}
	for _, l := range lines {
		texts := make([]string, len(l.sents))
		for i, c := range l.sents {
			texts[i] = c.text()
		}
		resumes, continues := textan.OpenQuotations(strings.Join(texts, " ")) // half a speech says so, as a piece of a sentence does
		if l.sents[0].sent.Resumed || resumes {                               // a piece of a sentence too long to quote whole says so
			texts[0] = "… " + texts[0]
		}
		if l.sents[len(l.sents)-1].sent.Continued || continues {
			texts[len(texts)-1] += " …"
		}
		b.WriteString("\n> " + strings.Join(texts, " ") + " " + cite.Format(l.n))
	}
	if n := p.moreDocuments(question, chosen); n > 0 {
		b.WriteString("\n" + moreDocumentsText(n))
	}
	if note := p.dayNamed(question, chosen); note != "" {
		b.WriteString("\n" + note)
	}
	ans.Text = b.String()
	return ans
}

// inTitle reports whether every topic word of question is one of title's.
func (p *Pipeline) inTitle(question, title string) bool {
	return anyHoldsAll([]map[string]bool{setOf(strings.Join(p.an.Terms(title), " "))}, p.topicTerms(question))
}

// nearestTime reports whether the relative day at byte at of s is the
// time nearest to a word of question that s holds (not a name): of
// "Iran’s July cyberattack on Albania proved to be the final straw
// prompting Tirana to sever its diplomatic relations with Teheran on
// Wednesday", "relations" (of "when did albania cut ties?") is nearest "on
// Wednesday", "cyberattack" (of "when was the attack?") "July".
func (p *Pipeline) nearestTime(question, s string, at int) bool {
	want := map[string]bool{}
	for _, t := range p.topicTerms(question) {
		want[t] = true
		for _, syn := range p.syn.Lookup(t) { // "cut": "sever"
			want[syn] = true
		}
	}
	var words, times []int // token positions of the question's words and of the times s names
	day, i := -1, 0
	textan.Tokenize(s, func(tok textan.Token) {
		if _, ok := monthOf(tok.Text); ok && textan.Capitalized(tok.Text) || yearRe.MatchString(tok.Text) {
			times = append(times, i)
		}
		if tok.Start >= at && day < 0 {
			day = i
			times = append(times, i)
		}
		if want[p.an.Term(tok.Text)] && !textan.Capitalized(tok.Text) {
			words = append(words, i)
		}
		i++
	})
	for _, w := range words {
		nearest := -1
		for _, t := range times {
			if nearest < 0 || abs(t-w) < abs(nearest-w) {
				nearest = t
			}
		}
		if nearest == day {
			return true
		}
	}
	return false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// dayNamed returns, for a when-question whose first quote names a day only
// relative to its dated document ("on Wednesday"), which day that is:
// "(“on Wednesday”: Wednesday 7 September 2022, by the date of “Albania
// cuts ties with Iran”.)"; the answer said only "on Wednesday". Else "".
func (p *Pipeline) dayNamed(question string, chosen []*candidate) string {
	if questionType(question) != qWhen || len(chosen) == 0 {
		return ""
	}
	text := chosen[0].text()
	loc := reldate.Pattern.FindStringIndex(text)
	d := p.document(chosen[0].sp.Hit.Passage.Doc)
	if loc == nil || d == nil || d.Date == "" || !p.nearestTime(question, text, loc[0]) && !(chosen[0].idx == 0 && p.opensDoc(chosen[0].sp.Hit.Passage) && p.inTitle(question, d.Title)) { // the headline's event is the lede's: "when did albania cut ties with iran?" of "Albania cuts ties with Iran", whose lede says "sever … on Wednesday"
		return ""
	}
	m := text[loc[0]:loc[1]]
	ref, err := time.Parse(time.DateOnly, d.Date)
	if err != nil {
		return ""
	}
	day, ok := reldate.Resolve(m, ref)
	if !ok {
		return ""
	}
	return fmt.Sprintf("(“%s”: %s, by the date of “%s”.)", m, day.Format("Monday 2 January 2006"), d.Title)
}

// withNextQuotation returns chosen with the quotation that a speech tag
// ending its passage introduces ("But the bride answered,"), the first
// sentence of the document's next passage (with the sentences that close
// the quotation it opens), quoted after it: the tag alone says nothing.
// Within a passage, withQuotations joins them.
func (p *Pipeline) withNextQuotation(chosen []*candidate) []*candidate {
	out := slices.Clone(chosen)
	for i := 0; i < len(out); i++ {
		c := out[i]
		ps := c.sp.Hit.Passage
		if t := strings.TrimSpace(c.sent.Text); !strings.HasSuffix(t, ",") && !strings.HasSuffix(t, ":") || strings.TrimSpace(ps.Text[c.sent.End:]) != "" {
			continue
		}
		d := p.document(ps.Doc)
		if d == nil {
			continue
		}
		k := slices.IndexFunc(d.Passages, func(o knowledge.Passage) bool { return o.ID == ps.ID })
		if k < 0 || k+1 >= len(d.Passages) {
			continue
		}
		next := &d.Passages[k+1]
		ss := textan.Sentences(next.Text)
		if len(ss) == 0 {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(ss[0].Text); !strings.ContainsRune("\"“'‘", r) || slices.ContainsFunc(out, func(o *candidate) bool { return o.sp.Hit.Passage.ID == next.ID && o.sent.Start == ss[0].Start }) {
			continue // no quotation opens it, or it is quoted already
		}
		sent, _ := textan.WithQuotationEnd(next.Text, ss, 0)
		q := &candidate{sp: &sourcePassage{N: c.sp.N, Hit: search.Hit{Passage: next}}, sent: sent, rank: c.rank}
		out = slices.Insert(out, i+1, q)
		i++
	}
	return out
}

// withQuotations returns chosen with each speech tag that ends its
// paragraph joined with the quotation after it (textan.WithQuotation: "…
// knocked at the house-door, and cried," said nothing), and each sentence
// that opens a quotation with the one or two that close it
// (textan.WithQuotationEnd: "'That's easy enough to promise." was half the
// King's thought), and each that closes one with those that open it
// (textan.WithQuotationStart); what it joined is not quoted again on its
// own.
func withQuotations(chosen []*candidate) []*candidate {
	out := slices.Clone(chosen)
	for i := 0; i < len(out); i++ {
		c := out[i]
		text := c.sp.Hit.Passage.Text
		ss := textan.Sentences(text)
		k := slices.IndexFunc(ss, func(s textan.Sentence) bool { return s.Start == c.sent.Start })
		if k < 0 || c.sent.End != ss[k].End {
			continue // joined already
		}
		joined, ok := textan.WithQuotation(text, ss, k)
		if !ok {
			joined, ok = textan.WithQuotationEnd(text, ss, k)
		}
		if !ok {
			joined, ok = textan.WithQuotationStart(text, ss, k)
		}
		if !ok {
			continue
		}
		m := *c
		m.sent = joined
		out[i] = &m
		inside := func(o *candidate) bool {
			return o != &m && o.sp == c.sp && o.sent.Start >= joined.Start && o.sent.Start < joined.End
		}
		if q := slices.IndexFunc(out, inside); q >= 0 && q < i { // a sentence it joined led: the joined one takes its place
			out[q] = &m
			out = slices.Delete(out, i, i+1)
			i--
		}
		out = slices.DeleteFunc(out, inside) // not quoted twice
	}
	return out
}

// quoteLine is one quoted line of an offline answer: sentences that follow
// each other in the text, and their citation number.
type quoteLine struct {
	sents []*candidate
	n     int
}

// joinQuote adds c, cited n, to lines: to the line of the same citation (the
// same paragraph) whose sentences it directly follows or precedes, so that
// it reads as the text does
// ("The king had three daughters. He loved them all. [1]"), else as a line
// of its own.
func joinQuote(lines []quoteLine, c *candidate, n int) []quoteLine {
	for i, l := range lines {
		first, last := l.sents[0], l.sents[len(l.sents)-1]
		switch {
		case l.n != n:
			continue
		case last.sp == c.sp && last.idx+1 == c.idx:
			lines[i].sents = append(l.sents, c)
			return lines
		case first.sp == c.sp && first.idx == c.idx+1:
			lines[i].sents = append([]*candidate{c}, l.sents...)
			return lines
		}
	}
	return append(lines, quoteLine{sents: []*candidate{c}, n: n})
}

// paragraphAround returns the bounds of the paragraph of text (lines
// between blank lines) that holds text[start:end].
func paragraphAround(text string, start, end int) (lo, hi int) {
	lo = strings.LastIndex(text[:start], "\n\n")
	if lo < 0 {
		lo = 0
	} else {
		lo += 2
	}
	hi = strings.Index(text[end:], "\n\n")
	if hi < 0 {
		hi = len(text)
	} else {
		hi += end
	}
	return lo, hi
}

// questionTerms are a question's analyzed terms, each with its weight
// before rarity: framing words count less than topic words, and a
// follow-up's own words triple.
type questionTerms struct {
	list           []string
	prior          map[string]float64
	focus          map[string]bool // a follow-up's own terms; empty for a question asked alone
	followUp       bool            // a follow-up, completed with words of the conversation
	words          map[string]bool // the question's words, lower-cased, for cues
	whatIs         bool            // what something of few words is or was (whatIsRe)
	cameAfter      bool            // it asks what came after, when or once something happened (cameAfterRe)
	counts         string          // what a how-many question counts: the term after "how many" ("groups"; "thieves" of "how many of the thieves")
	countsAny      bool            // a how-many question that counts what a pronoun stands for ("how many of them?"): any count answers
	howLong        bool            // a how-long question: it asks for a duration
	howOld         bool            // a how-old question: it asks for an age
	ifAsked        bool            // a question what happens if something is done (ifAskRe): a condition told answers it
	measure        bool            // a how-big, how-heavy, how-far question: it asks for a measure
	price          bool            // a how-much question of a price (priceAskRe): a sum of money answers it
	trait          bool            // a question what someone was like (traitAskRe): the story's adjectives answer it
	speaker        []string        // a question what someone said (speechAskRe): their terms ("king")
	named          string          // a question of someone's name (nameAskRe): their term ("mother")
	describedNamed string          // … of someone described further ("the ambassador to Albania"), whom a sentence may name without the noun: its term
	namedKind      string          // of a group's name, the term of the word before its noun ("hack" of "the hacking group"), which the sentence that names it must hold
	leader         string          // a leader question's term for leading (leaderTerm): a title holds it
	placed         string          // a where-question's verb of place ("based"), whose synonyms are no answer's
	kindOf         *regexp.Regexp  // for a question what kind of creature someone is (kindAskRe), what says it of them (saysKind): "ginger was a …"
	qt             qtype
	topics         int // terms that are not framing words
}

func (p *Pipeline) analyzeQuestion(question, focus string) questionTerms {
	q := questionTerms{prior: map[string]float64{}, focus: map[string]bool{}, words: map[string]bool{}, qt: questionType(question),
		howLong: howLongRe.MatchString(question) && !howLongAgoRe.MatchString(question), howOld: howOldRe.MatchString(question), ifAsked: ifAskRe.MatchString(question), measure: measureAskRe.MatchString(question), price: priceAskRe.MatchString(question), trait: traitAskRe.MatchString(lowerQuestion(question)), leader: p.leaderTerm(question),
		whatIs: whatIsRe.MatchString(question), cameAfter: cameAfterRe.MatchString(question)}
	q.named, q.describedNamed = p.nameAsked(question)
	q.namedKind = p.groupKindAsked(question, q.named)
	if m := whereFrame.FindStringSubmatch(question); m != nil {
		q.placed = p.an.Term(m[1])
	}
	kindNoun := ""
	if m := kindAskRe.FindStringSubmatch(question); m != nil && textan.IsCreature(m[1]) {
		q.kindOf, kindNoun = kindSaidRe(m[2]), p.an.Term(m[1])
	}
	for _, t := range p.an.Terms(searchText(ofTheWeekRe.ReplaceAllString(kindOf.ReplaceAllString(atTheEndRe.ReplaceAllString(question, ""), "what"), " "))) { // the closing passages say "at the end"; "what kind of" is "what"; "day of the week" is a weekday (cue), no "weeks-long"
		if _, dup := q.prior[t]; dup || stressTerms()[t] {
			continue
		}
		q.list = append(q.list, t)
		q.prior[t] = 1
		if frameTerms()[t] || t == kindNoun { // "animal" of "what kind of animal is ginger?" is what kind of answer, no topic
			q.prior[t] = weightFrame
		} else {
			q.topics++
		}
	}
	if m := speechAskRe.FindStringSubmatch(lowerQuestion(question)); m != nil {
		q.speaker = slices.DeleteFunc(p.an.Terms(m[1]), func(t string) bool { return frameTerms()[t] || p.vague[t] })
	}
	if noun := agentPlace(question); noun != "" {
		if t := p.an.Term(noun); q.prior[t] == 1 {
			q.prior[t] = weightFrame
			q.topics--
		}
	}
	if m := headNounRe.FindStringSubmatch(question); m != nil && !namedKind(m[1]) { // "What systems were hit in the July cyberattack on Albania?": the kind of thing asked weighs more than the words that place it; not "which country …?", whose answer is a name
		if t := p.an.Term(m[1]); q.prior[t] == 1 {
			q.prior[t] = weightHeadNoun
		}
	}
	for t := range p.kindTerms(question) { // "like", "nice": what kind of answer, not its topic
		if q.prior[t] == 1 {
			q.prior[t] = weightFrame
			q.topics--
		}
	}
	if t := p.an.Term("one"); orderAsked(question) != 0 && q.prior[t] == 1 { // "who was the first one it met?": its "one" is no topic ("said one of the children" led); "the first thing he did" answers "the first thing" asked
		q.prior[t] = weightFrame
		q.topics--
	}
	if focus != question {
		q.followUp = true
		for _, t := range p.an.Terms(focus) {
			if frameTerms()[t] || p.vague[t] {
				continue // "what happened to her children?": its own topic is "children", not "happen"
			}
			q.focus[t] = true
			if _, ok := q.prior[t]; ok {
				q.prior[t] *= 3
			}
		}
	}
	var prev string
	counting := false // after "how many", before what it counts
	textan.Tokenize(question, func(t textan.Token) {
		w := strings.ToLower(t.Text)
		if prev == "many" || prev == "much" {
			counting = q.counts == "" && !q.countsAny
		}
		if counting {
			switch w {
			case "of", "the", "his", "her", "their", "its", "our", "my", "your":
			case "them", "those", "these", "us", "you", "it", "they":
				q.countsAny, counting = true, false // "how many of them are there?": any count answers
			default:
				q.counts, counting = p.an.Term(w), false
			}
		}
		q.words[w] = true
		prev = w
	})
	return q
}

// headNounRe is a what- or which-question's noun, what it asks for a
// kind of (group 1): "What systems were hit …?".
var headNounRe = regexp.MustCompile(`(?i)^\W*(?:what|which)\s+(\pL+)\s+(?:was|were|is|are|did|do|does|had|has|have)\b`)

// namedKind reports whether the noun w is a kind whose members are named
// (a place, a group, a person or an animal: "country", "party", "king"),
// so that a name answers "which country …?" without the noun.
func namedKind(w string) bool {
	w = strings.ToLower(w)
	one := strings.TrimSuffix(w, "s")
	return namedPlaces[w] || namedPlaces[one] || namedGroups[w] || namedGroups[one] || textan.IsCreature(w)
}

// weightHeadNoun is the weight of headNounRe's noun against a topic
// word's 1.
const weightHeadNoun = 2.0

// whereFrame matches a where-question's verb that says it asks for a
// place: "where are the MEK based?". The verb may be the answer's
// ("NTCP is located in the basolateral membrane"), its WordNet synonyms are
// not ("base" is also "mean": "through peaceful means").
var whereFrame = regexp.MustCompile(`(?i)^\W*(?:and\s+)?where\b.*?\s(located|situated|based|headquartered)\b`)

// ofTheWeekRe is the "of the week" of "what day of the week?", which a
// weekday answers (cue), not a sentence that says "weeks".
var ofTheWeekRe = regexp.MustCompile(`(?i)\bof\s+the\s+week\b`)

// kindOf asks for a kind ("what kind of systems were hit?"): its "kind"
// is no word to find ("responded in kind").
var kindOf = regexp.MustCompile(`(?i)\b(?:what|which)\s+(?:kinds?|types?|sorts?)\s+of\b`)

// kindAskRe asks what kind of creature someone is: "what kind of animal
// is ginger?" (group 1 the kind, group 2 whom). A sentence that says what
// they were answers it (saysKind): "Ginger was a yellow tom-cat".
var kindAskRe = regexp.MustCompile(`(?i)\b(?:what|which)\s+(?:kinds?|types?|sorts?)\s+of\s+([\pL-]+)\s+(?:is|was|are|were)\s+(?:(?:the|a|an)\s+)?([\pL'’-]+)\W*$`)

// kindSaidRe returns what says of who that they were something: "who was
// a (up to two words) noun", the noun phrase its group; compiled once a
// question, not once a sentence.
func kindSaidRe(who string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(who) + `\s+(?:is|was|are|were)\s+(?:a|an)\s+((?:[\pL-]+\s+){0,2}[\pL-]+)`)
}

// saysKind reports whether s says with said (kindSaidRe) that someone is
// a creature (textan.IsCreature: "a yellow tom-cat", "a terrier", "a
// poor woodcutter").
func saysKind(said *regexp.Regexp, s string) bool {
	for _, m := range said.FindAllStringSubmatch(s, -1) {
		if slices.ContainsFunc(strings.Fields(m[1]), textan.IsCreature) {
			return true
		}
	}
	return false
}

// maximNear returns the last sentence of passages, the closing ones, that
// states a lesson as a rule (maximRe), or nil: The Ugly Duckling says "He
// was more than happy, and yet not proud, for a good heart is never puffed
// up." a paragraph before its last.
func maximNear(passages []*sourcePassage) *candidate {
	var found *candidate
	for rank, sp := range passages {
		for i, s := range textan.Sentences(sp.Hit.Passage.Text) {
			if maximRe.MatchString(s.Text) {
				found = &candidate{sp: sp, rank: rank, sent: s, idx: i}
			}
		}
	}
	return found
}

// maximRe is a sentence that states a lesson as a rule, as a tale's last
// line may: "It is not always the silliest one that sits kicking his feet
// in the ashes at home.", "a good heart is never puffed up", "Those who …".
// A moral asked for of an end that holds one is no MsgNoMoral.
var maximRe = regexp.MustCompile(`(?i)\b(?:it\s+is\s+(?:not\s+)?(?:always|never|better|best|wiser)\b|an?\s+(?:good|kind|true|wise|brave|honest)\s+\w+\s+(?:is|are)\s+(?:never|always)\b|(?:whoever|he\s+who|she\s+who|those\s+who|they\s+who)\s+\w+|(?:one|we|you)\s+(?:should|must)\s+(?:never|always)\b)`)

// fateAskRe asks what became of the person the last answer told of:
// "what happened to her?", "what became of them?". Its answer is news
// about them, not the last answer again ("who said that?", "where do they
// live?" are answered by the last answer's own sentences: passing over
// them for every follow-up failed those and cost FairytaleQA as
// conversations 3 answers in each half).
var fateAskRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|then\s+)?what\s+(?:happened|happens|will\s+happen|became|becomes)\s+(?:to|of)\s+(?:him|her|them)\W*$`)

// fateOfRe matches a question of what became of someone, named in a word
// or two and nothing else: "what happened to the courtier?", "what
// happened to her mom". Their fate is the last the story tells of them,
// not their first appearance ("Now it happened that the king was very
// sad").
var fateOfRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|then\s+|ok\s+)?what\s+(?:ever\s+)?(?:happened|happens|became)\s+(?:to|of)\s+(?:the\s+|his\s+|her\s+|their\s+|poor\s+|that\s+)?([\w'’-]+)(?:\s+([\w'’-]+))?\s*[?.!]*\s*$`)

// nowOfRe matches a question what someone is doing now, named in a word
// or two: "what's pickles doing now?", "where is the king now?". A tale
// tells it last ("Pickles is at present a gamekeeper"), as a fate. (In a
// conversation, "what does the duck do now?" asks what she does next.)
var nowOfRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|ok\s+)?(?:what(?:'s|’s|\s+is|\s+are)|where(?:'s|’s|\s+is|\s+are)|how(?:'s|’s|\s+is|\s+are))\s+(?:the\s+|his\s+|her\s+|their\s+|poor\s+|that\s+)?([\w'’-]+)(?:\s+([\w'’-]+))??(?:\s+(?:doing|living))?\s+(?:now|today|these\s+days|nowadays|at\s+present)\s*[?.!]*\s*$`)

// fateOf reports whether q asks what became of someone it names
// (fateOfRe), or what they do now (nowOfRe); not of "her" (fateAskRe).
func fateOf(q string) bool { return fateHead(q) != "" }

// fateHead returns the last word of whom q asks what became of (fateOf):
// "ram" of "what happened to the old ram?", which the story's last telling
// of him may write without "old" ("they tied his legs and put him into
// the cart and carried him away to the butcher" follows "the ram
// kicked"); or "".
func fateHead(q string) string {
	m := fateOfRe.FindStringSubmatch(q)
	if m == nil {
		m = nowOfRe.FindStringSubmatch(q)
	}
	if m == nil || objectPronoun[strings.ToLower(m[1])] {
		return ""
	}
	if m[2] != "" {
		return m[2]
	}
	return m[1]
}

// objectPronoun are the pronouns that stand for someone named before.
var objectPronoun = setOf("him her them it me us you")

// whyThatRe matches a question why the last answer is so: "why did they do
// that?", "why did the Emperor do that?", "why?", "how come?", "why would
// she do this", "why did that happen?", "and why was that?".
var whyThatRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|but\s+|ok\s+)?(?:why|how\s+come)(?:\s+(?:did|does|do|would|was|is|were|are|had|has)(?:\s+(?:\S+\s+){1,3}?(?:do|did|say|said)\s+(?:that|this|it|so)|\s+(?:that|this|it)(?:\s+(?:happen|be))?))?\W*$`)

// chooseSentences scores every sentence of the best passages and returns
// up to three, or none when no sentence plausibly answers: the one the
// learned ranking puts first, then others it finds at least keepProb as
// likely (rankScore). The best comes first, the others in the order of the
// text. hedge is "" when they answer, else what to say before them, which
// are only the nearest: MsgNearest for a question asked alone that no
// sentence seems to answer (unsure), MsgNoCount for a how-many question
// they count nothing for.
func (p *Pipeline) chooseSentences(question, focus string, passages []*sourcePassage) (chosen []*candidate, hedge string) {
	if len(passages) > 0 && passages[0].reply {
		return replySentences(passages), ""
	}
	if len(passages) > 0 && passages[0].after != "" {
		return nextSentences(passages), ""
	}
	if !p.hasTopic(question) || len(passages) > 0 && passages[0].overview {
		out := openingSentences(passages, p.asksEnding(focus) || yesNoRe.MatchString(focus) && fateAskedRe.MatchString(focus), sentencesAsked(focus)) // as typed, like Pipeline.openings; "is the pancake dead": how it ends (storyEndAsked)
		if p.report() != nil && comingAskRe.MatchString(focus) {                                                                                      // "what will happen next?" of a report: what it says will be, or that it says nothing of it
			if fut := futureSentences(passages); len(fut) > 0 {
				return fut, ""
			}
			return out, MsgNearest
		}
		out = p.withMainCharacter(focus, out, passages)
		// Offline, a moral asked for is the story's end, which states it in a
		// fable; of a tale whose end states none ("moral", "lesson"; not
		// "that is the way we learnt the whole story") it is quoted after
		// MsgNoMoral, not as its moral.
		if holdsWord(focus, p.moral) && !slices.ContainsFunc(out, func(c *candidate) bool {
			return holdsWord(c.sent.Text, p.moralSaid) || maximRe.MatchString(c.sent.Text)
		}) {
			if m := maximNear(passages); m != nil { // "for a good heart is never puffed up", a paragraph before the last
				return []*candidate{m}, ""
			}
			return out, MsgNoMoral // "what's the moral?" of a tale whose end states none
		}
		if placeAskRe.MatchString(focus) && settingAskRe.MatchString(focus) && !slices.ContainsFunc(out, func(c *candidate) bool { return placeRe.MatchString(c.text()) || settingPlaceRe.MatchString(c.text()) }) { // "in a certain village" says where
			return out, MsgNoPlace // "where does the story take place?" of a tale whose opening names no place
		}
		return out, ""
	}
	if p.villainAsked(focus) { // "who is the bad guy?"
		return p.villainSentences(passages), ""
	}
	if p.endAsked(focus) { // the closing passages (Pipeline.closing)
		return openingSentences(passages, true, sentencesAsked(focus)), ""
	}
	if name := p.whoIsName(focus); name != nil {
		if c := introSentences(name, passages); len(c) > 0 {
			return c, ""
		}
	}
	q, cands, ok := p.scored(question, focus, passages)
	if !ok {
		return nil, ""
	}
	p.rankScore(q, cands, passages[0].Score)
	ranked := make([]*candidate, len(cands))
	copy(ranked, cands)
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].z > ranked[j].z })
	ranked = slices.DeleteFunc(ranked, func(c *candidate) bool {
		return saidBefore(c.sp.said, c.sent) || p.metadataAside(q, c.sent.Text) // "Tell me more"
	})
	if len(ranked) == 0 {
		return nil, ""
	}
	if fateAskRe.MatchString(focus) { // "what happened to her?": about the last answer's person, something new
		if fresh := slices.DeleteFunc(slices.Clone(ranked), func(c *candidate) bool { return saidBefore(c.sp.last, c.sent) }); len(fresh) > 0 {
			ranked = fresh
		}
	}
	if q.qt == qWhen && passages[0].explained != "" { // "when did that happen?": the time the last answer's lead tells, or a sentence beside it; "when did they arrive?": the time it tells, when it tells of that
		if out := p.timeBeside(q, cands, passages[0].explained, whenThatRe.MatchString(focus)); out != nil {
			return out, ""
		}
	} else if fresh := slices.DeleteFunc(slices.Clone(ranked), func(c *candidate) bool { return saidBefore(c.sp.explained, c.sent) }); len(fresh) > 0 {
		ranked = fresh // "why did they do that?": not what they did
	}
	if top := ranked[0]; len(top.terms) == 0 { // "what did waupee choose at the feast?": "Waupee chose a white hawk's feather", in the question's words, before "those who selected tails", in none of them
		if i := slices.IndexFunc(ranked[1:min(3, len(ranked))], func(c *candidate) bool {
			return c.score >= wordsOverSynonyms*top.score && math.Exp(c.z-top.z) >= closeProb
		}); i >= 0 {
			ranked[0], ranked[i+1] = ranked[i+1], top
		}
	}
	best := ranked[0]
	coloured := "" // what a colour question asks the colour of (colouredRe)
	if m := colouredRe.FindStringSubmatch(focus); m != nil {
		coloured = m[1]
	}
	switch {
	case !p.counted(q, cands) && !(q.howOld && slices.ContainsFunc(ranked, func(c *candidate) bool { return c.cue == 1 && math.Exp(c.z-ranked[0].z) >= rescueProb })): // "how many wolves?" of a story that never counts them; an age the sentences the rescue below may lead with give ("She was not more than thirteen or fourteen years of age") names no one asked
		hedge = MsgNoCount
	case q.named != "" && !p.nameGiven(q, cands): // "what was the mother's name?" of a tale that never names her
		hedge = MsgNoName
	case q.describedNamed != "" && !slices.ContainsFunc(cands, func(c *candidate) bool { return c.terms[q.describedNamed] || c.syns[q.describedNamed] }): // "What is the name of the Iranian ambassador to Albania?" of a report that has no ambassador
		hedge = MsgNoName
	case !q.followUp && p.kindUnsaid(focus, best): // "is the MEK a terrorist group?" of a story that calls it no such thing
		hedge = MsgNearest
	case !q.followUp && (askedNow.MatchString(focus) || roleOfName(definedSubject(focus))) && p.ofEarlierYears(best): // "who is the current president of Iran?", "who is the president of iran?" of a report of 2022: "president Abolhassan Banisadr" in June 1981 is no answer
		hedge = MsgNearest
	case colourAskRe.MatchString(focus) && !slices.ContainsFunc(ranked, func(c *candidate) bool {
		return c.cue == 1 && len(c.terms) > 0 && math.Exp(c.z-best.z) >= rescueProb && p.holdsColoured(coloured, c, c == best)
	}): // "What color was the princess's hair?" of a tale that never tells it: not "cream-coloured horses"; "what color was finn's horse?" of a tale that gives no colour near it ("brilliantly coloured" palaces are no answer), nor in a sentence of its words ("what color were gray eagle's eyes?": "a large white owl")
		hedge = MsgNearest
	case q.qt == qWhen && q.words["will"] && !slices.ContainsFunc(ranked[:min(maxSentences, len(ranked))], func(c *candidate) bool { return futureRe.MatchString(c.text()) }): // "when will diplomatic relations be restored?": a day gone by is no answer; "In two years' time you will go to Taianfu" quoted second is one
		hedge = MsgNearest
	case !q.followUp && (saysAskRe.MatchString(focus) || everAskRe.MatchString(focus)) && p.unwritten(everWordsRe.ReplaceAllString(saysAskRe.ReplaceAllString(focus, " "), " "), passages) != "": // "Is Albania described as the first country to cut ties …?" of a report that never says "first"
		hedge = MsgNearest
	case !q.followUp && yesNoRe.MatchString(focus) && anyAskRe.MatchString(focus) && !p.anyTold(q, cands, anyAskRe.FindStringSubmatch(focus), passages): // "Was any money stolen in the attack?" of a report that never says "money"; "did anyone die in the cyberattack?" of one whose deaths are of 1981
		hedge = MsgNearest
	case !q.followUp && unsure(cands) && !p.saidBy(q.speaker, best.text()): // "what did the cat say to everyone?" and the cat's own words lead: they answer
		hedge = MsgNearest
	}
	if p.report() != nil && comingAskRe.MatchString(focus) && !futureRe.MatchString(best.text()) { // "what will happen next between Albania and Iran?", first or following: what the report says will come, or that it says nothing of it
		if i := slices.IndexFunc(ranked, func(c *candidate) bool { return futureRe.MatchString(c.text()) && math.Exp(c.z-best.z) >= rescueProb }); i >= 0 {
			ranked[0], ranked[i] = ranked[i], ranked[0]
			best = ranked[0]
		}
		hedge = cmp.Or(hedge, MsgNearest)
	}
	order := orderAsked(focus)
	if order != 0 && orderWordRe.MatchString(best.text()) { // the story says which came first: the ranking found it
		order = 0
	}
	fated := false // the sentence the story tells last leads, whatever its cue
	switch {
	case atTheEndRe.MatchString(question): // "what happened to Jegu in the end?": the last sentence of the end that tells of him
		best = inTextOrder(q, ranked, true, nil)
	case fateOf(focus) && p.undated(best): // "what happened to the courtier?": the last sentence that tells of him as the best does
		lead, head := best, p.an.Term(fateHead(focus))
		best, fated = inTextOrder(q, ranked, true, func(c *candidate) bool { return c.terms[head] || holdsTopicsOf(q, lead, c) }), true
	case order != 0: // "who did the pancake meet first?": the first (or last) in the text of the sentences that tell of it
		lead := best
		best = inTextOrder(q, ranked, order > 0, func(c *candidate) bool { return c.coverage >= lead.coverage/2 })
	case passages[0].sequel: // "what did the Sunball do about it?": the nearest sentence after the last answer that tells of it
		best = inTextOrder(q, ranked, false, nil)
	}
	out := []*candidate{best}
	leads := func(c *candidate) bool { return c.cue == 1 } // what the question asks for
	floor, share := rescueProb, rescueCoverage
	if subject := p.reactionOf(question); subject != nil {
		leads = func(c *candidate) bool { return p.startsWith(c.text(), subject) }
		floor, share = reactionRescueProb, 0
	} else if !factoid(q.qt) && !asksColour(q.words) {
		leads = nil
	} else if q.qt == qDefine {
		share = 0 // defineRescueCoverage decides
	} else if q.howOld {
		share = 0 // "She was not more than thirteen …" names no one the question does
	} else if q.qt == qHowMany && q.counts != "" {
		share = countRescueCoverage
	} else if q.qt == qWhere && residesRe.MatchString(question) { // "where do the MEK live?": where they settled, not "regime change in Iran"
		leads = func(c *candidate) bool { return c.cue == 1 && residesRe.MatchString(c.text()) }
	}
	if leads != nil && !leads(best) && order == 0 && !fated { // the order asked decides which of them leads; "where is ginger now?": "Ginger is living in the warren", told last
		for _, c := range ranked[1:] {
			if math.Exp(c.z-best.z) < floor {
				break
			}
			if leads(c) && (q.qt != qDefine || c.coverage >= defineRescueCoverage*best.coverage) {
				if c.coverage >= share*best.coverage {
					out = []*candidate{c, best}
				} else {
					out = []*candidate{best, c}
				}
				break
			}
		}
	}
	if q.qt == qWhy && consequenceRe.MatchString(best.text()) { // "So he ran away": the reason is told before
		if prev := p.beside(cands, best, -1); prev != nil && !slices.Contains(out, prev) {
			out = append(out, prev)
		}
	}
	for _, c := range ranked[1:] {
		if slices.Contains(out, c) {
			continue
		}
		if len(out) == maxSentences || math.Exp(c.z-best.z) < keepProb {
			break
		}
		if factoid(q.qt) && len(c.terms) == 0 && len(c.syns) == 0 && c.cue == 0 { // beside one fact, a sentence about neither the question nor its kind of answer is noise
			continue
		}
		out = append(out, c)
	}
	out = p.withNeighbours(q, cands, out[0], out)
	rest := out[1:]
	sort.SliceStable(rest, func(i, j int) bool { return before(rest[i], rest[j]) })
	if r := p.reply(cands, out[0]); r != nil { // the answer to a question a speaker asks, right after it
		out = slices.Insert(slices.DeleteFunc(out, func(c *candidate) bool { return c == r }), 1, r)
	}
	if expansionAsked.MatchString(question) && !spelledOut(out[0].text()) && hedge == "" { // "What does MEK stand for?" and no sentence spells it out
		hedge = MsgNearest
	} else if m := meaningAskRe.FindStringSubmatch(focus); m != nil && hedge == "" && !askerWords[strings.ToLower(strings.Fields(m[1])[0])] && !slices.ContainsFunc(out, func(c *candidate) bool { return defines(m[1], c.text()) }) { // "What does 'sever' mean here?" of a report that never says; not "what does my teacher mean by …"
		used := regexp.MustCompile(`(?i)\b` + wordForms(m[1]))
		if uses := slices.DeleteFunc(slices.Clone(ranked), func(c *candidate) bool { return !used.MatchString(c.text()) }); len(uses) > 0 { // where it is written (not "several" for "sever")
			out, hedge = uses[:min(len(uses), maxSentences)], fmt.Sprintf(msgUndefinedFm, m[1])
		} else {
			hedge = MsgNearest
		}
	}
	return out, hedge
}

// meaningAskRe asks what a word or a short phrase means, group 1 the word:
// "What does 'sever' mean here?", "what does state-sponsored mean in this
// context?", "What does the word 'cyberattack' mean?".
var meaningAskRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+)?what\s+does\s+(?:the\s+(?:word|term|phrase)\s+)?["'“‘]?([\pL-]+(?:\s+[\pL-]+)?)["'”’]?\s+(?:actually\s+|really\s+)?mean\b`)

// askerWords open what means something when it is someone, not a word:
// "what does my teacher mean by …", "what does he mean?".
var askerWords = setOf("my your his her their our this that it he she they you i we")

// undefinedOpening is how msgUndefinedFm opens.
var undefinedOpening = msgUndefinedFm[:strings.Index(msgUndefinedFm, "“")]

// defines reports whether s says what word means: "X is a …", "X means
// …", "X refers to …", "X, a …", "X, or …" ("the sweet and lovely
// penaisee, or younger son"), "known as X", or an abbreviation spelt out
// (spelledOut).
func defines(word, s string) bool {
	w := wordForms(word)
	return regexp.MustCompile(`(?i)\b`+w+`["'”’]?(?:\s+(?:is|was|are|were)\s+(?:a|an|the)\b|\s+means\b|\s+refers\s+to\b|,\s+(?:a|an|or)\s)|\b(?:called|known\s+as|named)\s+(?:a\s+|an\s+|the\s+)?`+w).MatchString(s) || spelledOut(s)
}

// wordForms is a pattern of word and, of six letters or more, the words
// of its stem with another ending: "ctenophore" finds "ctenophora" and
// "ctenophores" (The name "ctenophora" means "comb-bearing"); a shorter
// word only with an inflection ("sever", "severed", not "several").
func wordForms(word string) string {
	if strings.ContainsAny(word, " -") || len(word) < 6 { // "sever", not "several"
		return regexp.QuoteMeta(word) + `(?:s|es|ed|d|ing)?\b`
	}
	return regexp.QuoteMeta(word[:len(word)-2]) + `\w*`
}

// ofEarlierYears reports whether every year c names, or its passage when
// c names none, stands before the year of the report it is from: what was
// so then ("in June 1981 … president Abolhassan Banisadr"; "Khomeini's
// Revolutionary Guards brutally cracked down", told of 1981) need not be
// so now. False when they name no year, or its document has no date.
func (p *Pipeline) ofEarlierYears(c *candidate) bool {
	d := p.document(c.sp.Hit.Passage.Doc)
	if d == nil || len(d.Date) < 4 {
		return false
	}
	earlier := func(text string) (bool, int) {
		years := 0
		for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsDigit(r) }) {
			if yearRe.MatchString(w) {
				if w >= d.Date[:4] {
					return false, 0
				}
				years++
			}
		}
		return years > 0, years
	}
	if ok, years := earlier(c.text()); years > 0 {
		return ok
	}
	ok, _ := earlier(c.sp.Hit.Passage.Text)
	return ok
}

// timeBeside answers a when-question about the last answer's lead
// (explained): the lead itself when it holds a time, else, when the
// question asks when "that" was (beside), the sentence before it or after
// it that does, then the lead ("when did that happen?" after Rama's "The
// government has decided … to end diplomatic relations": the sentence
// before it, "… to sever its diplomatic relations with Teheran on
// Wednesday"). A question of its own ("when did they arrive?" after the
// sentence that says the MEK came "in 2014") takes the lead only when it
// holds the question's own words that any sentence holds ("when did they
// protest?" asks of another). nil when the lead is not among cands or no
// sentence beside it tells a time.
func (p *Pipeline) timeBeside(q questionTerms, cands []*candidate, explained string, beside bool) []*candidate {
	i := slices.IndexFunc(cands, func(c *candidate) bool { return saidBefore(explained, c.sent) })
	if i < 0 {
		return nil
	}
	lead := cands[i]
	for t := range q.focus {
		if !lead.terms[t] && slices.ContainsFunc(cands, func(c *candidate) bool { return c.terms[t] }) {
			return nil
		}
	}
	if p.cue(q, lead.text()) > 0 {
		return []*candidate{lead}
	}
	if !beside {
		return nil
	}
	for _, d := range []int{-1, 1} {
		if c := p.beside(cands, lead, d); c != nil && p.cue(q, c.text()) > 0 {
			return []*candidate{c, lead}
		}
	}
	return nil
}

// metadataAside reports whether s is a metadata line of a paper
// (knowledge.IsMetadata: "Authors: …", "DOI: …", "License: cc-by") that q
// does not ask about by its key: "what do the authors conclude?" quoted a
// paper's "Authors: … Date: … DOI: …" lines; "what is the license?" is
// answered by its "License: cc-by" (an "Authors:" line never: asksAuthor
// answers who wrote it).
func (p *Pipeline) metadataAside(q questionTerms, s string) bool {
	if !knowledge.IsMetadata(s) {
		return false
	}
	t := p.an.Term(knowledge.MetadataKey(s))
	_, asked := q.prior[t]
	return !asked || p.authorWords[t] // who wrote it is documentAuthor's; "the authors conclude" asks what they say
}

// withNeighbours adds to out, while it holds fewer than maxSentences, the
// sentences beside lead, the one quoted first: the one after when followOn
// finds it goes on with what lead lacks, and the one before when lead
// leans on it (textan.LeansBack: "He then mounted the Dragon." tells
// neither who he is nor why) or answers a why-question with no cue of a
// reason (FairytaleQA +9 −0 for the 272 questions it is added to, covidqa
// +1; bench/README.md, "Session 13"). The sentence beside may stand in the
// passage beside (beside: FairytaleQA +10 −1, "Session 18").
func (p *Pipeline) withNeighbours(q questionTerms, cands []*candidate, lead *candidate, out []*candidate) []*candidate {
	add := func(c *candidate) {
		if c != nil && len(out) < maxSentences && !slices.Contains(out, c) && !saidBefore(c.sp.said, c.sent) && !saidBefore(c.sp.explained, c.sent) { // not what "tell me more", "what did he do then?" or "why did he do that?" passes over
			out = append(out, c)
		}
	}
	if n := p.followOn(q, cands, lead); n != nil && (q.qt == qOutcome || q.qt == qOther) && q.cameAfter && !slices.Contains(out, n) && !saidBefore(n.sp.said, n.sent) && !saidBefore(n.sp.explained, n.sent) { // what came of it, a fourth sentence if need be: TestWhatCameOfIt
		out = slices.Insert(out, slices.Index(out, lead)+1, n)
		out = out[:min(len(out), maxSentences+1)]
	} else {
		add(n)
	}
	if textan.LeansBack(lead.text()) || q.qt == qWhy && lead.cue == 0 { // a story tells the cause before what it causes
		add(p.beside(cands, lead, -1))
	}
	if q.qt == qWhy || q.words["why"] { // "Why did the swallow feel warm …?" asks a feeling (qt) and its cause; "Of course the cow would give no milk." "She is old and only fit to draw burdens, …"
		if n := p.beside(cands, lead, +1); n != nil && (becauseNextRe.MatchString(n.text()) || lead.cue == 0 && stateNextRe.MatchString(n.text())) && !slices.Contains(out, n) {
			out = slices.Insert(out, slices.Index(out, lead)+1, n)
			if len(out) > maxSentences {
				out = out[:maxSentences]
			}
		}
	}
	for i, c := range slices.Clone(out) { // "… is composed of three treasures." "These are the Mirror of Yata, …"; "… had it not been for his one failing." "Canonbie Dick was apt to get very thirsty."
		if n := p.beside(cands, c, +1); n != nil && (namesThemRe.MatchString(n.text()) || q.whatIs && p.endsWithAsked(q, c.text())) && !slices.Contains(out, n) {
			out = slices.Insert(out, i+1, n)
			for j := len(out) - 1; len(out) > maxSentences && j > 0; j-- { // room for it: the last quote kept goes
				if out[j] != c && out[j] != n {
					out = slices.Delete(out, j, j+1)
				}
			}
			break
		}
	}
	return out
}

// becauseNextRe opens a sentence that gives the reason for the one
// before: "That is because you have done a good action," (after "I feel
// quite warm now", which a why-question's words find); stateNextRe one
// that may, a state of whom the sentence before is about: "She is old and
// only fit to draw burdens" (after "Of course the cow would give no
// milk.", which has no reason of its own).
var (
	becauseNextRe = regexp.MustCompile(`^\W*(?:(?i:that|this|it)(?:\s+(?:is|was)|'s|’s)\s+(?i:because|why)\b|Because\s)`)
	stateNextRe   = regexp.MustCompile(`^\W*(?:She|He|They)\s+(?:is|was|are|were)\s`)
)

// saysAskRe asks whether the documents say something: "Does the report
// name a hacker group?", "Does the story mention a dog?", "Is Albania
// described as the first country to …?". Of a yes-or-no question in other
// words, a word the passages never write is no sign that they do not say
// it ("Did the US blame Iran?": "Iran was indeed behind"; "did the soldier
// survive in the end?"); of one that asks what they say, it is.
var saysAskRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|but\s+)?(?:(?:does|did|do)\s+(?:the\s+|this\s+|that\s+)?(?:report|story|article|text|tale|document|documents|author|writer|it|they|source|sources|news)\s+(?:say|state|mention|name|claim|describe|report|tell|list|call|explain|talk|speak|refer)|(?:is|are|was|were)\s+(?:[\pL'’-]+\s+){1,4}(?:described|mentioned|named|called|referred\s+to|reported|said)\b)`)

// everAskRe asks whether something ever happened: "Did Momotaro ever get
// married?", "Did the mother goat ever go back to the miller to
// complain?". Of a word the passages never write (unwritten), the story
// does not tell it (session 27's new users got its opening, unhedged).
var everAskRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|but\s+)?(?:did|does|do|has|have|had|was|were|is|are|will|would)\b[^?]*\bever\b`)

// colouredRe finds the thing a colour question asks the colour of, its
// last word (group 1): "What color was the princess's hair?", "what
// colour were the horses?".
var colouredRe = regexp.MustCompile(`(?i)\b(?:what|which)\s+colou?rs?\s+(?:was|were|is|are)\s+(?:[\pL'’-]+\s+)*?([\pL-]+)\W*$`)

// holdsColoured reports whether c holds thing, what a question asks the
// colour of (colouredRe), in its word or a synonym, or, best, may say it
// in others; true when the question names none ("").
func (p *Pipeline) holdsColoured(thing string, c *candidate, best bool) bool {
	t := p.an.Term(thing)
	if t == "" || c.terms[t] || c.syns[t] {
		return true
	}
	// the best sentence may say it in other words ("hat": "a black
	// turban"), unless each colour it gives is a creature's and the
	// thing asked is none ("hair": "six beautiful cream-coloured horses")
	if !best || textan.IsCreature(thing) {
		return false
	}
	ofs := colourOfRe.FindAllStringSubmatch(c.text(), -1)
	return len(ofs) == 0 || slices.ContainsFunc(ofs, func(o []string) bool { return !textan.IsCreature(o[1]) })
}

// colourOfRe finds what a colour is of, the noun after it (group 1): "a
// black turban", "six beautiful cream-coloured horses".
var colourOfRe = regexp.MustCompile(`(?i)\b(?:` + colourWords + `)(?:-colou?red)?\s+([\pL-]+)`)

// anyAskRe finds what a yes-or-no question asks whether there was any of
// (group 1): "Was any money stolen in the attack?", "Were any people
// hurt?", or whether anyone did (group 2, the verb): "did anyone die in
// the cyberattack?", "was anybody hurt?". When the passages never write
// it, they do not say (unwritten).
var anyAskRe = regexp.MustCompile(`(?i)\bany\s+([\pL'’-]+)|\b(?:any|some)(?:one|body)(?:\s+(?:get|got|gets|getting|been))?\s+([\pL'’-]+)`)

// anyVague are the nouns after "any" that name no thing a story would
// write: "any part", "any role", "any way".
var anyVague = setOf("part parts role roles way ways idea ideas reason reasons time times sort kind kinds type types other more further of one ones thing things point chance hand sign signs")

// anyTold reports whether the passages tell what a yes-or-no question
// asks whether there was any of, m being anyAskRe's match: they write its
// noun ("any money": unwritten); what anyone did, they write beside
// another of the question's own words, in a sentence or the one before or
// after it ("50 deaths" in 1981 is no death in the cyberattack).
func (p *Pipeline) anyTold(q questionTerms, cands []*candidate, m []string, passages []*sourcePassage) bool {
	w := m[1] + m[2]
	if anyVague[strings.ToLower(w)] { // "Did the Americans play any part in this?" asks no thing of its own
		return true
	}
	if p.unwritten(w, passages) != "" {
		return false
	}
	t := p.an.Term(w)
	if m[2] == "" || q.prior[t] != 1 {
		return true
	}
	asked := setOf(strings.Join(p.an.Terms(m[0]), " ")) // "anyone get arrested"
	own := func(o string) bool { return !asked[o] && q.prior[o] == 1 }
	other := func(c *candidate) bool {
		for o := range c.terms {
			if own(o) {
				return true
			}
		}
		return false
	}
	if !slices.ContainsFunc(q.list, own) { // "did anyone get arrested?": nothing else to tell it beside
		return true
	}
	for i, c := range cands {
		if c.terms[t] || c.syns[t] {
			if other(c) || slices.ContainsFunc([]*candidate{adjacent(cands, i, -1), adjacent(cands, i, 1)}, func(n *candidate) bool { return n != nil && other(n) }) {
				return true
			}
		}
	}
	return false
}

// everWordsRe are the words of everAskRe's question that ask when, no
// topic: "Did Peter ever go back to the garden again?".
var everWordsRe = regexp.MustCompile(`(?i)\b(?:ever|again|before|anymore|still)\b`)

// unwritten returns the first word of q of its own (no framing word,
// light verb or vague word) that the passages never write, in any form or
// by a WordNet synonym, nor, of a name, the documents (Speller.Mentions);
// or "". The passages are those the question's words found, so a word the
// documents write is among them. A question whether they say something of
// such a word (saysAskRe), or whether it ever happened (everAskRe), asks
// what they do not say.
func (p *Pipeline) unwritten(q string, passages []*sourcePassage) string {
	hits := make([]search.Hit, len(passages))
	for i, sp := range passages {
		hits[i] = sp.Hit
	}
	have := map[string]bool{}
	for _, set := range p.hitTerms(hits, candPassages) { // with their titles': "Did Albania cut ties with Iran?"
		maps.Copy(have, set)
	}
	var out string
	textan.Tokenize(q, func(tok textan.Token) {
		w := strings.ToLower(tok.Text)
		t := p.an.Term(w)
		if out != "" || t == "" || have[t] || frameTerms()[t] || lightVerbs()[t] || p.vague[t] || stressTerms()[t] || isNumber(w) || p.hasSynonym(t, have) {
			return
		}
		if (textan.Capitalized(tok.Text) || textan.IsName(w)) && (p.opts.Speller == nil || p.opts.Speller.Mentions(tok.Text)) { // a name: "Tehran" for the report's "Teheran"; not "Microsoft"
			return
		}
		out = w
	})
	return out
}

// comingAskRe asks what will come: "what will happen next between Albania
// and Iran?", "what happens next?", "is iran going to attack again?",
// "What does the US plan to do next?", "what's next?". Of a report, a
// sentence that says what will be answers it (futureRe), and no other
// does.
var comingAskRe = regexp.MustCompile(`(?i)\b(?:will|going\s+to|gonna)\b|\bwhat\s+(?:happens|comes)\s+next\b|\b(?:plans?|planning|intends?|intending)\s+to\s+do\b|\bdo\s+next\b|\bwhat(?:'s|’s|\s+is)?\s+next\b|\bnext\s+steps?\b`)

// whatIsRe asks what something of few words is or was: "What was his one
// failing?", "what is the secret?". A sentence that ends with it names it
// for the sentence after to tell (endsWithAsked).
var whatIsRe = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+)?what\s+(?:is|was|are|were)\s+(?:[\pL'’-]+\s+){0,3}[\pL'’-]+\W*$`)

// endsWithAsked reports whether the last words of s (stop words aside)
// are all the topic words of q, two or more, in any order: "… had it not
// been for his one failing." of "What was his one failing?".
func (p *Pipeline) endsWithAsked(q questionTerms, s string) bool {
	var topics []string
	for _, t := range q.list {
		if q.prior[t] == 1 {
			topics = append(topics, t)
		}
	}
	terms := p.an.Terms(s)
	if len(topics) < 2 || len(terms) < len(topics) {
		return false
	}
	last := terms[len(terms)-len(topics):]
	return !slices.ContainsFunc(topics, func(t string) bool { return !slices.Contains(last, t) })
}

// namesThemRe matches a sentence that names what the one before it
// counted or spoke of as a kind: "These are the Yatano-no-Kagami or the
// Mirror of Yata, …" after "The insignia … is composed of three
// treasures." It is quoted right after it, before a third quote.
var namesThemRe = regexp.MustCompile(`^\W*(?i:these|those|they)\s+(?i:are|were)\s+(?:the\s+|all\s+)?(?:[A-Z][\pL'’-]*|\d|two|three|four|five|six|seven|eight|nine|ten|twelve)\b`)

// firstAskRe and lastAskRe match a question about the first or the last
// of what a story tells more than once: "who did the pancake meet
// first?", "who was the last one it met?", "what came last?". Only an
// adverb at the question's end or "the first one" asks it: "the first
// castle", "the first American" name what they ask about.
var (
	firstAskRe = regexp.MustCompile(`(?i)(?:\b(?:first|firstly|at\s+first)\s*[?.!]*\s*$|\bthe\s+(?:very\s+)?first\s+(?:one|person|thing|animal|place)\b)`)
	lastAskRe  = regexp.MustCompile(`(?i)(?:\b(?:last|lastly|at\s+last)\s*[?.!]*\s*$|\bthe\s+(?:very\s+)?last\s+(?:one|person|thing|animal|place)\b)`)
)

// orderWordRe finds a word of order in a sentence.
var orderWordRe = regexp.MustCompile(`(?i)\b(?:first|firstly|last|lastly|finally|at\s+length|in\s+the\s+end)\b`)

// inDecade reports whether text names a year of the decade that the term
// t names ("1980s", "80s", "eighti"): "what did the MEK do in the 80s?"
// asks about "June 1981". A decade of two digits is of any century.
func inDecade(t, text string) bool {
	var d string // the decade's digits: "198" or "8"
	switch {
	case len(t) == 5 && strings.HasSuffix(t, "0s") && isNumber(t[:4]):
		d = t[:3]
	case len(t) == 3 && strings.HasSuffix(t, "0s") && isNumber(t[:2]):
		d = t[:1]
	default:
		i := slices.Index(decadeWords, t)
		if i < 0 {
			return false
		}
		d = strconv.Itoa(i + 2)
	}
	for _, y := range yearsRe.FindAllString(text, -1) {
		if len(d) == 3 && strings.HasPrefix(y, d) || len(d) == 1 && y[2:3] == d {
			return true
		}
	}
	return false
}

// yearsRe finds the years of a text.
var yearsRe = regexp.MustCompile(`\b(?:1[0-9]{3}|20[0-9]{2})\b`)

// decadeWords are the terms of the decades' names, from the twenties.
var decadeWords = []string{"twenti", "thirti", "forti", "fifti", "sixti", "seventi", "eighti", "nineti"}

// orderAsked returns -1 for a question about the first of something
// (firstAskRe), 1 for one about the last (lastAskRe), else 0.
func orderAsked(q string) int {
	switch {
	case firstAskRe.MatchString(q):
		return -1
	case lastAskRe.MatchString(q):
		return 1
	}
	return 0
}

// inTextOrder returns, of the ranked sentences at least rescueProb as
// likely as the best that hold a topic word of q (and pass keep, when not
// nil), the last in the text (last) or the first; the best when none is
// later or earlier.
func inTextOrder(q questionTerms, ranked []*candidate, last bool, keep func(*candidate) bool) *candidate {
	best := ranked[0]
	for _, c := range ranked[1:] {
		if math.Exp(c.z-ranked[0].z) < rescueProb || !holdsTopic(q, c) || keep != nil && !keep(c) {
			continue
		}
		if last && inTextBefore(best, c) || !last && inTextBefore(c, best) {
			best = c
		}
	}
	return best
}

// holdsTopic reports whether c holds a topic word of q, not only its
// framing ("happen").
func holdsTopic(q questionTerms, c *candidate) bool {
	for t := range c.terms {
		if q.prior[t] >= 1 {
			return true
		}
	}
	return false
}

// undated reports whether c's document has no date: a tale, which tells
// in the order things happened, not a dated report.
func (p *Pipeline) undated(c *candidate) bool {
	d := p.document(c.sp.Hit.Passage.Doc)
	return d != nil && d.Date == ""
}

// isARe asks whether someone or something is a kind of thing: "is the MEK
// a terrorist group?", "was the fox a friend?". Group 1 is the kind.
var isARe = regexp.MustCompile(`(?i)^\W*(?:is|was|are|were)\s+(?:the\s+|this\s+|that\s+)?[\pL'’-]+(?:\s+[\pL'’-]+)?\s+(?:a|an)\s+([\pL\s'’-]+?)\W*$`)

// kindUnsaid reports whether q asks whether someone is a kind of thing
// (isARe) and the sentence best, which would answer, says not every word
// of that kind (nor a synonym): "an opposition group" does not say
// "terrorist group".
func (p *Pipeline) kindUnsaid(q string, best *candidate) bool {
	m := isARe.FindStringSubmatch(q)
	if m == nil {
		return false
	}
	for _, t := range p.an.Terms(m[1]) {
		if !best.terms[t] && !best.syns[t] {
			return true
		}
	}
	return false
}

// holdsTopicsOf reports whether c holds every topic word of q that lead
// holds (not its framing: "happened").
func holdsTopicsOf(q questionTerms, lead, c *candidate) bool {
	for t := range lead.terms {
		if q.prior[t] >= 1 && !c.terms[t] {
			return false
		}
	}
	return true
}

// inTextBefore reports whether a stands before b in the same document.
func inTextBefore(a, b *candidate) bool {
	pa, pb := a.sp.Hit.Passage, b.sp.Hit.Passage
	switch {
	case pa.Doc != pb.Doc:
		return false
	case pa.ID != pb.ID:
		return pa.StartLine < pb.StartLine
	}
	return a.sent.Start < b.sent.Start
}

// reply returns the sentence after lead when lead is a question someone
// asks in a quotation and the next sentence opens one: the reply ("'When
// will you marry me?' says the giant." "'St. Tibb's Eve,' says she."). A
// question the story's people ask in the question's words leads, and the
// answer is the reply, which may open the passage after lead's ("why was
// Setanta enraged?": the King's question ends one, the boy's "Because they
// have not treated me with the respect due to a stranger" opens the next).
func (p *Pipeline) reply(cands []*candidate, lead *candidate) *candidate {
	if !askedInSpeechRe.MatchString(lead.text()) {
		return nil
	}
	if next := p.beside(cands, lead, +1); next != nil && (opensQuotationRe.MatchString(next.text()) || repliesRe.MatchString(next.text())) {
		return next
	}
	return nil
}

// repliesRe matches a sentence that opens with a speech tag before the
// quotation: "She answered: 'My slippers are too big …'", "And he replied,
// “No.”".
var repliesRe = regexp.MustCompile(`^\s*(?:(?:And|Then|But|So)\s+)?(?:[\pL'’-]+\s+){1,3}(?:answered|replied|said|says|answers|replies|returned|cried|called\s+out)\s*[,:]?\s*["“‘']`)

// beside returns the sentence before c in its document (d = -1) or after it
// (d = +1), or nil: in its passage (adjacent), else the last or first of
// the passage beside, a candidate already when that passage was
// retrieved too.
func (p *Pipeline) beside(cands []*candidate, c *candidate, d int) *candidate {
	if n := adjacent(cands, slices.Index(cands, c), d); n != nil {
		return n
	}
	ps := c.sp.Hit.Passage
	ss := textan.Sentences(ps.Text)
	if d > 0 && c.idx != len(ss)-1 || d < 0 && c.idx != 0 {
		return nil
	}
	other := p.passageBeside(ps, d)
	if other == nil {
		return nil
	}
	os := textan.Sentences(other.Text)
	if len(os) == 0 {
		return nil
	}
	at := 0
	if d < 0 {
		at = len(os) - 1
	}
	if i := slices.IndexFunc(cands, func(o *candidate) bool { return o.sp.Hit.Passage.ID == other.ID && o.idx == at }); i >= 0 {
		return cands[i]
	}
	return &candidate{sp: &sourcePassage{Hit: search.Hit{Passage: other}}, rank: c.rank, sent: os[at], idx: at}
}

// passageBeside returns the passage before ps in its document (d = -1) or
// after it (d = +1), or nil.
func (p *Pipeline) passageBeside(ps *knowledge.Passage, d int) *knowledge.Passage {
	doc := p.document(ps.Doc)
	if doc == nil {
		return nil
	}
	i := slices.IndexFunc(doc.Passages, func(o knowledge.Passage) bool { return o.ID == ps.ID })
	if i < 0 || i+d < 0 || i+d >= len(doc.Passages) {
		return nil
	}
	return &doc.Passages[i+d]
}

// askedInSpeechRe matches a sentence with a question inside a quotation
// ("'Why are you so enraged, my boy?' said the King."); opensQuotationRe
// one that opens with a quotation.
var (
	askedInSpeechRe  = regexp.MustCompile(`\?\s*["'”’]`)
	opensQuotationRe = regexp.MustCompile(`^\s*["“‘']\s*\pL`)
)

// followOn returns the sentence after lead when the story goes on in it
// (continuesRe) and it may hold what lead lacks: for a where-question a
// place lead does not name ("Dschang Liang was forced to flee from the
// Emperor's rage." "He came to a ruined bridge."), for a why-question a
// reason, when lead holds no cue of one ("… where the fish gobbled them up
// greedily." "He had never tasted anything so nice."), for a question of
// what happened or what someone did what came of it ("… as he stooped to
// drink, he happened to give the stones a little push." "They both fell
// into the water with a splash."). After a question of what happened when
// or after something, the next sentence follows whatever it opens with.
// withNeighbours quotes it when there is room, after the sentences the
// ranking keeps; after or when something happened (cameAfterRe), as a
// fourth if need be. FairytaleQA +2 for where, +5 for why, +19 for what
// happened, +12 for what happened when or after; no set loses
// (bench/README.md, "Session 13"); the fourth sentence +22, none lost
// (session 28, TestWhatCameOfIt).
func (p *Pipeline) followOn(q questionTerms, cands []*candidate, lead *candidate) *candidate {
	next := p.beside(cands, lead, +1)
	sequel := (q.qt == qOutcome || q.qt == qOther) && q.cameAfter // "what happened when …?", "what was in his grave when they opened it?": what the story tells next
	if next == nil || !sequel && !continuesRe.MatchString(next.text()) {
		return nil
	}
	switch {
	case q.qt == qWhere && !widePlaceRe.MatchString(lead.text()) && (next.cue == 1 || widePlaceRe.MatchString(next.text())):
		return next
	case q.qt == qWhy && lead.cue == 0, q.qt == qOutcome, sequel:
		return next
	}
	return nil
}

// cameAfterRe finds "after", "when" or "once" opening what happened, a
// clause or an event ("What did the seal catcher do after he saw the
// knife?", "when the maiden went", "after a storm", "after seeing",
// "after thunder was heard"): what the story tells next answers the
// question. Not a question word ("And the embassy, when does it have to
// close?") nor a bare noun ("what other countries have done after
// cyberattacks?").
var cameAfterRe = regexp.MustCompile(`\b(?i:after|when|once)\s+(?:(?i:the|a|an|his|her|their|its|my|our|your|he|she|they|it|we|i|you|that|this|those|these|him|them|everyone|everybody|someone|somebody)\b|\p{Lu}|\pL+ing\b|\pL+\s+(?i:was|were|is|are|had|has|came|went|got|began|fell|did)\b)`)

// residesRe matches a verb of where someone lives or something stands. A
// where-question that asks so ("where do the MEK live?", "where are they
// based?") is led by a sentence that names a place and says so ("… who
// settled in a camp near Durres"), when the ranking holds one close to the
// best; FairytaleQA first quote +1, no set moves otherwise (bench/README.md,
// "Session 13").
var residesRe = regexp.MustCompile(`(?i)\b(?:liv(?:e|es|ed|ing)|dwel(?:l|ls|led|t|ling)|resid(?:e|es|ed|ing)|stay(?:s|ed|ing)?|settl(?:e|es|ed|ing)|based|located|situated|camp(?:s|ed|ing)?|inhabit(?:s|ed|ing)?|lodg(?:e|es|ed|ing)|home)\b`)

// widePlaceRe matches a common noun of a place, with up to two words
// before it ("to a ruined bridge"), as placeRe does not. A where-question's
// best sentence without one may be followed by the next (followOn).
var widePlaceRe = regexp.MustCompile(`\b(?:in|at|near|to|into|under|inside|behind|beside|across|through)\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+|its\s+)(?:[\pL-]+\s+){0,2}(?i:` + placeNouns + `)\b`)

// continuesRe matches a sentence that goes on from the one before: it
// opens with a pronoun, "there" or "then", maybe after "And" or "But", or
// with what comes next in time ("Soon a red-hot coal jumped out …").
var continuesRe = regexp.MustCompile(`(?i)^\W*(?:(?:and|but|then|so|there|here|now)\b[\s,]*)?(?:he|she|they|it|we|i|him|her|them|there|then|here|this|that|these|those)\b|^\W*(?:and\s+)?(?:soon|suddenly|presently|immediately|instantly|at\s+once|at\s+last|at\s+that\s+moment|afterwards|after\s+that|in\s+a\s+moment|all\s+at\s+once|no\s+sooner)\b`)

// consequenceRe matches a sentence that opens with what follows from the
// one before it ("So he ran away, and flew over the fence."): it answers a
// why question together with that one.
var consequenceRe = regexp.MustCompile(`^\W*(?:(?:And|and)\s+)?(?:So|Therefore|Thus|Hence|Accordingly|Consequently|That\s+is\s+why|That's\s+why|That’s\s+why|This\s+is\s+why|For\s+this\s+reason|Because\s+of\s+this|On\s+this\s+account)\b`)

// expansionAsked is a question about what an abbreviation stands for,
// whose answer spells it out ("Mujahideen-e-Khalq (MEK)"); a sentence
// without a definition's cue does not ("The MEK would not stand with arms
// folded").
var expansionAsked = regexp.MustCompile(`(?i)\bstands?\s+for\b|\babbreviat|\bshort\s+for\b|\bacronym\b`)

// spelledOut reports whether s spells out an abbreviation, or abbreviates
// a name: "Mujahideen-e-Khalq (MEK)", "often abbreviated as ctDNA".
func spelledOut(s string) bool {
	return defineRe.MatchString(s) || abbreviationRe.MatchString(s)
}

// abbreviationRe is what defineRe leaves out: an abbreviation in
// brackets that starts in lower case ("(ctDNA)"), or one said to be one.
var abbreviationRe = regexp.MustCompile(`\([\pL][\pL\d-]{1,11}\)|(?i)\babbreviat\w*|\binitials\b`)

// unsureCoverage: when no sentence holds this much of a question's words,
// weighed by rarity (candidate.coverage), no sentence seems to answer it.
// Measured by asking FairytaleQA's questions of their story without the
// lines that answer them (storybot eval --per-doc --held-out): fitted on
// one half and checked on the other, 9% of those questions more were
// refused instead of answered beside the point, for 1.3% of the questions
// the story answers (whose quotes are still shown). The ranking's own
// score did about as well, and would move each time the ranking is
// refitted. See bench/README.md, "Session 8".
const unsureCoverage = 0.3

// unsure reports whether no candidate seems to answer a question asked
// alone: none holds unsureCoverage of its words.
func unsure(cands []*candidate) bool {
	return !slices.ContainsFunc(cands, func(c *candidate) bool { return c.reach >= unsureCoverage })
}

// scored analyses the question, splits the passages into candidate
// sentences and gives each its hand-made score. ok is false when none
// plausibly answers: no sentence holds a word of the question, or, for how
// many, none of the best holds a number (anyCue).
func (p *Pipeline) scored(question, focus string, passages []*sourcePassage) (q questionTerms, cands []*candidate, ok bool) {
	q = p.analyzeQuestion(question, focus)
	if len(q.list) == 0 || len(passages) == 0 {
		return q, nil, false
	}
	cands, df := p.candidates(q, passages)
	p.score(q, cands, df, passages[0].Score)
	if !slices.ContainsFunc(cands, func(c *candidate) bool { return c.score > 0 }) {
		return q, nil, false
	}
	return q, cands, true
}

// counted reports whether a how-many question's best sentences hold a
// number (anyCue), as any other question's do.
func (p *Pipeline) counted(q questionTerms, cands []*candidate) bool {
	if q.qt != qHowMany {
		return true
	}
	byScore := slices.Clone(cands)
	sort.SliceStable(byScore, func(i, j int) bool { return byScore[i].score > byScore[j].score })
	return p.anyCue(q, byScore)
}

// cueWindow is how many of the best sentences anyCue looks at.
const cueWindow = 5

// anyCue reports whether one of the cueWindow best sentences of a how-many
// question holds a number it does not hold itself. When none does, no
// sentence plausibly answers ("How many daughters did the king have?" of a
// story that never counts them) and quoting one would be beside the point.
// The same rule for who (a name or a person), when (a date or a time) and
// where (a place) refused 2-11% of FairytaleQA's in-scope character and
// setting questions, whose answers are often "the sun" or "after supper":
// not kept.
func (p *Pipeline) anyCue(q questionTerms, ranked []*candidate) bool {
	switch q.qt {
	case qHowMany:
	default:
		return true
	}
	for i, c := range ranked {
		if i == cueWindow || c.score <= 0 {
			break
		}
		if c.cue > 0 && (len(c.terms) > 0 || len(c.syns) > 0) { // a number beside none of the question's words ("when he is fifteen years of age" for "how many children did they have?") scores by its cue alone
			return true
		}
	}
	return false
}

// factoid reports whether qt asks for one fact (a name, date, number,
// place or definition) that a single sentence can give.
func factoid(qt qtype) bool {
	switch qt {
	case qWho, qWhen, qHowMany, qWhere, qDefine:
		return true
	}
	return false
}

// before reports whether a stands before b in the text: by document, then
// page, line and position.
func before(a, b *candidate) bool {
	pa, pb := a.sp.Hit.Passage, b.sp.Hit.Passage
	if pa.Doc != pb.Doc {
		return a.rank < b.rank
	}
	if pa.Page != pb.Page { // a PDF's lines are numbered on each page
		return pa.Page < pb.Page
	}
	la, lb := pa.StartLine+a.sent.Line, pb.StartLine+b.sent.Line
	if la != lb || pa.ID != pb.ID {
		return la < lb
	}
	return a.idx < b.idx
}

// candidates splits the first candPassages passages into sentences and
// counts, for each question term, the sentences that hold it.
func (p *Pipeline) candidates(q questionTerms, passages []*sourcePassage) ([]*candidate, map[string]int) {
	var cands []*candidate
	df := map[string]int{}
	for rank, sp := range passages {
		if rank == candPassages {
			break
		}
		sents := textan.Sentences(sp.Hit.Passage.Text)
		for i, s := range sents {
			c := &candidate{sp: sp, rank: rank, sent: s, idx: i, terms: map[string]bool{}}
			all := map[string]bool{}
			for _, t := range p.an.Terms(s.Text) {
				all[t] = true
				if _, ok := q.prior[t]; ok && !c.terms[t] {
					c.terms[t] = true
					df[t]++
				}
			}
			for _, t := range q.list {
				if !c.terms[t] && q.prior[t] == 1 && (textan.Abbreviates(t, s.Text) || inDecade(t, s.Text)) { // "pm": "Prime Minister Edi Rama"; "80s": "in June 1981"
					c.terms[t] = true
					df[t]++
				}
			}
			if i > 0 && p.spokenBy(q.speaker, s.Text, sents[i-1].Text) { // "“Oh, look!” said he" after "So Peter was shown in"
				for _, t := range q.speaker {
					if !c.terms[t] {
						c.terms[t] = true
						df[t]++
					}
				}
			}
			for _, t := range q.list {
				if !c.terms[t] && (t != q.placed && p.hasSynonym(t, all) || q.leader == t && titleRe.MatchString(s.Text)) {
					if c.syns == nil {
						c.syns = map[string]bool{}
					}
					c.syns[t] = true
				}
			}
			cands = append(cands, c)
		}
	}
	return cands, df
}

// score sets each candidate's score (see the constants above).
func (p *Pipeline) score(q questionTerms, cands []*candidate, df map[string]int, topScore float64) {
	n := float64(len(cands))
	weight := func(t string) float64 { return q.prior[t] * rarity(n, df[t]) }
	var total float64
	for _, t := range q.list {
		total += weight(t)
	}
	var topDoc string
	if len(cands) > 0 {
		topDoc = cands[0].sp.Hit.Passage.Doc
	}
	titles := map[string]map[string]bool{} // a document's title terms
	for _, c := range cands {
		c.cue = p.cue(q, c.sent.Text)
		ps := c.sp.Hit.Passage
		if len(c.terms) == 0 && len(c.syns) == 0 && !(c.idx == 0 && p.opensDoc(ps)) { // the lede may hold the question's words by its title's
			continue
		}
		if titles[ps.Doc] == nil {
			titles[ps.Doc] = setOf(strings.Join(p.an.Terms(ps.Title), " "))
		}
		var got, titled float64
		for _, t := range q.list { // in a fixed order: a float sum in map order varies
			switch {
			case c.terms[t]:
				got += weight(t)
			case c.syns[t]:
				got += weightSynonym * weight(t)
			case titles[ps.Doc][t]:
				titled += weight(t)
			}
		}
		c.coverage = got / total
		c.reach = (got + titled) / total
		if c.idx == 0 && p.opensDoc(ps) { // the lede takes up the title's words ("cuts ties": "sever its diplomatic relations")
			c.coverage = c.reach
		}
		s := c.coverage
		c.prox = proximity(p.an, c.sent.Text, q.prior)
		s += weightProximity * c.prox
		s += weightCue * c.cue
		if !q.followUp {
			rel := 1.0
			if topScore > 0 {
				rel = c.sp.Score / topScore
			}
			s *= (0.75 + 0.25*rel) / (1 + rankDecay*float64(c.rank))
		} else if len(q.focus) > 0 && !anyOf(c.terms, q.focus) {
			s *= followFactor
		}
		if c.sp.Hit.Passage.Doc != topDoc {
			s *= otherDocFactor
		}
		switch words := len(strings.Fields(c.sent.Text)); {
		case words < 4:
			s *= shortFactor
		case words > 70:
			s *= longFactor
		}
		c.score = s
	}
}

// opensDoc reports whether ps is its document's first passage (without the
// documents: whether it starts the text's first line).
func (p *Pipeline) opensDoc(ps *knowledge.Passage) bool {
	if p.opts.Documents == nil {
		return ps.StartLine <= 1 && ps.Page <= 1
	}
	d := p.document(ps.Doc)
	return d != nil && len(d.Passages) > 0 && d.Passages[0].ID == ps.ID
}

// rarity is the weight of a term held by df of n sentences: a word every
// sentence holds tells little about which one answers.
func rarity(n float64, df int) float64 {
	if df == 0 {
		df = 1 // a term no candidate holds weighs as the rarest
	}
	return 1 + math.Log(n/float64(df))
}

func anyOf(have, want map[string]bool) bool {
	for t := range have {
		if want[t] {
			return true
		}
	}
	return false
}

// startsWithPronoun reports whether s opens with a personal or
// demonstrative pronoun ("He is skilled in magic...").
func startsWithPronoun(s string) bool {
	f := strings.Fields(strings.ToLower(strings.TrimLeft(s, "\"'“‘ ")))
	if len(f) == 0 {
		return false
	}
	switch f[0] {
	case "he", "she", "they", "it", "his", "her", "their", "this", "these", "those":
		return true
	}
	return false
}

// proximity is 1 when the question terms found in the sentence stand next
// to each other, falling towards 0 as they spread out.
func proximity(an *textan.Analyzer, s string, qterms map[string]float64) float64 {
	var pos []int
	i := 0
	seen := map[string]bool{}
	an.Each(s, func(t string, _ textan.Token) {
		if _, ok := qterms[t]; ok {
			pos = append(pos, i)
			seen[t] = true
		}
		i++
	})
	if len(seen) < 2 {
		return 0
	}
	span := pos[len(pos)-1] - pos[0] + 1
	return float64(len(seen)) / float64(span)
}

// SourceRefs rewrites bracketed numbers that a document carries itself
// (reference marks such as "[12]" or "[3, 4]" in scientific articles) as
// "(12)", so they cannot pass for the answer's citation markers.
func SourceRefs(text string) string { return cite.Neutral(text) }

// reactionRe matches a question about how someone reacted, or what they
// said, its subject in a group: "How did Iran react?", "how did the
// husband respond to …?", "What was Jegu's reaction?", "what was the
// reaction from Iran?", "what was the Iranian response?", "what did Iran
// say?", "what does iran say about all this?", "did Iran deny it?", "is
// Iran denying it?", "did Iran say anything back?", "did Iran say anything
// in response?" (not "What did Jamie say
// he would do …?", which asks what was said).
var reactionRe = regexp.MustCompile(`(?i)^\W*(?:and\s+)?(?:` +
	`how\s+(?:did|does|do|will|would)\s+(.{1,40}?)\s+(?:react|respond|reply|answer|take\s+(?:it|this|that|the\s+news))\b|` +
	`what\s+(?:was|is|were)\s+the\s+(?:reaction|response|reply|answer)\s+(?:from|of)\s+(.{1,40}?)\s*[?.!]*$|` +
	`what\s+(?:was|is|were)\s+(.{1,40}?)(?:'s|’s)?\s+(?:reaction|response|reply|answer)\b|` +
	`what\s+(?:did|does|do|has|have)\s+(.{1,40}?)\s+(?:say|said|reply|answer)(?:\s+back)?(?:\s+(?:about|to)\s+(?:it|this|that|them|all\s+(?:this|that)))?\s*[?.!]*$|` +
	`(?:did|does|has|have|is|are|was|were)\s+(.{1,40}?)\s+(?:admit(?:s|ted|ting)?|den(?:y|ies|ied|ying)|confirm(?:s|ed|ing)?|comment(?:s|ed|ing)?|react(?:s|ed|ing)?|respond(?:s|ed|ing)?|repl(?:y|ies|ied|ying)|answer(?:s|ed|ing)?)\b|` +
	`(?:did|does|has|have)\s+(.{1,40}?)\s+(?:say|said)(?:\s+(?:anything|something|a\s+word))?(?:\s+back)?(?:\s+(?:about|to)\s+(?:it|this|that|them|all\s+(?:this|that)))?(?:\s+in\s+(?:response|reply|return))?\s*[?.!]*$)`)

// stateWords, after a demonym, name a country's state as its reaction's
// subject: "How did the Iranian government react to the expulsion?".
var stateWords = setOf("government authorities officials regime leadership")

// reactionOf returns the terms of the subject of a question about how
// someone reacted ("iran"), or nil for any other question.
func (p *Pipeline) reactionOf(q string) []string {
	m := reactionRe.FindStringSubmatch(q)
	if m == nil {
		return nil
	}
	var words []string
	prev := ""
	for _, w := range strings.Fields(strings.Join(m[1:], "")) {
		if lw := strings.ToLower(w); !partySide(prev, lw) && !(stateWords[lw] && isDemonym(prev)) { // "the Iranian side", "the Iranian government" is Iran
			words = append(words, w)
			prev = lw
		}
	}
	if ts := p.an.Terms(strings.Join(words, " ")); len(ts) > 0 {
		if len(words) == 1 {
			if country := capitalOf(words[0]); country != "" { // "How did Tehran react to the decision?": Iran ("The Iranian Embassy in Tirana did not comment")
				return p.an.Terms(country)
			}
		}
		return ts
	}
	return nil
}

// capitalOf returns the country whose capital WordNet says the name w is
// ("tehran": "capital of iran"; "tirana": "albanian capital"), or "".
func capitalOf(w string) string {
	for _, a := range textan.NameAliases(w) {
		if c, ok := strings.CutPrefix(a, "capital of "); ok {
			return c
		}
		if c, ok := strings.CutSuffix(a, " capital"); ok && !strings.Contains(c, " ") {
			return c
		}
	}
	return ""
}

// subjectWords is how many words of a sentence's start its subject is
// looked for in.
const subjectWords = 4

// startsWith reports whether the first subjectWords words of sentence s
// hold every term of subject, as the subject of a reaction does: "The
// Iranian Embassy in Tirana did not comment" for Iran, not "The MEK
// responded by declaring war against … Iran". A possessive is not the
// subject: "Iran’s July cyberattack on Albania proved …" is not Iran's
// reaction. A quotation's subject is its speaker, after it: "“The
// government has decided …,” Albanian Prime Minister Edi Rama declared"
// for Albania.
func (p *Pipeline) startsWith(s string, subject []string) bool {
	if p.leadsWith(s, subject) {
		return true
	}
	if q, size := utf8.DecodeRuneInString(strings.TrimSpace(s)); q == '“' || q == '"' {
		if i := strings.LastIndexAny(s, "”\""); i > size {
			_, n := utf8.DecodeRuneInString(s[i:])
			return p.leadsWith(s[i+n:], subject)
		}
	}
	return false
}

// leadsWith reports whether the first subjectWords words of s, less
// possessives, hold every term of subject.
func (p *Pipeline) leadsWith(s string, subject []string) bool {
	var words []string
	n := 0
	textan.Tokenize(s, func(t textan.Token) {
		if n++; n <= subjectWords {
			if _, end := textan.CutPossessive(t.Text); end == "" {
				words = append(words, t.Text)
			}
		}
	})
	have := map[string]bool{}
	for _, t := range p.an.Terms(strings.Join(words, " ")) {
		have[t] = true
	}
	return !slices.ContainsFunc(subject, func(t string) bool { return !have[t] })
}

// nameAskRes match a question of the name of someone a story speaks of by a
// common noun: "what was the mother's name?", "whats the dogs name",
// "what is the name of the fox?", "what was the husband called?". Group 1
// is the noun.
var nameAskRes = []*regexp.Regexp{
	regexp.MustCompile(`(?i)^\W*what(?:'s|’s|s|\s+is|\s+was|\s+were)\s+(?:the\s+|his\s+|her\s+|their\s+|its\s+)?(?:[\pL-]+\s+)?([\pL-]+?)(?:'s|’s|s'|s’)?\s+(?:real\s+|first\s+|full\s+)?name\W*$`),                                                            // "what's the old man's name?"
	regexp.MustCompile(`(?i)^\W*what(?:'s|’s|s|\s+is|\s+was|\s+were|\s+are)\s+the\s+names?\s+of\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:[\pL-]+(?:'s|’s)?\s+){0,2}?([\pL-]+)(\s+(?:where|that|which|who|whom|in\s+which|to|of|in|at|from|for|on)\s[^?]*)?\W*$`), // "what was the name of the Prince's country?", "… of ali baba's horse?", "… of the village where he kept sheep?", "… of the Iranian ambassador to Albania?"
	regexp.MustCompile(`(?i)^\W*what(?:'s|’s|s|\s+is|\s+was|\s+were|\s+are)\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:two\s+|three\s+|little\s+|old\s+|young\s+)?([\pL-]+?)(?:'s|’s)?\s+called\W*$`),                                                              // "what were the two sisters called?"
}

// namedPlaces are the places a question may ask the name of as it asks a
// person's: "what was the name of the lake?" of a tale that names none.
var namedPlaces = setOf("lake river mountain castle village town city kingdom island forest wood sea country land camp")

// namedGroups are the groups a question may ask the name of: "What was the
// name of the hacking group?" was answered with the report's "the exiled
// opposition group People’s Mujahideen Organization of Iran", a name of
// another group (groupKindAsked).
var namedGroups = setOf("group organization organisation party gang band army movement team")

// groupKindRe finds the word before a group's noun in a question of its
// name (group 1): "the name of the hacking group", "the hacker group's
// name".
var groupKindRe = regexp.MustCompile(`(?i)\b(?:the|a|that|this)\s+([\pL-]+)\s+(?:` + strings.Join(slices.Sorted(maps.Keys(namedGroups)), "|") + `)s?\b`)

// groupKindAsked returns the term of the word that says what kind of group
// q asks the name of ("hack" of "What was the name of the hacking
// group?"), or "" when it asks no group's name (named, nameAsked's term,
// is none of namedGroups') or says no kind.
func (p *Pipeline) groupKindAsked(q, named string) string {
	if named == "" || !slices.ContainsFunc(slices.Collect(maps.Keys(namedGroups)), func(g string) bool { return p.an.Term(g) == named }) {
		return ""
	}
	if m := groupKindRe.FindStringSubmatch(q); m != nil {
		return p.an.Term(m[1])
	}
	return ""
}

// calledBy reports whether a tale calls a character by the common noun w,
// written as a name ("the Duckling", "the Swallow": WordNet's first sense
// of neither is an animal): "What was the duckling's name?" asks a name it
// may never give. (Of other documents, "Stadium" is a name's: "Levi's
// Stadium".)
func (p *Pipeline) calledBy(w string) bool {
	return p.opts.Speller != nil && p.tale() && textan.IsEnglish(w) && !textan.IsName(w) && p.opts.Speller.IsName(w)
}

// nameAsked returns the term of the noun a question asks the name of
// (nameAskRes): a person or an animal (textan.IsCreature: "mother",
// "dog") or a place (namedPlaces), not a name ("what is Ali Baba's name?") nor a thing; or "".
// A person described further ("the ambassador to Albania") is described,
// not named: a sentence may name them without the noun.
func (p *Pipeline) nameAsked(q string) (named, described string) {
	for _, re := range nameAskRes {
		m := re.FindStringSubmatch(q)
		if m == nil {
			continue
		}
		w := strings.ToLower(m[1])
		one := strings.TrimSuffix(w, "s")
		placeOrGroup := namedPlaces[one] || namedGroups[one]
		if !textan.IsCreature(w) && !textan.IsCreature(one) && !placeOrGroup && !p.calledBy(w) {
			return "", ""
		}
		if len(m) > 2 && m[2] != "" && !placeOrGroup { // "the quarterback who was 38 in Super Bowl XXXIII": a sentence names him without the noun ("John Elway, who led the Broncos")
			return "", p.an.Term(w)
		}
		return p.an.Term(w), ""
	}
	return "", ""
}

// nameGiven reports whether a sentence of cands may give the name a
// question asks (nameAsked): one with its noun beside a word with a capital
// that is not the sentence's first nor one of the question's ("his dog,
// Spirit-Iron"; "the" may stand between: "Fylax the dog"), or "named" or
// "called" after it before one ("a man named Liu I"). Names asked of many
// may be given of them by another noun: "named" or "called" before a
// capital is enough.
func (p *Pipeline) nameGiven(q questionTerms, cands []*candidate) bool {
	plural := q.words["names"] || q.words["were"] || q.words["are"] // "what are the names of the three brothers?": "three sons, who were named Peter, Paul and Esben"
	naming := setOf(p.an.Term("name") + " " + p.an.Term("called"))
	for _, c := range cands {
		if q.namedKind != "" && !c.terms[q.namedKind] && !c.syns[q.namedKind] { // "the hacking group": not a sentence that names an opposition group
			continue
		}
		topical := false // it holds a word of the question besides its "names" ("three")
		for t := range c.terms {
			topical = topical || !naming[t]
		}
		var toks []textan.Token
		textan.Tokenize(c.sent.Text, func(t textan.Token) { toks = append(toks, t) })
		for i, t := range toks {
			if lw := strings.ToLower(t.Text); plural && topical && (lw == "named" || lw == "called") && i+1 < len(toks) && textan.Capitalized(toks[i+1].Text) && !q.words[strings.ToLower(toks[i+1].Text)] {
				return true
			}
			if p.an.Term(textan.Possessive(t.Text)) != q.named {
				continue
			}
			name := func(j int) bool { // a name, only a space or a comma from its neighbour towards i ("mother said, 'Hush!" names no one)
				if j <= 0 || j >= len(toks) || !textan.Capitalized(toks[j].Text) || textan.IsStop(strings.ToLower(toks[j].Text)) || q.words[strings.ToLower(toks[j].Text)] || q.words[strings.ToLower(textan.Possessive(toks[j].Text))] { // "I", "My sister" after a dash name no one; the question's "Prince's country" neither
					return false
				}
				gap := c.sent.Text[toks[j-1].End:toks[j].Start]
				if j < i {
					gap = c.sent.Text[toks[j].End:toks[j+1].Start]
				} else if strings.Contains(gap, ",") { // "his dog, Spirit-Iron, ran"; not "to her own country, Queen Silver-Tree went", a clause of its own
					k := j
					for k < len(toks) && textan.Capitalized(toks[k].Text) {
						k++
					}
					if k < len(toks) && strings.TrimSpace(c.sent.Text[toks[k-1].End:toks[k].Start]) == "" {
						return false
					}
				}
				return strings.Trim(gap, " ,") == ""
			}
			for j := i + 1; j < min(len(toks), i+6); j++ { // "a man named Liu I", "the dog called Fylax", "one child, a boy, whom they named Setanta"
				if lw := strings.ToLower(toks[j].Text); (lw == "named" || lw == "called") && (name(j+1) || name(j+2)) {
					return true
				}
			}
			if name(i-1) || name(i+1) || name(i-2) && strings.EqualFold(toks[i-1].Text, "the") { // "his dog, Spirit-Iron", "Fylax the dog"; not "Letiko home to her mother", "the king's astonishment Moti"
				return true
			}
			if namedPlaces[strings.ToLower(t.Text)] && i+2 < len(toks) && strings.EqualFold(toks[i+1].Text, "of") && (name(i+2) || i+3 < len(toks) && strings.EqualFold(toks[i+2].Text, "the") && name(i+3)) { // a place's: "the kingdom of Arabia"
				return true
			}
		}
	}
	return false
}
