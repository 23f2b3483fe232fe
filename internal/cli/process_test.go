package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"storybot/internal/syncbuf"
)

// childEnv set to "storybot" makes this test binary run storybot, as
// main.go does, instead of the tests: how startBotProcess runs a bot in a
// process of its own, which a test can kill.
const childEnv = "STORYBOT_CLI_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "storybot" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "storybot:", err)
			os.Exit(ExitCode(err))
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// botProcess is storybot running in a process of its own.
type botProcess struct {
	cmd    *exec.Cmd
	out    *syncbuf.Buffer // its standard output and error
	exited chan error      // its exit, once
	err    error
	done   bool
}

// startBotProcess runs storybot (this test binary, as the child of
// TestMain) with only env as its environment, until it is killed or the
// test ends; its output is logged when the test fails.
func startBotProcess(t testing.TB, env map[string]string) *botProcess {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "--env-file", "/nonexistent")
	cmd.Dir = t.TempDir()
	cmd.Env = []string{childEnv + "=storybot"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &botProcess{cmd: cmd, out: &syncbuf.Buffer{}, exited: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		p.kill(t)
		if t.Failed() {
			t.Logf("the storybot process's output:\n%s", p.out.String())
		}
	})
	return p
}

// kill kills the process (SIGKILL: no shutdown of any kind) and returns
// how it exited.
func (p *botProcess) kill(t testing.TB) error {
	t.Helper()
	if p.done {
		return p.err
	}
	_ = p.cmd.Process.Kill()
	select {
	case p.err = <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the killed storybot process did not exit")
	}
	p.done = true
	return p.err
}
