package library

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestOpenIndexesAndSearches(t *testing.T) {
	f := storyFixture(t)
	f.write("sub/b.md", storyB)
	l := f.open()
	s := l.Current()
	if got := docPaths(s); got != "a.md,sub/b.md" {
		t.Fatalf("docs = %s", got)
	}
	if rep := l.LastReport(); !slices.Equal(rep.Added, []string{"a.md", "sub/b.md"}) || rep.Passages.Before != 0 || rep.Passages.After != s.Passages() {
		t.Errorf("open report = %+v", rep)
	}
	hits, err := l.Search(context.Background(), "e-Albania portal hackers", 3)
	if err != nil || len(hits) == 0 || hits[0].Passage.Doc != "sub/b.md" {
		t.Fatalf("search: %v %+v", err, hits)
	}
	if len(s.Version) != 16 {
		t.Errorf("version %q", s.Version)
	}
}

func TestEmptyFolder(t *testing.T) {
	f := newFixture(t)
	l := f.open()
	if n := len(l.Current().Docs); n != 0 {
		t.Fatalf("%d docs", n)
	}
	hits, err := l.Search(context.Background(), "anything", 5)
	if err != nil || len(hits) != 0 {
		t.Fatalf("search on empty: %v %v", hits, err)
	}
}

func TestMissingFolder(t *testing.T) {
	f := newFixture(t)
	opts := f.options()
	opts.Root = filepath.Join(f.root, "nope")
	_, err := Open(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "KNOWLEDGE_DIR") || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v", err)
	}
}

func TestRefreshIsIncremental(t *testing.T) {
	f := storyFixture(t)
	f.write("b.md", storyB)
	f.write("c.md", storyC)
	l := f.open()
	f.parsed.take()
	before := l.Current()

	r := refresh(t, l)
	if r.Any() || len(f.parsed.take()) != 0 {
		t.Fatalf("unchanged folder: report %+v, parsed files", r)
	}
	if l.Current() != before {
		t.Fatal("unchanged folder swapped the snapshot")
	}

	f.write("b.md", storyB+"\nA new paragraph about Microsoft's report.\n")
	r = refresh(t, l)
	if got := f.parsed.take(); !slices.Equal(got, []string{"b.md"}) {
		t.Errorf("parsed %v, want only b.md", got)
	}
	if !slices.Equal(r.Changed, []string{"b.md"}) || len(r.Added)+len(r.Removed) != 0 {
		t.Errorf("report %+v", r)
	}
	after := l.Current()
	if after.Version == before.Version {
		t.Error("version did not change")
	}
	if after.Doc("a.md") != before.Doc("a.md") || after.Doc("c.md") != before.Doc("c.md") {
		t.Error("unchanged documents were not reused")
	}

	f.write("d.md", "# New\n\nA brand new document about sanctions.\n")
	os.Remove(filepath.Join(f.root, "c.md"))
	r = refresh(t, l)
	if !slices.Equal(r.Added, []string{"d.md"}) || !slices.Equal(r.Removed, []string{"c.md"}) {
		t.Errorf("report %+v", r)
	}
	wantDocs(t, l, "a.md,b.md,d.md")
}

func TestTouchedFileIsNotChanged(t *testing.T) {
	f, l := oneStory(t)
	v := l.Current().Version
	f.write("a.md", storyA) // same bytes, new mtime
	r := refresh(t, l)
	if r.Any() || l.Current().Version != v {
		t.Fatalf("touch reported as a change: %+v", r)
	}
	f.parsed.take()
	refresh(t, l)
	if got := f.parsed.take(); len(got) != 0 {
		t.Errorf("touched file parsed again on the next refresh: %v", got)
	}
}

func TestReportJSONListsAreNeverNull(t *testing.T) {
	b, err := json.Marshal(emptyReport())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"added":[],"changed":[],"removed":[],"skipped":[],"passages":{"before":0,"after":0},"ms":0}`
	if string(b) != want {
		t.Fatalf("got %s\nwant %s", b, want)
	}
	_, l := oneStory(t)
	b, _ = json.Marshal(refresh(t, l))
	if strings.Contains(string(b), "null") {
		t.Fatalf("null in %s", b)
	}
}

func TestFailedRefreshKeepsSnapshot(t *testing.T) {
	f, l := oneStory(t)
	before := l.Current()
	moved := f.root + ".moved"
	if err := os.Rename(f.root, moved); err != nil {
		t.Fatal(err)
	}
	_, err := l.Refresh(context.Background())
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("err = %v", err)
	}
	if l.Current() != before {
		t.Fatal("a failed refresh replaced the snapshot")
	}
	if hits, err := l.Search(context.Background(), "Edi Rama", 1); err != nil || len(hits) != 1 {
		t.Fatalf("search after failed refresh: %v %v", hits, err)
	}
	os.Rename(moved, f.root)
	if r := refresh(t, l); r.Any() {
		t.Errorf("after the folder came back: %+v", r)
	}
}

func TestConcurrentRefreshesAreCoalesced(t *testing.T) {
	f, l := oneStory(t)
	release := make(chan struct{})
	started := make(chan struct{}, 100)
	f.hook = func(rel string) error {
		started <- struct{}{}
		<-release
		return nil
	}
	f.parsed.take()
	f.write("a.md", storyA+"\nMore.\n")
	first := make(chan Report, 1)
	go func() { r, _ := l.Refresh(context.Background()); first <- r }()
	<-started // the first refresh is parsing a.md
	f.write("b.md", storyB)
	const n = 8
	var wg sync.WaitGroup
	reports := make([]Report, n)
	for i := range n {
		wg.Go(func() { reports[i], _ = l.Refresh(context.Background()) })
	}
	// Let every waiter queue up behind the running refresh, then release.
	for l.waiting() < n {
		runtimeGosched()
	}
	close(release)
	wg.Wait()
	r1 := <-first
	if !slices.Equal(r1.Changed, []string{"a.md"}) {
		t.Errorf("first report %+v", r1)
	}
	for i, r := range reports {
		if !slices.Equal(r.Added, []string{"b.md"}) {
			t.Errorf("waiter %d report %+v, want the shared second refresh adding b.md", i, r)
		}
	}
	if got := f.parsed.take(); len(got) != 2 {
		t.Errorf("parsed %v: want a.md once and b.md once (two refreshes for nine calls)", got)
	}
}

func TestRefreshCallerContext(t *testing.T) {
	_, l := oneStory(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Refresh(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestSearchesDuringRefreshesSeeCompleteSnapshots(t *testing.T) {
	f := storyFixture(t)
	f.write("b.md", storyB)
	l := f.open()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 4 {
		wg.Go(func() {
			for ctx.Err() == nil {
				s := l.Current()
				if st := s.Index.Stats(); s.Segments() != 1 || st.Passages != s.Passages() || st.Docs != len(s.Docs) {
					errs <- errors.New("snapshot index does not match its documents")
					return
				}
				if _, err := l.Search(ctx, "Albania Iran cyberattack", 5); err != nil && ctx.Err() == nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range 20 {
		if i%2 == 0 {
			f.write("c.md", storyC+strings.Repeat("\nMore reactions from allies.\n", i))
		} else {
			os.Remove(filepath.Join(f.root, "c.md"))
		}
		refresh(t, l)
	}
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestDataFolderInsideKnowledgeIsNotIndexed(t *testing.T) {
	f := storyFixture(t)
	f.data = filepath.Join(f.root, "data")
	l := f.open()
	if _, err := l.Remove(context.Background(), "a.md", "mod"); err != nil {
		t.Fatal(err)
	}
	r := refresh(t, l)
	if got := docPaths(l.Current()); got != "" {
		t.Errorf("trash or index files indexed: %s", got)
	}
	if len(r.Skipped) != 0 {
		t.Errorf("data folder files reported: %+v", r.Skipped)
	}
}
