package answer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"storybot/internal/search"
	"storybot/internal/textan"
)

// A question about the story's villain ("who is the bad guy?") is
// answered from what the documents call wicked, cruel or an enemy.

// villainAskRe asks who the story's villain is: "who is the bad guy?",
// "who's the villain?", "the antagonist".
var villainAskRe = regexp.MustCompile(`(?i)\b(?:bad\s+(?:guys?|ones?|people|person|man|men|woman|women)|baddies?|villains?|antagonists?|evil\s+ones?|culprits?|to\s+blame|blamed|accused|guilty)\b`)

// villainWords are what a story calls its villain (a news report blames
// in other words: "reckless", "the culprit"), as an offline answer looks
// for them (a question of villainAskRe names none of them: "who is
// the bad guy?" was refused of four tales of five, whose "wretch", "foe"
// and "witch" it does not say): what says so (villainNames) weighs twice
// what may be one (villainRoles).
const (
	villainNames = "villain villainous wicked evil cruel wretch rogue foe enemy enemies culprit traitor murderer aggressor perpetrator reckless ruthless brutal"
	villainRoles = "witch sorcerer sorceress enchantress ogre troll giant dragon devil demon robber robbers thief thieves monster"
	villainWords = villainNames + " " + villainRoles
)

// villainTerms returns the terms of villainNames and of villainRoles; made
// on first use.
var villainTerms = sync.OnceValues(func() (names, roles map[string]bool) {
	return termSet(villainNames), termSet(villainRoles)
})

// MsgNoVillain answers "who is the bad guy?" of documents that call no
// one wicked, cruel, a villain, an enemy or the like.
const MsgNoVillain = "The documents call no one a villain, wicked, cruel or an enemy. Ask about a character by name, or about what someone did."

// villainAsked reports whether q asks who the villain is, with no topic
// of its own beside it.
func (p *Pipeline) villainAsked(q string) bool {
	return villainAskRe.MatchString(q) && !p.hasTopic(villainAskRe.ReplaceAllString(q, " "))
}

// villain answers q, which asks who the villain is (villainAsked): from
// the passages that hold villainWords, which rank its sentences offline; a
// model reads them and answers q as asked.
func (p *Pipeline) villain(ctx context.Context, start time.Time, q string, k int, modelDown bool, ans Answer, onEvent func(Event)) (Answer, error) {
	query := "who is the villain? " + villainWords
	hits, err := p.opts.Retriever.Search(ctx, query, k)
	if err != nil && !errors.Is(err, search.ErrKeywordsOnly) {
		return Answer{}, fmt.Errorf("retrieve the villain: %w", err)
	}
	if !p.SharesTopic(villainWords, hits) {
		ans.Refused, ans.Text = true, MsgNoVillain
		return ans, nil
	}
	return p.answerFrom(ctx, start, q, q, p.pack(hits, p.passageBudget(q)), modelDown, ans, onEvent)
}

// villainSentences answers a question of villainAsked offline: the
// sentences of passages that hold the most of villainWords, first the one
// that holds most, then one more that holds half as many, in the order of
// the text. They are who the documents call wicked, cruel or an enemy.
func (p *Pipeline) villainSentences(passages []*sourcePassage) []*candidate {
	names, roles := villainTerms()
	var cands []*candidate
	for rank, sp := range passages {
		for i, s := range textan.Sentences(sp.Hit.Passage.Text) {
			c := &candidate{sp: sp, rank: rank, sent: s, idx: i}
			for t := range setOf(strings.Join(p.an.Terms(s.Text), " ")) {
				switch {
				case names[t]:
					c.score += 2
				case roles[t]:
					c.score++
				}
			}
			if c.score > 0 {
				cands = append(cands, c)
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	best := slices.MaxFunc(cands, func(a, b *candidate) int { return cmp.Compare(a.score, b.score) })
	out := []*candidate{best}
	for _, c := range cands {
		if c != best && c.score*2 >= best.score && len(out) < 2 {
			out = append(out, c)
		}
	}
	return out
}
