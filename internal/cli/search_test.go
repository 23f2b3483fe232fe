package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"storybot/internal/golden"
)

const storyDir = "../../knowledge"

// runCLI runs storybot with args and no environment.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	all := append([]string{"--env-file", "/nonexistent", "--data", t.TempDir()}, args...)
	err = run(context.Background(), all, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	return out.String(), errb.String(), err
}

func TestSearchText(t *testing.T) {
	out, _, err := runCLI(t, "--knowledge", storyDir, "search", "--k", "3", "where did the MEK settle in Durrës?")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/search_story.golden", out)
	if !strings.Contains(out, "¶11, line 21") {
		t.Error("the MEK passage is not shown with its location")
	}
	out, _, err = runCLI(t, "search", "--knowledge", storyDir, "the", "of", "?")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/search_none.golden", out)
}

func TestSearchJSON(t *testing.T) {
	out, _, err := runCLI(t, "--knowledge", storyDir, "search", "why did Albania cut ties with Iran", "--json", "--k", "2")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Query    string           `json:"query"`
		Passages []map[string]any `json:"passages"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	if res.Query != "why did Albania cut ties with Iran" || len(res.Passages) != 2 {
		t.Fatalf("query %q, %d passages", res.Query, len(res.Passages))
	}
	for i, p := range res.Passages {
		for _, k := range []string{"rank", "doc", "title", "location", "start_line", "end_line", "score", "text"} {
			if _, ok := p[k]; !ok {
				t.Errorf("passage %d has no %q", i, k)
			}
		}
		if p["rank"] != float64(i+1) || p["doc"] != "Albania-cuts-ties-with-Iran-2022-09-07.txt" {
			t.Errorf("passage %d: rank %v doc %v", i, p["rank"], p["doc"])
		}
	}
	out, _, err = runCLI(t, "--knowledge", storyDir, "search", "--json", "the")
	if err != nil || !strings.Contains(out, `"passages": []`) {
		t.Fatalf("stop words: %v\n%s", err, out)
	}
}

func TestSearchErrors(t *testing.T) {
	_, _, err := runCLI(t, "--knowledge", storyDir, "search")
	if ExitCode(err) != 2 || !strings.Contains(err.Error(), "give a query") {
		t.Fatalf("empty query: %v", err)
	}
	_, _, err = runCLI(t, "--knowledge", storyDir, "search", "--k", "0", "Iran")
	if ExitCode(err) != 2 {
		t.Fatalf("--k 0: %v", err)
	}
	_, _, err = runCLI(t, "--knowledge", "testdata/no-such-dir", "search", "Iran")
	if err == nil || !strings.Contains(err.Error(), "testdata/no-such-dir") || !strings.Contains(err.Error(), "KNOWLEDGE_DIR") {
		t.Fatalf("missing folder: %v", err)
	}
	out, stderr, err := runCLI(t, "--knowledge", t.TempDir(), "search", "--json", "Iran")
	if err != nil || !strings.Contains(out, `"passages": []`) || !strings.Contains(stderr, "no documents") {
		t.Fatalf("empty folder: %v\n%s\n%s", err, out, stderr)
	}
	long := "Durres " + strings.Repeat("word ", 500)
	out, stderr, err = runCLI(t, "--knowledge", storyDir, "search", "--json", long)
	if err != nil || !strings.Contains(stderr, "longer than 2000") || !strings.Contains(out, `"truncated": true`) {
		t.Fatalf("long query: %v\n%s", err, stderr)
	}
	out, _, err = runCLI(t, "search", "--help")
	if err != nil || !strings.Contains(out, "Usage: storybot search") {
		t.Fatalf("help: %v\n%s", err, out)
	}
}
