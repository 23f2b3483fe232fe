// Package config loads storybot's one configuration struct: first the .env
// file (through godotenv, when present), then the process environment, which
// wins over .env; command-line flags are applied on top by internal/cli.
// Load validates every value and names the variable to fix when one is wrong.
package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"storybot/internal/split"
)

// Config is every setting storybot reads. The zero value is not useful: use
// Load, or Default for tests.
type Config struct {
	KnowledgeDir string // KNOWLEDGE_DIR, default ./knowledge
	DataDir      string // DATA_DIR, default ./data (caches, feedback, audit log, trash)
	PromptsDir   string // PROMPTS_DIR, default ./prompts
	MaxFileBytes int64  // MAX_FILE_BYTES, default 10 MB: larger knowledge files are skipped
	LogLevel     string // LOG_LEVEL: debug, info (default), warn, error
	LogFormat    string // LOG_FORMAT: text (default) or json (one JSON object a line, for log collectors)
	// MetricsAddr (METRICS_ADDR, off when empty), such as 127.0.0.1:9091,
	// is where /metrics, /healthz and /readyz are served.
	MetricsAddr string
	// DatabaseURL (DATABASE_URL, secret: it holds the password), such as
	// postgres://storybot:pw@localhost:5432/storybot, keeps the shared state
	// in PostgreSQL (so far the token usage of the budgets); empty: files
	// in DataDir.
	DatabaseURL string
	Watch       bool // WATCH_KNOWLEDGE, default true: re-index when the folder changes

	OpenAIAPIKey           string        // OPENAI_API_KEY (secret)
	OpenAIBaseURL          string        // OPENAI_BASE_URL, for Ollama, vLLM, LM Studio, OpenRouter
	OpenAIModel            string        // OPENAI_MODEL, default gpt-4o-mini
	OpenAITimeout          time.Duration // OPENAI_TIMEOUT, default 60s
	OpenAIMaxConcurrency   int           // OPENAI_MAX_CONCURRENCY, default 4
	OpenAIMaxContextTokens int           // OPENAI_MAX_CONTEXT_TOKENS, default 6000
	OpenAIEmbeddingModel   string        // OPENAI_EMBEDDING_MODEL: enables dense retrieval when set
	// DailyTokensPerServer and DailyTokensPerMember
	// (MODEL_DAILY_TOKENS_PER_SERVER, MODEL_DAILY_TOKENS_PER_MEMBER; 0, the
	// default, is no limit) cap the model tokens a Discord server and one
	// member may spend a day (UTC); past them, answers quote the sources.
	DailyTokensPerServer int
	DailyTokensPerMember int

	DiscordToken      string   // DISCORD_TOKEN (secret): without it the bot runs in the terminal
	DiscordAPIURL     string   // DISCORD_API_URL, default https://discord.com
	DiscordGuildID    string   // DISCORD_GUILD_ID: register commands to this guild only
	ModeratorRoleIDs  []string // MODERATOR_ROLE_IDS, comma-separated
	AllowedChannelIDs []string // ALLOWED_CHANNEL_IDS, comma-separated; empty: everywhere
	RateLimitPerUser  int      // RATE_LIMIT_PER_USER questions a minute, default 5
	// ShardCount (SHARD_COUNT, default 1; AutoShards for "auto": as Discord
	// recommends) and ShardID (SHARD_ID, default 0, below ShardCount) make
	// this process one shard of the bot.
	ShardCount     int
	ShardID        int
	MaxUploadBytes int64 // MAX_UPLOAD_BYTES for /knowledge add, default 10 MB
	// ShutdownTimeout (SHUTDOWN_TIMEOUT, default 10s) is how long answers in
	// flight may run on after SIGINT or SIGTERM before they are cancelled.
	ShutdownTimeout time.Duration
}

// AutoShards is Config.ShardCount for SHARD_COUNT=auto: the bot asks
// Discord how many shards to run.
const AutoShards = -1

// Default returns the configuration with every default and no secrets.
func Default() Config {
	return Config{
		KnowledgeDir:           "./knowledge",
		DataDir:                "./data",
		PromptsDir:             "./prompts",
		MaxFileBytes:           10 << 20,
		LogLevel:               "info",
		LogFormat:              "text",
		Watch:                  true,
		OpenAIModel:            "gpt-4o-mini",
		OpenAITimeout:          60 * time.Second,
		OpenAIMaxConcurrency:   4,
		OpenAIMaxContextTokens: 6000,
		DiscordAPIURL:          "https://discord.com",
		RateLimitPerUser:       5,
		ShardCount:             1,
		MaxUploadBytes:         10 << 20,
		ShutdownTimeout:        10 * time.Second,
	}
}

// LLMEnabled reports whether a language model is configured: an API key, or
// a base URL alone (local servers need no key).
func (c Config) LLMEnabled() bool { return c.OpenAIAPIKey != "" || c.OpenAIBaseURL != "" }

// Load reads envFile (skipped when it does not exist; "" means ".env") and
// then the environment given by getenv (os.Getenv when nil). It returns an
// error that names the variable when a value is invalid.
func Load(envFile string, getenv func(string) string) (Config, error) {
	if envFile == "" {
		envFile = ".env"
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	fileVals := map[string]string{}
	if m, err := godotenv.Read(envFile); err == nil {
		fileVals = m
	} else if !errors.Is(err, os.ErrNotExist) {
		return Config{}, fmt.Errorf("read %s: %w (fix the file or remove it)", envFile, err)
	}
	get := func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return fileVals[k]
	}
	c := Default()
	var errs []error
	str := func(k string, dst *string) {
		if v := strings.TrimSpace(get(k)); v != "" {
			*dst = v
		}
	}
	num := func(k string, dst *int, min int) {
		v := strings.TrimSpace(get(k))
		if v == "" {
			return
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < min {
			errs = append(errs, fmt.Errorf("%s=%q: want a whole number ≥ %d", k, v, min))
			return
		}
		*dst = n
	}
	duration := func(k string, dst *time.Duration) {
		v := strings.TrimSpace(get(k))
		if v == "" {
			return
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s=%q: want a positive duration such as 60s or 2m", k, v))
			return
		}
		*dst = d
	}
	size := func(k string, dst *int64) {
		v := strings.TrimSpace(get(k))
		if v == "" {
			return
		}
		n, err := ParseBytes(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %v", k, v, err))
			return
		}
		*dst = n
	}
	str("KNOWLEDGE_DIR", &c.KnowledgeDir)
	str("DATA_DIR", &c.DataDir)
	str("PROMPTS_DIR", &c.PromptsDir)
	size("MAX_FILE_BYTES", &c.MaxFileBytes)
	str("LOG_LEVEL", &c.LogLevel)
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("LOG_LEVEL=%q: want debug, info, warn or error", c.LogLevel))
	}
	str("LOG_FORMAT", &c.LogFormat)
	c.LogFormat = strings.ToLower(c.LogFormat)
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("LOG_FORMAT=%q: want text or json", c.LogFormat))
	}
	str("METRICS_ADDR", &c.MetricsAddr)
	str("DATABASE_URL", &c.DatabaseURL)
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("DATABASE_URL: want a PostgreSQL URL such as postgres://storybot:password@localhost:5432/storybot"))
	}
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || port == "" {
			errs = append(errs, fmt.Errorf("METRICS_ADDR=%q: want host:port such as 127.0.0.1:9091 (or :9091 for every interface)", c.MetricsAddr))
		}
	}
	if v := strings.TrimSpace(get("WATCH_KNOWLEDGE")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("WATCH_KNOWLEDGE=%q: want true or false", v))
		}
		c.Watch = b
	}
	str("OPENAI_API_KEY", &c.OpenAIAPIKey)
	str("OPENAI_BASE_URL", &c.OpenAIBaseURL)
	str("OPENAI_MODEL", &c.OpenAIModel)
	duration("OPENAI_TIMEOUT", &c.OpenAITimeout)
	num("OPENAI_MAX_CONCURRENCY", &c.OpenAIMaxConcurrency, 1)
	num("OPENAI_MAX_CONTEXT_TOKENS", &c.OpenAIMaxContextTokens, 500)
	str("OPENAI_EMBEDDING_MODEL", &c.OpenAIEmbeddingModel)
	num("MODEL_DAILY_TOKENS_PER_SERVER", &c.DailyTokensPerServer, 0)
	num("MODEL_DAILY_TOKENS_PER_MEMBER", &c.DailyTokensPerMember, 0)
	str("DISCORD_TOKEN", &c.DiscordToken)
	str("DISCORD_API_URL", &c.DiscordAPIURL)
	c.DiscordAPIURL = strings.TrimRight(c.DiscordAPIURL, "/")
	if !strings.HasPrefix(c.DiscordAPIURL, "http://") && !strings.HasPrefix(c.DiscordAPIURL, "https://") {
		errs = append(errs, fmt.Errorf("DISCORD_API_URL=%q: want an http:// or https:// URL such as https://discord.com", c.DiscordAPIURL))
	}
	str("DISCORD_GUILD_ID", &c.DiscordGuildID)
	ids := func(k, what string, vals []string) {
		for _, v := range vals {
			if !IsSnowflake(v) {
				errs = append(errs, fmt.Errorf("%s=%q: %q is not a Discord ID (a number of up to 20 digits, such as 1012345678901234567): in Discord turn on Developer Mode (User Settings → Advanced), then %s", k, get(k), v, what))
				return
			}
		}
	}
	if c.DiscordGuildID != "" {
		ids("DISCORD_GUILD_ID", "right-click the server icon and choose Copy Server ID", []string{c.DiscordGuildID})
	}
	c.ModeratorRoleIDs = split.Trimmed(get("MODERATOR_ROLE_IDS"), ",")
	ids("MODERATOR_ROLE_IDS", "open Server Settings → Roles, right-click the role and choose Copy Role ID", c.ModeratorRoleIDs)
	c.AllowedChannelIDs = split.Trimmed(get("ALLOWED_CHANNEL_IDS"), ",")
	ids("ALLOWED_CHANNEL_IDS", "right-click the channel and choose Copy Channel ID", c.AllowedChannelIDs)
	num("RATE_LIMIT_PER_USER", &c.RateLimitPerUser, 0)
	if v := strings.TrimSpace(get("SHARD_COUNT")); strings.EqualFold(v, "auto") {
		c.ShardCount = AutoShards
	} else {
		num("SHARD_COUNT", &c.ShardCount, 1)
	}
	num("SHARD_ID", &c.ShardID, 0)
	if c.ShardCount != AutoShards && c.ShardID >= c.ShardCount {
		errs = append(errs, fmt.Errorf("SHARD_ID=%d: want a shard below SHARD_COUNT=%d (0 to %d), one process per shard", c.ShardID, c.ShardCount, c.ShardCount-1))
	}
	size("MAX_UPLOAD_BYTES", &c.MaxUploadBytes)
	duration("SHUTDOWN_TIMEOUT", &c.ShutdownTimeout)
	if c.OpenAIBaseURL != "" && !strings.HasPrefix(c.OpenAIBaseURL, "http://") && !strings.HasPrefix(c.OpenAIBaseURL, "https://") {
		errs = append(errs, fmt.Errorf("OPENAI_BASE_URL=%q: want an http:// or https:// URL such as http://localhost:11434/v1", c.OpenAIBaseURL))
	}
	return c, errors.Join(errs...)
}

// IsSnowflake reports whether s is a Discord ID: 1 to 20 ASCII digits that
// fit in 64 bits.
func IsSnowflake(s string) bool {
	if s == "" || len(s) > 20 || strings.Trim(s, "0123456789") != "" {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// ParseBytes parses a size such as "10485760", "10MB", "512KB" or "1GiB"
// (KB, MB and GB are powers of 1,024, as are KiB, MiB and GiB). It returns
// an error for anything else, zero, a negative size, or a size over
// math.MaxInt64 bytes.
func ParseBytes(s string) (int64, error) {
	s = strings.TrimSpace(strings.ToUpper(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(s, "-") {
			return 0, errors.New("too large: want a size such as 10MB or 10485760")
		}
		return 0, errors.New("want a positive size such as 10MB or 10485760")
	}
	if n > math.MaxInt64/mult {
		return 0, errors.New("too large: want a size such as 10MB or 10485760")
	}
	return n * mult, nil
}
