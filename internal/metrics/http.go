package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler serves /metrics (the registry in the Prometheus text format),
// /healthz (200 while the process is up) and /readyz (200 when ready
// returns nil, else 503 with its error). ready may be nil (always ready).
func (m *Metrics) Handler(ready func() error) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if ready != nil {
			if err := ready(); err != nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintf(w, "not ready: %v\n", err)
				return
			}
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
}

// Serve listens on addr (METRICS_ADDR) at once, so that a bad or busy
// address is an error before start-up goes on, then serves h in the
// background until ctx ends or stop is called. It returns the address it
// listens on (useful with port 0). stop shuts the server down, waiting at
// most a few seconds for scrapes in progress, and is safe to call twice.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) (bound string, stop func(), err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("METRICS_ADDR=%q: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server stopped", "err", err)
		}
	}()
	sctx, cancel := context.WithCancel(ctx)
	go func() {
		<-sctx.Done()
		shut, c := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
		defer c()
		_ = srv.Shutdown(shut)
	}()
	log.Info("serving metrics and health checks", "addr", ln.Addr().String(), "paths", "/metrics /healthz /readyz")
	return ln.Addr().String(), func() { cancel(); <-done }, nil
}
