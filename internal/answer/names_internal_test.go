package answer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"storybot/internal/knowledge"
)

// TestRoleCharacters: a tale's characters by their roles, three mentions
// or more, one role for the same character with and without its adjective
// or its kind, named as the tale names it most; no ordinal, no place, no
// thing that never speaks.
func TestRoleCharacters(t *testing.T) {
	text := "The little boy sang. The boy ran to the town. The mother stork sat in the nest. " +
		"\"Hush,\" said the mother stork. The little boy laughed. The mother fed them. " +
		"The boy hid in the town. \"No,\" said the second. \"Yes,\" said the second. \"Go,\" said the second. " +
		"The nest was high. The nest was warm. The king came. The king went. The old king slept. The king woke.\n"
	doc, err := knowledge.Parse(context.Background(), "storks.txt", []byte(text), knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range roleCharacters([]*knowledge.Document{doc}, nil) {
		got = append(got, fmt.Sprintf("%s:%d", r.name, r.count))
	}
	if want := "the little boy:4 the mother stork:3 the king:4"; strings.Join(got, " ") != want {
		t.Errorf("roles %q, want %q", strings.Join(got, " "), want)
	}
}

// TestListAsked: which questions ask for a list of names, and of what kind.
func TestListAsked(t *testing.T) {
	expect(t, "listAsked", listAsked, map[string]string{
		"which countries are involved?":                          listPlaces,
		"Which two countries are involved?":                      listPlaces, // a number of them, as chat asks
		"what are the two groups?":                               "",         // what they were
		"What countries are mentioned in the article?":           listPlaces,
		"list all the people mentioned":                          listPeople,
		"who are the people in the story?":                       listPeople,
		"List every named person in the report with their role.": listPeople, // session 26's: refused
		"which person did it?":                                   "",
		"can you list the organizations involved?":               listGroups,
		"name the places":                                        listPlaces,
		"list the names":                                         listNames,
		"who are the main actors?":                               listNames,
		"who are the parties involved?":                          listNames,
		"which countries did the MEK attack?":                    "",
		"who are the people who attacked Albania?":               "",
		"what groups did Iran engage in the cyberattack?":        "",
		"who are the characters?":                                listCharacters,
		"who are the characters that help the prince?":           "",
		"Why did the people of the town leave?":                  "",
		"which people were killed in the 1981 protests?":         "",
		"what places did the prince visit on his journey?":       "",
	})
}

// FuzzNameRuns: any sentence's names are made of its own words, none
// empty.
func FuzzNameRuns(f *testing.F) {
	for _, s := range []string{
		"Albanian Prime Minister Edi Rama declared in a video statement.",
		"the Government of the Islamic Republic of Iran and People’s Mujahideen Organization of Iran",
		"Thomas S. Kuhn met Mr. and Mrs. O'Neil of Dublin's Trinity College.",
		"Of Of of The The", "É Ü ÿ", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, n := range nameRuns(s, map[string]bool{}) {
			if strings.TrimSpace(n.name) == "" || n.kind == "" {
				t.Fatalf("%q: empty name or kind %+v", s, n)
			}
			for _, w := range strings.Fields(n.name) {
				if !strings.Contains(s, w) {
					t.Fatalf("%q: name %q holds %q, not in the sentence", s, n.name, w)
				}
			}
		}
	})
}

// TestNameRuns: the names of a sentence and their kinds.
func TestNameRuns(t *testing.T) {
	check := func(inside map[string]bool, cases map[string]string) {
		t.Helper()
		for s, want := range cases {
			var got []string
			for _, n := range nameRuns(s, inside) {
				got = append(got, n.name+"/"+n.kind)
			}
			if strings.Join(got, " ") != want {
				t.Errorf("nameRuns(%q) = %q, want %q", s, strings.Join(got, " "), want)
			}
		}
	}
	check(map[string]bool{}, map[string]string{ // no sentence's first word is a name here
		"Albanian Prime Minister Edi Rama declared in a video statement.":         "Edi Rama/p",
		"Then the King said that the Princess must marry.":                        "the King/p the Princess/p",
		"Because of the group’s critical approach to the Islamist rule, he left.": "",
		"They rose in support of president Abolhassan Banisadr, claiming a coup.": "Abolhassan Banisadr/p",
		"We have concluded that the Government of Iran conducted it.":             "Government of Iran/g",
		"The US and the White House said so, and Tirana agreed.":                  "US/l White House/g Tirana/l",
		// a tale's characters: named by an animal, hyphenated, after "Mr.",
		// or speaking though WordNet's "Hans" is the Hanse, a group
		"Then Tom Kitten met Jemima Puddle-Duck on the road.":                             "Tom Kitten/p Jemima Puddle-Duck/p",
		"“It's a very fine morning!” said Mr. Drake Puddle-Duck.":                         "Drake Puddle-Duck/p",
		"“I am glad,” said Hans, and went on.":                                            "Hans/p",
		"Then Tabitha Twitchit-expected friends to tea.":                                  "Tabitha Twitchit/p",
		"There were three kittens, and their names were Mittens, Tom Kitten, and Moppet.": "Mittens/p Tom Kitten/p Moppet/p",
		"He was the Prince of Norroway, who had vanquished the Evil Spirit.":              "Prince of Norroway/p Evil Spirit/p",
		"'Done,' says Saint Kavin, and they sailed to Saint Louis.":                       "Saint Kavin/p Saint Louis/l",
	})
	// a word that opens a quote is a name when the story writes it so inside
	// a sentence too, but a verb of speech across a quotation mark makes no
	// person of it, and "a Jack" names no one
	check(map[string]bool{"Well": true, "Yes": true, "Jack": true}, map[string]string{
		"Lastly he said, 'Well, Jack my Hedgehog, and what shall I bring you?'": "Well/o Jack my Hedgehog/p",
		"Then Ivan the Fool gave Boots the King's hat.":                         "Ivan the Fool/p the King/p",
		"The King said 'Yes,' and gave Jack a written promise.":                 "the King/p Yes/o",
		"'Here is a Jack,' said he.":                                            "",
		"Then said Jack, 'I will go.'":                                          "Jack/p",
	})
}

// TestNameAskedOf: a question of the name of someone or somewhere a story
// speaks of by a common noun ("what was the name of the lake?" was quoted
// as if "Mishosha by name", a magician in the lake, were the lake's).
func TestNameAskedOf(t *testing.T) {
	p := New(Options{Retriever: nopRetriever{}})
	named := func(q string) string {
		n, d := p.nameAsked(q)
		if d != "" {
			return "described " + d
		}
		return n
	}
	expect(t, "nameAsked", named, map[string]string{
		"What is the name of the Iranian ambassador to Albania?": "described ambassador", // session 27's new users: quoted unhedged
		"what was the mother's name?":                            "mother", "what is Ali Baba's name?": "", "what was the name of the song?": "",
		"what was the name of the lake?": "lake", "whats the lakes name": "lake", "what was the town called?": "town",
		"what's the old man's name": "man", "what was the name of the old woman?": "woman", "what was the name of the big lake": "lake", // an adjective before
		"What was the name of the Prince's country?": "countri", "What was the name of the village where he kept sheep?": "villag", // new users': both quoted as if named
		"What was the name of the hacking group?": "group",                                                 // a new user's: answered with the opposition group's name
		"What were the names of the two sisters?": "sister", "what were the two sisters called?": "sister", // new users': quoted as if named
		"what was the name of the song that he sang?": "", "What is the name of the quarterback who was 38 in Super Bowl XXXIII?": "described quarterback", // xquad's: "John Elway, who led the Broncos" names him
	})
}
