package library

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const extractTestdata = "../extract/testdata/"

// Every bad file is skipped with a clear reason and the good documents stay
// indexed and searchable.
func TestBadFilesAreSkippedWithAReason(t *testing.T) {
	f := newFixture(t)
	f.write("good.md", storyA)
	f.copyFrom(extractTestdata+"statement.pdf", "statement.pdf")
	f.copyFrom(extractTestdata+"article.html", "article.html")
	f.copyFrom(extractTestdata+"scanned.pdf", "scanned.pdf")
	f.copyFrom(extractTestdata+"encrypted.pdf", "encrypted.pdf")
	f.copyFrom(extractTestdata+"truncated.pdf", "truncated.pdf")
	f.copyFrom(extractTestdata+"scripts-only.html", "scripts-only.html")
	f.copyFrom(extractTestdata+"locked.docx", "locked.docx")
	f.copyFrom(extractTestdata+"encrypted.odt", "encrypted.odt")
	f.write("huge.txt", strings.Repeat("Albania and Iran. ", 5000)) // 90 KB > 64 KB limit
	f.write("binary.txt", "ELF\x00\x01\x02 binary bytes")
	f.write("latin1.txt", "Durr\xebs")
	f.write("empty.md", "\n\n")
	f.write("program.exe", "MZ")
	os.Symlink("loop-b", filepath.Join(f.root, "loop-a.md"))
	os.Symlink("loop-a.md", filepath.Join(f.root, "loop-b"))
	os.MkdirAll(filepath.Join(f.root, "dir"), 0o755)
	os.Symlink("..", filepath.Join(f.root, "dir", "up"))
	os.Symlink("/etc/passwd", filepath.Join(f.root, "outside.txt"))

	l := f.open()
	r := l.LastReport()
	want := map[string]string{
		"scanned.pdf":       "no text layer",
		"encrypted.pdf":     "encrypted",
		"truncated.pdf":     "malformed",
		"scripts-only.html": "no readable text",
		"locked.docx":       "save it without a password",
		"encrypted.odt":     "save it without a password",
		"huge.txt":          "larger than the 64 KB limit",
		"binary.txt":        "binary file",
		"latin1.txt":        "not UTF-8",
		"empty.md":          "empty file",
		"program.exe":       "unsupported file type",
		"loop-a.md":         "symlink loop",
		"dir/up":            "symlink loop",
		"outside.txt":       "outside the knowledge folder",
	}
	for path, reason := range want {
		if got := skipReason(r, path); !strings.Contains(got, reason) {
			t.Errorf("%s: reason %q, want it to mention %q", path, got, reason)
		}
	}
	if got := docPaths(l.Current()); got != "article.html,good.md,statement.pdf" {
		t.Errorf("indexed %s", got)
	}
	hits, err := l.Search(context.Background(), "investigation found clear evidence", 1)
	if err != nil || len(hits) == 0 || hits[0].Passage.Doc != "statement.pdf" || hits[0].Passage.Page != 1 {
		t.Fatalf("PDF passage not found with its page: %v %+v", err, hits)
	}
	if loc := hits[0].Passage.Location(); !strings.HasPrefix(loc, "p. 1, ¶") {
		t.Errorf("location %q", loc)
	}

	// An unchanged bad file is not parsed again.
	f.parsed.take()
	r2 := refresh(t, l)
	if got := f.parsed.take(); len(got) != 0 {
		t.Errorf("unchanged bad files parsed again: %v", got)
	}
	if len(r2.Skipped) != len(r.Skipped) {
		t.Errorf("skipped %d then %d", len(r.Skipped), len(r2.Skipped))
	}
}

func TestPermissionDenied(t *testing.T) {
	f := storyFixture(t)
	f.write("secret.md", storyB)
	denied := true
	f.hook = func(rel string) error {
		if rel == "secret.md" && denied {
			return &fs.PathError{Op: "open", Path: filepath.Join(f.root, rel), Err: fs.ErrPermission}
		}
		return nil
	}
	l := f.open()
	r := l.LastReport()
	if got := skipReason(r, "secret.md"); got != "unreadable: permission denied" {
		t.Errorf("reason %q", got)
	}
	wantDocs(t, l, "a.md")
	// Not remembered: once readable, the next refresh picks it up.
	denied = false
	r = refresh(t, l)
	if len(r.Added) != 1 || r.Added[0] != "secret.md" {
		t.Errorf("after permissions were fixed: %+v", r)
	}
}

func TestPermissionDeniedOnDisk(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: chmod 000 does not stop root (TestPermissionDenied covers this through the parse seam)")
	}
	f := storyFixture(t)
	f.write("secret.md", storyB)
	os.Chmod(filepath.Join(f.root, "secret.md"), 0)
	l := f.open()
	if got := skipReason(l.LastReport(), "secret.md"); !strings.Contains(got, "permission denied") {
		t.Errorf("reason %q", got)
	}
}

func TestFileRemovedDuringRefresh(t *testing.T) {
	f, l := oneStory(t)
	f.write("b.md", storyB)
	f.hook = func(rel string) error {
		if rel == "b.md" {
			os.Remove(filepath.Join(f.root, rel)) // gone between the scan and the parse
		}
		return nil
	}
	r := refresh(t, l)
	if r.Any() || len(r.Skipped) != 0 {
		t.Errorf("report %+v", r)
	}
	wantDocs(t, l, "a.md")
}

func TestFileRewrittenDuringRefresh(t *testing.T) {
	f, l := oneStory(t)
	f.write("a.md", storyA+"\nVersion two.\n")
	// A writer replaces the file right after the refresh read it: the
	// refresh indexes what it read, remembers the stat it read at, and the
	// next refresh sees the newer file.
	f.after = func(rel string) {
		f.after = nil
		p := filepath.Join(f.root, rel)
		os.WriteFile(p, []byte(storyA+"\nVersion three, written during the refresh.\n"), 0o644)
		later := time.Now().Add(time.Hour)
		os.Chtimes(p, later, later)
	}
	r := refresh(t, l)
	if len(r.Changed) != 1 {
		t.Fatalf("first refresh: %+v", r)
	}
	r = refresh(t, l)
	if len(r.Changed) != 1 {
		t.Fatalf("rewrite not picked up: %+v", r)
	}
	hits, _ := l.Search(context.Background(), "version three written during", 1)
	if len(hits) == 0 || !strings.Contains(hits[0].Passage.Text, "Version three") {
		t.Errorf("hits %+v", hits)
	}
}

func TestParseErrorsOtherThanSkipAreReported(t *testing.T) {
	f := storyFixture(t)
	f.hook = func(rel string) error { return errors.New("input/output error") }
	l := f.open()
	if got := skipReason(l.LastReport(), "a.md"); got != "unreadable: input/output error" {
		t.Errorf("reason %q", got)
	}
}
