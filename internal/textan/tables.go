package textan

import (
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run ./internal/gen -wordnet /usr/share/wordnet -demonyms demonyms.txt
//go:generate go run ./internal/gen -wordnet /usr/share/wordnet -derived derived.txt
//go:generate go run ./internal/gen -wordnet /usr/share/wordnet -pertainyms pertainyms.txt

// demonymTable is WordNet's adjectives of places with their places, one
// "adjective place" a line, lower-cased. internal/gen writes it.
//
//go:embed demonyms.txt
var demonymTable string

// derivedTable is WordNet's nouns made from a shorter word with the word,
// one "noun word" a line ("hacker hack", "relationship relation").
// internal/gen writes it.
//
//go:embed derived.txt
var derivedTable string

// pertainymTable is WordNet's relational adjectives with the noun they
// pertain to, one "adjective noun" a line ("economic economy", "bacterial
// bacteria"). internal/gen writes it.
//
//go:embed pertainyms.txt
var pertainymTable string

// Demonym returns a filter that takes the stemmed adjective of a place to
// the stemmed place ("iranian" → "iran", "albanian" → "albania"), so that
// "Iranian agents" answers a question about Iran; other terms pass
// unchanged. Use it after Stem. It is safe for concurrent use.
func Demonym() Filter { return mapFilter(demonyms()) }

// Derived returns a filter that takes the stemmed noun made from a shorter
// word to that word's stem: a person who does something to the verb
// ("hacker" → "hack", "killer" → "kill"), so that "What did the hackers
// do?" finds "hack into state records", and a noun of -ship to its noun
// ("relationship" → "relation"). Snowball already stems most agents with
// their verb ("attacker"); these are the ones it does not. Other terms pass
// unchanged. Use it after Stem. It is safe for concurrent use.
func Derived() Filter { return mapFilter(derivedNouns()) }

// Pertainym returns a filter that takes the stemmed adjective that pertains
// to a noun to the noun's stem ("economic" → "economy", "bacterial" →
// "bacteria", "presidential" → "president"), so that "How did the economy
// grow?" finds "economic growth"; and an adjective made from a noun to the
// noun ("famous" → "fame", "violent" → "violence"). Only adjectives that
// begin with the same four letters as their noun are taken (three for one
// made from it): not "dental" ("tooth"), and not "viral" ("virus"), which
// cost covidqa more than it found. Other terms pass unchanged. Use it after
// Stem. It is safe for concurrent use.
func Pertainym() Filter { return mapFilter(pertainyms()) }

// mapFilter is the filter that takes the keys of m to their values.
func mapFilter(m map[string]string) Filter {
	return func(t string) string {
		if p, ok := m[t]; ok {
			return p
		}
		return t
	}
}

// demonyms, derivedNouns and pertainyms are their tables as stemmed word → stemmed base,
// read on first use (English is called for every analyzer).
var (
	demonyms     = sync.OnceValue(func() map[string]string { return stemPairs(demonymTable) })
	derivedNouns = sync.OnceValue(func() map[string]string { return stemPairs(derivedTable) })
	pertainyms   = sync.OnceValue(func() map[string]string { return stemPairs(pertainymTable) })
)

// stemPairs reads a table of "word base" lines (# starts a comment) as
// stemmed word → stemmed base.
func stemPairs(table string) map[string]string {
	m := map[string]string{}
	for line := range strings.Lines(table) {
		if f := strings.Fields(line); len(f) == 2 && !strings.HasPrefix(line, "#") {
			m[Stem(f[0])] = Stem(f[1])
		}
	}
	return m
}
