package answer

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"storybot/internal/knowledge"
	"storybot/internal/search"
)

func testPassages(n int) []*sourcePassage {
	var out []*sourcePassage
	for i := 1; i <= n; i++ {
		ps := &knowledge.Passage{ID: strconv.Itoa(i), Doc: "d.txt", Title: "D", ParaStart: i, ParaEnd: i, StartLine: i, EndLine: i,
			Text: "Passage " + strconv.Itoa(i) + " says “the attack was reckless and irresponsible” in July. It ended ties."}
		out = append(out, &sourcePassage{N: i, Hit: search.Hit{Passage: ps, Score: 1, Match: 1}})
	}
	return out
}

func TestResolveCitations(t *testing.T) {
	p := New(Options{Retriever: nopRetriever{}})
	for _, c := range []struct{ in, want string }{
		{"A [3]. B [1]. C [3].", "A [1]. B [2]. C [1]."},
		{"Invented [7] and real [2].", "Invented and real [1]."},
		{"Both [1, 2] and [2;3] and [2][2].", "Both [1][2] and [2][3] and [2]."},
		{"None [0] [99].", "None."},
		{"Not a marker [a] or [].", "Not a marker [a] or []."},
		{"Named [Passage 2] and [sources 1, 3].", "Named [1] and [2][3]."},
		// A marker made a Markdown link would point the trusted "[1]" at
		// any URL (a document's injected text can ask for it): the URL goes.
		{"Linked [2](https://evil.example/login) and [1](<http://x.example>).", "Linked [1] and [2]."},
		{"Named [source 3](https://e.example) [7](https://e.example).", "Named [1]."},
		// Any other masked link shows its URL.
		{"See [the report](https://evil.example/a?b=1) [1].", "See the report (https://evil.example/a?b=1) [1]."},
	} {
		got, cites := p.resolveCitations(c.in, testPassages(3))
		if got != c.want {
			t.Errorf("%q → %q, want %q", c.in, got, c.want)
		}
		for i, ct := range cites {
			if ct.N != i+1 || ct.Location == "" || ct.Quote == "" {
				t.Errorf("%q: citation %d = %+v", c.in, i, ct)
			}
		}
	}
}

func TestQuoteChecks(t *testing.T) {
	p := New(Options{Retriever: nopRetriever{}})
	_, cites := p.resolveCitations(`It was "the attack was reckless and irresponsible" [1], and "reckless... irresponsible" [2], but "a peaceful act" [3].`, testPassages(3))
	if len(cites) != 3 {
		t.Fatalf("%+v", cites)
	}
	if cites[0].Flagged != "" || cites[1].Flagged != "" || cites[2].Flagged == "" {
		t.Errorf("flags: %q %q %q", cites[0].Flagged, cites[1].Flagged, cites[2].Flagged)
	}
	if cites[0].Quote != "the attack was reckless and irresponsible" {
		t.Errorf("quote = %q", cites[0].Quote)
	}
}

func TestQuoteIn(t *testing.T) {
	passage := "Washington concluded that Iran was behind what it dubbed as a “reckless and irresponsible” July 15 cyberattack.\nIt’s over — done."
	for q, want := range map[string]bool{
		`"reckless and irresponsible"`:             true,
		"RECKLESS   and\nirresponsible":            true,
		"it's over - done":                         true,
		"Washington concluded … July 15":           true,
		"Washington concluded ... it dubbed":       true,
		"July 15 … Washington":                     false,
		"reckless and dangerous":                   false,
		"":                                         true,
		"dubbed as a \"reckless and irresponsible": true,
	} {
		if got := QuoteIn(q, passage); got != want {
			t.Errorf("QuoteIn(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestIsRefusal(t *testing.T) {
	expect(t, "IsRefusal", IsRefusal, map[string]bool{
		"The documents do not say.":                          true,
		"The passages don’t mention who paid.":               true,
		"The provided sources do not contain that.":          true,
		"I cannot answer that from the documents.":           true,
		"There is no information about that.":                true,
		"This is not mentioned in the passages.":             true,
		"Albania cut ties because of a cyberattack [1].":     false,
		"The documents say Albania cut ties [1].":            false,
		"Rama said the government does not tolerate it [2].": false,
	})
}

func TestNeutralize(t *testing.T) {
	got := Neutralize("@everyone @here <@1> <@!2> <@&3> <#4> mail@example.com")
	for _, bad := range []string{"@everyone", "@here", "<@1>", "<@!2>", "<@&3>", "<#4>"} {
		if strings.Contains(got, bad) {
			t.Errorf("%q survives: %q", bad, got)
		}
	}
	if !strings.Contains(got, "mail@example.com") {
		t.Errorf("e-mail changed: %q", got)
	}
}

var outMarker = regexp.MustCompile(`\[(\d+)\]`)

func FuzzResolveCitations(f *testing.F) {
	for _, s := range []string{"A [1]. B [2][7].", `"quote" [1]`, "[1, 2; 3]", "[", "“x” [3]", "[0001]", "[1-3]"} {
		f.Add(s)
	}
	p := New(Options{Retriever: nopRetriever{}})
	f.Fuzz(func(t *testing.T, s string) {
		out, cites := p.resolveCitations(s, testPassages(3))
		next := 1
		for _, m := range outMarker.FindAllStringSubmatch(out, -1) {
			n, _ := strconv.Atoi(m[1])
			if n < 1 || n > len(cites) {
				// only markers that were not citation syntax in the input may remain
				if strings.Contains(s, m[0]) {
					continue
				}
				t.Fatalf("marker %s names no citation in %q → %q", m[0], s, out)
			}
			if n == next {
				next++
			}
		}
		if len(cites) > 3 {
			t.Fatalf("%d citations from 3 passages", len(cites))
		}
	})
}

func TestSourceRefs(t *testing.T) {
	if got := SourceRefs("Spread is fast [12] and [3, 4]; see [a]."); got != "Spread is fast (12) and (3, 4); see [a]." {
		t.Errorf("SourceRefs = %q", got)
	}
}
