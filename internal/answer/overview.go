package answer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"storybot/internal/knowledge"
	"storybot/internal/search"
	"storybot/internal/textan"
)

// A question that asks what the documents are about, how a story ends or
// who its main character is ("What happened?", "How does it end?", "Who is
// the main character?") is answered from the documents' openings or
// closings: which passages (Pipeline.openings, closing), which of their
// sentences offline (openingSentences, withMainCharacter), and what an
// overview of many documents leaves out (moreDocuments).

// An overview question is answered by the openings of a single document's
// first maxOpenings passages, or of the first maxOverviewDocs documents
// of several (the rest are named by how many: moreDocumentsText).
const (
	maxOpenings     = 3
	maxOverviewDocs = 5
)

// openings returns, for a question with no topic that asks what the
// documents are about ("What happened?", "What is the story about?",
// "Tell me more"), the opening passage of each of the first
// maxOverviewDocs documents (the first maxOpenings of a single document, so
// that "Tell me more" can go on); else none. A news report's opening says what happened; a
// story's, whom it is about. A question about the ending ("How does the
// story end?", endingWords) gets the closing passages instead, in the
// order of the text.
func (p *Pipeline) openings(q string) []search.Hit {
	if p.opts.Documents == nil {
		return nil
	}
	return p.openingsOf(q, p.opts.Documents())
}

// openingsOf is openings over docs.
func (p *Pipeline) openingsOf(q string, docs []*knowledge.Document) []search.Hit {
	if !holdsWord(q, p.overview) && !settingAskRe.MatchString(q) {
		return nil
	}
	per, most := 1, maxOverviewDocs
	if len(docs) == 1 {
		per = max(maxOpenings, sentencesAsked(q))
		most = per
	}
	ending := p.asksEnding(q)
	var hits []search.Hit
	for _, d := range docs {
		if len(hits) >= most {
			break
		}
		from := 0
		if ending {
			from = max(0, len(d.Passages)-per)
		}
		for i := from; i < min(from+per, len(d.Passages)); i++ {
			hits = append(hits, search.Hit{Passage: &d.Passages[i], Score: 1, Match: 1})
		}
	}
	return hits
}

// settingAskRe asks where or when a story takes place without naming it:
// "where does it take place?", "where is it set?", "when does it happen?",
// "what season was it?"
// (present: "when did it happen?" asks when something did; with "the
// story", an overview word, openingsOf needs no pattern).
var settingAskRe = regexp.MustCompile(`(?i)\b(?:(?:take|takes|took|taking)\s+place|` + storySet + `|(?:when|where)\s+does\s+(?:it|this|the\s+(?:story|tale))\s+happen)\b|(?:what|which)\s+(?:season|year|century|country|land|kingdom|place|city|town)\s+(?:was|is)\s+(?:it|this)\W*$`)

// placeAskRe asks where, of a setting question (settingAskRe): "where is
// it set?", "what country does it take place in?", not "when does it
// happen?".
var placeAskRe = regexp.MustCompile(`(?i)\bwhere\b|\b(?:what|which)\s+(?:country|land|kingdom|city|town|place|village)\b`)

// settingPlaceRe finds a place a story may be set in, however written
// ("in a certain village").
var settingPlaceRe = regexp.MustCompile(`(?i)\b(?:village|town|city|kingdom|country|land|forest|woods|castle|palace|island|mountains?|valley|sea|river|lake)\b`)

// atTheEndRe matches a question about a story's end that has a topic of its
// own: "where did Mara go at the end?", "what happened to the queen in the
// end of the story?" (not "at the end of the year", a time in the story).
var atTheEndRe = regexp.MustCompile(`(?i)\b(?:at|in)\s+the\s+(?:very\s+)?end(?:\s+of\s+(?:the\s+|this\s+)?(?:story|tale|book|article|text))?\s*[?.!]*\s*$`)

// endAsked reports whether q asks what a story's end tells with no word
// of its own but light verbs: "what did he get at the end?", "where did
// she go in the end?" (its "get" is no topic to look for: the closing
// passage's "Get up behind me" was quoted, not the bag of gold).
func (p *Pipeline) endAsked(q string) bool {
	return atTheEndRe.MatchString(q) && !slices.ContainsFunc(p.topicTerms(q), func(t string) bool { return !lightVerbs()[t] })
}

// fateAskedRe asks yes or no whether someone lived or died, which a tale
// tells at its end: "is the pancake dead" (refused: the pig "swallowed the
// pancake in one mouthful"), "did the soldier survive?".
var fateAskedRe = regexp.MustCompile(`(?i)\b(?:dead|die|dies|died|killed|alive|survived?|survives|eaten)\b`)

// tale reports whether the documents are one undated document: a story,
// whose end answers a yes-or-no question of its end that no passage covers
// (storyEndAsked); a report's end is no outcome.
func (p *Pipeline) tale() bool {
	if p.opts.Documents == nil {
		return false
	}
	docs := p.opts.Documents()
	return len(docs) == 1 && docs[0].Date == ""
}

// report returns the folder's one document when it is dated, a report,
// else nil (tale's counterpart).
func (p *Pipeline) report() *knowledge.Document {
	if p.opts.Documents == nil {
		return nil
	}
	if docs := p.opts.Documents(); len(docs) == 1 && docs[0].Date != "" && len(docs[0].Passages) > 0 {
		return docs[0]
	}
	return nil
}

// futureOfTheReport returns the passages of the one report (report) that
// say what will be (futureRe), at most two, in the order of the text:
// what "what will happen next?" asks of it ("The United States will take
// further action …"); none for a tale or several documents.
func (p *Pipeline) futureOfTheReport() []search.Hit {
	d := p.report()
	if d == nil {
		return nil
	}
	var out []search.Hit
	for i := range d.Passages {
		if futureRe.MatchString(d.Passages[i].Text) && len(out) < 2 {
			out = append(out, search.Hit{Passage: &d.Passages[i], Score: 1, Match: 1})
		}
	}
	return out
}

// futureSentences returns the sentences of passages that say what will be
// (futureRe), at most two, each once, in the passages' order.
func futureSentences(passages []*sourcePassage) []*candidate {
	var out []*candidate
	seen := map[string]bool{}
	for rank, sp := range passages {
		for i, s := range textan.Sentences(sp.Hit.Passage.Text) {
			if len(out) < 2 && !seen[s.Text] && futureRe.MatchString(s.Text) {
				seen[s.Text] = true
				out = append(out, &candidate{sp: sp, rank: rank, sent: s, idx: i})
			}
		}
	}
	return out
}

// closing returns the last two passages of the document of the best hit
// (of the tale, without one) when one of them holds a topic word of q, when
// q is endAsked, or when whole; else hits.
func (p *Pipeline) closing(q string, hits []search.Hit, whole bool) []search.Hit {
	var d *knowledge.Document
	score, match := 1.0, 1.0
	switch {
	case len(hits) > 0:
		d, score, match = p.document(hits[0].Passage.Doc), hits[0].Score, hits[0].Match
	case p.tale(): // "did he die at the end?" finds no word of the tale
		d = p.opts.Documents()[0]
	}
	if d == nil {
		return hits
	}
	var out []search.Hit
	for i := max(0, len(d.Passages)-2); i < len(d.Passages); i++ {
		out = append(out, search.Hit{Passage: &d.Passages[i], Score: score, Match: match})
	}
	if !whole && !p.endAsked(q) && !p.SharesTopic(q, out) {
		return hits
	}
	return out
}

// lastTelling returns hits with, second, the last passage of the best
// hit's document that holds the topic words of q, when they lack it: what
// became of someone (fateOfRe) is the last the story tells of them, and a
// search ranks it below the passages that name them most ("Unfaithful was
// banished from the land", the last of many passages naming him).
func (p *Pipeline) lastTelling(q string, hits []search.Hit) []search.Hit {
	if len(hits) == 0 {
		return hits
	}
	d := p.document(hits[0].Passage.Doc)
	if d == nil || d.Date != "" { // a dated report does not tell in the order things happened
		return hits
	}
	topics := p.topicTerms(q)
	if head := p.an.Term(fateHead(q)); slices.Contains(topics, head) { // "ram" of "the old ram"
		topics = []string{head}
	}
	if len(topics) == 0 {
		return hits
	}
	for i := len(d.Passages) - 1; i >= 0; i-- {
		ps := &d.Passages[i]
		if has := setOf(strings.Join(p.an.Terms(ps.Text), " ")); slices.ContainsFunc(topics, func(t string) bool { return !has[t] }) {
			continue // all of them: "peter's clothes" are not Peter
		}
		if slices.ContainsFunc(hits, func(h search.Hit) bool { return h.Passage.ID == ps.ID }) {
			return hits
		}
		return slices.Insert(slices.Clone(hits), min(1, len(hits)), search.Hit{Passage: ps, Score: hits[0].Score, Match: hits[0].Match})
	}
	return hits
}

// moreDocumentsText says that an overview leaves n documents out.
func moreDocumentsText(n int) string {
	what := "documents"
	if n == 1 {
		what = "document"
	}
	return fmt.Sprintf("The knowledge holds %d more %s: /sources lists them all, and a question may name one by its title.", n, what)
}

// moreDocuments returns, for an overview of several documents (an answer
// of their openings, chosen), how many documents it leaves out, or 0.
func (p *Pipeline) moreDocuments(question string, chosen []*candidate) int {
	if p.opts.Documents == nil || p.hasTopic(question) {
		return 0
	}
	n := len(p.opts.Documents())
	if n <= maxOverviewDocs {
		return 0
	}
	docs := map[string]bool{}
	for _, c := range chosen {
		docs[c.sp.Hit.Passage.Doc] = true
	}
	return n - len(docs)
}

// openingSentences answers an overview question (see Pipeline.openings)
// from the documents' opening passages: the first two sentences of a
// single document, or the first sentence of each of several, passing over
// the sentences the answer before quoted. For a question about the ending
// the passages are the closing ones, and the sentences are the last two
// (or the last of each document), in the order of the text. asked, when
// not 0, is how many sentences the question asks for ("in 3 points"):
// that many of a single document, or as many of each of several as make
// it up.
func openingSentences(passages []*sourcePassage, ending bool, asked int) []*candidate {
	docs := map[string]int{}
	for _, sp := range passages {
		docs[sp.Hit.Passage.Doc]++
	}
	per := 1
	switch {
	case asked > 0:
		per = (asked + len(docs) - 1) / max(len(docs), 1)
	case len(docs) == 1:
		per = 2
	}
	var all []*candidate // every sentence not said before, in order
	for rank, sp := range passages {
		for i, s := range textan.Sentences(sp.Hit.Passage.Text) {
			if saidBefore(sp.said, s) || knowledge.IsMetadata(s.Text) { // a paper's "SHA: …" tells nothing of it
				continue
			}
			all = append(all, &candidate{sp: sp, rank: rank, sent: s, idx: i})
		}
	}
	if ending {
		slices.Reverse(all)
	}
	taken := map[string]int{}
	var out []*candidate
	for _, c := range all {
		if asked > 0 && len(out) == asked {
			break
		}
		if doc := c.sp.Hit.Passage.Doc; taken[doc] < per {
			taken[doc]++
			out = append(out, c)
		}
	}
	if ending {
		slices.Reverse(out)
	}
	return out
}

// mainCharacterRe matches a question about a story's main character.
var mainCharacterRe = regexp.MustCompile(`(?i)\b(?:main|principal|central|leading)\s+characters?\b|\bprotagonists?\b|\bthe\s+(?:hero|heroine)\b`)

// mainPersonRe matches chat's words for a main character ("the main guy",
// "main person"), which Ask reads as "main character": "man" is no topic
// to look up.
var mainPersonRe = regexp.MustCompile(`(?i)\b(main|principal|central)\s+(?:guy|man|person|dude|one)\b`)

// minMainMentions is how often a story must name someone for him or her
// to be its main character beside its opening (withMainCharacter), and
// mainShare how many times as often at most it may call another character
// by a name or a role ("the Princess" of The Black Bull of Norroway, not
// its "Evil Spirit").
const (
	minMainMentions = 5
	mainShare       = 3
)

// withMainCharacter puts before the opening sentences that answer q, when q is
// "who is the main character?" of a single document (mainCharacterAsked),
// the sentence that first names its main character, when the opening does not name them: How
// Boots Befooled the King opens with "a king who was the wisest in all of
// the world"; "As for the youngest son, he was named Boots." is who it is
// about.
func (p *Pipeline) withMainCharacter(q string, out []*candidate, passages []*sourcePassage) []*candidate {
	main := p.mainCharacterAsked(q)
	if main == nil || len(out) == 0 || len(out) >= maxSentences || slices.ContainsFunc(out, func(c *candidate) bool { return strings.Contains(c.sent.Text, main.name) }) {
		return out
	}
	sp := &sourcePassage{Hit: search.Hit{Passage: main.ps, Score: 1, Match: 1}}
	if i := slices.IndexFunc(passages, func(x *sourcePassage) bool { return x.Hit.Passage == main.ps }); i >= 0 {
		sp = passages[i]
	}
	idx := slices.IndexFunc(textan.Sentences(main.ps.Text), func(s textan.Sentence) bool { return s.Start == main.sent.Start })
	return append([]*candidate{{sp: sp, sent: main.sent, idx: idx}}, out...) // who it is, then how the story opens
}

// mainCharacterAsked returns mainCharacter for a question about the main
// character (mainCharacterRe), else nil: only those look for them.
func (p *Pipeline) mainCharacterAsked(q string) *namedThing {
	if !mainCharacterRe.MatchString(q) {
		return nil
	}
	return p.mainCharacter()
}

// mainCharacter returns the person a single document names most by a
// name, at least minMainMentions times and a mainShare-th as often as any
// character, or nil.
func (p *Pipeline) mainCharacter() *namedThing {
	if p.opts.Documents == nil {
		return nil
	}
	docs := p.opts.Documents()
	if len(docs) != 1 {
		return nil
	}
	var main *namedThing
	most := 0 // mentions of the character named most, by a name or a role ("the Princess")
	for _, t := range p.names.Of(docs, namedThings) {
		if t.kind != textan.NamePerson {
			continue
		}
		most = max(most, t.count)
		if !t.role && !strings.HasPrefix(t.name, "the ") && t.count >= minMainMentions && (main == nil || t.count > main.count) {
			main = t
		}
	}
	if main == nil || main.count*mainShare < most {
		return nil
	}
	return main
}

// storyEndAsked reports whether q asks yes or no of a tale's end (tale),
// which its end answers: when the passages do not cover q ("did the
// soldier survive in the end?"), or when q's words are none the tale
// writes ("did he die at the end?" of The Brave Tin Soldier, which says
// "melted down into a lump", was refused for its "die", and after a
// question led with "At the end of the tunnel"). A question in the tale's
// words is answered as any other: "was there a blessing at the end?" asks
// of a church service's end ("at the close no blessing was spoken").
func (p *Pipeline) storyEndAsked(q string, covered bool) bool {
	if !yesNoRe.MatchString(q) || !atTheEndRe.MatchString(q) && !fateAskedRe.MatchString(q) || !p.tale() {
		return false
	}
	if !covered {
		return true
	}
	var texts []string
	for _, ps := range p.opts.Documents()[0].Passages {
		texts = append(texts, ps.Text)
	}
	topics := p.topicTerms(q)
	return len(topics) > 0 && !p.holdsAny(topics, texts)
}
