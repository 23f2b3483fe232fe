package bot

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var markerRE = regexp.MustCompile(`\[\d+\]`)

// checkSplit asserts the properties every split must have.
func checkSplit(t *testing.T, in string, limit int, chunks []string) {
	t.Helper()
	if limit < 16 {
		limit = 16
	}
	for i, c := range chunks {
		if n := utf8.RuneCountInString(c); n > limit {
			t.Fatalf("chunk %d has %d runes, limit %d", i, n, limit)
		}
		if strings.TrimSpace(c) == "" {
			t.Fatalf("chunk %d is blank", i)
		}
	}
	if strings.Contains(in, "```") {
		return // long code blocks are re-fenced; the checks below do not apply
	}
	strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if got, want := strip(strings.Join(chunks, "")), strip(in); got != want {
		t.Fatalf("content changed:\n got %q\nwant %q", got, want)
	}
	want := len(markerRE.FindAllString(in, -1))
	got := 0
	for _, c := range chunks {
		got += len(markerRE.FindAllString(c, -1))
	}
	if got != want {
		t.Fatalf("citation markers: %d in chunks, %d in input (one was cut)", got, want)
	}
}

func TestSplitShortTextIsOneChunk(t *testing.T) {
	got := Split("  Albania cut ties with Iran [1].  ", 2000)
	if len(got) != 1 || got[0] != "Albania cut ties with Iran [1]." {
		t.Fatalf("got %q", got)
	}
	if got := Split(" \n ", 2000); len(got) != 0 {
		t.Fatalf("blank text: got %q", got)
	}
}

func TestSplitPrefersParagraphs(t *testing.T) {
	p1 := strings.Repeat("The attack hit government systems [1]. ", 20)
	p2 := strings.Repeat("Albania cut ties with Iran [2]. ", 20)
	in := p1 + "\n\n" + p2
	got := Split(in, 1000)
	checkSplit(t, in, 1000, got)
	if len(got) != 2 || got[0] != strings.TrimSpace(p1) {
		t.Fatalf("want a cut at the paragraph break, got %d chunks: %q", len(got), got)
	}
}

func TestSplitAtSentenceNotInsideMarker(t *testing.T) {
	// One paragraph, no breaks: the cut falls after a sentence, never in "[12]".
	in := strings.Repeat("Word word word [12]. ", 200)
	got := Split(in, 100)
	checkSplit(t, in, 100, got)
	for _, c := range got {
		if !strings.HasSuffix(c, ".") {
			t.Fatalf("chunk does not end at a sentence: %q", c)
		}
	}
}

func TestSplitKeepsLinksWhole(t *testing.T) {
	link := "[the report](https://example.com/" + strings.Repeat("a", 60) + ")"
	in := strings.Repeat("x", 70) + link + strings.Repeat("y", 70)
	got := Split(in, 100)
	checkSplit(t, in, 100, got)
	joined := strings.Join(got, "\n")
	if !strings.Contains(joined, link) {
		t.Fatalf("link was cut: %q", got)
	}
}

func TestSplitLongCodeBlockIsRefenced(t *testing.T) {
	var b strings.Builder
	b.WriteString("Intro.\n\n```go\n")
	for i := 0; i < 100; i++ {
		b.WriteString("fmt.Println(\"line\")\n")
	}
	b.WriteString("```\n\nOutro.")
	got := Split(b.String(), 300)
	checkSplit(t, b.String(), 300, got)
	for _, c := range got {
		if strings.Count(c, "```")%2 != 0 {
			t.Fatalf("unbalanced fence in chunk %q", c)
		}
	}
	if len(got) < 5 {
		t.Fatalf("want several chunks, got %d", len(got))
	}
}

func TestSplitMultibyte(t *testing.T) {
	in := strings.Repeat("Shqipëria ndërpreu lidhjet me Iranin 🇦🇱. ", 100)
	got := Split(in, 200)
	checkSplit(t, in, 200, got)
	for _, c := range got {
		if !utf8.ValidString(c) {
			t.Fatalf("invalid UTF-8 in %q", c)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("Albania [1] cut ties. Iran [2] denied it.\n\nSee https://example.com/x and [a](https://b.c).", 20)
	f.Add("```\ncode\n```"+strings.Repeat(" z", 40), 16)
	f.Add(strings.Repeat("[123]", 50), 17)
	f.Add("no-spaces-at-all-"+strings.Repeat("é", 100), 30)
	f.Fuzz(func(t *testing.T, in string, limit int) {
		if !utf8.ValidString(in) || limit > 5000 || limit < 0 {
			t.Skip()
		}
		got := Split(in, limit)
		checkSplit(t, in, limit, got)
	})
}

// FuzzFitReply: a reply is at most maxParts chunks of at most limit
// characters, and a short tail (the sources block) survives the cut whole
// when the limit leaves room for the cut note.
func FuzzFitReply(f *testing.F) {
	f.Add(strings.Repeat("The attack was severe [1]. ", 200), "-# note\n\n**Sources**\n[1] Story — ¶1", 200, 3)
	f.Add("short", "", 100, 1)
	f.Add(strings.Repeat("word ", 50), strings.Repeat("[9] a source line\n", 80), 120, 3)
	f.Add(strings.Repeat("é", 900), "tail", 16, 2)
	f.Fuzz(func(t *testing.T, body, tail string, limit, maxParts int) {
		if !utf8.ValidString(body) || !utf8.ValidString(tail) || limit < 16 || limit > 3000 || maxParts < 1 || maxParts > 5 {
			t.Skip()
		}
		got := fitReply(body, tail, limit, maxParts)
		if len(got) > maxParts {
			t.Fatalf("%d chunks, want at most %d", len(got), maxParts)
		}
		for i, c := range got {
			if n := utf8.RuneCountInString(c); n > limit {
				t.Fatalf("chunk %d has %d characters, limit %d", i, n, limit)
			}
		}
		all := strings.Join(got, "\n")
		tail = strings.TrimSpace(tail)
		if tail != "" && utf8.RuneCountInString(tail) < limit/2 && limit >= 200 && maxParts > 1 && !strings.Contains(all, tail) && !strings.Contains(all, "Cut here") {
			t.Fatalf("the tail %q was lost without a cut note:\n%s", tail, all)
		}
	})
}

func BenchmarkSplit(b *testing.B) {
	in := strings.Repeat("The attack hit government systems [1]. Albania cut ties [2].\n\n", 300)
	b.ReportAllocs()
	for b.Loop() {
		Split(in, MaxMessageLen)
	}
}
