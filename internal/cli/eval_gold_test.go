package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvalSaysWhenNoGoldDocumentIsIndexed: over a folder that holds none of
// the questions' gold documents, eval says so once, on stderr before the
// results and as "note" in the JSON (the other keys unchanged); when some
// gold document is indexed there is no note.
func TestEvalSaysWhenNoGoldDocumentIsIndexed(t *testing.T) {
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "recipes.md"), []byte("# Recipes\n\nBake the bread for forty minutes.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := "none of the 3 scored questions' gold documents is in " + other
	out, errs, err := runCLI(t, "eval", "--questions", "testdata/search_eval/questions.jsonl", "--knowledge", other, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	if note, _ := rep["note"].(string); !strings.Contains(note, want) || rep["questions"] != 3.0 || rep["recall"] == nil {
		t.Errorf("JSON note %q, questions %v, recall %v", rep["note"], rep["questions"], rep["recall"])
	}
	if strings.Count(errs, want) != 1 {
		t.Errorf("stderr says it %d times, want once:\n%s", strings.Count(errs, want), errs)
	}
	_, errs, err = runCLI(t, "eval", "--questions", "testdata/search_eval/questions.jsonl", "--knowledge", other)
	if err != nil || strings.Count(errs, want) != 1 {
		t.Errorf("text mode: %v, stderr:\n%s", err, errs)
	}

	out, errs, err = runCLI(t, "eval", "--questions", "testdata/search_eval/questions.jsonl", "--knowledge", storyDir, "--json")
	if err != nil || strings.Contains(out, `"note"`) || strings.Contains(errs, "gold documents") {
		t.Errorf("with gold documents indexed: %v\n%s\n%s", err, out, errs)
	}
}
