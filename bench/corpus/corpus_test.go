package corpus

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"storybot/internal/golden"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"two sentences", "Albania cut ties. Iran denied it.", []string{"Albania cut ties.", "Iran denied it."}},
		{"lines joined", "Ships arrive\nfrom Bari. They leave.", []string{"Ships arrive from Bari.", "They leave."}},
		{"abbreviation kept", "Mr. Rama spoke. Dr. Who did not.", []string{"Mr. Rama spoke.", "Dr. Who did not."}},
		{"initials kept", "The U.S. Treasury acted. It said so.", []string{"The U.S. Treasury acted.", "It said so."}},
		{"curly quotes close", "“We end relations.” Rama said so.", []string{"“We end relations.”", "Rama said so."}},
		{"question and exclamation", "Is it busy? Yes! Very.", []string{"Is it busy?", "Yes!", "Very."}},
		{"lower case does not start a sentence", "It cost 2.5 m. and more.", []string{"It cost 2.5 m. and more."}},
		{"heading, URL and metadata dropped", "# Title\n\nhttps://x.org/a\n\nAuthors: A; B\n\nText here.", []string{"Text here."}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitSentences(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("SplitSentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzSplitSentences(f *testing.F) {
	for _, s := range []string{"A. B.", "Mr. X said “no.” Then? Yes!", "# h\n\nx\ny. Z.", "\r\n\r\n. . .", "é. É."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm := strings.Join(strings.Fields(s), " ")
		for _, sent := range SplitSentences(s) {
			if sent == "" || sent != strings.TrimSpace(sent) {
				t.Fatalf("sentence %q is empty or untrimmed", sent)
			}
			// Heading and URL lines are dropped from inside a paragraph,
			// so a sentence is made of the text's words, not one run of it.
			for _, w := range strings.Fields(sent) {
				if utf8.ValidString(s) && !strings.Contains(norm, w) {
					t.Fatalf("sentence %q has %q, not in the text %q", sent, w, norm)
				}
			}
		}
	})
}

func TestSentencesFromFolders(t *testing.T) {
	got, err := Sentences(context.Background(), []string{"testdata/source"}, 10, 600)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"date 2022-09-07 Iran’s July cyberattack on Albania proved to be the final straw.",
		"Tirana severed its diplomatic relations with Teheran on Wednesday.",
		"“The government has decided with immediate effect to end diplomatic relations,” Prime Minister Edi Rama declared.",
		"Mr. Rama spoke in a video statement.",
		"Durrës is a port city on the Adriatic coast.",
		"It is the second largest city in Albania!",
		"Ships arrive every day from Bari and from Ancona.",
		"Is the port busy?",
		"Yes, very busy.",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Sentences\n got %q\nwant %q", got, want)
	}
	if _, err := Sentences(context.Background(), []string{t.TempDir()}, 10, 600); err == nil {
		t.Error("an empty folder gave no error")
	}
	if _, err := Sentences(context.Background(), []string{filepath.Join(t.TempDir(), "missing")}, 10, 600); err == nil {
		t.Error("a missing folder gave no error")
	}
}

// TestGenerateGolden pins the generator's output for a fixed seed, so a
// change to the corpus (and so to every benchmark number) is seen in review.
func TestGenerateGolden(t *testing.T) {
	sents, err := Sentences(context.Background(), []string{"testdata/source"}, 10, 600)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := Generate(context.Background(), dir, sents, Spec{Passages: 5, PerFile: 3, TargetChars: 200, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 2 || st.Paragraphs != 5 {
		t.Errorf("stats %+v, want 2 files and 5 paragraphs", st)
	}
	var all bytes.Buffer
	for _, name := range []string{"gen_00000.txt", "gen_00001.txt"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		all.WriteString("== " + name + "\n")
		all.Write(b)
	}
	golden.Check(t, filepath.Join("testdata", "generate.golden"), all.String())
}

func TestGenerateShape(t *testing.T) {
	sents := []string{"Short one.", "A somewhat longer sentence about Albania and Iran.", strings.Repeat("word ", 60) + "end."}
	dir := t.TempDir()
	spec := Spec{Passages: 250, PerFile: 100, TargetChars: 300, Seed: 1}
	st, err := Generate(context.Background(), dir, sents, spec)
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 3 || st.Paragraphs != 250 {
		t.Fatalf("stats %+v, want 3 files, 250 paragraphs", st)
	}
	var paras []string
	for i := range 3 {
		b, err := os.ReadFile(filepath.Join(dir, "gen_0000"+string(rune('0'+i))+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		paras = append(paras, strings.Split(strings.TrimSuffix(string(b), "\n"), "\n\n")...)
	}
	if len(paras) != 250 {
		t.Fatalf("%d paragraphs on disk, want 250", len(paras))
	}
	for _, p := range paras {
		if len(p) < 300 || len(p) > 300+300/4+len(sents[2]) {
			t.Errorf("paragraph of %d bytes, want about 300: %q", len(p), p)
			break
		}
	}
	// Same seed, same bytes; another seed, other bytes.
	again := t.TempDir()
	if _, err := Generate(context.Background(), again, sents, spec); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	spec.Seed = 2
	if _, err := Generate(context.Background(), other, sents, spec); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "gen_00000.txt"))
	b, _ := os.ReadFile(filepath.Join(again, "gen_00000.txt"))
	c, _ := os.ReadFile(filepath.Join(other, "gen_00000.txt"))
	if !bytes.Equal(a, b) {
		t.Error("the same seed gave different files")
	}
	if bytes.Equal(a, c) {
		t.Error("another seed gave the same file")
	}
}

func TestGenerateRejects(t *testing.T) {
	if _, err := Generate(context.Background(), t.TempDir(), []string{"A."}, Spec{}); err == nil {
		t.Error("zero passages gave no error")
	}
	if _, err := Generate(context.Background(), t.TempDir(), nil, Spec{Passages: 1}); err == nil {
		t.Error("no sentences gave no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, t.TempDir(), []string{"A."}, Spec{Passages: 1}); err == nil {
		t.Error("a cancelled context gave no error")
	}
}

func TestEnsureReusesCorpus(t *testing.T) {
	cache := t.TempDir()
	spec := Spec{Passages: 20, PerFile: 10, TargetChars: 100, Seed: 3}
	dir, st, err := Ensure(context.Background(), cache, []string{"testdata/source"}, spec)
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 2 {
		t.Fatalf("stats %+v, want 2 files", st)
	}
	marker := filepath.Join(dir, "marker")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dir2, st2, err := Ensure(context.Background(), cache, []string{"testdata/source"}, spec)
	if err != nil {
		t.Fatal(err)
	}
	if dir2 != dir || st2.Files != 2 || st2.Bytes != st.Bytes {
		t.Errorf("second Ensure gave %s %+v, want %s %+v", dir2, st2, dir, st)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Error("second Ensure regenerated a complete corpus")
	}
	// An interrupted run (no stamp) is redone.
	if err := os.Remove(dir + ".complete"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Ensure(context.Background(), cache, []string{"testdata/source"}, spec); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("an incomplete corpus was reused")
	}
}

// TestSharedSources checks the real sources give enough distinct sentences
// for a 100,000-passage corpus to be varied.
func TestSharedSources(t *testing.T) {
	dirs := []string{"../../../shared/seed", "../../../shared/eval/xquad_en/docs", "../../../shared/eval/covidqa/docs"}
	for _, d := range dirs {
		if _, err := os.Stat(d); err != nil {
			t.Skipf("shared documents absent: %v", err)
		}
	}
	sents, err := Sentences(context.Background(), dirs, 20, 600)
	if err != nil {
		t.Fatal(err)
	}
	if len(sents) < 10000 {
		t.Errorf("%d sentences, want at least 10,000", len(sents))
	}
}
