package knowledge

import (
	"bytes"
	"context"
	"os"
	"slices"
	"storybot/internal/extract"
	"storybot/internal/textan"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Sentences of at least 6 words, for pages whose paragraphs may be joined.
const (
	cut  = "She put on her coat and went down to the" // a sentence cut by the page break
	rest = "garden to find the kittens."
	body = "The kittens were playing in the dust by the gate, and their mother was cross."
)

func TestTidyPages(t *testing.T) {
	for _, tc := range []struct {
		name        string
		pages, want []string
	}{
		{
			name: "running head and page numbers dropped",
			pages: []string{
				"THE TALE OF TOM KITTEN\n\n" + body + "\n\n1",
				"THE TALE OF TOM KITTEN\n\n" + body + "\n\n2",
				"THE TALE OF TOM KITTEN\n\n" + body + "\n\n3",
			},
			want: []string{body, body, body},
		},
		{
			name: "running head with the page number on its line; running foot",
			pages: []string{
				"12 THE TALE OF TOM KITTEN\n\n" + body + "\n\nPublished by F. Warne 1907",
				"THE TALE OF TOM KITTEN 13\n\n" + body + "\n\nPublished by F. Warne 1907",
				"14 THE TALE OF TOM KITTEN\n\n" + body + "\n\nPublished by F. Warne 1907",
			},
			want: []string{body, body, body},
		},
		{
			name: "first paragraph of the first page is the title, kept",
			pages: []string{
				"The Tale of Tom Kitten\n\n" + body + "\n\n1",
				"THE TALE OF TOM KITTEN\n\n" + body + "\n\n2",
				"THE TALE OF TOM KITTEN\n\n" + body + "\n\n3",
			},
			want: []string{"The Tale of Tom Kitten\n\n" + body, body, body},
		},
		{
			name: "decorated page numbers",
			pages: []string{
				body + "\n\n- 1 -",
				"Page 2\n\n" + body,
				body + "\n\n3 of 40",
				body + "\n\n[4]",
				body + "\n\n— 5 —",
				body + "\n\np. 6",
				body + "\n\n7/40",
			},
			want: []string{body, body, body, body, body, body, body},
		},
		{
			name:  "roman numerals: lower case anywhere, upper case only at the foot",
			pages: []string{body + "\n\nxii", "xiii\n\n" + body, body + "\n\nXIV", "II\n\n" + body},
			want:  []string{body, body, body, "II\n\n" + body},
		},
		{
			name:  "words made of roman letters are not page numbers",
			pages: []string{body + "\n\nmix", body + "\n\ncivil", body + "\n\nill", body + "\n\nVIIII"},
			want:  []string{body + "\n\nmix", body + "\n\ncivil", body + "\n\nill", body + "\n\nVIIII"},
		},
		{
			name:  "a page that is only a number becomes blank",
			pages: []string{body + "\n\n1", "2", body + "\n\n3", body + "\n\n4"},
			want:  []string{body, "", body, body},
		},
		{
			name:  "two pages: a repeated line is kept, page numbers dropped",
			pages: []string{"TOM KITTEN\n\n" + body + "\n\n1", "TOM KITTEN\n\n" + body + "\n\n2"},
			want:  []string{"TOM KITTEN\n\n" + body, "TOM KITTEN\n\n" + body},
		},
		{
			name:  "two pages: a page that is only a number is kept",
			pages: []string{body, "2"},
			want:  []string{body, "2"},
		},
		{
			name:  "only numbers: nothing is dropped",
			pages: []string{"1", "2", "3"},
			want:  []string{"1", "2", "3"},
		},
		{
			name: "a short line repeated on fewer than a third of the pages is text",
			pages: []string{
				"The end of the day\n\n" + body, body, body, body,
				"The end of the day\n\n" + body, body, body, body,
				"The end of the day\n\n" + body, body, body, body,
			},
			want: []string{
				"The end of the day\n\n" + body, body, body, body,
				"The end of the day\n\n" + body, body, body, body,
				"The end of the day\n\n" + body, body, body, body,
			},
		},
		{
			name: "a page that is only a running head keeps it",
			pages: []string{
				"STORIES\n\n" + body, "STORIES", "STORIES\n\n" + body,
			},
			want: []string{body, "STORIES", body},
		},
		{
			name:  "a sentence across a page break is joined on the first page",
			pages: []string{body + "\n\n" + cut, rest + "\n\n" + body},
			want:  []string{body + "\n\n" + cut + " " + rest, body},
		},
		{
			name: "with furniture on both pages",
			pages: []string{
				"A TALE\n\n" + body + "\n\n" + cut + "\n\n1",
				"A TALE\n\n" + rest + "\n\n" + body + "\n\n2",
				"A TALE\n\n" + body + "\n\n3",
			},
			want: []string{body + "\n\n" + cut + " " + rest, body, body},
		},
		{
			name:  "a word hyphenated across a page break",
			pages: []string{"The kittens had been told to stay in the gar-", "den until tea time."},
			want:  []string{"The kittens had been told to stay in the garden until tea time.", ""},
		},
		{
			name:  "a hyphen before a capital letter stays",
			pages: []string{"The kittens ran all the way to the north-", "Western gate of the farm."},
			want:  []string{"The kittens ran all the way to the north- Western gate of the farm.", ""},
		},
		{
			name:  "a page ending a sentence is not joined",
			pages: []string{body, body},
			want:  []string{body, body},
		},
		{
			name: "sentence ends inside closing quotes, or with ! ? … : ;",
			pages: []string{
				`Mrs. Tabitha said to the kittens, "Go home now."`,
				"Mrs. Tabitha said to the kittens, ‘Go home now!’",
				"Mrs. Tabitha asked the kittens where they had been?",
				"Mrs. Tabitha looked at the kittens and said…",
				"Mrs. Tabitha said this to the three kittens:",
				"Mrs. Tabitha was cross with the three kittens;",
				body,
			},
			want: nil, // unchanged
		},
		{
			name:  "a heading at the end of a page is not joined",
			pages: []string{body + "\n\nChapter Two", rest + " " + body},
			want:  []string{body + "\n\nChapter Two", rest + " " + body},
		},
		{
			name:  "a heading at the top of the next page is not joined to",
			pages: []string{body + "\n\n" + cut, "Chapter Two\n\n" + body},
			want:  []string{body + "\n\n" + cut, "Chapter Two\n\n" + body},
		},
		{
			name:  "a short end of a sentence is joined",
			pages: []string{cut, "garden.\n\n" + body},
			want:  []string{cut + " garden.", body},
		},
		{
			name:  "blank pages in between are skipped and kept",
			pages: []string{body + "\n\n" + cut, "", "", rest + "\n\n" + body},
			want:  []string{body + "\n\n" + cut + " " + rest, "", "", body},
		},
		{
			name:  "a page emptied by the move becomes blank",
			pages: []string{body + "\n\n" + cut, rest, body},
			want:  []string{body + "\n\n" + cut + " " + rest, "", body},
		},
		{
			name:  "a paragraph over three pages is joined whole",
			pages: []string{cut, "garden and sat down on the bench by the", "gate to wait for the kittens.", body},
			want:  []string{cut + " garden and sat down on the bench by the gate to wait for the kittens.", "", "", body},
		},
		{
			name:  "the last page has nothing to join",
			pages: []string{body, cut, ""},
			want:  []string{body, cut, ""},
		},
		{
			name:  "no pages",
			pages: []string{},
			want:  []string{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want == nil {
				want = tc.pages
			}
			got := read(tidyPages(slices.Clone(tc.pages)))
			if !slices.Equal(got, want) {
				t.Errorf("tidyPages(%q)\n got %q\nwant %q", tc.pages, got, want)
			}
		})
	}
}

// read is pages as the bot reads them: each paragraph's sentences
// (textan.Sentences: hard-wrapped lines joined, a word hyphenated at a line
// end whole), one after another.
func read(pages []string) []string {
	out := make([]string, len(pages))
	for i, p := range pages {
		var paras []string
		for _, para := range strings.Split(p, "\n\n") {
			var sents []string
			for _, s := range textan.Sentences(para) {
				sents = append(sents, s.Text)
			}
			paras = append(paras, strings.Join(sents, " "))
		}
		out[i] = strings.Join(paras, "\n\n")
	}
	return out
}

// TestTidyPagesNoSentenceEnds: in a document without sentence ends (a
// word list, a table read as text) every page ends "mid-sentence"; the
// pages are joined at most up to maxJoined, not all onto page 1.
func TestTidyPagesNoSentenceEnds(t *testing.T) {
	pages := make([]string, 1000)
	for i := range pages {
		pages[i] = strings.TrimSpace(strings.Repeat("apple pear plum ", 150)) // 2,399 bytes
	}
	got := tidyPages(slices.Clone(pages))
	kept := 0
	for i, p := range got {
		if len(p) > maxJoined+len(pages[i]) {
			t.Fatalf("page %d has %d bytes", i+1, len(p))
		}
		if p != "" {
			kept++
		}
	}
	if kept < len(pages)/3 {
		t.Errorf("%d of %d pages keep text", kept, len(pages))
	}
}

// TestPDFStory: a story printed as a book (extract's testdata/story.pdf)
// reads as its text, without running heads or page numbers, with the
// sentence and the word cut by page breaks whole on the page where they
// start.
func TestPDFStory(t *testing.T) {
	data, err := os.ReadFile("../extract/testdata/story.pdf")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := extract.PDF(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	pages := read(tidyPages(raw))
	if len(pages) != 4 {
		t.Fatalf("got %d pages, want 4", len(pages))
	}
	all := strings.Join(pages, "\n\n")
	for _, bad := range []string{"THE LANTERN OF GULL ROCK", "\n\n1\n", "ap-"} {
		if strings.Contains(all, bad) {
			t.Errorf("text contains %q:\n%s", bad, all)
		}
	}
	if !strings.Contains(pages[0], "polished the great glass until it shone like a second moon over the harbour.") {
		t.Errorf("page 1 lacks the sentence run on to page 2:\n%s", pages[0])
	}
	if !strings.Contains(pages[1], "young apprentice, Tobias,") {
		t.Errorf("page 2 lacks the word hyphenated across the break:\n%s", pages[1])
	}
	if !strings.HasPrefix(pages[0], "The Lantern of Gull Rock\n\n") {
		t.Errorf("page 1 lost its title:\n%s", pages[0])
	}
}

// FuzzTidyPages: pages separated by form feeds. Tidying never panics, keeps
// the page count and only drops or joins text: what is left, without white
// space and hyphens, is in the same order as in the input.
func FuzzTidyPages(f *testing.F) {
	f.Add("HEAD\n\n" + body + "\n\n1\fHEAD\n\n" + cut + "\n\n2\fHEAD\n\n" + rest + "\n\n3")
	f.Add(cut + "\f\f\f" + rest)
	f.Add("The gar-\fden-\f\f- 3 -\fxii\n\nII\fPage 9 of 9")
	f.Add("1\f2\f3")
	f.Add("\n\n\f \n\n \f\n")
	f.Fuzz(func(t *testing.T, s string) {
		pages := strings.Split(s, "\f")
		got := tidyPages(slices.Clone(pages))
		if len(got) != len(pages) {
			t.Fatalf("%d pages in, %d out", len(pages), len(got))
		}
		// squeeze drops white space and hyphens, byte by byte (the input
		// need not be UTF-8).
		squeeze := func(s string) []byte {
			var b []byte
			for len(s) > 0 {
				r, n := utf8.DecodeRuneInString(s)
				if !(n > 1 || r != utf8.RuneError) || !(unicode.IsSpace(r) || r == '-') {
					b = append(b, s[:n]...)
				}
				s = s[n:]
			}
			return b
		}
		in, out := squeeze(strings.Join(pages, "")), squeeze(strings.Join(got, ""))
		for _, c := range out {
			i := bytes.IndexByte(in, c)
			if i < 0 {
				t.Fatalf("tidyPages(%q) = %q: text out of order or made up", pages, got)
			}
			in = in[i+1:]
		}
	})
}
