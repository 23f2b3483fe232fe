package extract

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"storybot/internal/golden"
)

// statementPDF is a two-page statement with a heading, paragraphs, a word
// hyphenated at a line end and a WinAnsi right single quote (0x92).
func statementPDF() []byte {
	return buildPDF([]testPage{
		paragraphs(
			[]string{"# Statement on the cyberattack"},
			[]string{"The Council of Ministers decided to end diplomatic", "relations with the Islamic Republic of Iran."},
			[]string{"Iran\x92s embassy staff must leave within twenty-four", "hours. The investi-", "gation found clear evidence."},
		),
		paragraphs(
			[]string{"Page two begins a new paragraph about the", "attack of 15 July 2022."},
			[]string{"A second paragraph on page two."},
		),
	}, pdfOptions{})
}

// storyPDF is four pages of a short story printed as a book: a title on
// page 1, a running head on the other pages, the page number at the foot of
// every page, a sentence running from page 1 on to page 2 and a word
// hyphenated across the break from page 2 to page 3.
func storyPDF() []byte {
	const head = "THE LANTERN OF GULL ROCK"
	return buildPDF([]testPage{
		paragraphs(
			[]string{"# The Lantern of Gull Rock"},
			[]string{
				"Mara Quill kept the lantern on Gull Rock for eleven years, and in",
				"all that time no ship was lost on the reef below the tower. She",
				"had come to the island as a girl of nineteen, when her uncle grew",
				"too old to climb the stairs.",
			},
			[]string{
				"She lived alone with a grey cat called Pepper and a shelf of books",
				"that the supply boat brought her twice a year. In the long winter",
				"evenings she read them aloud to the cat.",
			},
			[]string{
				"Every evening at dusk Mara climbed the ninety-one steps of the",
				"tower, trimmed the wick and polished the great glass until",
			},
			[]string{"1"},
		),
		paragraphs(
			[]string{head},
			[]string{
				"it shone like a second moon over the harbour. The fishermen of",
				"Saltwick said they could set their clocks by it, and the children",
				"of the town waved to it from the quay before they went to bed.",
			},
			[]string{
				"One winter night a storm came in from the west, and the supply",
				"boat did not come. The oil in the store ran low, and Mara began to",
				"worry about the ships that would pass in the dark. On the third",
				"night she saw a small boat fighting the waves near the reef, and in",
				"it was the harbour master's young ap-",
			},
			[]string{"2"},
		),
		paragraphs(
			[]string{head},
			[]string{
				"prentice, Tobias, who had rowed out alone with two barrels of oil",
				"lashed to the stern. He was soaked to the skin and his hands were",
				"raw from the oars.",
			},
			[]string{
				"Mara ran down to the landing and threw him a rope. Together they",
				"hauled the barrels up the steps, and the lantern burned all night",
				"while the storm blew itself out over the sea.",
			},
			[]string{"3"},
		),
		paragraphs(
			[]string{head},
			[]string{
				"In the spring the town gave Tobias a silver medal, and Mara gave",
				"him the key to the tower, for she had decided to sail south and see",
				"the cities in her books. She took Pepper with her in a basket.",
			},
			[]string{"4"},
		),
	}, pdfOptions{})
}

// TestGenerateTestdata writes the PDFs, EPUBs, Word and OpenDocument files
// used by the other tests (run with -update).
func TestGenerateTestdata(t *testing.T) {
	if !golden.Update() {
		t.Skip("run with -update to regenerate the PDFs, EPUBs, .docx and .odt files in testdata")
	}
	stmt := statementPDF()
	files := map[string][]byte{
		"statement.pdf": stmt,
		"story.pdf":     storyPDF(),
		"scanned.pdf":   buildPDF([]testPage{{image: true}, {image: true}}, pdfOptions{}),
		"encrypted.pdf": buildPDF([]testPage{paragraphs([]string{"Secret text."})}, pdfOptions{encrypt: true}),
		"truncated.pdf": stmt[:len(stmt)/2],
		"ligatures.pdf": buildPDF([]testPage{paragraphs(
			[]string{"The \x01nal \x02ight of the o\x03cial delegation left Tirana; its ef-", "\x01ciency was noted."},
		)}, pdfOptions{ligatures: true}),
		"blank-page.pdf": buildPDF([]testPage{
			paragraphs([]string{"Text on the first page."}),
			{},
			paragraphs([]string{"Text on the third page."}),
		}, pdfOptions{}),
		"story.epub":    storyEPUB(),
		"epub2.epub":    epub2EPUB(),
		"drm.epub":      drmEPUB(),
		"bomb.epub":     bombEPUB(),
		"story.docx":    storyDOCX(),
		"locked.docx":   lockedDOCX(),
		"story.odt":     storyODT(),
		"encrypted.odt": encryptedODT(),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// extracted is what extract (PDF or HTML) makes of testdata/name; an error
// fails t.
func extracted(t *testing.T, extract func(context.Context, []byte) ([]string, error), name string) []string {
	t.Helper()
	pages, err := extract(context.Background(), read(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// opens checks that text starts with opening.
func opens(t *testing.T, text, opening string) {
	t.Helper()
	if !strings.HasPrefix(text, opening) {
		t.Errorf("the page does not open with %q:\n%s", opening, text)
	}
}

// readsAs checks that extract makes one page, want, of data.
func readsAs(t *testing.T, extract func(context.Context, []byte) ([]string, error), data []byte, want string) {
	t.Helper()
	pages, err := extract(context.Background(), data)
	if err != nil || len(pages) != 1 || pages[0] != want {
		t.Errorf("got %q, %v; want %q", pages, err, want)
	}
}

// holds checks that text holds each of want and none of bad.
func holds(t *testing.T, text string, want, bad []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the text lacks %q:\n%s", w, text)
		}
	}
	for _, b := range bad {
		if strings.Contains(text, b) {
			t.Errorf("the text holds %q:\n%s", b, text)
		}
	}
}

// badInput is a file an extractor refuses: the error it returns wraps want
// and its message holds msg.
type badInput struct {
	name string
	data []byte
	want error
	msg  string // in the error's message; "" for any
}

// refuses checks, a subtest a case, that extract returns no pages and the
// case's error for each of cases.
func refuses(t *testing.T, extract func(context.Context, []byte) ([]string, error), cases []badInput) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pages, err := extract(context.Background(), tc.data)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %v with %q", err, tc.want, tc.msg)
			}
			if pages != nil {
				t.Errorf("pages = %q, want none", pages)
			}
		})
	}
}

// fuzzOnePage fuzzes pages, a one-page reader (DOCX, ODT, EPUB) run
// unguarded so that a panic in it is found, not recovered: whatever the
// input, it returns one page with text or one of the errors it documents.
// The seeds are the testdata files named and more.
func fuzzOnePage(f *testing.F, pages func([]byte) ([]string, error), files []string, more ...[]byte) {
	for _, name := range files {
		f.Add(read(f, name))
	}
	for _, data := range more {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := pages(data)
		switch {
		case err == nil && (len(got) != 1 || strings.TrimSpace(got[0]) == ""):
			t.Fatalf("no error but pages = %q", got)
		case err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrEncrypted) && !errors.Is(err, ErrNoText):
			t.Fatalf("undocumented error %v", err)
		}
	})
}

// read returns the bytes of testdata/name.
func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func renderPages(pages []string) string {
	var b strings.Builder
	for i, p := range pages {
		b.WriteString("=== page ")
		b.WriteString(string(rune('0' + i + 1)))
		b.WriteString(" ===\n")
		b.WriteString(p)
		b.WriteString("\n")
	}
	return b.String()
}

// TestOnePageGolden: a web page, an e-book (its chapters in the spine's
// order under their headings) or a word processor's document (.docx, .odt)
// is one page of text.
func TestOnePageGolden(t *testing.T) {
	for _, c := range []struct {
		extract func(context.Context, []byte) ([]string, error)
		names   []string
	}{
		{HTML, []string{"article.html", "no-main.html", "windows-1252.html", "br-paragraphs.html", "main-header.html", "gutenberg.html"}},
		{EPUB, []string{"story.epub", "epub2.epub"}},
		{DOCX, []string{"story.docx"}},
		{ODT, []string{"story.odt"}},
	} {
		for _, name := range c.names {
			t.Run(name, func(t *testing.T) {
				pages := extracted(t, c.extract, name)
				if len(pages) != 1 {
					t.Fatalf("got %d pages, want 1", len(pages))
				}
				golden.Check(t, filepath.Join("testdata", name+".golden"), pages[0])
			})
		}
	}
}

// TestWordProcessorStory: story.docx and story.odt read as a reader of them
// sees them: headings (from the Title and Heading styles; of their outline
// level), a word split across runs or spans joined, tabs and runs of spaces
// as one space, line breaks kept inside their paragraph, table cells and
// list items as paragraphs, a text box once; the deleted text, the field
// codes, the table of contents, the footnote, the comment and the image's
// title and description are not there.
func TestWordProcessorStory(t *testing.T) {
	for _, tc := range []struct {
		file      string
		extract   func(context.Context, []byte) ([]string, error)
		opening   string
		want, bad []string
		once      []string // in the text exactly once
	}{{
		file:    "story.docx",
		extract: DOCX,
		opening: "# The Clockmaker of Vell\n\n# Part One\n\n## The Shop\n\nAnselm Roth mended clocks in a narrow shop",
		want: []string{
			"\n\nOpening hours: nine to six, except on market days.\n\n",
			"\n\nThe sign over the door said:\nClocks mended\nBells tuned\n\n",
			"He kept his accounts in the guild register, which the mayor read every spring.",
			"\n\nThe tower clock\n\nThe town council\n\n## The Storm\n\n",
			"harbour-master",
		},
		bad:  []string{"dusty", "HYPERLINK", "example.org", "TOC", "Contents", "\\o", "Part One 1"},
		once: []string{"never oil the escapement"}, // the text box, not its fallback copy too
	}, {
		file:    "story.odt",
		extract: ODT,
		opening: "# The Salt Road\n\nEvery spring the salt carts left Harrow for the coast, and Mira Vance walked beside the lead mule from the first milestone to the last.\n\n## The Ford\n\n",
		want: []string{
			"\n\nThe notice at the ford read:\nRoad closed\nFord impassable\n\n",
			"\n\nWhen the river rose in the night, Mira led",
			"\n\nToll: two pennies a cart.\n\n",
			"\n\nThe first cart\n\nTwelve sacks\n\nRope\n\nLantern\n\n",
			"\n\nThe bridge still stands.\n",
		},
		bad: []string{"Contents", "fictional", "spelling", "brother", "Photo", "stone bridge over", "last.1"},
	}} {
		t.Run(tc.file, func(t *testing.T) {
			text := extracted(t, tc.extract, tc.file)[0]
			opens(t, text, tc.opening)
			holds(t, text, tc.want, tc.bad)
			for _, s := range tc.once {
				if n := strings.Count(text, s); n != 1 {
					t.Errorf("%q is there %d times, want once:\n%s", s, n, text)
				}
			}
		})
	}
}

func TestHTMLDropsFurniture(t *testing.T) {
	pages := extracted(t, HTML, "article.html")
	text := pages[0]
	holds(t, text,
		[]string{"# Albania cuts diplomatic ties with Iran over cyberattack", "## What happened in July", "“paralyse public services”", "e-Albania portal taken offline", "government websites"},
		[]string{"tracking code", "injected", "Sign in", "Accept all", "Hidden text", "Most read", "All rights reserved", "Iran nuclear talks", "font-family"})
}

// TestHTMLBrParagraphs: pages whose paragraphs are separated by <br><br>
// rather than <p> elements keep one paragraph per block (so passages and
// citations follow the author's paragraphs), while a single <br> only breaks
// a line inside its paragraph.
func TestHTMLBrParagraphs(t *testing.T) {
	pages := extracted(t, HTML, "br-paragraphs.html")
	want := []string{
		"# Old-style page",
		"Tirana, 7 September 2022.",
		"Albania cut diplomatic ties with Iran on Wednesday. The prime minister said so in a video statement.",
		"Iranian diplomats were given 24 hours to leave.",
		"Reaction: the White House backed the decision.",
	}
	if got := strings.Split(strings.TrimSpace(pages[0]), "\n\n"); !slices.Equal(got, want) {
		t.Errorf("paragraphs:\n%q\nwant:\n%q", got, want)
	}
}

// TestHTMLByteOrderMark: a file saved with a byte order mark (UTF-8 from
// Windows editors, or UTF-16) reads like the same file without one; the mark
// is not a paragraph of its own.
func TestHTMLByteOrderMark(t *testing.T) {
	want := "# Saved by Notepad\n\nAlbania cut diplomatic ties with Iran.\n"
	for _, name := range []string{"bom-utf8.html", "bom-utf16le.html"} {
		t.Run(name, func(t *testing.T) {
			pages := extracted(t, HTML, name)
			if pages[0] != want {
				t.Errorf("got %q, want %q", pages[0], want)
			}
		})
	}
}

// TestHTMLMainHeaderKept: the <header> of the <main> element holds the
// story's headline and byline (with its date); only the site's header
// outside it is furniture.
func TestHTMLMainHeaderKept(t *testing.T) {
	pages := extracted(t, HTML, "main-header.html")
	holds(t, pages[0], []string{"# Albania cuts diplomatic ties with Iran", "By A. Reporter, 7 September 2022"}, []string{"The Daily Example", "World | Politics", "Share this article"})
}

func TestHTMLDecodesDeclaredCharset(t *testing.T) {
	pages := extracted(t, HTML, "windows-1252.html")
	if !strings.Contains(pages[0], "Durrës is Albania’s largest") {
		t.Errorf("charset not decoded: %q", pages[0])
	}
}

func TestHTMLNoText(t *testing.T) {
	for name, data := range map[string][]byte{
		"scripts-only.html": read(t, "scripts-only.html"),
		"empty":             nil,
		"whitespace":        []byte("  \n\t "),
		"nav only":          []byte("<nav><a href=/>Home</a></nav><footer>© 2022</footer>"),
		"punctuation":       []byte("<p>— … —</p>"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := HTML(context.Background(), data)
			if !errors.Is(err, ErrNoText) {
				t.Fatalf("err = %v, want ErrNoText", err)
			}
		})
	}
}

func TestPDFGolden(t *testing.T) {
	for _, name := range []string{"statement.pdf", "blank-page.pdf", "story.pdf"} {
		t.Run(name, func(t *testing.T) {
			pages := extracted(t, PDF, name)
			golden.Check(t, filepath.Join("testdata", name+".golden"), renderPages(pages))
		})
	}
}

func TestPDFPagesAndParagraphs(t *testing.T) {
	pages := extracted(t, PDF, "statement.pdf")
	if len(pages) != 2 {
		t.Fatalf("got %d pages, want 2", len(pages))
	}
	paras := strings.Split(pages[0], "\n\n")
	want := []string{
		"Statement on the cyberattack",
		"The Council of Ministers decided to end diplomatic relations with the Islamic Republic of Iran.",
		"Iran’s embassy staff must leave within twenty-four hours. The investigation found clear evidence.",
	}
	if strings.Join(paras, "|") != strings.Join(want, "|") {
		t.Errorf("page 1 paragraphs:\n got %q\nwant %q", paras, want)
	}
	if got := strings.Count(pages[1], "\n\n"); got != 1 {
		t.Errorf("page 2 has %d paragraph breaks, want 1: %q", got, pages[1])
	}
}

// TestPDFLigatures: typeset PDFs draw "fi", "fl", "ffi" as one ligature
// glyph; the text keeps the letters, so "final" finds the word and a word
// hyphenated before a ligature is joined.
func TestPDFLigatures(t *testing.T) {
	pages := extracted(t, PDF, "ligatures.pdf")
	want := []string{"The final flight of the official delegation left Tirana; its efficiency was noted."}
	if !slices.Equal(pages, want) {
		t.Errorf("got %q, want %q", pages, want)
	}
}

func TestPDFBlankPageKeepsNumbering(t *testing.T) {
	pages := extracted(t, PDF, "blank-page.pdf")
	if len(pages) != 3 || pages[1] != "" || !strings.Contains(pages[2], "third page") {
		t.Fatalf("pages = %q, want 3 with an empty second page", pages)
	}
}

func TestPDFBadInput(t *testing.T) {
	refuses(t, PDF, []badInput{
		{"scanned.pdf", read(t, "scanned.pdf"), ErrNoTextLayer, ""},
		{"encrypted.pdf", read(t, "encrypted.pdf"), ErrEncrypted, ""},
		{"truncated.pdf", read(t, "truncated.pdf"), ErrMalformed, ""},
		{"zip renamed .pdf", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00rest of a zip"), ErrMalformed, ""},
		{"empty", nil, ErrMalformed, ""},
		{"header only", []byte("%PDF-1.4\n"), ErrMalformed, ""},
		{"garbage after header", []byte("%PDF-1.7\n" + strings.Repeat("\x00\xff garbage ", 50) + "\nstartxref\n9\n%%EOF\n"), ErrMalformed, ""},
	})
}

// numberedPages is n pages whose text is "Page i of the statement." (from 1).
func numberedPages(n int) []testPage {
	pages := make([]testPage, n)
	for i := range pages {
		pages[i] = paragraphs([]string{fmt.Sprintf("Page %d of the statement.", i+1)})
	}
	return pages
}

// TestPDFPageTrees: pages are read in document order whatever the shape of
// the page tree: flat, balanced (nested /Pages nodes), or damaged with a
// /Kids array that loops back to its own node (Reader.Page looped forever
// on that one).
func TestPDFPageTrees(t *testing.T) {
	want := make([]string, 25)
	for i := range want {
		want[i] = fmt.Sprintf("Page %d of the statement.", i+1)
	}
	for name, opt := range map[string]pdfOptions{
		"flat":        {},
		"balanced":    {group: 4},
		"loop":        {selfKid: true},
		"nested loop": {group: 4, selfKid: true},
	} {
		t.Run(name, func(t *testing.T) {
			pages, err := PDF(context.Background(), buildPDF(numberedPages(len(want)), opt))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(pages, want) {
				t.Errorf("pages %q, want %q", pages, want)
			}
		})
	}
}

// BenchmarkPDFManyPages: a 1,000-page PDF with a flat page tree. Reading it
// page by page with Reader.Page was quadratic (4.6 s; 90 s at 4,000 pages).
func BenchmarkPDFManyPages(b *testing.B) {
	data := buildPDF(numberedPages(1000), pdfOptions{})
	for b.Loop() {
		if _, err := PDF(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPDF2HeaderAccepted(t *testing.T) {
	data := append([]byte(nil), read(t, "statement.pdf")...)
	copy(data, "%PDF-2.0")
	pages, err := PDF(context.Background(), data)
	if err != nil || len(pages) != 2 {
		t.Fatalf("PDF 2.0 header: pages=%d err=%v", len(pages), err)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := PDF(ctx, read(t, "statement.pdf")); !errors.Is(err, context.Canceled) {
		t.Errorf("PDF: err = %v, want context.Canceled", err)
	}
	if _, err := HTML(ctx, read(t, "article.html")); !errors.Is(err, context.Canceled) {
		t.Errorf("HTML: err = %v, want context.Canceled", err)
	}
	if _, err := DOCX(ctx, read(t, "story.docx")); !errors.Is(err, context.Canceled) {
		t.Errorf("DOCX: err = %v, want context.Canceled", err)
	}
	if _, err := ODT(ctx, read(t, "story.odt")); !errors.Is(err, context.Canceled) {
		t.Errorf("ODT: err = %v, want context.Canceled", err)
	}
}

func FuzzPDF(f *testing.F) {
	for _, name := range []string{"statement.pdf", "scanned.pdf", "encrypted.pdf", "truncated.pdf", "blank-page.pdf", "story.pdf"} {
		f.Add(read(f, name))
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Length 99999999 >> stream\nendstream endobj\nxref\n0 1\ntrailer << /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pages, err := PDF(context.Background(), data)
		if err == nil && len(pages) == 0 {
			t.Fatal("no error and no pages")
		}
	})
}

func FuzzHTML(f *testing.F) {
	for _, name := range []string{"article.html", "no-main.html", "scripts-only.html", "windows-1252.html"} {
		f.Add(read(f, name))
	}
	f.Add([]byte("<p>unclosed <b>tags <i>everywhere"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pages, err := HTML(context.Background(), data)
		if err == nil && (len(pages) != 1 || strings.TrimSpace(pages[0]) == "") {
			t.Fatalf("no error but pages = %q", pages)
		}
	})
}

// A panic inside a parsing library comes back as no pages and an error
// wrapping ErrMalformed that names the library; a done context is returned
// before the library is called.
func TestGuarded(t *testing.T) {
	pages, err := guarded(context.Background(), "test parser", func() ([]string, error) {
		panic("index out of range")
	})
	if pages != nil || !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "test parser failed: index out of range") {
		t.Errorf("got %q, %v", pages, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	pages, err = guarded(ctx, "test parser", func() ([]string, error) {
		t.Error("called with a done context")
		return []string{"text"}, nil
	})
	if pages != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("done context: got %q, %v", pages, err)
	}
}
