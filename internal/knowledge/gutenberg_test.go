package knowledge_test

import (
	"context"
	"strings"
	"testing"

	"storybot/internal/knowledge"
)

// TestGutenbergFile: a Project Gutenberg text file as downloaded
// (testdata/gutenberg: its header, the story, then the licence) is indexed
// as the story alone, titled by its Title: line, with the file's line
// numbers; the header answered "What is this story about?" and the licence
// "How does it end?".
func TestGutenbergFile(t *testing.T) {
	docs, skipped, err := knowledge.Load(context.Background(), "testdata/gutenberg", knowledge.Options{})
	if err != nil || len(skipped) != 0 || len(docs) != 1 {
		t.Fatalf("%d docs, skipped %v, %v", len(docs), skipped, err)
	}
	d := docs[0]
	if d.Title != "The Tale of Tom Kitten" {
		t.Errorf("title %q", d.Title)
	}
	var text strings.Builder
	for _, p := range d.Passages {
		text.WriteString(p.Text + "\n")
		if strings.Contains(p.Text, "Once upon a time") && p.StartLine != 27 {
			t.Errorf("the story's first line is cited at line %d, want 27 (the file's)", p.StartLine)
		}
	}
	for _, bad := range []string{"Gutenberg", "ebook", "copyright", "Release date", "Author:"} {
		if strings.Contains(strings.ToLower(text.String()), strings.ToLower(bad)) {
			t.Errorf("indexed %q:\n%s", bad, text.String())
		}
	}
	for _, want := range []string{"Once upon a time there were three little kittens", "several buttons burst off"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the story lacks %q:\n%s", want, text.String())
		}
	}
}

// TestGutenbergMarkers: text without the start marker is kept as it is;
// an older footer ("End of the Project Gutenberg EBook of …", no stars)
// ends the story too; blanked lines stay, empty.
func TestGutenbergMarkers(t *testing.T) {
	plain := "The story.\n\nEnd of the Project Gutenberg EBook of it, mentioned in a story.\n"
	if got := knowledge.Gutenberg(plain); got != plain {
		t.Errorf("no start marker: %q", got)
	}
	old := "Title: A Tale\nAuthor: Someone\n*** START OF THIS PROJECT GUTENBERG EBOOK A TALE ***\nThe story.\nEnd of the Project Gutenberg EBook of A Tale\nThe licence.\n"
	want := "Title: A Tale\n\n\nThe story.\n\n\n"
	if got := knowledge.Gutenberg(old); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestGutenbergExtracted: an extracted page (an older Gutenberg web page,
// whose header and licence are plain text in <pre>) is cut to its story
// too.
func TestGutenbergExtracted(t *testing.T) {
	page := "The Project Gutenberg EBook of A Tale\n\nTitle: A Tale\n\n*** START OF THIS PROJECT GUTENBERG EBOOK A TALE ***\n\nThe kittens played in the dust.\n\n*** END OF THIS PROJECT GUTENBERG EBOOK A TALE ***\n\nThe Project Gutenberg License applies."
	opts := knowledge.Options{Extractors: map[string]knowledge.Extractor{
		".html": func(context.Context, []byte) ([]string, error) { return []string{page}, nil },
	}}
	d, err := knowledge.Parse(context.Background(), "tale.html", []byte("<html>…</html>"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "A Tale" || len(d.Passages) != 1 || d.Passages[0].Text != "The kittens played in the dust." {
		t.Errorf("title %q, passages %+v", d.Title, d.Passages)
	}
}

// TestStrayFormFeed: a text file that ends with a form feed is one page,
// cited by paragraph and line, not "p. 1".
func TestStrayFormFeed(t *testing.T) {
	d, err := knowledge.Parse(context.Background(), "tale.txt", []byte("The kittens played in the dust.\n\nTheir mother was cross.\n\f"), knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range d.Passages {
		if p.Page != 0 || strings.HasPrefix(p.Location(), "p.") {
			t.Errorf("passage on page %d, cited %q", p.Page, p.Location())
		}
	}
}
