package answer

import (
	"cmp"
	"maps"
	"regexp"
	"slices"
	"strings"

	"storybot/internal/cite"
	"storybot/internal/knowledge"
	"storybot/internal/textan"
)

// Questions that ask for what a command shows: the timeline ("give me the
// timeline", "list the dates") and a summary about something ("summarize
// the MEK"). Ask returns TimelineAsked or SummaryAsked for them, and the
// adapters, which hold the summarizer, show it.

// datesRe is the dates, in the plural.
var datesRe = regexp.MustCompile(`(?i)\bdates\b`)

// timelineWords ask for the events in order ("give me the timeline"), and
// eventWords may go with them ("the chronology of events").
const (
	timelineWords = "timeline timelines chronology chronological event events"
	eventWords    = "order dates key main important major list biggest"
)

// oneEventRe is one event asked for ("what is the main event?"), which
// the story's lede answers, not the timeline; manyEventsRe asks for more.
var (
	oneEventRe   = regexp.MustCompile(`(?i)\bevent\b`)
	manyEventsRe = regexp.MustCompile(`(?i)\b(?:events|timelines?|chronolog\w*|dates)\b`)
)

// timelineRequestRe asks for a timeline in so many words, whatever else it
// says of its form or its span.
var timelineRequestRe = regexp.MustCompile(`(?i)^\W*(?:(?:can|could|would)\s+you\s+|please\s+|now\s+|i\s+(?:need|want|would\s+like)\s+)?(?:give|show|make|build|create|write|list|put\s+together|get)\s+(?:me\s+|us\s+)?(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:timeline|chronology)\b`)

// noNameRe is what namesSomething takes for a name and is none in a
// request for the timeline: the pronoun "I", and a number ("a 3 bullet
// timeline").
var noNameRe = regexp.MustCompile(`\bI\b|\b\d+\b`)

// asksTimeline reports whether q asks for the timeline and for nothing
// else ("What is the timeline of the MEK?" is answered from the passages).
// The dates, in the plural, ask for it too ("list the dates", "what are
// the key dates?"; "date" is a framing word, no topic).
func (p *Pipeline) asksTimeline(q string) bool {
	if oneEventRe.MatchString(q) && !manyEventsRe.MatchString(q) { // "what is the main event?": the story's, not all of them
		return false
	}
	asks := datesRe.MatchString(q)
	if timelineRequestRe.MatchString(q) && !p.namesSomething(noNameRe.ReplaceAllString(q, "")) { // "give me a 3 bullet timeline I can read on air", "Give me a timeline of events from the attack to the expulsion."; not "… of the MEK"
		return true
	}
	for _, t := range p.topicTerms(q) {
		switch {
		case p.timeline[t]:
			asks = true
		case !p.events[t]:
			return false
		}
	}
	return asks
}

// TimelineAsked is what Ask returns for a question that asks for the
// timeline and nothing else ("give me the timeline", "list the dates"): the
// adapters, which hold the summarizer, show the timeline itself. An
// adapter that does not shows its message (MsgTimeline), as any
// UserError's.
type TimelineAsked struct{}

func (TimelineAsked) Error() string       { return MsgTimeline }
func (TimelineAsked) UserMessage() string { return MsgTimeline }

// SummaryAsked is what Ask returns, when Options.Summaries says the
// adapter can show one, for a question that asks for a summary about
// something ("summarize the MEK", "give me a summary of the cyberattack"):
// the adapter shows the summary of the knowledge that Focus concerns, or,
// when the request names a document by its title ("summarize the toad
// woman story"), the summary of Doc (and Focus is empty).
// A request for a summary of the documents themselves ("summarize the
// story", "tl;dr") is one too, of the one document or of the folder (Doc
// and Focus empty). Length is "short", "long" or "" (the summary's
// default), as the request asks ("briefly", "in 3 points", "in detail").
type SummaryAsked struct {
	Focus, Doc, Length string
	Bullets            bool // asked as bullet points ("give me 3 bullet points"): summary.SummaryRequest's
}

func (s SummaryAsked) Error() string { return "a summary of " + s.Doc + s.Focus }
func (s SummaryAsked) UserMessage() string {
	switch {
	case s.Doc != "":
		return "For a summary of " + s.Doc + ", use /summary document:" + s.Doc + "."
	case s.Focus != "":
		return "For a summary about " + s.Focus + ", use /summary focus:" + s.Focus + "."
	}
	return "For a summary of the documents, use /summary."
}

// summaryWordsRe is a request for a summary, as typed: the words of
// wholeWords that ask for one ("summarize", "tl;dr", "recap"), not those
// that ask what the documents are about ("overview", "gist": gistRe).
var summaryWordsRe = regexp.MustCompile(`(?i)\b(?:summar(?:y|ies|i[sz]e[sd]?|i[sz]ing)|sum\s+(?:it\s+|this\s+|that\s+)?up|synopsis|recap|tl;?\s*dr|(?:short|quick|brief|simple|one[\s-]+line|one[\s-]+sentence|kids?|tl;?\s*dr)\s+version|in\s+a\s+nutshell|` + likeFive + `|` + summaryFormAsked + `|` + tellTheStory + `)\b`)

// tellTheStory asks for the story told: "tell me the story", "can u tell
// me the story short", "read me the whole story" (each quoted its first
// sentence, or was refused, for session 28's new users), or the summary
// again in another form (restateAsked).
const tellTheStory = `(?:tell|read|give|retell)\s+(?:me|us)\s+(?:the|this|that)\s+(?:whole\s+|hole\s+|full\s+|entire\s+|short\s+|complete\s+)?(?:story|tale)` + `|` + restateAsked

// restateAsked asks for the summary again in another form: "give me
// that in one sentence" (after /summary: "That question names nothing I
// can look up"), "can you do it as bullet points?" (its "it" is the
// summary, not what a report's lede is about).
const restateAsked = `(?:give|tell|put|say|write|do|make)\s+(?:me\s+|us\s+)?(?:that|it|this)\s+(?:in|as)\s+(?:(?:one|a|1|two|2|three|3|a\s+few|few)\s+)?(?:single\s+)?(?:sentences?|lines?|bullet[\s-]*points|bullets)`

// lengthOfSummary returns the length ("sentence", "short", "long" or ""
// for the default) of the summary the answer a gave, by its sentences
// (its citation markers), or "" when a is no summary (summaryBody).
func lengthOfSummary(a string) string {
	text, ok := summaryBody(a)
	if !ok {
		return ""
	}
	switch n := len(cite.Find(text)); {
	case n == 1:
		return "sentence"
	case n > 0 && n <= 3:
		return "short"
	case n > 6:
		return "long"
	}
	return ""
}

// restateRe matches restateAsked.
var restateRe = regexp.MustCompile(`(?i)\b` + restateAsked)

// summaryFormAsked asks for the story in a summary's form without the
// word: "Now give me three bullet points.", "Write a headline for it in
// under 10 words." (refused, and taken for something told).
const summaryFormAsked = `(?:give|write|make|list|put|suggest|turn)\s+(?:me\s+|us\s+)?(?:it\s+|this\s+|that\s+)?(?:in(?:to)?\s+|as\s+)?(?:a\s+|an\s+|the\s+|some\s+)?(?:(?:one|two|three|four|five|\d|few|couple\s+of|catchy|short|good)\s+)?(?:bullet[\s-]*points?|bullets|headlines?|tweets?)`

// likeFive asks for the story told simply: "Explain it like I'm five."
// (refused as a question about "five").
const likeFive = `(?:explain|tell|describe)\s+(?:it|this|that|the\s+story|everything)\s+(?:to\s+me\s+)?like\s+(?:i'?m|i\s+am|im)\s+(?:(?:five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})(?:[\s-]+years?[\s-]+old)?|a\s+(?:kid|child|little\s+kid|beginner|grandma|grandmother|\w+[\s-]year[\s-]old))`

// likeFiveRe matches likeFive.
var likeFiveRe = regexp.MustCompile(`(?i)\b` + likeFive + `\b`)

// summaryStyleRe is the form a summary request asks for, no topic: "give
// me a one-line summary", "What's the headline-style summary?" (both
// refused as questions about a "line" and a "headline").
var summaryStyleRe = regexp.MustCompile(`(?i)\b(?:(?:one|1|single|two|2|three|3|short|quick|brief)[\s-]+(?:line|liner|sentence|paragraph)s?|headline(?:[\s-]+(?:style|version|form))?|(?:(?:in|as|with)\s+)?bullet[\s-]*(?:point|points|style|form|list)|(?:in|as|with)\s+bullets|(?:in\s+)?simple\s+(?:words|terms|english)|(?:both|all|each|the\s+two)\s+sides(?:'|’)?s?(?:\s+(?:positions?|views?|arguments?|perspectives?|stories|takes?|cases?))?|` + likeFive + `)\b`)

// wholeSummary returns the summary that q asks for when it asks for a
// summary of the documents themselves, standalone naming nothing else
// ("summarize the story", "summary pls", "tl;dr"; not "summarize it" after
// a question about the MEK): of the document when the folder holds one, or
// the request names one by its title, else of the folder. A summary reads
// all of a document; the openings tell only how a tale begins.
func (p *Pipeline) wholeSummary(q, standalone string) (SummaryAsked, bool) {
	if !summaryWordsRe.MatchString(q) {
		return SummaryAsked{}, false
	}
	asked := SummaryAsked{Length: summaryLength(q)}
	if likeFiveRe.MatchString(q) || restateRe.MatchString(q) { // "Explain it like I'm five." after "Now in three bullet points.": its "it" is the story, not the words before; "can you do it as bullet points?"
		standalone = q
	}
	rest := plotRe.ReplaceAllString(withoutFraming(summaryWordsRe.ReplaceAllString(standalone, " ")), " ")
	rest = documentNounRe.ReplaceAllString(rest, " ") // "summarize the report" ("report" is no vague word: "What was reported?")
	if !p.hasTopic(rest) {
		if p.opts.Documents != nil {
			if docs := p.opts.Documents(); len(docs) == 1 {
				asked.Doc = docs[0].Path
			}
		}
		return asked, true
	}
	if doc, title := p.namedDocument(standalone); doc != nil && !p.hasTopic(title.ReplaceAllString(rest, " ")) {
		asked.Doc = doc.Path
		return asked, true
	}
	return SummaryAsked{}, false
}

// purposeRe is what a request is for, no topic: "for my essay", "for
// my history class", "for class", "for my 4th grade class", "for a 7
// year old", "i have to write" ("can u summarize all this in like 3
// sentences for my essay" was refused as a question about an essay, "i
// have to write a summary of this article for class" too; "Can you
// summarize the story for my 4th grade class?" was a summary about "the
// story for my 4th grade class").
var purposeRe = regexp.MustCompile(`(?i)(?:\b(?:i|we)\s+(?:have|need|got|want)\s+to\s+(?:write|do|make|prepare|give)\b|\bfor\s+(?:me|us)\s*$|\bfor\s+(?:(?:my|a|an|the|our|his|her|some)\s+)?(?:[\w'’-]+\s+){0,3}?(?:essay|homework|class|classroom|school|report|project|assignment|presentation|lesson(?:\s+plans?)?|teacher|students?|pupils?|learners?|kids?|children|child|beginners?|graders?|son|daughter|newsletter|blog|channel|friends?|(?:year|yr)[\s-]*olds?)\b|\bfor\s+an?\s+[\w]+[\s-]+(?:year|yr)s?[\s-]*olds?\b)`)

// withoutFraming is a summary request without the length it asks for, its
// form and what it is for ("in 3 sentences", "a one-line summary", "for
// my essay"), which name no topic.
func withoutFraming(s string) string {
	return askingRe.ReplaceAllString(howBriefRe.ReplaceAllString(summaryStyleRe.ReplaceAllString(purposeRe.ReplaceAllString(lengthAsked.ReplaceAllString(s, " "), " "), " "), " "), " ")
}

// askingRe is how a request is put, no topic: "I want a summary", "i'd
// like a summary" (both refused), "can I get a recap".
var askingRe = regexp.MustCompile(`(?i)^\W*(?:(?:hi|hey|hello|ok|okay|so|well)\W+)*(?:i\s+(?:want|need|would\s+like)|i'd\s+like|i’d\s+like|id\s+like|i\s+wanna|(?:can|could|may)\s+(?:i|we)\s+(?:have|get|see)|gimme|lemme\s+(?:have|get|see))\b`)

// howBriefRe is how long a request asks its summary to be, in a word:
// "summarize the MEK briefly" is about "the MEK".
var howBriefRe = regexp.MustCompile(`(?i)\b(?:briefly|quickly|shortly|in\s+(?:short|brief|detail|full|depth))\b`)

// summaryNouns are the nouns of gistRe that name the summary itself ("the
// bottom line", "the gist"); summaryNounRe finds them, which ask for it
// alone even as a follow-up.
const summaryNouns = `(?:the|a)\s+gist|(?:the|a)\s+headline|bottom\s+line|(?:main|key|most\s+important|biggest)\s+(?:points|takeaways?|facts|things)|overview|synopsis|eli5`

var summaryNounRe = regexp.MustCompile(`(?i)\b(?:` + summaryNouns + `)\b`)

// plotRe is a story's plot, which a summary request may name ("sum up the
// plot in a couple of sentences"): no topic of its own.
var plotRe = regexp.MustCompile(`(?i)\b(?:plot|storyline)\b`)

// gistRe asks what a story is about as a whole: "what is this story
// about?", "what happened?", "what happened first?", "give me the gist",
// "what's the plot?", "eli5", "and the bottom line?".
var gistRe = regexp.MustCompile(`(?i)\b(?:what(?:'s|’s|s|\s+is|\s+was)\s+(?:it|(?:this|that|the)(?:\s+` + documentNoun + `|\s+one)?)\s+(?:all\s+)?about|what\s+(?:happens|happened)(?:\s+(?:first|at\s+first|in\s+the\s+beginning))?|what(?:'s|’s|s|\s+is)\s+the\s+(?:beef|drama|fuss|tea|situation|backstory|story|deal)(?:\s+(?:about|here|there))?|` + summaryNouns + `|plot|explain\s+(?:it\s+|this\s+)?like\s+i'?m\s+(?:5|five))\b`)

// documentNoun is a word for a document: "story", "article", "paper".
const documentNoun = `(?:story|tale|article|text|document|book|report|news|file|paper|essay|piece|post|page)`

// documentNounRe is a word for a document, as a summary request names
// the one it asks of.
var documentNounRe = regexp.MustCompile(`(?i)\b` + documentNoun + `s?\b`)

// theDocumentRe names the document: "this story", "the article". A
// question about it is about the document even as a follow-up.
var theDocumentRe = regexp.MustCompile(`(?i)\b(?:this|that|the)\s+` + documentNoun + `\b`)

// gist returns the short summary of the folder's one document for a
// question with no topic (as standalone has it) that asks what it is about
// as a whole (gistRe), and no part of it (its start, end, people or
// setting: those are the openings' and closings'). The opening of a news
// report says what happened, but a tale's is often scenery ("A little back
// from the high road there stands a house which is called 'Hemgard.'"),
// and a model given the openings tells only how the story begins; the
// summary reads it all. Of several documents, one the question names by
// its title ("what is Jack my Hedgehog about?") gets its summary too; else
// they keep their openings, one each (what each is about), as does an
// adapter without summaries, and so does a paper that opens with its
// abstract (abstracted).
func (p *Pipeline) gist(q, standalone string) (SummaryAsked, bool) {
	if p.opts.Documents == nil || p.asksEnding(q) || holdsWord(q, p.partOnly) {
		return SummaryAsked{}, false
	}
	length := cmp.Or(summaryLength(q), "short")
	if m := titledGistRe.FindStringSubmatch(q); m != nil { // "what is Jack my Hedgehog about?"
		if doc, title := p.namedDocument(q); doc != nil && !p.hasTopic(title.ReplaceAllString(m[1], " ")) && !abstracted(doc) {
			return SummaryAsked{Doc: doc.Path, Length: length}, true
		}
		if docs := p.opts.Documents(); len(docs) == 1 && !abstracted(docs[0]) && p.titleOf(m[1], docs[0]) { // the folder's one story, by its title
			return SummaryAsked{Doc: docs[0].Path, Length: length}, true
		}
	}
	asked := standalone
	if summaryNounRe.MatchString(q) { // "bottom line?" after a question takes no topic from it, as "what happened?" does
		asked = q
	}
	if !gistRe.MatchString(q) || p.hasTopic(gistRe.ReplaceAllString(asked, " ")) {
		return SummaryAsked{}, false
	}
	if docs := p.opts.Documents(); len(docs) == 1 && !abstracted(docs[0]) {
		return SummaryAsked{Doc: docs[0].Path, Length: length}, true
	}
	return SummaryAsked{}, false
}

// titleOf reports whether words are d's title, or as much of it as
// names it: every term of words is one of the title's ("jack my hedgehog",
// "the snow man"), and they are at least half of them.
func (p *Pipeline) titleOf(words string, d *knowledge.Document) bool {
	got, title := p.an.Terms(words), setOf(strings.Join(p.an.Terms(d.Title), " "))
	return len(got) > 0 && 2*len(got) >= len(title) && !slices.ContainsFunc(got, func(t string) bool { return !title[t] })
}

// abstracted reports whether d opens with an abstract, which says what it is
// about better than any summary of its sentences: its opening answers.
func abstracted(d *knowledge.Document) bool {
	for _, ps := range d.Passages[:min(2, len(d.Passages))] { // after a passage of metadata (a paper's DOI, authors, date)
		if knowledge.OpensAbstract(ps.Text) || knowledge.OpensAbstract(ps.Section) {
			return true
		}
	}
	return false
}

// titledGistRe asks what something is about, group 1 the something: "what
// is Jack my Hedgehog about?" asks for a summary when it names a document.
var titledGistRe = regexp.MustCompile(`(?i)^\W*what(?:'s|’s|s|\s+is|\s+was)\s+(.+?)\s+(?:all\s+)?about\W*$`)

// summaryLength is the length of summary q asks for: "sentence" for one
// sentence or a headline, "short" for a brief one ("briefly", "tl;dr", "in
// 3 points" or fewer), "long" for a detailed one, else "" (the default).
func summaryLength(q string) string {
	n := sentencesAsked(q)
	if m := countedFormRe.FindStringSubmatch(q); n == 0 && m != nil { // "give me three bullet points"
		n = sentencesAsked("in " + m[0])
	}
	switch {
	case n == 1 || oneSentenceRe.MatchString(q):
		return "sentence"
	case n > 0 && n <= 3 || briefRe.MatchString(q):
		return "short"
	case n > 3 || detailedRe.MatchString(q):
		return "long"
	}
	return ""
}

var (
	briefRe       = regexp.MustCompile(`(?i)\b(?:brief|briefly|short|shortly|quick|quickly|tl;?\s*dr|in\s+a\s+(?:nutshell|few\s+(?:words|points|sentences|lines))|` + likeFive + `)\b`)
	countedFormRe = regexp.MustCompile(`(?i)\b(?:` + lengthNumber + `)\s+(?:short\s+)?(?:bullet[\s-]*points?|bullets|points|sentences|lines|facts|things|takeaways)\b`)
	oneSentenceRe = regexp.MustCompile(`(?i)\b(?:(?:one|1|single)[\s-]+(?:line|liner|sentence)|headline|tweet)\b`)
	detailedRe    = regexp.MustCompile(`(?i)\b(?:detailed|in\s+(?:full\s+)?detail|long|full|complete|thorough|in\s+depth|everything|whole|entire)\b`)
)

// summaryRequest returns the summary q (standalone, as a follow-up is
// understood) asks for, when the adapter shows summaries
// (Options.Summaries): about a topic ("summarize the MEK": summaryFocus),
// of the documents themselves ("summarize the story", "tl;dr":
// wholeSummary), or what one document is about ("what is this story
// about?": gist).
func (p *Pipeline) summaryRequest(q, standalone string) (SummaryAsked, bool) {
	asked, ok := p.summaryOf(q, standalone)
	asked.Bullets = ok && bulletsRe.MatchString(q)
	return asked, ok
}

// bulletsRe asks for bullet points: "in 3 bullet points", "as bullets".
var bulletsRe = regexp.MustCompile(`(?i)\bbullet(?:s|[\s-]*points?|ed)?\b`)

// summaryOf is summaryRequest without the form asked.
func (p *Pipeline) summaryOf(q, standalone string) (SummaryAsked, bool) {
	if !p.opts.Summaries {
		return SummaryAsked{}, false
	}
	if focus := p.summaryFocus(q); focus != "" {
		asked := p.summaryAsked(focus)
		asked.Length = summaryLength(q) // "Summarize the US position in one sentence." was given four
		return asked, true
	}
	if asked, ok := p.wholeSummary(q, standalone); ok {
		return asked, true
	}
	return p.gist(q, standalone)
}

// summaryAsked is the SummaryAsked of a request about focus: of the
// document whose title's words are focus's, the words that name a
// document ("story", "article") aside, or that focus names as
// namedDocument reads a title ("the tom kitten story" of "Tale of Tom
// Kitten") with nothing else to look up; else about focus.
func (p *Pipeline) summaryAsked(focus string) SummaryAsked {
	if p.opts.Documents == nil {
		return SummaryAsked{Focus: focus}
	}
	words := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, t := range p.an.Terms(s) {
			if !p.docWords[t] {
				m[t] = true
			}
		}
		return m
	}
	want := words(focus)
	for _, d := range p.opts.Documents() {
		if title := words(d.Title); len(title) > 0 && (maps.Equal(title, want) || p.tale() && anyHoldsAll([]map[string]bool{title}, slices.Collect(maps.Keys(want)))) { // of a tale, its hero: "Summarize the story of Momotaro." of "Momotaro, or the Story of the Son of a Peach" was about every sentence that names him
			return SummaryAsked{Doc: d.Path}
		}
	}
	if doc, title := p.namedDocument(focus); doc != nil && !p.hasTopic(title.ReplaceAllString(focus, " ")) { // "the tom kitten story"
		return SummaryAsked{Doc: doc.Path}
	}
	return SummaryAsked{Focus: focus}
}

// summaryRe is a request for a summary about something, the topic in a
// group: "summarize the MEK", "give me a summary of the cyberattack", "sum
// up what the story says about the MEK", "what does the article say about
// the MEK?", "Give me the key facts about the hackers.", "tell me
// everything about the MEK", "what do you know about the MEK?" (session
// 27's new users: refused, taken for something told, hedged).
var summaryRe = regexp.MustCompile(`(?i)^\W*(?:(?:and|also|now|ok|okay)\W+)?(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:(?:give|write|show|make)\s+(?:me\s+)?(?:a\s+)?(?:short\s+|brief\s+|quick\s+)?summary\s+(?:of|about|on)|(?:a\s+)?(?:short\s+|brief\s+|quick\s+)?summary\s+(?:of|about|on)|summari[sz]e|sum\s+up|what\s+(?:does|did|do)\s+(?:the\s+|this\s+)?(?:story|article|report|text|documents?|news)\s+say|(?:(?:give|tell|show)\s+(?:me\s+|us\s+)?|what\s+are\s+|list\s+)?(?:the\s+|some\s+)?(?:key|main|most\s+important|important|basic)\s+(?:facts|points|things|details)\s+(?:about|on|of|regarding)|tell\s+(?:me|us)\s+(?:everything|all)\s+(?:you\s+know\s+|there\s+is\s+to\s+know\s+)?about|what\s+do\s+(?:you|we)\s+know\s+about)\s+(?:what\s+(?:the\s+)?(?:story|article|report|text|documents?)\s+says?\s+(?:about|of|on)\s+|everything\s+about\s+|(?:all\s+)?about\s+)?(.+?)[\s?.!]*$`)

// summaryFocus returns what a request for a summary is about ("the MEK"),
// or "" for any other question and for a summary of the documents
// themselves ("summarize the article in one sentence", "summary pls").
func (p *Pipeline) summaryFocus(q string) string {
	m := summaryRe.FindStringSubmatch(askingRe.ReplaceAllString(q, "")) // "I want a summary of the MEK"
	if m == nil {
		return ""
	}
	topic := false
	textan.Tokenize(framePhrases.ReplaceAllString(withoutFraming(m[1]), " "), func(tok textan.Token) { // not "it in 3 sentences for my homework"
		w := strings.ToLower(tok.Text)
		t := p.an.Term(w)
		topic = topic || t != "" && !p.overview[w] && !plotRe.MatchString(w) && !p.vague[t] && !p.docWords[t] && !frameTerms()[t] && !p.structure[w] && !isNumber(w)
	})
	if !topic {
		return ""
	}
	return strings.Join(strings.Fields(partOfRe.ReplaceAllString(withoutFraming(politeTail.ReplaceAllString(m[1], "")), "")), " ") // "the MEK", not "the MEK in 3 sentences" nor "just the part about the MEK"
}

// structureWords name parts of a text, no topic: "summarize the first
// paragraph" is an overview, answered from the opening.
const structureWords = `paragraph paragraphs section sections chapter chapters part parts page pages line lines
first last second third next previous whole entire`

// isNumber reports whether w is written in digits ("chapter 3").
func isNumber(w string) bool { return w != "" && strings.Trim(w, "0123456789") == "" }

// partOfRe is how a request names the part of the documents about its
// topic: "Summarize just the part about the MEK" is about "the MEK" (its
// heading said "about “just the part about the MEK”").
var partOfRe = regexp.MustCompile(`(?i)^\W*(?:just\s+|only\s+)?(?:the\s+)?(?:parts?|bits?|sections?|passages?)\s+(?:about|on|of|that\s+(?:talks?|deals?)\s+(?:about|with)|where\s+it\s+talks\s+about)\s+`)

// politeTail is a "please" or "thanks" after a request.
var politeTail = regexp.MustCompile(`(?i)[\s,]+(?:please|pls|plz|thanks|thank you|thx)$`)
