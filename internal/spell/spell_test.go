package spell

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"storybot/internal/knowledge"
)

func story() []*knowledge.Document {
	return []*knowledge.Document{{Title: "Albania cuts ties with Iran", Passages: []knowledge.Passage{
		{Text: "Iran’s July cyberattack on Albania proved to be the final straw prompting Tirana to sever its diplomatic relations."},
		{Section: "Revolutionaries against the Islamic Revolution", Text: "Against all odds, against the odds. People’s Mujahideen. " + "The modern-day ideology of the MEK can be subsumed in seeking regime change. Prime Minister Edi Rama said so. Mujahideen-e-Khalq members settled near Durrës."},
	}}}
}

// TestCorrect: misspelt words are read as the documents' nearest words;
// English words, names the documents hold and short words are left alone.
func TestCorrect(t *testing.T) {
	s := New(story())
	for _, c := range []struct{ q, want string }{
		{"why did albnia cut ties with iran", "why did albania cut ties with iran"},
		{"Why did Albnia cut ties?", "Why did Albania cut ties?"},
		{"what is the mek's ideolgy", "what is the mek's ideology"},
		{"who are the mujahiden", "who are the mujahideen"},
		{"who are the mujahedin", "who are the Mujahideen"}, // a spelling WordNet knows of one sense, read as the documents write it (textan.SameSense)
		{"where is durres", "where is durres"},
		{"when was the cyberatack", "when was the cyberattack"},
		{"who is edi rma", "who is edi rma"},                               // three letters: left alone
		{"what is the capital of france", "what is the capital of france"}, // English words: left alone
		{"how many people died", "how many people died"},
		{"what did the revolutonaries want", "what did the revolutionaries want"}, // two edits in a long word
		{"zzzzzz", "zzzzzz"},
		{"where is Iarn", "where is Iran"},                                        // four letters: a swap
		{"where is irn", "where is irn"},                                          // three: left alone
		{"what is the mkes", "what is the mkes"},                                  // four letters, not a swap
		{"Who defeated the Tran?", "Who defeated the Tran?"},                      // a name is read only as a name ("than" is none)
		{"What does COPD do to the Albnia?", "What does COPD do to the Albania?"}, // acronyms left alone
		{"what did the PM say?", "what did the PM say?"},                          // "Prime Minister" and "People’s Mujahideen": initials two names share
		{"what did the MEK do?", "what did the MEK do?"},                          // the documents write the acronym itself
		{"what is mujahideenekhalq", "what is mujahideen-e-khalq"},                // a hyphenated word, typed whole
		{"Mujahideenekhalq?", "Mujahideen-e-khalq?"},
		{"what is the modern day ideology", "what is the modern day ideology"}, // English words: left alone
		{"where do the mujahidden live", "where do the mujahideen live"},       // the documents write "Mujahideen-e-Khalq"
		{"the peple's group", "the people's group"},                            // "People’s": the word without its possessive
		{"Albnia’s ties", "Albania’s ties"},
		{"why was it promting", "why was it prompting"},
	} {
		got, fixes := s.Correct(c.q)
		if got != c.want {
			t.Errorf("Correct(%q) = %q, want %q", c.q, got, c.want)
		}
		if (got != c.q) != (len(fixes) > 0) {
			t.Errorf("Correct(%q): fixes %v for %q", c.q, fixes, got)
		}
	}
	if _, fixes := s.Correct("why did albnia"); len(fixes) != 1 || fixes[0] != (Fix{From: "albnia", To: "albania"}) {
		t.Errorf("fixes = %v", fixes)
	}
}

// TestCorrectFrom: a word is read as what the documents write, beyond a
// typo of one of their words:
//   - a word near none of them, as one whose stem is one edit from its
//     own, with the same first letter (not two edits: "everyone" is no
//     "everything"; nor another first letter);
//   - an acronym they do not write, as the name they write out with those
//     initials, of the whole name or of a run of its words;
//   - a name WordNet knows that they do not mention, as another name of it
//     they write ("america" as "United States"); one with no such name is
//     left as it is.
func TestCorrectFrom(t *testing.T) {
	for _, c := range []struct {
		text  string
		cases map[string]string
	}{
		{"She believed everything. The width of the river. He requested a horse. He ate nothing.", map[string]string{
			"why did she beleve it":   "why did she believed it",
			"what did he requst":      "what did he requested",
			"did everyone leave":      "did everyone leave",
			"when didthe river flood": "when didthe river flood",
			"did he eat anything":     "did he eat anything", // an indefinite pronoun, English though WordNet lacks it: not "nothing"
			"did he eat anythng":      "did he eat anything", // a typo of one the documents never write: as it, not as "nothing"
			"did somone leave":        "did someone leave",
		}},
		// a WordNet phrase the documents never write, nor all its words, is
		// read as a word of its sense that they use
		// a word a child spells by its sound: the documents' word of the same
		// first letter and Double Metaphone code, no more than a third of
		// its letters and one apart (session 26's new users); not a short
		// one ("muny": MN is also "man") nor one as far as "sysadmin" is
		// from "systems"
		{"At midnight the prince came. The buckwheat stood in the fields. A man had money in many systems.", map[string]string{
			"wat happend at midnite":      "wat happend at midnight",
			"did she mary the prins":      "did she mary the prince",
			"why is the bukweet all blak": "why is the buckwheat all blak",
			"wat was in the feelds":       "wat was in the fields",
			"wat hapend to the muny":      "wat hapend to the muny",
			"I'm a sysadmin":              "I'm a sysadmin",
		}},
		// a plural typed is read as the documents' plural, not as the word
		// its stem is nearest (session 28: "theifs" was "thief")
		{"The thief hid. When the forty thieves came back, the captain counted the thieves.", map[string]string{
			"how many theifs were there": "how many thieves were there",
			"where did the theif hide":   "where did the thief hide",
		}},
		// a name the documents never write, typed in lower case, one letter
		// short of their word: "who did he mary" was refused for "mary"
		{"He could only marry one of the princesses. Then Knos married her.", map[string]string{
			"who did he mary":    "who did he marry",
			"who did Mary marry": "who did Mary marry",
		}},
		{"And from that time no further misfortune happened to the family.", map[string]string{
			"did the family have any more bad luck?": "did the family have any more misfortune?",
		}},
		{"It was bad luck, and no further misfortune came.", map[string]string{
			"did the family have any more bad luck?": "did the family have any more bad luck?",
		}},
		{"The luck was bad, and no further misfortune came.", map[string]string{
			"did the family have any more bad luck?": "did the family have any more bad luck?",
		}},
		{"The People’s Mujahideen Organization of Iran met. The White House National Security Council said so.", map[string]string{
			"what does the PMOI want?": "what does the People’s Mujahideen Organization of Iran want?",
			"what did the NSC say?":    "what did the National Security Council say?",
			"what did the WHNSC say?":  "what did the White House National Security Council say?",
			"what did the pmoi say?":   "what did the pmoi say?", // in lower case, no acronym
		}},
		// an English word the documents never use, with two letters of
		// theirs swapped, is a typo of theirs; a short one is no typo, nor
		// is a form of a word they use ("solid")
		{"The soldiers came from the hill. They were solid men.", map[string]string{
			"how many soliders came?": "how many soliders came?",
		}},
		{"The soldiers came from the hill. They were quiet men.", map[string]string{
			"how many soliders came?":   "how many soldiers came?",
			"what form did they take?":  "what form did they take?",
			"were the soldiers silent?": "were the soldiers silent?",
		}},
		// a doubled letter typed once is the English word it spells, whether
		// the documents hold it or not: not a word of theirs one edit from
		// its stem ("replied" for "realy"), nor a swap at four letters only
		// ("quen" for "queen"); not "ii" ("hodliing" stems to a word)
		{"The Dragon King replied to the queen. Then he stooped.", map[string]string{
			"why did the quen hate her": "why did the queen hate her",
			"who was the dragon realy":  "who was the dragon really",
			"how did it hapen":          "how did it happen",
			"what was he hodling":       "what was he hodling",
		}},
		// an English word written as English writes it is no slip, though a
		// word of the documents is it with two letters swapped
		{"The grove was sacred to the old gods.", map[string]string{"was he scared?": "was he scared?"}},
		// chat's informal words are the tale's words for them (textan.Formal),
		// unless the documents write the informal word themselves
		{"Her mother sang, her children played, her stepmother frowned, and her father went to the capital.", map[string]string{
			"what did mom do?":            "what did mother do?",
			"where did the dad go?":       "where did the father go?",
			"where did her daddy go?":     "where did her father go?",
			"what did the doggie do?":     "what did the doggie do?", // no dog in the text
			"what did the kids do?":       "what did the children do?",
			"was her stepmom mean?":       "was her stepmother mean?",
			"how much moolah did he get?": "how much moolah did he get?",
		}},
		// a noun of one sense is read as another name of that sense the
		// documents write (textan.SameSense), as they write it
		{"The trolls came every Christmas Eve, and the snail crossed the threshold. There is not a soul aboard.", map[string]string{"why did they leave every xmas": "why did they leave every Christmas", "how long did he take to cross the doorway": "how long did he take to cross the threshold", "what is the main thing": "what is the main thing", "did someone hear": "did someone hear"}}, // an indefinite pronoun is no "soul"
		{"My mom sang, and my mother listened.", map[string]string{"what did mom do?": "what did mom do?"}},
		{"The old woman sang.", map[string]string{"what did the old lady do?": "what did the old woman do?", "What did Lady Gaga sing?": "What did Lady Gaga sing?"}}, // a name is no chat word
		{"It will happen again, as it happened before.", map[string]string{"what happend?": "what happened?"}},                                                        // a dropped letter, not an added one
		// a compound English knows, written as two words by the documents
		// and as one by the question; not one they write whole too, nor
		// one across punctuation
		// a compound the documents hyphenate, typed whole, English or not;
		// not a word of time ("to-day"), which the question reads as it is
		{"Give back my fire-ball, Ko-ko, to-day.", map[string]string{"how long did he keep the fireball?": "how long did he keep the fire-ball?", "who is koko": "who is ko-ko", "what happened today?": "what happened today?"}},
		{"The Snow Man stood there. A fire, man! The sea horse and the seahorse.", map[string]string{"what happens to the snowman?": "what happens to the Snow Man?", "what is a fireman?": "what is a fireman?", "where is the seahorse?": "where is the seahorse?"}},
		{"The United States and the Islamic Republic of Iran met. The US said so.", map[string]string{
			"what did the americans do?": "what did the United States do?",
			"did Persia attack?":         "did Islamic Republic of Iran attack?",
			"what about nato?":           "what about nato?",
			"what did the US say?":       "what did the US say?",
		}},
		{"Albania cut its ties with Teheran on Wednesday.", map[string]string{"and tehran's reaction?": "and Teheran's reaction?"}}, // another spelling of a name English knows: the search finds only the story's
		// an ordinal in digits, of a story that writes it in words (not of
		// one that writes the digits)
		{"He came a second time, on the 3rd of June.", map[string]string{"what did he do the 2nd time?": "what did he do the second time?", "what happened on the 3rd?": "what happened on the 3rd?", "what came on the 2nd of June?": "what came on the 2nd of June?"}},
		// another spelling of a word, WordNet's synonym: the search finds
		// only the story's; not a synonym two letters off a short word, nor
		// one that only adds to it
		{"He took his ax. The sky was grey. The man sang in the woodsy hills.", map[string]string{
			"how big was his axe?": "how big was his ax?", "was the sky gray?": "was the sky grey?",
			"how many were male?": "how many were male?", "what was the wood?": "what was the wood?",
		}},
	} {
		s := New([]*knowledge.Document{{Title: "Notes", Passages: []knowledge.Passage{{Text: c.text}}}})
		for q, want := range c.cases {
			if got, _ := s.Correct(q); got != want {
				t.Errorf("Correct(%q) = %q, want %q", q, got, want)
			}
		}
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		max  int
		want int
	}{
		{"albnia", "albania", 2, 1}, {"poeple", "people", 2, 1}, {"ideolgy", "ideology", 2, 1}, {"abc", "abc", 0, 0},
		{"kitten", "sitting", 5, 3}, {"kitten", "sitting", 1, 2}, {"ca", "abc", 5, 3}, {"durrës", "durres", 2, 1},
		{"iarn", "iran", 2, 1}, {"than", "tran", 2, 1}, {"", "abc", 5, 3},
		{"maastricht", "maastricht", 2, 0}, {"maastrich", "maastricht", 2, 1}, {"ctenphor", "ctenophor", 2, 1},
		{"ghandi", "gandhi", 2, 2}, // a moved letter is two edits
	} {
		if got := Distance(c.a, c.b, c.max); got != c.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", c.a, c.b, c.max, got, c.want)
		}
	}
}

// TestCache: a new set of documents (a refresh) gets a new Speller.
func TestCache(t *testing.T) {
	docs := story()
	c := NewCache(func() []*knowledge.Document { return docs })
	if got, _ := c.Correct("albnia"); got != "albania" {
		t.Fatalf("Correct(albnia) = %q", got)
	}
	docs = []*knowledge.Document{{Passages: []knowledge.Passage{{Text: "The Balkans and Albnian history."}}}}
	if got, _ := c.Correct("albnia"); got != "albnian" {
		t.Errorf("after a refresh, Correct(albnia) = %q, want the new documents' word", got)
	}
	empty := NewCache(func() []*knowledge.Document { return nil })
	if got, fixes := empty.Correct("albnia"); got != "albnia" || fixes != nil {
		t.Errorf("no documents: %q %v", got, fixes)
	}
}

// FuzzCorrect: any question comes back valid UTF-8, with one fix for each
// word that changed and the rest of the text as it was.
func FuzzCorrect(f *testing.F) {
	for _, q := range []string{"why did albnia cut ties", "ÉCOLE Zürich", "a\u0301lbnia", "", "’’’", "albnia albnia ALBNIA"} {
		f.Add(q)
	}
	s := New(story())
	f.Fuzz(func(t *testing.T, q string) {
		got, fixes := s.Correct(q)
		if utf8.ValidString(q) && !utf8.ValidString(got) {
			t.Fatalf("Correct(%q) = %q: not UTF-8", q, got)
		}
		if len(fixes) == 0 && got != q {
			t.Fatalf("Correct(%q) = %q with no fixes", q, got)
		}
		for _, fx := range fixes {
			if !strings.Contains(q, fx.From) || !strings.Contains(got, fx.To) {
				t.Fatalf("Correct(%q) = %q: fix %v", q, got, fx)
			}
		}
	})
}

// BenchmarkCorrect: a question with three misspelt words against 30,000
// words (about what the shared eval sets' 570 documents hold: 1.1 ms a
// question there).
//
//	go test ./internal/spell -run '^$' -bench Correct
func BenchmarkCorrect(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	var text strings.Builder
	for range 30000 {
		n := 4 + rng.IntN(8)
		for range n {
			text.WriteByte(byte('a' + rng.IntN(26)))
		}
		text.WriteByte(' ')
	}
	text.WriteString("albania iran pandemic")
	s := New([]*knowledge.Document{{Passages: []knowledge.Passage{{Text: text.String()}}}})
	b.ResetTimer()
	for b.Loop() {
		s.Correct("why did albnia cut ties with iarn and what about the pandemick")
	}
}

// TestMentions: a name is mentioned when the documents hold it in some
// form: as the index reads it, as initials, shortened or spelt otherwise.
func TestMentions(t *testing.T) {
	s := New(append(story(), &knowledge.Document{Title: "Notes", Passages: []knowledge.Passage{
		{Text: "The United Nations met in Teheran on Jan. 1st. Russian troops and the US were there. The first transatlantic signal came."},
	}}))
	for w, want := range map[string]bool{
		"Albania": true, "albanian": true, "Russia": true, "UN": true, "January": true, "Tehran": true, "US": true,
		"the": true, "NATO": false, "EU": false, "China": false, "Moscow": false,
		"America": true, "americans": true, "Persia": true, // by another name: "the US", "Iran"
		"Atlantic": true, "Pacific": false, // "transatlantic"
	} {
		if got := s.Mentions(w); got != want {
			t.Errorf("Mentions(%q) = %v, want %v", w, got, want)
		}
	}
}

// BenchmarkNew: a Speller of the 232 FairytaleQA stories (1.4 MB), made
// at every start and refresh: 465 ms on 2 cores, 44 MB and 1.0 M
// allocations (1,010 ms, 59 MB and 2.3 M before session 27's PhraseKeys
// stemmed each word once, not both words of every adjacent pair; the
// 260 ms of session 18 had grown with the speller's later tables).
// Skipped without ../shared.
//
//	go test ./internal/spell -run '^$' -bench New -benchmem
func BenchmarkNew(b *testing.B) {
	docs, _, err := knowledge.Load(context.Background(), filepath.Join("..", "..", "..", "shared", "eval", "fairytaleqa", "docs"), knowledge.Options{})
	if err != nil || len(docs) == 0 {
		b.Skipf("../shared/eval/fairytaleqa absent: %v", err)
	}
	for b.Loop() {
		New(docs)
	}
}
