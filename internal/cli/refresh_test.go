package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storybot/internal/golden"
	"storybot/internal/library"
	"storybot/internal/llm/llmtest"
)

func TestRefreshReportText(t *testing.T) {
	rep := library.Report{
		Added:    []string{"follow-ups/statement.pdf"},
		Changed:  []string{"Albania-cuts-ties-with-Iran-2022-09-07.txt"},
		Removed:  []string{"old-draft.md"},
		Skipped:  []library.SkipReport{{Path: "scan.pdf", Reason: "cannot extract text: PDF has no text layer (scanned? run OCR first)"}},
		Passages: library.Counts{Before: 14, After: 17},
		MS:       42,
	}
	var b bytes.Buffer
	if err := writeRefreshReport(&b, rep, "./knowledge", 3); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/refresh.golden", b.String())

	b.Reset()
	same := library.Report{Added: []string{}, Changed: []string{}, Removed: []string{}, Skipped: []library.SkipReport{}, Passages: library.Counts{Before: 14, After: 14}, MS: 3}
	writeRefreshReport(&b, same, "./knowledge", 1)
	golden.Check(t, "testdata/refresh_unchanged.golden", b.String())
}

func runRefreshCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	env := func(string) string { return "" }
	err := run(context.Background(), append([]string{"--env-file", filepath.Join(t.TempDir(), "none.env")}, args...), strings.NewReader(""), &out, &errb, env)
	return out.String(), errb.String(), err
}

func TestRefreshCommand(t *testing.T) {
	dir := t.TempDir()
	kdir, data := filepath.Join(dir, "knowledge"), filepath.Join(dir, "data")
	os.MkdirAll(kdir, 0o755)
	os.WriteFile(filepath.Join(kdir, "a.md"), []byte("# A\n\nAlbania cut ties with Iran.\n"), 0o644)
	os.WriteFile(filepath.Join(kdir, "b.html"), []byte("<script>only()</script>"), 0o644)

	out, stderr, err := runRefreshCLI(t, "--knowledge", kdir, "--data", data, "refresh", "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	for _, k := range []string{"added", "changed", "removed", "skipped", "passages", "ms"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("key %q missing in %s", k, out)
		}
	}
	if len(rep) != 6 {
		t.Errorf("unexpected keys in %s", out)
	}
	if got := rep["added"].([]any); len(got) != 1 || got[0] != "a.md" {
		t.Errorf("added %v", got)
	}
	sk := rep["skipped"].([]any)
	if len(sk) != 1 || sk[0].(map[string]any)["path"] != "b.html" || !strings.Contains(sk[0].(map[string]any)["reason"].(string), "no readable text") {
		t.Errorf("skipped %v", sk)
	}
	if !strings.Contains(stderr, "skipped file") || !strings.Contains(stderr, "b.html") {
		t.Errorf("no warning line for the skipped file on stderr:\n%s", stderr)
	}

	// The second run uses the saved index: nothing changed, lists are [].
	out, _, err = runRefreshCLI(t, "--knowledge", kdir, "--data", data, "refresh", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"added": []`) || !strings.Contains(out, `"changed": []`) || !strings.Contains(out, `"removed": []`) {
		t.Errorf("second run:\n%s", out)
	}
	out, _, err = runRefreshCLI(t, "--knowledge", kdir, "--data", data, "refresh")
	if err != nil || !strings.Contains(out, "is up to date: 1 document, ") {
		t.Errorf("text mode: %v\n%s", err, out)
	}
}

func TestRefreshCommandErrors(t *testing.T) {
	dir := t.TempDir()
	_, _, err := runRefreshCLI(t, "--knowledge", filepath.Join(dir, "missing"), "--data", dir, "refresh")
	if err == nil || !strings.Contains(err.Error(), "KNOWLEDGE_DIR") || ExitCode(err) != 1 {
		t.Errorf("missing folder: %v", err)
	}
	_, _, err = runRefreshCLI(t, "--knowledge", dir, "refresh", "extra")
	if ExitCode(err) != 2 {
		t.Errorf("extra argument: %v", err)
	}
	out, _, err := runRefreshCLI(t, "refresh", "--help")
	if err != nil || !strings.Contains(out, "--json") {
		t.Errorf("help: %v\n%s", err, out)
	}
}

func TestRefreshWithEmbeddings(t *testing.T) {
	srv := llmtest.New(t)
	dir := t.TempDir()
	kdir, data := filepath.Join(dir, "knowledge"), filepath.Join(dir, "data")
	os.MkdirAll(kdir, 0o755)
	os.WriteFile(filepath.Join(kdir, "a.md"), []byte("# A\n\nAlbania cut ties with Iran.\n"), 0o644)
	env := map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_API_KEY": "sk-test-secret", "OPENAI_EMBEDDING_MODEL": "embed-test"}
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"--env-file", filepath.Join(dir, "none.env"), "--knowledge", kdir, "--data", data, "refresh", "--json"},
		strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	var embeds []llmtest.Request
	for _, r := range srv.Requests() {
		if r.Path == "/v1/embeddings" {
			embeds = append(embeds, r)
		}
	}
	if len(embeds) != 1 || r0(embeds).Header.Get("Authorization") != "Bearer sk-test-secret" || r0(embeds).Body["model"] != "embed-test" || len(r0(embeds).Input) != 1 {
		t.Fatalf("embeddings requests: %+v", embeds)
	}
	if strings.Contains(errb.String(), "sk-test-secret") || strings.Contains(out.String(), "sk-test-secret") {
		t.Error("API key in the output")
	}
	if _, err := os.Stat(filepath.Join(data, "embeddings")); err != nil {
		t.Errorf("no embedding cache: %v", err)
	}
}

func r0(rs []llmtest.Request) llmtest.Request { return rs[0] }
