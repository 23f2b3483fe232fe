// Command gen writes textan's synonym table (synonyms.txt.gz), or with
// -demonyms its table of adjectives of places (demonyms.txt), from the
// WordNet 3.0 database (Debian's wordnet-base, /usr/share/wordnet). It is
// run by hand, never in CI:
//
//	apt-get install wordnet-base
//	go generate ./internal/textan
//
// A word's synonyms are the other one-word lemmas of its first -senses
// synsets (WordNet orders a word's senses by frequency) in which the other
// word also has one of its first -senses senses: "thwart" and "foil" share
// thwart's first sense and foil's second, while "cross", whose sixth sense
// that is, is left out. Nouns with more than -noun-senses senses are left
// out (a noun with many senses is named in many ways, most beside the
// point); proper names and stop words too. Every word is written as its
// term under textan.English (Snowball stems), so the table pairs terms.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"storybot/internal/textan"
)

func main() {
	dir := flag.String("wordnet", "/usr/share/wordnet", "the WordNet database folder (index.* and data.*)")
	out := flag.String("out", "synonyms.txt.gz", "the table to write")
	senses := flag.Int("senses", 2, "senses of a word whose synsets count")
	nounSenses := flag.Int("noun-senses", 3, "nouns with more senses than this are left out")
	pos := flag.String("pos", "verb,adj,adv,noun", "parts of speech")
	similar := flag.Bool("similar", false, "add the adjectives similar to (&) an adjective's first senses")
	demonyms := flag.String("demonyms", "", "write the table of adjectives of places (\"iranian iran\") to this file instead")
	derived := flag.String("derived", "", "write the table of nouns made from a shorter word (\"hacker hack\", \"relationship relation\") to this file instead")
	pertainyms := flag.String("pertainyms", "", "write the table of adjectives that pertain to a noun (\"economic economy\", \"bacterial bacteria\") to this file instead")
	prefix := flag.Int("prefix", 4, "with -pertainyms: letters the adjective and its noun must begin alike (0: any)")
	made := flag.Int("made", 3, "with -pertainyms: add the adjectives made from a noun (\"famous fame\") that begin like it in this many letters (0: none)")
	words := flag.String("words", "", "write the gzipped list of the stems of English words to this file instead")
	names := flag.String("names", "", "write the gzipped list of the stems of names (words WordNet writes only with a capital) to this file instead")
	creatures := flag.String("creatures", "", "write the gzipped list of the stems of nouns of people and animals (\"kitten\", \"tailor\") to this file instead")
	unambiguous := flag.String("unambiguous", "", "write the gzipped table of nouns of one sense with the other one-word names of that sense (\"xmas christmas\", \"doorway door threshold\") to this file instead")
	informal := flag.String("informal", "", "write the gzipped table of informal nouns with the words they stand for (\"dad father\") to this file instead")
	phrases := flag.String("phrases", "", "write the gzipped table of two-word lemmas with the one-word lemmas of their first senses (\"bad luck\": \"misfortune\", ...) to this file instead")
	aliases := flag.String("aliases", "", "write the gzipped table of names with the other names of the same place, group or person (\"america\": \"united states\", \"us\") to this file instead")
	flag.Parse()
	pertain := func(dir, out string) error { return writePertainyms(dir, out, *prefix, *made) }
	tables := []struct { // the tables other than the synonyms, each by its flag
		out   *string
		write func(dir, out string) error
	}{
		{phrases, writePhrases}, {informal, writeInformal}, {unambiguous, writeUnambiguous}, {aliases, writeAliases}, {creatures, writeCreatures},
		{names, writeNames}, {words, writeWords}, {pertainyms, pertain}, {derived, writeDerived}, {demonyms, writeDemonyms},
	}
	write := func(dir, out string) error {
		return run(dir, out, *senses, *nounSenses, strings.Split(*pos, ","), *similar)
	}
	file := *out
	for _, t := range tables {
		if *t.out != "" {
			write, file = t.write, *t.out
			break
		}
	}
	err := write(*dir, file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// sense is one word's synset, with its rank among the word's senses (0 is
// the most frequent).
type sense struct {
	offset string
	rank   int
}

// derived and pertainym are textan.Derived's and textan.Pertainym's filters.
var derived, pertainym = textan.Derived(), textan.Pertainym()

func run(dir, out string, senses, nounSenses int, poses []string, similar bool) error {
	an := textan.English()
	syn := map[string]map[string]bool{}
	for _, p := range poses {
		idx, members, sim, err := readPOS(dir, p)
		if err != nil {
			return err
		}
		// rank[lemma][offset]: the rank of the synset among lemma's senses
		rank := map[string]map[string]int{}
		for lemma, ss := range idx {
			rank[lemma] = map[string]int{}
			for i, o := range ss {
				rank[lemma][o] = i
			}
		}
		for lemma, ss := range idx {
			if p == "noun" && len(ss) > nounSenses {
				continue
			}
			a := term(an, lemma)
			if a == "" {
				continue
			}
			for i, o := range ss {
				if i == senses {
					break
				}
				group := members[o]
				if similar {
					for _, so := range sim[o] {
						for _, other := range members[so] {
							if r, ok := rank[other][so]; ok && r < senses {
								group = append(group, other)
							}
						}
					}
				}
				for j, other := range group {
					if other == lemma || (p == "noun" && len(idx[other]) > nounSenses) {
						continue
					}
					if r, ok := rank[other][o]; j < len(members[o]) && (!ok || r >= senses) {
						continue
					}
					b := term(an, other)
					if b == "" || b == a {
						continue
					}
					if syn[a] == nil {
						syn[a] = map[string]bool{}
					}
					syn[a][b] = true
				}
			}
		}
	}
	var keys []string
	for k := range syn {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var txt bytes.Buffer
	txt.WriteString("# WordNet 3.0 synonyms as textan.English terms: a term, then its synonyms.\n")
	txt.WriteString("# Generated by internal/textan/internal/gen from Debian's wordnet-base; WordNet 3.0 Copyright 2006 by Princeton University (licence: README, Dependencies).\n")
	pairs := 0
	for _, k := range keys {
		var vs []string
		for v := range syn[k] {
			vs = append(vs, v)
		}
		sort.Strings(vs)
		pairs += len(vs)
		txt.WriteString(k + " " + strings.Join(vs, " ") + "\n")
	}
	n, err := writeGzip(out, txt.Bytes())
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: %d terms, %d pairs, %d bytes of text, %d gzipped -> %s\n", len(keys), pairs, txt.Len(), n, out)
	return nil
}

// informalGloss matches the gloss of a noun that is an informal word for
// its hypernym: "an informal term for a father" (dad), "informal terms for
// a mother" (mom), "(informal) a quick private conference".
var informalGloss = regexp.MustCompile(`^(?:an? )?(?:\(informal\)|informal (?:terms?|words?|names?) (?:for|referring to))\b`)

// writeInformal writes the table of nouns of one sense, and no other part
// of speech, that WordNet glosses as an informal word (informalGloss),
// each with the words
// of that sense's hypernym: chat's "mom" and "dad" are a tale's "mother"
// and "father" (their synsets hold neither). Lemmas, one-word, lower case.
func writeInformal(dir, out string) error {
	members, _, err := readData(filepath.Join(dir, "data.noun"))
	if err != nil {
		return err
	}
	idx, otherStems, err := nounsAndOtherStems(dir)
	if err != nil {
		return err
	}
	var lines []string
	err = eachSynset(filepath.Join(dir, "data.noun"), func(ss synset) error {
		var hyper []string
		for _, p := range ss.ptrs {
			if p.symbol == "@" {
				hyper = append(hyper, p.offset)
			}
		}
		if len(hyper) != 1 || !informalGloss.MatchString(ss.gloss) {
			return nil
		}
		var formal []string
		for _, w := range members[hyper[0]] {
			if oneLowerWord(w) {
				formal = append(formal, w)
			}
		}
		for _, w := range ss.words {
			if oneLowerWord(w) && len(formal) > 0 && len(idx[w]) == 1 && !otherStems[textan.Stem(w)] { // one sense: "kale" is also money, "cat" a man
				lines = append(lines, w+" "+strings.Join(formal, " "))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(lines)
	return writeList(out, "# Nouns of one WordNet 3.0 sense, glossed as an informal word, then the words of its hypernym (\"dad father\").\n", lines, "informal words")
}

// nounsAndOtherStems returns WordNet's noun index and the stems of its
// verbs, adjectives and adverbs: "eats" is the verb's, "altogether" the
// adverb's, "mains" the adjective "main"'s.
func nounsAndOtherStems(dir string) (map[string][]string, map[string]bool, error) {
	idx, err := readIndex(filepath.Join(dir, "index.noun"))
	if err != nil {
		return nil, nil, err
	}
	others, err := lemmasOf(dir, "verb", "adj", "adv")
	if err != nil {
		return nil, nil, err
	}
	stems := map[string]bool{}
	for w := range others {
		stems[textan.Stem(w)] = true
	}
	return idx, stems, nil
}

// writeUnambiguous writes the table of nouns of one sense, which are not
// also verbs, adjectives or adverbs, with the other one-word names of that
// sense, all in lower case: "xmas christmas", "doorway door threshold". A
// question's word the documents lack may be read as one of them that they
// hold (spell.Speller): a word of one sense means just that.
func writeUnambiguous(dir, out string) error {
	idx, otherStems, err := nounsAndOtherStems(dir)
	if err != nil {
		return err
	}
	var lines []string
	err = eachSynset(filepath.Join(dir, "data.noun"), func(ss synset) error {
		for _, w := range ss.words {
			w = strings.ToLower(w)
			if !oneLowerWord(w) || len(w) < 4 || len(idx[w]) != 1 || otherStems[textan.Stem(w)] || textan.Indefinite(w) { // "someone" is no "soul"
				continue
			}
			var syn []string
			for _, o := range ss.words {
				if o = strings.ToLower(o); o != w && oneLowerWord(o) && len(o) >= 3 && !slices.Contains(syn, o) {
					syn = append(syn, o)
				}
			}
			if len(syn) > 0 {
				lines = append(lines, w+" "+strings.Join(syn, " "))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(lines)
	return writeList(out, "# Nouns of one WordNet 3.0 sense, then the other one-word names of that sense (\"xmas christmas\").\n", slices.Compact(lines), "unambiguous nouns")
}

// phraseSenses is how many of a two-word lemma's senses (the most
// frequent first) give it one-word synonyms in writePhrases.
const phraseSenses = 2

// writePhrases writes the gzipped table of WordNet's two-word nouns and
// adjectives of English words, neither a stop word ("bad luck", "old
// man"; no verbs: "come across" would be read as "strike"), with the
// one-word lemmas that share one of their first phraseSenses senses
// ("misfortune mischance mishap", "oldster ..."):
// chat says "bad luck" where a tale says "misfortune". Each line is the
// lemma's textan.PhraseKey, a tab and the words.
func writePhrases(dir, out string) error {
	all := map[string][]string{}
	var keys []string
	for _, pos := range []string{"noun", "adj"} { // not verbs: "come across" is "strike" in one sense, "came upon" in a tale
		idx, members, _, err := readPOS(dir, pos)
		if err != nil {
			return err
		}
		for _, phrase := range slices.Sorted(maps.Keys(idx)) { // in order: two lemmas may share a key ("old_man", "old_men")
			ss := idx[phrase]
			parts := strings.Split(phrase, "_")
			if len(parts) != 2 || !oneLowerWord(parts[0]) || !oneLowerWord(parts[1]) || !textan.IsEnglish(parts[0]) || !textan.IsEnglish(parts[1]) ||
				textan.IsStop(parts[0]) || textan.IsStop(parts[1]) { // a verb and its particle are as often the verb and a preposition: "came to Albania", "go after him"
				continue
			}
			key := textan.PhraseKey(parts[0], parts[1])
			for _, o := range ss[:min(phraseSenses, len(ss))] {
				for _, w := range members[o] {
					w = strings.ToLower(lemma(w))
					st := textan.Stem(w)
					if !oneLowerWord(w) || len(w) < 3 || textan.IsStop(w) || textan.Indefinite(w) || st == textan.Stem(parts[0]) || st == textan.Stem(parts[1]) || slices.Contains(all[key], w) {
						continue
					}
					if all[key] == nil {
						keys = append(keys, key)
					}
					all[key] = append(all[key], w)
				}
			}
		}
	}
	lines := make([]string, 0, len(keys))
	for _, k := range keys {
		lines = append(lines, k+"\t"+strings.Join(all[k], " "))
	}
	return writeList(out, "# WordNet 3.0's two-word lemmas of English words, as textan.PhraseKey, a tab, then the one-word lemmas of their first senses (\"bad luck\": \"misfortune\").\n", lines, "phrases")
}

// term is the textan.English term of a one-word lemma, or "" for a phrase,
// a proper name, a stop word, a number or a word that textan takes to
// another.
func term(an *textan.Analyzer, lemma string) string {
	if strings.ContainsAny(lemma, "_-.'0123456789") || lemma != strings.ToLower(lemma) {
		return ""
	}
	ts := an.Terms(lemma)
	if len(ts) != 1 {
		return ""
	}
	// a form that textan.Irregular takes to a verb ("gone" → "go", "found"
	// → "find") is another word than the lemma; a noun that textan.Derived
	// takes to its word ("hacker" → "hack") is the same, and so is an
	// adjective that textan.Pertainym takes to its noun ("bacterial" → "bacteria")
	if st := textan.Stem(lemma); ts[0] != st && ts[0] != derived(st) && ts[0] != derived(pertainym(st)) {
		return ""
	}
	return ts[0]
}

// lemmasOf returns the lemmas of the index.* files of the parts of speech
// poses ("adj", "adv").
func lemmasOf(dir string, poses ...string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, p := range poses {
		idx, err := readIndex(filepath.Join(dir, "index."+p))
		if err != nil {
			return nil, err
		}
		for w := range idx {
			out[w] = true
		}
	}
	return out, nil
}

// readPOS reads the index and the data of the part of speech pos
// (readIndex, readData).
func readPOS(dir, pos string) (idx, members, similar map[string][]string, err error) {
	if idx, err = readIndex(filepath.Join(dir, "index."+pos)); err != nil {
		return nil, nil, nil, err
	}
	members, similar, err = readData(filepath.Join(dir, "data."+pos))
	return idx, members, similar, err
}

// readIndex reads an index.* file: each lemma with its synsets, most
// frequent sense first.
func readIndex(path string) (map[string][]string, error) {
	out := map[string][]string{}
	err := eachLine(path, func(f []string) error {
		// lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
		if len(f) < 4 {
			return fmt.Errorf("short line")
		}
		n, err := strconv.Atoi(f[2])
		if err != nil {
			return err
		}
		if len(f) < n {
			return fmt.Errorf("short line")
		}
		out[f[0]] = f[len(f)-n:]
		return nil
	})
	return out, err
}

// readData reads a data.* file: each synset's lemmas, lower-cased as the
// index writes them, proper names kept capitalised, adjective markers
// ("(p)") dropped; and the synsets similar (&) to each.
func readData(path string) (map[string][]string, map[string][]string, error) {
	out := map[string][]string{}
	sim := map[string][]string{}
	err := eachSynset(path, func(ss synset) error {
		out[ss.offset] = ss.words
		for _, ptr := range ss.ptrs {
			if ptr.symbol == "&" {
				sim[ss.offset] = append(sim[ss.offset], ptr.offset)
			}
		}
		return nil
	})
	return out, sim, err
}

// synset is one line of a data.* file.
type synset struct {
	offset, lexFile string
	words           []string // lemmas, adjective markers dropped
	ptrs            []pointer
	gloss           string // after the "|"
}

// pointer is a synset's link to another: its symbol ("&" similar, "\\"
// pertainym, "+" derivationally related), the other synset's offset and
// part of speech, and the words it links (1-based; 0 for the whole synset).
type pointer struct {
	symbol, offset, pos string
	src, tgt            int
}

// eachSynset calls fn with every synset of a data.* file.
func eachSynset(path string, fn func(synset) error) error {
	return eachLine(path, func(f []string) error {
		// synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] ...
		if len(f) < 4 {
			return fmt.Errorf("short line")
		}
		n, err := strconv.ParseInt(f[3], 16, 0)
		if err != nil {
			return err
		}
		ss := synset{offset: f[0], lexFile: f[1]}
		for i := 0; i < int(n) && 5+2*i < len(f); i++ {
			ss.words = append(ss.words, lemma(f[4+2*i]))
		}
		if i := 4 + 2*int(n); i < len(f) {
			np, err := strconv.Atoi(f[i])
			if err != nil {
				return err
			}
			for k := 0; k < np && i+4+4*k < len(f); k++ {
				ptr := f[i+1+4*k : i+5+4*k]
				src, _ := strconv.ParseInt(ptr[3][:2], 16, 0)
				tgt, _ := strconv.ParseInt(ptr[3][2:], 16, 0)
				ss.ptrs = append(ss.ptrs, pointer{symbol: ptr[0], offset: ptr[1], pos: ptr[2], src: int(src), tgt: int(tgt)})
			}
		}
		if i := slices.Index(f, "|"); i >= 0 {
			ss.gloss = strings.Join(f[i+1:], " ")
		}
		return fn(ss)
	})
}

// eachLine calls fn with the fields of every line of path but the licence
// header (lines starting with spaces).
func eachLine(path string, fn func([]string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for ln := 1; sc.Scan(); ln++ {
		l := sc.Text()
		if l == "" || l[0] == ' ' {
			continue
		}
		if err := fn(strings.Fields(l)); err != nil {
			return fmt.Errorf("%s:%d: %w", path, ln, err)
		}
	}
	return sc.Err()
}

// writeDemonyms writes the table of adjectives that name a place's people
// or things ("Iranian") with the place ("Iran"): WordNet adjectives, written
// with a capital, whose pertainym (\) is a place (the noun.location file) also
// written with a capital, one word each. An adjective that WordNet also
// knows as a word written in lower case ("attic") is left out, and so is
// one whose place is such a word ("Turkish": a turkey) or one that pertains
// to more than one place.
func writeDemonyms(dir, out string) error {
	lower := map[string]bool{}      // lemmas written in lower case, any part of speech
	places := map[string][]string{} // a place's synset: its lemmas
	for _, p := range []string{"noun", "verb", "adj", "adv"} {
		err := eachSynset(filepath.Join(dir, "data."+p), func(ss synset) error {
			for _, w := range ss.words {
				if w == strings.ToLower(w) {
					lower[w] = true
				}
			}
			if p == "noun" && ss.lexFile == "15" { // noun.location
				places[ss.offset] = ss.words
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	of := pairs{}
	err := eachSynset(filepath.Join(dir, "data.adj"), func(ss synset) error {
		ss.linked(`\`, "n", places, func(adj, place string) {
			if oneCapitalWord(adj) && oneCapitalWord(place) && !lower[strings.ToLower(adj)] && !lower[strings.ToLower(place)] {
				of.add(strings.ToLower(adj), strings.ToLower(place))
			}
		})
		return nil
	})
	if err != nil {
		return err
	}
	return of.write(out, "adjectives of places and their places (\"iranian iran\"), lower-cased")
}

// writeDerived writes the table of nouns made from a shorter word, with
// that word:
//   - nouns that name a person by what they do ("hacker") with the verb
//     ("hack"): WordNet nouns of people (the noun.person file) with a
//     derivationally related verb (+) of which they are the verb and -er,
//     -r, -or or -ar (a doubled last letter or y → i allowed: "robber",
//     "carrier"). A noun whose most frequent sense is not a person
//     ("letter", "drawer"), one that is also an adjective or an adverb
//     ("better") and one related so to more than one verb are left out.
//   - nouns of -ship whose stem is a noun ("relationship" → "relation",
//     "leadership" → "leader" → "lead"), not an adjective or an adverb
//     ("hardship"), unless they are most often a thing ("battleship").
//   - nouns of the act or event of a verb ("recovery", "decision") with
//     the verb ("recover", "decide"): WordNet nouns of the noun.act and
//     noun.event files, in their most frequent sense, derivationally
//     related (+) to one verb only that they begin with but for its last
//     two letters at most (four at least), and not an adjective or an
//     adverb. "Who helped with incident response and recovery?" was
//     refused of a report that says "helped Albania recover"
//     (bench/README.md, session 23).
//
// One word each, written in lower case; pairs that Snowball already stems
// alike ("attacker", "attack") are left out.
func writeDerived(dir, out string) error {
	nouns, err := readIndex(filepath.Join(dir, "index.noun"))
	if err != nil {
		return err
	}
	other, err := lemmasOf(dir, "adj", "adv")
	if err != nil {
		return err
	}
	verbs, _, err := readData(filepath.Join(dir, "data.verb"))
	if err != nil {
		return err
	}
	person := map[string]bool{}   // the noun.person synsets
	artifact := map[string]bool{} // the noun.artifact synsets ("battleship")
	of, acts := pairs{}, pairs{}
	err = eachSynset(filepath.Join(dir, "data.noun"), func(ss synset) error {
		artifact[ss.offset] = ss.lexFile == "06"
		if ss.lexFile == "04" || ss.lexFile == "11" { // noun.act, noun.event: "recovery", "decision"
			ss.linked("+", "v", verbs, func(noun, verb string) {
				if oneLowerWord(noun) && oneLowerWord(verb) && len(noun) > len(verb) && common(noun, verb) >= max(4, len(verb)-2) && textan.Stem(noun) != textan.Stem(verb) && len(nouns[noun]) > 0 && nouns[noun][0] == ss.offset {
					acts.add(noun, verb)
				}
			})
		}
		if ss.lexFile != "18" { // noun.person
			return nil
		}
		person[ss.offset] = true
		ss.linked("+", "v", verbs, func(noun, verb string) {
			if oneLowerWord(noun) && oneLowerWord(verb) && agentOf(noun, verb) && textan.Stem(noun) != textan.Stem(verb) {
				of.add(noun, verb)
			}
		})
		return nil
	})
	if err != nil {
		return err
	}
	for noun, vs := range of { // the agents as the table keeps them
		if other[noun] || len(nouns[noun]) == 0 || !person[nouns[noun][0]] || len(vs) != 1 {
			delete(of, noun)
		}
	}
	for noun, vs := range acts {
		if len(vs) == 1 && !other[noun] && of[noun] == nil {
			for v := range vs {
				of.add(noun, v)
			}
		}
	}
	for noun := range nouns {
		base, ok := strings.CutSuffix(noun, "ship")
		if !ok || len(base) < 3 || !oneLowerWord(noun) || nouns[base] == nil || other[base] || artifact[nouns[noun][0]] {
			continue
		}
		for v := range of[base] { // "leadership" → "leader" → "lead"
			base = v
		}
		if textan.Stem(noun) != textan.Stem(base) {
			of.add(noun, base)
		}
	}
	return of.write(out, "nouns made from a shorter word, and the word (\"hacker hack\", \"relationship relation\")")
}

// writePertainyms writes the table of relational adjectives with the noun
// they pertain to ("economic" → "economy", "bacterial" → "bacteria"):
// WordNet adjectives whose most frequent sense points to a noun as its
// pertainym (\), or, in an adjective of the adj.pert file that has none
// ("fecal"), is derivationally related (+) to one. One word each, in lower
// case. Left out: an adjective that pertains so to more than one noun; one
// whose noun does not begin with the same prefix letters ("dental",
// "tooth"; with the default 4 also "viral", "virus": taken together they
// cost covidqa, whose documents say "virus" everywhere and "viral" where
// it matters); a verb's participle ("growing"); one that Snowball already
// stems with its noun ("national", "nation"). (Leaving out the adjectives
// that are also nouns or verbs, "social", "medical", avoided no damage:
// bench/README.md, session 11.)
//
// With made > 0 it adds the adjectives made from a noun ("famous" →
// "fame", "violent" → "violence", "hungry" → "hunger"): an adjective of the
// adj.all file whose most frequent sense is derivationally related (+) to
// a noun that begins like it in made letters, unless Snowball stems it like
// a verb or a shorter noun ("fatherly" and "father": every "father" would
// be read as "fatherliness").
func writePertainyms(dir, out string, prefix, made int) error {
	adjs, err := readIndex(filepath.Join(dir, "index.adj"))
	if err != nil {
		return err
	}
	nouns, _, err := readData(filepath.Join(dir, "data.noun"))
	if err != nil {
		return err
	}
	first := map[string]bool{} // an adjective and its most frequent synset
	for adj, ss := range adjs {
		first[adj+" "+ss[0]] = true
	}
	verbStems := map[string]bool{} // the stems of verbs ("growing" is "grow")
	verbs, err := readIndex(filepath.Join(dir, "index.verb"))
	if err != nil {
		return err
	}
	for v := range verbs {
		verbStems[textan.Stem(v)] = true
	}
	nounIdx, err := readIndex(filepath.Join(dir, "index.noun"))
	if err != nil {
		return err
	}
	// another word that an adjective stems alike: a verb, or a noun no
	// longer than it ("fatherly" and "father"; "curiousness" is the
	// adjective's own)
	other := map[string]int{} // a noun's stem: the shortest noun's length
	for n := range nounIdx {
		if st := textan.Stem(n); other[st] == 0 || len(n) < other[st] {
			other[st] = len(n)
		}
	}
	stemsAnother := func(adj string) bool {
		n := other[textan.Stem(adj)]
		return verbStems[textan.Stem(adj)] || n > 0 && n <= len(adj)
	}
	of := pairs{}
	err = eachSynset(filepath.Join(dir, "data.adj"), func(ss synset) error {
		pert := map[string]bool{} // the words with a pertainym
		for _, symbol := range []string{`\`, "+"} {
			if symbol == "+" && ss.lexFile != "01" { // adj.pert
				break
			}
			for _, ptr := range ss.ptrs {
				lemmas := nouns[ptr.offset]
				if ptr.symbol != symbol || ptr.pos != "n" || ptr.src < 1 || ptr.src > len(ss.words) || ptr.tgt < 1 || ptr.tgt > len(lemmas) {
					continue
				}
				adj := ss.words[ptr.src-1]
				if symbol == `\` {
					pert[adj] = true
				} else if pert[adj] {
					continue
				}
				if !first[adj+" "+ss.offset] || !oneLowerWord(adj) || participle(adj, verbStems) {
					continue
				}
				// the lemma pointed to, or if it begins otherwise (in fewer
				// than 3 letters alike) the synset's lemma that begins most
				// like the adjective: "fecal" → "faeces" is "feces"
				noun := lemmas[ptr.tgt-1]
				if !oneLowerWord(noun) || common(adj, noun) < 3 {
					for _, l := range lemmas {
						if oneLowerWord(l) && (!oneLowerWord(noun) || common(adj, l) > common(adj, noun)) {
							noun = l
						}
					}
				}
				if !oneLowerWord(noun) || common(adj, noun) < prefix || textan.Stem(adj) == textan.Stem(noun) {
					continue
				}
				of.add(adj, noun)
			}
		}
		if ss.lexFile == "00" && made > 0 { // adj.all: adjectives made from a noun
			ss.linked("+", "n", nouns, func(adj, noun string) {
				if first[adj+" "+ss.offset] && oneLowerWord(adj) && oneLowerWord(noun) && !stemsAnother(adj) &&
					common(adj, noun) >= made && textan.Stem(adj) != textan.Stem(noun) {
					of.add(adj, noun)
				}
			})
		}
		return nil
	})
	if err != nil {
		return err
	}
	return of.write(out, "adjectives that pertain to a noun, and the noun (\"economic economy\", \"bacterial bacteria\")")
}

// common is the length of the prefix a and b share.
func common(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// linked calls fn with each word of ss and the word of another synset
// (its lemmas in words, by offset) that a pointer of symbol to part of
// speech pos links it to.
func (ss synset) linked(symbol, pos string, words map[string][]string, fn func(word, other string)) {
	for _, ptr := range ss.ptrs {
		lemmas := words[ptr.offset]
		if ptr.symbol != symbol || ptr.pos != pos || ptr.src < 1 || ptr.src > len(ss.words) || ptr.tgt < 1 || ptr.tgt > len(lemmas) {
			continue
		}
		fn(ss.words[ptr.src-1], lemmas[ptr.tgt-1])
	}
}

// pairs maps a word to the words it is linked to.
type pairs map[string]map[string]bool

func (ps pairs) add(word, base string) {
	if ps[word] == nil {
		ps[word] = map[string]bool{}
	}
	ps[word][base] = true
}

// write writes the table of the words linked to one other word as "word
// base" lines, sorted, under a header that says what they are and where
// they come from.
func (ps pairs) write(out, what string) error {
	var lines []string
	for w, bases := range ps {
		if len(bases) != 1 {
			continue
		}
		for b := range bases {
			if b != w {
				lines = append(lines, w+" "+b)
			}
		}
	}
	sort.Strings(lines)
	txt := "# WordNet 3.0 " + what + ".\n" +
		"# Generated by internal/textan/internal/gen from Debian's wordnet-base; WordNet 3.0 Copyright 2006 by Princeton University (licence: README, Dependencies).\n" +
		strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(out, []byte(txt), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: %d %s -> %s\n", len(lines), what, out)
	return nil
}

// writeWords writes the Snowball stems of WordNet's one-word lemmas
// written in lower case, and of their irregular forms (*.exc: "geese",
// "went"), one a line, sorted and gzipped: the words that textan.English
// knows to be English, so that the spelling correction leaves them alone.
func writeWords(dir, out string) error {
	stems := map[string]bool{}
	add := func(w string) {
		if oneLowerWord(w) && len(w) > 1 {
			stems[textan.Stem(textan.Fold(w))] = true
		}
	}
	for _, p := range []string{"noun", "verb", "adj", "adv"} {
		idx, err := readIndex(filepath.Join(dir, "index."+p))
		if err != nil {
			return err
		}
		for w := range idx {
			add(w)
		}
		err = eachLine(filepath.Join(dir, p+".exc"), func(f []string) error {
			for _, w := range f {
				add(w)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	var lines []string
	for s := range stems {
		lines = append(lines, s)
	}
	return writeList(out, "# Snowball stems of WordNet 3.0's one-word lemmas and their irregular forms.\n", lines, "stems of English words")
}

// writeList writes lines, sorted, under header and the line that says where
// they come from, gzipped to out, and says on stderr how many it wrote of
// what.
func writeList(out, header string, lines []string, what string) error {
	sort.Strings(lines)
	txt := header +
		"# Generated by internal/textan/internal/gen from Debian's wordnet-base; WordNet 3.0 Copyright 2006 by Princeton University (licence: README, Dependencies).\n" +
		strings.Join(lines, "\n") + "\n"
	n, err := writeGzip(out, []byte(txt))
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: %d %s, %d gzipped -> %s\n", len(lines), what, n, out)
	return nil
}

// writeCreatures writes the gzipped list of the Snowball stems of the
// one-word nouns, written in lower case, whose most frequent sense is a
// person (noun.person: "tailor", "giant") or an animal (noun.animal:
// "kitten", "rabbit"): a tale's characters are named by them ("Tom
// Kitten", "Peter Rabbit", "Jemima Puddle-Duck").
func writeCreatures(dir, out string) error {
	idx, err := readIndex(filepath.Join(dir, "index.noun"))
	if err != nil {
		return err
	}
	file := map[string]string{} // a noun synset: its lexicographer file
	named := map[string]bool{}  // a synset's offset and a lemma it writes with a capital, a name: "Evers", whose stem is "ever"
	err = eachSynset(filepath.Join(dir, "data.noun"), func(ss synset) error {
		file[ss.offset] = ss.lexFile
		if ss.lexFile == "03" && (slices.Contains(ss.words, "person") || slices.Contains(ss.words, "animal")) { // the tops of both: "person, individual, someone, …, soul", "animal, …, beast, brute, creature"
			file[ss.offset] = "18"
		}
		for _, w := range ss.words {
			if w != strings.ToLower(w) {
				named[ss.offset+" "+strings.ToLower(w)] = true
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	creature := func(lemma string, ss []string) bool {
		f := file[ss[0]]
		return oneLowerWord(lemma) && (f == "05" || f == "18") && !named[ss[0]+" "+lemma]
	}
	longest := map[string]int{} // a creature's stem: the length of its longest noun ("moneyer" of "money")
	seen := map[string]bool{}
	var lines []string
	for lemma, ss := range idx {
		if !creature(lemma, ss) {
			continue
		}
		st := textan.Stem(lemma)
		longest[st] = max(longest[st], len(lemma))
		if !seen[st] {
			seen[st] = true
			lines = append(lines, st)
		}
	}
	for lemma, ss := range idx { // "!money": a shorter noun of a creature's stem that is none, as typed ("money" of "moneyer", "custom" of "customer"; not "tailoring" of "tailor")
		if st := textan.Stem(lemma); oneLowerWord(lemma) && !creature(lemma, ss) && len(lemma) < longest[st] && !seen["!"+lemma] {
			seen["!"+lemma] = true
			lines = append(lines, "!"+lemma)
		}
	}
	return writeList(out, "# Snowball stems of the one-word nouns whose most frequent WordNet 3.0 sense is a person (noun.person) or an animal (noun.animal),\n# and, after \"!\", the shorter nouns of those stems that are neither (\"!money\" beside \"moneyer\").\n", lines, "stems of nouns of people and animals, and exceptions")
}

// writeAliases writes the gzipped table of the names of places, groups and
// people (noun.location, noun.group, noun.person synsets whose lemmas are
// all written with a capital): a line for each one-word name, its stem
// ("america"), a tab, and the synset's other names in lower case,
// separated by "|", dots dropped and underscores as spaces ("united
// states|united states of america|the states|us|usa").
func writeAliases(dir, out string) error {
	alias := map[string]map[string]bool{}
	err := eachSynset(filepath.Join(dir, "data.noun"), func(ss synset) error {
		if ss.lexFile != "14" && ss.lexFile != "15" && ss.lexFile != "18" || len(ss.words) < 2 {
			return nil
		}
		var names []string
		for _, w := range ss.words {
			if w == strings.ToLower(w) {
				return nil // a common noun's synset
			}
			names = append(names, strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(w, ".", ""), "_", " ")))
		}
		for i, n := range names {
			if strings.Contains(n, " ") {
				continue
			}
			st := textan.Stem(textan.Fold(n))
			for j, other := range names {
				if j != i && other != n {
					if alias[st] == nil {
						alias[st] = map[string]bool{}
					}
					alias[st][other] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var lines []string
	for st, others := range alias {
		list := make([]string, 0, len(others))
		for o := range others {
			list = append(list, o)
		}
		sort.Strings(list)
		lines = append(lines, st+"\t"+strings.Join(list, "|"))
	}
	return writeList(out, "# WordNet 3.0's names of places, groups and people (Snowball stem of a one-word name, a tab, the synset's other names separated by |).\n", lines, "names with their aliases")
}

// writeNames writes the gzipped list of the stems of the one-word lemmas
// that WordNet writes only with a capital ("NATO", "Tirana"), each with its
// nameKind: no
// lemma in lower case and no irregular form has the same stem ("Bill" and
// "bill", "March" and "march" are left out, and so is "us").
func writeNames(dir, out string) error {
	lower, capital := map[string]bool{}, map[string]map[string]bool{}
	stem := func(w string) string { return textan.Stem(textan.Fold(w)) }
	for _, p := range []string{"noun", "verb", "adj", "adv"} {
		err := eachSynset(filepath.Join(dir, "data."+p), func(ss synset) error {
			for _, w := range ss.words {
				switch {
				case oneLowerWord(w):
					lower[stem(w)] = true
				case oneCapitalWord(w) && len(w) > 1:
					st := stem(w)
					if capital[st] == nil {
						capital[st] = map[string]bool{}
					}
					if p == "noun" {
						capital[st][ss.lexFile] = true
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = eachLine(filepath.Join(dir, p+".exc"), func(f []string) error {
			for _, w := range f {
				lower[stem(w)] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	var lines []string
	for s, files := range capital {
		if !lower[s] && !textan.IsStop(s) && s != "us" { // "US", but in lower case the pronoun
			lines = append(lines, s+"\t"+nameKind(files))
		}
	}
	return writeList(out, "# Snowball stems of the one-word lemmas WordNet 3.0 writes only with a capital (names), each with its kind:\n"+
		"# l a place (noun.location), p a person (noun.person), g a group (noun.group), o another name.\n", lines, "stems of names")
}

// nameKind is the kind of a name whose noun senses stand in the lexicographer
// files files: a place when one is noun.location (15: "Albania",
// "Washington") or noun.object and none noun.person (17: "Rhine"), else a
// person (18, noun.person: "Khomeini"), else a group (14, noun.group:
// "NATO"), else "o".
func nameKind(files map[string]bool) string {
	switch {
	case files["15"] || files["17"] && !files["18"]: // noun.location; noun.object: rivers, mountains
		return "l"
	case files["18"]:
		return "p"
	case files["14"]:
		return "g"
	}
	return "o"
}

// writeGzip writes txt gzipped to out and returns the gzipped size.
func writeGzip(out string, txt []byte) (int, error) {
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	w.Write(txt)
	if err := w.Close(); err != nil {
		return 0, err
	}
	return gz.Len(), os.WriteFile(out, gz.Bytes(), 0o644)
}

// agentOf reports whether noun is verb with an agent's ending: -er, -r
// after e, -or, -ar, with the verb's last letter doubled ("robber") or its
// y turned to i ("carrier").
func agentOf(noun, verb string) bool {
	for _, base := range []string{verb, strings.TrimSuffix(verb, "e"), verb + verb[len(verb)-1:], strings.TrimSuffix(verb, "y") + "i"} {
		for _, end := range []string{"er", "or", "ar"} {
			if noun == base+end {
				return true
			}
		}
	}
	return false
}

// oneLowerWord reports whether w is one word written in lower case.
func oneLowerWord(w string) bool {
	return w != "" && w == strings.ToLower(w) && !strings.ContainsAny(w, "_-.'0123456789")
}

// lemma is a data file's word without its adjective marker ("(p)").
func lemma(w string) string {
	if j := strings.IndexByte(w, '('); j > 0 {
		return w[:j]
	}
	return w
}

// oneCapitalWord reports whether w is one word written with a capital.
func oneCapitalWord(w string) bool {
	return w != "" && w[0] >= 'A' && w[0] <= 'Z' && !strings.ContainsAny(w, "_-.'0123456789")
}

// participle reports whether adj is a verb's participle ("growing",
// "asphyxiated"): it ends in -ing or -ed and stems as a verb (verbStems).
func participle(adj string, verbStems map[string]bool) bool {
	return (strings.HasSuffix(adj, "ing") || strings.HasSuffix(adj, "ed")) && verbStems[textan.Stem(adj)]
}
