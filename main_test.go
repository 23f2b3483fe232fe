package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"storybot/bot/discordtest"
	"storybot/internal/llm/llmtest"
	"storybot/internal/syncbuf"
	"storybot/internal/waitfor"
)

// buildBinary compiles this module's storybot command once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "storybot")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestSIGTERMStopsTheBotGracefully runs the built binary against a fake
// Discord and a fake model whose answer takes longer than SHUTDOWN_TIMEOUT,
// sends SIGTERM while that answer is in flight, and checks what an operator
// relies on: the process exits 0, the asker is told the bot is restarting,
// and the log says it shut down, without the token in it.
func TestSIGTERMStopsTheBotGracefully(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dc := discordtest.New(t)
	model := llmtest.New(t)
	model.OnChat(func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Text: "Too late [1].", Delay: 30 * time.Second}
	})
	knowledge, err := filepath.Abs("knowledge")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir() // no .env here: only the environment below counts
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"DISCORD_TOKEN=" + discordtest.Token, "DISCORD_API_URL=" + dc.URL(), "DISCORD_GUILD_ID=" + discordtest.GuildID,
		"KNOWLEDGE_DIR=" + knowledge, "DATA_DIR=" + filepath.Join(dir, "data"),
		"OPENAI_BASE_URL=" + model.URL(), "OPENAI_API_KEY=sk-secret-test-key",
		"SHUTDOWN_TIMEOUT=1s", "LOG_LEVEL=debug",
	}
	var stderr syncbuf.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("storybot's output:\n%s", stderr.String())
		}
	})

	dc.WaitConnected(t, 1)
	dc.WaitCommandsRegistered(t)
	ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Why did Albania cut ties with Iran?"})
	orig := "/webhooks/" + discordtest.AppID + "/itok-" + ask["id"].(string) + "/messages/@original"
	dc.Dispatch(t, "INTERACTION_CREATE", ask)
	waitfor.Until(t, "the question to reach the model", 20*time.Second, func() bool { return len(model.ChatRequests()) > 0 })

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := waitfor.Receive(t, "storybot to exit within 30 s of SIGTERM (SHUTDOWN_TIMEOUT=1s)", 30*time.Second, exited); err != nil {
		t.Fatalf("after SIGTERM storybot exited with %v, want status 0", err)
	}

	var told bool
	for _, r := range dc.Requests() {
		if r.Method == "PATCH" && r.Path == orig {
			if c, _ := r.JSON()["content"].(string); strings.Contains(c, "restarting") {
				told = true
			}
		}
	}
	if !told {
		t.Errorf("the asker whose answer was cut off was not told the bot is restarting:\n%s", discordtest.Dump(dc.Requests()))
	}
	logs := stderr.String()
	for _, want := range []string{"shutting down", "cancelling answers still in flight", "bot stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	for _, secret := range []string{discordtest.Token, "sk-secret-test-key"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains the secret %q", secret)
		}
	}
}

// TestConsoleWithoutToken runs the built binary with no Discord token and
// no model, as a new user's first `go run .` does, feeding one question on
// stdin: it answers from the knowledge folder, cited, and exits 0 at EOF.
func TestConsoleWithoutToken(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	knowledge, err := filepath.Abs("knowledge")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "KNOWLEDGE_DIR=" + knowledge, "DATA_DIR=" + filepath.Join(dir, "data")}
	cmd.Stdin = strings.NewReader("Where did the MEK settle?\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("storybot: %v\nstderr:\n%s", err, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "Durres") || !strings.Contains(out, "[1]") || !strings.Contains(out, "Albania-cuts-ties-with-Iran-2022-09-07.txt") {
		t.Errorf("the console's answer is not the cited MEK passage:\n%s\nstderr:\n%s", out, stderr.String())
	}
}
