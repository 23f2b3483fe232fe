package cli

import (
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"storybot/bot/discordtest"
	"storybot/internal/pgstore/pgtest"
)

// pgProxy forwards TCP connections to PostgreSQL until Cut, which closes
// them all and refuses new ones (the database lost), or Freeze, after
// which nothing more goes through either way (a database or network that
// hangs) until the test ends.
type pgProxy struct {
	ln       net.Listener
	mu       sync.Mutex
	conns    []net.Conn
	frozen   atomic.Bool
	released chan struct{} // closed at the end: frozen pipes give up
	once     sync.Once
}

// newPGProxy starts a proxy to the server of dbURL and returns the URL
// that goes through it.
func newPGProxy(t *testing.T, dbURL string) (*pgProxy, string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{ln: ln, released: make(chan struct{})}
	upstream := u.Host
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", upstream)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go p.pipe(s, c)
			go p.pipe(c, s)
		}
	}()
	t.Cleanup(p.Cut)
	u.Host = ln.Addr().String()
	return p, u.String()
}

// pipe copies src to dst; while frozen, what it reads is held back.
func (p *pgProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if p.frozen.Load() {
				<-p.released
				return
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Freeze stops every byte from going through, on the connections open and
// new ones, without closing any.
func (p *pgProxy) Freeze() { p.frozen.Store(true) }

// Cut closes every connection and the listener.
func (p *pgProxy) Cut() {
	p.once.Do(func() { close(p.released) })
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// PostgreSQL lost while the bot runs, its connections cut or hanging:
// questions are still answered (the rate limit lets them through), the
// answer's buttons work on this shard, a vote is thanked, and the saves
// are retried and then logged as a warning; the bot stops cleanly at the
// end (startBot checks).
func TestPostgresLostWhileRunningAnswersGoOn(t *testing.T) {
	endToEnd(t)
	db := pgtest.URL(t) // skips without PostgreSQL
	t.Run("cut", func(t *testing.T) { postgresLost(t, db, (*pgProxy).Cut) })
	t.Run("hanging", func(t *testing.T) { postgresLost(t, db, (*pgProxy).Freeze) })
}

func postgresLost(t *testing.T, dbURL string, lose func(*pgProxy)) {
	proxy, db := newPGProxy(t, dbURL)
	model := usageModel(t)
	dc, logs := runBotEnv(t, model, "../../knowledge", map[string]string{"DATABASE_URL": db, "RATE_LIMIT_PER_USER": "3"})
	waitFor(t, "the bot to listen", func() bool { return strings.Contains(logs.String(), "listening for knowledge changes") })
	if a := askAndWait(t, dc, "Why did Albania cut ties with Iran?"); !strings.Contains(a, "**Sources**") {
		t.Fatalf("the answer with PostgreSQL up: %s", a)
	}

	lose(proxy)
	ask := discordtest.Slash(discordtest.Alice, discordtest.ChannelID, "ask", discordtest.Opt{Name: "question", Type: 3, Value: "Who helped Albania recover from the attack?"})
	if a := interact(t, dc, "the answer with PostgreSQL lost", ask, answered); !strings.Contains(a, "**Sources**") {
		t.Fatalf("the answer with PostgreSQL lost: %s", a)
	}
	up, src := finalButton(dc, ask, "fb:up:"), finalButton(dc, ask, "src:")
	if c := interact(t, dc, "the vote's reply", discordtest.Button(discordtest.Bob, discordtest.ChannelID, "m2", up, ""), nil); !strings.Contains(c, "Thanks") {
		t.Errorf("the vote with PostgreSQL lost: %q", c)
	}
	if c := interact(t, dc, "Show sources", discordtest.Button(discordtest.Bob, discordtest.ChannelID, "m2", src, ""), nil); !strings.Contains(c, "The passages cited") {
		t.Errorf("Show sources with PostgreSQL lost: %q", c)
	}
	waitFor(t, "the warnings after the retries", func() bool {
		l := logs.String()
		return strings.Contains(l, "could not save to the shared store; going on without it") &&
			strings.Contains(l, "what=answer tries=3") && strings.Contains(l, "what=vote tries=3")
	})
	for _, w := range []string{"letting the question through", "recording a vote failed; retrying"} {
		if !strings.Contains(logs.String(), w) {
			t.Errorf("no %q in the log", w)
		}
	}
	if strings.Contains(logs.String(), "panic") {
		t.Error("a panic in the log")
	}
}
