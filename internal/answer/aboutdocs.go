package answer

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"storybot/internal/chat"
	"storybot/internal/cite"
	"storybot/internal/knowledge"
	"storybot/internal/textan"
)

// A question about the documents themselves is answered from what the
// folder knows of them, each cited by its document's opening: no sentence
// says when the text itself was written, or where the bot's answers come
// from.
//   - "What's the date of the article?", "When was this written?": their
//     dates (knowledge.Document.Date: front matter, or a first line "date
//     YYYY-MM-DD");
//   - "What are your sources?", "Is this story true?": their titles, and
//     that the bot answers only from them;
//   - "Who wrote this article?": the author a document's opening names ("By
//     Jane Doe"), or that none does.

// dateAskRe matches a question that asks when ("whens the article
// from": chat drops the apostrophe).
var dateAskRe = regexp.MustCompile(`(?i)\b(?:whens?|dated?|how\s+(?:old|recent|new)|what\s+(?:day|year))\b`)

// documentWords name a document or its writing, and ageWords its age: a
// question about a document's date holds one of documentWords and no
// other topic word but ageWords.
const (
	documentWords = `article articles story stories report reports document documents news piece text written write wrote
publish published posted post paper papers study book essay`
	ageWords = `dated date old recent new`
)

// sourcesAskRe matches a question about where the bot's answers come from
// or whether they are true; it must name nothing else (asksSources).
var sourcesAskRe = regexp.MustCompile(`(?i)\b(?:your\s+(?:sources?|documents?|information|info|knowledge|data)|sources?\s+(?:do\s+you|are\s+you)|where\s+(?:does|do)\s+(?:this|that|it|your\s+\w+)\s+come\s+from|where\s+is\s+(?:this|that|it)\s+from|what(?:'s|\s+is)\s+(?:the|your)\s+sources?|(?:are\s+)?(?:you|u)\s+sure|how\s+do\s+you\s+know|(?:what|which)\s+(?:documents?|sources?|stories|articles?|files?|texts?)\s+(?:do\s+you\s+(?:have|use|know|read)|are\s+there|are\s+you\s+using)|(?:is|are)\s+(?:this|that|it|the)\s*(?:story|article|report|news|information|info|documents?)?\s+(?:(?:really|actually)\s+)?(?:true|real|accurate|reliable|correct|fake|trustworthy)|(?:is|was)\s+(?:this|that|it)\s+(?:a\s+)?(?:true|real)\s+(?:story|tale|account))\b|^\W*sources?\W*$`)

// sourceWords may stand beside sourcesAskRe's words.
const sourceWords = `source sources document documents information info knowledge data use using come true real accurate
reliable correct fake trustworthy story article report news sure know though`

// authorAskRe matches a question about who wrote the documents; it must
// name nothing else (asksAuthor).
var authorAskRe = regexp.MustCompile(`(?i)\bwho\s+(?:wrote|writes|has\s+written|authored|penned|published|reported)\b|\bwho(?:'s|’s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+|its\s+|their\s+)?(?:authors?|writers?|journalists?|reporters?|publishers?)\b|\b(?:author|writer|byline)\s+(?:of|is)\b|^\W*(?:the\s+)?(?:author|writer|byline)\W*$`)

// namesWrittenRe matches names written in the story ("who wrote their
// names on it?"): "names", a stop word, left nothing for asksAuthor to
// tell it from "who wrote this?".
var namesWrittenRe = regexp.MustCompile(`(?i)\bwr(?:ote|ites?|itten)\s+(?:\S+\s+)?names?\b`)

// authorWords may stand beside authorAskRe's words.
const authorWords = `author authors writer journalist reporter publisher byline wrote write writes written authored penned published publish reported`

// bylineRe finds the author a document's opening names: a line "By Jane
// Doe", "Written by Jane Doe" or "Author: Jane Doe".
var bylineRe = regexp.MustCompile(`(?im)^[ \t*_#>]*(?:by|written\s+by|author\s*:)\s+(\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|de|van|von|da|di|le|la|of)){0,4})[ \t*_,.]*$`)

// authorsLineRe finds the authors a paper's metadata lists: "Authors:
// Zhang, Wei; Du, Rong-Hui; …".
var authorsLineRe = regexp.MustCompile(`(?im)^[ \t*_#>]*authors?\s*:\s*(\S.*?)\s*$`)

// noAuthor are what a metadata line writes where it has no author: "Authors:
// nan" (a table's empty cell, in two of COVID-QA's papers), "n/a", "unknown".
var noAuthor = setOf("nan none null n/a na unknown anonymous -")

// bylineLines is how many lines of a document's opening passage a byline
// is looked for in.
const bylineLines = 8

// maxAuthors is how many of a list's authors an answer names before "and
// N others".
const maxAuthors = 3

// authorList writes a metadata line's authors as a reader names them:
// "Wei Zhang, Rong-Hui Du, Bei Li and 8 others" for "Zhang, Wei; Du,
// Rong-Hui; …" (a list that separates its authors with semicolons puts
// each one's last name first); the line as written when it is no such
// list.
func authorList(line string) string {
	if !strings.Contains(line, ";") {
		return strings.TrimRight(line, " .;,")
	}
	var names []string
	for _, a := range strings.Split(line, ";") {
		a = strings.TrimSpace(a)
		if last, first, ok := strings.Cut(a, ","); ok && !strings.Contains(first, ",") {
			a = strings.TrimSpace(first) + " " + strings.TrimSpace(last)
		}
		if a != "" {
			names = append(names, a)
		}
	}
	switch n := len(names); {
	case n > maxAuthors+1:
		return strings.Join(names[:maxAuthors], ", ") + fmt.Sprintf(" and %d others", n-maxAuthors)
	case n > 1:
		return strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	case n == 1:
		return names[0]
	}
	return line
}

// lengthAskRe asks how long the documents are: "how long is the story?",
// "how many words is it?"; lengthAskItRe, with "it" or "this", only as the
// first question ("how long is it?" after one about a river asks of the
// river).
var (
	lengthAskRe   = regexp.MustCompile(`(?i)^\W*(?:how\s+(?:long|big)\s+is\s+the\s+` + documentNoun + `|how\s+many\s+(?:words|paragraphs|pages)\s+(?:is|are\s+(?:there\s+)?in|does|has)\s+the\s+` + documentNoun + `(?:\s+have)?)\W*$`)
	lengthAskItRe = regexp.MustCompile(`(?i)^\W*(?:how\s+(?:long|big)\s+is\s+(?:it|this)|how\s+many\s+(?:words|paragraphs|pages)\s+(?:is\s+(?:it|this)|are\s+there|does\s+(?:it|this)\s+have))\W*$`)
)

// asksLength reports whether q asks how long the documents are.
func (p *Pipeline) asksLength(q string, history []chat.Message) bool {
	return p.opts.Documents != nil && (lengthAskRe.MatchString(q) || len(history) == 0 && lengthAskItRe.MatchString(q))
}

// documentLength answers how long the documents are: each one's words,
// and its paragraphs or, paged, its pages, cited by its opening.
func (p *Pipeline) documentLength(q string) Answer {
	ans := p.documentList(q, func(d *knowledge.Document) (string, int) {
		words, paras, pages := 0, 0, 0
		for _, ps := range d.Passages {
			words += len(strings.Fields(ps.Text))
			paras, pages = max(paras, ps.ParaEnd), max(pages, ps.Page)
		}
		if pages > 0 {
			return fmt.Sprintf("“%s” is %s words long, on %d pages.", d.Title, groupDigits(words), pages), 0
		}
		return fmt.Sprintf("“%s” is %s words long, in %d paragraphs.", d.Title, groupDigits(words), paras), 0
	}, "%d more documents.")
	if len(ans.Citations) == 0 {
		ans.Refused, ans.Text = true, MsgNoDocuments
	}
	return ans
}

// groupDigits writes n with a comma between each group of three digits
// ("1,234").
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// MsgNoAuthor answers a question about the documents' author when none
// names one.
const MsgNoAuthor = "The documents in the knowledge folder do not say who wrote them."

// asksAuthor reports whether q asks who wrote the documents, and names
// nothing else.
func (p *Pipeline) asksAuthor(q string) bool {
	if p.opts.Documents == nil || !authorAskRe.MatchString(q) || namesWrittenRe.MatchString(q) {
		return false
	}
	for _, t := range p.topicTerms(q) {
		if !p.docWords[t] && !p.authorWords[t] {
			return false
		}
	}
	return true
}

// documentAuthor answers a question about who wrote the documents: the
// authors their openings name, each cited by its opening paragraph.
func (p *Pipeline) documentAuthor(q string) Answer {
	ans := p.documentList(q, func(d *knowledge.Document) (string, int) {
		if len(d.Passages) == 0 {
			return "", 0
		}
		ps := d.Passages[0]
		lines := strings.SplitN(ps.Section+"\n"+ps.Text, "\n", bylineLines+1) // a short line may be taken for a heading
		head := strings.Join(lines[:min(bylineLines, len(lines))], "\n")
		at := func(m []int) int { return max(0, m[0]-len(ps.Section)-1) } // where in the passage's text
		if m := bylineRe.FindStringSubmatchIndex(head); m != nil {
			return fmt.Sprintf("“%s” is by %s.", d.Title, head[m[2]:m[3]]), at(m)
		}
		if m := authorsLineRe.FindStringSubmatchIndex(head); m != nil && !noAuthor[strings.ToLower(strings.Trim(head[m[2]:m[3]], " .;,"))] {
			return fmt.Sprintf("“%s” is by %s.", d.Title, authorList(head[m[2]:m[3]])), at(m)
		}
		return "", 0
	}, "%d more documents name their authors too.")
	if len(ans.Citations) == 0 {
		ans.Refused, ans.Text = true, MsgNoAuthor
	}
	return ans
}

// maxListed is how many documents one answer about them lists.
const maxListed = 5

// MsgNoDates answers a question about the documents' date when none has one.
const MsgNoDates = "The documents in the knowledge folder carry no date."

// asksDocumentDate reports whether q asks when the documents were written:
// it asks when, names a document ("article", "written"...), and names
// nothing else that is not a framing or a vague word; or it is "date?"
// (three words at most, "the date?"), which a follow-up is not (its
// standalone form holds the words before). With named, q must name a
// document: "when was this article written?" asks about the documents
// after any question, "when?" only as it is read with the words before.
func (p *Pipeline) asksDocumentDate(q string, named bool) bool {
	if p.opts.Documents == nil || !dateAskRe.MatchString(q) && !thisAgeRe.MatchString(q) {
		return false
	}
	if thisAgeRe.MatchString(q) {
		return !named
	}
	names, dated := false, false
	for _, t := range p.an.Terms(q) {
		switch {
		case p.docWords[t]:
			names = true
		case t == p.an.Term("date"): // "date?" asked alone asks the documents'
			dated = true
		case p.ageWords[t] || frameTerms()[t] || p.vague[t]:
		default:
			return false
		}
	}
	return names || !named && dated && len(questionWords(q)) <= 3
}

// thisAgeRe matches a question about the age of "this" and nothing else
// ("how long ago was this?", "how old is this?"), which, asked first,
// asks about the documents (a follow-up's standalone form holds the words
// before, and asks about them).
var thisAgeRe = regexp.MustCompile(`(?i)^\W*how\s+(?:long\s+ago|old)\s+(?:is|was)\s+(?:this|it)\W*$`)

// todayAskRe matches a question about today's date or the time, and
// nothing else: "what day is it?", "what's today's date?", "what time is
// it now?". "What day was the attack?" asks the documents. todayBareRe
// is its bare form, "what day of the week?", which only a first question
// asks of today: after "when did Albania cut ties?" it asks the day of
// that.
var (
	todayAskRe  = regexp.MustCompile(`(?i)^\W*(?:(?:what|which)(?:'s|’s|\s+is)?\s+(?:the\s+)?(?:day|date|time|year|month)(?:\s+of\s+the\s+(?:week|month))?(?:\s+is\s+it)?(?:\s+(?:today|now|right\s+now))?|what(?:'s|’s|\s+is)\s+today(?:(?:'s|’s)\s+date)?|today(?:'s|’s)\s+date)\W*$`)
	todayBareRe = regexp.MustCompile(`(?i)^\W*(?:what|which)(?:\s+the)?\s+(?:day|date|time|year|month)(?:\s+of\s+the\s+(?:week|month))?\W*$`)
)

// asksToday reports whether q asks today's date or the time (todayAskRe),
// read as typed: "what day is it?" after a question is still today's.
func asksToday(q string, history []chat.Message) bool {
	return todayAskRe.MatchString(q) && (len(history) == 0 || !todayBareRe.MatchString(q))
}

// today answers a question about today's date (the bot's clock, in UTC):
// the documents cannot, and one about a news story is often asked to know
// how old the story is, so the answer gives the documents' dates too
// (documentDate).
func (p *Pipeline) today(q string) Answer {
	now := p.opts.Now().UTC()
	line := "Today is " + now.Format("Monday, 2 January 2006") + " (UTC)."
	if todayTimeRe.MatchString(q) {
		line = "It is " + now.Format("15:04") + " UTC on " + now.Format("Monday, 2 January 2006") + "."
	}
	ans := Answer{Question: q, Mode: ModeExtractive, Citations: []Citation{}, Warnings: []string{}}
	if p.opts.Documents != nil {
		ans = p.documentDate(q)
	}
	if ans.Refused || len(ans.Citations) == 0 {
		ans.Refused, ans.Text = false, line+" "+MsgNoDates
		return ans
	}
	ans.Text = line + "\n" + ans.Text
	return ans
}

// todayTimeRe matches a question about the time of day.
var todayTimeRe = regexp.MustCompile(`(?i)\btime\b`)

// documentDate answers a question about the documents' dates: the dated
// documents in folder order (maxListed at most), each cited by its opening
// paragraph.
func (p *Pipeline) documentDate(q string) Answer {
	ans := p.documentList(q, func(d *knowledge.Document) (string, int) {
		if d.Date == "" {
			return "", 0
		}
		return fmt.Sprintf("“%s” is dated %s.", d.Title, d.Date), metaDateAt(d)
	}, "%d more documents are dated too.")
	if len(ans.Citations) == 0 {
		ans.Refused, ans.Text = true, MsgNoDates
	}
	return ans
}

// asksSources reports whether q asks where the answers come from or
// whether they are true, and names nothing else.
func (p *Pipeline) asksSources(q string) bool {
	if p.opts.Documents == nil || !sourcesAskRe.MatchString(q) {
		return false
	}
	for _, t := range p.topicTerms(q) {
		if !p.srcWords[t] {
			return false
		}
	}
	return true
}

// msgSources heads the answer to asksSources.
const msgSources = "I answer only from the documents in my knowledge folder, and cite them, so you can check each answer there; I cannot tell whether they are true."

// documentSources answers a question about where the answers come from:
// that they come only from the documents, and the documents (maxListed at
// most), each cited by its opening.
func (p *Pipeline) documentSources(q string) Answer {
	ans := p.documentList(q, func(d *knowledge.Document) (string, int) {
		if d.Date != "" {
			return fmt.Sprintf("“%s”, dated %s.", d.Title, d.Date), metaDateAt(d)
		}
		return fmt.Sprintf("“%s”.", d.Title), 0
	}, "%d more documents (/sources lists them all).")
	if len(ans.Citations) == 0 {
		ans.Text = msgSources
		return ans
	}
	ans.Text = msgSources + " They are:\n" + ans.Text
	return ans
}

// metaDateAt is where in d's opening passage the metadata line that
// dates it stands (knowledge.DateLine), 0 when none does (front matter,
// "date 2022-09-07" on the first line).
func metaDateAt(d *knowledge.Document) int {
	if len(d.Passages) == 0 {
		return 0
	}
	return max(0, knowledge.DateLine(d.Passages[0].Text))
}

// documentList answers with a line for each document that line gives one
// for ("" leaves a document out), in folder order, maxListed at most and
// then more (a format with the count of the others), each line cited by
// the paragraph of its document's opening passage that holds the offset
// line gives with it (0: the opening paragraph).
func (p *Pipeline) documentList(q string, line func(*knowledge.Document) (string, int), more string) Answer {
	ans := Answer{Question: q, Mode: ModeExtractive, Citations: []Citation{}, Warnings: []string{}}
	var lines []string
	listed := 0
	for _, d := range p.opts.Documents() {
		l, at := line(d)
		if l == "" || len(d.Passages) == 0 {
			continue
		}
		listed++
		if len(ans.Citations) == maxListed {
			continue
		}
		ps := &d.Passages[0]
		at = min(max(at, 0), len(ps.Text))
		lo, hi := paragraphAround(ps.Text, at, at)
		n := len(ans.Citations) + 1
		ans.Citations = append(ans.Citations, spanCitation(n, ps, lo, hi, strings.TrimSpace(ps.Text[lo:hi])))
		lines = append(lines, l+" "+cite.Format(n))
	}
	if listed > maxListed {
		lines = append(lines, fmt.Sprintf(more, listed-maxListed))
	}
	ans.Text = strings.Join(lines, "\n")
	return ans
}

// storyAboutRe matches a question whether the documents are what the
// asker looks for: "is this the story about the tin soldier?", "is this
// about Albania and Iran?", "are you the bot for the tin soldier story?".
// Group 1 is what they should be about.
var storyAboutRe = regexp.MustCompile(`(?i)^\W*(?:is|are)\s+(?:this|these|it|that|you)\s+(?:(?:the|a|an)\s+)?(?:(?:story|stories|tale|tales|article|report|news|book|bot|one|document|documents)\s+)?(?:about|of|on|for|with)\s+(.+?)\W*$`)

// storyAsked returns what q asks whether the documents are about
// (storyAboutRe), or "": as the conversation's first question, or with a
// word for the documents ("is this the story about …?"), not "is it about
// money?" after an answer, which asks about the answer.
func (p *Pipeline) storyAsked(q string, history []chat.Message) string {
	m := storyAboutRe.FindStringSubmatch(q)
	if p.opts.Documents == nil || m == nil || len(history) > 0 && !slices.ContainsFunc(p.an.Terms(q), func(t string) bool { return p.docWords[t] }) {
		return ""
	}
	what := m[1]
	if p.opts.Speller != nil { // "the tin soilder"
		what, _ = p.opts.Speller.Correct(what)
	}
	if len(p.topicTerms(what)) == 0 {
		return ""
	}
	return what
}

// documentsAbout answers whether the documents are about what: "Yes" and
// the documents whose title holds every topic word of it, else those whose
// text does, each cited by its opening; "No" and what they are about when
// none does.
func (p *Pipeline) documentsAbout(q, what string) Answer {
	topics := p.topicTerms(what)
	var typos []string // words English does not know: "the tin soilder" is the tin soldier's story
	p.an.Each(what, func(t string, tok textan.Token) {
		if !textan.IsEnglish(tok.Text) && !textan.Capitalized(tok.Text) {
			typos = append(typos, t)
		}
	})
	holds := func(text string) bool {
		has := setOf(strings.Join(p.an.Terms(text), " "))
		return slices.ContainsFunc(topics, func(t string) bool { return has[t] }) &&
			!slices.ContainsFunc(topics, func(t string) bool { return !has[t] && !slices.Contains(typos, t) })
	}
	ans := p.documentList(q, func(d *knowledge.Document) (string, int) {
		if holds(d.Title) {
			return fmt.Sprintf("Yes: “%s” is in my documents.", d.Title), 0
		}
		return "", 0
	}, "%d more documents are about it too.")
	if len(ans.Citations) == 0 {
		ans = p.documentList(q, func(d *knowledge.Document) (string, int) {
			for _, ps := range d.Passages {
				if holds(ps.Text) {
					return fmt.Sprintf("Yes: “%s” tells of %s.", d.Title, strings.TrimSpace(what)), 0
				}
			}
			return "", 0
		}, "%d more documents tell of it too.")
	}
	if len(ans.Citations) == 0 {
		ans.Refused, ans.Text = true, fmt.Sprintf(msgNotAboutFm, strings.TrimSpace(what), p.about())
		return ans
	}
	ans.Text += "\n" + msgAskAway
	return ans
}

// Messages of documentsAbout.
const (
	msgNotAboutFm = "No: my documents do not tell of %s. They are about %s."
	msgAskAway    = "Ask me anything about it; every answer cites its sources."
)

// originAskRe matches a question of where a story comes from: "What
// country is this story from?", "where does this tale come from?". No
// sentence of a tale tells it; its opening may ("A Danish folk tale").
var originAskRe = regexp.MustCompile(`(?i)\b(?:(?:what|which)\s+(?:country|culture|nation|land|people|part\s+of\s+the\s+world)\s+(?:is|was|does|did)\s+(?:this|the|that|it)\s*(?:story|tale|legend|book)?\s*(?:from|come\s+from|originate)|where\s+(?:does|did)\s+(?:this|the|that)\s+(?:story|tale|legend)\s+(?:come\s+from|originate)|(?:origin|origins)\s+of\s+(?:this|the)\s+(?:story|tale|legend))\b`)

// originRe finds where a document's opening says it comes from: "A Danish
// folk tale", "a Japanese legend" (group 1 the adjective of a place).
var originRe = regexp.MustCompile(`\b(\p{Lu}\p{Ll}+)\s+(?:(?:fairy|folk|old|popular)[\s-]+)?(?:tale|story|legend|folktale|fable|myth)s?\b`)

// nationalRe matches the endings of the adjectives of peoples and places
// that WordNet's table (textan.Demonym) lacks: "Danish", "Japanese"
// ("German", "Celtic": the table has "german"; not "-an" nor "-ic", which
// would make "A Fisherman tale" or "A Magic tale" a place's).
var nationalRe = regexp.MustCompile(`(?:ish|ese|ian|ean)$`)

// MsgNoOrigin answers a question of where the documents come from when
// none says.
const MsgNoOrigin = "The documents in the knowledge folder do not say where their stories come from; I answer only from their text."

// documentOrigin answers where the documents come from: the origin each
// one's opening names (a place's adjective before "tale", "legend"),
// cited; MsgNoOrigin when none names one.
func (p *Pipeline) documentOrigin(q string) Answer {
	ans := p.documentList(q, func(d *knowledge.Document) (string, int) {
		if len(d.Passages) == 0 {
			return "", 0
		}
		head := d.Passages[0].Text
		for _, m := range originRe.FindAllStringSubmatchIndex(head, -1) {
			if adj := strings.ToLower(head[m[2]:m[3]]); textan.Demonym()(textan.Stem(adj)) != textan.Stem(adj) || nationalRe.MatchString(adj) {
				article := "a"
				if strings.ContainsRune("aeiou", rune(adj[0])) {
					article = "an" // "an Irish tale"
				}
				return fmt.Sprintf("“%s” calls itself %s %s.", d.Title, article, head[m[0]:m[1]]), m[0]
			}
		}
		return "", 0
	}, "%d more documents say where they come from.")
	if len(ans.Citations) == 0 {
		ans.Refused, ans.Text = true, MsgNoOrigin
	}
	return ans
}
