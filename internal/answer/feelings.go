package answer

import (
	"strings"
	"sync"

	"storybot/internal/textan"
)

// A feeling a question names is told by a story in its own words: "why
// was Maisie worried?" of a tale that says "She was afraid that she would
// be expected to spin"; "was the king angry?" of one that says "what a
// rage he was in". WordNet's synonyms do not link them (worried and
// afraid are no synonyms), so the words a story tells each feeling with
// are listed here, by the feeling's family.
const (
	fearWords    = "afraid fear feared fearful frightened fright terror terrified scared dread alarm alarmed trembled trembling horror horrified panic dismay dismayed"
	worryWords   = "worried worry anxious anxiety uneasy troubled afraid fear"
	angerWords   = "angry anger rage furious fury wrath vexed vexation cross enraged indignant indignation annoyed"
	joyWords     = "happy glad joy joyful delighted delight pleased merry rejoiced overjoyed cheerful joyous"
	sorrowWords  = "sad sorrow sorrowful grief grieved wept weep weeping tears unhappy miserable melancholy heartbroken broken-hearted mournful gloomy dejected downcast despair"
	jealousWords = "jealous jealousy envy envious"
	wonderWords  = "surprised surprise astonished astonishment amazed wonder"
	// harmWords tell how serious something was, a report's way: "how
	// serious was the cyberattack?" of "the gravity and risk of the
	// cyberattack" (the lede led). Not for "damage" and "harm": "how many
	// government computers were destroyed?" then counted the report's
	// numbers of other things, and the damage questions still led with
	// "not damaging critical infrastructure"; nor "severe": "Was the attack
	// described as unprecedented or severe, and by whom, and what exactly
	// was targeted …?" was then one question, hedged (TestClausesAnswered)
	harmWords = "gravity grave serious severe destroyed destroy destruction disrupted disrupt disruption damage damaged harm harmed ruined devastating devastated paralyse paralyze crippled"
)

// feelingFamilies maps a feeling a question names to the words of its
// family.
var feelingFamilies = map[string]string{
	"afraid": fearWords, "scared": fearWords, "frightened": fearWords, "terrified": fearWords,
	"worried": worryWords, "anxious": worryWords, "nervous": worryWords,
	"angry": angerWords, "mad": angerWords, "furious": angerWords, "cross": angerWords,
	"happy": joyWords, "glad": joyWords, "pleased": joyWords,
	"sad": sorrowWords, "unhappy": sorrowWords, "upset": sorrowWords,
	"jealous": jealousWords, "envious": jealousWords,
	"surprised": wonderWords, "amazed": wonderWords,
	"serious": harmWords,
}

// feelingKin returns, by the term of a feeling in feelingFamilies, the
// terms of its family (the feeling's own aside); made on first use.
var feelingKin = sync.OnceValue(func() map[string][]string {
	an := textan.English()
	kin := map[string][]string{}
	for w, family := range feelingFamilies {
		t := an.Term(w)
		for _, k := range an.Terms(family) {
			if k != t {
				kin[t] = append(kin[t], k)
			}
		}
	}
	return kin
})

// feelingSearch returns the words of the families of the feelings q names,
// to search for beside q's own when q's own find no passage that covers
// it: "" when it names none. (Searched for every time, the family's words
// led "why were both girls terrified?" to the sentence that says they were,
// not why: FairytaleQA +3 −6.)
func feelingSearch(q string) string {
	var words []string
	for _, w := range strings.Fields(strings.ToLower(q)) {
		if family, ok := feelingFamilies[strings.Trim(w, "?!.,;:")]; ok {
			words = append(words, family)
		}
	}
	return strings.Join(words, " ")
}
