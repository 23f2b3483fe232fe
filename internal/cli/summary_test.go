package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storybot/internal/golden"
	"storybot/internal/llm/llmtest"
)

// summaryStoryDir returns a knowledge folder holding the story.
func summaryStoryDir(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "knowledge", "Albania-cuts-ties-with-Iran-2022-09-07.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Albania-cuts-ties-with-Iran-2022-09-07.txt"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runSummaryCLI runs storybot with args against the knowledge folder kdir and the
// environment env.
func runSummaryCLI(t *testing.T, kdir string, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"--env-file", "/nonexistent", "--knowledge", kdir, "--data", t.TempDir()}, args...)
	err := run(context.Background(), full, nil, &out, &errb, func(k string) string { return env[k] })
	return out.String(), errb.String(), err
}

// keys decodes a JSON object and returns its keys, sorted.
func summaryJSONKeys(t *testing.T, raw []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, raw)
	}
	return m
}

func TestSummaryCommandJSON(t *testing.T) {
	kdir := summaryStoryDir(t)
	out, errs, err := runSummaryCLI(t, kdir, nil, "summary", "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	m := summaryJSONKeys(t, []byte(out))
	if len(m) != 3 || m["summary"] == nil || m["mode"] == nil || m["citations"] == nil {
		t.Fatalf("want exactly summary, mode, citations; got %s", out)
	}
	var got struct {
		Summary   string
		Mode      string
		Citations []struct {
			N                           int
			Doc, Title, Location, Quote string
		}
	}
	json.Unmarshal([]byte(out), &got)
	if got.Mode != "extractive" || len(got.Citations) == 0 {
		t.Errorf("mode %q, %d citations", got.Mode, len(got.Citations))
	}
	for _, want := range []string{"cyberattack", "Edi Rama", "diplomatic relations", "Washington concluded that Iran", "MEK"} {
		if !strings.Contains(got.Summary, want) {
			t.Errorf("summary lacks %q: %s", want, got.Summary)
		}
	}
	for _, c := range got.Citations {
		if c.N == 0 || c.Doc != "Albania-cuts-ties-with-Iran-2022-09-07.txt" || c.Location == "" || c.Quote == "" || c.Title == "" {
			t.Errorf("incomplete citation %+v", c)
		}
	}

	// a focus that matches nothing: says so, citations [] not null
	out, _, err = runSummaryCLI(t, kdir, nil, "summary", "--focus", "the Moon landing", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"citations": []`) || !strings.Contains(out, "Moon landing") {
		t.Errorf("unmatched focus: %s", out)
	}
}

func TestSummaryCommandText(t *testing.T) {
	kdir := summaryStoryDir(t)
	out, _, err := runSummaryCLI(t, kdir, nil, "summary", "--length", "short", "--doc", "ALBANIA-CUTS-TIES-WITH-IRAN-2022-09-07")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "[1]") || !strings.Contains(out, "\nSources:\n[1] ") || len([]rune(out)) > 2000 {
		t.Errorf("short text summary:\n%s", out)
	}
}

// TestSummaryCommandBullets: --bullets lists the summary, a sentence and
// its citations a line, as "give me 3 bullet points" does in a question.
func TestSummaryCommandBullets(t *testing.T) {
	out, _, err := runSummaryCLI(t, summaryStoryDir(t), nil, "summary", "--length", "short", "--bullets")
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(out, "\n- "); lines < 2 || !strings.Contains(out, "[1]\n- ") {
		t.Errorf("--bullets:\n%s", out)
	}
}

func TestSummaryCommandErrors(t *testing.T) {
	kdir := summaryStoryDir(t)
	_, _, err := runSummaryCLI(t, kdir, nil, "summary", "--doc", "albania cuts ties with iraq")
	if ExitCode(err) != 2 {
		t.Fatalf("unknown document: exit %d (%v), want 2", ExitCode(err), err)
	}
	golden.Check(t, "testdata/summary_unknown_doc.golden", err.Error()+"\n")
	_, _, err = runSummaryCLI(t, kdir, nil, "summary", "--length", "huge")
	if ExitCode(err) != 2 || !strings.Contains(err.Error(), "short, medium or long") {
		t.Errorf("bad length: %v", err)
	}
	_, _, err = runSummaryCLI(t, kdir, nil, "timeline", "--doc", "nothing like it")
	if ExitCode(err) != 2 {
		t.Errorf("timeline unknown document: %v", err)
	}
	out, _, err := runSummaryCLI(t, kdir, nil, "summary", "--help")
	if err != nil || !strings.Contains(out, "--focus") || !strings.Contains(out, "--length") {
		t.Errorf("help: %v\n%s", err, out)
	}
}

func TestTimelineCommand(t *testing.T) {
	kdir := summaryStoryDir(t)
	out, errs, err := runSummaryCLI(t, kdir, nil, "timeline", "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	var got struct {
		Events []map[string]json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	var dates []string
	for _, e := range got.Events {
		for _, k := range []string{"date", "date_text", "event", "citations"} {
			if e[k] == nil {
				t.Errorf("event lacks %q", k)
			}
		}
		var d string
		json.Unmarshal(e["date"], &d)
		dates = append(dates, d)
	}
	joined := "," + strings.Join(dates, ",") + ","
	last := -1
	for _, d := range []string{",1978,", ",1981,", ",2014,", ",2022-07-15,", ",2022-09-07,"} {
		i := strings.Index(joined, d)
		if i < 0 || i < last {
			t.Errorf("timeline %s: %s missing or out of order", joined, d)
		}
		last = i
	}

	text, _, err := runSummaryCLI(t, kdir, nil, "timeline")
	if err != nil || !strings.Contains(text, "2022-07-15 (July 15) — ") {
		t.Errorf("text timeline: %v\n%s", err, text)
	}

	// --max keeps that many events, in order, and says how many were left out
	capped, _, err := runSummaryCLI(t, kdir, nil, "timeline", "--max", "3", "--json")
	var c struct {
		Events  []struct{ Date string } `json:"events"`
		Omitted int                     `json:"omitted"`
	}
	if err != nil || json.Unmarshal([]byte(capped), &c) != nil || len(c.Events) != 3 || c.Omitted != len(got.Events)-3 {
		t.Errorf("timeline --max 3 --json: %v\n%s", err, capped)
	}
	text, _, err = runSummaryCLI(t, kdir, nil, "timeline", "--max", "3")
	if n := strings.Count(strings.Split(text, "\nSources:")[0], " — "); err != nil || n != 3 || !strings.Contains(text, fmt.Sprintf("… and %d more events.", len(got.Events)-3)) {
		t.Errorf("timeline --max 3: %d event lines, %v\n%s", n, err, text)
	}
	if _, _, err := runSummaryCLI(t, kdir, nil, "timeline", "--max", "-1"); ExitCode(err) != 2 {
		t.Errorf("timeline --max -1: err = %v, want a usage error", err)
	}

	// a folder without dates
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, "notes.md"), []byte("# Notes\n\nThe embassy did not comment on the move.\n"), 0o644)
	text, _, err = runSummaryCLI(t, empty, nil, "timeline")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/timeline_nodates.golden", text)
	js, _, _ := runSummaryCLI(t, empty, nil, "timeline", "--json")
	if !strings.Contains(js, `"events": []`) {
		t.Errorf("empty timeline JSON must hold events: []:\n%s", js)
	}
}

func TestSummaryCommandWithModel(t *testing.T) {
	kdir := summaryStoryDir(t)
	srv := llmtest.New(t)
	srv.OnChat(func(r llmtest.Request) llmtest.Reply {
		if strings.Contains(r.Messages[0].Content, "timeline writer") {
			return llmtest.Reply{Text: "1: The revolution took place.\n7: Albania broke off relations with Iran."}
		}
		return llmtest.Reply{Text: "Albania cut diplomatic ties with Iran after the July cyberattack [1]. Edi Rama announced it [99]."}
	})
	env := map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_API_KEY": "sk-test-secret"}
	out, errs, err := runSummaryCLI(t, kdir, env, "summary", "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	if !strings.Contains(out, `"mode": "llm"`) || !strings.Contains(out, "Albania cut diplomatic ties with Iran after the July cyberattack. [1]") || strings.Contains(out, "Edi Rama announced") {
		t.Errorf("model summary not checked as expected:\n%s", out)
	}
	reqs := srv.ChatRequests()
	if len(reqs) != 1 || reqs[0].Path != "/v1/chat/completions" || reqs[0].Header.Get("Authorization") != "Bearer sk-test-secret" {
		t.Fatalf("requests: %+v", reqs)
	}
	if mt, ok := reqs[0].Body["max_tokens"].(float64); !ok || mt <= 0 {
		t.Errorf("max_tokens not sent: %v", reqs[0].Body)
	}
	if strings.Contains(errs, "sk-test-secret") || strings.Contains(out, "sk-test-secret") {
		t.Error("the API key leaked into the output")
	}

	out, errs, err = runSummaryCLI(t, kdir, env, "timeline", "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	if !strings.Contains(out, `"event": "The revolution took place."`) || !strings.Contains(out, `"event": "Albania broke off relations with Iran."`) || !strings.Contains(out, `"date": "2022-09-07"`) {
		t.Errorf("model timeline:\n%s", out)
	}
}

// An empty knowledge folder is nothing to summarise, not a usage error:
// summary and timeline say so and exit 0, as search does, and --json is the
// usual document with an empty summary or events [] and a note.
func TestSummaryAndTimelineEmptyFolder(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"summary", "--json"}, `"summary": "",`},
		{[]string{"timeline", "--json"}, `"events": [],`},
		{[]string{"summary", "--length", "short"}, "has no documents"},
		{[]string{"timeline"}, "has no documents"},
	} {
		out, errs, err := runSummaryCLI(t, empty, nil, tc.args...)
		if err != nil {
			t.Fatalf("%v: exit %d (%v)\n%s", tc.args, ExitCode(err), err, errs)
		}
		if !strings.Contains(out, tc.want) || !strings.Contains(out, "The knowledge folder "+empty+" has no documents") {
			t.Errorf("%v: want %q and the note:\n%s", tc.args, tc.want, out)
		}
		if tc.args[len(tc.args)-1] == "--json" {
			m := summaryJSONKeys(t, []byte(out))
			if tc.args[0] == "summary" && (string(m["citations"]) != "[]" || string(m["mode"]) != `"extractive"`) {
				t.Errorf("summary JSON: %s", out)
			}
		}
	}
}
