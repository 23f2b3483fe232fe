// Package summary writes cited summaries and timelines of the knowledge: of
// the whole folder, of one document, or of one focus ("the MEK"), in three
// lengths.
//
// With a language model a summary is map-reduce over the passages: batches
// of numbered passages become cited notes, the notes are condensed (in as
// many rounds as the token budget needs) into the summary, and every [n] in
// the result is checked against the passages that were sent: markers naming
// nothing are removed, sentences left without one are dropped, and the rest
// are renumbered by first use. Every prompt sent fits the model's context
// budget. Without a model (or when it fails) the summary is extractive: the
// most central sentences, in document order, without near-duplicates, each
// cited.
//
// A timeline lists the dated events of the scope in chronological order,
// each with its date as written, a normalised date where one can be
// determined (relative dates resolve against the document's own date) and a
// citation.
//
// Results are cached per (knowledge version, scope, length, focus); the
// cache is dropped when the knowledge version changes.
package summary

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"storybot/internal/cite"
	"strings"
	"sync"

	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/knowledge"
	"storybot/internal/spell"
	"storybot/internal/textan"
)

// Source returns the current knowledge: a version that changes whenever the
// documents do, and the documents. library.Snapshot's Version and Docs fit.
type Source func() (version string, docs []*knowledge.Document)

// Model is a language model. llm.Client fits. onDelta, when not nil,
// receives streamed text.
type Model interface {
	Complete(ctx context.Context, req chat.Request, onDelta func(string)) (chat.Response, error)
}

// Renderer renders a named prompt template. prompt.Set fits; so does the
// value returned by LoadTemplates.
type Renderer interface {
	Render(name string, data any) (string, error)
}

// Length is how long a summary should be.
type Length string

// Lengths of a summary.
const (
	Sentence Length = "sentence" // one sentence, a headline's worth ("summarize it in one sentence")
	Short    Length = "short"    // a few sentences; fits one Discord message with its sources
	Medium   Length = "medium"   // a paragraph (the default)
	Long     Length = "long"     // several paragraphs' worth
)

// ParseLength parses "sentence", "short", "medium" or "long" (any case;
// "" is Medium).
func ParseLength(s string) (Length, error) {
	switch l := Length(strings.ToLower(strings.TrimSpace(s))); l {
	case "":
		return Medium, nil
	case Sentence, Short, Medium, Long:
		return l, nil
	}
	return "", &Error{Msg: fmt.Sprintf("unknown length %q: use sentence, short, medium or long", s)}
}

// Options configure a Summarizer.
type Options struct {
	Source  Source       // required
	Model   Model        // nil: extractive summaries and timelines only
	Prompts Renderer     // required with a Model: templates summary_map, summary_reduce and timeline
	Log     *slog.Logger // nil: discard

	// MaxContextTokens is the model's context budget: every prompt plus the
	// tokens asked for its reply stays within it. 0 means 6000.
	MaxContextTokens int
	// Concurrency bounds the model calls made at once. 0 means 4.
	Concurrency int
	// CountTokens estimates the tokens of a text. nil means EstimateTokens.
	CountTokens func(string) int
}

// Summarizer writes summaries and timelines. It is safe for concurrent use.
type Summarizer struct {
	opts Options
	log  *slog.Logger
	an   *textan.Analyzer // for matching sentences, quotes and focus terms

	mu        sync.Mutex
	version   string
	summaries map[summaryKey]Summary
	timelines map[string]Timeline
	flights   map[flightKey]*flight
}

type summaryKey struct {
	doc    string
	length Length
	focus  string
}

// New returns a Summarizer. It panics when opts.Source is nil or a Model is
// given without Prompts, which are programming errors.
func New(opts Options) *Summarizer {
	if opts.Source == nil {
		panic("summary.New: nil Source")
	}
	if opts.Model != nil && opts.Prompts == nil {
		panic("summary.New: a Model needs Prompts")
	}
	if opts.MaxContextTokens <= 0 {
		opts.MaxContextTokens = 6000
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.CountTokens == nil {
		opts.CountTokens = EstimateTokens
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Summarizer{opts: opts, log: log, an: textan.English()}
}

// SummaryRequest asks for a summary.
type SummaryRequest struct {
	Doc    string // a document's path or title (case-insensitive); "" for the whole folder
	Length Length // "" means Medium
	Focus  string // optional: summarise only what concerns this ("the MEK")
	// Bullets asks for the summary as a bulleted list, a sentence and its
	// citations a line ("give me 3 bullet points").
	Bullets bool
	// GuildID and UserID say who asks (Discord's server and member), for
	// the token budgets checked around the summarizer; it ignores them.
	GuildID, UserID string
}

// Summary is a cited summary. Text carries inline markers [1]..[n] that
// match Citations[i].N; every sentence has at least one.
type Summary struct {
	Text       string            `json:"summary"`
	Mode       answer.Mode       `json:"mode"`
	Citations  []answer.Citation `json:"citations"`
	Scope      string            `json:"scope"`       // folderScope or the document's title
	Focus      string            `json:"focus"`       // as asked
	Length     Length            `json:"length"`      // as produced
	NotCovered bool              `json:"not_covered"` // the focus matches nothing; Text says so
	Warnings   []string          `json:"warnings"`    // e.g. the model failed and the summary is extractive
	Calls      int               `json:"calls"`       // model calls made (0 when cached or extractive)
	Usage      chat.Usage        `json:"usage"`
	Cached     bool              `json:"cached"`
	Version    string            `json:"version"` // knowledge version summarised
}

// folderScope is a Summary's or Timeline's Scope when it covers the whole
// knowledge folder, not one document.
const folderScope = "the knowledge folder"

// Error is a mistake in a request, with a message safe to show a user: an
// unknown document, an unknown length, an empty knowledge folder.
type Error struct {
	Msg     string
	Closest []string // for an unknown document: the closest names, best first
	Unknown bool     // no document answers to the name asked for
}

func (e *Error) Error() string { return e.Msg }

// UserMessage returns the message to show the person who asked.
func (e *Error) UserMessage() string { return e.Msg }

// Summary returns a summary of the scope that req names. onDelta, when not
// nil, receives the model's raw streamed text of the final step (before the
// citation checks; the returned Summary has the checked text). It returns an
// *Error for an unknown document or length, and the context's error when it
// is cancelled; a failing model is not an error: the summary falls back to
// extractive with a warning.
func (s *Summarizer) Summary(ctx context.Context, req SummaryRequest, onDelta func(string)) (Summary, error) {
	sum, err := s.summary(ctx, req, onDelta)
	if err == nil && req.Bullets && !sum.NotCovered {
		sum.Text = Bulleted(sum.Text)
	}
	return sum, err
}

// Bulleted returns a summary's text as a bulleted list: each sentence with
// the citation markers after it (cite's grammar) on a line of its own,
// after "- ".
func Bulleted(text string) string {
	var lines []string
	start, end := 0, -1 // the line being read: from start to its last marker's end
	for _, m := range cite.Find(text) {
		if end >= 0 && strings.TrimSpace(text[end:m[0]]) != "" { // words after the last marker: a new sentence
			lines, start = append(lines, text[start:end]), end
		}
		end = m[1]
	}
	if end >= 0 {
		lines, start = append(lines, text[start:end]), end
	}
	lines = append(lines, text[start:])
	var b strings.Builder
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString("- " + l)
		}
	}
	return b.String()
}

func (s *Summarizer) summary(ctx context.Context, req SummaryRequest, onDelta func(string)) (Summary, error) {
	length, err := ParseLength(string(req.Length))
	if err != nil {
		return Summary{}, err
	}
	version, docs := s.opts.Source()
	scopeDocs, scope, err := resolveDoc(docs, req.Doc)
	if err != nil {
		return Summary{}, err
	}
	focus := strings.TrimSpace(req.Focus)
	key := summaryKey{doc: docKey(scopeDocs, req.Doc), length: length, focus: strings.ToLower(strings.Join(strings.Fields(focus), " "))}
	if sum, ok := s.cachedSummary(version, key); ok {
		sum.Cached = true
		sum.Calls = 0
		sum.Usage = chat.Usage{}
		return sum, nil
	}
	return s.share(ctx, version, key, func() (Summary, error) {
		sum := Summary{Mode: answer.ModeExtractive, Scope: scope, Focus: focus, Length: length, Version: version, Citations: []answer.Citation{}, Warnings: []string{}}
		items := sentencesOf(s.an, scopeDocs)
		if len(items) == 0 {
			sum.Text = fmt.Sprintf("There is nothing to summarise in %s.", scope)
			sum.NotCovered = true
			return sum, nil
		}
		passages := allPassages(scopeDocs)
		if focus != "" {
			ft := focusTerms(s.an, focus)
			passages = matchPassages(s.an, passages, ft)
			items = matchSentences(items, passages, ft)
			if len(items) == 0 {
				sum.Text = fmt.Sprintf("Nothing in %s mentions “%s”, so there is no summary of it.", scope, focus)
				sum.NotCovered = true
				s.storeSummary(version, key, sum)
				return sum, nil
			}
		}
		degraded := false
		if s.opts.Model != nil {
			res, err := s.mapReduce(ctx, passages, length, focus, onDelta)
			sum.Calls, sum.Usage = res.calls, res.usage
			switch {
			case err == nil && res.text != "":
				sum.Text, sum.Citations, sum.Mode = res.text, res.citations, answer.ModeLLM
				sum.Warnings = append(sum.Warnings, res.warnings...)
			case ctx.Err() != nil:
				return Summary{}, ctx.Err()
			default:
				degraded = true
				if err != nil {
					s.log.Warn("summary: model failed, falling back to extractive", "err", err, "calls", res.calls)
				}
				sum.Warnings = append(sum.Warnings, "The language model could not write this summary; it is made of quoted sentences instead.")
			}
		}
		if sum.Mode != answer.ModeLLM {
			sum.Text, sum.Citations = extractive(s.an, items, length, focusTerms(s.an, focus))
		}
		s.log.Debug("summary", "scope", scope, "length", length, "focus", focus, "mode", sum.Mode, "calls", sum.Calls, "citations", len(sum.Citations))
		if !degraded {
			s.storeSummary(version, key, sum)
		}
		return sum, nil
	})
}

// flight is a summary being written, which concurrent identical requests
// wait for instead of writing it again.
type flight struct {
	done chan struct{}
	sum  Summary
	err  error
}

type flightKey struct {
	version string
	key     summaryKey
}

// share runs compute once for concurrent requests of the same version and
// key; the others wait for its result, which they get marked Cached. When
// the first asker's context ends, a waiter computes afresh.
func (s *Summarizer) share(ctx context.Context, version string, key summaryKey, compute func() (Summary, error)) (Summary, error) {
	fk := flightKey{version, key}
	for {
		s.mu.Lock()
		if s.flights == nil {
			s.flights = map[flightKey]*flight{}
		}
		f, ok := s.flights[fk]
		if !ok {
			f = &flight{done: make(chan struct{})}
			s.flights[fk] = f
			s.mu.Unlock()
			func() {
				defer func() {
					s.mu.Lock()
					delete(s.flights, fk)
					s.mu.Unlock()
					close(f.done)
				}()
				f.sum, f.err = compute()
			}()
			return cloneSummary(f.sum), f.err
		}
		s.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return Summary{}, ctx.Err()
		}
		if errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded) {
			continue // the first asker gave up; try again
		}
		sum := cloneSummary(f.sum)
		sum.Cached, sum.Calls, sum.Usage = true, 0, chat.Usage{}
		return sum, f.err
	}
}

func (s *Summarizer) cachedSummary(version string, key summaryKey) (Summary, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkVersion(version)
	sum, ok := s.summaries[key]
	return cloneSummary(sum), ok
}

func (s *Summarizer) storeSummary(version string, key summaryKey, sum Summary) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkVersion(version)
	if s.version == version {
		s.summaries[key] = cloneSummary(sum)
	}
}

// checkVersion drops the caches when the knowledge version changed. s.mu
// must be held.
func (s *Summarizer) checkVersion(version string) {
	if s.summaries == nil || s.version != version {
		s.version = version
		s.summaries = map[summaryKey]Summary{}
		s.timelines = map[string]Timeline{}
	}
}

func cloneSummary(s Summary) Summary {
	s.Citations = append([]answer.Citation{}, s.Citations...)
	s.Warnings = append([]string{}, s.Warnings...)
	return s
}

// docKey is the cache key part for the scope: the document path, or "" for
// the whole folder.
func docKey(docs []*knowledge.Document, asked string) string {
	if strings.TrimSpace(asked) == "" || len(docs) != 1 {
		return ""
	}
	return docs[0].Path
}

// resolveDoc returns the documents in scope and the scope's name. name ""
// means every document. Otherwise it matches, case-insensitively, a path, a
// title, a path without its extension or a file name; then a unique
// substring of one of those. It returns an *Error listing the closest names
// when nothing (or more than one document) matches.
func resolveDoc(docs []*knowledge.Document, name string) ([]*knowledge.Document, string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		if len(docs) == 0 {
			return nil, "", &Error{Msg: "The knowledge folder is empty: add documents to it first."}
		}
		return docs, folderScope, nil
	}
	low := strings.ToLower(name)
	for _, d := range docs {
		for _, n := range docNames(d) {
			if n == low {
				return []*knowledge.Document{d}, d.Title, nil
			}
		}
	}
	var subs []*knowledge.Document
	for _, d := range docs {
		for _, n := range docNames(d) {
			if strings.Contains(n, low) {
				subs = append(subs, d)
				break
			}
		}
	}
	if len(subs) == 1 {
		return subs, subs[0].Title, nil
	}
	if len(subs) > 1 {
		var names []string
		for _, d := range subs {
			names = append(names, d.Path)
		}
		sort.Strings(names)
		if len(names) > 5 {
			names = names[:5]
		}
		return nil, "", &Error{Msg: fmt.Sprintf("“%s” matches %d documents; name one: %s.", name, len(subs), strings.Join(names, ", ")), Closest: names}
	}
	closest := closestDocs(docs, low, 3)
	msg := fmt.Sprintf("No document is called “%s”.", name)
	if len(closest) > 0 {
		msg += " Closest: " + strings.Join(closest, ", ") + "."
	} else {
		msg += " The knowledge folder is empty."
	}
	return nil, "", &Error{Msg: msg, Closest: closest, Unknown: true}
}

// docNames are the lower-cased names a document answers to.
func docNames(d *knowledge.Document) []string {
	p := strings.ToLower(d.Path)
	base := p
	if i := strings.LastIndex(base, "/"); i >= 0 {
		base = base[i+1:]
	}
	noExt := func(s string) string {
		if i := strings.LastIndex(s, "."); i > 0 {
			return s[:i]
		}
		return s
	}
	return []string{p, strings.ToLower(d.Title), noExt(p), base, noExt(base)}
}

// closestDocs returns the paths of the n documents whose names are closest
// to name by edit distance.
func closestDocs(docs []*knowledge.Document, name string, n int) []string {
	type cand struct {
		path string
		dist int
	}
	var cs []cand
	for _, d := range docs {
		best := -1
		for _, dn := range docNames(d) {
			if dist := spell.Distance(dn, name, len(dn)+len(name)); best < 0 || dist < best {
				best = dist
			}
		}
		cs = append(cs, cand{d.Path, best})
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].dist != cs[j].dist {
			return cs[i].dist < cs[j].dist
		}
		return cs[i].path < cs[j].path
	})
	var out []string
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].path)
	}
	return out
}
