package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"storybot/internal/golden"
	"storybot/internal/llm/llmtest"
)

const askStory = "testdata/askstory"

func runAskCLI(t *testing.T, stdin string, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"--env-file", "/nonexistent", "--knowledge", askStory, "--data", t.TempDir()}, args...)
	err := run(context.Background(), full, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	return out.String(), errb.String(), err
}

func TestAskGoldenOffline(t *testing.T) {
	for name, q := range map[string]string{
		"why":         "Why did Albania sever diplomatic relations with Iran?",
		"who_helped":  "Who helped Albania recover from the attack?",
		"how_many":    "How many members of the MEK did Albania welcome in 2014?",
		"not_covered": "What is the tallest mountain in Africa?",
		"misspelt":    "why did albnia cut ties with iarn?", // read as Albania and Iran, and says so
	} {
		t.Run(name, func(t *testing.T) {
			out, errs, err := runAskCLI(t, "", nil, "ask", q)
			if err != nil {
				t.Fatalf("%v\n%s", err, errs)
			}
			golden.Check(t, filepath.Join("testdata", "ask", name+".golden"), out)
		})
	}
}

func TestAskJSON(t *testing.T) {
	out, errs, err := runAskCLI(t, "", nil, "ask", "--json", "Who", "announced", "that", "Albania", "was", "ending", "diplomatic", "relations", "with", "Iran?")
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"question", "answer", "mode", "refused", "citations", "warnings"} {
		if m[k] == nil {
			t.Errorf("no %q in %s", k, out)
		}
	}
	if len(m) != 6 {
		t.Errorf("want exactly 6 keys, got %d: %s", len(m), out)
	}
	var a struct {
		Question, Answer, Mode string
		Refused                bool
		Citations              []map[string]any
		Warnings               []string
	}
	json.Unmarshal([]byte(out), &a)
	if a.Mode != "extractive" || a.Refused || !strings.Contains(a.Answer, "Edi Rama") || len(a.Citations) == 0 {
		t.Errorf("answer %+v", a)
	}
	for _, k := range []string{"n", "doc", "title", "location", "quote"} {
		if _, ok := a.Citations[0][k]; !ok {
			t.Errorf("citation lacks %q", k)
		}
	}
	if string(m["warnings"]) != "[]" {
		t.Errorf("warnings = %s, want []", m["warnings"])
	}
	// A misspelt word: "spelling" says how it was read.
	out, _, err = runAskCLI(t, "", nil, "ask", "--json", "who is edi rmaa")
	if err != nil {
		t.Fatal(err)
	}
	var sp struct {
		Answer   string
		Spelling []map[string]string
	}
	json.Unmarshal([]byte(out), &sp)
	if len(sp.Spelling) != 1 || sp.Spelling[0]["from"] != "rmaa" || sp.Spelling[0]["to"] != "rama" || !strings.Contains(sp.Answer, "Edi Rama") {
		t.Errorf("misspelt question: %s", out)
	}
	// A refusal: citations [] not null.
	out, _, err = runAskCLI(t, "", nil, "ask", "--json", "How do I bake chocolate chip cookies?")
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal([]byte(out), &m)
	if string(m["citations"]) != "[]" || string(m["refused"]) != "true" {
		t.Errorf("refusal JSON: %s", out)
	}
}

func TestAskBadInput(t *testing.T) {
	for _, args := range [][]string{{"ask"}, {"ask", "   "}, {"ask", strings.Repeat("x", 1001)}, {"ask", "--k", "0", "why"}} {
		_, _, err := runAskCLI(t, "", nil, args...)
		if ExitCode(err) != 2 {
			t.Errorf("%.30q: err %v, want a usage error", args, err)
		}
	}
	out, _, err := runAskCLI(t, "", nil, "ask", "--help")
	if err != nil || !strings.Contains(out, "Usage: storybot ask") {
		t.Errorf("help: %v %q", err, out)
	}
}

func TestAskWithModel(t *testing.T) {
	srv := llmtest.New(t)
	srv.Enqueue(llmtest.Reply{Text: "Albania cut ties over the July cyberattack [2] [9]."})
	out, errs, err := runAskCLI(t, "", map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": "m"}, "ask", "--json", "Why did Albania sever diplomatic relations with Iran?")
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	var a askJSON
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if a.Mode != "llm" || a.Answer != "Albania cut ties over the July cyberattack [1]." || len(a.Citations) != 1 {
		t.Errorf("answer %+v", a)
	}
	if r := srv.ChatRequests(); len(r) != 1 || r[0].Model != "m" || r[0].Header.Get("Authorization") != "" {
		t.Errorf("requests %+v", r)
	}
}

func TestAskBrokenPromptsFolder(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "answer.tmpl"), []byte("ok\n{{.Broken"), 0o644)
	_, _, err := runAskCLI(t, "", map[string]string{"PROMPTS_DIR": dir}, "ask", "why")
	if err == nil || !strings.Contains(err.Error(), "answer.tmpl:2") {
		t.Errorf("err = %v, want the file and line", err)
	}
}

// A prompts folder whose templates parse but cannot serve a question (a
// misspelt field; an answer template that never shows the question, so the
// model would answer blind) stops start-up, and `check`, with a message
// naming the template, instead of failing or misleading every question.
func TestAskPromptsThatCannotRender(t *testing.T) {
	for dir, want := range map[string]string{
		"testdata/prompts_typo":       "answer.tmpl:24",
		"testdata/prompts_noquestion": "answer.tmpl never shows .Question",
	} {
		srv := llmtest.New(t)
		_, _, err := runAskCLI(t, "", map[string]string{"PROMPTS_DIR": dir, "OPENAI_BASE_URL": srv.URL()}, "ask", "Why did Albania sever diplomatic relations with Iran?")
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "PROMPTS_DIR") {
			t.Errorf("%s: err = %v, want %q and PROMPTS_DIR", dir, err, want)
		}
		if n := len(srv.ChatRequests()); n != 0 {
			t.Errorf("%s: the model was called %d times", dir, n)
		}
		out, _, err := runAskCLI(t, "", map[string]string{"PROMPTS_DIR": dir}, "check")
		if err == nil || !strings.Contains(out, "✗ prompts") || !strings.Contains(out, want) {
			t.Errorf("%s: check: err %v, output:\n%s", dir, err, out)
		}
	}
}

func TestConsoleGolden(t *testing.T) {
	in := strings.Join([]string{
		"What happened in the cyberattack on Albania?",
		"and who helped them recover?",
		"",
		"What is the tallest mountain in Africa?",
		strings.Repeat("x", 1001),
		"How many members of the MEK did Albania welcome in 2014?",
	}, "\n")
	out, errs, err := runAskCLI(t, in, nil, "console")
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	golden.Check(t, "testdata/ask/console.golden", logPathsHidden(out))
	// With no command and no DISCORD_TOKEN, storybot runs the console.
	out2, _, err := runAskCLI(t, "", nil)
	if err != nil || !strings.HasPrefix(out2, "storybot is running in the terminal") {
		t.Errorf("default command: %v %q", err, out2)
	}
}

func TestConsoleStreamsWithModel(t *testing.T) {
	srv := llmtest.New(t)
	srv.Enqueue(llmtest.Reply{Text: "The US and private sector representatives helped [1]."})
	out, errs, err := runAskCLI(t, "Who helped Albania recover from the attack?\n/quit\nnever asked\n", map[string]string{"OPENAI_BASE_URL": srv.URL()}, "console")
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	golden.Check(t, "testdata/ask/console_model.golden", logPathsHidden(out))
	if n := len(srv.ChatRequests()); n != 1 {
		t.Errorf("%d model calls", n)
	}
}

func TestConsoleEndsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	inR, inW := io.Pipe()
	defer inW.Close()
	outR, outW := io.Pipe()
	done := make(chan error)
	go func() {
		done <- run(ctx, []string{"--env-file", "/nonexistent", "--knowledge", askStory, "--data", t.TempDir(), "console"}, inR, outW, io.Discard, func(string) string { return "" })
		outW.Close()
	}()
	br := bufio.NewReader(outR)
	line, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "storybot is running in the terminal") {
		t.Fatalf("greeting %q, %v", line, err)
	}
	cancel()
	go io.Copy(io.Discard, br)
	if err := <-done; err != nil {
		t.Errorf("err = %v, want a clean end", err)
	}
}

func TestEvalAnswers(t *testing.T) {
	dir := t.TempDir()
	qs := `{"id": "a", "question": "Who announced that Albania was ending diplomatic relations with Iran?", "answers": ["Edi Rama"], "gold_doc": "Albania-cuts-ties-with-Iran-2022-09-07.txt"}
{"id": "b", "question": "How many members of the MEK did Albania welcome in 2014?", "answers": ["3,000"], "gold_doc": "Albania-cuts-ties-with-Iran-2022-09-07.txt"}
{"id": "p", "question": "How do I bake chocolate chip cookies?", "answers": [], "in_scope": false}
`
	path := filepath.Join(dir, "q.jsonl")
	os.WriteFile(path, []byte(qs), 0o644)
	out, errs, err := runAskCLI(t, "", nil, "eval", "--questions", path, "--answers", "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	var rep struct {
		Answers map[string]any `json:"answers"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"containment": 1, "cited": 1, "refused_out_of_scope": 1, "answered_in_scope": 1}
	for k, v := range want {
		if got, ok := rep.Answers[k].(float64); !ok || got != v {
			t.Errorf("answers.%s = %v, want %v (%s)", k, rep.Answers[k], v, out)
		}
	}
	text, _, err := runAskCLI(t, "", nil, "eval", "--questions", path, "--answers")
	if err != nil || !strings.Contains(text, "refused out of scope 1.0000") {
		t.Errorf("text report: %v\n%s", err, text)
	}
	// Asked as people type (lower case, the longest word's middle letters
	// swapped: "diploamtic", "mebmers"), the answers still hold "Edi Rama"
	// and "3,000".
	out, errs, err = runAskCLI(t, "", nil, "eval", "--questions", path, "--answers", "--lower", "--typos", "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	rep.Answers = nil
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Answers["containment"] != 1.0 || !strings.Contains(out, `"asked": "in lower case, with one typo each (--typos)"`) {
		t.Errorf("--lower --typos: %v %s", err, out)
	}
}

// TestAskPartialPromptsFolder: a PROMPTS_DIR that overrides only
// answer.tmpl uses it, and the built-in copies of the other templates.
func TestAskPartialPromptsFolder(t *testing.T) {
	dir := t.TempDir()
	own := "OPERATOR-TEMPLATE: answer {{fence .Question}} from\n{{range .Passages}}<<<PASSAGE {{.N}}>>>\n{{fence .Text}}\n<<<END PASSAGE {{.N}}>>>\n{{end}}"
	if err := os.WriteFile(filepath.Join(dir, "answer.tmpl"), []byte(own), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := llmtest.New(t)
	srv.Enqueue(llmtest.Reply{Text: "The US and private sector representatives helped [1]."})
	_, errs, err := runAskCLI(t, "", map[string]string{"OPENAI_BASE_URL": srv.URL(), "PROMPTS_DIR": dir}, "ask", "Who helped Albania recover from the attack?")
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	reqs := srv.ChatRequests()
	if len(reqs) != 1 {
		t.Fatalf("%d model calls", len(reqs))
	}
	var system, user string
	for _, m := range reqs[0].Messages {
		switch m.Role {
		case "system":
			system += m.Content
		case "user":
			user += m.Content
		}
	}
	if !strings.Contains(user, "OPERATOR-TEMPLATE") {
		t.Errorf("the folder's answer.tmpl was not used:\n%s", user)
	}
	if strings.TrimSpace(system) == "" {
		t.Error("no system prompt: the built-in system.tmpl was not filled in")
	}
}

// TestAskWhenTheQueryEmbeddingFails: the passages were embedded, but the
// question's embedding fails (503, then 429 with Retry-After, then 503). The
// embeddings go through the model client, so the query is tried three
// times; then the question is answered from the keyword ranking, and the
// answer's warnings and the log say so.
func TestAskWhenTheQueryEmbeddingFails(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the retries' backoff")
	}
	const q = "Who helped Albania recover from the attack?"
	srv := llmtest.New(t)
	var queryTries atomic.Int32
	srv.OnEmbeddings(func(r llmtest.Request) llmtest.Reply {
		if len(r.Input) != 1 || r.Input[0] != q {
			return llmtest.Reply{} // the passages: deterministic vectors
		}
		if queryTries.Add(1) == 2 {
			return llmtest.Reply{Status: 429, RetryAfter: "1"}
		}
		return llmtest.Reply{Status: 503}
	})
	srv.OnChat(func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Text: "The US and private sector representatives helped Albania recover [1]."}
	})
	env := map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_API_KEY": "sk-test-secret", "OPENAI_EMBEDDING_MODEL": "embed-test"}
	out, errs, err := runAskCLI(t, "", env, "ask", "--json", q)
	if err != nil {
		t.Fatalf("the question failed with its embedding: %v\n%s", err, errs)
	}
	var a struct {
		Answer    string
		Citations []map[string]any
		Warnings  []string
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if n := queryTries.Load(); n != 3 {
		t.Errorf("the query embedding was tried %d times, want 3", n)
	}
	if len(a.Citations) == 0 || !strings.Contains(strings.Join(a.Warnings, "\n"), "keywords alone") {
		t.Errorf("answer %q, %d citations, warnings %q: want a cited answer warning that it is ranked by keywords alone", a.Answer, len(a.Citations), a.Warnings)
	}
	if !strings.Contains(errs, "ranking by keywords alone") || strings.Contains(errs, "sk-test-secret") {
		t.Errorf("log:\n%s", errs)
	}
}
