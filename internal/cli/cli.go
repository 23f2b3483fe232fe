// Package cli is storybot's command line and the one place that wires the
// packages together: it loads the configuration, opens the knowledge library,
// builds the answer pipeline with or without a model, and starts the Discord
// bot or the terminal console. Each command lives in its own file (search.go,
// eval.go, ask.go, ...) as a function that takes a context, an Env and its
// arguments.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"

	"storybot/internal/config"
	"storybot/internal/llm"
	"storybot/internal/metrics"
	"storybot/internal/pgstore"
)

// Env is what a command runs with: its streams, the configuration and a
// logger that writes to stderr.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Config config.Config
	Log    *slog.Logger
	Getenv func(string) string

	// envFile, knowledgeFlag and dataFlag are the global flags given so
	// far (before or after the command); loadConfig applies them.
	envFile, knowledgeFlag, dataFlag string

	modelOnce sync.Once
	model     *llm.Client

	metricsOnce sync.Once
	metr        *metrics.Metrics

	budget *budgetGate // nil: no token budget (see openBudget)

	dbMu sync.Mutex
	db   *pgstore.DB // DATABASE_URL, opened on first use
}

// modelClient returns the one language-model client of this run, so that
// OPENAI_MAX_CONCURRENCY caps every model call (answers and summaries alike).
// Call it only when e.Config.LLMEnabled(). Safe for concurrent use.
func (e *Env) modelClient() *llm.Client {
	e.modelOnce.Do(func() {
		cfg := llm.FromConfig(e.Config)
		cfg.Observer = e.llmObserver()
		e.model = llm.New(cfg, e.Log)
	})
	return e.model
}

// command is one subcommand of storybot. Run calls run with a flag set
// named after the command and holding the global flags (see newFlagSet),
// to which run adds its own flags before it parses args.
type command struct {
	name    string
	args    string // usage after the name, e.g. "[--k N] [--json] QUERY..."
	summary string
	run     func(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error
}

func commands() []command {
	return []command{
		{"search", "[--k N] [--json] QUERY...", "show the passages that best match a query", cmdSearch},
		{"ask", "[--k N] [--json] QUESTION...", "answer a question, with citations", cmdAsk},
		{"eval", "--questions FILE.jsonl [--knowledge DIR]... [--k 1,3,5,10] [--per-doc] [--answers] [--out-of-scope FILE.jsonl] [--held-out] [--lower] [--typos] [--json]", "measure retrieval (and answers) on a question set", cmdEval},
		{"refresh", "[--json]", "re-index the knowledge folder and report what changed", cmdRefresh},
		{"summary", "[--doc D] [--length sentence|short|medium|long] [--focus TEXT] [--bullets] [--json]", "summarise the knowledge or one document, cited", cmdSummary},
		{"timeline", "[--doc D] [--max N] [--json]", "the dated events of the story, in order, cited", cmdTimeline},
		{"feedback", "[--json]", "print the 👍/👎 feedback recorded from Discord", cmdFeedback},
		{"audit", "[--json]", "print the moderators' changes of the knowledge folder", cmdAudit},
		{"check", "[--json]", "check the setup: knowledge, data folder, prompts, model, embeddings, Discord", cmdCheck},
		{"usage", "[--json]", "the model tokens used per server and day (token budgets)", cmdUsage},
		{"healthcheck", "", "exit 0 when the running storybot's /healthz (METRICS_ADDR) answers", cmdHealthcheck},
		{"console", "", "chat with the bot in the terminal (the default without DISCORD_TOKEN)", cmdConsole},
		{"bot", "", "run the Discord bot (the default with DISCORD_TOKEN)", cmdBot},
	}
}

// UsageError is a mistake in how storybot was called; it exits with code 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usageErrorf(format string, a ...any) error { return &UsageError{Msg: fmt.Sprintf(format, a...)} }

// ExitCode maps an error from Run to the process exit code: 2 for usage
// errors, 1 for everything else, 0 for nil.
func ExitCode(err error) int {
	var ue *UsageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	default:
		return 1
	}
}

// Run is storybot's main: args are the command-line arguments without the
// program name. With no command it runs the Discord bot when DISCORD_TOKEN is
// set and the terminal console otherwise.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return run(ctx, args, stdin, stdout, stderr, os.Getenv)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	e := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv}
	defer e.closeDatabase()
	global := flag.NewFlagSet("storybot", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	var help bool
	global.StringVar(&e.envFile, "env-file", ".env", "read settings from this file when it exists")
	global.StringVar(&e.knowledgeFlag, "knowledge", "", "knowledge folder (env KNOWLEDGE_DIR, default ./knowledge)")
	global.StringVar(&e.dataFlag, "data", "", "data folder for caches, feedback and logs (env DATA_DIR, default ./data)")
	global.BoolVar(&help, "help", false, "show help")
	global.BoolVar(&help, "h", false, "show help")
	if err := global.Parse(args); err != nil {
		return usageErrorf("%v\n\n%s", err, mainUsage())
	}
	if help {
		fmt.Fprint(stdout, mainUsage())
		return nil
	}
	if err := e.loadConfig(); err != nil {
		return err
	}

	rest := global.Args()
	name := ""
	if len(rest) > 0 {
		name, rest = rest[0], rest[1:]
	}
	if name == "" {
		name = "console"
		if e.Config.DiscordToken != "" {
			name = "bot"
		}
	}
	if name == "help" {
		if len(rest) > 0 {
			return run(ctx, []string{rest[0], "--help"}, stdin, stdout, stderr, getenv)
		}
		fmt.Fprint(stdout, mainUsage())
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			if err := c.run(ctx, e, e.newFlagSet(c.name), rest); !errors.Is(err, errHelp) {
				return err
			}
			return nil
		}
	}
	return usageErrorf("unknown command %q\n\n%s", name, mainUsage())
}

// loadConfig loads e.Config from e.envFile and the environment, applies the
// --knowledge and --data flags, and makes e.Log at the configured level. A bad
// value is a usage error naming the variable.
func (e *Env) loadConfig() error {
	cfg, err := config.Load(e.envFile, e.Getenv)
	if err != nil {
		return usageErrorf("configuration: %v", err)
	}
	if e.knowledgeFlag != "" {
		cfg.KnowledgeDir = e.knowledgeFlag
	}
	if e.dataFlag != "" {
		cfg.DataDir = e.dataFlag
	}
	e.Config = cfg
	e.Log = newLogger(e.Stderr, cfg.LogLevel, cfg.LogFormat)
	return nil
}

func mainUsage() string {
	var b strings.Builder
	b.WriteString(`storybot answers questions about the documents in its knowledge folder, with citations.

Usage:
  storybot [global flags]                 run the Discord bot (DISCORD_TOKEN set) or the terminal console
  storybot [global flags] COMMAND [flags] ARGS...

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-11s %s\n", c.name, c.summary)
	}
	b.WriteString(`
Global flags (also accepted after the command):
  --knowledge DIR   knowledge folder (env KNOWLEDGE_DIR, default ./knowledge)
  --data DIR        data folder for caches, feedback and logs (env DATA_DIR, default ./data)
  --env-file FILE   settings file read when it exists (default .env; the environment wins)

Run 'storybot COMMAND --help' for a command's flags. Configuration: see .env.example and README.md.
`)
	return b.String()
}

// envFileFlag is the name of the global flag that names the settings file;
// parseFlags reloads the configuration when a command is given it.
const envFileFlag = "env-file"

// newFlagSet returns the FlagSet Run gives a command, with the global
// flags: --knowledge and --data bound to e.Config, and --env-file, after
// which parseFlags loads the configuration again from that file. Its usage
// text is built from the command table.
func (e *Env) newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Func("knowledge", "knowledge folder (env KNOWLEDGE_DIR)", func(s string) error { e.knowledgeFlag, e.Config.KnowledgeDir = s, s; return nil })
	fs.Func("data", "data folder (env DATA_DIR)", func(s string) error { e.dataFlag, e.Config.DataDir = s, s; return nil })
	fs.Func(envFileFlag, "settings file read when it exists (default .env; the environment wins)", func(s string) error { e.envFile = s; return nil })
	return fs
}

// parseFlags parses args with fs, allowing flags and positional arguments to
// be mixed ("search why --k 3" works) and "--" to end the flags. It prints the
// command's help and returns errHelp for --help. When --env-file was among
// args, the configuration is loaded again from that file (the global
// --knowledge and --data flags still apply).
func (e *Env) parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == envFileFlag })
	if given {
		if err := e.loadConfig(); err != nil {
			return nil, err
		}
	}
	return pos, nil
}

// parseNoArgs is parseFlags for a command that takes no positional
// argument: one is a usage error.
func (e *Env) parseNoArgs(fs *flag.FlagSet, args []string) error {
	pos, err := e.parseFlags(fs, args)
	if err == nil && len(pos) > 0 {
		err = usageErrorf("%s: unexpected argument %q (see 'storybot %s --help')", fs.Name(), pos[0], fs.Name())
	}
	return err
}

// parseQuery is parseFlags for ask and search, which take a text and --k:
// the positional words, joined, are the text (what: "question" or "query"),
// which must be given (example shows one), and k must be from 1 to maxK.
func (e *Env) parseQuery(fs *flag.FlagSet, args []string, k *int, maxK int, what, example string) (string, error) {
	pos, err := e.parseFlags(fs, args)
	if err != nil {
		return "", err
	}
	text := strings.TrimSpace(strings.Join(pos, " "))
	if text == "" {
		return "", usageErrorf("%s: give a %s, e.g. storybot %s %q", fs.Name(), what, fs.Name(), example)
	}
	if *k < 1 || *k > maxK {
		return "", usageErrorf("%s: --k must be from 1 to %d, not %d", fs.Name(), maxK, *k)
	}
	return text, nil
}

func (e *Env) parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				e.printCommandHelp(fs)
				return nil, errHelp
			}
			return nil, usageErrorf("%s: %v (see 'storybot %s --help')", fs.Name(), err, fs.Name())
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// fs.Parse stops at "--" or at the first positional argument.
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// errHelp is returned by parseFlags after printing help; commands pass it
// on and run returns nil for it.
var errHelp = errors.New("help shown")

func (e *Env) printCommandHelp(fs *flag.FlagSet) {
	for _, c := range commands() {
		if c.name != fs.Name() {
			continue
		}
		fmt.Fprintf(e.Stdout, "Usage: storybot %s %s\n\n%s.\n\nFlags:\n", c.name, c.args, upperFirst(c.summary))
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	sort.Strings(names)
	for _, n := range names {
		f := fs.Lookup(n)
		def := ""
		if f.DefValue != "" && f.DefValue != "false" {
			def = fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(e.Stdout, "  --%-12s %s%s\n", n, f.Usage, def)
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// newLogger logs at level to w, as text or, with format "json", one JSON
// object a line (LOG_FORMAT).
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
