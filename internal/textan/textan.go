// Package textan is storybot's English text analysis: it turns text into the
// terms that the search index stores and queries with.
//
// The pipeline is a chain of small stages, in the spirit of bleve's analysis
// package: a Unicode-aware tokenizer (letters and digits; apostrophes inside
// words, curly ones included, join; "3,000" and "2.5" stay one number;
// "co-infection" and "coinfection" are one word),
// case folding, diacritic folding (Durrës → durres, through
// golang.org/x/text), Greek letters spelt out (TNF-α → tnf alpha),
// possessive removal (Iran’s → iran), ordinals written with digits reduced
// to the number (11th → 11), stop words and Snowball English stemming
// (github.com/kljensen/snowball).
//
// WordNet gives synonyms of its terms (synonyms.go), which the offline
// answer reads; the index does not.
//
// An Analyzer is safe for concurrent use.
package textan

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// Token is one word of a text as it was found, before folding.
type Token struct {
	Text  string // the word as written, apostrophes included
	Start int    // byte offset in the analyzed text
	End   int    // byte offset just past the word
}

// Filter is one token-filter stage: it maps a folded term to another term,
// or to "" to drop it.
type Filter func(term string) string

// Analyzer turns text into index terms. The zero value is not usable; use
// English or New.
type Analyzer struct {
	filters []Filter
	drop    func(word string) bool // a word, as written, that gives no term
	cache   termCache
}

// maxCache bounds the term cache so that endless distinct queries cannot grow
// it without limit.
const maxCache = 1 << 20

// Version changes whenever English gives other terms for the same text, so
// that an index saved by an older version is rebuilt instead of served.
// 2: irregular verbs at their base form (Irregular).
// 3: adjectives of places at their place (Demonym).
// 4: nouns of people who do a verb at the verb (Agent).
// 5: contractions without their apostrophe are stop words ("whats", "dont").
// 6: nouns of -ship at their noun (Derived: "relationship" → "relation").
// 7: "us" written in lower case is the pronoun, a stop word ("US" is kept).
// 8: relational adjectives at their noun (Pertainym: "economic" → "economy").
// 9: adjectives made from a noun at the noun too (Pertainym: "famous" → "fame").
// 10: old spellings closed ("to-morrow" → "tomorrow", "good-bye" → "goodbye").
const Version = 10

// English returns the analyzer storybot indexes with: lower-case and
// diacritic folding, possessives removed, English stop words dropped,
// irregular verbs and a few derived nouns at their base form ("went" → "go",
// "deaths" → "die"), Snowball stemming, adjectives of places at their
// place ("Iranian" → "iran"), adjectives that pertain to a noun at the
// noun ("economic" → "economy") and nouns of people who do a verb at the
// verb ("hackers" → "hack"). "us" is the pronoun, a stop word, unless written
// in capitals: "sell it back to us" does not name the US.
func English() *Analyzer {
	a := New(Greek, Possessive, Ordinal, StopWords, Irregular(), Stem, Demonym(), Pertainym(), Derived())
	a.drop = pronounUs
	return a
}

// pronounUs reports whether word is "us" written as the pronoun.
func pronounUs(word string) bool { return word == "us" || word == "Us" }

// New returns an analyzer that folds case and diacritics and then applies the
// given filters in order.
func New(filters ...Filter) *Analyzer {
	return &Analyzer{filters: filters}
}

// Terms returns the index terms of text in order; stop words and punctuation
// give no terms.
func (a *Analyzer) Terms(text string) []string {
	var out []string
	a.Each(text, func(term string, _ Token) { out = append(out, term) })
	return out
}

// Each calls fn for every term of text, with the token it came from, in
// order. Dropped tokens (stop words) are not reported.
func (a *Analyzer) Each(text string, fn func(term string, tok Token)) {
	Tokenize(text, func(tok Token) {
		if t := a.Term(tok.Text); t != "" {
			fn(t, tok)
		}
	})
}

// Term analyzes one word as written and returns its term, or "" when the
// word is dropped.
func (a *Analyzer) Term(word string) string {
	if t, ok := a.cache.get(word); ok {
		return t
	}
	t := Fold(word)
	if a.drop != nil && a.drop(word) {
		t = ""
	}
	for _, f := range a.filters {
		if t == "" {
			break
		}
		t = f(t)
	}
	a.cache.put(word, t)
	return t
}

// termCache maps words as written to their terms for an Analyzer. Reads,
// by far the most common, look in an immutable map published through an
// atomic pointer: a plain map lookup, without locks or the interface
// hashing of sync.Map. New words wait in a small map under a mutex and
// are merged into a new snapshot once they reach a quarter of it, so the
// copying stays proportional to the number of words cached. It holds at
// most maxCache words.
type termCache struct {
	snap    atomic.Pointer[map[string]string]
	mu      sync.Mutex
	pending map[string]string
}

func (c *termCache) get(word string) (string, bool) {
	if m := c.snap.Load(); m != nil {
		if t, ok := (*m)[word]; ok {
			return t, true
		}
	}
	c.mu.Lock()
	t, ok := c.pending[word]
	c.mu.Unlock()
	return t, ok
}

func (c *termCache) put(word, term string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var snap map[string]string
	if m := c.snap.Load(); m != nil {
		snap = *m
	}
	if len(snap)+len(c.pending) >= maxCache {
		return
	}
	if c.pending == nil {
		c.pending = map[string]string{}
	}
	c.pending[strings.Clone(word)] = term
	if len(c.pending) < max(64, len(snap)/4) {
		return
	}
	next := make(map[string]string, len(snap)+len(c.pending))
	for w, t := range snap {
		next[w] = t
	}
	for w, t := range c.pending {
		next[w] = t
	}
	c.snap.Store(&next)
	clear(c.pending)
}

// isApos reports whether r is an apostrophe: ASCII, right single quotation
// mark (’), modifier letter apostrophe (ʼ) or prime-like marks people type.
func isApos(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '‘' || r == '`' || r == '´'
}

func isWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isASCIIWord is isWord for an ASCII byte: a letter or a digit.
func isASCIIWord(c byte) bool {
	return c-'a' < 26 || c-'A' < 26 || c-'0' < 10
}

// Tokenize calls fn for every word of text: a run of letters and digits, in
// which an apostrophe between letters ("Iran’s", "don't"), a comma or
// period between digits ("3,000", "2.5") and the hyphen after one of
// prefixes ("co-infection") do not break the word.
//
// ASCII bytes are classified without decoding or Unicode tables; other
// characters go through utf8 and package unicode.
func Tokenize(text string, fn func(Token)) {
	i := 0
	n := len(text)
	for i < n {
		var r rune
		size := 1
		if c := text[i]; c < utf8.RuneSelf {
			if !isASCIIWord(c) {
				i++
				continue
			}
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(text[i:])
			if !isWord(r) {
				i += size
				continue
			}
		}
		start := i
		prev := r
		i += size
		for i < n {
			if c := text[i]; c < utf8.RuneSelf {
				if isASCIIWord(c) {
					prev = rune(c)
					i++
					continue
				}
				r, size = rune(c), 1
			} else {
				r, size = utf8.DecodeRuneInString(text[i:])
				if isWord(r) {
					prev = r
					i += size
					continue
				}
			}
			// a joiner between two word characters of the right kind
			if i+size < n {
				next, _ := utf8.DecodeRuneInString(text[i+size:])
				if r == '-' && i-start <= maxPrefix && unicode.IsLetter(next) && (prefixes[strings.ToLower(text[start:i])] || closedCompound(text[start:], i-start)) {
					prev = r
					i += size
					continue
				}
				if isApos(r) && unicode.IsLetter(prev) && unicode.IsLetter(next) {
					prev = r
					i += size
					continue
				}
				if (r == ',' || r == '.') && unicode.IsDigit(prev) && unicode.IsDigit(next) {
					prev = r
					i += size
					continue
				}
			}
			break
		}
		if n := separablePrefix(text[start:i]); n > 0 {
			fn(Token{Text: text[start : start+n], Start: start, End: start + n})
			start += n
		}
		fn(Token{Text: text[start:i], Start: start, End: i})
	}
}

// separable are combining forms written closed, hyphenated or open alike
// ("cyberattack", "cyber-attack", "cyber attack"): the tokenizer splits
// them from the word they start, so that all three spellings give the same
// two terms and "attack" finds "cyberattack".
var separable = []string{"cyber"}

// minSeparated is the shortest rest of a word that a separable combining
// form is split from ("cyberattack", but not "cybers").
const minSeparated = 4

// separablePrefix returns the length of the separable combining form that
// word starts with (ASCII, any case), or 0.
func separablePrefix(word string) int {
	for _, p := range separable {
		if len(word) >= len(p)+minSeparated && strings.EqualFold(word[:len(p)], p) && isASCIIWord(word[len(p)]) && !isDigitByte(word[len(p)]) {
			return len(p)
		}
	}
	return 0
}

func isDigitByte(c byte) bool { return c-'0' < 10 }

// prefixes are the English prefixes that are written with or without a
// hyphen ("co-infection", "coinfection"): the tokenizer joins such a prefix
// to the word after its hyphen, and Fold drops the hyphen, so both spellings
// give one term. Other hyphens separate words ("SARS-CoV", "pro-democratic").
var prefixes = map[string]bool{
	"anti": true, "co": true, "counter": true, "extra": true, "hyper": true,
	"hypo": true, "inter": true, "intra": true, "macro": true, "micro": true,
	"multi": true, "non": true, "post": true, "pre": true, "pseudo": true,
	"re": true, "semi": true, "sub": true, "super": true, "trans": true,
	"ultra": true,
}

// closedCompounds are the words old texts write with a hyphen that are one
// word now ("to-morrow", "good-bye") or a greeting ("Good-day", no day).
var closedCompounds = map[string]bool{
	"to-day": true, "to-morrow": true, "to-night": true, "good-bye": true, "good-day": true,
	"good-night": true, "good-morning": true, "good-evening": true,
}

// closedCompound reports whether text, a word whose hyphen stands at
// offset hyphen, starts with one of closedCompounds, a whole word: its
// hyphen joins.
func closedCompound(text string, hyphen int) bool {
	end := hyphen + 1
	for end < len(text) && (text[end] >= 'a' && text[end] <= 'z' || text[end] >= 'A' && text[end] <= 'Z') {
		end++
	}
	return (end == len(text) || !isASCIIWord(text[end])) && closedCompounds[strings.ToLower(text[:end])]
}

// maxPrefix is the length of the longest of prefixes.
const maxPrefix = len("counter")

// Fold lower-cases word, removes diacritics (Durrës → durres), normalizes
// apostrophes to ASCII and drops hyphens ("co-infection" → "coinfection")
// and the thousands separators of numbers ("3,000" → "3000").
func Fold(word string) string {
	ascii := true
	for i := 0; i < len(word); i++ {
		if word[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if strings.IndexByte(word, '-') >= 0 {
		word = strings.ReplaceAll(word, "-", "")
	}
	if ascii {
		if strings.IndexByte(word, ',') >= 0 {
			word = strings.ReplaceAll(word, ",", "")
		}
		for i := 0; i < len(word); i++ {
			if c := word[i]; c >= 'A' && c <= 'Z' {
				return strings.ToLower(word)
			}
		}
		return word
	}
	var b strings.Builder
	b.Grow(len(word))
	for _, r := range norm.NFD.String(word) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case isApos(r):
			b.WriteByte('\'')
		case r == ',':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return norm.NFC.String(b.String())
}

// CutPossessive splits a word as written into its base and its possessive
// ending ("Albnia’s": "Albnia", "’s"), if it has one; else w and "".
func CutPossessive(w string) (base, end string) {
	for _, end := range []string{"'s", "’s", "'S", "’S"} {
		if base, ok := strings.CutSuffix(w, end); ok && base != "" {
			return base, end
		}
	}
	return w, ""
}

// Possessive removes a trailing "'s" or "'" and the apostrophes left inside
// a word ("iran's" → "iran", "don't" → "dont").
func Possessive(t string) string {
	if strings.IndexByte(t, '\'') < 0 {
		return t
	}
	t = strings.TrimSuffix(t, "'s")
	return strings.ReplaceAll(t, "'", "")
}

// greekNames are the English names of the lower-case Greek letters but mu,
// which is mostly the micro sign of units (μg, μl).
var greekNames = map[rune]string{
	'α': "alpha", 'β': "beta", 'γ': "gamma", 'δ': "delta", 'ε': "epsilon",
	'ζ': "zeta", 'η': "eta", 'θ': "theta", 'ι': "iota", 'κ': "kappa",
	'λ': "lambda", 'ν': "nu", 'ξ': "xi", 'ο': "omicron", 'π': "pi",
	'ρ': "rho", 'σ': "sigma", 'ς': "sigma", 'τ': "tau", 'υ': "upsilon",
	'φ': "phi", 'χ': "chi", 'ψ': "psi", 'ω': "omega",
}

// Greek spells out the Greek letters of a folded word in English, as
// scientific text writes them either way: TNF-α and TNF-alpha, IL-1β and
// IL-1beta ("α" → "alpha", "1β" → "1beta"). Mu is left alone.
func Greek(t string) string {
	i := 0
	for i < len(t) && t[i] < utf8.RuneSelf {
		i++
	}
	if i == len(t) {
		return t
	}
	var b strings.Builder
	changed := false
	for _, r := range t {
		if name, ok := greekNames[r]; ok {
			b.WriteString(name)
			changed = true
			continue
		}
		b.WriteRune(r)
	}
	if !changed {
		return t
	}
	return b.String()
}

// Ordinal reduces an ordinal number written with digits to the number, so
// that "March 11th" and "11 March", "the 20th century" and "20 century"
// meet ("11th" → "11", "1st" → "1"); other words are returned unchanged.
func Ordinal(t string) string {
	n := len(t)
	if n < 3 || !isASCIIDigit(t[0]) || !isASCIIDigit(t[n-3]) {
		return t
	}
	switch t[n-2:] {
	case "st", "nd", "rd", "th":
	default:
		return t
	}
	for i := 0; i < n-2; i++ {
		if !isASCIIDigit(t[i]) {
			return t
		}
	}
	return t[:n-2]
}

func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }

// extraStop are words that carry no topic in questions, on top of Snowball's
// English list.
var extraStop = func() map[string]bool {
	m := map[string]bool{
		"would": true, "could": true, "also": true, "may": true, "might": true,
		"must": true, "shall": true, "whose": true, "yet": true,
		"upon": true, "within": true, "among": true, "s": true,
		"many": true, "much": true, // the frame of "how many", "how much" questions
	}
	for _, w := range strings.Fields(contractions) {
		m[w] = true
	}
	return m
}()

// contractions are the stop words that chat writes without their
// apostrophe ("whats this story about", "dont"), the contractions whose
// apostrophe folding removes ("don't" → "dont") and chat's spellings ("can
// u explain"): without it they were topic words no document holds.
const contractions = `whats thats whos wheres hows whens whys heres theres dont doesnt didnt isnt arent wasnt werent
cant couldnt wouldnt shouldnt wont havent hasnt hadnt im ive youre youve theyre theyve weve hes shes itll thatll
whyd howd whod whatd whered whend whatre whove
u ur ya yall gonna wanna gotta kinda sorta lemme gimme dunno tho rly pls plz btw idk imo yo fr ngl tbh bruh omg lol lmao lmfao rofl ok okay`

// IsStop reports whether the folded word t is an English stop word.
func IsStop(t string) bool {
	return english.IsStopWord(t) || extraStop[t]
}

// StopWords drops English stop words.
func StopWords(t string) string {
	if IsStop(t) {
		return ""
	}
	return t
}

// Stem reduces a word to its Snowball English stem; numbers and very short
// words are kept as they are.
func Stem(t string) string {
	if len(t) < 3 {
		return t
	}
	if c := t[0]; c >= '0' && c <= '9' {
		return t
	}
	return english.Stem(t, true)
}

// Names calls fn with each word of text (Tokenize) and whether it is a
// name: written with a capital inside a sentence ("Albania" in "a
// cyberattack on Albania"), not after a sentence's end, a colon or a quote
// mark, where any word takes one.
func Names(text string, fn func(t Token, name bool)) {
	prev := 0
	Tokenize(text, func(t Token) {
		inside := prev > 0 && !strings.ContainsAny(text[prev:t.Start], ".!?:;\n“”\"")
		prev = t.End
		fn(t, inside && Capitalized(t.Text))
	})
}

// Capitalize returns w with its first letter a capital.
func Capitalize(w string) string {
	r, n := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[n:]
}

// Capitalized reports whether w starts with a capital letter.
func Capitalized(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}
