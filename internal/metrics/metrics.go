// Package metrics owns storybot's Prometheus collectors and their registry
// (never the global default registry). The domain packages do not import
// Prometheus: each declares the hooks it calls (llm.Observer, bot.Observer,
// library.Options.OnRefresh), and internal/cli wires them to the methods
// here. Every method is safe for concurrent use, and a nil *Metrics accepts
// every call and records nothing, so callers need no checks.
package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Label values.
const (
	SourceDiscord = "discord"
	SourceConsole = "console"
	SourceCLI     = "cli"
)

// Metrics holds the collectors. Create it with New.
type Metrics struct {
	reg *prometheus.Registry

	questions      *prometheus.CounterVec
	retrieval      prometheus.Histogram
	firstToken     prometheus.Histogram
	answer         *prometheus.HistogramVec
	modelErrors    *prometheus.CounterVec
	modelRetries   prometheus.Counter
	tokens         *prometheus.CounterVec
	rateLimited    prometheus.Counter
	budgetRefused  *prometheus.CounterVec
	inFlight       prometheus.Gauge
	refresh        prometheus.Histogram
	refreshSkipped prometheus.Gauge
	connected      prometheus.Gauge
	reconnects     prometheus.Counter
	resumes        prometheus.Counter
}

// answerBuckets spans a quoted answer (milliseconds) to a slow local model
// (a minute).
var answerBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60, 120}

// New registers every collector, with the Go runtime and process
// collectors, on a new registry.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		questions: counterVec("storybot_questions_total",
			"Questions answered, by source (discord, console, cli), mode (llm, extractive) and whether they were refused as not covered.",
			"source", "mode", "refused"),
		retrieval: histogram("storybot_retrieval_duration_seconds",
			"Time to retrieve the passages for a question.",
			[]float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1}),
		firstToken: histogram("storybot_model_first_token_seconds",
			"Time from a streamed model call's start to its first token.",
			answerBuckets),
		answer: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "storybot_answer_duration_seconds",
			Help:    "Time to produce a whole answer, by source.",
			Buckets: answerBuckets,
		}, []string{"source"}),
		modelErrors: counterVec("storybot_model_errors_total",
			"Failed model calls (each try, chat and embeddings alike), by class: 429, 5xx, timeout, broken_stream, other.",
			"class"),
		modelRetries: counter("storybot_model_retries_total",
			"Model calls (chat and embeddings) tried again after a 429, a 5xx or a broken connection."),
		tokens: counterVec("storybot_model_tokens_total",
			"Tokens the model reported using, by kind (prompt, completion).",
			"kind"),
		rateLimited: counter("storybot_rate_limited_questions_total",
			"Questions refused by the per-member rate limit (RATE_LIMIT_PER_USER)."),
		budgetRefused: counterVec("storybot_budget_exhausted_questions_total",
			"Questions answered by quoting because a daily model token budget was spent, by scope (server, member).",
			"scope"),
		inFlight: gauge("storybot_interactions_in_flight",
			"Discord interactions and messages being answered now."),
		refresh: histogram("storybot_refresh_duration_seconds",
			"Time to refresh the knowledge index.",
			[]float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}),
		refreshSkipped: gauge("storybot_refresh_skipped_files",
			"Knowledge files the last refresh skipped (binary, too large, unreadable...)."),
		connected: gauge("storybot_gateway_connected",
			"1 while the Discord gateway is connected."),
		reconnects: counter("storybot_gateway_reconnects_total",
			"Discord gateway connections made after the first."),
		resumes: counter("storybot_gateway_resumes_total",
			"Discord gateway sessions resumed after a reconnect."),
	}
	m.reg.MustRegister(m.questions, m.retrieval, m.firstToken, m.answer, m.modelErrors, m.modelRetries,
		m.tokens, m.rateLimited, m.budgetRefused, m.inFlight, m.refresh, m.refreshSkipped, m.connected,
		m.reconnects, m.resumes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every series a dashboard plots exists from the start, at 0.
	for _, s := range []string{SourceDiscord, SourceConsole, SourceCLI} {
		for _, mode := range []string{"llm", "extractive"} {
			m.questions.WithLabelValues(s, mode, "false")
			m.questions.WithLabelValues(s, mode, "true")
		}
		m.answer.WithLabelValues(s)
	}
	for _, c := range []string{"429", "5xx", "timeout", "broken_stream", "other"} { // llm's classes
		m.modelErrors.WithLabelValues(c)
	}
	m.tokens.WithLabelValues("prompt")
	m.tokens.WithLabelValues("completion")
	m.budgetRefused.WithLabelValues("server")
	m.budgetRefused.WithLabelValues("member")
	return m
}

// counter, counterVec, gauge and histogram make the collectors New
// registers, each from its name and help (and labels or buckets).
func counter(name, help string) prometheus.Counter {
	return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
}

func counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

func gauge(name, help string) prometheus.Gauge {
	return prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
}

func histogram(name, help string, buckets []float64) prometheus.Histogram {
	return prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
}

// Registry is the registry the collectors are on (for tests and the
// handler).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Question counts one answered question.
func (m *Metrics) Question(source, mode string, refused bool, took time.Duration) {
	if m == nil {
		return
	}
	m.questions.WithLabelValues(source, mode, strconv.FormatBool(refused)).Inc()
	m.answer.WithLabelValues(source).Observe(took.Seconds())
}

// Retrieval records one retrieval's duration.
func (m *Metrics) Retrieval(d time.Duration) {
	if m != nil {
		m.retrieval.Observe(d.Seconds())
	}
}

// FirstToken records the time to a streamed call's first token.
func (m *Metrics) FirstToken(d time.Duration) {
	if m != nil {
		m.firstToken.Observe(d.Seconds())
	}
}

// ModelError counts one failed model try of the given class.
func (m *Metrics) ModelError(class string) {
	if m != nil {
		m.modelErrors.WithLabelValues(class).Inc()
	}
}

// ModelRetry counts one model call tried again.
func (m *Metrics) ModelRetry() {
	if m != nil {
		m.modelRetries.Inc()
	}
}

// Tokens adds the tokens a model call reported.
func (m *Metrics) Tokens(prompt, completion int) {
	if m == nil {
		return
	}
	m.tokens.WithLabelValues("prompt").Add(float64(max(prompt, 0)))
	m.tokens.WithLabelValues("completion").Add(float64(max(completion, 0)))
}

// RateLimited counts one question refused by the rate limit.
func (m *Metrics) RateLimited() {
	if m != nil {
		m.rateLimited.Inc()
	}
}

// BudgetExhausted counts one question quoted because the budget of scope
// ("server" or "member") was spent.
func (m *Metrics) BudgetExhausted(scope string) {
	if m != nil {
		m.budgetRefused.WithLabelValues(scope).Inc()
	}
}

// InFlight adds delta (+1 or -1) to the interactions in flight.
func (m *Metrics) InFlight(delta int) {
	if m != nil {
		m.inFlight.Add(float64(delta))
	}
}

// Refresh records one knowledge refresh: its duration and the files it
// skipped.
func (m *Metrics) Refresh(took time.Duration, skipped int) {
	if m == nil {
		return
	}
	m.refresh.Observe(took.Seconds())
	m.refreshSkipped.Set(float64(skipped))
}

// Knowledge registers gauges of the knowledge documents and passages, read
// from counts at each scrape. Call it once; later calls are ignored.
func (m *Metrics) Knowledge(counts func() (docs, passages int)) {
	if m == nil {
		return
	}
	docs := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "storybot_knowledge_documents",
		Help: "Documents in the knowledge index.",
	}, func() float64 { d, _ := counts(); return float64(d) })
	passages := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "storybot_knowledge_passages",
		Help: "Passages in the knowledge index.",
	}, func() float64 { _, p := counts(); return float64(p) })
	if m.reg.Register(docs) == nil {
		_ = m.reg.Register(passages)
	}
}

// GatewayConnected records that the gateway connected (reconnect counts
// every connection after the first) or disconnected.
func (m *Metrics) GatewayConnected(up, reconnect bool) {
	if m == nil {
		return
	}
	if up {
		m.connected.Set(1)
	} else {
		m.connected.Set(0)
	}
	if up && reconnect {
		m.reconnects.Inc()
	}
}

// GatewayResumed counts one resumed gateway session.
func (m *Metrics) GatewayResumed() {
	if m != nil {
		m.resumes.Inc()
	}
}
