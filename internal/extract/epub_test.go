package extract

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestEPUBReadingOrder: story.epub's chapters come in the spine's order,
// each once, under the book's title; the navigation document, the notes
// outside the reading order (linear="no"), the style sheet the spine lists
// and Project Gutenberg's header and licence are left out; the chapter
// whose href is "Text/chapter%202.xhtml" is read.
func TestEPUBReadingOrder(t *testing.T) {
	text := extracted(t, EPUB, "story.epub")[0]
	opens(t, text, "# The Ferryman’s Daughter\n\n## Chapter I. The River\n\n")
	last := -1
	for _, h := range []string{"## Chapter I. The River", "## Chapter II. The Flood", "## Chapter III. The Bell"} {
		i := strings.Index(text, h)
		if i <= last || strings.Count(text, h) != 1 {
			t.Errorf("%q is not once and after the chapter before it:\n%s", h, text)
		}
		last = i
	}
	holds(t, text, nil, []string{"Contents", "Transcriber", "font-family", "Project Gutenberg", "START OF", "END OF", "anyone anywhere", "Release date"})
	if !strings.Contains(text, "When the water reached the church steps, Ilse untied the ferry") {
		t.Errorf("chapter II (an href with %%20) is missing:\n%s", text)
	}
}

// TestEPUBSelfClosingTitle: a chapter whose head has <title/> keeps its
// text (an HTML parser would read the rest of the file as the title).
func TestEPUBSelfClosingTitle(t *testing.T) {
	text := extracted(t, EPUB, "epub2.epub")[0]
	if !strings.Contains(text, "# II. The Bargain\n\nOne night the owl said") || !strings.Contains(text, "the mill prospered for thirty years.") {
		t.Errorf("the chapter after <title/> is missing:\n%s", text)
	}
}

func TestEPUBBadInput(t *testing.T) {
	story := read(t, "story.epub")
	noContainer := buildZip([]zipMember{{"mimetype", "application/epub+zip"}, {"OEBPS/content.opf", epubOPF("3.0", "X", "", "")}})
	noRootfile := buildZip([]zipMember{{"META-INF/container.xml", `<container><rootfiles></rootfiles></container>`}})
	noOPF := buildZip([]zipMember{{"META-INF/container.xml", epubContainerXML("OEBPS/content.opf")}})
	emptySpine := epubZip("content.opf", epubOPF("3.0", "Empty", `<item id="c" href="c.xhtml" media-type="application/xhtml+xml"/>`, ""),
		zipMember{"c.xhtml", xhtml("C", "<p>Text no spine lists.</p>")})
	missingChapter := epubZip("content.opf", epubOPF("3.0", "Missing", `<item id="c" href="c.xhtml" media-type="application/xhtml+xml"/>`, `<itemref idref="c"/>`))
	refuses(t, EPUB, []badInput{
		{"not a zip", []byte("<html><body><p>A web page renamed .epub</p></body></html>"), ErrMalformed, "not a zip archive"},
		{"empty", nil, ErrMalformed, "not a zip archive"},
		{"truncated", story[:len(story)/2], ErrMalformed, "not a zip archive"},
		{"no container", noContainer, ErrMalformed, "no META-INF/container.xml"},
		{"no rootfile", noRootfile, ErrMalformed, "names no package document"},
		{"no package document", noOPF, ErrMalformed, "OEBPS/content.opf is missing"},
		{"empty spine", emptySpine, ErrMalformed, "spine lists no chapters"},
		{"missing chapter", missingChapter, ErrMalformed, "c.xhtml is missing"},
		{"drm.epub", read(t, "drm.epub"), ErrEncrypted, "EPUB is encrypted (DRM protected)"},
		{"bomb.epub", read(t, "bomb.epub"), ErrMalformed, "OEBPS/chapter.xhtml inflates to more than 20 MB"},
		{"images only", oneChapterEPUB(xhtml("Cover", `<img src="cover.jpg" alt=""/>`)), ErrNoText, "no readable text"},
	})
}

// TestEPUBLimits: the limits on the whole book: its chapters together
// inflate to no more than zipMaxTotalBytes, and no more than zipMaxFiles
// members are read.
func TestEPUBLimits(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"total size", manyChaptersEPUB(zipMaxTotalBytes/(zipMaxFileBytes-1<<20)+1, zipMaxFileBytes-1<<20), "EPUB inflates to more than 100 MB"},
		{"files", manyChaptersEPUB(zipMaxFiles, 100), "more than 2000 files to read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pages, err := EPUB(context.Background(), tc.data)
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("pages %d, err = %v, want ErrMalformed with %q", len(pages), err, tc.msg)
			}
		})
	}
	// just within the limit on files: the container and the package
	// document are read too
	if _, err := EPUB(context.Background(), manyChaptersEPUB(zipMaxFiles-2, 100)); err != nil {
		t.Errorf("%d chapters: %v", zipMaxFiles-2, err)
	}
}

// TestEPUBFontObfuscation: fonts obfuscated as EPUB allows (listed in
// encryption.xml) do not make a book unreadable.
func TestEPUBFontObfuscation(t *testing.T) {
	data := epubZip("content.opf", epubOPF("2.0", "Fonts", `<item id="c" href="c.xhtml" media-type="application/xhtml+xml"/>`, `<itemref idref="c"/>`),
		zipMember{"META-INF/encryption.xml", `<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
<enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/><enc:CipherData><enc:CipherReference URI="fonts/a.otf"/></enc:CipherData></enc:EncryptedData>
<enc:EncryptedData><enc:EncryptionMethod Algorithm="http://ns.adobe.com/pdf/enc#RC"/><enc:CipherData><enc:CipherReference URI="c.xhtml"/></enc:CipherData></enc:EncryptedData>
</encryption>`},
		zipMember{"c.xhtml", xhtml("Fonts", "<p>The text is plain.</p>")})
	readsAs(t, EPUB, data, "# Fonts\n\nThe text is plain.\n")
}

// TestEPUBCancelledBetweenChapters: a context done while the book is read
// stops it before the next chapter.
func TestEPUBCancelledBetweenChapters(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if pages, err := epubPages(ctx, read(t, "story.epub")); !errors.Is(err, context.Canceled) || pages != nil {
		t.Errorf("got %q, %v; want context.Canceled", pages, err)
	}
	if _, err := EPUB(ctx, read(t, "story.epub")); !errors.Is(err, context.Canceled) {
		t.Errorf("EPUB: err = %v, want context.Canceled", err)
	}
}

// FuzzEPUB: the reader, unguarded, returns one page with text or one of
// the documented errors (fuzzOnePage).
func FuzzEPUB(f *testing.F) {
	pages := func(data []byte) ([]string, error) { return epubPages(context.Background(), data) }
	fuzzOnePage(f, pages, []string{"story.epub", "epub2.epub", "drm.epub", "bomb.epub"},
		oneChapterEPUB("<p>unclosed <b>tags <title/>everywhere"))
}
