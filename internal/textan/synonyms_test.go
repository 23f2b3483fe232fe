package textan

import (
	"slices"
	"testing"
)

func TestWordNetSynonyms(t *testing.T) {
	an := English()
	syn := WordNet()
	tests := []struct {
		word, other string // as written
		has         bool   // whether other's term is among word's term's synonyms
	}{
		{"thwarted", "foiled", true}, // the story's "thwarted several planned attacks"
		{"foiled", "thwarted", true},
		{"stopped", "halted", true},
		{"plots", "plans", true},
		{"blamed", "faulted", true},
		{"huge", "enormous", true},
		{"went", "traveled", true},     // irregular forms meet their verb's synonyms
		{"thwarted", "crossed", false}, // cross's sixth sense: too far down to count
		{"king", "queen", false},
	}
	for _, tt := range tests {
		a, b := an.Term(tt.word), an.Term(tt.other)
		if got := slices.Contains(syn.Lookup(a), b); got != tt.has {
			t.Errorf("%s (%s) → %s (%s): %v, want %v; synonyms %v", tt.word, a, tt.other, b, got, tt.has, syn.Lookup(a))
		}
	}
	if got := syn.Lookup("zzzz"); got != nil {
		t.Errorf("unknown term: %v", got)
	}
	var none *Synonyms
	if got := none.Lookup("thwart"); got != nil {
		t.Errorf("nil Synonyms: %v", got)
	}
}

func TestParseSynonyms(t *testing.T) {
	s := ParseSynonyms("# a comment\nthwart foil frustr\n\nlonely\nbig larg\n")
	if got := s.Lookup("thwart"); !slices.Equal(got, []string{"foil", "frustr"}) {
		t.Errorf("thwart: %v", got)
	}
	if got := s.Lookup("lonely"); got != nil {
		t.Errorf("a term without synonyms: %v", got)
	}
	if got := s.Lookup("#"); got != nil {
		t.Errorf("comment read as a term: %v", got)
	}
}

// TestIsEnglish: the words WordNet knows, in any inflection, are English;
// misspellings are not (names WordNet has, "Albania", are English too).
func TestIsEnglish(t *testing.T) {
	for w, want := range map[string]bool{
		"attacked": true, "geese": true, "went": true, "Albania": true, "the": true, "ideology": true, "people": true,
		"albnia": false, "ideolgy": false, "poeple": false, "atack": false, "cyberatack": false,
	} {
		if got := IsEnglish(w); got != want {
			t.Errorf("IsEnglish(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestIsName(t *testing.T) {
	for w, want := range map[string]bool{
		"nato": true, "NATO": true, "tirana": true, "Albania": true, "iranian": true, "tehran": true,
		"us": false, "john": false, "bill": false, "march": false, "attack": false, "the": false, "microsoft": false,
	} {
		if got := IsName(w); got != want {
			t.Errorf("IsName(%q) = %v, want %v", w, got, want)
		}
	}
}
