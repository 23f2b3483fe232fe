package textan

import (
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run ./internal/gen -wordnet /usr/share/wordnet -demonyms demonyms.txt
//go:generate go run ./internal/gen -wordnet /usr/share/wordnet -agents agents.txt

// demonymTable is WordNet's adjectives of places with their places, one
// "adjective place" a line, lower-cased. internal/gen writes it.
//
//go:embed demonyms.txt
var demonymTable string

// agentTable is WordNet's nouns of people who do a verb with the verb, one
// "noun verb" a line ("hacker hack"). internal/gen writes it.
//
//go:embed agents.txt
var agentTable string

// Demonym returns a filter that takes the stemmed adjective of a place to
// the stemmed place ("iranian" → "iran", "albanian" → "albania"), so that
// "Iranian agents" answers a question about Iran; other terms pass
// unchanged. Use it after Stem. It is safe for concurrent use.
func Demonym() Filter { return mapFilter(demonyms()) }

// Agent returns a filter that takes the stemmed noun of a person who does
// something to the stemmed verb ("hacker" → "hack", "killer" → "kill"),
// so that "What did the hackers do?" finds "hack into state records"; other
// terms pass unchanged. Snowball already stems most such nouns with their
// verb ("attacker"); these are the short verbs it does not. Use it after
// Stem. It is safe for concurrent use.
func Agent() Filter { return mapFilter(agents()) }

// mapFilter is the filter that takes the keys of m to their values.
func mapFilter(m map[string]string) Filter {
	return func(t string) string {
		if p, ok := m[t]; ok {
			return p
		}
		return t
	}
}

// demonyms and agents are their tables as stemmed word → stemmed base,
// read on first use (English is called for every analyzer).
var (
	demonyms = sync.OnceValue(func() map[string]string { return stemPairs(demonymTable) })
	agents   = sync.OnceValue(func() map[string]string { return stemPairs(agentTable) })
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
