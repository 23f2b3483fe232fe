package library

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// parseFile must agree with knowledge.ParseFile, which it short-cuts.
func TestParseFileAgreesWithKnowledge(t *testing.T) {
	f := storyFixture(t)
	f.copyFrom("../../knowledge/Albania-cuts-ties-with-Iran-2022-09-07.txt", "story.txt")
	f.copyFrom(extractTestdata+"statement.pdf", "statement.pdf")
	f.write("huge.txt", string(make([]byte, 70<<10)))
	f.write("bin.md", "\x00\x01binary")
	os.Symlink("a.md", filepath.Join(f.root, "link.md"))
	os.Symlink("/etc/hostname", filepath.Join(f.root, "out.txt"))
	opts := f.options().Knowledge
	for _, rel := range []string{"a.md", "story.txt", "statement.pdf", "huge.txt", "bin.md", "link.md", "out.txt", "missing.md"} {
		want, werr := knowledgeParseFile(context.Background(), f.root, rel, opts)
		got, gerr := parseFile(context.Background(), f.root, rel, opts)
		if (werr == nil) != (gerr == nil) || (werr != nil && readReasonOrSkip(werr) != readReasonOrSkip(gerr)) {
			t.Errorf("%s: error %v, knowledge.ParseFile says %v", rel, gerr, werr)
			continue
		}
		if werr == nil && (!reflect.DeepEqual(got.Passages, want.Passages) || got.Hash != want.Hash || got.Size != want.Size || !got.ModTime.Equal(want.ModTime) || got.Title != want.Title || got.Date != want.Date) {
			t.Errorf("%s: documents differ", rel)
		}
	}
}
