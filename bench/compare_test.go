package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"storybot/internal/knowledge"
	"storybot/internal/search"
)

// shared is the shared folder beside the repository, seen from bench/.
const shared = "../../shared"

func sharedSets(t testing.TB) []Set {
	t.Helper()
	sets, err := SharedSets(shared)
	if err != nil {
		t.Skipf("shared question sets absent: %v", err)
	}
	return sets
}

// TestQualitySideBySide indexes each shared question set with both engines
// over the same passages, logs the table and fails when storybot's recall@5
// is below bleve's on any set.
func TestQualitySideBySide(t *testing.T) {
	sets := sharedSets(t)
	if testing.Short() {
		t.Skip("indexes every shared set twice")
	}
	rows, err := Compare(context.Background(), sets, []Engine{Storybot(search.Options{}), Bleve(t.TempDir())}, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteQualityTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", b.String())
	if len(rows) != 2*len(sets) {
		t.Fatalf("got %d rows, want %d", len(rows), 2*len(sets))
	}
	for _, r := range rows {
		if r.Questions == 0 || r.Passages == 0 {
			t.Errorf("%s/%s: %d questions over %d passages", r.Set, r.Engine, r.Questions, r.Passages)
		}
	}
	if err := CheckRecall(rows, 5); err != nil {
		t.Error(err)
	}
}

// TestBleveFindsPassage checks the baseline adapter on a tiny folder: the
// English analyzer stems ("attacks" finds "attack") and hits map back to
// the right passages.
func TestBleveFindsPassage(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.txt"), "Albania cut ties with Iran after the cyberattack.\n\nThe weather in Tirana was mild.\n")
	writeFile(t, filepath.Join(dir, "b.txt"), "Durres is a port city on the Adriatic coast.\n")
	docs, err := LoadDocs(context.Background(), []string{dir}, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Bleve(t.TempDir()).Build(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ps, err := ix.Search(context.Background(), "cyberattacks on Albania", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 || ps[0].Doc != "a.txt" {
		t.Fatalf("top passages %v, want a.txt first", ps)
	}
	ps, err = ix.Search(context.Background(), "port cities", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Doc != "b.txt" {
		t.Fatalf("top passages %v, want only b.txt", ps)
	}
}

func writeFile(t *testing.T, name, text string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
