package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"storybot/internal/budget"
)

func runWith(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb strings.Builder
	err := run(context.Background(), append([]string{"--env-file", "/nonexistent"}, args...), strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	return out.String(), errb.String(), err
}

// The container's HEALTHCHECK: `storybot healthcheck` asks /healthz on
// METRICS_ADDR (loopback for an every-interface address).
func TestHealthcheck(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	addr := strings.TrimPrefix(srv.URL, "http://")
	port := addr[strings.LastIndexByte(addr, ':'):]
	for _, a := range []string{addr, port, "0.0.0.0" + port} {
		if out, _, err := runWith(t, map[string]string{"METRICS_ADDR": a}, "healthcheck"); err != nil || out != "ok\n" {
			t.Errorf("METRICS_ADDR=%s: %q %v", a, out, err)
		}
	}
	if strings.Join(paths, ",") != "GET /healthz,GET /healthz,GET /healthz" {
		t.Errorf("requests %q", paths)
	}
	srv.Close()
	if _, _, err := runWith(t, map[string]string{"METRICS_ADDR": addr}, "healthcheck"); err == nil || ExitCode(err) != 1 {
		t.Errorf("a stopped server: %v", err)
	}
	if _, _, err := runWith(t, nil, "healthcheck"); err == nil || ExitCode(err) != 2 || !strings.Contains(err.Error(), "METRICS_ADDR") {
		t.Errorf("no METRICS_ADDR: %v", err)
	}
}

func TestUsageText(t *testing.T) {
	data := t.TempDir()
	out, _, err := runWith(t, nil, "--data", data, "usage")
	if err != nil || !strings.Contains(out, "No model usage recorded yet") || !strings.Contains(out, "per server no limit") {
		t.Errorf("empty: %q %v", out, err)
	}
	s := budget.OpenFile(data)
	s.Add(context.Background(), budget.Record{Day: "2026-12-05", GuildID: "800000000000000001", UserID: "1", PromptTokens: 900, CompletionTokens: 100})
	s.Add(context.Background(), budget.Record{Day: "2026-12-05", GuildID: "800000000000000001", UserID: "2", PromptTokens: 90, CompletionTokens: 10})
	out, _, err = runWith(t, map[string]string{"MODEL_DAILY_TOKENS_PER_SERVER": "5000"}, "--data", data, "usage")
	want := "2026-12-05  800000000000000001          1100         990         110        2        2"
	if err != nil || !strings.Contains(out, want) || !strings.Contains(out, "per server 5000 tokens a day") {
		t.Errorf("usage:\n%s\nwant a line\n%s (%v)", out, want, err)
	}
}

// PostgreSQL down at start-up: the bot stops with an error naming
// DATABASE_URL (and not its password).
func TestPostgresDownStopsTheBotAtStartUp(t *testing.T) {
	_, _, err := runWith(t, map[string]string{"DISCORD_TOKEN": "x", "DATABASE_URL": "postgres://storybot:pw-s3cret@127.0.0.1:1/storybot?connect_timeout=2"}, "bot")
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || strings.Contains(err.Error(), "pw-s3cret") {
		t.Errorf("PostgreSQL down: %v", err)
	}
}
