package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/metrics"
	"storybot/internal/summary"
	"storybot/internal/usererr"
)

// cmdConsole chats with the bot in the terminal: one question a line,
// answers streamed with their sources, history kept for follow-ups, and the
// commands of consoleHelp (the Discord slash commands' counterparts). It
// ends at end of input, on "/quit", or when ctx ends.
func cmdConsole(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error {
	pos, err := e.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("console: unexpected argument %q; type questions once it runs (see 'storybot console --help')", pos[0])
	}
	ctx, cancel := context.WithCancel(ctx) // stops the folder watcher on return
	defer cancel()
	scr := &screen{out: e.Stdout, errw: e.Stderr}
	log, logPath, closeLog, err := e.consoleLogger(scr)
	defer closeLog()
	e.Log = log
	if err != nil {
		e.Log.Warn("cannot open the console's log file; logging to the screen", "err", err)
	}
	ready := &readiness{}
	stopOps, err := e.serveOps(ctx, ready)
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	defer stopOps()
	lib, ndocs, closeFn, err := e.retriever(ctx, true)
	if ctx.Err() != nil {
		return nil // interrupted while starting: end quietly
	}
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	defer closeFn()
	e.observeLibrary(lib)
	ready.knowledge.Store(true)
	p, err := e.newPipeline(ctx, lib, true)
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	sum, err := e.summarizerOver(lib)
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	tools := consoleTools{lib: lib, sum: sum}
	return runConsole(ctx, e, scr, e.asker(p, metrics.SourceConsole), tools, consoleInfo{docs: ndocs, dir: e.Config.KnowledgeDir, online: p.Online(), model: e.Config.OpenAIModel, log: logPath})
}

// consoleInfo is what the console's greeting says.
type consoleInfo struct {
	docs   int
	dir    string
	online bool
	model  string
	log    string // the log file, "" when logs go to the screen
}

func (c consoleInfo) greeting() string {
	var b strings.Builder
	b.WriteString("storybot is running in the terminal. To connect it to Discord, set DISCORD_TOKEN in .env (see .env.example) and run storybot again.\n")
	fmt.Fprintf(&b, "Knowledge: %s in %s.\n", refreshPlural(c.docs, "document"), c.dir)
	if c.online {
		fmt.Fprintf(&b, "Answers are written by the model %s and cite the documents.\n", c.model)
	} else {
		b.WriteString("No language model is configured, so answers quote the documents directly (set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server, in .env for written answers).\n")
	}
	if c.log != "" {
		fmt.Fprintf(&b, "Log: %s (warnings and errors also show here).\n", c.log)
	}
	b.WriteString("Type a question and press Enter. Follow-up questions are understood. /help lists the commands (/summary, /timeline, /sources, /refresh). End with Ctrl-D or /quit.\n")
	return b.String()
}

// runConsole is the console loop over p; it is cmdConsole after setup.
// Its output goes through scr.
func runConsole(ctx context.Context, e *Env, scr *screen, p asker, tools consoleTools, info consoleInfo) error {
	out := io.Writer(scr)
	io.WriteString(out, info.greeting())
	echo := !isTerminal(e.Stdin)
	lr := newLineReader(e.Stdin, scr)
	defer lr.close()
	next := readLines(ctx, lr)
	var history []chat.Message
	for {
		io.WriteString(out, "\n")
		var in lineResult
		select {
		case <-ctx.Done():
			io.WriteString(out, "\nBye.\n")
			return nil
		case in = <-next():
		}
		if in.err != nil && in.l.runes == 0 && !in.l.cut { // the end of input, or a read error (after a last line without a newline, the next read ends it)
			io.WriteString(out, "\nBye.\n")
			if in.err != io.EOF {
				return fmt.Errorf("console: read input: %w", in.err)
			}
			return nil
		}
		line := in.l.text
		if in.l.cut {
			if echo {
				fmt.Fprintf(out, "%s\n", shortLine(strings.TrimSpace(line), 120))
			}
			fmt.Fprintf(out, "Your question is %d characters long; please keep it under %d characters.\n", in.l.runes, answer.MaxQuestionChars)
			continue
		}
		q := strings.TrimSpace(line)
		if q == "" {
			continue
		}
		if echo { // so that a transcript of piped input reads well
			fmt.Fprintf(out, "%s\n", shortLine(q, 120))
		}
		if strings.HasPrefix(q, "/") {
			if tools.command(ctx, e, out, q) {
				io.WriteString(out, "Bye.\n")
				return nil
			}
			continue
		}
		var streamed strings.Builder
		a, err := unpanicked(func() (answer.Answer, error) {
			return p.Ask(ctx, answer.Request{Question: q, History: history}, func(ev answer.Event) {
				switch ev.Kind {
				case answer.EventQueued:
					io.WriteString(out, "(waiting for the model…)\n")
				case answer.EventDelta:
					streamed.WriteString(ev.Delta)
					io.WriteString(out, ev.Delta)
				}
			})
		})
		if ctx.Err() != nil {
			io.WriteString(out, "\nBye.\n")
			return nil
		}
		if errors.As(err, &answer.TimelineAsked{}) && tools.sum != nil { // "give me the timeline": here it is
			tools.command(ctx, e, out, "/timeline")
			continue
		}
		if sa := (answer.SummaryAsked{}); errors.As(err, &sa) && tools.sum != nil { // "summarize the MEK", "what is this story about?"
			if text := tools.summary(ctx, e, out, summary.SummaryRequest{Doc: sa.Doc, Focus: sa.Focus, Length: summary.Length(sa.Length), Bullets: sa.Bullets}); text != "" {
				history = remember(history, q, text) // "tell me more" goes on past what it said
			}
			continue
		}
		if msg, ok := usererr.Message(err); ok {
			fmt.Fprintf(out, "%s\n", msg)
			continue
		}
		if err != nil {
			e.Log.Error("answer failed", "err", err)
			io.WriteString(out, "Sorry, something went wrong while answering. The details are in the log.\n")
			continue
		}
		if streamed.Len() > 0 {
			io.WriteString(out, "\n")
			if strings.TrimSpace(streamed.String()) != strings.TrimSpace(a.Text) {
				io.WriteString(out, "\nChecked answer:\n")
				io.WriteString(out, formatAnswer(a))
			} else {
				if note := a.SpellingNote(); note != "" {
					fmt.Fprintf(out, "(%s)\n", note)
				}
				for _, w := range a.Warnings {
					fmt.Fprintf(out, "⚠ %s\n", w)
				}
				io.WriteString(out, formatSources(a.Citations))
			}
		} else {
			io.WriteString(out, formatAnswer(a))
		}
		if a.SmallTalk {
			continue // "thanks" is nothing a follow-up refers to
		}
		history = remember(history, q, a.Text)
	}
}

// unpanicked returns what ask returns, or a panic in it as an error with
// its stack: one question that trips a bug is answered with the apology
// and logged, and the session goes on, as the Discord bot's does.
func unpanicked(ask func() (answer.Answer, error)) (a answer.Answer, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	return ask()
}

// remember adds a question and its answer to history, keeping the last
// answer.HistoryMessages messages.
func remember(history []chat.Message, q, text string) []chat.Message {
	history = append(history, chat.Message{Role: chat.RoleUser, Content: q}, chat.Message{Role: chat.RoleAssistant, Content: text})
	return history[max(0, len(history)-answer.HistoryMessages):]
}

// lineResult is one line read by readLines, or the error that ended the
// input.
type lineResult struct {
	l   inputLine
	err error
}

// readLines reads lines from lr in a goroutine of its own, one each time
// the function it returns is called, so that the prompt shows only when
// the console waits for a question and ctx can end the wait. The channel
// that function returns yields the line.
func readLines(ctx context.Context, lr lineReader) func() <-chan lineResult {
	want := make(chan chan lineResult)
	go func() {
		for {
			var c chan lineResult
			select {
			case c = <-want:
			case <-ctx.Done():
				return
			}
			l, err := lr.readLine("» ")
			c <- lineResult{l, err} // buffered: never blocks
		}
	}()
	return func() <-chan lineResult {
		c := make(chan lineResult, 1)
		select {
		case want <- c:
		case <-ctx.Done():
		}
		return c
	}
}

// maxConsoleLine is the longest line the console keeps, in bytes; the rest
// of a longer line is read and discarded (the pipeline refuses questions
// over answer.MaxQuestionChars characters anyway).
const maxConsoleLine = 1 << 20

// inputLine is one line of console input, without its line ending.
type inputLine struct {
	text  string // the line, or its first maxConsoleLine bytes when cut
	runes int    // the whole line's length in characters
	cut   bool   // the line was longer than maxConsoleLine bytes
}

// readInputLine reads one line from br, keeping at most max bytes of it and
// discarding the rest, so a pasted megabyte ends no session. err is io.EOF
// at the end of input (l then holds a last line without a newline, if any)
// or the read error.
func readInputLine(br *bufio.Reader, max int) (l inputLine, err error) {
	var kept []byte
	for {
		chunk, err := br.ReadSlice('\n')
		for _, b := range chunk {
			if b&0xC0 != 0x80 { // not a UTF-8 continuation byte
				l.runes++
			}
		}
		if room := max - len(kept); len(chunk) > room {
			kept = append(kept, chunk[:room]...)
			l.cut = true
		} else {
			kept = append(kept, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		end := 0 // the line ending: "\n" or "\r\n"
		if n := len(chunk); n > 0 && chunk[n-1] == '\n' {
			end = 1
			if n > 1 && chunk[n-2] == '\r' {
				end = 2
			}
		}
		l.runes -= end
		if l.cut {
			kept = []byte(strings.ToValidUTF8(string(kept), ""))
		} else {
			kept = kept[:len(kept)-end]
		}
		l.text = string(kept)
		return l, err
	}
}

// isTerminal reports whether r is a terminal (which echoes what is typed).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func shortLine(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
