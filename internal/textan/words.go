package textan

import (
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run ./internal/gen -wordnet /usr/share/wordnet -words words.txt.gz

// wordsGz is the Snowball stems of WordNet 3.0's one-word lemmas and their
// irregular forms, one a line. internal/gen writes it.
//
//go:embed words.txt.gz
var wordsGz []byte

// englishStems is wordsGz as a set, read on first use.
var englishStems = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for line := range strings.Lines(gunzip("words", wordsGz)) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
})

// IsEnglish reports whether word is an English word that WordNet knows, in
// any inflection ("geese", "attacked", "cyberattack"), or a stop word. It
// is safe for concurrent use.
func IsEnglish(word string) bool {
	f := Fold(word)
	return IsStop(f) || englishStems()[Stem(f)]
}
