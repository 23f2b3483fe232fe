package knowledge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func loadStory(t *testing.T) *Document {
	t.Helper()
	d, _ := parseTestdata(t, "story.txt", "Albania-cuts-ties-with-Iran-2022-09-07.txt", Options{})
	return d
}

// parseTestdata parses testdata/file as the document named name and
// returns it with the file's bytes; a file it cannot read or parse fails t.
func parseTestdata(t *testing.T, file, name string, opts Options) (*Document, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(context.Background(), name, data, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d, data
}

func TestStoryDocument(t *testing.T) {
	d := loadStory(t)
	if d.Date != "2022-09-07" {
		t.Errorf("Date = %q", d.Date)
	}
	if d.Title != "Albania cuts ties with Iran" {
		t.Errorf("Title = %q", d.Title)
	}
	first := d.Passages[0]
	if strings.HasPrefix(strings.TrimSpace(first.Text), "date") || !strings.HasPrefix(first.Text, "Iran’s July cyberattack") {
		t.Errorf("the date prefix is metadata, not text: %q", first.Text[:40])
	}
	if first.StartLine != 1 || first.ParaStart != 1 {
		t.Errorf("first passage at %s", first.Location())
	}
	var found bool
	for _, p := range d.Passages {
		if strings.HasPrefix(p.Text, "Sparks have been flying") {
			found = true
			if got := p.Location(); got != "¶11, line 21" {
				t.Errorf("Location = %q, want ¶11, line 21", got)
			}
			if p.Section != "Revolutionaries against the Islamic Revolution" {
				t.Errorf("Section = %q", p.Section)
			}
		}
		if p.Section == "" && p.StartLine > 19 {
			t.Errorf("passage at line %d has no section", p.StartLine)
		}
		if strings.Contains(p.Text, "Revolutionaries against the Islamic Revolution") {
			t.Errorf("the heading is not passage text: %s", p.Location())
		}
		if p.Doc != d.Path || p.Title != d.Title || p.ID == "" {
			t.Errorf("passage fields: %+v", p)
		}
		if len(p.Text) > 2*DefaultPassageChars {
			t.Errorf("passage of %d chars", len(p.Text))
		}
	}
	if !found {
		t.Fatal("no passage starts at line 21")
	}
}

func TestPassageIDsStable(t *testing.T) {
	a, b := loadStory(t), loadStory(t)
	seen := map[string]bool{}
	for i := range a.Passages {
		if a.Passages[i].ID != b.Passages[i].ID {
			t.Fatalf("passage %d: IDs differ across loads", i)
		}
		if seen[a.Passages[i].ID] {
			t.Fatalf("duplicate ID %s", a.Passages[i].ID)
		}
		seen[a.Passages[i].ID] = true
	}
	data, _ := os.ReadFile("testdata/story.txt")
	changed, err := Parse(context.Background(), a.Path, []byte(strings.Replace(string(data), "Sparks", "Flames", 1)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for i := range changed.Passages {
		if changed.Passages[i].ID == a.Passages[i].ID {
			same++
		}
	}
	if same != len(a.Passages)-1 {
		t.Fatalf("editing one paragraph kept %d of %d IDs, want all but one", same, len(a.Passages))
	}
}

func TestLocationFormats(t *testing.T) {
	tests := []struct {
		p    Passage
		want string
	}{
		{Passage{ParaStart: 11, ParaEnd: 11, StartLine: 21, EndLine: 22}, "¶11, lines 21-22"},
		{Passage{ParaStart: 11, ParaEnd: 11, StartLine: 21, EndLine: 21}, "¶11, line 21"},
		{Passage{ParaStart: 3, ParaEnd: 4, StartLine: 5, EndLine: 8}, "¶3-4, lines 5-8"},
		{Passage{Page: 3, ParaStart: 2, ParaEnd: 2, StartLine: 4, EndLine: 4}, "p. 3, ¶2"},
	}
	for _, tc := range tests {
		if got := tc.p.Location(); got != tc.want {
			t.Errorf("Location() = %q, want %q", got, tc.want)
		}
	}
}

func TestLoadFolder(t *testing.T) {
	docs, skipped, err := Load(context.Background(), "testdata/kb", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, d := range docs {
		paths = append(paths, d.Path)
	}
	if got := strings.Join(paths, " "); got != "notes/front.md plain.txt sub/deep/nested.markdown" {
		t.Fatalf("docs = %s", got)
	}
	if len(skipped) != 1 || skipped[0].Path != "picture.png" || !strings.Contains(skipped[0].Reason, "unsupported") {
		t.Fatalf("skipped = %+v", skipped)
	}
	front, plain, nested := docs[0], docs[1], docs[2]
	if front.Title != "Talks in Tirana" || front.Date != "2022-09-08" {
		t.Errorf("front matter: title %q date %q", front.Title, front.Date)
	}
	if p := front.Passages[0]; p.Section != "Ignored heading for the title" || p.StartLine != 7 || p.EndLine != 8 || p.Text != "The foreign ministers met on Thursday.\nThey talked for two hours." {
		t.Errorf("front passage: %+v", p)
	}
	if p := front.Passages[len(front.Passages)-1]; p.Section != "Outcome" || p.StartLine != 12 {
		t.Errorf("last front passage: %+v", p)
	}
	if plain.Title != "Background of the dispute" {
		t.Errorf("plain title %q", plain.Title)
	}
	if p := plain.Passages[len(plain.Passages)-1]; p.Section != "Later events" || p.Location() != "¶4, line 7" {
		t.Errorf("plain last passage: %+v %s", p, p.Location())
	}
	if nested.Title != "Deep Heading" || nested.Passages[0].Section != "" {
		t.Errorf("nested: title %q section %q", nested.Title, nested.Passages[0].Section)
	}
}

func TestLoadBadInput(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.txt", []byte("A good file.\n"))
	write("binary.txt", []byte("ab\x00\x01\x02cd"))
	write("latin1.txt", []byte("Durr\xebs is a port.\n"))
	write("empty.md", nil)
	write("blank.md", []byte("  \n\n\t\n"))
	write("big.txt", []byte(strings.Repeat("word ", 100)))
	write("dir/inner.txt", []byte("Inner file.\n"))
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("outside"), 0o644); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "escape.txt")))
	must(os.Symlink(outside, filepath.Join(root, "escapedir")))
	must(os.Symlink(filepath.Join(root, "good.txt"), filepath.Join(root, "alias.txt")))
	must(os.Symlink(filepath.Join(root, "nowhere.txt"), filepath.Join(root, "broken.txt")))
	must(os.Symlink(root, filepath.Join(root, "dir", "loop")))
	must(os.Symlink(filepath.Join(root, "self1"), filepath.Join(root, "self2")))
	must(os.Symlink(filepath.Join(root, "self2"), filepath.Join(root, "self1")))

	docs, skipped, err := Load(context.Background(), root, Options{MaxFileBytes: 200})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.Path)
	}
	if strings.Join(got, " ") != "alias.txt dir/inner.txt good.txt" {
		t.Errorf("docs = %q", got)
	}
	reasons := map[string]string{}
	for _, s := range skipped {
		reasons[s.Path] = s.Reason
	}
	want := map[string]string{
		"binary.txt": "binary",
		"latin1.txt": "not UTF-8",
		"empty.md":   "empty",
		"blank.md":   "empty",
		"big.txt":    "larger than",
		"escape.txt": "outside",
		"escapedir":  "outside",
		"broken.txt": "broken",
		"dir/loop":   "loop",
		"self1":      "loop",
		"self2":      "loop",
	}
	for p, w := range want {
		if !strings.Contains(reasons[p], w) {
			t.Errorf("%s: reason %q, want it to mention %q", p, reasons[p], w)
		}
	}
	if len(skipped) != len(want) {
		t.Errorf("skipped %d files, want %d: %+v", len(skipped), len(want), skipped)
	}
}

func TestLoadUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	root := t.TempDir()
	p := filepath.Join(root, "locked.txt")
	if err := os.WriteFile(p, []byte("text"), 0o000); err != nil {
		t.Fatal(err)
	}
	_, skipped, err := Load(context.Background(), root, Options{})
	if err != nil || len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "unreadable") {
		t.Fatalf("err %v skipped %+v", err, skipped)
	}
}

func TestLoadRootErrors(t *testing.T) {
	_, _, err := Load(context.Background(), "testdata/no-such-folder", Options{})
	if err == nil || !strings.Contains(err.Error(), "testdata/no-such-folder") || !strings.Contains(err.Error(), "KNOWLEDGE_DIR") {
		t.Fatalf("missing root: %v", err)
	}
	_, _, err = Load(context.Background(), "testdata/story.txt", Options{})
	if err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Fatalf("file as root: %v", err)
	}
	docs, skipped, err := Load(context.Background(), t.TempDir(), Options{})
	if err != nil || len(docs) != 0 || len(skipped) != 0 {
		t.Fatalf("empty folder: %v %v %v", docs, skipped, err)
	}
}

func TestExtractorPages(t *testing.T) {
	opts := Options{Extractors: map[string]Extractor{
		".pdf": func(ctx context.Context, data []byte) ([]string, error) {
			return []string{"Page one text.", "Page two, first paragraph.\n\nSecond paragraph."}, nil
		},
		".bad": func(ctx context.Context, data []byte) ([]string, error) { return nil, errors.New("broken") },
	}}
	d, err := Parse(context.Background(), "report.pdf", []byte("%PDF"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Passages) != 2 || d.Passages[0].Page != 1 || d.Passages[1].Page != 2 || d.Passages[1].Location() != "p. 2, ¶1-2" {
		t.Fatalf("passages: %+v", d.Passages)
	}
	_, err = Parse(context.Background(), "x.bad", []byte("x"), opts)
	var se *SkipError
	if !errors.As(err, &se) || !strings.Contains(se.Reason, "broken") {
		t.Fatalf("extractor error: %v", err)
	}
}

func TestLongParagraphSplitAtSentences(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 60; i++ {
		b.WriteString("The U.S. officials said the attack was serious and that Iran was behind it. ")
	}
	d, err := Parse(context.Background(), "long.txt", []byte(b.String()), Options{PassageChars: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Passages) < 4 {
		t.Fatalf("%d passages", len(d.Passages))
	}
	for _, p := range d.Passages {
		if !strings.HasSuffix(p.Text, "it.") || !strings.HasPrefix(p.Text, "The U.S.") {
			t.Fatalf("cut mid-sentence: %q ... %q", p.Text[:20], p.Text[len(p.Text)-20:])
		}
		if len(p.Text) > 1000 || p.ParaStart != 1 || p.StartLine != 1 {
			t.Fatalf("passage %d chars at %s", len(p.Text), p.Location())
		}
	}
}

// manyLines is a paragraph of n short lines and no blank line, as .txt
// files often have: "line 0 about something\nline 1 about something\n…".
func manyLines(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "line %d about something\n", i)
	}
	return b.Bytes()
}

// TestManyLinesOneParagraph: a paragraph of 20,000 lines is parsed in
// memory linear in its size (building it line by line used to copy it once
// per line: gigabytes and seconds here, minutes for a few megabytes), and
// its passages still cover every line in order with the right line numbers.
func TestManyLinesOneParagraph(t *testing.T) {
	const n = 20000
	data := manyLines(n)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	d, err := Parse(context.Background(), "m.md", data, Options{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d bytes allocated, %.1f times the input", alloc, float64(alloc)/float64(len(data)))
	if alloc > 30*uint64(len(data)) {
		t.Errorf("parsing %d bytes allocated %d bytes (%.0f times the input); want linear", len(data), alloc, float64(alloc)/float64(len(data)))
	}
	// the passages are the file's text in order, cut at spaces or line ends,
	// each with the lines it spans
	text, pos, line := string(data), 0, 1 // line is the line at pos
	for _, p := range d.Passages {
		at := strings.Index(text[pos:], p.Text)
		if at < 0 || strings.TrimSpace(text[pos:pos+at]) != "" {
			t.Fatalf("passage %s is not the text after the previous one: %.40q…", p.Location(), p.Text)
		}
		line += strings.Count(text[pos:pos+at], "\n")
		end := line + strings.Count(p.Text, "\n")
		if p.StartLine != line || p.EndLine != end || p.ParaStart != 1 || p.ParaEnd != 1 || len(p.Text) > 2*DefaultPassageChars {
			t.Fatalf("passage %s of %d bytes, want lines %d-%d of ¶1", p.Location(), len(p.Text), line, end)
		}
		pos, line = pos+at+len(p.Text), end
	}
	if strings.TrimSpace(text[pos:]) != "" || line != n {
		t.Fatalf("passages end at line %d, want %d", line, n)
	}
}

// cancelAfter is a context that is cancelled from the (n+1)th call of Err:
// a shutdown that arrives while a file is being parsed.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n > 0 {
		c.n--
		return nil
	}
	return context.Canceled
}

// TestParseStopsWhenCancelled: Parse checks its context while it reads a
// long file, not only before it starts, so SIGTERM stops a refresh promptly.
func TestParseStopsWhenCancelled(t *testing.T) {
	data := manyLines(20000)
	for _, ext := range []string{".md", ".txt"} {
		ctx := &cancelAfter{Context: context.Background(), n: 1}
		d, err := Parse(ctx, "m"+ext, data, Options{})
		if !errors.Is(err, context.Canceled) || d != nil {
			t.Errorf("%s: Parse cancelled during the file returned a document: %t, error %v; want context.Canceled and no document", ext, d != nil, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, "story.txt", []byte("A short file."), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Parse with a cancelled context = %v, want context.Canceled", err)
	}
}

// TestMarkdownStructure: in Markdown, fenced code is never a heading and
// stays whole in one passage when it fits (a longer one is cut at line
// ends); a leading "---" is front matter only when it is closed and holds
// "key: value" lines, else a thematic break; setext headings (=== and ---
// underlines) are headings, but not under a list item or a quote, nor
// under a paragraph of more than three lines. Each passage is "section | location | text".
func TestMarkdownStructure(t *testing.T) {
	fence := func(name string) string { // the file's code fence, markers included
		data, err := os.ReadFile("testdata/markdown/" + name)
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		i := strings.Index(s, "```")
		j := strings.LastIndex(s, "```")
		return s[i : j+3]
	}
	type expected struct {
		title, date string
		passages    []string // nil: not checked here
	}
	tests := map[string]expected{
		"code.md": {"Real heading", "", []string{
			" | ¶1, lines 1-4 | ```\n# not a heading\ncode about rockets\n```",
			" | ¶3, line 8 | Text about the real heading.",
		}},
		"tilde.md": {"Tilde fences", "", []string{
			" | ¶2-4, lines 3-10 | Before the code:\n~~~~ python\ndef f():\n\n## not a section\n    return \"```\"\n~~~~\nAfter the code.",
			"Usage | ¶6, line 14 | Call f.",
		}},
		"unclosed-fence.md": {"Unclosed fence", "", []string{
			" | ¶2-3, lines 3-8 | Text.\n\n```sh\nmake all\n\n# not a heading either",
		}},
		"hr.md": {"Hr", "", []string{
			" | ¶1-2, lines 2-5 | Some intro text.\n\nTitle: not a title\ndate: 2001-01-01 weird",
		}},
		"front-unclosed.md": {"Real title", "", []string{
			" | ¶1, lines 2-3 | title: Never closed\ndate: 2001-01-01",
			" | ¶3, line 7 | Body.",
		}},
		"front-list.md": {"Listed front matter", "2022-09-10", []string{
			" | ¶1, line 9 | Body text.",
		}},
		"setext.md": {"Setext Title", "", []string{
			" | ¶2, line 4 | Intro paragraph.",
			"Second section | ¶4-9, lines 9-26 | Text of the second section.\nA longer paragraph that is\nthree lines long and four\nlines before its rule\n\nAfter the rule.\n\nOne\ntwo\nthree\nfour lines, then equals\n=====\n\n- a list item\n\n> a quote\n\nLast words.",
		}},
		"fence-whole.md": {"Launch checks", "", []string{
			" | ¶2, line 3 | " + strings.TrimSpace(strings.Repeat("The launch team met on Monday to review the rocket's fuel lines, and every valve was checked twice. ", 6)),
			" | ¶3, lines 5-45 | " + fence("fence-whole.md"),
			" | ¶4, line 47 | The count resumed after the checks.",
		}},
		"long-fence.md": {"Valve table", "", nil},
	}
	loadEach(t, "testdata/markdown", tests, func(d *Document, tc expected) {
		if d.Title != tc.title || d.Date != tc.date {
			t.Errorf("%s: title %q date %q, want %q %q", d.Path, d.Title, d.Date, tc.title, tc.date)
		}
		if tc.passages == nil {
			return
		}
		var got []string
		for _, p := range d.Passages {
			got = append(got, p.Section+" | "+p.Location()+" | "+p.Text)
		}
		if !slices.Equal(got, tc.passages) {
			t.Errorf("%s: passages\n%s\nwant\n%s", d.Path, strings.Join(got, "\n"), strings.Join(tc.passages, "\n"))
		}
	})
}

// loadEach loads the folder dir and calls check with each document and
// its entry in want, by path. A document want has no entry for, or a
// number of documents other than want's, fails t.
func loadEach[W any](t *testing.T, dir string, want map[string]W, check func(d *Document, w W)) {
	t.Helper()
	docs, skipped, err := Load(context.Background(), dir, Options{})
	if err != nil || len(skipped) != 0 {
		t.Fatal(err, skipped)
	}
	if len(docs) != len(want) {
		t.Errorf("%d documents, want %d", len(docs), len(want))
	}
	for _, d := range docs {
		w, ok := want[d.Path]
		if !ok {
			t.Errorf("unexpected document %s", d.Path)
			continue
		}
		check(d, w)
	}
}

// TestLongFenceCutAtLineEnds: a code block too long for one passage is cut
// between its lines, and the passages together are the whole block.
func TestLongFenceCutAtLineEnds(t *testing.T) {
	d, data := parseTestdata(t, "markdown/long-fence.md", "long-fence.md", Options{})
	lines := strings.Split(string(data), "\n")
	var texts []string
	for _, p := range d.Passages {
		pl := strings.Split(p.Text, "\n")
		if want := lines[p.StartLine-1 : p.EndLine]; !slices.Equal(pl, want) {
			t.Errorf("passage %s is not whole lines %d-%d:\n%.80q…\nwant\n%.80q…", p.Location(), p.StartLine, p.EndLine, p.Text, strings.Join(want, "\n"))
		}
		texts = append(texts, p.Text)
	}
	if len(d.Passages) < 3 || strings.Join(texts, "\n") != strings.Join(lines[2:len(lines)-1], "\n") {
		t.Errorf("%d passages do not make the code block", len(d.Passages))
	}
}

func FuzzParse(f *testing.F) {
	story, _ := os.ReadFile("testdata/story.txt")
	f.Add(story)
	f.Add([]byte("---\ntitle: x\ndate: 2020-01-01\n---\n# H\n\ntext. More text.\n"))
	f.Add([]byte(" date 2022-09-07 text\r\n\r\nHeading Line\r\n\r\nbody"))
	f.Add([]byte(strings.Repeat("word ", 500)))
	f.Add([]byte("A wrapped title of non-\nsense, with a subtitle\nhttps://example.com\nAuthors: A. B.\n\nBody text."))
	for _, name := range []string{"code.md", "tilde.md", "unclosed-fence.md", "hr.md", "front-unclosed.md", "front-list.md", "setext.md"} {
		data, _ := os.ReadFile("testdata/markdown/" + name)
		f.Add(data)
	}
	f.Add([]byte("Title\n===\n---\n***\n- - -\ntext\n---\n```\n\n\n"))
	f.Add([]byte("HEAD\n\nOne page ends in the mid-\n\n1\fHEAD\n\ndle of a word.\n\n2\fHEAD\n\nThe end.\n\n3"))
	f.Add([]byte("---\nkey: value\n  - item\n...\n~~~\n~~\n```\n~~~~~\nafter"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, ext := range []string{".txt", ".md"} {
			d, err := Parse(context.Background(), "f"+ext, data, Options{PassageChars: 200})
			if err != nil {
				var se *SkipError
				if !errors.As(err, &se) {
					t.Fatalf("non-skip error %v", err)
				}
				continue
			}
			lines := strings.Count(string(data), "\n") + 1
			for _, p := range d.Passages {
				if strings.TrimSpace(p.Text) == "" {
					t.Fatalf("empty passage %+v", p)
				}
				if n := strings.Count(p.Text, "\n"); n != p.EndLine-p.StartLine {
					t.Fatalf("%d line breaks in a passage of lines %d-%d: %q", n, p.StartLine, p.EndLine, p.Text)
				}
				// a page's lines (form feeds) are its own, and a paragraph cut
				// by a page break is joined on its first page's lines
				if p.StartLine < 1 || p.EndLine < p.StartLine || p.Page == 0 && p.EndLine > lines || p.ParaStart < 1 || p.ParaEnd < p.ParaStart {
					t.Fatalf("bad range %+v (lines %d)", p, lines)
				}
			}
		}
	})
}

// BenchmarkParseOneParagraph parses one paragraph of short lines and no
// blank line, at three sizes: MB/s stays the same when the parse is linear.
func BenchmarkParseOneParagraph(b *testing.B) {
	for _, n := range []int{5000, 20000, 80000} { // 129 KB, 529 KB, 2.2 MB
		data := manyLines(n)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(context.Background(), "m.md", data, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseStory(b *testing.B) {
	data, err := os.ReadFile("testdata/story.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(context.Background(), "story.txt", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWalk: the files Load would read, each with its size and time (a
// symlink's from its target); hidden entries ignored; the excluded folder
// not walked; a folder reached twice walked once.
func TestWalk(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string, mtime time.Time) {
		t.Helper()
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	t1 := time.Unix(1700000000, 123456789)
	t2 := time.Unix(1700000100, 0)
	write("a.md", "alpha", t1)
	write("sub/b.txt", "bravo!", t2)
	write(".hidden/c.md", "hidden", t1)
	write(".d.md", "hidden", t1)
	write("data/index/x.md", "the data folder", t1)
	write("img.png", "png", t1)
	if err := os.Symlink("sub", filepath.Join(root, "zz-again")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.md", filepath.Join(root, "link.md")); err != nil {
		t.Fatal(err)
	}
	files, skipped, err := Walk(context.Background(), root, Options{}, filepath.Join(root, "data"))
	if err != nil {
		t.Fatal(err)
	}
	want := []File{
		{Path: "a.md", Size: 5, ModTime: t1.UnixNano()},
		{Path: "link.md", Size: 5, ModTime: t1.UnixNano()},
		{Path: "sub/b.txt", Size: 6, ModTime: t2.UnixNano()},
	}
	if !slices.Equal(files, want) {
		t.Errorf("files\n%+v\nwant\n%+v", files, want)
	}
	reasons := map[string]string{}
	for _, s := range skipped {
		reasons[s.Path] = s.Reason
	}
	if len(skipped) != 2 || !strings.Contains(reasons["img.png"], "unsupported") || !strings.Contains(reasons["zz-again"], "loop") {
		t.Errorf("skipped %+v", skipped)
	}
	if _, _, err := Walk(context.Background(), filepath.Join(root, "missing"), Options{}, ""); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing root: %v", err)
	}
}

// TestWalkPrefersRealFolder: a folder reached both directly and through a
// symlink that sorts before it is listed under its real path, whatever the
// names, so citations name the real file; the symlink is skipped.
func TestWalkPrefersRealFolder(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "reports", "2022"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "reports", "2022", "x.md"), []byte("# X\n\ntext\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"archive": "reports", "a-latest": "reports/2022"} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Skipf("symlinks not available: %v", err)
		}
	}
	files, skipped, err := Walk(context.Background(), root, Options{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Path != "reports/2022/x.md" {
		t.Errorf("files %+v, want reports/2022/x.md only", files)
	}
	if len(skipped) != 2 {
		t.Errorf("skipped %+v, want the two symlinks", skipped)
	}
}

// mayBeHeading only skips lines that the heading expression cannot match.
func FuzzMayBeHeading(f *testing.F) {
	for _, s := range []string{"# Title", "   ## x", "    # code", "\t#x", "text # not", "", "#", " \f\r#"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, l string) {
		if !mayBeHeading(l) && mdHeading.MatchString(l) {
			t.Errorf("mayBeHeading(%q) = false, but the expression matches", l)
		}
	})
}

// TestPlainTextTitles: the title of a plain text file comes from the leading
// lines of its first paragraph when they read as a title; the lines after
// them (links, authors) stay text, and prose never becomes a title.
func TestPlainTextTitles(t *testing.T) {
	type expected struct {
		title     string
		firstLine int    // of the first passage
		firstText string // its first line
	}
	want := map[string]expected{
		"wrapped.txt":         {"Estimating the number of infections and the impact of non-pharmaceutical interventions on COVID-19 in 11 European countries", 4, "On 30 March 2020, the Imperial College COVID-19 Response Team reported."},
		"comma-link.txt":      {"CDC Summary 21 MAR 2020", 2, "https://www.cdc.gov/coronavirus/2019-ncov/cases-updates/summary.html"},
		"subtitle-link.txt":   {"Preparation for Possible Sustained Transmission of 2019 Novel Coronavirus Lessons From Previous Epidemics", 3, "https://jamanetwork.com/journals/jama/fullarticle/2761285"},
		"colon.txt":           {"Chikungunya: A Potentially Emerging Epidemic?", 3, "Authors: Someone, A."},
		"initials.txt":        {"C. difficile Spo0A Regulates Sporulation in ovine Eimeria spp.", 3, "Text."},
		"quoted.txt":          {"‘Tiny Iceland’ preparing for Ebola in a globalized world", 3, "Text."},
		"lowercase-start.txt": {"iNR-Drug: Predicting the Interaction of Drugs with Nuclear Receptors", 3, "Text."},
		"title-field.txt":     {"The Talks in Tirana", 2, "Author: A. Reporter"},
		"meta-lines.txt":      {"Albania and Iran", 2, "Authors: A. Reporter"},
		"prose.txt":           {"Prose", 1, "The ministers met on Thursday. They talked for two hours."},
		"wrapped-prose.txt":   {"Wrapped prose", 1, "The ministers met on Thursday and talked"},
		"dated.txt":           {"Dated", 1, "The ministers met on Thursday."},
		"one-word.txt":        {"Flax", 3, "THE flax was in full bloom. It had pretty little blue flowers."}, // a tale's title may be one word
		"one-word-prose.txt":  {"One word prose", 1, "Yes."},
		"000_3c22a4c634.txt":  {"The ministers met on Thursday in the capital …", 1, "The ministers met on Thursday in the capital and talked for two hours about the border."}, // a file named by an ID: its opening words
	}
	loadEach(t, "testdata/titles", want, func(d *Document, w expected) {
		if d.Title != w.title {
			t.Errorf("%s: title %q, want %q", d.Path, d.Title, w.title)
		}
		p := d.Passages[0]
		first, _, _ := strings.Cut(p.Text, "\n")
		if p.StartLine != w.firstLine || first != w.firstText || p.Section != "" {
			t.Errorf("%s: first passage at line %d section %q starts %q, want line %d %q", d.Path, p.StartLine, p.Section, first, w.firstLine, w.firstText)
		}
		if p.Title != d.Title {
			t.Errorf("%s: passage title %q", d.Path, p.Title)
		}
	})
}

// TestPassageLinesMatchSource: line k of a passage's text is line
// StartLine+k of its file, blank lines between paragraphs included, so that
// a sentence of the passage can be cited by its own lines.
func TestPassageLinesMatchSource(t *testing.T) {
	files := []string{"story.txt", "hardwrap.txt", "markdown/tilde.md", "markdown/setext.md", "markdown/hr.md", "markdown/code.md"}
	for _, name := range files {
		doc, data := parseTestdata(t, name, name, Options{PassageChars: 300})
		src := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
		for _, p := range doc.Passages {
			lines := strings.Split(p.Text, "\n")
			if p.StartLine+len(lines)-1 != p.EndLine {
				t.Errorf("%s %s: %d lines of text for lines %d-%d", name, p.Location(), len(lines), p.StartLine, p.EndLine)
			}
			for k, l := range lines {
				got := strings.TrimSpace(src[p.StartLine-1+k])
				if l = strings.TrimSpace(l); !strings.Contains(got, l) {
					t.Errorf("%s %s: text line %d %q, source line %d %q", name, p.Location(), k, l, p.StartLine+k, got)
				}
			}
		}
	}
}

func TestPassageSpan(t *testing.T) {
	p := Passage{ID: "x", Doc: "d.txt", ParaStart: 4, ParaEnd: 6, StartLine: 10, EndLine: 17,
		Text: "First para line one\nline two.\n\nSecond para.\n\n\nThird para\non two lines."}
	cases := []struct {
		part string
		want string
	}{
		{"First para line one\nline two.", "¶4, lines 10-11"},
		{"line two.", "¶4, line 11"},
		{"Second para.", "¶5, line 13"},
		{"Third para\non two lines.", "¶6, lines 16-17"},
		{"Second para.\n\n\nThird para", "¶5-6, lines 13-16"},
	}
	for _, c := range cases {
		i := strings.Index(p.Text, c.part)
		s := p.Span(i, i+len(c.part))
		if s.Location() != c.want || s.Text != c.part || s.ID != "x" || s.Doc != "d.txt" {
			t.Errorf("Span(%q) = %s %q, want %s", c.part, s.Location(), s.Text, c.want)
		}
	}
	if s := p.Span(-5, 1000); s.Location() != "¶4-6, lines 10-17" {
		t.Errorf("clamped span %s", s.Location())
	}
}

// TestNarrativeFillsPassages: in a story told with dialogue (short
// paragraphs that open with a quotation mark), a passage takes whole
// paragraphs up to the full size; elsewhere it takes no further paragraph
// once it reaches half of it (minShare), and long quotations, as a news
// article's, do not make a text narrative.
func TestNarrativeFillsPassages(t *testing.T) {
	para := func(i int, quote bool, size int) string {
		s := fmt.Sprintf("Paragraph %d goes on about the miller and his daughter", i)
		for len(s) < size {
			s += " and the king"
		}
		if quote {
			return "'" + s + ",' said he."
		}
		return s + "."
	}
	text := func(quote bool, size int) string {
		var ps []string
		for i := range 12 {
			ps = append(ps, para(i, quote && i%2 == 1, size))
		}
		return "The Miller\n\n" + strings.Join(ps, "\n\n") + "\n"
	}
	cases := []struct {
		name  string
		quote bool
		size  int
		want  []int // paragraphs per passage
	}{
		{"dialogue", true, 110, []int{7, 5}},
		{"no dialogue", false, 110, []int{5, 5, 2}},
		{"long quotations", true, 200, []int{3, 3, 3, 3}},
	}
	for _, c := range cases {
		doc, err := Parse(context.Background(), "miller.txt", []byte(text(c.quote, c.size)), Options{PassageChars: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, p := range doc.Passages {
			got = append(got, p.ParaEnd-p.ParaStart+1)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: paragraphs per passage %v, want %v", c.name, got, c.want)
		}
	}
}

// TestPlainTextHeadingAfterSentence: in plain text, a "# Heading" line
// right after a line that ends a sentence is a heading (notes written
// without a blank line before it); after a hard-wrapped line that goes
// on, it is the rest of the sentence ("rose by\n# 5 percent").
func TestPlainTextHeadingAfterSentence(t *testing.T) {
	doc, _ := parseTestdata(t, "headings/notes.txt", "notes.txt", Options{})
	var sections, texts []string
	for _, p := range doc.Passages {
		sections = append(sections, p.Section)
		texts = append(texts, p.Text)
	}
	all := strings.Join(texts, "\n")
	if strings.Contains(all, "The embargo\n") || !slices.Contains(sections, "The embargo") {
		t.Errorf("want \"# The embargo\" as a section heading, got sections %q, text %q", sections, all)
	}
	if !strings.Contains(all, "Prices rose by\n# 5 percent in a week") {
		t.Errorf("want the hard-wrapped \"# 5 percent\" line kept in its sentence, got %q", all)
	}
}

// TestMetadataDate: a paper or report that opens with a metadata line
// ("Date: 2020-02-17", "Published: 3 March 2021") is dated by it; a
// sentence that starts "Date:" is no metadata.
func TestMetadataDate(t *testing.T) {
	docs, skipped, err := Load(context.Background(), "testdata/meta", Options{})
	if err != nil || len(skipped) != 0 {
		t.Fatal(err, skipped)
	}
	want := map[string]string{"paper.txt": "2020-02-17", "report.txt": "2021-03-03", "late.txt": ""}
	for _, d := range docs {
		if w, ok := want[d.Path]; !ok || d.Date != w {
			t.Errorf("%s: date %q, want %q", d.Path, d.Date, w)
		}
	}
	if len(docs) != len(want) {
		t.Errorf("%d documents, want %d", len(docs), len(want))
	}
}

// TestIsMetadata: a paper's metadata lines and bare links are no text to
// quote; its abstract and sentences that hold a link or a colon are.
func TestIsMetadata(t *testing.T) {
	for s, want := range map[string]bool{
		"https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7048229/":      true,
		"SHA: da81f0d3a12ab7faa09148acb6564271474e9e02":              true,
		"Authors: Zhang, Wei; Du, Rong-Hui":                          true,
		"Date: 2020-02-17":                                           true,
		"Title: The Fox":                                             true,
		"Abstract: In December 2019, a novel coronavirus caused it.": false,
		"See https://example.com for the full report.":               false,
		"The minister said: we will act.":                            false,
		"Warning: the bridge is closed.":                             false,
	} {
		if got := IsMetadata(s); got != want {
			t.Errorf("IsMetadata(%q) = %v, want %v", s, got, want)
		}
	}
}
