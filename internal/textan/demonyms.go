package textan

import (
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run ./internal/gen -wordnet /usr/share/wordnet -demonyms demonyms.txt

// demonymTable is WordNet's adjectives of places with their places, one
// "adjective place" a line, lower-cased. internal/gen writes it.
//
//go:embed demonyms.txt
var demonymTable string

// Demonym returns a filter that takes the stemmed adjective of a place to
// the stemmed place ("iranian" → "iran", "albanian" → "albania"), so that
// "Iranian agents" answers a question about Iran; other terms pass
// unchanged. Use it after Stem. It is safe for concurrent use.
func Demonym() Filter {
	m := demonyms()
	return func(t string) string {
		if p, ok := m[t]; ok {
			return p
		}
		return t
	}
}

// demonyms is demonymTable as stemmed adjective → stemmed place, read on
// first use (English is called for every analyzer).
var demonyms = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for line := range strings.Lines(demonymTable) {
		if f := strings.Fields(line); len(f) == 2 && !strings.HasPrefix(line, "#") {
			m[Stem(f[0])] = Stem(f[1])
		}
	}
	return m
})
