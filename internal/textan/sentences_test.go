package textan

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// sentenceCase is text and the sentences it must give, each as
// "text|line-endline" (0-based lines).
type sentenceCase struct {
	name string
	text string
	want []string
}

func TestSentences(t *testing.T) {
	cases := []sentenceCase{
		{"hard-wrapped", "Once upon a time there was a queen\nwho was so beautiful that no one was like\nher in the world. She lived in a castle.\n",
			[]string{"Once upon a time there was a queen who was so beautiful that no one was like her in the world.|0-2", "She lived in a castle.|2-2"}},
		{"blank lines end paragraphs", "First line\n\n\nSecond one. Third.", []string{"First line|0-0", "Second one.|3-3", "Third.|3-3"}},
		{"empty paragraphs", "\n\n   \n\t\n", nil},
		{"windows line endings", "One sentence\r\nover two lines. Another.\r\n\r\nNext para.\r\n",
			[]string{"One sentence over two lines.|0-1", "Another.|1-1", "Next para.|3-3"}},
		{"titles and numbers", "Mr. Smith met Dr. Jones at St. Paul's. He lives at No. 5 Main Street. She said no. Then left.",
			[]string{"Mr. Smith met Dr. Jones at St. Paul's.|0-0", "He lives at No. 5 Main Street.|0-0", "She said no.|0-0", "Then left.|0-0"}},
		{"initials", "J. R. R. Tolkien wrote it. The U.S. Army came.", []string{"J. R. R. Tolkien wrote it.|0-0", "The U.S. Army came.|0-0"}},
		{"ellipsis", "He waited... Then he left. Nothing happened…\nAnd then?", []string{"He waited...|0-0", "Then he left.|0-0", "Nothing happened…|0-0", "And then?|1-1"}},
		{"quote ends sentence", "'You shall marry the queen.' So messengers\nwere sent. 'Who is there?' asked the king.",
			[]string{"'You shall marry the queen.'|0-0", "So messengers were sent.|0-1", "'Who is there?' asked the king.|1-1"}},
		{"hyphenated at line end", "The govern-\nment decided. A well-\nKnown man.", []string{"The government decided.|0-1", "A well- Known man.|1-2"}},
		{"dash at line end", "He ran--\nand ran. Then—\nstopped.", []string{"He ran--and ran.|0-1", "Then—stopped.|1-2"}},
		{"list items", "Things to bring\n- a lamp\n- a rope\n1. first\n2) second", []string{"Things to bring|0-0", "- a lamp|1-1", "- a rope|2-2", "1. first|3-3", "2) second|4-4"}},
		{"two spaces after a stop", "He was waiting to receive her.  He had violet eyes.   Then he knelt.",
			[]string{"He was waiting to receive her.|0-0", "He had violet eyes.|0-0", "Then he knelt.|0-0"}},
		{"indented lines", "   Indented text\n      goes on here.  \n", []string{"Indented text goes on here.|0-1"}},
		{"news", "Mr. Rama spoke on Sept. 7 about the U.S. statement. It was “reckless.” Then J. Smith left!\nNew line here? Yes 3.5 percent.",
			[]string{"Mr. Rama spoke on Sept. 7 about the U.S. statement.|0-0", "It was “reckless.”|0-0", "Then J. Smith left!|0-0", "New line here?|1-1", "Yes 3.5 percent.|1-1"}},
		{"a short cry before a speech tag", "'A wolf! A wolf!' cried Walter, and that was all. 'Help! Who is there? Come quick!' she said. 'Stop! The king comes here to-day.' So they ran.",
			[]string{"'A wolf! A wolf!' cried Walter, and that was all.|0-0", "'Help!|0-0", "Who is there?|0-0", "Come quick!' she said.|0-0", "'Stop!|0-0", "The king comes here to-day.'|0-0", "So they ran.|0-0"}},
		{"lower case after stop", "It cost 3.5 dollars, e.g. a lot. Really.", []string{"It cost 3.5 dollars, e.g. a lot.|0-0", "Really.|0-0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Sentences(c.text)
			var gs []string
			for _, s := range got {
				gs = append(gs, s.Text+"|"+strconv.Itoa(s.Line)+"-"+strconv.Itoa(s.EndLine))
				checkSpan(t, c.text, s)
			}
			if strings.Join(gs, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("Sentences(%q)\n got: %q\nwant: %q", c.text, gs, c.want)
			}
		})
	}
}

// checkSpan checks that s.Text is what text[s.Start:s.End] says on one line.
func checkSpan(t *testing.T, text string, s Sentence) {
	t.Helper()
	if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
		t.Fatalf("span %d-%d out of %d bytes", s.Start, s.End, len(text))
	}
	raw := text[s.Start:s.End]
	if flat(raw) != flat(s.Text) {
		t.Errorf("text[%d:%d] = %q does not read as %q", s.Start, s.End, raw, s.Text)
	}
	if got := strings.Count(text[:s.Start], "\n"); got != s.Line {
		t.Errorf("%q: Line %d, want %d", s.Text, s.Line, got)
	}
	if got := strings.Count(text[:s.End-1], "\n"); got != s.EndLine {
		t.Errorf("%q: EndLine %d, want %d", s.Text, s.EndLine, got)
	}
}

// flat removes all white space and hyphens, which joining lines may remove.
func flat(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '-' {
			return -1
		}
		return r
	}, s)
}

func TestSentencesLongLine(t *testing.T) {
	text := strings.Repeat("and the wind blew over the hills ", 600) // ~20,000 bytes, no full stop
	got := Sentences(text)
	if len(got) < 40 {
		t.Fatalf("%d sentences from a 20,000-byte line, want it cut", len(got))
	}
	total := 0
	for _, s := range got {
		if len(s.Text) > MaxSentenceBytes {
			t.Errorf("sentence of %d bytes > %d", len(s.Text), MaxSentenceBytes)
		}
		checkSpan(t, text, s)
		total += len(strings.Fields(s.Text))
	}
	if total != len(strings.Fields(text)) {
		t.Errorf("%d words in sentences, %d in text", total, len(strings.Fields(text)))
	}
	// the pieces say that they are pieces, so that a quote can mark them
	for i, s := range got {
		if s.Resumed != (i > 0) || s.Continued != (i < len(got)-1) {
			t.Errorf("piece %d of %d: Resumed %v, Continued %v", i, len(got), s.Resumed, s.Continued)
		}
	}
	if s := Sentences("A short one. And another."); s[0].Continued || s[1].Resumed {
		t.Errorf("whole sentences marked as pieces: %+v", s)
	}
}

func TestSentencesVerse(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 40; i++ {
		b.WriteString("Over the hills and far away\n")
	}
	got := Sentences(b.String())
	for _, s := range got {
		if len(s.Text) > MaxSentenceBytes {
			t.Errorf("verse sentence of %d bytes", len(s.Text))
		}
		checkSpan(t, b.String(), s)
	}
}

func FuzzSentences(f *testing.F) {
	for _, s := range []string{"Mr. A. Smith went.\nTo the\nshop. Then-\nafter.", "a\r\n\r\nb. C", "…", "- x\n- y", strings.Repeat("x", 1000), "'Hi.' So\n\n", "'A wolf! A wolf!' cried he. 'Help! Who?' she said"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return
		}
		prev := 0
		for _, s := range Sentences(text) {
			if s.Start < prev || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("span %d-%d after %d in %d bytes", s.Start, s.End, prev, len(text))
			}
			prev = s.End
			if s.Text == "" || strings.TrimSpace(s.Text) != s.Text {
				t.Fatalf("sentence text %q", s.Text)
			}
			if s.Line > s.EndLine || s.Line != strings.Count(text[:s.Start], "\n") {
				t.Fatalf("lines %d-%d for %q", s.Line, s.EndLine, s.Text)
			}
			if !utf8.ValidString(s.Text) || len(s.Text) > MaxSentenceBytes+8 {
				t.Fatalf("bad sentence %q", s.Text)
			}
		}
	})
}

// TestLeansBack: a sentence that opens with a pronoun leans on the one
// before it; one that names its subject, says "There was" or moves on in
// time ("That evening …"), does not.
func TestLeansBack(t *testing.T) {
	leaning := []string{"He then mounted the Dragon.", "“They were thirty sisters,” said the bee.", "This extreme response… is proportional."}
	standing := []string{"The snail certainly took half a year.", "There was a princess who was proud.", "Hence the name.", "That evening they left the country for ever."}
	for i, s := range append(leaning, standing...) {
		if got, want := LeansBack(s), i < len(leaning); got != want {
			t.Errorf("LeansBack(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestWithQuotation(t *testing.T) {
	text := "And then he knocked at the door, and cried,\n\n\"Open the door, my dear children.\" They did not.\n\nHe said:\n\nNothing more. So, he said, \"no.\""
	ss := Sentences(text)
	j, ok := WithQuotation(text, ss, 0)
	if !ok || j.Text != "And then he knocked at the door, and cried, \"Open the door, my dear children.\"" || text[j.Start:j.End] != "And then he knocked at the door, and cried,\n\n\"Open the door, my dear children.\"" || j.Line != 0 || j.EndLine != 2 {
		t.Errorf("a tag and its quotation: %+v, %v", j, ok)
	}
	for i := 1; i < len(ss); i++ { // no tag; a tag before no quotation; the last
		if j, ok := WithQuotation(text, ss, i); ok || j != ss[i] {
			t.Errorf("sentence %d %q joined: %+v", i, ss[i].Text, j)
		}
	}
}

// TestOpenQuotations: a quote that begins or ends inside a quotation says
// so; an apostrophe ("That's", "the thieves' gold") is no quotation mark.
func TestOpenQuotations(t *testing.T) {
	// each text: whether it resumes a quotation, and whether it leaves one open
	for s, want := range map[string][2]bool{
		"The King thought to himself, 'That's easy enough to promise.":         {false, true},
		"It grieves one to see her so.'":                                       {true, false},
		"\"Oh, look!\" said he, \"yonder are three black geese\"":              {false, false},
		"“This extreme response… is fully proportional,” PM Rama said.":        {false, false},
		"The thieves' gold was hidden, and that's that.":                       {false, false},
		"He said: “We will come back. We will":                                 {false, true},
		"we will win.” And they left.":                                         {true, false},
		"‘Yes,’ said the King, and gave Jack a written promise.":               {false, false},
		"The King said 'Yes,' and gave Jack a written promise to that effect.": {false, false},
		"It’s the brothers’ house.":                                            {false, false},
	} {
		if r, k := OpenQuotations(s); r != want[0] || k != want[1] {
			t.Errorf("OpenQuotations(%q) = %v, %v; want %v", s, r, k, want)
		}
	}
}

// FuzzOpenQuotations: any text, however its marks fall, gives an answer
// without panicking, and text without a quotation mark is in none.
func FuzzOpenQuotations(f *testing.F) {
	for _, s := range []string{"'Yes,' he said.", "“a", "”", "x' '", "\"\"\"", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, k := OpenQuotations(s)
		if !strings.ContainsAny(s, "\"'“”‘’") && (r || k) {
			t.Errorf("OpenQuotations(%q) = %v, %v with no quotation mark", s, r, k)
		}
	})
}

// TestWithQuotationEnd: a sentence that opens a quotation and leaves it
// open is joined with the sentence that closes it, in its paragraph and
// within two sentences; otherwise it stands alone.
func TestWithQuotationEnd(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"The King thought to himself, 'That's easy enough to promise. The creature won't understand a word about it.' Then he rode on.",
			"The King thought to himself, 'That's easy enough to promise. The creature won't understand a word about it.'"},
		{"He said: “We will come back. We will. We will win. We will stay.” And they left.", "He said: “We will come back."}, // closed too late
		{"He said: “We will come back.\n\nAnd they left.”", "He said: “We will come back."},                                  // not across a paragraph
		{"He said: “We will come back.” And they left.", "He said: “We will come back.”"},                                    // closed already
	} {
		ss := Sentences(c.text)
		got, ok := WithQuotationEnd(c.text, ss, 0)
		if got.Text != c.want || ok != (got.Text != ss[0].Text) || c.text[got.Start:got.End] != strings.TrimSpace(c.text[got.Start:got.End]) {
			t.Errorf("WithQuotationEnd(%q) = %q, %v; want %q", c.text, got.Text, ok, c.want)
		}
	}
}

// TestWithQuotationStart: a sentence that closes a quotation it did not
// open is joined with the one before it that opens it, in its paragraph.
func TestWithQuotationStart(t *testing.T) {
	text := "The cat went on.\n\n\"Good-day, cat! Have you had anything to eat yet to-day?\" said the moon."
	ss := Sentences(text)
	got, ok := WithQuotationStart(text, ss, len(ss)-1)
	if want := "\"Good-day, cat! Have you had anything to eat yet to-day?\" said the moon."; !ok || got.Text != want || text[got.Start:got.End] != want {
		t.Errorf("got %q (%v), want %q", got.Text, ok, want)
	}
	if _, ok := WithQuotationStart(text, ss, 0); ok {
		t.Errorf("a sentence outside any quotation was joined")
	}
}
