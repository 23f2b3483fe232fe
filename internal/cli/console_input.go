package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/term"
)

// consoleLogName is the console's log file in DATA_DIR.
const consoleLogName = "storybot.log"

// screen is the console's output: answers go to out; log lines (warnings
// and errors) go to errw, each on a line of its own. On a terminal, a log
// line that comes while a question is being typed is printed above the
// prompt, which is drawn again (see ttyLines); one that comes in the middle
// of an answer starts on a new line. Safe for concurrent use.
type screen struct {
	mu      sync.Mutex
	out     io.Writer
	errw    io.Writer
	tty     bool           // out and the input are one terminal
	midLine bool           // out's last byte was not a newline
	editing *term.Terminal // non-nil while a line is being typed
}

// Write writes p to out.
func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(p) > 0 {
		s.midLine = p[len(p)-1] != '\n'
	}
	return s.out.Write(p)
}

// logWriter returns the writer of the console's log lines on the screen.
func (s *screen) logWriter() io.Writer { return logLines{s} }

// logLines writes log lines to a screen's errw (see screen).
type logLines struct{ s *screen }

func (l logLines) Write(p []byte) (int, error) {
	s := l.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.editing != nil {
		return s.editing.Write(p)
	}
	if s.tty && s.midLine {
		io.WriteString(s.out, "\n")
		s.midLine = false
	}
	return s.errw.Write(p)
}

// setEditing records the terminal a line is being typed on, or nil when
// none is; typing a line ends with a newline on the screen.
func (s *screen) setEditing(t *term.Terminal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.editing = t
	s.midLine = false
}

// lineReader reads the console's input a line at a time.
type lineReader interface {
	// readLine shows prompt and reads one line. err is io.EOF at the end of
	// input (l may then hold a last line without a newline).
	readLine(prompt string) (l inputLine, err error)
	// close gives the terminal back as it was; it may be called from any
	// goroutine, and more than once.
	close()
}

// newLineReader reads in from a terminal with line editing (arrow keys,
// Home/End, Ctrl-A/E/K/U/W, history with Up and Down) when in and scr's out
// are both terminals, else plain lines (piped input, tests).
func newLineReader(in io.Reader, scr *screen) lineReader {
	inF, ok1 := in.(*os.File)
	outF, ok2 := scr.out.(*os.File)
	if ok1 && ok2 && term.IsTerminal(int(inF.Fd())) && term.IsTerminal(int(outF.Fd())) {
		scr.tty = true
		return &ttyLines{fd: int(inF.Fd()), outFd: int(outF.Fd()), t: term.NewTerminal(struct {
			io.Reader
			io.Writer
		}{keys{inF}, outF}, ""), scr: scr}
	}
	return &plainLines{br: bufio.NewReaderSize(in, 64<<10), scr: scr}
}

// plainLines reads lines as they come (see readInputLine).
type plainLines struct {
	br  *bufio.Reader
	scr *screen
}

func (p *plainLines) readLine(prompt string) (inputLine, error) {
	io.WriteString(p.scr, prompt)
	return readInputLine(p.br, maxConsoleLine)
}

func (p *plainLines) close() {}

// ttyLines edits lines on a terminal, which is in raw mode only while a
// line is typed: during an answer, Ctrl-C interrupts as usual. Ctrl-C or
// Ctrl-D while typing ends the console.
type ttyLines struct {
	fd, outFd int
	t         *term.Terminal
	scr       *screen

	mu    sync.Mutex
	saved *term.State // the terminal's state before raw mode, while in it
}

func (r *ttyLines) readLine(prompt string) (inputLine, error) {
	st, err := term.MakeRaw(r.fd)
	if err != nil {
		return inputLine{}, fmt.Errorf("terminal: %w", err)
	}
	r.mu.Lock()
	r.saved = st
	r.mu.Unlock()
	defer r.close()
	r.t.SetPrompt(prompt)
	if w, h, err := term.GetSize(r.outFd); err == nil {
		r.t.SetSize(w, h)
	}
	r.scr.setEditing(r.t)
	defer r.scr.setEditing(nil)
	line, err := r.t.ReadLine()
	if errors.Is(err, term.ErrPasteIndicator) {
		err = nil // a pasted line is a line
	}
	l := inputLine{text: line, runes: utf8.RuneCountInString(line)}
	if len(line) > maxConsoleLine {
		l.text, l.cut = line[:maxConsoleLine], true
	}
	return l, err
}

func (r *ttyLines) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.saved != nil {
		term.Restore(r.fd, r.saved)
		r.saved = nil
	}
}

// keyAliases rewrites the keys that term.Terminal does not know into the
// ones it does: Home and End as tmux, screen, rxvt and the Linux console
// send them (ESC [1~, ESC [4~...) and in application mode (ESC OH), the
// arrows in application mode (ESC OA), and Ctrl-Left/Right (a word left or
// right, as Alt-Left/Right). No replacement is longer than what it
// replaces.
var keyAliases = strings.NewReplacer(
	"\x1b[1~", "\x1b[H", "\x1b[7~", "\x1b[H", "\x1bOH", "\x1b[H",
	"\x1b[4~", "\x1b[F", "\x1b[8~", "\x1b[F", "\x1bOF", "\x1b[F",
	"\x1bOA", "\x1b[A", "\x1bOB", "\x1b[B", "\x1bOC", "\x1b[C", "\x1bOD", "\x1b[D",
	"\x1b[1;5C", "\x1b[1;3C", "\x1b[1;5D", "\x1b[1;3D",
)

// keys reads keystrokes from a terminal, rewritten by keyAliases. A
// sequence split over two reads is left as it is (the terminal sends a
// key's bytes at once).
type keys struct{ r io.Reader }

func (k keys) Read(p []byte) (int, error) {
	n, err := k.r.Read(p)
	if n > 0 && bytes.IndexByte(p[:n], 0x1b) >= 0 {
		n = copy(p, keyAliases.Replace(string(p[:n])))
	}
	return n, err
}

// consoleLogger returns the console's logger: records at the configured
// level go to DATA_DIR/storybot.log, and warnings and errors also to the
// screen (see screen), so that INFO lines are not printed over the prompt.
// The file is written in LOG_FORMAT (text or JSON); the screen is text.
// It returns the log file's path and a function that closes it. When the
// file cannot be opened, everything at the configured level goes to the
// screen, and path is "".
func (e *Env) consoleLogger(scr *screen) (log *slog.Logger, path string, closeFn func(), err error) {
	var level slog.Level
	_ = level.UnmarshalText([]byte(e.Config.LogLevel))
	onScreen := func(min slog.Level) slog.Handler {
		return slog.NewTextHandler(scr.logWriter(), &slog.HandlerOptions{Level: max(min, level)})
	}
	path = filepath.Join(e.Config.DataDir, consoleLogName)
	f, err := openLogFile(path)
	if err != nil {
		return slog.New(onScreen(level)), "", func() {}, err
	}
	file := newLogger(f, e.Config.LogLevel, e.Config.LogFormat).Handler() // LOG_FORMAT, as for the bot
	return slog.New(slog.NewMultiHandler(file, onScreen(slog.LevelWarn))), path, func() { f.Close() }, nil
}

// openLogFile opens path for appending, creating it and its folder.
func openLogFile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("log file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("log file: %w", err)
	}
	return f, nil
}
