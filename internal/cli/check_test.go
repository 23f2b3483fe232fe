package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storybot/bot/discordtest"
	"storybot/internal/llm/llmtest"
)

// runCheck runs `storybot check` with env (on top of a temporary DATA_DIR
// and no .env file) and returns its stdout and error.
func runCheck(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	full := map[string]string{"DATA_DIR": t.TempDir(), "KNOWLEDGE_DIR": "../../knowledge", "PROMPTS_DIR": "../../prompts"}
	for k, v := range env {
		full[k] = v
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"--env-file", "/nonexistent", "check"}, args...), strings.NewReader(""), &out, &errOut, func(k string) string { return full[k] })
	return out.String(), err
}

func TestCheckAllGood(t *testing.T) {
	dc := discordtest.New(t)
	model := llmtest.New(t)
	out, err := runCheck(t, map[string]string{
		"DISCORD_TOKEN": discordtest.Token, "DISCORD_API_URL": dc.URL(), "DISCORD_GUILD_ID": discordtest.GuildID,
		"OPENAI_BASE_URL": model.URL(), "OPENAI_API_KEY": "sk-check-secret", "OPENAI_EMBEDDING_MODEL": "text-embedding-3-small",
	})
	if err != nil {
		t.Fatalf("check failed: %v\n%s", err, out)
	}
	for _, want := range []string{
		"✓ knowledge  1 document, 7 passages", "✓ data", "✓ prompts    ../../prompts: answer.tmpl",
		"✓ model      gpt-4o-mini at 127.0.0.1", "✓ embeddings text-embedding-3-small returns",
		"✓ discord    logged in as storybot (application " + discordtest.AppID + "), Message Content intent on, in the server \"Test Server\"",
		"client_id=" + discordtest.AppID, "All set.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "sk-check-secret") || strings.Contains(out, discordtest.Token) {
		t.Errorf("the output shows a secret:\n%s", out)
	}
	var chats, lists int
	for _, r := range model.Requests() {
		switch {
		case strings.HasSuffix(r.Path, "/chat/completions"):
			chats++
		case strings.HasSuffix(r.Path, "/models"):
			lists++
		}
	}
	if chats != 1 || lists != 1 {
		t.Errorf("want one model listing and one completion, got %d and %d", lists, chats)
	}
	// no gateway connection: check uses REST only
	if ids, resumes, _ := dc.Stats(); ids+resumes != 0 {
		t.Errorf("check opened the gateway (%d identifies)", ids)
	}
}

func TestCheckReportsEachProblemWithAFix(t *testing.T) {
	dc := discordtest.New(t)
	dc.SetApplicationFlags(0) // Message Content intent off
	model := llmtest.New(t)
	model.Enqueue(llmtest.Reply{Status: 401})
	model.SetModels(401)
	empty := t.TempDir()
	out, err := runCheck(t, map[string]string{
		"KNOWLEDGE_DIR": filepath.Join(empty, "missing"), "PROMPTS_DIR": empty,
		"DISCORD_TOKEN": discordtest.Token, "DISCORD_API_URL": dc.URL(),
		"OPENAI_BASE_URL": model.URL(), "OPENAI_API_KEY": "sk-check-secret",
	})
	if err == nil || ExitCode(err) != 1 || !strings.Contains(err.Error(), "checks failed") {
		t.Fatalf("want a failed check (exit 1), got %v\n%s", err, out)
	}
	for _, want := range []string{
		"✗ knowledge", "KNOWLEDGE_DIR",
		"✗ prompts", "PROMPTS_DIR",
		"✗ model", "check OPENAI_API_KEY",
		"✗ discord", "turn on Message Content Intent",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "sk-check-secret") || strings.Contains(out, discordtest.Token) {
		t.Errorf("the output shows a secret:\n%s", out)
	}
}

func TestCheckBadDiscordTokenJSON(t *testing.T) {
	dc := discordtest.New(t)
	out, err := runCheck(t, map[string]string{"DISCORD_TOKEN": "not-the-token", "DISCORD_API_URL": dc.URL()}, "--json")
	if err == nil {
		t.Fatalf("a rejected token passed:\n%s", out)
	}
	var doc struct {
		OK     bool `json:"ok"`
		Checks []struct{ Name, Status, Detail string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	status := map[string]string{}
	for _, c := range doc.Checks {
		status[c.Name] = c.Status
		if c.Name == "discord" && (!strings.Contains(c.Detail, "rejected DISCORD_TOKEN") || strings.Contains(c.Detail, "not-the-token")) {
			t.Errorf("discord detail: %q", c.Detail)
		}
	}
	if doc.OK || status["discord"] != "fail" || status["model"] != "off" || status["embeddings"] != "off" || status["knowledge"] != "ok" {
		t.Errorf("statuses: ok=%v %v", doc.OK, status)
	}
}

func TestCheckUnwritableDataDir(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runCheck(t, map[string]string{"DATA_DIR": filepath.Join(blocker, "data")})
	if err == nil || !strings.Contains(out, "✗ data") || !strings.Contains(out, "DATA_DIR") {
		t.Errorf("an unwritable DATA_DIR: %v\n%s", err, out)
	}
}

func TestCheckModelNames(t *testing.T) {
	model := llmtest.New(t)
	model.SetModels(0, "llama3.1:latest", "nomic-embed-text:latest")
	out, err := runCheck(t, map[string]string{"OPENAI_BASE_URL": model.URL(), "OPENAI_MODEL": "llama3.1"})
	if err != nil || !strings.Contains(out, "✓ model      llama3.1 at") {
		t.Errorf("Ollama's implicit :latest tag: %v\n%s", err, out)
	}
	out, err = runCheck(t, map[string]string{"OPENAI_BASE_URL": model.URL(), "OPENAI_MODEL": "mistral"})
	if err != nil || !strings.Contains(out, "! model") || !strings.Contains(out, "does not list mistral; it lists llama3.1:latest, nomic-embed-text:latest") {
		t.Errorf("a model the server does not list: %v\n%s", err, out)
	}
	out, err = runCheck(t, map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:1/v1"})
	if err == nil || !strings.Contains(out, "✗ model      gpt-4o-mini at 127.0.0.1:1 did not answer") {
		t.Errorf("nothing listening: %v\n%s", err, out)
	}
}

// TestCheckModelServerError: check tries the model once, and says what
// failed without "1 tries failed".
func TestCheckModelServerError(t *testing.T) {
	model := llmtest.New(t)
	model.Enqueue(llmtest.Reply{Status: 503})
	out, err := runCheck(t, map[string]string{"OPENAI_BASE_URL": model.URL(), "OPENAI_API_KEY": "sk-check-secret"})
	if err == nil || !strings.Contains(out, "✗ model") || !strings.Contains(out, "HTTP 503") || strings.Contains(out, "tries") {
		t.Errorf("check with the model answering 503: %v\n%s", err, out)
	}
}
