package answer

import (
	"context"
	"testing"

	"storybot/internal/search"
)

type nopRetriever struct{}

func (nopRetriever) Search(context.Context, string, int) ([]search.Hit, error) { return nil, nil }

// expect checks fn on each case of a table: fn(in) must give want.
func expect[In, Out comparable](t *testing.T, name string, fn func(In) Out, cases map[In]Out) {
	t.Helper()
	for in, want := range cases {
		if got := fn(in); got != want {
			t.Errorf("%s(%#v) = %#v, want %#v", name, in, got, want)
		}
	}
}

// TestSearchText: words that frame a question or name the asker's time are
// not searched for, and a party's "side" names the party.
func TestSearchText(t *testing.T) {
	expect(t, "searchText", searchText, map[string]string{
		"What does the MEK want today?":              "What does the MEK want",
		"How long has there been tension?":           "How has there been tension?",
		"what did the iranian side say":              "what did the iranian say",
		"what was the reaction from Albania's side?": "what was the reaction from Albania's",
		"which side of the river was the castle on?": "which side of the river was the castle on?",
		"summarize in 3 points":                      "summarize",
	})
}

// TestRoleOfName: "who is the president of Albania?" asks for a role of
// someone named, which one sentence must hold whole.
func TestRoleOfName(t *testing.T) {
	expect(t, "roleOfName", roleOfName, map[string]bool{
		"the president of albania":            true,
		"the foreign minister of Iran":        true,
		"the English translator of this hymn": false,
		"the yellow water-lily":               false,
		"Edi Rama":                            false,
	})
}

// TestSharesWord: names that share a word are one for a refusal's list of
// what the documents are about, a hyphen as a space ("Dais-Imid" after
// "Dais Imid"); "of" and "the" are shared by many.
func TestSharesWord(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{{"Dais Imid", "Dais-Imid", true}, {"Iran", "Islamic Republic of Iran", true}, {"Bank of England", "Isle of Man", false}} {
		if got := sharesWord(c.a, c.b); got != c.want {
			t.Errorf("sharesWord(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

// TestAdjacentOutside: a sentence beside the passages (not among cands,
// index -1) has no neighbour among them; it panicked, and took the
// console down, when a sentence that names what the one before counted
// (namesThemRe) followed such a sentence.
func TestAdjacentOutside(t *testing.T) {
	sp := &sourcePassage{}
	cands := []*candidate{{sp: sp}, {sp: sp}}
	if c := adjacent(cands, -1, 1); c != nil {
		t.Errorf("adjacent(-1, +1) = %v", c)
	}
	if c := adjacent(cands, 0, 1); c != cands[1] {
		t.Errorf("adjacent(0, +1) = %v", c)
	}
}
