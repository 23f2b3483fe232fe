package answer_test

import (
	"context"
	"strings"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/search"
)

// TestWhoIs: "Who is X?" is answered, offline, from the sentence that
// introduces X and the one that describes X best, not from the dialogue
// that names X most ("Musha, Finn, avick"); with a model, those passages
// come first.
func TestWhoIs(t *testing.T) {
	ctx := context.Background()
	tale := tale(t)
	ix := story(t)
	for _, c := range []struct {
		ix        *search.Index
		q         string
		want, not []string
	}{
		{tale, "Who is Finn?", []string{"It so happened that Finn and his gigantic relatives", "Finn, who was very fond of his wife"}, []string{"Musha"}},
		{tale, "who was far rua?", []string{"another giant, named Far Rua"}, nil},
		{tale, "whos far rua", []string{"another giant, named Far Rua"}, nil}, // chat's "who's", with or without its apostrophe
		{tale, "Who’s Finn?", []string{"Finn, who was very fond of his wife"}, []string{"Musha"}},
		{ix, "What is Durres?", []string{"Durres, the country’s main port"}, nil},
		{ix, "Who is Edi Rama?", []string{"Albanian Prime Minister Edi Rama declared"}, nil},
		// how the story describes someone is who they are
		{tale, "How does the story describe Finn?", []string{"Finn, who was very fond of his wife"}, []string{"Musha"}},
		{tale, "tell me about far rua", []string{"another giant, named Far Rua"}, nil},
		{ix, "describe the MEK", []string{"also known by its Farsi name Mujahideen-e-Khalq (MEK)"}, nil},
		{indexDir(t, "testdata/lucie"), "How does the story describe Lucie?", []string{"She was a good little girl"}, []string{"I found no sentence"}},
		// a hyphenated name, asked as the question's words split it; an
		// apposition before it ("his dog, Spirit-Iron,") is no address, and
		// a clause after a comma ("Ko-ko, the moccasins were …") no apposition
		{indexDir(t, "testdata/toad"), "Who was Spirit-Iron?", []string{"his dog, Spirit-Iron"}, []string{"These directions the young woman followed"}},
		{indexDir(t, "testdata/toad"), "who is the toad woman?", []string{"the old Toad-Woman, who was a child-thief and a witch"}, nil},
		// a title with its period, asked without ("mrs tabitha"); a
		// dash after "their mother" sets off the name it introduces
		{indexDir(t, "testdata/tomkitten"), "who is mrs tabitha?", []string{"their mother-Mrs. Tabitha Twitchit-expected friends"}, []string{"dressed Moppet"}},
		// a name with a word English stops at ("Liu I"): its introduction
		{indexDir(t, "testdata/disowned"), "who is liu i", []string{"there lived a man named Liu I, who had failed"}, nil},
		// a list of names after "named" introduces each (an apposition
		// later, "Notscha, his soul,", led)
		{indexDir(t, "testdata/notscha"), "who is notscha?", []string{"Her sons were named Gintscha, Mutscha and Notscha."}, nil},
		{indexDir(t, "testdata/owl"), "who is Ko-ko?", []string{"This man's name was Ko-ko, the Owl"}, []string{"five-and-twenty", "Onwee Bahmondang, he said"}},
	} {
		p := answer.New(answer.Options{Retriever: c.ix, Documents: c.ix.Docs})
		a, err := p.Ask(ctx, answer.Request{Question: c.q}, nil)
		if err != nil || a.Refused {
			t.Errorf("%q: %+v, %v", c.q, a, err)
		}
		for _, w := range c.want {
			if !strings.Contains(a.Text, w) {
				t.Errorf("%q: %q lacks %q", c.q, a.Text, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(a.Text, w) {
				t.Errorf("%q: %q has %q", c.q, a.Text, w)
			}
		}
	}
	m := replying("Finn is a giant [1].")
	p := answer.New(answer.Options{Retriever: tale, Documents: tale.Docs, Model: m})
	if _, err := p.Ask(ctx, answer.Request{Question: "Who is Finn?"}, nil); err != nil {
		t.Fatal(err)
	}
	user := m.calls[0].Messages[1].Content
	if i := strings.Index(user, "It so happened that Finn"); i < 0 || i > strings.Index(user, "<<<PASSAGE 2>>>") {
		t.Errorf("the model's first passage is not Finn's first mention:\n%s", user)
	}
}

// tale indexes testdata/tale: the first 60 lines of FairytaleQA's "A
// Legend of Knockmany", a real hard-wrapped Gutenberg story.
func tale(t testing.TB) *search.Index { return indexDir(t, "testdata/tale") }
