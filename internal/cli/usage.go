package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"storybot/internal/budget"
)

// usageJSON is `storybot usage --json`: one document, lists never null.
type usageJSON struct {
	File      string         `json:"file"`
	PerServer int            `json:"per_server"` // MODEL_DAILY_TOKENS_PER_SERVER, 0: no limit
	PerMember int            `json:"per_member"` // MODEL_DAILY_TOKENS_PER_MEMBER, 0: no limit
	Days      []budget.Total `json:"days"`
	Skipped   int            `json:"skipped_lines"`
}

// cmdUsage prints the model tokens used per server and day (UTC), from the
// usage file the token budgets keep in DATA_DIR, oldest first.
func cmdUsage(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error {
	asJSON := fs.Bool("json", false, `print one JSON document: {"file", "per_server", "per_member", "days": [{"day", "guild_id", "prompt_tokens", "completion_tokens", "tokens", "members", "answers"}], "skipped_lines"}`)
	if err := e.parseNoArgs(fs, args); err != nil {
		return err
	}
	store, err := e.usageStore(ctx)
	if err != nil {
		return fmt.Errorf("usage: %w", err)
	}
	totals, err := store.Totals(ctx)
	if err != nil {
		return fmt.Errorf("usage: %w", err)
	}
	doc := usageJSON{File: "PostgreSQL (DATABASE_URL)", PerServer: e.Config.DailyTokensPerServer, PerMember: e.Config.DailyTokensPerMember,
		Days: append([]budget.Total{}, totals...)}
	if f, ok := store.(*budget.FileStore); ok {
		doc.File, doc.Skipped = f.Path(), f.Skipped()
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	limit := func(n int) string {
		if n == 0 {
			return "no limit"
		}
		return fmt.Sprintf("%d tokens a day", n)
	}
	fmt.Fprintf(e.Stdout, "Model budgets: per server %s, per member %s (MODEL_DAILY_TOKENS_PER_SERVER, MODEL_DAILY_TOKENS_PER_MEMBER; days in UTC).\n", limit(doc.PerServer), limit(doc.PerMember))
	if doc.Skipped > 0 {
		fmt.Fprintf(e.Stderr, "storybot: usage: %d lines of %s skipped (not usage records)\n", doc.Skipped, doc.File)
	}
	if len(totals) == 0 {
		fmt.Fprintf(e.Stdout, "No model usage recorded yet (%s).\n", doc.File)
		return nil
	}
	fmt.Fprintf(e.Stdout, "\n%-10s  %-20s  %10s  %10s  %10s  %7s  %7s\n", "day", "server", "tokens", "prompt", "completion", "members", "answers")
	for _, t := range totals {
		fmt.Fprintf(e.Stdout, "%-10s  %-20s  %10d  %10d  %10d  %7d  %7d\n", t.Day, t.GuildID, t.Tokens, t.PromptTokens, t.CompletionTokens, t.Members, t.Answers)
	}
	return nil
}

// cmdHealthcheck asks the running storybot's /healthz on METRICS_ADDR (the
// container's HEALTHCHECK: the image has no curl) and returns nil when it
// answers 200 within 5 s.
func cmdHealthcheck(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error {
	if err := e.parseNoArgs(fs, args); err != nil {
		return err
	}
	url, err := healthURL(e.Config.MetricsAddr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", url, resp.Status)
	}
	fmt.Fprintln(e.Stdout, "ok")
	return nil
}

// healthURL is /healthz on METRICS_ADDR, through the loopback address when
// the server listens on every interface (":9091", "0.0.0.0:9091").
func healthURL(addr string) (string, error) {
	if addr == "" {
		return "", usageErrorf("healthcheck: METRICS_ADDR is not set: the health check asks /healthz there (set it, e.g. METRICS_ADDR=127.0.0.1:9091, for both the bot and the check)")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", usageErrorf("healthcheck: METRICS_ADDR=%q: %v", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
