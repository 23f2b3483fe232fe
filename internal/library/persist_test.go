package library

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func searchDocs(t *testing.T, l *Library, q string) []string {
	t.Helper()
	hits, err := l.Search(context.Background(), q, 5)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range hits {
		out = append(out, h.Passage.ID)
	}
	return out
}

func TestRestartReusesSavedIndex(t *testing.T) {
	f := storyFixture(t)
	f.write("b.md", storyB)
	l1 := f.open()
	want := searchDocs(t, l1, "Iran cyberattack diplomats")
	v := l1.Current().Version
	l1.Close()
	if _, err := os.Stat(filepath.Join(f.indexDir(), "library.bin")); err != nil {
		t.Fatalf("no saved index: %v", err)
	}
	f.parsed.take()

	l2 := f.open()
	if got := f.parsed.take(); len(got) != 0 {
		t.Errorf("restart over an unchanged folder parsed %v", got)
	}
	if r := l2.LastReport(); r.Any() || r.Passages.Before != r.Passages.After {
		t.Errorf("restart report %+v", r)
	}
	if l2.Current().Version != v {
		t.Error("version changed across a restart")
	}
	if got := searchDocs(t, l2, "Iran cyberattack diplomats"); !slices.Equal(got, want) {
		t.Errorf("results differ after restart: %v vs %v", got, want)
	}
}

func TestRestartAfterChangeParsesOnlyTheChange(t *testing.T) {
	f := storyFixture(t)
	f.write("b.md", storyB)
	f.open().Close()
	f.write("b.md", storyB+"\nUpdated.\n")
	f.write("c.md", storyC)
	f.parsed.take()
	l := f.open()
	got := f.parsed.take()
	slices.Sort(got)
	if !slices.Equal(got, []string{"b.md", "c.md"}) {
		t.Errorf("parsed %v", got)
	}
	r := l.LastReport()
	if !slices.Equal(r.Changed, []string{"b.md"}) || !slices.Equal(r.Added, []string{"c.md"}) {
		t.Errorf("report %+v", r)
	}
}

func TestBadSavedIndexIsRebuiltNeverServed(t *testing.T) {
	cases := map[string]func(b []byte) []byte{
		"flipped byte":  func(b []byte) []byte { b[len(b)/2] ^= 0xff; return b },
		"truncated":     func(b []byte) []byte { return b[:len(b)/3] },
		"foreign file":  func(b []byte) []byte { return []byte("hello, I am not an index\n") },
		"empty":         func(b []byte) []byte { return nil },
		"other version": func(b []byte) []byte { b[len(cacheMagic)] = 99; return b },
	}
	for name, damage := range cases {
		for _, file := range []string{"library.bin", "seg-*.bin"} {
			t.Run(name+"/"+file, func(t *testing.T) {
				testBadSavedFile(t, file, damage)
			})
		}
	}
}

// testBadSavedFile damages the saved file that matches pattern and checks
// that the next start rebuilds and saves again.
func testBadSavedFile(t *testing.T, pattern string, damage func([]byte) []byte) {
	f := storyFixture(t)
	f.open().Close()
	paths, _ := filepath.Glob(filepath.Join(f.indexDir(), pattern))
	if len(paths) != 1 {
		t.Fatalf("saved files %q: %v", pattern, paths)
	}
	path := paths[0]
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, damage(b), 0o644); err != nil {
		t.Fatal(err)
	}
	f.parsed.take()
	l := f.open()
	if got := f.parsed.take(); !slices.Equal(got, []string{"a.md"}) {
		t.Errorf("parsed %v, want a rebuild", got)
	}
	if !strings.Contains(f.logs.String(), "saved index not used") {
		t.Errorf("no warning logged:\n%s", f.logs.String())
	}
	if hits := searchDocs(t, l, "Edi Rama"); len(hits) == 0 {
		t.Error("rebuilt index finds nothing")
	}
	// The rebuilt index was saved again and is used next time.
	l.Close()
	f.parsed.take()
	f.open()
	if got := f.parsed.take(); len(got) != 0 {
		t.Errorf("second restart parsed %v", got)
	}
}

// TestSavedIndexFromOtherSettingsIsRebuilt: a saved index built by another
// build or with other settings is rebuilt, and that is said at INFO.
func TestSavedIndexFromOtherSettingsIsRebuilt(t *testing.T) {
	f := storyFixture(t)
	f.open().Close()
	opts := f.options()
	opts.CacheKey = "another build"
	f.parsed.take()
	openLib(t, opts)
	if got := f.parsed.take(); len(got) != 1 {
		t.Errorf("parsed %v, want a rebuild", got)
	}
	// An expected rebuild (an upgrade, go run after a built binary) is
	// said at INFO, not as a warning.
	if logs := f.logs.String(); !strings.Contains(logs, `level=INFO msg="saved index is from another build or other settings; rebuilding"`) || strings.Contains(logs, "level=WARN") {
		t.Errorf("log:\n%s", logs)
	}
}

func TestNoDataDirMeansNoPersistence(t *testing.T) {
	f := storyFixture(t)
	opts := f.options()
	opts.DataDir = ""
	l := openLib(t, opts)
	if _, err := os.Stat(f.data); !os.IsNotExist(err) {
		t.Errorf("data folder created: %v", err)
	}
	if _, err := l.AddFile(context.Background(), "x.md", []byte("# X\n\ntext\n"), false, "mod"); err == nil {
		t.Error("AddFile without a data folder succeeded")
	}
}

func TestSavedIndexOfAnotherFolderIsNotUsed(t *testing.T) {
	f := storyFixture(t)
	f.open().Close()
	other := newFixture(t)
	other.write("a.md", storyA)
	opts := other.options()
	opts.DataDir = f.data
	openLib(t, opts)
	if got := other.parsed.take(); len(got) != 1 {
		t.Errorf("parsed %v: the saved index of another folder was used", got)
	}
}

// Two libraries share a DATA_DIR (storybot refresh while the bot runs):
// each save writes the segment files it needs even when the other removed
// them, so the next start loads the saved index.
func TestSharedDataDirSavesStayLoadable(t *testing.T) {
	f := storyFixture(t)
	bot := f.open()
	cli := f.open()
	f.write("a.md", storyA+"\nA change the command-line refresh saves.\n")
	refresh(t, cli) // saves a new segment, removes the bot's as stale
	cli.Close()
	f.write("a.md", storyA)
	refresh(t, bot) // back to the bot's first segment
	bot.Close()
	f.parsed.take()
	l := f.open()
	if got := f.parsed.take(); len(got) != 0 {
		t.Errorf("restart parsed %v: the saved index was not loadable\n%s", got, f.logs.String())
	}
	if hits := searchDocs(t, l, "Edi Rama"); len(hits) == 0 {
		t.Error("restarted index finds nothing")
	}
}

// TestSwitchingFoldersKeepsEachSavedIndex: two knowledge folders used in
// turn with one DATA_DIR (storybot --knowledge A, then B, then A) each keep
// their saved index: going back parses nothing and warns about nothing.
func TestSwitchingFoldersKeepsEachSavedIndex(t *testing.T) {
	a := newFixture(t)
	a.write("a.md", storyA)
	b := newFixture(t)
	b.data = a.data
	b.write("b.md", storyB)
	a.open().Close()
	b.open().Close()
	a.parsed.take()
	b.parsed.take()
	for _, f := range []*fixture{a, b, a} {
		f.open().Close()
		if got := f.parsed.take(); len(got) != 0 {
			t.Errorf("reopening %s parsed %v: its saved index was not kept", f.root, got)
		}
	}
	for _, f := range []*fixture{a, b} {
		if strings.Contains(f.logs.String(), "saved index not used") {
			t.Errorf("a warning on switching folders:\n%s", f.logs.String())
		}
	}
}

// TestLegacyIndexLayout: a saved index of the old layout (files directly in
// DATA_DIR/index) is moved into its folder's own index folder when it was
// saved for the folder being opened, and removed otherwise.
func TestLegacyIndexLayout(t *testing.T) {
	toLegacy := func(f *fixture) {
		t.Helper()
		names, _ := filepath.Glob(filepath.Join(f.indexDir(), "*.bin"))
		if len(names) < 2 {
			t.Fatalf("saved files: %v", names)
		}
		for _, n := range names {
			if err := os.Rename(n, filepath.Join(f.data, "index", filepath.Base(n))); err != nil {
				t.Fatal(err)
			}
		}
	}
	a := newFixture(t)
	a.write("a.md", storyA)
	a.open().Close()
	toLegacy(a)
	a.parsed.take()
	a.open().Close()
	if got := a.parsed.take(); len(got) != 0 {
		t.Errorf("the folder's index in the old layout was not used: parsed %v\n%s", got, a.logs.String())
	}
	if old, _ := filepath.Glob(filepath.Join(a.data, "index", "*.bin")); len(old) != 0 {
		t.Errorf("old layout files left: %v", old)
	}
	if _, err := os.Stat(filepath.Join(a.indexDir(), "library.bin")); err != nil {
		t.Errorf("not moved: %v", err)
	}

	// Another folder's index in the old layout: removed, without a warning.
	b := newFixture(t)
	b.data = a.data
	b.write("b.md", storyB)
	a.open().Close()
	toLegacy(a)
	b.open().Close()
	if old, _ := filepath.Glob(filepath.Join(a.data, "index", "*.bin")); len(old) != 0 {
		t.Errorf("another folder's old layout files left: %v", old)
	}
	if strings.Contains(b.logs.String(), "saved index not used") {
		t.Errorf("a warning:\n%s", b.logs.String())
	}
}
