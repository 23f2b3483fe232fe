package textan

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestTermsStoryTypography(t *testing.T) {
	a := English()
	tests := []struct {
		in   string
		want []string
	}{
		{"Iran’s July cyberattack", []string{"iran", "juli", "cyber", "attack"}},
		{"Iran's", []string{"iran"}},
		{"“The government has decided”", []string{"govern", "decid"}},
		{"People’s Mujahideen Organization", []string{"peopl", "mujahideen", "organ"}},
		{"Mujahideen-e-Khalq (MEK)", []string{"mujahideen", "e", "khalq", "mek"}},
		{"a camp near Durrës", []string{"camp", "near", "durr"}},
		{"some 3,000 members", []string{"3000", "member"}},
		{"20 June 1981", []string{"20", "june", "1981"}},
		{"This extreme response…", []string{"extrem", "respond"}},
		{"the country’s main port.", []string{"countri", "main", "port"}},
		{"ÉCOLE Zürich", []string{"ecol", "zurich"}},
		{"the of and, to!", nil},
		{"", nil},
		{"don’t", nil}, // one word, "dont", a stop word (contractions)
		{"How many members?", []string{"member"}},
		{"2.5 million", []string{"2.5", "million"}},
		{"on March 11th, the 20th century’s 1st", []string{"march", "11", "20", "centuri", "1"}},
		{"the 1970s, 3rd-and-9, 2nd’s", []string{"1970s", "3", "9", "2"}},
		{"the 4th of July", []string{"4", "juli"}},
		{"co-infection, coinfection; Pre-existing anti-HIV", []string{"coinfect", "coinfect", "preexist", "antihiv"}},
		{"the cyber-attack, a Cyberattack, cyber attacks; cybers, cyber2020", []string{"cyber", "attack", "cyber", "attack", "cyber", "attack", "cyber", "cyber2020"}},
		{"pro-democratic Mujahideen-e-Khalq co- co-2 x-ray", []string{"pro", "democrat", "mujahideen", "e", "khalq", "co", "co", "2", "x", "ray"}},
		{"TNF-α, IL-1β and IFN-γ; 5 μg", []string{"tnf", "alpha", "il", "1beta", "ifn", "gamma", "5", "μg"}},
		{"Fifth, in 2nd place; not 2ndary nor th or 22", []string{"fifth", "2", "place", "2ndary", "th", "22"}},
	}
	for _, tc := range tests {
		got := a.Terms(tc.in)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Terms(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFoldingMatchesVariants(t *testing.T) {
	a := English()
	pairs := [][2]string{
		{"Durrës", "Durres"},
		{"Iran’s", "iran"},
		{"IRAN'S", "Iran"},
		{"cyberattacks", "cyberattack"},
		{"Tiranë", "tirane"},
		{"severed", "sever"},
		{"11th", "11"},
		{"α", "alpha"},
		{"1β", "1Beta"},
		{"Κ", "kappa"},
		{"1ST", "1"},
		{"to-morrow", "tomorrow"}, // old spellings closed
		{"Good-bye", "goodbye"},
	}
	for _, p := range pairs {
		if x, y := a.Term(p[0]), a.Term(p[1]); x != y || x == "" {
			t.Errorf("Term(%q)=%q, Term(%q)=%q: want equal and non-empty", p[0], x, p[1], y)
		}
	}
}

func TestTokenizeOffsets(t *testing.T) {
	text := "“Iran’s” cyberattack, on 3,000 Durrës!"
	var got []string
	Tokenize(text, func(tok Token) {
		if text[tok.Start:tok.End] != tok.Text {
			t.Errorf("token %q: offsets %d-%d give %q", tok.Text, tok.Start, tok.End, text[tok.Start:tok.End])
		}
		got = append(got, tok.Text)
	})
	want := []string{"Iran’s", "cyber", "attack", "on", "3,000", "Durrës"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tokens %q, want %q", got, want)
	}
}

// TestClosedCompounds: "to-morrow" and "Good-day" are one word each (no
// "day" to match "what did he do all day?"); other hyphens still part words.
func TestClosedCompounds(t *testing.T) {
	var got []string
	Tokenize("Come to-morrow. Good-day, son! A to-do list, good-natured, to-days.", func(tok Token) { got = append(got, tok.Text) })
	want := []string{"Come", "to-morrow", "Good-day", "son", "A", "to", "do", "list", "good", "natured", "to", "days"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tokens %q, want %q", got, want)
	}
}

func TestStopWordsAndNoStem(t *testing.T) {
	a := New(Possessive) // no stop words, no stemming
	if got := a.Terms("The Members’ camps"); !reflect.DeepEqual(got, []string{"the", "members", "camps"}) {
		t.Fatalf("got %q", got)
	}
	if !IsStop("which") || IsStop("iran") {
		t.Fatal("IsStop wrong")
	}
}

// TestPronounUs: "us" in lower case is the pronoun and gives no term; the
// US keeps its name.
func TestPronounUs(t *testing.T) {
	got := English().Terms("Sell it back to us, Us and them, a US ally")
	if want := []string{"sell", "back", "us", "alli"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func FuzzTerms(f *testing.F) {
	for _, s := range []string{"Iran’s July", "3,000.5,", "’’s", "a'b'c", "\xff\xfe", "Durrës", "ǅemal"} {
		f.Add(s)
	}
	a := English()
	f.Fuzz(func(t *testing.T, s string) {
		for _, term := range a.Terms(s) {
			if term == "" || strings.ContainsAny(term, " \n\t") {
				t.Fatalf("bad term %q from %q", term, s)
			}
			if a.Term(term) == "" && !IsStop(term) {
				// analysis of a term must not drop it (idempotent up to stemming)
				t.Logf("term %q re-analyzes to empty", term)
			}
		}
	})
}

func BenchmarkTerms(b *testing.B) {
	a := English()
	text := strings.Repeat("Iran’s July cyberattack on Albania proved to be the final straw prompting Tirana to sever its diplomatic relations with Teheran. ", 8)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		a.Terms(text)
	}
}

// tokenizeRef is the tokenizer's rule written plainly, rune by rune, with
// package unicode only: the reference that Tokenize's ASCII fast path must
// agree with.
func tokenizeRef(text string) []Token {
	var out []Token
	rs := []rune(text)
	// byte offset of each rune, as range gives them
	var offs []int
	for i := range text {
		offs = append(offs, i)
	}
	offs = append(offs, len(text))
	for i := 0; i < len(rs); {
		if !isWord(rs[i]) {
			i++
			continue
		}
		start := i
		i++
		for i < len(rs) {
			if isWord(rs[i]) {
				i++
				continue
			}
			if i+1 < len(rs) {
				prev, r, next := rs[i-1], rs[i], rs[i+1]
				if r == '-' && unicode.IsLetter(next) && prefixes[strings.ToLower(text[offs[start]:offs[i]])] {
					i++
					continue
				}
				if isApos(r) && unicode.IsLetter(prev) && unicode.IsLetter(next) {
					i++
					continue
				}
				if (r == ',' || r == '.') && unicode.IsDigit(prev) && unicode.IsDigit(next) {
					i++
					continue
				}
			}
			break
		}
		from, to := offs[start], offs[i]
		for _, p := range separable {
			if w := text[from:to]; len(w) >= len(p)+minSeparated && strings.EqualFold(w[:len(p)], p) {
				if c := rune(w[len(p)]); c < utf8.RuneSelf && unicode.IsLetter(c) {
					out = append(out, Token{Text: w[:len(p)], Start: from, End: from + len(p)})
					from += len(p)
				}
			}
		}
		out = append(out, Token{Text: text[from:to], Start: from, End: to})
	}
	return out
}

func FuzzTokenizeMatchesReference(f *testing.F) {
	for _, s := range []string{"Iran’s July", "3,000.5,", "’’s", "a'b'c", "\xff\xfe", "Durrës", "ǅemal", "x'\xff", "9.\xc3", "Zürich’s 2,5", "a`b´c ‘d", "Ab9 _z@Z[`{", "co-infection", "Non-co-operative", "pre-", "anti-2", "sub-é", "Cyberattack", "cyber-2", "cyberé"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got []Token
		Tokenize(s, func(tok Token) { got = append(got, tok) })
		if want := tokenizeRef(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("Tokenize(%q) = %+v, want %+v", s, got, want)
		}
	})
}

func TestTokenizeMatchesReferenceOnStory(t *testing.T) {
	data, err := os.ReadFile("../../knowledge/Albania-cuts-ties-with-Iran-2022-09-07.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data) + " l’État 1,000,000.5 naïve Ωmega ٣٤ x’ ’y 7,a"
	var got []Token
	Tokenize(text, func(tok Token) { got = append(got, tok) })
	if want := tokenizeRef(text); !reflect.DeepEqual(got, want) {
		t.Fatalf("Tokenize differs from the reference: %d tokens, want %d", len(got), len(want))
	}
}

func BenchmarkTokenize(b *testing.B) {
	text := strings.Repeat("Iran’s July cyberattack on Albania proved to be the final straw prompting Tirana to sever its diplomatic relations with Teheran, some 3,000 members. ", 8)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Tokenize(text, func(Token) {})
	}
}

// TestTermCacheConcurrent: words analyzed from many goroutines at once,
// while the cache publishes new snapshots, all get their terms.
func TestTermCacheConcurrent(t *testing.T) {
	a := English()
	want := New(Possessive, StopWords, Stem) // a second analyzer, used alone
	words := make([]string, 5000)
	for i := range words {
		words[i] = fmt.Sprintf("Cyberattacks%d’s", i%2500) + strings.Repeat("ing", i%3)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range words {
				w := words[(i*7+g*1000)%len(words)]
				if got := a.Term(w); got != want.Term(w) {
					t.Errorf("Term(%q) = %q, want %q", w, got, want.Term(w))
					return
				}
			}
		})
	}
	wg.Wait()
	for _, w := range words {
		if _, ok := a.cache.get(w); !ok {
			t.Fatalf("%q not cached", w)
		}
	}
}

func TestIrregular(t *testing.T) {
	an := New(Possessive, StopWords, Irregular(), Stem)
	for _, pair := range [][2]string{{"went", "go"}, {"gone", "go"}, {"caught", "catching"}, {"thought", "thinks"}, {"saw", "seeing"}, {"told", "tell"}, {"deaths", "died"}, {"pursuit", "pursued"}, {"response", "responded"}, {"reaction", "react"}} {
		if a, b := an.Term(pair[0]), an.Term(pair[1]); a != b {
			t.Errorf("%s → %q, %s → %q: want the same term", pair[0], a, pair[1], b)
		}
	}
	if an.Term("ground") == an.Term("grind") {
		t.Error(`"ground" is a noun far more often than "grind"'s past`)
	}
}

// TestDemonyms: an adjective of a place is taken to its place, so that a
// question about Iran finds "Iranian agents"; a word that is also a common
// word in lower case is not ("attic", "turkey").
func TestDemonyms(t *testing.T) {
	an := English()
	for _, c := range []struct{ a, b string }{
		{"Iranian", "Iran"}, {"Iranians", "Iran"}, {"Albanian", "Albania"}, {"French", "France"}, {"Norwegian", "Norway"},
	} {
		if x, y := an.Terms(c.a), an.Terms(c.b); len(x) != 1 || len(y) != 1 || x[0] != y[0] {
			t.Errorf("%s → %v, %s → %v: want one term", c.a, x, c.b, y)
		}
	}
	for _, w := range []string{"attic", "Turkish", "china", "Chinese"} {
		if got := an.Terms(w); len(got) != 1 || got[0] != Stem(Fold(w)) {
			t.Errorf("%s → %v, want %q", w, got, Stem(Fold(w)))
		}
	}
}

// TestDerived: a noun of a person who does something is taken to the verb,
// so that a question about the hackers finds "hack into state records", and
// a noun of -ship to its noun ("relationship", "relations"), and a noun of
// the act of a verb to the verb ("recovery", "recover"); a noun that is
// mostly something else ("letter", "drawer", "battleship") or also an
// adjective ("better", "hardship") is not.
func TestDerived(t *testing.T) {
	an := English()
	for _, c := range []struct{ a, b string }{
		{"hackers", "hacked"}, {"hacker", "hack"}, {"killer", "killed"}, {"leaders", "lead"}, {"robbers", "robbed"},
		{"carrier", "carry"}, {"writer", "wrote"}, {"attackers", "attacked"},
		{"relationship", "relations"}, {"friendships", "friend"}, {"leadership", "led"},
		{"recovery", "recover"}, {"decision", "decided"}, {"discovery", "discovered"}, // an act of the verb: "who helped with the recovery?" was refused of "helped Albania recover"
	} {
		if x, y := an.Terms(c.a), an.Terms(c.b); len(x) != 1 || len(y) != 1 || x[0] != y[0] {
			t.Errorf("%s → %v, %s → %v: want one term", c.a, x, c.b, y)
		}
	}
	for _, w := range []string{"better", "letter", "drawer", "counter", "butter", "liver", "longer", "battleship", "hardship"} {
		if got := an.Terms(w); len(got) != 1 || got[0] != Stem(Fold(w)) {
			t.Errorf("%s → %v, want %q", w, got, Stem(Fold(w)))
		}
	}
}

// TestPertainyms: an adjective that pertains to a noun, or is made from
// one, is taken to the noun, so that a question about the economy finds
// "economic growth" and "what was he famous for?" finds "the fame and name
// of him"; one whose noun begins otherwise ("dental", "tooth"), or in fewer
// than four letters alike ("viral", "virus"), a verb's participle
// ("growing") and one stemmed like another noun ("fatherly", "father";
// "wicked", "wick") are not.
func TestPertainyms(t *testing.T) {
	an := English()
	for _, c := range []struct{ a, b string }{
		{"economic", "economy"}, {"bacterial", "bacteria"}, {"presidential", "president"}, {"molecular", "molecules"},
		{"respiratory", "respiration"}, {"environmental", "environment"}, {"faecal", "faeces"}, {"medical", "medicine"},
		{"suburban", "suburbs"}, {"famous", "fame"}, {"violent", "violence"}, {"hungry", "hunger"}, {"curious", "curiosity"},
	} {
		if x, y := an.Terms(c.a), an.Terms(c.b); len(x) != 1 || len(y) != 1 || x[0] != y[0] {
			t.Errorf("%s → %v, %s → %v: want one term", c.a, x, c.b, y)
		}
	}
	for _, w := range []string{"dental", "viral", "fecal", "nasal", "military", "growing", "national", "human", "fatherly", "father", "wicked", "beautiful"} {
		if got := an.Terms(w); len(got) != 1 || got[0] != Stem(Fold(w)) {
			t.Errorf("%s → %v, want %q", w, got, Stem(Fold(w)))
		}
	}
}

// TestContractions: contractions written without their apostrophe, as chat
// writes them, and those whose apostrophe folding removes are stop words:
// "whats this story about" has one topic word, as "what's this story about".
func TestContractions(t *testing.T) {
	an := English()
	story := an.Terms("story")
	for _, q := range []string{"whats this story about", "what's this story about", "dont story", "don't story", "whos story", "cant story", "can't story", "theyre story"} {
		if got := an.Terms(q); !slices.Equal(got, story) {
			t.Errorf("%q → %v, want %v", q, got, story)
		}
	}
}

// TestNames: a word written with a capital inside a sentence is a name; one
// that opens a sentence or follows a colon or a quote mark is not.
func TestNames(t *testing.T) {
	var names []string
	Names("Iran’s July cyberattack on Albania. The US said: “We know.” Then Edi Rama spoke", func(tok Token, name bool) {
		if name {
			names = append(names, tok.Text)
		}
	})
	if want := []string{"July", "Albania", "US", "Edi", "Rama"}; !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
}

func TestFormal(t *testing.T) {
	for w, want := range map[string]string{"mom": "mother", "Dads": "father", "mommy": "mother", "doggie": "dog", "pooch": "", "eats": "", "altogether": "", "cat": "", "mother": "", "kids": "children", "kid": "child", "ties": "relations", "tie": "", "proof": "evidence", "intrusion": "attack", "breach": "attack"} {
		if got := Formal(w); len(got) == 0 && want != "" || len(got) > 0 && got[0] != want {
			t.Errorf("Formal(%q) = %v, want %q first", w, got, want)
		}
	}
}

func TestPhrase(t *testing.T) {
	if got := Phrase("bad", "luck"); !slices.Contains(got, "misfortune") {
		t.Errorf("Phrase(bad, luck) = %q, want misfortune among them", got)
	}
	if got := PhraseKey("Bad", "Lucks"); got != "bad luck" {
		t.Errorf("PhraseKey(Bad, Lucks) = %q, want %q", got, "bad luck")
	}
	keys := NewPhraseKeys() // each word stemmed once, the same keys
	for _, p := range [][2]string{{"Bad", "Lucks"}, {"bad", "luck"}, {"Went", "Lucks"}, {"snow", "man"}, {"Bad", "man"}} {
		if got, want := keys.Key(p[0], p[1]), PhraseKey(p[0], p[1]); got != want {
			t.Errorf("PhraseKeys.Key(%s, %s) = %q, want %q", p[0], p[1], got, want)
		}
	}
	if got := PhraseOf(keys.Key("bad", "luck")); !slices.Contains(got, "misfortune") {
		t.Errorf("PhraseOf(bad luck) = %q, want misfortune among them", got)
	}
	for _, p := range [][2]string{{"came", "across"}, {"find", "out"}, {"the", "end"}, {"luck", "bad"}} { // verbs and stop words: none
		if got := Phrase(p[0], p[1]); got != nil {
			t.Errorf("Phrase(%s, %s) = %q, want none", p[0], p[1], got)
		}
	}
}

func TestAbbreviates(t *testing.T) {
	const s = `“The government has decided,” Albanian Prime Minister Edi Rama declared, and the White House National Security Council said so; the People’s Mujahideen Organization of Iran (MEK) settled near Durres.`
	for abbr, want := range map[string]bool{"pm": true, "PM": true, "nsc": true, "pmoi": true, "wh": true, "pmer": true, "mek": false,
		"p": false, "ab": false, "pmerd": false, "gd": false, "nscx": false, "m2": false, "ünsc": false, "": false} {
		if got := Abbreviates(abbr, s); got != want {
			t.Errorf("Abbreviates(%q) = %v, want %v", abbr, got, want)
		}
	}
}

// TestIsCreature: a noun for a person or an animal is a creature; a word
// that is the stem of a famous name only ("ever" of "Evers", "tell" of
// William Tell) is not: "did he ever lose a fight?" took "ever" for the
// person it asks about; nor a shorter noun of a person's stem ("money" of
// "moneyer").
func TestIsCreature(t *testing.T) {
	for w, want := range map[string]bool{"tailor": true, "kitten": true, "terrier": true, "old": false, "ever": false, "tell": false, "aalto": false,
		"money": false, "customer": true, "custom": false, "senator": true, "Rabbits": true, "animal": true, "person": true} { // "did he make money?" took "money" for whom "he" stands for
		if got := IsCreature(w); got != want {
			t.Errorf("IsCreature(%q) = %v, want %v", w, got, want)
		}
	}
}
