// Package spell corrects the misspelt words of a question to the words of
// the knowledge folder: "why did albnia cut ties" is asked as "why did
// albania cut ties". A word is corrected only when neither the documents nor
// English (textan.IsEnglish) know it, and a document word is one edit away
// (a letter added, dropped, changed, or two swapped; two edits for words of
// eight letters or more; for words of four letters only a swap), and one of
// the word's first two letters stands first or second in it (a typo seldom
// hits both, and the check spares most comparisons). Shorter
// words, acronyms and words with capitals inside ("COPD", "HAdV") are left
// as they are, and a name the question writes with a capital is read only
// as a name the documents write with one ("Albnia" as "Albania", not
// "Tran" as "than"). Distance, the edit distance, is the project's one: the
// search index's term correction and the summaries' "closest document
// names" use it too.
//
// Beyond typos, a word is read as what the documents write for it: an
// acronym they do not write as the name they write out with its initials
// ("PMOI"), a name WordNet knows that they do not mention as another name
// of it they write ("america" as "United States"). Mentions tells whether
// they mention a name in any of these forms.
package spell

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/antzucaro/matchr"

	"storybot/internal/knowledge"
	"storybot/internal/textan"
)

// minLetters is the length of the shortest word corrected.
const minLetters = 4

// Fix is one corrected word: as the question wrote it and as it was read.
type Fix struct {
	From string `json:"from"` // as the question wrote it
	To   string `json:"to"`   // the documents' word it was read as
}

// Speller holds the words of a set of documents. It is safe for concurrent
// use.
type Speller struct {
	count  map[string]int      // folded word → occurrences
	byLen  map[int][]word      // the words by their length in runes
	names  map[string]bool     // folded words written with a capital inside a sentence
	stems  map[int][]word      // the words' Snowball stems by their length in runes
	formOf map[string]string   // a stem → its most frequent word
	joined map[string]string   // a hyphenated word without its hyphens → the word ("koko" → "ko-ko")
	spaced map[string]string   // an English word that two adjacent words spell → the two words ("snowman" → "Snow Man")
	terms  map[string]bool     // the words' textan.English terms ("russian" → "russia")
	inits  map[string]string   // the initials of names written out → the name ("un" → "United Nations")
	named  map[string]string   // a folded word the documents write as a name → as written ("us" → "US")
	phrase map[string]bool     // the WordNet phrases the documents write, by textan.PhraseKey ("bad luck")
	sounds map[string][]string // a Double Metaphone code of minSoundCode letters or more → the words that sound so (soundsLike)
	an     *textan.Analyzer
}

// hyphenated is a word of letters joined by hyphens ("Ko-ko", "Toad-Woman").
var hyphenated = regexp.MustCompile(`\pL+(?:-\pL+)+`)

// New returns a Speller of the words of docs (titles, headings and text).
func New(docs []*knowledge.Document) *Speller {
	s := &Speller{count: map[string]int{}, byLen: map[int][]word{}, names: map[string]bool{}, joined: map[string]string{},
		spaced: map[string]string{}, phrase: map[string]bool{}, terms: map[string]bool{}, inits: map[string]string{}, named: map[string]string{}, sounds: map[string][]string{}, an: textan.English()}
	written := map[string]bool{} // the words as written whose terms are in terms
	keys := textan.NewPhraseKeys()
	add := func(text string) {
		for _, h := range hyphenated.FindAllString(text, -1) {
			h = strings.ToLower(h) // Fold would join it
			s.joined[textan.Fold(strings.ReplaceAll(h, "-", ""))] = h
		}
		var before textan.Token
		textan.Names(text, func(t textan.Token, name bool) {
			s.addSpaced(text, before, t)
			s.addPhrase(keys, text, before, t)
			before = t
			if !written[t.Text] { // as written: "US" is the country, "us" no term
				written[t.Text] = true
				s.terms[s.an.Term(t.Text)] = true
			}
			w := textan.Possessive(textan.Fold(t.Text)) // "People’s" is "people"
			if !plainWord(w) {
				return
			}
			if name {
				s.names[w] = true
				if _, ok := s.named[w]; !ok {
					s.named[w], _ = textan.CutPossessive(t.Text)
				}
			}
			if s.count[w] == 0 {
				n := utf8.RuneCountInString(w)
				s.byLen[n] = append(s.byLen[n], word{w, []rune(w)})
				if code, _ := matchr.DoubleMetaphone(w); len(code) >= minSoundCode {
					s.sounds[code] = append(s.sounds[code], w)
				}
			}
			s.count[w]++
		})
	}
	for _, d := range docs {
		add(d.Title)
		for _, p := range d.Passages {
			add(p.Section)
			add(p.Text)
			s.addInitials(p.Text)
		}
	}
	s.stems, s.formOf = map[int][]word{}, map[string]string{}
	for w, n := range s.count {
		st := textan.Stem(w)
		f, ok := s.formOf[st]
		if !ok {
			s.stems[utf8.RuneCountInString(st)] = append(s.stems[utf8.RuneCountInString(st)], word{st, []rune(st)})
		}
		if !ok || n > s.count[f] || n == s.count[f] && w < f {
			s.formOf[st] = w
		}
	}
	return s
}

// minSpacedPart is the length of the shortest word of a compound written
// as two (spaced): "snow man", not "an other" or "to day".
const minSpacedPart = 3

// addSpaced records the compound that the word a and the word b after it
// in text spell together ("Snow Man": "snowman"), when only a space stands
// between them and English (WordNet) knows the compound: a question that
// writes it as one word ("what happens to the snowman?") is read as the
// documents write it.
func (s *Speller) addSpaced(text string, a, b textan.Token) {
	if a.End == 0 || text[a.End:b.Start] != " " {
		return
	}
	x, y := textan.Fold(a.Text), textan.Fold(b.Text)
	if utf8.RuneCountInString(x) < minSpacedPart || utf8.RuneCountInString(y) < minSpacedPart || !plainWord(x) || !plainWord(y) {
		return
	}
	if w := x + y; s.spaced[w] == "" {
		s.spaced[w] = text[a.Start:b.End] // "Snow Man", as written (a space between: above); read so only if English knows w (nearest: stemmed at question time, not for every pair)
	}
}

// addPhrase records the WordNet phrase (textan.Phrase) that the word a and
// the word b after it in text write ("bad luck"), when only a space stands
// between them.
func (s *Speller) addPhrase(keys *textan.PhraseKeys, text string, a, b textan.Token) {
	if a.End == 0 || text[a.End:b.Start] != " " {
		return
	}
	if k := keys.Key(a.Text, b.Text); textan.PhraseOf(k) != nil {
		s.phrase[k] = true
	}
}

// rephrase returns q with each WordNet phrase the documents never write,
// nor all its words, read as the first one-word lemma of its senses that
// they use in some form ("did the family have any more bad luck?" of a
// tale that says "no further misfortune happened": "misfortune"), and
// what it replaced.
func (s *Speller) rephrase(q string) (string, []Fix) {
	var toks []textan.Token
	textan.Tokenize(q, func(t textan.Token) { toks = append(toks, t) })
	var b strings.Builder
	var fixes []Fix
	last := 0
	for i := 0; i+1 < len(toks); i++ {
		x, y := toks[i], toks[i+1]
		if q[x.End:y.Start] != " " || textan.Capitalized(y.Text) || s.phrase[textan.PhraseKey(x.Text, y.Text)] || s.holds(x.Text) && s.holds(y.Text) { // not a name ("Bad Luck"); not when the documents hold its words ("what does MEK stand for?")
			continue
		}
		for _, w := range textan.Phrase(x.Text, y.Text) {
			if s.formOf[textan.Stem(w)] != "" {
				b.WriteString(q[last:x.Start])
				b.WriteString(w)
				last = y.End
				fixes = append(fixes, Fix{From: q[x.Start:y.End], To: w})
				i++
				break
			}
		}
	}
	if len(fixes) == 0 {
		return q, nil
	}
	b.WriteString(q[last:])
	return b.String(), fixes
}

// holds reports whether the documents hold the word w's term, or w is a
// stop word.
func (s *Speller) holds(w string) bool {
	t := s.an.Term(w)
	return t == "" || s.terms[t]
}

// runJoiners may stand between the words of a name ("Islamic Republic of
// Iran").
var runJoiners = map[string]bool{"of": true, "the": true, "and": true, "for": true}

// addInitials records the initials of the names text writes in words
// ("un" for "United Nations", "pmoi" for "People’s Mujahideen Organization
// of Iran"), and of each run of their words ("nsc" for "White House
// National Security Council"), so that a question may name them so;
// initials that two names share ("pm": "Prime Minister", "People’s
// Mujahideen") expand to neither. A name is words with a capital with
// only white space between them, runJoiners allowed.
func (s *Speller) addInitials(text string) {
	var run []string
	last := -1 // where the previous word ended
	flush := func() {
		for i := range run {
			for j := i + 2; j <= len(run); j++ {
				s.addInitialsOf(run[i:j])
			}
		}
		run = run[:0]
	}
	textan.Tokenize(text, func(t textan.Token) {
		next := last >= 0 && strings.TrimSpace(text[last:t.Start]) == ""
		r, _ := utf8.DecodeRuneInString(t.Text)
		switch {
		case unicode.IsUpper(r) && (next || len(run) == 0):
			run = append(run, t.Text)
		case next && len(run) > 0 && runJoiners[t.Text]:
			run = append(run, t.Text)
		default:
			flush()
			if unicode.IsUpper(r) {
				run = append(run, t.Text)
			}
		}
		last = t.End
	})
	flush()
}

// addInitialsOf records the initials of the name words write, unless it
// starts or ends with a stop word ("of Iran").
func (s *Speller) addInitialsOf(words []string) {
	if textan.IsStop(strings.ToLower(words[0])) || textan.IsStop(strings.ToLower(words[len(words)-1])) {
		return
	}
	in, name := textan.Initials(words), strings.Join(words, " ")
	if len(in) < 2 {
		return
	}
	s.terms[in] = true
	switch have, ok := s.inits[in]; {
	case !ok:
		s.inits[in] = name
	case have != name: // "UN": "United Nations" and "University of Nebraska"
		s.inits[in] = ""
	}
}

// capitalsInside reports whether w has a capital after its first letter
// ("COPD", "HAdV", "McDonald").
func capitalsInside(w string) bool {
	_, n := utf8.DecodeRuneInString(w)
	return strings.IndexFunc(w[n:], unicode.IsUpper) >= 0
}

// better reports whether the candidate f is a better reading of a typo
// than best, at the same distance: one as long as the typo or longer (a
// letter dropped, the commonest slip: "happend" is "happened", not
// "happen"), then the one the documents use more, then the first in
// order.
func better(f, best string, longer, bestLonger bool, count map[string]int) bool {
	if longer != bestLonger {
		return longer
	}
	return count[f] > count[best] || count[f] == count[best] && f < best
}

// word is a word of the documents, also as runes.
type word struct {
	s string
	r []rune
}

// plainWord reports whether w is made of letters only.
func plainWord(w string) bool {
	return w != "" && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) < 0
}

// Correct returns q with its misspelt words replaced by the documents'
// words nearest to them, and chat's informal words by the documents'
// words for them ("mom": "mother", formal), and what it replaced; q itself
// and nil when there is nothing to replace.
func (s *Speller) Correct(q string) (string, []Fix) {
	q, fixes := s.rephrase(q)
	var b strings.Builder
	last := 0
	first := true
	textan.Tokenize(q, func(t textan.Token) {
		name := !first && textan.Capitalized(t.Text)
		first = false
		from, end := textan.CutPossessive(t.Text) // "Albnia’s": "Albnia", then "’s"
		to := ""
		if !name { // "Lady Gaga" is a name, not a woman
			to = s.formal(from)
		}
		if to == "" {
			to = s.ordinal(from, q[:t.Start], q[t.End:])
		}
		if to == "" {
			to = s.nearest(from, name)
			if !name {
				to = s.pluralOf(textan.Fold(from), to)
			}
		}
		if to == "" {
			return
		}
		if textan.Capitalized(from) {
			to = textan.Capitalize(to)
		}
		b.WriteString(q[last:t.Start])
		b.WriteString(to + end)
		last = t.End
		fixes = append(fixes, Fix{From: from, To: to})
	})
	if len(fixes) == 0 {
		return q, nil
	}
	b.WriteString(q[last:])
	return b.String(), fixes
}

// pluralOf returns the documents' plural of to, the word typed w is read
// as, when w ends as a plural does and to does not: a child's "theifs" is
// the story's "thieves", not its "thief", one edit from the stem "theif"
// ("how many theifs were there" led with the one thief Morgiana kills);
// else to.
func (s *Speller) pluralOf(w, to string) string {
	if to == "" || !strings.HasSuffix(w, "s") || strings.HasSuffix(w, "ss") || strings.HasSuffix(to, "s") {
		return to
	}
	for _, p := range []string{to + "s", to + "es", strings.TrimSuffix(to, "f") + "ves", strings.TrimSuffix(to, "fe") + "ves", strings.TrimSuffix(to, "y") + "ies"} {
		if p != to && s.count[p] > 0 {
			return p
		}
	}
	return to
}

// formal returns the documents' word for chat's informal word (a child's
// "mom" is a tale's "mother": textan.Formal), or for a noun of one sense
// (textan.SameSense: "xmas" is a tale's "Christmas", "doorway" its
// "threshold"), when they hold it and not the word itself, else "".
func (s *Speller) formal(w string) string {
	if s.terms[s.an.Term(w)] {
		return ""
	}
	for _, f := range textan.Formal(w) {
		if s.count[f] > 0 {
			return f
		}
	}
	for _, f := range textan.SameSense(w) { // "xmas" for a tale's "Christmas"
		if n := s.named[f]; n != "" {
			return n
		}
		if s.count[f] > 0 {
			return f
		}
	}
	return ""
}

// Mentions reports whether the documents hold word in some form: as the
// index reads it ("Russia" in "Russian forces"), as the initials of a name
// they write in words ("UN", "United Nations"), shortened ("Jan." for
// January, "Yama" for Yamato), or spelt otherwise, as nearest would
// correct it ("Tehran" for the story's "Teheran", though English knows
// both), or by another name WordNet gives it ("America" in a story of the
// US, "Persia" in one of Iran); a stop word is held.
func (s *Speller) Mentions(word string) bool {
	return s.mentions(word) || slices.ContainsFunc(s.aliasesOf(word), s.mentionsAll)
}

// aliasesOf returns the other names WordNet gives the name word, or those
// of its term ("Americans": America's).
func (s *Speller) aliasesOf(word string) []string {
	if a := textan.NameAliases(word); a != nil {
		return a
	}
	return textan.NameAliases(s.an.Term(word))
}

// alias returns, for a name WordNet knows that the documents do not
// mention, the other name of it that they write as a name, as they write
// it: "United States" for "america", "Iran" for "persia" (a name written
// out before one word); "" when there is none.
func (s *Speller) alias(word string) string {
	if !textan.IsName(word) || s.terms[s.an.Term(word)] { // "tehran" for the story's "Teheran", which mentions counts as held
		return ""
	}
	var one string
	for _, a := range s.aliasesOf(word) {
		words := strings.Fields(a)
		if len(words) > 1 {
			if name := s.inits[textan.Initials(words)]; name != "" && strings.EqualFold(strings.Join(stopless(strings.Fields(name)), " "), strings.Join(stopless(words), " ")) {
				return name
			}
			continue
		}
		if n := s.named[a]; one == "" && n != "" {
			one = n
		}
	}
	return one
}

// stopless returns words without their stop words.
func stopless(words []string) []string {
	return slices.DeleteFunc(slices.Clone(words), func(w string) bool { return textan.IsStop(strings.ToLower(w)) })
}

// mentionsAll reports whether the documents hold every word of name that
// is no stop word ("united states": "united" and "states"), each in some
// form.
func (s *Speller) mentionsAll(name string) bool {
	words := 0
	for _, w := range strings.Fields(name) {
		if textan.IsStop(w) {
			continue
		}
		words++
		if !s.mentions(w) {
			return false
		}
	}
	return words > 0
}

// mentions is Mentions without the name's aliases.
func (s *Speller) mentions(word string) bool {
	t := s.an.Term(word)
	if t == "" || s.terms[t] || s.terms[strings.ToLower(word)] { // the latter: initials ("UN")
		return true
	}
	w := textan.Fold(word)
	if !plainWord(w) {
		return false
	}
	for c := range s.count { // shortened: "Jan." for January, "Yama" for Yamato
		if len(c) >= minShort && strings.HasPrefix(w, c) || len(w) >= minShort && strings.HasPrefix(c, w) {
			return true
		}
		if len(w) >= minShort && strings.HasSuffix(c, w) && namePrefixes[c[:len(c)-len(w)]] { // "transatlantic" holds the Atlantic
			return true
		}
	}
	maxEdits := 1
	if utf8.RuneCountInString(w) >= 8 {
		maxEdits = 2
	}
	return s.closest(w, s.byLen, maxEdits, false, false, func(c string) string { return c }) != ""
}

// namePrefixes make a word of a name: "transatlantic", "pan-African"
// written as one word, "antiamerican".
var namePrefixes = map[string]bool{"trans": true, "pan": true, "anti": true, "pro": true, "non": true, "pre": true, "post": true,
	"sub": true, "inter": true, "intra": true, "mid": true, "neo": true, "ex": true, "un": true}

// minShort is the length of the shortest word Mentions takes for a name
// shortened ("Jan").
const minShort = 3

// IsName reports whether the documents write word with a capital inside a
// sentence ("albania": "a cyberattack on Albania"), in any case.
func (s *Speller) IsName(word string) bool {
	return s.names[textan.Possessive(textan.Fold(word))]
}

// nearest returns the documents' word that word misspells, or "" when
// word is no misspelling (the documents or English know it, or it is
// short, an acronym or not a plain word) or when no word is near enough;
// a name (written with a capital, not first) is read only as a name. Of
// the nearest, the most frequent wins, then the first in alphabetical
// order.
func (s *Speller) nearest(word string, name bool) string {
	w := textan.Fold(word)
	n := utf8.RuneCountInString(w)
	if word == strings.ToUpper(word) && n >= 2 && s.count[w] == 0 && s.inits[w] != "" { // "PMOI": "People’s Mujahideen Organization of Iran"
		return s.inits[w]
	}
	if a := s.alias(word); a != "" { // "america" in a story of the US
		return a
	}
	if !name { // "axe" for the story's "ax"
		if v := s.variant(w); v != "" {
			return v
		}
	}
	if n < minLetters || !plainWord(w) || capitalsInside(word) || s.count[w] > 0 {
		return ""
	}
	if h, ok := s.joined[w]; ok && !timeWord(w) { // "koko" for the story's "Ko-ko", "fireball" for its "fire-ball" (not "today" for an old "to-day": todayRe reads the word)
		return h
	}
	if sp, ok := s.spaced[w]; ok && textan.IsEnglish(w) { // "snowman" for the story's "Snow Man" (not when the documents write it as one word too: count above)
		return sp
	}
	if !name && textan.IsName(w) && !s.mentions(w) { // "who did he mary": a name the documents never write, typed in lower case, is their "marry" with a letter typed once
		if d := s.doubledOf(w); s.count[d] > 0 {
			return d
		}
	}
	if textan.IsEnglish(w) { // a word the documents never use, two letters from theirs swapped: "soliders" (solid) for "soldiers"
		if n >= minSwapLetters && !s.terms[s.an.Term(w)] && !regularForm(w) { // not "scared" for a tale's "sacred"
			return s.swapOf(w)
		}
		return ""
	}
	if d := s.doubledOf(w); d != "" && !name { // "quen" for "queen", "realy" for "really": a doubled letter typed once, not the documents' "replied" one edit from its stem
		return d
	}
	maxEdits := 1
	if n >= 8 {
		maxEdits = 2
	}
	if best := s.closest(w, s.byLen, maxEdits, name, false, func(c string) string { return c }); best != "" || n == minLetters {
		return best
	}
	if best := s.closest(w, indefinites, 1, false, true, func(c string) string { return c }); best != "" { // "anythng": chat's word, not one of the documents'
		return best
	}
	// Near no word of the documents, the word may be one edit from another
	// form of one, as their stems are: "beleve" ("belev") and "believed"
	// ("believ"), with the same first letter. Two edits between stems
	// joined "everyone" to "everything", another first letter "didthe" to
	// "width".
	if best := s.closest(textan.Stem(w), s.stems, 1, name, true, func(st string) string { return s.formOf[st] }); best != "" || name {
		return best
	}
	return s.soundsLike(w)
}

// minSoundCode is the length of the shortest Double Metaphone code that
// soundsLike reads: two letters sound like too many words ("muny": MN is
// "man", "many", "mine" and "money").
const minSoundCode = 3

// soundsLike returns the documents' word that w spells by its sound, as a
// child types ("midnite" for "midnight", "bukweets" for "buckwheat's",
// "prins" for "prince", "feelds" for "fields"): of their words with the
// same first letter and the same Double Metaphone code (matchr), of
// minSoundCode letters or more, a length within three letters of w's and
// no more than a third of its letters and one apart, the nearest in
// letters, then the most frequent; "" when there is none.
func (s *Speller) soundsLike(w string) string {
	code, _ := matchr.DoubleMetaphone(w)
	if base, ok := strings.CutSuffix(w, "s"); ok && len(s.sounds[code]) == 0 { // "bukweets": "buckwheat", as a plural's stem reads
		code, _ = matchr.DoubleMetaphone(base)
	}
	if len(code) < minSoundCode {
		return ""
	}
	n := utf8.RuneCountInString(w)
	best, bestDist := "", 0
	for _, c := range s.sounds[code] {
		m := utf8.RuneCountInString(c)
		if c[0] != w[0] || m < n-3 || m > n+3 {
			continue
		}
		d := Distance(w, c, n/3+1)
		if d > n/3+1 { // "sysadmin" sounds like "systems" but is four letters from it
			continue
		}
		if best == "" || d < bestDist || d == bestDist && (s.count[c] > s.count[best] || s.count[c] == s.count[best] && c < best) {
			best, bestDist = c, d
		}
	}
	return best
}

// doubledOf returns the English word that w is with one of its letters
// doubled ("queen" for "quen", "really" for "realy", "happen" for
// "hapen"), or "" when there is none. A doubled letter typed once is the
// commonest slip of a short word, and the word it spells is English
// whether or not the documents use it. Of two, the documents' word wins,
// then a doubled consonant ("stopped", not "stooped", for "stoped").
func (s *Speller) doubledOf(w string) string {
	if base, ok := strings.CutSuffix(w, "s"); ok && s.count[base] > 0 { // "pers" is Per's, not "peers"
		return ""
	}
	r := []rune(w)
	best := ""
	for i, c := range r {
		if i+1 < len(r) && r[i+1] == c || strings.ContainsRune("aiuy", c) { // "aa": doubling it again spells nothing; English doubles consonants, "e" and "o" ("hodliing" for "hodling" stems to a word)
			continue
		}
		d := string(r[:i+1]) + string(c) + string(r[i+1:])
		if !textan.IsEnglish(d) {
			continue
		}
		if s.count[d] > 0 {
			return d
		}
		if best == "" || !strings.ContainsRune("aeiou", c) && s.count[best] == 0 {
			best = d
		}
	}
	return best
}

// indefinites are the indefinite pronouns ("anything", "someone"), by
// their length in runes: a typo of one is read as it ("did iran say
// anythng?" was refused for a word no document holds) when no word of
// the documents is nearer.
var indefinites = func() map[int][]word {
	m := map[int][]word{}
	for _, p := range []string{"any", "some", "every", "no"} {
		for _, r := range []string{"thing", "one", "body", "where"} {
			w := p + r
			m[len(w)] = append(m[len(w)], word{w, []rune(w)})
		}
	}
	return m
}()

// timeWord reports whether w is a word of time that old texts hyphenate
// ("to-day", "to-morrow"): the question reads it as it is.
func timeWord(w string) bool {
	return w == "today" || w == "tomorrow" || w == "tonight"
}

// closest returns the word of words (by length in runes) at most maxEdits
// from w, as form gives it, or "": a name (see nearest) only among names,
// with w's first letter when sameFirst; of the nearest, the most frequent,
// then the first in alphabetical order.
func (s *Speller) closest(w string, words map[int][]word, maxEdits int, name, sameFirst bool, form func(string) string) string {
	wr := []rune(w)
	n := len(wr)
	if n < minLetters {
		return ""
	}
	best, bestEdits, bestLonger := "", maxEdits+1, false
	for l := n - maxEdits; l <= n+maxEdits; l++ {
		for _, c := range words[l] {
			// a typo keeps one of the first two letters near the start
			if !slices.Contains(wr[:2], c.r[0]) && !slices.Contains(wr[:2], c.r[1]) ||
				name && !s.names[form(c.s)] || n == minLetters && !swapped(wr, c.r) || sameFirst && c.r[0] != wr[0] {
				continue
			}
			f := form(c.s)
			d := distance(wr, c.r, min(bestEdits, maxEdits)) // exact up to the best so far
			if d <= maxEdits && (d < bestEdits || d == bestEdits && better(f, best, len(c.r) >= n, bestLonger, s.count)) {
				best, bestEdits, bestLonger = f, d, len(c.r) >= n
			}
		}
	}
	return best
}

// minSwapLetters is the length of the shortest English word that swapOf
// corrects: "from" is no typo of "form".
const minSwapLetters = 6

// regularForm reports whether w is its Snowball stem or the stem with a
// regular ending ("scared": "scare" + "d"; "walking"), a word English
// writes so, not a slip that merely stems to one ("soliders": "solid").
func regularForm(w string) bool {
	st := textan.Stem(w)
	for _, end := range []string{"", "s", "es", "d", "ed", "ing", "ly", "y", "e"} {
		if w == st+end {
			return true
		}
	}
	return false
}

// swapOf returns the documents' most frequent word that is w with two
// neighbouring letters swapped, or "".
func (s *Speller) swapOf(w string) string {
	r := []rune(w)
	best := ""
	for _, c := range s.byLen[len(r)] {
		if swapped(r, c.r) && !textan.IsStop(c.s) && (best == "" || s.count[c.s] > s.count[best]) {
			best = c.s
		}
	}
	return best
}

// variant returns the documents' word for the folded English word w when
// they write it otherwise: a WordNet synonym spelt within one letter of it,
// or two of a longer word (maxVariantEdits), from the same first letter and
// not only longer or shorter but for an "e" ("ax" for "axe", "gray" for
// "grey", "plow" for "plough", "recognised" for "recognize"); "" when they
// hold w or no such word. The index knows only the documents' spelling.
func (s *Speller) variant(w string) string {
	if s.count[w] > 0 || !plainWord(w) || !textan.IsEnglish(w) {
		return ""
	}
	t := s.an.Term(w)
	if t == "" || s.terms[t] {
		return ""
	}
	for _, syn := range textan.WordNet().Lookup(t) {
		v := s.formOf[syn]
		if v == "" || v[0] != w[0] {
			continue
		}
		if d := Distance(w, v, maxVariantEdits); d > maxVariantEdits || d == maxVariantEdits && len(w) < minVariantLetters {
			continue
		}
		short, long := v, w
		if len(short) > len(long) {
			short, long = long, short
		}
		if strings.HasPrefix(long, short) && long != short+"e" { // "woodsy" is no way to spell "wood", "ax" is one of "axe"
			continue
		}
		return v
	}
	return ""
}

// ordinal returns the documents' word for the ordinal w written in digits
// ("2nd": "second") when they write it so and never as w, and it is no
// date's day (a month just before or after it: "5th February", "June
// 3rd"); else "".
func (s *Speller) ordinal(w, before, after string) string {
	o := ordinalWords[w]
	if o == "" || s.count[w] > 0 || s.count[o] == 0 || monthBefore.MatchString(before) || monthAfter.MatchString(after) {
		return ""
	}
	return o
}

// monthBefore and monthAfter match a month name just before or after a
// word (ordinal).
const monthNames = `(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)`

var (
	monthBefore = regexp.MustCompile(`(?i)\b` + monthNames + `\.?\s*$`)
	monthAfter  = regexp.MustCompile(`(?i)^\s*(?:of\s+)?` + monthNames + `\b`)
)

// ordinalWords are chat's ordinals in digits, as a story writes them.
var ordinalWords = map[string]string{"1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth",
	"6th": "sixth", "7th": "seventh", "8th": "eighth", "9th": "ninth", "10th": "tenth"}

// maxVariantEdits is how far a spelling variant may stand from the word
// (variant): "plough" and "plow" are two apart; minVariantLetters is how
// long a word must be for that ("male" is not "man").
const (
	maxVariantEdits   = 2
	minVariantLetters = 5
)

// swapped reports whether b is a with two neighbouring letters swapped.
func swapped(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && slices.Equal(a[i+2:], b[i+2:])
}

// Distance is the optimal string alignment distance of a and b in runes
// (insertions, deletions, substitutions and swaps of two neighbours), or
// max+1 as soon as it must exceed max.
func Distance(a, b string, max int) int {
	if a == b {
		return 0
	}
	if ascii(a) && ascii(b) {
		return distance([]byte(a), []byte(b), max)
	}
	return distance([]rune(a), []rune(b), max)
}

// distance is Distance over bytes or runes. Words up to 31 letters use rows
// on the stack: the speller calls it for many candidates a question.
func distance[T byte | rune](a, b []T, max int) int {
	if abs(len(a)-len(b)) > max {
		return max + 1
	}
	var buf [3][32]int
	prev2, prev, cur := buf[0][:], buf[1][:], buf[2][:]
	if len(b) >= 32 {
		prev2, prev, cur = make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			low = min(low, cur[j])
		}
		if low > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], max+1)
}

// ascii reports whether s is all ASCII.
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Cache keeps one Speller for the documents that docs returns, built again
// when they change (a refreshed knowledge folder returns a new slice). It
// is safe for concurrent use.
type Cache struct {
	docs func() []*knowledge.Document
	memo knowledge.Memo[*Speller]
}

// NewCache returns a Cache of the documents docs returns.
func NewCache(docs func() []*knowledge.Document) *Cache { return &Cache{docs: docs} }

// Correct is Speller.Correct with the Speller of the current documents.
func (c *Cache) Correct(q string) (string, []Fix) {
	s := c.current()
	if s == nil {
		return q, nil
	}
	return s.Correct(q)
}

// IsName is Speller.IsName with the Speller of the current documents.
func (c *Cache) IsName(word string) bool {
	s := c.current()
	return s != nil && s.IsName(word)
}

// Mentions is Speller.Mentions with the Speller of the current documents;
// true when there are none.
func (c *Cache) Mentions(word string) bool {
	s := c.current()
	return s == nil || s.Mentions(word)
}

// current returns the Speller of the current documents, built when they
// changed; nil when there are none.
func (c *Cache) current() *Speller {
	return c.memo.Of(c.docs(), New)
}
