package metrics

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code, rec.Body.String()
}

// exercise moves every collector once.
func exercise(m *Metrics) {
	m.Question(SourceConsole, "llm", false, 2*time.Second)
	m.Retrieval(3 * time.Millisecond)
	m.FirstToken(400 * time.Millisecond)
	m.ModelError("429")
	m.ModelRetry()
	m.Tokens(120, 30)
	m.RateLimited()
	m.BudgetExhausted("member")
	m.InFlight(1)
	m.Refresh(40*time.Millisecond, 2)
	m.Knowledge(func() (int, int) { return 3, 17 })
	m.GatewayConnected(true, true)
	m.GatewayResumed()
}

func TestHandlerServesMetricsHealthAndReadiness(t *testing.T) {
	m := New()
	exercise(m)
	var notReady error = errors.New("knowledge not loaded")
	h := m.Handler(func() error { return notReady })
	if code, body := get(t, h, "/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, h, "/readyz"); code != 503 || !strings.Contains(body, "knowledge not loaded") {
		t.Errorf("/readyz before ready: %d %q", code, body)
	}
	notReady = nil
	if code, _ := get(t, h, "/readyz"); code != 200 {
		t.Errorf("/readyz when ready: %d", code)
	}
	code, body := get(t, h, "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`storybot_questions_total{mode="llm",refused="false",source="console"} 1`,
		`storybot_questions_total{mode="extractive",refused="true",source="discord"} 0`,
		`storybot_answer_duration_seconds_count{source="console"} 1`,
		`storybot_retrieval_duration_seconds_count 1`,
		`storybot_model_first_token_seconds_count 1`,
		`storybot_model_errors_total{class="429"} 1`,
		`storybot_model_errors_total{class="broken_stream"} 0`,
		`storybot_model_retries_total 1`,
		`storybot_model_tokens_total{kind="prompt"} 120`,
		`storybot_model_tokens_total{kind="completion"} 30`,
		`storybot_rate_limited_questions_total 1`,
		`storybot_budget_exhausted_questions_total{scope="member"} 1`,
		`storybot_interactions_in_flight 1`,
		`storybot_refresh_duration_seconds_count 1`,
		`storybot_refresh_skipped_files 2`,
		`storybot_knowledge_documents 3`,
		`storybot_knowledge_passages 17`,
		`storybot_gateway_connected 1`,
		`storybot_gateway_reconnects_total 1`,
		`storybot_gateway_resumes_total 1`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if code, _ := get(t, h, "/other"); code != 404 {
		t.Errorf("/other: %d", code)
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *Metrics
	exercise(m) // must not panic
}

// promtool (Debian's prometheus package; .ci/run installs it when it can)
// lints a scrape: names, units, _total on counters, help texts.
func TestPromtoolCheckMetrics(t *testing.T) {
	path, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (apt-get install prometheus)")
	}
	m := New()
	exercise(m)
	_, body := get(t, m.Handler(nil), "/metrics")
	var out bytes.Buffer
	cmd := exec.Command(path, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out.String())
	}
	if s := strings.TrimSpace(out.String()); s != "" {
		t.Errorf("promtool check metrics found problems:\n%s", s)
	}
}

func TestServeListensAndStops(t *testing.T) {
	m := New()
	addr, stop, err := Serve(context.Background(), "127.0.0.1:0", m.Handler(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok\n" {
		t.Errorf("/healthz: %d %q", resp.StatusCode, b)
	}
	stop()
	stop()
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("still serving after stop")
	}
	if _, _, err := Serve(context.Background(), "not an address", m.Handler(nil), nil); err == nil || !strings.Contains(err.Error(), "METRICS_ADDR") {
		t.Errorf("a bad address: %v", err)
	}
}
