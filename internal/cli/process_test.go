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
	"storybot/internal/waitfor"
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
// TestMain) with only env as its environment, until it is stopped or
// killed, or the test ends (killed then); its output is logged when the
// test fails.
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
			t.Logf("the storybot process's output (SHARD_ID=%s):\n%s", env["SHARD_ID"], p.out.String())
		}
	})
	return p
}

// kill kills the process (SIGKILL: no shutdown of any kind) and returns
// how it exited.
func (p *botProcess) kill(t testing.TB) error {
	t.Helper()
	p.signal(os.Kill)
	return p.wait(t)
}

// stopAll asks the processes to stop (SIGTERM, as a service manager does),
// all at once, and returns how each exited: nil when it shut down cleanly
// (and, under -race, found no race).
func stopAll(t testing.TB, ps ...*botProcess) []error {
	t.Helper()
	for _, p := range ps {
		p.signal(syscall.SIGTERM)
	}
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p.wait(t)
	}
	return errs
}

// signal sends sig to the process unless it has been waited for.
func (p *botProcess) signal(sig os.Signal) {
	if !p.done {
		_ = p.cmd.Process.Signal(sig)
	}
}

// wait waits for the process to exit and returns how it did.
func (p *botProcess) wait(t testing.TB) error {
	t.Helper()
	if p.done {
		return p.err
	}
	p.err = waitfor.Receive(t, "the storybot process to exit", 20*time.Second, p.exited)
	p.done = true
	return p.err
}
