package cli

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"storybot/bot"
	"storybot/internal/answer"
	"storybot/internal/budget"
	"storybot/internal/chat"
	"storybot/internal/feedback"
	"storybot/internal/library"
	"storybot/internal/llm"
	"storybot/internal/metrics"
	"storybot/internal/pgstore"
	"storybot/internal/search"
)

// metrics returns this run's metrics: one registry, created on first use,
// which every component reports to. Safe for concurrent use.
func (e *Env) metrics() *metrics.Metrics {
	e.metricsOnce.Do(func() { e.metr = metrics.New() })
	return e.metr
}

// llmObserver reports the model client's errors, retries, tokens and first
// tokens to the metrics.
func (e *Env) llmObserver() llm.Observer {
	m := e.metrics()
	return llm.Observer{
		Error:      m.ModelError,
		Retry:      m.ModelRetry,
		Usage:      func(u chat.Usage) { m.Tokens(u.PromptTokens, u.CompletionTokens) },
		FirstToken: m.FirstToken,
	}
}

// botObserver reports the gateway and the bot's work to the metrics and to
// ready.
func (e *Env) botObserver(ready *readiness) bot.Observer {
	m := e.metrics()
	return bot.Observer{
		Connected: func(up, reconnect bool) {
			ready.gateway.Store(up)
			m.GatewayConnected(up, reconnect)
		},
		Resumed:     m.GatewayResumed,
		InFlight:    m.InFlight,
		RateLimited: m.RateLimited,
	}
}

// onRefresh reports a knowledge refresh to the metrics.
func (e *Env) onRefresh(r library.Report) {
	e.metrics().Refresh(time.Duration(r.MS)*time.Millisecond, len(r.Skipped))
}

// observeLibrary makes the knowledge gauges read lib's current snapshot.
func (e *Env) observeLibrary(lib *library.Library) {
	e.metrics().Knowledge(func() (int, int) {
		s := lib.Current()
		return len(s.Docs), s.Passages()
	})
}

// readiness is what /readyz checks: the knowledge is loaded and, when the
// gateway is needed (bot mode), it is connected.
type readiness struct {
	needGateway bool
	knowledge   atomic.Bool
	gateway     atomic.Bool
}

func (r *readiness) check() error {
	if !r.knowledge.Load() {
		return errors.New("the knowledge is loading")
	}
	if r.needGateway && !r.gateway.Load() {
		return errors.New("the Discord gateway is not connected")
	}
	return nil
}

// serveOps serves /metrics, /healthz and /readyz on METRICS_ADDR until ctx
// ends; stop ends it sooner and waits. Without METRICS_ADDR it does
// nothing. The error names METRICS_ADDR when the address cannot be used.
func (e *Env) serveOps(ctx context.Context, ready *readiness) (stop func(), err error) {
	if e.Config.MetricsAddr == "" {
		return func() {}, nil
	}
	_, stop, err = metrics.Serve(ctx, e.Config.MetricsAddr, e.metrics().Handler(ready.check), e.Log)
	return stop, err
}

// asker wraps the pipeline for one source of questions (metrics.SourceDiscord,
// SourceConsole, SourceCLI): questions are counted and timed, and, with a
// token budget set, Discord questions are checked against it.
func (e *Env) asker(p *answer.Pipeline, source string) asker {
	var a asker = p
	if g := e.budgetGate(); g != nil {
		a = budgetAsker{next: a, gate: g}
	}
	return observedAsker{next: a, m: e.metrics(), source: source}
}

// openBudget sets up this run's token budgets, when one is set
// (MODEL_DAILY_TOKENS_PER_SERVER, MODEL_DAILY_TOKENS_PER_MEMBER): one
// usage store (see usageStore), so that answers and summaries count against
// the same usage. Call it before asker and botSummarizer.
func (e *Env) openBudget(ctx context.Context) error {
	lim := budget.Limits{PerServer: e.Config.DailyTokensPerServer, PerMember: e.Config.DailyTokensPerMember}
	if !lim.On() {
		return nil
	}
	store, err := e.usageStore(ctx)
	if err != nil {
		return err
	}
	e.budget = &budgetGate{b: budget.New(store, lim, nil), m: e.metrics(), log: e.Log}
	return nil
}

// budgetGate returns the token budgets openBudget set up, or nil.
func (e *Env) budgetGate() *budgetGate { return e.budget }

// usageStore is where token usage is kept: PostgreSQL with DATABASE_URL
// (shared by every shard), else DATA_DIR/model-usage.jsonl.
func (e *Env) usageStore(ctx context.Context) (budget.Store, error) {
	return storeFor(ctx, e,
		func(dataDir string) budget.Store { return budget.OpenFile(dataDir) },
		func(db *pgstore.DB) budget.Store { return db.Usage() })
}

// feedbackStore is where votes are kept: PostgreSQL with DATABASE_URL
// (every shard's votes in one place), else DATA_DIR/feedback.jsonl.
func (e *Env) feedbackStore(ctx context.Context) (feedback.Keeper, error) {
	return storeFor(ctx, e,
		func(dataDir string) feedback.Keeper { return feedback.Open(dataDir) },
		func(db *pgstore.DB) feedback.Keeper { return db.Feedback() })
}

// storeFor is the store in PostgreSQL (inDB of DATABASE_URL's database)
// when DATABASE_URL is set, else the one in DATA_DIR (inDataDir).
func storeFor[T any](ctx context.Context, e *Env, inDataDir func(dataDir string) T, inDB func(*pgstore.DB) T) (T, error) {
	if e.Config.DatabaseURL == "" {
		return inDataDir(e.Config.DataDir), nil
	}
	db, err := e.database(ctx)
	if err != nil {
		var none T
		return none, err
	}
	return inDB(db), nil
}

// database opens DATABASE_URL once a run (Run closes it at the end).
func (e *Env) database(ctx context.Context) (*pgstore.DB, error) {
	e.dbMu.Lock()
	defer e.dbMu.Unlock()
	if e.db == nil {
		db, err := pgstore.Open(ctx, e.Config.DatabaseURL, e.Log)
		if err != nil {
			return nil, err
		}
		e.db = db
	}
	return e.db, nil
}

// openedDatabase is the database when this run has opened it (the bot
// opens it at start-up), or nil.
func (e *Env) openedDatabase() *pgstore.DB {
	e.dbMu.Lock()
	defer e.dbMu.Unlock()
	return e.db
}

// closeDatabase closes what database opened.
func (e *Env) closeDatabase() {
	e.dbMu.Lock()
	defer e.dbMu.Unlock()
	if e.db != nil {
		e.db.Close()
		e.db = nil
	}
}

// budgetGate checks Discord requests against the token budgets and records
// what the model used. Safe for concurrent use.
type budgetGate struct {
	b   *budget.Budget
	m   *metrics.Metrics
	log *slog.Logger
}

// check returns why the model must not be used for this member in this
// server ("" when it may). Outside Discord (no IDs) it is always "". A store
// that cannot be read lets the model answer, with a warning in the log.
func (g *budgetGate) check(ctx context.Context, guildID, userID string) string {
	if guildID == "" && userID == "" {
		return ""
	}
	d, err := g.b.Check(ctx, guildID, userID)
	if err != nil {
		g.log.Warn("token budget unknown; answering with the model", "err", err)
	}
	if d.Reason != "" {
		g.m.BudgetExhausted(d.Scope)
		g.log.Info("token budget spent; quoting", "scope", d.Scope, "guild", guildID, "user", userID, "until", d.Until)
	}
	return d.Reason
}

// record adds usage to the member's and the server's day.
func (g *budgetGate) record(ctx context.Context, guildID, userID string, u chat.Usage) {
	if guildID == "" && userID == "" {
		return
	}
	if err := g.b.Record(context.WithoutCancel(ctx), guildID, userID, u.PromptTokens, u.CompletionTokens); err != nil {
		g.log.Warn("recording model usage failed", "err", err)
	}
}

// timedRetriever times each retrieval.
type timedRetriever struct {
	next answer.Retriever
	m    *metrics.Metrics
}

func (t timedRetriever) Search(ctx context.Context, q string, k int) ([]search.Hit, error) {
	start := time.Now()
	hits, err := t.next.Search(ctx, q, k)
	t.m.Retrieval(time.Since(start))
	return hits, err
}

// observedAsker counts and times the questions of one source.
type observedAsker struct {
	next   asker
	m      *metrics.Metrics
	source string
}

func (o observedAsker) Ask(ctx context.Context, req answer.Request, onEvent func(answer.Event)) (answer.Answer, error) {
	start := time.Now()
	a, err := o.next.Ask(ctx, req, onEvent)
	if err == nil {
		o.m.Question(o.source, string(a.Mode), a.Refused, time.Since(start))
	}
	return a, err
}

// budgetAsker keeps the model from Discord questions whose server or member
// has spent its daily token budget (they are answered by quoting, saying
// until when) and records the tokens of the others.
type budgetAsker struct {
	next asker
	gate *budgetGate
}

func (a budgetAsker) Ask(ctx context.Context, req answer.Request, onEvent func(answer.Event)) (answer.Answer, error) {
	req.NoModel = a.gate.check(ctx, req.GuildID, req.UserID)
	ans, err := a.next.Ask(ctx, req, onEvent)
	if err == nil {
		a.gate.record(ctx, req.GuildID, req.UserID, ans.Usage)
	}
	return ans, err
}
