package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The global flags work after the command too (README, --help): a settings
// file named after the command is the one the configuration comes from, and
// --knowledge and --data still win over it.
func TestGlobalFlagsAfterCommand(t *testing.T) {
	dir := t.TempDir()
	notes, other := filepath.Join(dir, "notes"), filepath.Join(dir, "other")
	for d, text := range map[string]string{notes: "# Notes\n\nThe ferry to Durrës leaves at noon.\n", other: "# Other\n\nNothing about boats here.\n"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "doc.md"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	good := filepath.Join(dir, "good.env")
	bad := filepath.Join(dir, "bad.env")
	os.WriteFile(good, []byte("KNOWLEDGE_DIR="+notes+"\nDATA_DIR="+filepath.Join(dir, "data")+"\nWATCH_KNOWLEDGE=false\n"), 0o644)
	os.WriteFile(bad, []byte("RATE_LIMIT_PER_USER=many\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string // in stdout, or in the error for a usage error
		code int
	}{
		{"before", []string{"--env-file", good, "search", "ferry"}, "The ferry to Durrës", 0},
		{"after", []string{"search", "--env-file", good, "ferry"}, "The ferry to Durrës", 0},
		{"after, =", []string{"search", "ferry", "--env-file=" + good}, "The ferry to Durrës", 0},
		{"after, knowledge flag wins", []string{"--knowledge", other, "search", "--env-file", good, "ferry", "--json"}, `"passages": []`, 0},
		{"after, bad value", []string{"check", "--env-file", bad}, "RATE_LIMIT_PER_USER", 2},
		{"after the command, later file wins", []string{"--env-file", good, "search", "--env-file", bad, "ferry"}, "RATE_LIMIT_PER_USER", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), tc.args, strings.NewReader(""), &out, &errb, func(string) string { return "" })
			if ExitCode(err) != tc.code {
				t.Fatalf("exit %d (%v), want %d\n%s", ExitCode(err), err, tc.code, errb.String())
			}
			got := out.String()
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("want %q in:\n%s", tc.want, got)
			}
		})
	}
}

// Values that cannot work stop every command before it starts, naming each
// variable (config.Load's table tests have the cases).
func TestBadIDsStopStartUp(t *testing.T) {
	env := map[string]string{"DISCORD_TOKEN": "x", "DISCORD_GUILD_ID": "my server", "ALLOWED_CHANNEL_IDS": "#general", "MODERATOR_ROLE_IDS": "Moderators", "MAX_FILE_BYTES": "18014398509481985K"}
	for _, args := range [][]string{{"check"}, {"bot"}, {}} {
		var out, errb bytes.Buffer
		err := run(context.Background(), append([]string{"--env-file", "/nonexistent"}, args...), strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
		if ExitCode(err) != 2 {
			t.Fatalf("%v: exit %d (%v), want 2", args, ExitCode(err), err)
		}
		for k := range env {
			if k != "DISCORD_TOKEN" && !strings.Contains(err.Error(), k+"=") {
				t.Errorf("%v: the error does not name %s:\n%v", args, k, err)
			}
		}
	}
}

// TestEveryCommandsHelpAndArguments: every command prints its help for
// --help and succeeds; the commands that take no argument refuse one with a
// usage error that names it (one flag prologue for all: parseFlags,
// parseNoArgs).
func TestEveryCommandsHelpAndArguments(t *testing.T) {
	noArgs := map[string]bool{"bot": true, "check": true, "console": true, "eval": true, "feedback": true, "refresh": true}
	for _, c := range commands() {
		var out bytes.Buffer
		err := run(context.Background(), []string{"--env-file", "/nonexistent", c.name, "--help"}, strings.NewReader(""), &out, &bytes.Buffer{}, func(string) string { return "" })
		if err != nil || !strings.HasPrefix(out.String(), "Usage: storybot "+c.name) {
			t.Errorf("%s --help: %v\n%s", c.name, err, out.String())
		}
		if !noArgs[c.name] {
			continue
		}
		err = run(context.Background(), []string{"--env-file", "/nonexistent", "--data", t.TempDir(), c.name, "surplus"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, func(string) string { return "" })
		if ExitCode(err) != 2 || !strings.Contains(err.Error(), `"surplus"`) {
			t.Errorf("%s surplus: %v, want a usage error naming the argument", c.name, err)
		}
	}
}
