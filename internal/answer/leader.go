package answer

import (
	"regexp"
	"strings"

	"storybot/internal/textan"
)

// A leader question asks who leads a country, a people or a group: "who
// leads albania?", "who is the leader of Albania?", "who ruled Iran?",
// "who is in charge of the camp?". Documents seldom say "leader"; they
// give a title: "Albanian Prime Minister Edi Rama", "Ayatollah Khomeini
// and his government", "the King". So in a leader question the word for
// leading (its "leader", "leads", "ruled", "charge") is held by a sentence
// that holds a title (titleRe), as by a synonym, and a who-question's cue
// is a title; "the clerical leadership" is no longer the best answer for
// its "lead". (titleRe holds the titles of those who lead; names.go's
// titleWords, the words before a name, also hold "Mr." and "Dr.".)
var (
	leaderNounRe   = regexp.MustCompile(`(?i)^\W*(?:and\s+)?who(?:'s|’s|\s+(?:is|was|are|were))\s+(?:(?:the|their|its|his|her)\s+)?(?:(?:current|new|former|then|supreme|top)\s+)?(leader|ruler|head|chief|boss)s?\s+(?:of|in)\s`)
	leaderVerbRe   = regexp.MustCompile(`(?i)^\W*(?:and\s+)?who\s+(?:(?:is|was|were|are)\s+)?(leads|led|leading|rules|ruled|ruling|governs|governed|governing|reigns|reigned|heads|headed|runs|ran|running|commands|commanded)\s+(?:over\s+)?(?:the\s+|a\s+)?([\pL-]+)`)
	leaderOfNameRe = regexp.MustCompile(`(?i)^\W*(?:and\s+)?who(?:'s|’s|\s+(?:is|was|are|were))\s+(?:the\s+)?(?:(?:current|new|former|then|supreme|top)\s+)?([\pL-]+?)(?:'s|’s)?\s+(leader|ruler|head|chief|boss)s?\b`) // "who is the albania leader guy", "who is Iran's leader"
	leaderChargeRe = regexp.MustCompile(`(?i)^\W*(?:and\s+)?who(?:'s|’s|\s+(?:is|was|are|were))\s+in\s+(charge)\s+(?:of|in|at)\s`)
	ledInRe        = regexp.MustCompile(`(?i)\s(?:led|leads|leading)\s.*\sin\s+(?:\pL+\s+)?\pL+\W*$`) // "who led the Panthers in sacks?": a statistic, not a leader
	titleRe        = regexp.MustCompile(`(?i)\b(?:kings?|queens?|emperors?|empress|tsar|czar|tsarina|sultan|shah|pharaoh|khan|rajah?|maharajah?|emir|caliph|monarchs?|sovereign|rulers?|leaders?|chief|chieftain|president|prime\s+minister|premier|chancellor|governor|mayor|ayatollah|commander|captain|duke|pope|director|chairman|chairwoman)\b`)
)

// titleTerm stands in a sentence's terms (Pipeline.sentenceTerms) for a
// title it holds; no analyzed word is empty.
const titleTerm = ""

// ledGroup are the common nouns a leader question's verb may lead: "who
// runs the camp?" asks for a leader, "who led the prince to the hall?" does
// not.
var ledGroup = setOf("country kingdom land nation state city town village army people government tribe group party organisation organization company empire realm island camp band gang rebels movement team church school")

// leaderTerm returns the term of q that asks for a leader (leading,
// ruling, "leader", "charge"), or "" when q is no leader question. The
// thing led must be a name ("albania", "the MEK") or a group (ledGroup),
// and not led in something ("who led the Panthers in sacks?").
func (p *Pipeline) leaderTerm(q string) string {
	word := ""
	if m := leaderNounRe.FindStringSubmatch(q); m != nil {
		word = m[1]
	} else if m := leaderOfNameRe.FindStringSubmatch(q); m != nil && !determiners[strings.ToLower(m[1])] && (textan.IsName(m[1]) || textan.Capitalized(m[1]) || p.an.Term(m[1]) != textan.Stem(strings.ToLower(m[1]))) { // a name, or its adjective ("albanian": the demonym's term is the country's)
		word = m[2]
	} else if m := leaderChargeRe.FindStringSubmatch(q); m != nil {
		word = m[1]
	} else if m := leaderVerbRe.FindStringSubmatch(q); m != nil && (textan.Capitalized(m[2]) || textan.IsName(m[2]) || ledGroup[strings.ToLower(m[2])]) && !ledInRe.MatchString(q) {
		word = m[1]
	}
	return p.an.Term(word)
}
