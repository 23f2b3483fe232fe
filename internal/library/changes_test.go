package library

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

func isUserError(err error) (string, bool) {
	var ue *UserError
	if !errors.As(err, &ue) {
		return "", false
	}
	// The bot looks for this method anywhere in the chain.
	var um interface{ UserMessage() string }
	if !errors.As(fmt.Errorf("wrapped: %w", err), &um) || um.UserMessage() != ue.Msg {
		return "", false
	}
	return ue.Msg, true
}

func auditLines(t *testing.T, f *fixture) []auditEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.data, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	var out []auditEntry
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var e auditEntry
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		out = append(out, e)
	}
	return out
}

// TestAddEPUB: a moderator can add an e-book; it is searchable at once.
func TestAddEPUB(t *testing.T) {
	_, l := oneStory(t)
	data, err := os.ReadFile(extractTestdata + "story.epub")
	if err != nil {
		t.Fatal(err)
	}
	r, err := l.AddFile(context.Background(), "ferry.epub", data, false, "mod")
	if err != nil || len(r.Added) != 1 {
		t.Fatalf("add: %v %+v", err, r)
	}
	if hits, _ := l.Search(context.Background(), "ferry high meadow boatload", 1); len(hits) == 0 || hits[0].Passage.Doc != "ferry.epub" {
		t.Fatalf("added e-book not searchable: %+v", hits)
	}
}

// TestAddDOCX: a moderator can add a Word document or an OpenDocument
// text; it is searchable at once, with its headings as sections.
func TestAddDOCX(t *testing.T) {
	for _, tc := range []struct{ file, name, query, section string }{
		{"story.docx", "clockmaker.docx", "tower clock stopped storm lantern", "The Storm"},
		{"story.odt", "salt road.odt", "river rose mules stone bridge", "The Ford"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, l := oneStory(t)
			data, err := os.ReadFile(extractTestdata + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := l.AddFile(context.Background(), tc.name, data, false, "mod")
			if err != nil || len(r.Added) != 1 {
				t.Fatalf("add: %v %+v", err, r)
			}
			hits, _ := l.Search(context.Background(), tc.query, 1)
			if len(hits) == 0 || hits[0].Passage.Doc != tc.name || !strings.Contains(hits[0].Passage.Section, tc.section) {
				t.Fatalf("added document not searchable under %q: %+v", tc.section, hits)
			}
		})
	}
}

func TestAddReplaceRemoveRestore(t *testing.T) {
	f, l := oneStory(t)
	ctx := context.Background()

	r, err := l.AddFile(ctx, "reactions.md", []byte(storyC), false, "mod#1")
	if err != nil || len(r.Added) != 1 || r.Added[0] != "reactions.md" {
		t.Fatalf("add: %v %+v", err, r)
	}
	if hits, _ := l.Search(ctx, "NATO allies support", 1); len(hits) == 0 || hits[0].Passage.Doc != "reactions.md" {
		t.Fatalf("added document not searchable: %+v", hits)
	}

	_, err = l.AddFile(ctx, "reactions.md", []byte(storyB), false, "mod#1")
	if msg, ok := isUserError(err); !ok || !strings.Contains(msg, "already exists") || !strings.Contains(msg, "replace") {
		t.Fatalf("overwrite without replace: %v", err)
	}
	r, err = l.AddFile(ctx, "reactions.md", []byte(storyC+"\nUpdated reactions.\n"), true, "mod#2")
	if err != nil || len(r.Changed) != 1 {
		t.Fatalf("replace: %v %+v", err, r)
	}
	trash, _ := l.Trash(context.Background())
	if len(trash) != 1 || trash[0].Doc != "reactions.md" {
		t.Fatalf("replaced file not in the trash: %+v", trash)
	}

	r, err = l.Remove(ctx, "a.md", "mod#3")
	if err != nil || len(r.Removed) != 1 || r.Removed[0] != "a.md" {
		t.Fatalf("remove: %v %+v", err, r)
	}
	if _, err := os.Stat(filepath.Join(f.root, "a.md")); !os.IsNotExist(err) {
		t.Error("removed file still in the folder")
	}
	trash, _ = l.Trash(context.Background())
	if len(trash) != 2 || trash[0].Doc != "a.md" || trash[0].Size != int64(len(storyA)) {
		t.Fatalf("trash %+v", trash)
	}
	if b, err := os.ReadFile(filepath.Join(f.data, "trash", trash[0].Name)); err != nil || string(b) != storyA {
		t.Fatalf("trash copy: %v", err)
	}

	f.write("a.md", "# Another a\n\nDifferent text.\n")
	refresh(t, l)
	_, err = l.Restore(ctx, trash[0].Name, "mod#3")
	if msg, ok := isUserError(err); !ok || !strings.Contains(msg, "exists again") {
		t.Fatalf("restore over an existing file: %v", err)
	}
	os.Remove(filepath.Join(f.root, "a.md"))
	refresh(t, l)
	r, err = l.Restore(ctx, trash[0].Name, "mod#3")
	if err != nil || len(r.Added) != 1 || r.Added[0] != "a.md" {
		t.Fatalf("restore: %v %+v", err, r)
	}
	if b, _ := os.ReadFile(filepath.Join(f.root, "a.md")); string(b) != storyA {
		t.Error("restored content differs")
	}

	var got []string
	for _, e := range auditLines(t, f) {
		if e.Time.IsZero() {
			t.Error("audit entry without time")
		}
		got = append(got, e.Who+" "+e.Action+" "+e.Doc)
	}
	want := "mod#1 add reactions.md|mod#2 replace reactions.md|mod#3 remove a.md|mod#3 restore a.md"
	if strings.Join(got, "|") != want {
		t.Errorf("audit:\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
}

func TestRemoveRestoreRefusals(t *testing.T) {
	_, l := oneStory(t)
	ctx := context.Background()
	for _, doc := range []string{"missing.md", "../a.md", "/etc/passwd", "sub/../a.md", "", ".", "a.md\x00"} {
		if _, err := l.Remove(ctx, doc, "mod"); err == nil {
			t.Errorf("Remove(%q) succeeded", doc)
		} else if _, ok := isUserError(err); !ok {
			t.Errorf("Remove(%q): %v is not a UserError", doc, err)
		}
	}
	for _, name := range []string{"nothing", "../../etc/passwd", "20260101T000000.000000000Z-a.md", ""} {
		if _, err := l.Restore(ctx, name, "mod"); err == nil {
			t.Errorf("Restore(%q) succeeded", name)
		} else if _, ok := isUserError(err); !ok {
			t.Errorf("Restore(%q): %v is not a UserError", name, err)
		}
	}
	wantDocs(t, l, "a.md")
}

func TestUploadsAreCheckedByContent(t *testing.T) {
	f, l := oneStory(t)
	ctx := context.Background()
	elf := append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 100)...)
	pe := make([]byte, 256)
	copy(pe, "MZ")
	pe[0x3c] = 0x80
	copy(pe[0x80:], "PE\x00\x00")
	tar := make([]byte, 1024)
	copy(tar, "notes.md")
	copy(tar[257:], "ustar\x0000")
	scanned, err := os.ReadFile(extractTestdata + "scanned.pdf")
	if err != nil {
		t.Skip(err)
	}
	locked, _ := os.ReadFile(extractTestdata + "locked.docx")
	encrypted, _ := os.ReadFile(extractTestdata + "encrypted.odt")
	odt, _ := os.ReadFile(extractTestdata + "story.odt")
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"notes.txt", elf, "executable (ELF)"},
		{"notes.md", pe, "executable (Windows)"},
		{"report.pdf", []byte("PK\x03\x04\x14\x00\x08\x00zip bytes"), "ZIP archive"},
		{"page.html", []byte("\x1f\x8b\x08\x00gzip"), "gzip archive"},
		{"notes.txt", tar, "tar archive"},
		{"photo.md", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "image (PNG)"},
		{"photo.txt", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "image (JPEG)"},
		{"archive.pdf", []byte("7z\xbc\xaf\x27\x1c\x00\x04"), "7-Zip"},
		{"archive.txt", []byte("Rar!\x1a\x07\x01\x00"), "RAR"},
		{"report.pdf", []byte("just some text, not a pdf"), "not a PDF"},
		{"latin1.txt", []byte("Durr\xebs"), "not UTF-8"},
		{"blank.md", []byte(" \n "), "empty"},
		{"page.html", []byte("plain words without tags"), "does not look like HTML"},
		{"scanned.pdf", scanned, "no text layer"},
		{"program.exe", []byte("hello"), "only .md, .markdown, .txt, .html, .htm, .pdf, .epub, .docx and .odt"},
		{"story.doc", locked, "only .md, .markdown, .txt, .html, .htm, .pdf, .epub, .docx and .odt"},
		{"story.docx", []byte("plain words, not a Word document"), "not a Word document"},
		{"story.docx", locked, "Word document is encrypted (password protected): save it without a password"},
		{"story.docx", odt, "cannot extract text"},
		{"story.odt", []byte("plain words, not a document"), "not an OpenDocument text"},
		{"story.odt", locked, "Office document (OLE), not a .odt file"},
		{"story.odt", encrypted, "save it without a password"},
		{"book.epub", []byte("plain words, not an e-book"), "not an EPUB"},
		{"book.epub", []byte("PK\x03\x04\x14\x00\x08\x00zip bytes"), "cannot extract text"},
		{"big.txt", bytes.Repeat([]byte("a"), 2<<20), "the limit is 1 MB"},
		{"../escape.md", []byte(storyA), "path separator"},
		{"..evil.md", []byte(storyA), `".."`},
		{"sub\\win.md", []byte(storyA), "path separator"},
		{"bell\a.md", []byte(storyA), "control character"},
		{"new\nline.md", []byte(storyA), "control character"},
		{"nul\x00.md", []byte(storyA), "control character"},
		{"rtl\u202egpj.md", []byte(storyA), "control character"},
		{strings.Repeat("n", 297) + ".md", []byte(storyA), "300 bytes long; the limit is 200"},
		{".hidden.md", []byte(storyA), "starts with"},
		{"", []byte(storyA), "no name"},
	}
	l.opts.MaxUploadBytes = 1 << 20 // above MAX_FILE_BYTES (64 KB in these tests)
	cases = append(cases, struct {
		name string
		data []byte
		want string
	}{"big2.txt", bytes.Repeat([]byte("b"), 100<<10), "larger than 64 KB are not indexed"})
	for _, tc := range cases {
		_, err := l.AddFile(ctx, tc.name, tc.data, true, "mod")
		msg, ok := isUserError(err)
		if !ok || !strings.Contains(msg, tc.want) {
			t.Errorf("AddFile(%.40q): err %v, want a UserError mentioning %q", tc.name, err, tc.want)
		}
	}
	entries, _ := os.ReadDir(f.root)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("refused uploads left files behind: %v", names)
	}
	wantDocs(t, l, "a.md")
	if _, err := os.Stat(filepath.Join(f.data, "audit.log")); !os.IsNotExist(err) {
		t.Error("refusals were written to the audit log")
	}
}

// TestUploadNamedLikeAFolderIsRefused: an upload whose name is that of a
// folder in the knowledge folder (a file once replaced by a folder of the
// same name) is refused, even with replace: the folder and its documents
// stay where they are, nothing goes to the trash.
func TestUploadNamedLikeAFolderIsRefused(t *testing.T) {
	f := newFixture(t)
	f.write("notes.md/inside.md", storyA)
	l := f.open()
	for _, replace := range []bool{false, true} {
		_, err := l.AddFile(context.Background(), "notes.md", []byte(storyB), replace, "mod")
		if msg, ok := isUserError(err); !ok || !strings.Contains(msg, "folder") {
			t.Errorf("replace=%v: err %v, want a UserError saying notes.md is a folder", replace, err)
		}
	}
	if got := docPaths(l.Current()); got != "notes.md/inside.md" {
		t.Errorf("docs %s, want the folder's document kept", got)
	}
	if items, err := l.Trash(context.Background()); err != nil || len(items) != 0 {
		t.Errorf("trash %v, %v; want it empty", items, err)
	}
	if entries, _ := os.ReadDir(filepath.Join(f.data, "trash")); len(entries) != 0 {
		t.Errorf("trash folder holds %d entries", len(entries))
	}
}

// TestChangesWhenTrashUnwritable: when the trash in DATA_DIR cannot be
// written (full disk, read-only folder; here a file where the trash folder
// should be), a replace or a remove is refused with a message that says what
// to do, and the document stays as it was.
func TestChangesWhenTrashUnwritable(t *testing.T) {
	f, l := oneStory(t)
	if err := os.WriteFile(filepath.Join(f.data, "trash"), []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err := l.AddFile(ctx, "a.md", []byte(storyB), true, "mod")
	if msg, ok := isUserError(err); !ok || !strings.Contains(msg, "nothing was changed") || !strings.Contains(msg, "DATA_DIR") {
		t.Errorf("replace: err %v, want a UserError saying what to do", err)
	}
	_, err = l.Remove(ctx, "a.md", "mod")
	if msg, ok := isUserError(err); !ok || !strings.Contains(msg, "nothing was changed") {
		t.Errorf("remove: err %v, want a UserError saying what to do", err)
	}
	if b, _ := os.ReadFile(filepath.Join(f.root, "a.md")); string(b) != storyA {
		t.Errorf("a.md changed: %q", b)
	}
	wantDocs(t, l, "a.md")
}

func TestStorageHint(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}, "full: free some space"},
		{&fs.PathError{Op: "mkdir", Path: "x", Err: syscall.EACCES}, "not writable"},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EROFS}, "not writable"},
		{&fs.PathError{Op: "mkdir", Path: "x", Err: syscall.ENOTDIR}, "writable folder with free space"},
	} {
		if got := storageHint(fmt.Errorf("save: %w", tc.err)); !strings.Contains(got, tc.want) {
			t.Errorf("storageHint(%v) = %q, want it to mention %q", tc.err, got, tc.want)
		}
	}
}

func TestUploadAcceptsEachType(t *testing.T) {
	f := newFixture(t)
	l := f.open()
	ctx := context.Background()
	pdf, err := os.ReadFile(extractTestdata + "statement.pdf")
	if err != nil {
		t.Skip(err)
	}
	html, _ := os.ReadFile(extractTestdata + "article.html")
	for name, data := range map[string][]byte{
		"statement.pdf": pdf, "article.htm": html, "notes.markdown": []byte(storyB),
		"notes.txt": []byte("Plain notes about the “attack” on Durrës.\n"), "Déclaration (2022).md": []byte(storyC),
	} {
		if _, err := l.AddFile(ctx, name, data, false, "mod"); err != nil {
			t.Errorf("AddFile(%q): %v", name, err)
		}
	}
	if n := len(l.Current().Docs); n != 5 {
		t.Errorf("%d docs: %s", n, docPaths(l.Current()))
	}
}

func TestTrashNamesRoundTrip(t *testing.T) {
	f := newFixture(t)
	f.write("sub dir/a b.md", storyA)
	l := f.open()
	l.opts.now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC) }
	if _, err := l.Remove(context.Background(), "sub dir/a b.md", "mod"); err != nil {
		t.Fatal(err)
	}
	items, _ := l.Trash(context.Background())
	if len(items) != 1 || items[0].Doc != "sub dir/a b.md" || items[0].Name != "20260102T030405.000000006Z-sub%20dir%2Fa%20b.md" {
		t.Fatalf("%+v", items)
	}
	if _, err := l.Restore(context.Background(), items[0].Name, "mod"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(f.root, "sub dir", "a b.md")); err != nil {
		t.Fatal(err)
	}
}

func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"a.md", "../x", "a/b", "x\x00", strings.Repeat("a", 300), "ok name.pdf", "..", "\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if CheckName(name) != nil {
			return
		}
		if strings.ContainsAny(name, "/\\") || strings.Contains(name, "..") || len(name) > MaxNameBytes || name == "" {
			t.Fatalf("unsafe name accepted: %q", name)
		}
		if filepath.Base(name) != name || filepath.Clean(name) != name {
			t.Fatalf("name changes under Base/Clean: %q", name)
		}
	})
}

// A long non-ASCII name fits CheckName but not, escaped, in a file name: its
// trash entry is hashed, its path recorded, and it lists and restores.
func TestTrashLongUnicodeName(t *testing.T) {
	f := newFixture(t)
	name := strings.Repeat("Кибератака", 7) + ".md" // 143 bytes; escaped, 416
	if CheckName(name) != nil {
		t.Fatal("the test name should be valid")
	}
	f.write("sub/"+name, storyA)
	f.write(name, storyB)
	l := f.open()
	l.opts.now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC) }
	ctx := context.Background()
	if _, err := l.Remove(ctx, "sub/"+name, "mod"); err != nil {
		t.Fatalf("remove: %v", err)
	}
	l.opts.now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC) }
	if _, err := l.AddFile(ctx, name, []byte(storyC), true, "mod"); err != nil {
		t.Fatalf("replace: %v", err)
	}
	items, err := l.Trash(context.Background())
	if err != nil || len(items) != 2 {
		t.Fatalf("trash: %v %+v", err, items)
	}
	for i, want := range []string{name, "sub/" + name} {
		it := items[i]
		if it.Doc != want || len(it.Name) > maxTrashName || !strings.HasPrefix(it.Name, "20260102T03040") || !strings.Contains(it.Name, "_Кибератака") {
			t.Errorf("item %d: %+v (name %d bytes), want doc %q", i, it, len(it.Name), want)
		}
	}
	if items[0].Size != int64(len(storyB)) {
		t.Errorf("size %d", items[0].Size)
	}
	if _, err := l.Restore(ctx, items[1].Name, "mod"); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(f.root, "sub", name)); err != nil || string(b) != storyA {
		t.Fatalf("restored: %v %q", err, b)
	}
	if items, _ := l.Trash(context.Background()); len(items) != 1 || items[0].Doc != name {
		t.Fatalf("trash after restore: %+v", items)
	}
	if recs, _ := os.ReadDir(filepath.Join(f.data, "trash", trashPathsDir)); len(recs) != 1 {
		t.Errorf("%d path records left, want 1 (the entry still in the trash)", len(recs))
	}
	if got := docPaths(l.Current()); !strings.Contains(got, "sub/"+name) {
		t.Errorf("docs %s", got)
	}
}

// Entries written before hashed names existed ("<time>-<escaped path>", up
// to 255 bytes) still list and restore; a hashed entry that lost its path
// record is left alone and not listed.
func TestTrashOldEntriesAndLostRecords(t *testing.T) {
	f := newFixture(t)
	l := f.open()
	doc := "reports/" + strings.Repeat("é", 30) + ".md" // escaped: 193 bytes
	old := "20251231T235959.000000000Z-" + url.PathEscape(doc)
	orphan := "20251231T235958.000000000Z_0123abcd_orphan.md"
	if err := os.MkdirAll(filepath.Join(f.data, "trash"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{old, orphan} {
		if err := os.WriteFile(filepath.Join(f.data, "trash", n), []byte(storyA), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	items, err := l.Trash(context.Background())
	if err != nil || len(items) != 1 || items[0].Name != old || items[0].Doc != doc {
		t.Fatalf("trash: %v %+v", err, items)
	}
	if !strings.Contains(f.logs.String(), "no readable record") {
		t.Errorf("no warning for the orphan entry:\n%s", f.logs)
	}
	if _, err := l.Restore(context.Background(), orphan, "mod"); err == nil {
		t.Error("an entry without its path was restored")
	}
	if _, err := l.Restore(context.Background(), old, "mod"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(f.root, filepath.FromSlash(doc))); err != nil {
		t.Fatal(err)
	}
}

func TestTrashEntryName(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		rel, want string
		hashed    bool
	}{
		{"a b.md", "20260102T020405.000000006Z-a%20b.md", false},
		{"dir/" + strings.Repeat("x", 60) + ".md", "20260102T020405.000000006Z-dir%2F" + strings.Repeat("x", 60) + ".md", false},
		{"dir/" + strings.Repeat("x", 70) + ".md", "20260102T020405.000000006Z_" + sha256Hex([]byte("dir/" + strings.Repeat("x", 70) + ".md"))[:8] + "_" + strings.Repeat("x", 64), true},
		{"Déclaration 100% «finale» " + strings.Repeat("ü", 30) + ".md", "20260102T020405.000000006Z_" + sha256Hex([]byte("Déclaration 100% «finale» " + strings.Repeat("ü", 30) + ".md"))[:8] + "_Déclaration_100__«finale»_" + strings.Repeat("ü", 17), true},
	} {
		got, hashed := trashEntryName(tc.rel, at)
		if got != tc.want || hashed != tc.hashed || len(got) > maxTrashName || !utf8.ValidString(got) {
			t.Errorf("trashEntryName(%q):\n got %s %v (%d bytes)\nwant %s %v", tc.rel, got, hashed, len(got), tc.want, tc.hashed)
		}
	}
}

// An audit line cut short (a crash mid-write) does not swallow the next one.
func TestAuditAfterCutLine(t *testing.T) {
	f := newFixture(t)
	l := f.open()
	if err := os.MkdirAll(f.data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.data, "audit.log"), []byte(`{"time":"2026-01-01T00:00:00Z","who":"mod","act`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := l.AddFile(context.Background(), "notes.md", []byte(storyC), false, "mod#9"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(f.data, "audit.log"))
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	var e auditEntry
	if len(lines) != 2 || json.Unmarshal([]byte(lines[1]), &e) != nil || e.Who != "mod#9" || e.Action != "add" {
		t.Fatalf("audit log:\n%s", b)
	}
}
