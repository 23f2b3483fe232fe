package config

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaultsWithoutFile(t *testing.T) {
	c, err := Load(filepath.Join(t.TempDir(), "missing.env"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.KnowledgeDir != "./knowledge" || c.OpenAIModel != "gpt-4o-mini" || c.OpenAITimeout != 60*time.Second || c.RateLimitPerUser != 5 || c.ShutdownTimeout != 10*time.Second || c.LLMEnabled() {
		t.Errorf("defaults: %+v", c)
	}
}

func TestEnvironmentWinsOverFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(f, []byte("OPENAI_MODEL=from-file\nKNOWLEDGE_DIR=/file\nMODERATOR_ROLE_IDS= 1, 2 ,,3\nMAX_FILE_BYTES=2MB\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(f, env(map[string]string{"OPENAI_MODEL": "from-env", "OPENAI_BASE_URL": "http://localhost:11434/v1", "SHUTDOWN_TIMEOUT": "2m"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ShutdownTimeout != 2*time.Minute {
		t.Errorf("SHUTDOWN_TIMEOUT=2m gave %v", c.ShutdownTimeout)
	}
	if c.OpenAIModel != "from-env" || c.KnowledgeDir != "/file" || c.MaxFileBytes != 2<<20 {
		t.Errorf("got model %q dir %q max %d", c.OpenAIModel, c.KnowledgeDir, c.MaxFileBytes)
	}
	if strings.Join(c.ModeratorRoleIDs, ",") != "1,2,3" {
		t.Errorf("roles %q", c.ModeratorRoleIDs)
	}
	if !c.LLMEnabled() {
		t.Error("a base URL alone should enable the model")
	}
}

func TestShardSettings(t *testing.T) {
	for _, tc := range []struct {
		count, id  string
		wantCount  int
		wantID     int
		wantErrKey string
	}{
		{"", "", 1, 0, ""},
		{"2", "1", 2, 1, ""},
		{"auto", "3", AutoShards, 3, ""},
		{"AUTO", "", AutoShards, 0, ""},
		{"2", "2", 0, 0, "SHARD_ID"},
		{"", "1", 0, 0, "SHARD_ID"},
		{"some", "", 0, 0, "SHARD_COUNT"},
	} {
		c, err := Load(filepath.Join(t.TempDir(), "none"), env(map[string]string{"SHARD_COUNT": tc.count, "SHARD_ID": tc.id}))
		switch {
		case tc.wantErrKey != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErrKey+"=") {
				t.Errorf("SHARD_COUNT=%q SHARD_ID=%q: error %v should name %s", tc.count, tc.id, err, tc.wantErrKey)
			}
		case err != nil || c.ShardCount != tc.wantCount || c.ShardID != tc.wantID:
			t.Errorf("SHARD_COUNT=%q SHARD_ID=%q: %d, %d, %v", tc.count, tc.id, c.ShardCount, c.ShardID, err)
		}
	}
}

func TestOpsSettings(t *testing.T) {
	c, err := Load(filepath.Join(t.TempDir(), "none"), env(nil))
	if err != nil || c.MetricsAddr != "" || c.LogFormat != "text" || c.DailyTokensPerServer != 0 || c.DailyTokensPerMember != 0 {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	c, err = Load(filepath.Join(t.TempDir(), "none"), env(map[string]string{"METRICS_ADDR": ":9091", "LOG_FORMAT": "JSON",
		"MODEL_DAILY_TOKENS_PER_SERVER": "200000", "MODEL_DAILY_TOKENS_PER_MEMBER": "20000"}))
	if err != nil || c.MetricsAddr != ":9091" || c.LogFormat != "json" || c.DailyTokensPerServer != 200000 || c.DailyTokensPerMember != 20000 {
		t.Errorf("set: %+v %v", c, err)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	for k, v := range map[string]string{
		"OPENAI_TIMEOUT":                "soon",
		"SHUTDOWN_TIMEOUT":              "-5s",
		"RATE_LIMIT_PER_USER":           "-1",
		"OPENAI_MAX_CONCURRENCY":        "0",
		"MAX_FILE_BYTES":                "lots",
		"DISCORD_API_URL":               "discord.com",
		"LOG_LEVEL":                     "loud",
		"WATCH_KNOWLEDGE":               "maybe",
		"OPENAI_BASE_URL":               "localhost:11434",
		"LOG_FORMAT":                    "xml",
		"METRICS_ADDR":                  "9091",
		"MODEL_DAILY_TOKENS_PER_SERVER": "-1",
		"MODEL_DAILY_TOKENS_PER_MEMBER": "lots",
		"SHARD_COUNT":                   "0",
		"DATABASE_URL":                  "mysql://root@localhost/db",
		"SHARD_ID":                      "-1",
	} {
		_, err := Load(filepath.Join(t.TempDir(), "none"), env(map[string]string{k: v}))
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: error %v should name the variable", k, v, err)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"10485760": 10485760, "10MB": 10 << 20, "512kb": 512 << 10, "1GiB": 1 << 30} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5MB", "ten"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q): want an error", in)
		}
	}
	// Sizes that overflow int64 are refused, not wrapped around.
	for _, in := range []string{"18014398509481985K", "9223372036854775807KB", "8589934592GiB", "9223372036854775808", "99999999999999999999MB"} {
		if n, err := ParseBytes(in); err == nil || !strings.Contains(err.Error(), "too large") {
			t.Errorf("ParseBytes(%q) = %d, %v; want a too-large error", in, n, err)
		}
	}
	if n, err := ParseBytes("9223372036854775807"); err != nil || n != math.MaxInt64 {
		t.Errorf("the largest size: %d, %v", n, err)
	}
	if n, err := ParseBytes("8589934591GiB"); err != nil || n != 8589934591<<30 {
		t.Errorf("the largest GiB: %d, %v", n, err)
	}
}

func TestSizeOverflowStopsStartUp(t *testing.T) {
	for _, k := range []string{"MAX_FILE_BYTES", "MAX_UPLOAD_BYTES"} {
		_, err := Load(filepath.Join(t.TempDir(), "none"), env(map[string]string{k: "18014398509481985K"}))
		if err == nil || !strings.Contains(err.Error(), k+`="18014398509481985K": too large`) {
			t.Errorf("%s: %v", k, err)
		}
	}
}

// Discord IDs are snowflakes; a name or a #channel stops start-up with a
// message that says how to copy the ID.
func TestDiscordIDs(t *testing.T) {
	for _, tc := range []struct {
		key, val, want string // want: "" for valid, else part of the error
	}{
		{"DISCORD_GUILD_ID", "800000000000000001", ""},
		{"DISCORD_GUILD_ID", "my server", "Copy Server ID"},
		{"DISCORD_GUILD_ID", "1,2", "Copy Server ID"},
		{"DISCORD_GUILD_ID", "<#700000000000000001>", "Copy Server ID"},
		{"ALLOWED_CHANNEL_IDS", "700000000000000001, 700000000000000002", ""},
		{"ALLOWED_CHANNEL_IDS", "#general", "Copy Channel ID"},
		{"ALLOWED_CHANNEL_IDS", "700000000000000001,general", "Copy Channel ID"},
		{"ALLOWED_CHANNEL_IDS", "123456789012345678901", "Copy Channel ID"}, // 21 digits
		{"ALLOWED_CHANNEL_IDS", "18446744073709551616", "Copy Channel ID"},  // 2^64
		{"MODERATOR_ROLE_IDS", "18446744073709551615", ""},
		{"MODERATOR_ROLE_IDS", "Moderators", "Copy Role ID"},
		{"MODERATOR_ROLE_IDS", "-1", "Copy Role ID"},
		{"MODERATOR_ROLE_IDS", "+5", "Copy Role ID"},
		{"MODERATOR_ROLE_IDS", "１２３", "Copy Role ID"}, // full-width digits
	} {
		_, err := Load(filepath.Join(t.TempDir(), "none"), env(map[string]string{tc.key: tc.val}))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s=%q: %v", tc.key, tc.val, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.key+"=") || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "Developer Mode")):
			t.Errorf("%s=%q: error %v should name the variable and say how to copy the ID (%s)", tc.key, tc.val, err, tc.want)
		}
	}
}

func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"10MB", "512kb", "1GiB", "18014398509481985K", "9223372036854775807", "-5MB", "0", " 7 k ", "1e3", "8589934592GiB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseBytes(s)
		if err != nil {
			return
		}
		if n <= 0 {
			t.Fatalf("ParseBytes(%q) = %d with no error", s, n)
		}
		if d, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil && d != n {
			t.Fatalf("ParseBytes(%q) = %d, want %d", s, n, d)
		}
	})
}

func FuzzIsSnowflake(f *testing.F) {
	for _, s := range []string{"800000000000000001", "#general", "18446744073709551615", "18446744073709551616", "", "+1", "１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !IsSnowflake(s) {
			return
		}
		if _, err := strconv.ParseUint(s, 10, 64); err != nil || len(s) > 20 || strings.Trim(s, "0123456789") != "" {
			t.Fatalf("IsSnowflake(%q) but it is not 1-20 decimal digits within 64 bits", s)
		}
	})
}
