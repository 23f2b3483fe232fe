package answer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"storybot/internal/cite"
	"storybot/internal/knowledge"
	"storybot/internal/search"
	"storybot/internal/textan"
)

// "Which countries are involved?", "list the people mentioned": a question
// that asks for the names of a kind the documents mention is answered,
// offline, by those names, most mentioned first, each cited where it is
// first mentioned. No sentence answers it: the names are spread over the
// text. What kind a name is, WordNet says for the names it knows
// (textan.NameKind: "Albania" a place, "Khomeini" a person, "NATO" a
// group); a title before a name makes it a person ("Prime Minister Edi
// Rama", "president Abolhassan Banisadr"), a word such as "Council" or
// "Embassy" at its end an organisation ("the White House", "the Iranian
// Embassy").

// listRe matches a question that asks for the names of a kind: a number
// of them ("two") in its first group, the kind's word in its second and
// what follows in its third.
var listRe = regexp.MustCompile(`(?i)^\W*(?:please\s+)?(?:(?:can|could|would)\s+you\s+)?(?:(?:list|name|give\s+me|tell\s+me|show\s+me|show)\s+(?:me\s+)?(?:all\s+|every\s+)?(?:of\s+)?(?:the\s+)?|(?:who|what|which)\s+(?:are|were)\s+(?:all\s+)?(?:the\s+)?|(?:which|what)\s+)(two\s+|both\s+)?(?:main\s+|key\s+|other\s+|different\s+|important\s+|named\s+|mentioned\s+)?(people|persons?|individuals|figures|characters?|countries|nations|places|locations|cities|organi[sz]ations|groups|institutions|names|actors|parties|players|sides|stakeholders)\b(.*)$`)

// placeKinds are the kinds of listRe that a number may count: "which two
// countries are involved?" lists them; "what are the four groups?" asks
// what they were, which a list of the groups named does not say.
var placeKinds = setOf("countries nations places locations cities")

// listRest are the words that may follow the kind's word in such a
// question: "which countries are involved?", "who are the people in the
// story?"; any other word asks something else ("which countries did the MEK
// attack?").
var listRest = setOf("are were is was mentioned named involved in the story article text document documents report it this there appear appears appeared does do did mention mentions talked about discussed featured of these here with their role roles")

// Kinds of names a question asks to list (listAsked).
const (
	listCharacters = "characters" // people, when the documents name two or more; else the openings answer
	listPeople     = "people"
	listPlaces     = "places"
	listGroups     = "groups"
	listNames      = "names"
)

// castRe asks for a story's characters in other words: "who is in this
// story?", "how many characters are there?", "what animals are in the
// story?" (a tale's animals are most of its characters).
var castRe = regexp.MustCompile(`(?i)^\W*(?:who(?:'s|’s|\s+is|\s+are)\s+in\s+(?:it|this|the\s+(?:story|tale|book))|how\s+many\s+(?:characters|people)\s+(?:are\s+there|are\s+in\s+(?:it|the\s+(?:story|tale)|this\s+(?:story|tale))|does\s+(?:it|the\s+(?:story|tale))\s+have)|(?:what|which)\s+(?:animals|creatures)\s+(?:are\s+there|are\s+in\s+(?:it|the\s+(?:story|tale)|this\s+(?:story|tale))|appear))(?:\s+(?:story|tale))?\W*$`)

// everyRe is "every" or "each", which asks for all of a kind named in
// the singular.
var everyRe = regexp.MustCompile(`(?i)\b(?:every|each)\b`)

// listAsked returns the kind of names q asks to list, or "".
func listAsked(q string) string {
	if castRe.MatchString(q) {
		return listCharacters
	}
	m := listRe.FindStringSubmatch(strings.TrimSpace(q))
	if m == nil {
		return ""
	}
	if m[1] != "" && !placeKinds[strings.ToLower(m[2])] { // "which two countries are involved?"; "what are the four groups?" asks what they were
		return ""
	}
	if w := strings.ToLower(m[2]); (w == "person" || w == "character") && !everyRe.MatchString(q) { // "List every named person …"; "which person did it?" asks who
		return ""
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(m[3]), func(r rune) bool { return r != '\'' && !('a' <= r && r <= 'z') }) {
		if !listRest[w] {
			return ""
		}
	}
	switch w := strings.ToLower(m[2]); {
	case w == "names" || w == "actors" || w == "parties" || w == "players" || w == "sides" || w == "stakeholders": // "who are the main actors?": every kind
		return listNames
	case w == "characters" || w == "character":
		return listCharacters
	case w == "people" || w == "persons" || w == "person" || w == "individuals" || w == "figures":
		return listPeople
	case w == "organizations" || w == "organisations" || w == "groups" || w == "institutions":
		return listGroups
	}
	return listPlaces
}

// listedNames returns the kind of names q asks to list (listAsked), the
// names of the documents it asks about and what says them (for
// namesAnswer): all the documents, or, of several, the one it names by its
// title ("who are the characters in Jack my Hedgehog?", namedDocument); or
// "" and nil. The people or characters of two to maxOverviewDocs documents
// are grouped by document: two tales' kings are two characters.
func (p *Pipeline) listedNames(q string) (kind string, groups []nameGroup, source string) {
	if p.opts.Documents == nil {
		return "", nil, ""
	}
	if kind = listAsked(q); kind != "" {
		docs := p.opts.Documents()
		if (kind == listCharacters || kind == listPeople) && len(docs) > 1 && len(docs) <= maxOverviewDocs {
			for _, d := range docs {
				groups = append(groups, nameGroup{d.Title, namedThings([]*knowledge.Document{d})})
			}
			return kind, groups, "the documents mention, by document"
		}
		return kind, []nameGroup{{"", p.names.Of(docs, namedThings)}}, "the documents mention"
	}
	if !listRe.MatchString(strings.TrimSpace(q)) { // no list asked of a document either
		return "", nil, ""
	}
	doc, title := p.namedDocument(q)
	if doc == nil {
		return "", nil, ""
	}
	rest := regexp.MustCompile(`(?i)`+regexp.QuoteMeta(doc.Title)).ReplaceAllString(q, " ") // "How Boots Befooled King" whole, its "How" too
	if kind = listAsked(title.ReplaceAllString(rest, " ")); kind == "" {
		return "", nil, ""
	}
	return kind, []nameGroup{{"", namedThings([]*knowledge.Document{doc})}}, "“" + doc.Title + "” mentions"
}

// nameGroup is the names of one document, titled, or of all (title "").
type nameGroup struct {
	title string
	names []*namedThing
}

// namedThing is a name the documents mention: as shown, its kind
// (textan.NamePlace, NamePerson, NameGroup, NameOther), how often and
// where first.
type namedThing struct {
	name  string
	kind  string
	count int
	ps    *knowledge.Passage
	sent  textan.Sentence
	order int  // the order of its first mention among all names
	role  bool // a character called by a role, not a name ("the king": roleCharacters)
}

// maxNames is how many names a list shows.
const maxNames = 10

// titleWords stand before a person's name ("Prime Minister Edi Rama",
// "Ayatollah Khomeini", "president Abolhassan Banisadr").
var titleWords = setOf("prime minister pm president ayatollah king queen prince princess mr mrs ms dr sir lady lord general chancellor pope emperor empress sultan senator governor mayor captain colonel majesty highness lordship ladyship judge professor prof sheikh imam rabbi father brother sister")

// storyTitles are the titles that a tale writes with a capital for its
// characters ("the King said", "the Princess"), which stand for a person
// alone.
var storyTitles = setOf("king queen prince princess emperor empress sultan")

// namesListed is the names before the last of a list that a sentence
// gives ("Mittens, Tom Kitten, and ", "Gintscha, Mutscha and "), as a
// regular expression: up to three words each, a comma after each but the
// last before "and", which may have one.
const namesListed = `(?:[\pL’'-]+(?:\s+[\pL’'-]+){0,2},\s*)*(?:(?:[\pL’'-]+(?:\s+[\pL’'-]+){0,2}\s+)?and\s+)?`

// personNamed comes before the name of a person or a tale's character
// that a sentence gives: "his name was", "their names were Mittens, Tom
// Kitten, and".
var personNamed = regexp.MustCompile(`(?i)\b(?:his|her|their)\s+names?\s+(?:was|were|is|are)\s+` + namesListed + `$`)

// speechVerbs stand beside a person's name ("said Ivan", "Marie replied").
var speechVerbs = setOf("said says asked asks replied replies answered answers cried cries exclaimed shouted called calls whispered declared added continued thought")

// groupWords make a name an organisation's or a group's, at its end or
// before its "of" ("the White House", "People’s Mujahideen Organization of
// Iran"); placeWords a place's ("the Islamic Republic of Iran", "the
// United States", "Knockmany Hill").
var (
	groupWords = setOf("council organization organisation house guards guard embassy government party ministry army agency company corporation group union committee department office bank university court parliament assembly association society church navy force forces police institute foundation brigade brigades league movement front alliance network")
	placeWords = setOf("republic kingdom states empire emirates hill hills mountain mountains river lake sea island islands castle city town village forest wood woods valley bay mount street square bridge delta")
	// placeStarts begin a place's name ("San Diego", "New York", "St Johns River")
	placeStarts = setOf("san santa los las el la le port fort saint st mount lake cape north south east west new upper lower great")
)

// placeAcronyms are the acronyms of countries, which WordNet does not hold
// as names in capitals ("US" is "us").
var placeAcronyms = setOf("us usa uk uae ussr")

// namedThings returns the names the documents mention, by first mention.
func namedThings(docs []*knowledge.Document) []*namedThing {
	inside := map[string]bool{} // the words written with a capital inside a sentence
	for _, d := range docs {
		for _, ps := range d.Passages {
			textan.Names(ps.Text, func(t textan.Token, name bool) {
				if name {
					inside[trimPossessive(t.Text)] = true
				}
			})
		}
	}
	var out []*namedThing
	byName := map[string]*namedThing{}
	eachSentence(docs, func(ps *knowledge.Passage, s textan.Sentence) {
		for _, n := range nameRuns(s.Text, inside) {
			key := strings.ToLower(n.name)
			if t := byName[key]; t != nil {
				t.count++
				if n.kind == textan.NamePerson && (t.kind == textan.NameOther || t.kind == textan.NameGroup) { // "said Ivan" later
					t.kind = n.kind
				}
				continue
			}
			t := &namedThing{name: n.name, kind: n.kind, count: 1, ps: ps, sent: s, order: len(out)}
			byName[key] = t
			out = append(out, t)
		}
	})
	// "Rama" after "Edi Rama" is Edi Rama, "Finn" Finn M'Coul; "the
	// Islamic Republic", the Islamic Republic of Iran
	fuller := map[string]*namedThing{} // a short form → the name it stands for
	for _, t := range out {
		if ws := strings.Fields(t.name); t.kind == textan.NamePerson && len(ws) > 1 {
			fuller[ws[0]], fuller[ws[len(ws)-1]] = t, t
		}
		if head, _, ok := strings.Cut(t.name, " of "); ok {
			fuller[head] = t
		}
	}
	for _, t := range out {
		if full := fuller[t.name]; full != nil && full != t && (full.kind != textan.NamePerson || !strings.Contains(t.name, " ")) {
			full.count += t.count
			if t.order < full.order { // cited where either is first mentioned
				full.ps, full.sent, full.order = t.ps, t.sent, t.order
			}
			t.count = 0
		}
	}
	out = slices.DeleteFunc(out, func(t *namedThing) bool { return t.count == 0 })
	return append(out, roleCharacters(docs, out)...)
}

// minRoleMentions is how often a story must call a character by its role
// ("the king") for roleCharacters to take it.
const minRoleMentions = 3

// roleCharacters returns the characters a story calls by their role, not
// a name: "the" and a common noun of a person or an animal in the
// singular (creatureAfter), maybe after one adjective ("the king", "the
// old woman", "the fox"), mentioned at least minRoleMentions times (with
// its longer or shorter form: mergeRoles) and not already named (a tale's
// "the King" is among named). They are people, cited where first
// mentioned: "who are the characters?" of How Boots Befooled the King is
// the king, the princess and the councillor as much as Boots, Peter and
// Paul.
func roleCharacters(docs []*knowledge.Document, named []*namedThing) []*namedThing {
	have := map[string]bool{}
	for _, t := range named {
		have[strings.ToLower(t.name)] = true
	}
	spoke := map[string]bool{} // the nouns that speak: "said the councillor", "the goblin replied"
	for _, d := range docs {
		for _, ps := range d.Passages {
			for _, m := range spokeRe.FindAllStringSubmatch(ps.Text, -1) {
				spoke[m[1]+m[2]] = true
			}
		}
	}
	var out []*namedThing
	byRole := map[string]*namedThing{}
	eachSentence(docs, func(ps *knowledge.Passage, s textan.Sentence) {
		var toks []string
		textan.Tokenize(s.Text, func(t textan.Token) {
			if n := len(toks); n > 0 && strings.HasSuffix(s.Text[:t.Start], toks[n-1]+"-") { // "the high-councillor"
				toks[n-1] += "-" + t.Text
				return
			}
			toks = append(toks, t.Text)
		})
		for i := 0; i+1 < len(toks); i++ {
			if toks[i] != "the" && toks[i] != "The" {
				continue
			}
			role := creatureAfter(toks[i+1:], spoke)
			if role == "" || have[role] || have["the "+role] || have[role[strings.LastIndexByte(role, ' ')+1:]] {
				continue
			}
			if t := byRole[role]; t != nil {
				t.count++
				continue
			}
			t := &namedThing{name: "the " + role, kind: textan.NamePerson, count: 1, ps: ps, sent: s, order: len(named) + len(out), role: true}
			byRole[role] = t
			out = append(out, t)
		}
	})
	mergeRoles(out)
	return slices.DeleteFunc(out, func(t *namedThing) bool { return t.count < minRoleMentions })
}

// mergeRoles makes one character of a one-word role and the one longer
// role that holds it ("the boy" and "the little boy", "the mother" and
// "the mother stork"), named as the story names it most; the shorter's
// count falls to 0.
func mergeRoles(out []*namedThing) {
	for _, t := range out {
		var longer []*namedThing
		for _, u := range out {
			if u != t && t.count > 0 && u.count > 0 && !strings.Contains(t.name[len("the "):], " ") && slices.Contains(strings.Fields(u.name[len("the "):]), t.name[len("the "):]) {
				longer = append(longer, u)
			}
		}
		if len(longer) == 1 {
			l := longer[0]
			if t.count > l.count {
				l.name = t.name
			}
			l.count += t.count
			if t.order < l.order {
				l.ps, l.sent, l.order = t.ps, t.sent, t.order
			}
			t.count = 0
		}
	}
}

// spokeRe matches a common noun that speaks, after its "the": "said the
// councillor", "the goblin replied"; group 1 or 2 is the noun.
var spokeRe = regexp.MustCompile(`\b(?:said|cried|replied|asked|answered|exclaimed|shouted)\s+the\s+(?:[a-z]+\s+)?([a-z]+(?:-[a-z]+)?)\b|\b[Tt]he\s+(?:[a-z]+\s+)?([a-z]+(?:-[a-z]+)?)\s+(?:said|cried|replied|asked|answered|exclaimed|shouted)\b`)

// notAdjectives are words after "the" that say which, not what kind ("the
// other man", "the same fox"): no part of a role.
var notAdjectives = setOf("other others same first last next second third whole very only one two three")

// notRoles are words of personRe that name no one character: "the old"
// stands before one, "the people" are many.
var notRoles = setOf("old people folk men women children")

// creatureAfter returns the role that words, after a "the", name ("king",
// "old woman", "mother stork"), or "": a common noun of a person or an animal (personRe, or
// any that WordNet holds as one, textan.IsCreature, when the story gives it
// speech: spoke), in the singular and in lower case, maybe after one
// adjective, possessives dropped.
func creatureAfter(words []string, spoke map[string]bool) string {
	creature := func(w string) bool {
		if w == "" || textan.Capitalized(w) || notRoles[w] || notAdjectives[w] { // not "said the second"
			return false
		}
		if plural := strings.TrimSuffix(w, "s"); plural != w && !strings.HasSuffix(w, "ss") && (personRe.FindString(plural) == plural || textan.IsCreature(plural)) {
			return false // "the tailors"
		}
		return personRe.FindString(w) == w || spoke[w] && textan.IsCreature(w)
	}
	first := trimPossessive(words[0])
	if creature(first) {
		if len(words) > 1 && !possessive(words[0]) && creature(trimPossessive(words[1])) { // "the mother stork"
			return first + " " + trimPossessive(words[1])
		}
		return first
	}
	if len(words) > 1 && !possessive(words[0]) && !textan.Capitalized(first) && !notAdjectives[first] {
		if second := trimPossessive(words[1]); creature(second) {
			return first + " " + second
		}
	}
	return ""
}

// eachSentence calls f with each sentence of the documents' passages, in
// order.
func eachSentence(docs []*knowledge.Document, f func(ps *knowledge.Passage, s textan.Sentence)) {
	for _, d := range docs {
		for i := range d.Passages {
			ps := &d.Passages[i]
			for _, s := range textan.Sentences(ps.Text) {
				f(ps, s)
			}
		}
	}
}

// nameRun is one name in a sentence and its kind.
type nameRun struct{ name, kind string }

// nameRuns returns the names of sentence s: runs of words written with a
// capital (the sentence's first word only when the documents write it so
// inside a sentence too: inside), "of" joining two ("Islamic Republic of
// Iran"), possessives dropped.
func nameRuns(s string, inside map[string]bool) []nameRun {
	var toks []textan.Token
	textan.Tokenize(s, func(t textan.Token) {
		if n := len(toks); n > 0 && s[toks[n-1].End:t.Start] == "-" && textan.Capitalized(toks[n-1].Text) && textan.Capitalized(t.Text) { // "Puddle-Duck"
			toks[n-1] = textan.Token{Text: s[toks[n-1].Start:t.End], Start: toks[n-1].Start, End: t.End}
			return
		}
		toks = append(toks, t)
	})
	var out []nameRun
	for i := 0; i < len(toks); {
		// where any word takes a capital (a sentence's or a quote's start),
		// only a word the documents write so inside a sentence too
		start := i == 0 || strings.ContainsAny(s[toks[i-1].End:toks[i].Start], ".!?:;\"“”'‘") && !afterTitle(s, toks[i-1], toks[i])
		if w := toks[i].Text; !textan.Capitalized(w) || w == "I" || start && !inside[trimPossessive(w)] {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && (joined(s, toks[j-1], toks[j]) || afterTitle(s, toks[j-1], toks[j])) && !possessive(toks[j-1].Text) {
			if textan.Capitalized(toks[j].Text) {
				j++
			} else if j+1 < len(toks) && (toks[j].Text == "of" || toks[j].Text == "my" || toks[j].Text == "the" && !titleWords[strings.ToLower(trimPossessive(toks[j+1].Text))]) && // not "gave Boots the King's hat"
				joined(s, toks[j], toks[j+1]) && textan.Capitalized(toks[j+1].Text) {
				j += 2 // "Islamic Republic of Iran", "Jack my Hedgehog", "Ivan the Fool"
			} else {
				break
			}
		}
		if i > 0 && j == i+1 && (toks[i-1].Text == "a" || toks[i-1].Text == "an") && !(j < len(toks) && joined(s, toks[i], toks[j]) && !textan.Capitalized(toks[j].Text)) { // "Here is a Jack": a kind of fellow, no one's name ("a US ally" names the US)
			i = j
			continue
		}
		// a lower-case title just before ("president Abolhassan Banisadr")
		titled := i > 0 && titleWords[strings.ToLower(toks[i-1].Text)]
		// a verb of speech just before or after: a person ("said Ivan",
		// "Marie replied")
		speaks := i > 0 && speechVerbs[toks[i-1].Text] && joined(s, toks[i-1], toks[i]) || j < len(toks) && speechVerbs[toks[j].Text] && joined(s, toks[j-1], toks[j]) || // not "'Well,' said he", "he said, 'Yes'"
			personNamed.MatchString(s[:toks[i].Start]) // "their names were Mittens, Tom Kitten, and Moppet"
		// else a lower-case word just after: the name may be a modifier
		// ("the Islamist rule", "its Farsi name")
		modifies := !speaks && j < len(toks) && joined(s, toks[j-1], toks[j]) && !possessive(toks[j-1].Text) && !textan.Capitalized(toks[j].Text)
		if n, ok := classify(toks[i:j], titled, modifies); ok {
			// a saint who speaks is a person ("says Saint Kavin"), not Saint Louis
			saint := n.kind == textan.NamePlace && (strings.HasPrefix(n.name, "Saint ") || strings.HasPrefix(n.name, "St ") || strings.HasPrefix(n.name, "St. "))
			if speaks && (saint || n.kind == textan.NameOther || n.kind == textan.NamePerson || n.kind == textan.NameGroup && !strings.Contains(n.name, " ") && strings.ToUpper(n.name) != n.name) { // "said Hans" (WordNet's Hanse)
				n.kind = textan.NamePerson
			}
			if n.kind == textan.NameOther && describedAsSomeone(s[toks[j-1].End:]) && (i == 0 || !placePrepositions[strings.ToLower(toks[i-1].Text)]) { // "Morgiana, a clever slave-girl in Cassim's household", "Morgiana, who performs a dance"; not "a blacksmith out o' Rathdrum, a cousin of his own"
				n.kind = textan.NamePerson
			}
			out = append(out, n)
		}
		i = j
	}
	return out
}

// joined reports whether only spaces stand between a and b in s.
func joined(s string, a, b textan.Token) bool {
	return strings.TrimSpace(s[a.End:b.Start]) == ""
}

// afterTitle reports whether b follows the abbreviated title a ("Mr.
// Drake", "Dr. Watson"): its dot ends no sentence.
func afterTitle(s string, a, b textan.Token) bool {
	return titleWords[strings.ToLower(a.Text)] && strings.TrimSpace(s[a.End:b.Start]) == "."
}

// possessive reports whether w ends with "'s" or "’s".
func possessive(w string) bool {
	_, end := textan.CutPossessive(w)
	return end != ""
}

// trimPossessive returns w without its "'s".
func trimPossessive(w string) string {
	base, _ := textan.CutPossessive(w)
	return base
}

// classify returns the name that words make and its kind; ok is false
// for what is no name to list: an adjective of a place alone ("Iranian"),
// a title or a word of groupWords alone ("the Government"), one word that
// modifies the next ("the Islamist rule") unless it is a place or a group.
func classify(words []textan.Token, titled, modifies bool) (nameRun, bool) {
	ws := make([]string, len(words))
	for i, t := range words {
		ws[i] = trimPossessive(t.Text)
	}
	// not "The" of "The Judgement of Martin Luther", nor the initial of "Thomas S."
	for len(ws) > 0 && textan.IsStop(strings.ToLower(ws[0])) {
		ws = ws[1:]
	}
	for len(ws) > 1 && len([]rune(ws[len(ws)-1])) == 1 {
		ws = ws[:len(ws)-1]
	}
	if len(ws) == 0 || isDemonym(ws[len(ws)-1]) { // "South African" is no name but an adjective's
		return nameRun{}, false
	}
	// a title makes what follows it a person ("Albanian Prime Minister Edi Rama")
	for i := len(ws) - 1; i >= 0; i-- {
		if titleWords[strings.ToLower(ws[i])] {
			if i == len(ws)-1 { // a title alone: "the King" of a tale is a character
				if len(ws) == 1 && storyTitles[strings.ToLower(ws[0])] {
					return nameRun{"the " + ws[0], textan.NamePerson}, true
				}
				return nameRun{}, false
			}
			if ws[i+1] == "of" { // "Prince of Norroway" names a person by a title and a place
				return nameRun{strings.Join(ws[i:], " "), textan.NamePerson}, true
			}
			ws, titled = ws[i+1:], true
			break
		}
	}
	name := strings.Join(ws, " ")
	head := ws // the words before "of"
	if k := slices.Index(ws, "of"); k > 0 {
		head = ws[:k]
	}
	last := strings.ToLower(head[len(head)-1])
	switch {
	case titled:
		return nameRun{name, textan.NamePerson}, true
	case len(ws) == 1 && (groupWords[last] || placeWords[last]):
		return nameRun{}, false
	case groupWords[last]:
		return nameRun{name, textan.NameGroup}, true
	case placeWords[last] || len(ws) > 1 && placeStarts[strings.ToLower(ws[0])]:
		return nameRun{name, textan.NamePlace}, true
	case len(ws) == 1 && len(ws[0]) > 1 && strings.ToUpper(ws[0]) == ws[0]: // an acronym: "US", "MEK", "NATO"
		if placeAcronyms[last] {
			return nameRun{name, textan.NamePlace}, true
		}
		return nameRun{name, textan.NameGroup}, true // not WordNet's "CT" (Connecticut) for a CT scan
	}
	kind := textan.NameKind(ws[len(ws)-1])
	if len(head) < len(ws) { // "The Judgement of Martin Luther" is no person
		return nameRun{name, textan.NameOther}, true
	}
	first := textan.NameKind(ws[0])
	lastNamed := textan.IsName(ws[len(ws)-1]) || !textan.IsEnglish(ws[len(ws)-1]) // not "Bible" of "Luther Bible"
	if len(ws) > 1 && first == textan.NamePerson && kind != textan.NamePlace && !isDemonym(ws[0]) && lastNamed ||
		len(ws) > 1 && first != textan.NamePlace && first != textan.NameGroup && !isDemonym(ws[0]) && textan.IsCreature(lastPart(ws[len(ws)-1])) || // "Tom Kitten", "Peter Rabbit", "Jemima Puddle-Duck"
		len(ws) == 2 && !textan.IsEnglish(ws[0]) && first != textan.NamePlace && first != textan.NameGroup && !isDemonym(ws[0]) &&
			(kind == textan.NamePerson || !textan.IsEnglish(ws[1])) {
		kind = textan.NamePerson // "Edi Rama", "Abolhassan Banisadr": a first name no dictionary knows, and a last
	}
	if kind == "" {
		kind = textan.NameOther
	}
	if len(ws) == 1 && modifies && kind != textan.NamePlace && kind != textan.NameGroup {
		return nameRun{}, false
	}
	return nameRun{name, kind}, true
}

// lastPart is the last part of a hyphenated word ("Duck" of "Puddle-Duck").
func lastPart(w string) string {
	return w[strings.LastIndexByte(w, '-')+1:]
}

// isDemonym reports whether w is the adjective of a place ("Iranian"),
// by textan's filter from the adjective to the place.
func isDemonym(w string) bool {
	t := textan.Stem(textan.Fold(w))
	return textan.Demonym()(t) != t
}

// namesAnswer answers a question that asks for the names of kind (see
// listAsked) from the names the documents mention, offline, source saying
// whose they are ("the documents mention"): a list of each group (a line
// for each document, with its title, when there are several); hits are the
// passages of their first mentions, in the list's order, for a model to
// answer from. ok is false when the documents name none.
func namesAnswer(kind string, groups []nameGroup, source string) (ans Answer, hits []search.Hit, ok bool) {
	ans = Answer{Mode: ModeExtractive, Citations: []Citation{}, Warnings: []string{}}
	cited := map[string]int{}
	var lines []string
	total := 0
	for _, g := range groups {
		var list []*namedThing
		for _, t := range g.names {
			if kind == listNames && t.kind != textan.NameOther ||
				(kind == listPeople || kind == listCharacters) && t.kind == textan.NamePerson ||
				kind == listPlaces && t.kind == textan.NamePlace ||
				kind == listGroups && t.kind == textan.NameGroup {
				list = append(list, t)
			}
		}
		if len(list) == 0 {
			continue
		}
		total += len(list)
		slices.SortStableFunc(list, func(a, b *namedThing) int { return b.count - a.count })
		list = list[:min(len(list), maxNames)]
		items := make([]string, len(list))
		for i, t := range list {
			key := fmt.Sprintf("%s\x00%d", t.ps.ID, t.sent.Start)
			n := cited[key]
			if n == 0 {
				n = len(ans.Citations) + 1
				cited[key] = n
				ans.Citations = append(ans.Citations, spanCitation(n, t.ps, t.sent.Start, t.sent.End, t.sent.Text))
				if !slices.ContainsFunc(hits, func(h search.Hit) bool { return h.Passage == t.ps }) {
					hits = append(hits, search.Hit{Passage: t.ps, Score: 1, Match: 1})
				}
			}
			items[i] = t.name + " " + cite.Format(n)
		}
		line := strings.Join(items, ", ")
		if g.title != "" {
			line = g.title + ": " + line
		}
		lines = append(lines, line)
	}
	if total == 0 || kind == listCharacters && total < 2 {
		return Answer{}, nil, false
	}
	what := map[string]string{listCharacters: "characters", listPeople: "people", listPlaces: "countries and places", listGroups: "groups and organisations", listNames: "people, places and groups"}[kind]
	ans.Text = fmt.Sprintf("The %s %s, most mentioned first, each cited where it first appears:\n%s", what, source, strings.Join(lines, "\n"))
	return ans, hits, true
}

// placePrepositions come before a place's name: what follows it may say
// who the one before it is ("a blacksmith out o' Rathdrum, a cousin of his
// own").
var placePrepositions = setOf("of o o' o’ from in at to near into out by")

// appositionRe is what may follow a name to say who it is: ", who …", or
// ", a clever slave-girl", whose words (group 1) may name a kind of person
// or animal.
var appositionRe = regexp.MustCompile(`^\s*,\s*(?:(?:who|whom|whose)\b|(?:a|an|the|his|her|their)\s+((?:[\pL'’-]+\s*){1,3}))`)

// describedAsSomeone reports whether after, the text after a name no
// dictionary knows, says it is someone's (appositionRe: one of the three
// words after the article a person's or an animal's): a tale's "Morgiana"
// was no character of Ali Baba's ("Who are the main characters?" listed
// Baba Mustafa, named twice, but not her).
func describedAsSomeone(after string) bool {
	m := appositionRe.FindStringSubmatch(after)
	if m == nil {
		return false
	}
	if m[1] == "" {
		return true
	}
	for _, w := range strings.Fields(m[1]) {
		parts := strings.Split(w, "-")
		if textan.IsCreature(w) || textan.IsCreature(parts[len(parts)-1]) {
			return true
		}
	}
	return false
}
