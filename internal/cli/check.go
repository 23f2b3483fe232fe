package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"storybot/bot"
	"storybot/internal/chat"
	"storybot/internal/knowledge"
	"storybot/internal/llm"
)

// Statuses of a check.
const (
	checkOK   = "ok"   // works
	checkWarn = "warn" // works, but something is likely not what the operator wants
	checkFail = "fail" // will not work until fixed
	checkOff  = "off"  // not configured, which is allowed
)

// checkResult is one line of `storybot check`.
type checkResult struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Detail string `json:"detail"`
}

// checkTimeout bounds each network check, so a silent server cannot hang
// the command.
const checkTimeout = 20 * time.Second

// cmdCheck checks the setup before a first run: the knowledge folder, the
// data folder, the prompts, the model server (a listing and a one-word
// completion), the embeddings model, and Discord (the token, the Message
// Content intent, the server and the allowed channels), without connecting
// to the gateway. It prints one line per check, each failure with what to
// do, and returns an error (exit 1) when any check fails.
func cmdCheck(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error {
	asJSON := fs.Bool("json", false, "print one JSON document")
	if err := e.parseNoArgs(fs, args); err != nil {
		return err
	}
	var results []checkResult
	add := func(r checkResult) {
		results = append(results, r)
		if !*asJSON {
			fmt.Fprintf(e.Stdout, "%s %-10s %s\n", checkMark(r.Status), r.Name, r.Detail)
		}
	}
	lib := e.checkKnowledge(ctx, add)
	add(e.checkDataDir())
	add(e.checkPrompts())
	add(e.checkModel(ctx))
	add(e.checkEmbeddings(ctx, lib))
	add(e.checkDiscord(ctx))

	failed := 0
	for _, r := range results {
		if r.Status == checkFail {
			failed++
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"ok": failed == 0, "checks": results}); err != nil {
			return err
		}
	} else if failed == 0 {
		fmt.Fprintln(e.Stdout, "\nAll set. Run `go run .` (or ./storybot) to start.")
	}
	if failed > 0 {
		return fmt.Errorf("check: %d of %d checks failed; fix them as each line says and run 'storybot check' again", failed, len(results))
	}
	return nil
}

func checkMark(status string) string {
	switch status {
	case checkOK:
		return "✓"
	case checkWarn:
		return "!"
	case checkFail:
		return "✗"
	default:
		return "–"
	}
}

// checkKnowledge loads the knowledge folder as the bot would and reports
// its documents and each skipped file. It returns the documents (nil when
// the folder cannot be read) for the embeddings check.
func (e *Env) checkKnowledge(ctx context.Context, add func(checkResult)) []*knowledge.Document {
	lib, err := e.openLibrary(ctx)
	if err != nil {
		add(checkResult{"knowledge", checkFail, err.Error()})
		return nil
	}
	defer lib.Close()
	snap := lib.Current()
	if len(snap.Docs) == 0 {
		add(checkResult{"knowledge", checkWarn, fmt.Sprintf("%s has no documents: add .md, .txt, .html, .pdf, .epub, .docx or .odt files (the bot runs, but can only say it does not know)", e.Config.KnowledgeDir)})
	} else {
		add(checkResult{"knowledge", checkOK, fmt.Sprintf("%s, %s in %s", refreshPlural(len(snap.Docs), "document"), refreshPlural(snap.Passages(), "passage"), e.Config.KnowledgeDir)})
	}
	for _, s := range snap.Skipped {
		add(checkResult{"knowledge", checkWarn, fmt.Sprintf("skipped %s: %s", s.Path, s.Reason)})
	}
	return snap.Docs
}

// checkDataDir makes sure DATA_DIR can be written: the saved index,
// feedback, the audit log and the trash live there.
func (e *Env) checkDataDir() checkResult {
	dir := e.Config.DataDir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return checkResult{"data", checkFail, fmt.Sprintf("cannot create DATA_DIR %s: %v (set DATA_DIR to a folder storybot may write)", dir, err)}
	}
	f, err := os.CreateTemp(dir, ".check-*")
	if err != nil {
		return checkResult{"data", checkFail, fmt.Sprintf("cannot write in DATA_DIR %s: %v (fix its permissions or set DATA_DIR to another folder)", dir, err)}
	}
	f.Close()
	os.Remove(f.Name())
	return checkResult{"data", checkOK, dir + " is writable (saved index, feedback, audit log, trash)"}
}

// checkPrompts loads the answer and summary templates as the bot would.
func (e *Env) checkPrompts() checkResult {
	if _, err := e.answerPrompts(); err != nil {
		return checkResult{"prompts", checkFail, strings.TrimPrefix(err.Error(), "prompts: ")}
	}
	if _, err := summaryPrompts(e); err != nil {
		return checkResult{"prompts", checkFail, strings.TrimPrefix(err.Error(), "prompts: ")}
	}
	dir := e.Config.PromptsDir
	names, _ := filepath.Glob(filepath.Join(dir, "*.tmpl"))
	if len(names) == 0 {
		return checkResult{"prompts", checkOK, fmt.Sprintf("the built-in templates (no *.tmpl in %s; copy prompts/ there to edit them)", dir)}
	}
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	return checkResult{"prompts", checkOK, fmt.Sprintf("%s: %s (edits apply at the next start)", dir, strings.Join(names, ", "))}
}

// checkModel asks the model server for its models and for a one-word
// completion, with one try each.
func (e *Env) checkModel(ctx context.Context) checkResult {
	c := e.Config
	if !c.LLMEnabled() {
		return checkResult{"model", checkOff, "no model configured: answers quote the passages, cited. For written answers set OPENAI_API_KEY (OpenAI, OpenRouter) or OPENAI_BASE_URL (Ollama, LM Studio, vLLM) in .env"}
	}
	client := e.checkClient()
	note := ""
	models, err := client.Models(ctx)
	switch {
	case err != nil:
		note = fmt.Sprintf(" (the model list failed: %v)", err)
	case !hasModel(models, c.OpenAIModel):
		note = fmt.Sprintf(" (but %s does not list %s; it lists %s)", client.Host(), c.OpenAIModel, firstFew(models, 6))
	}
	start := time.Now()
	_, err = client.Complete(ctx, chat.Request{
		Messages:  []chat.Message{{Role: "user", Content: "Reply with the single word OK."}},
		MaxTokens: 5,
	}, nil)
	if err != nil {
		return checkResult{"model", checkFail, fmt.Sprintf("%s at %s did not answer: %v", c.OpenAIModel, client.Host(), strings.TrimPrefix(err.Error(), chat.ErrUnavailable.Error()+": "))}
	}
	status := checkOK
	if note != "" {
		status = checkWarn
	}
	return checkResult{"model", status, fmt.Sprintf("%s at %s answered in %d ms%s", c.OpenAIModel, client.Host(), time.Since(start).Milliseconds(), note)}
}

// checkClient is a model client for the checks: one try per call, within
// checkTimeout.
func (e *Env) checkClient() *llm.Client {
	cfg := llm.FromConfig(e.Config)
	cfg.MaxTries = 1
	cfg.Timeout = min(cfg.Timeout, checkTimeout)
	return llm.New(cfg, e.Log)
}

// hasModel reports whether want is among ids, allowing Ollama's implicit
// ":latest" tag.
func hasModel(ids []string, want string) bool {
	for _, id := range ids {
		if id == want || id == want+":latest" || strings.TrimSuffix(want, ":latest") == id {
			return true
		}
	}
	return false
}

func firstFew(ids []string, n int) string {
	if len(ids) == 0 {
		return "no models"
	}
	if len(ids) > n {
		return strings.Join(ids[:n], ", ") + fmt.Sprintf(" and %d more", len(ids)-n)
	}
	return strings.Join(ids, ", ")
}

// checkEmbeddings embeds one passage with OPENAI_EMBEDDING_MODEL.
func (e *Env) checkEmbeddings(ctx context.Context, docs []*knowledge.Document) checkResult {
	m := e.Config.OpenAIEmbeddingModel
	switch {
	case m == "":
		return checkResult{"embeddings", checkOff, "OPENAI_EMBEDDING_MODEL is not set: keyword ranking only (it works well on its own)"}
	case !e.Config.LLMEnabled():
		return checkResult{"embeddings", checkWarn, "OPENAI_EMBEDDING_MODEL is set but no model server is (OPENAI_API_KEY or OPENAI_BASE_URL): it is ignored"}
	}
	text := "storybot check"
	for _, d := range docs {
		if len(d.Passages) > 0 {
			text = d.Passages[0].Text
			break
		}
	}
	emb := e.checkClient().Embedder(m, 0)
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	vecs, err := emb(ctx, []string{text})
	if err != nil {
		return checkResult{"embeddings", checkFail, fmt.Sprintf("%v (check OPENAI_EMBEDDING_MODEL: it must be an embeddings model the server has, such as text-embedding-3-small or nomic-embed-text)", err)}
	}
	return checkResult{"embeddings", checkOK, fmt.Sprintf("%s returns %d-dimension vectors", m, len(vecs[0]))}
}

// checkDiscord asks Discord's REST API about the token, the application,
// the server and the channels, without opening the gateway.
func (e *Env) checkDiscord(ctx context.Context) checkResult {
	c := e.Config
	if c.DiscordToken == "" {
		return checkResult{"discord", checkOff, "DISCORD_TOKEN is not set: storybot runs in the terminal. For Discord, follow 'Discord setup' in README.md"}
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	st, err := bot.Preflight(ctx, bot.Options{Token: c.DiscordToken, APIURL: c.DiscordAPIURL, GuildID: c.DiscordGuildID, AllowedChannelIDs: c.AllowedChannelIDs})
	if err != nil {
		return checkResult{"discord", checkFail, strings.TrimPrefix(err.Error(), "bot: ")}
	}
	if len(st.Problems) > 0 {
		return checkResult{"discord", checkFail, fmt.Sprintf("logged in as %s, but: %s", st.BotName, strings.Join(st.Problems, "; and "))}
	}
	where := "commands register globally (up to an hour to appear; set DISCORD_GUILD_ID for instant registration in one server)"
	if st.Guild != "" {
		where = fmt.Sprintf("in the server %q", st.Guild)
	}
	return checkResult{"discord", checkOK, fmt.Sprintf("logged in as %s (application %s), Message Content intent on, %s. Invite link: %s", st.BotName, st.AppID, where, st.InviteURL)}
}
