package answer

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"storybot/internal/knowledge"
	"storybot/internal/search"
	"storybot/internal/textan"
)

// "Who is Finn?" asks for a description of someone (or something) the
// documents name, not for any sentence that holds the name: the passages
// that hold it most are often dialogue ("Well Hans, what are you doing on
// foot?"). Such a question is answered from the sentence that introduces
// the name (its first mention) and the one that describes it best
// ("Durres, the country’s main port"; "a giant, named Far Rua"), passing
// over sentences that only speak to the person ("Musha, Finn, avick").

// describedAskRe matches a question that asks how the documents describe
// someone or something, X in its group: "How does the story describe
// Lucie?", "describe Finn", "tell me about Edi Rama".
var describedAskRe = regexp.MustCompile(`(?i)^\W*(?:how\s+(?:does|did|do)\s+(?:the\s+)?(?:story|text|tale|author|narrator|book|article|writer|document)\s+describe|(?:please\s+)?(?:describe|tell\s+me\s+about))\s+(.+?)\W*$`)

// whoIsName returns the name a "Who is X?", "What is X?" or "How does the
// story describe X?" (describedAskRe) question, or a name of one or two
// words asked alone ("MEK?"), asks about, as typed ("Finn", "edi rama"),
// or nil when q is no such question:
// X must be one to three words, none of them a stop word or a pronoun
// ("Who is he?", "What is the story?" are not). Whether the documents
// write X as a name is for namePattern's matches to tell.
func (p *Pipeline) whoIsName(q string) []string {
	words := questionWords(q)
	if len(words) > 0 { // "who's Joringel?", "whos jorinde": who is
		if w, ok := contractedIs[strings.ReplaceAll(strings.ToLower(words[0]), "’", "'")]; ok {
			words = append([]string{w, "is"}, words[1:]...)
		}
	}
	var name []string
	if m := describedAskRe.FindStringSubmatch(q); m != nil { // "How does the story describe Lucie?"
		name = questionWords(m[1])
		if len(name) > 1 && (strings.EqualFold(name[0], "the") || strings.EqualFold(name[0], "a")) { // "describe the MEK"
			name = name[1:]
		}
	} else if len(words) >= 3 && len(words) <= 5 && (strings.EqualFold(words[0], "who") || strings.EqualFold(words[0], "what")) && beVerbs[strings.ToLower(words[1])] {
		name = words[2:]
		if len(name) > 1 && strings.EqualFold(name[0], "the") { // "Who is the MEK?"
			name = name[1:]
		}
	} else if len(words) <= 2 { // a name alone, as chat asks: "MEK?", "edi rama"
		name = words
	}
	if len(name) == 0 || len(name) > 3 {
		return nil
	}
	worded := false // a word of the name is no stop word ("Liu I" is a name, "it" none)
	for _, w := range name {
		lw := strings.ToLower(w)
		if referring[lw] || beforeDemonstrative[lw] || p.vague[p.an.Term(w)] {
			return nil
		}
		worded = worded || len(p.an.Terms(w)) > 0
	}
	if !worded {
		return nil
	}
	return name
}

// contractedIs are "who is" and "what is" as chat contracts them.
var contractedIs = map[string]string{"who's": "who", "whos": "who", "what's": "what", "whats": "what"}

// namePattern matches the name's words as the documents write a name:
// whole words, apart or hyphenated ("Ko-ko"), any case in the pattern,
// checked for a capital by nameMatches.
func namePattern(name []string) *regexp.Regexp {
	quoted := make([]string, len(name))
	for i, w := range name {
		quoted[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(`(?i)\b` + strings.Join(quoted, `\.?(?:\s+|-)`) + `\b`) // "Ko-ko" is asked as "Ko ko" (questionWords), "Mrs. Tabitha" as "mrs tabitha"
}

// nameMatches returns the [start, end) offsets in s where the name stands
// written as a name: its first and last words with a capital ("Edi Rama",
// "Ko-ko", "Mujahideen-e-Khalq"; not "the King's son", a title), or, where
// it starts a sentence, its first ("Microtubule severing enzymes are …").
func nameMatches(re *regexp.Regexp, s string) [][]int {
	var out [][]int
	for _, m := range re.FindAllStringIndex(s, -1) {
		last := m[0] + strings.LastIndexAny(s[m[0]:m[1]], " \t\n") + 1
		first, _ := utf8.DecodeRuneInString(s[m[0]:])
		lastFirst, _ := utf8.DecodeRuneInString(s[last:])
		if unicode.IsUpper(first) && (unicode.IsUpper(lastFirst) || startsSentence(s[:m[0]])) {
			out = append(out, m)
		}
	}
	return out
}

// startsSentence reports whether what comes before a word ends a sentence,
// or is nothing but an opening quote or bracket.
func startsSentence(before string) bool {
	before = strings.TrimRight(before, " \t\n\"'“‘([")
	r, _ := utf8.DecodeLastRuneInString(before)
	return before == "" || strings.ContainsRune(".!?:", r)
}

var (
	// describedAfter follows a name that a sentence describes: an
	// apposition or relative clause ("Durres, the country’s main port",
	// "Finn, who was very fond of his wife") or a copula ("Hans was a
	// lad").
	describedAfter = regexp.MustCompile(`^(?:’s|'s)?(?:,\s*(?:a|an|the|who|whose|which|one|his|her|their|our|my)\b|\s+(?:is|was|were|are|had been|has been|became|seemed)\s+(?:a|an|the|one|very|so|called|named|known|once|no|not|as)\b|\s+by\s+name\b)`)
	// clauseAfter is a comma and a subject with its verb after a name,
	// which describedAfter's apposition would take for one: "blows upon
	// Ko-ko, the moccasins were taking him past".
	clauseAfter = regexp.MustCompile(`^,\s*(?:a|an|the|his|her|their|our|my)\s+(?:[\pL’'-]+\s+){0,3}?(?:was|were|is|are|had|has|have|did|would|could|will)\b`)
	// describedBefore comes before a name that a sentence introduces
	// ("a giant, named Far Rua", "known as Mujahideen", "his dog, Spirit-Iron",
	// "their mother-Mrs. Tabitha Twitchit-expected friends",
	// "the youngest … called her Cinderella"), or names them one of a list
	// ("their names were Mittens, Tom Kitten, and Moppet", "her sons were
	// named Gintscha, Mutscha and Notscha").
	describedBefore = regexp.MustCompile(`(?i)(?:named|called|name was|name is|known as|by the name of|\b(?:call|calls|called|name|names|named)\s+(?:him|her|them)|\b(?:his|her|their|my|our)\s+[\pL]+(?:,|\s*[-–—]+)|\b(?:names\s+(?:were|are)|named|called)\s+` + namesListed + `)\s*,?\s*$`)
	// possessedBefore is describedBefore's apposition after a possessive
	// ("his dog, "), which a clause's subject after it is not ("by speaking
	// to his canoe, Mishosha shot forward": verbAfter).
	possessedBefore = regexp.MustCompile(`(?i)\b(?:his|her|their|my|our)\s+[\pL]+(?:,|\s*[-–—]+)\s*$`)
	verbAfter       = regexp.MustCompile(`^\s+(?:[a-z]+ed|[a-z]+s|was|were|had|is|are|did|went|came|ran|saw|took|gave|said|cried|got|made|shot|rose|fell|sat|stood|began|led|left|found|knew|thought|told)\b`)
	// describedNext starts the sentence after a name's that goes on to
	// describe it ("She was the daughter of the famous captain").
	describedNext = regexp.MustCompile(`^(?:He|She|It|They)\s+(?:is|was|were|are|had been|has been)\s+(?:a|an|the|one|very|so|called|named|known|once|as)\b`)
	// spokenTo is a name addressed in dialogue: set off by a comma or an
	// opening quote before it and a comma, "!" or "?" after it.
	spokenToBefore = regexp.MustCompile(`(?:[“"‘']|,)\s*$`)
	spokenToAfter  = regexp.MustCompile(`^\s*[,!?]`)
)

// introScore scores a sentence that holds the name at the offsets ms: 2
// when it describes or introduces the name, 0.5 more when it starts with
// it, 1 less when it quotes speech, 3 less when it only speaks to it.
func introScore(s string, ms [][]int) float64 {
	score := 0.0
	spoken := true
	for _, m := range ms {
		described := describedBefore.MatchString(s[:m[0]]) && !(possessedBefore.MatchString(s[:m[0]]) && verbAfter.MatchString(s[m[1]:])) // "his dog, Spirit-Iron,", not "to his canoe, Mishosha shot forward"
		if described || describedAfter.MatchString(s[m[1]:]) && !clauseAfter.MatchString(s[m[1]:]) {
			score = 2
		}
		if described || !(spokenToBefore.MatchString(s[:m[0]]) && spokenToAfter.MatchString(s[m[1]:])) { // "his dog, Spirit-Iron, blowing" is not spoken to
			spoken = false
		}
	}
	if ms[0][0] == 0 {
		score += 0.5
	}
	if strings.ContainsAny(s, `“”"`) {
		score--
	}
	if spoken {
		score -= 3
	}
	return score
}

// firstMentionBonus is what the name's first mention in a document adds
// to its introScore: a story introduces its people where they first appear.
const firstMentionBonus = 1.5

// introductions puts first, for a "Who is X?" question, the passages of
// the document where the first hit holding X stands that hold X's first
// mention and the sentences introSentences picks from the whole document,
// before the other hits.
// Without the documents, or when no hit holds X as a name, it returns hits.
func (p *Pipeline) introductions(name []string, hits []search.Hit) []search.Hit {
	if p.opts.Documents == nil {
		return hits
	}
	re := namePattern(name)
	i := slices.IndexFunc(hits, func(h search.Hit) bool { return len(nameMatches(re, h.Passage.Text)) > 0 })
	if i < 0 {
		return hits
	}
	doc := p.document(hits[i].Passage.Doc)
	if doc == nil {
		return hits
	}
	first := slices.IndexFunc(doc.Passages, func(ps knowledge.Passage) bool { return len(nameMatches(re, ps.Text)) > 0 })
	if first < 0 {
		return hits
	}
	all := make([]*sourcePassage, len(doc.Passages))
	for j := range doc.Passages {
		all[j] = &sourcePassage{Hit: search.Hit{Passage: &doc.Passages[j], Score: hits[i].Score, Match: hits[i].Match}}
	}
	out := []search.Hit{all[first].Hit}
	has := func(h search.Hit) bool {
		return slices.ContainsFunc(out, func(o search.Hit) bool { return o.Passage.ID == h.Passage.ID })
	}
	for _, c := range introSentences(name, all) { // the offline answer, asked of the whole document
		if !has(c.sp.Hit) {
			out = append(out, c.sp.Hit)
		}
	}
	for _, h := range hits {
		if !has(h) {
			out = append(out, h)
		}
	}
	return out
}

// introSentences answers a "Who is X?" question offline (see
// introductions): of the sentences of passages that hold X as a name (and
// those after them that go on to describe X, describedNext), the best by
// introScore (the earliest of the document's counting as its first
// mention), and the next best when it also introduces or describes X, in
// the order of the text. None when no sentence holds X as a name.
func introSentences(name []string, passages []*sourcePassage) []*candidate {
	re := namePattern(name)
	var cands []*candidate
	var scores []float64
	for rank, sp := range passages {
		sents := textan.Sentences(sp.Hit.Passage.Text)
		for i, s := range sents {
			ms := nameMatches(re, s.Text)
			if len(ms) == 0 {
				continue
			}
			cands = append(cands, &candidate{sp: sp, rank: rank, sent: s, idx: i})
			scores = append(scores, introScore(s.Text, ms))
			if i+1 < len(sents) && describedNext.MatchString(sents[i+1].Text) { // "… Margaret Barnekow. She was the daughter of …"
				cands = append(cands, &candidate{sp: sp, rank: rank, sent: sents[i+1], idx: i + 1})
				scores = append(scores, 1.75)
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	first := 0
	for i, c := range cands {
		if c.sp.Hit.Passage.Doc == cands[0].sp.Hit.Passage.Doc && before(c, cands[first]) {
			first = i
		}
	}
	scores[first] += firstMentionBonus
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		if before(cands[a], cands[b]) {
			return -1
		}
		return 1
	})
	out := []*candidate{cands[order[0]]}
	if len(order) > 1 && scores[order[1]] >= 1 {
		out = append(out, cands[order[1]])
	}
	slices.SortStableFunc(out, func(a, b *candidate) int {
		if before(a, b) {
			return -1
		}
		return 1
	})
	return out
}
