package textan

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"strings"
	"sync"
)

//go:generate go run ./internal/gen -wordnet /usr/share/wordnet -out synonyms.txt.gz

// synonymsGz is the WordNet synonym table: one line per term, the term then
// its synonyms, all as English terms. internal/gen writes it.
//
//go:embed synonyms.txt.gz
var synonymsGz []byte

// Synonyms maps a term to terms of the same meaning in some of its most
// frequent senses ("thwart" → "foil", "frustrat", ...). A nil *Synonyms
// has none. It is safe for concurrent use.
type Synonyms struct {
	m map[string][]string
}

// Lookup returns the synonyms of term (an English term, as Terms gives
// it), or nil.
func (s *Synonyms) Lookup(term string) []string {
	if s == nil {
		return nil
	}
	return s.m[term]
}

// ParseSynonyms reads a table of lines "term synonym synonym...";
// lines starting with # are comments.
func ParseSynonyms(text string) *Synonyms {
	s := &Synonyms{m: map[string][]string{}}
	for line := range strings.Lines(text) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) > 1 {
			s.m[f[0]] = f[1:len(f):len(f)]
		}
	}
	return s
}

// WordNet returns the synonyms of English terms taken from WordNet 3.0
// (internal/gen says which), read from the embedded table on first use.
var WordNet = sync.OnceValue(func() *Synonyms { return ParseSynonyms(gunzip("synonyms", synonymsGz)) })

// gunzip returns the text of an embedded gzipped table; the table is part
// of the build, so a broken one is a programming error.
func gunzip(name string, gz []byte) string {
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		panic("textan: embedded " + name + ": " + err.Error())
	}
	b, err := io.ReadAll(r)
	if err != nil {
		panic("textan: embedded " + name + ": " + err.Error())
	}
	return string(b)
}
