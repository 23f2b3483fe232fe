package answer

import (
	"regexp"
	"slices"
	"strings"

	"storybot/internal/knowledge"
	"storybot/internal/textan"
)

// Of several documents, a question may name one by its title, or by words
// of it: "how does the seal catcher story end?", "who are the characters
// in Jack my Hedgehog?". Its overview (Pipeline.openingsOf) and its list of
// names (listedNames) are then that document's alone.

// namesDocument reports whether the title's words terms[i:i+n] of q
// (toks, its words) name a document, not what it tells of: followed by a
// word such as "story" or "article" ("the seal catcher story") or by
// "about" ("what is Jack my Hedgehog about?"), or after "in", "of",
// "about" or "from" ("who is the main character of Jack my Hedgehog?"),
// but not "what did the seal catcher say?".
func (p *Pipeline) namesDocument(q string, toks []textan.Token, terms []string, i, n int, title string) bool {
	if i+n < len(terms) && p.docWords[terms[i+n]] {
		return true
	}
	if after := strings.Fields(strings.ToLower(q[toks[i+n-1].End:])); len(after) > 0 && strings.Trim(after[0], "?!.,") == "about" { // "what is Jack my Hedgehog about?"
		return true
	}
	before := strings.Fields(strings.ToLower(q[:toks[i].Start]))
	inTitle := strings.Fields(strings.ToLower(title))
	for k := len(before) - 1; k >= 0 && (before[k] == "the" || before[k] == "a" || slices.Contains(inTitle, before[k])); k-- {
		before = before[:k] // "in How Boots Befooled King": its "How" is the title's
	}
	return len(before) > 0 && slices.Contains([]string{"in", "of", "about", "from"}, before[len(before)-1])
}

// namedDocument returns, when there are several documents, the one q names
// by its title, or by two or more of its title's words in a row ("the
// seal catcher story" for "The Seal Catcher and the Merman", "in Jack my
// Hedgehog"), and a pattern of those words in q; or nil. Words of its
// title that others' titles share too name none, and so do words that may
// name the story's people or things (namesDocument).
func (p *Pipeline) namedDocument(q string) (*knowledge.Document, *regexp.Regexp) {
	if p.opts.Documents == nil {
		return nil, nil
	}
	docs := p.opts.Documents()
	if len(docs) < 2 {
		return nil, nil
	}
	var toks []textan.Token
	var terms []string
	p.an.Each(q, func(t string, tok textan.Token) {
		toks = append(toks, tok)
		terms = append(terms, t)
	})
	var best *knowledge.Document
	bestLen, bestFrom, ties := 0, 0, 0
	for _, d := range docs {
		title := p.an.Terms(d.Title)
		for i := range terms {
			for j := range title {
				n := 0
				for i+n < len(terms) && j+n < len(title) && terms[i+n] == title[j+n] {
					n++
				}
				if n < 2 && !(n == 1 && len(title) == 1) || !p.namesDocument(q, toks, terms, i, n, d.Title) {
					continue
				}
				switch {
				case n > bestLen:
					best, bestLen, bestFrom, ties = d, n, i, 0
				case n == bestLen && d != best:
					ties++
				}
			}
		}
	}
	if best == nil || ties > 0 {
		return nil, nil
	}
	words := make([]string, bestLen)
	for k := range words {
		words[k] = regexp.QuoteMeta(toks[bestFrom+k].Text)
	}
	return best, regexp.MustCompile(`(?i)\b` + strings.Join(words, `\W+(?:\w+\W+)?`) + `\b`)
}

// namedOverview is namedDocument for a question with a word of an overview
// (holdsWord, p.overview), as typed (q), else nil: only those are answered
// from a document's opening, and most questions are no overview.
func (p *Pipeline) namedOverview(q, standalone string) (*knowledge.Document, *regexp.Regexp) {
	if !holdsWord(q, p.overview) {
		return nil, nil
	}
	return p.namedDocument(standalone)
}
