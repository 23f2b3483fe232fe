package summary

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"storybot/internal/cite"
	"storybot/internal/textan"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/knowledge"
)

// Template names the summarizer renders.
const (
	TmplSummarySystem  = "summary_system"
	TmplSummaryMap     = "summary_map"
	TmplSummaryReduce  = "summary_reduce"
	TmplTimelineSystem = "timeline_system"
	TmplTimeline       = "timeline"
)

// TemplateNames lists every template a Summarizer with a model needs, for
// prompt.Set.Require.
var TemplateNames = []string{TmplSummarySystem, TmplSummaryMap, TmplSummaryReduce, TmplTimelineSystem, TmplTimeline}

// errBudget means the context budget is too small for even one item.
var errBudget = errors.New("the model's context budget is too small for the prompt (raise OPENAI_MAX_CONTEXT_TOKENS)")

// passageItem is one numbered passage (or part of a long one) as the
// templates see it.
type passageItem struct {
	N        int
	Title    string
	Doc      string
	Location string
	Text     string
}

type mapData struct {
	Focus    string
	Words    int
	Passages []passageItem
}

type reduceData struct {
	Final     bool
	Length    string
	Sentences int
	Words     int
	Focus     string
	Passages  []passageItem
	Notes     []string
}

type mrResult struct {
	text      string
	citations []answer.Citation
	calls     int
	usage     chat.Usage
	warnings  []string
}

// runner makes model calls within the budget and counts them.
type runner struct {
	s     *Summarizer
	mu    sync.Mutex
	calls int
	usage chat.Usage
}

// call renders system and user templates into a request, checks that the
// prompt plus maxTokens fits the budget, and calls the model.
func (r *runner) call(ctx context.Context, system, user string, data any, maxTokens int, onDelta func(string)) (string, error) {
	req, err := r.request(system, user, data, maxTokens)
	if err != nil {
		return "", err
	}
	if !r.fits(req) {
		return "", errBudget
	}
	r.mu.Lock()
	r.calls++
	r.mu.Unlock()
	resp, err := r.s.opts.Model.Complete(ctx, req, onDelta)
	r.mu.Lock()
	r.usage.PromptTokens += resp.Usage.PromptTokens
	r.usage.CompletionTokens += resp.Usage.CompletionTokens
	r.mu.Unlock()
	if err != nil {
		return "", fmt.Errorf("model call: %w", err)
	}
	return resp.Text, nil
}

func (r *runner) request(system, user string, data any, maxTokens int) (chat.Request, error) {
	sys, err := r.s.opts.Prompts.Render(system, nil)
	if err != nil {
		return chat.Request{}, err
	}
	u, err := r.s.opts.Prompts.Render(user, data)
	if err != nil {
		return chat.Request{}, err
	}
	return chat.Request{
		Messages:    []chat.Message{{Role: chat.RoleSystem, Content: sys}, {Role: chat.RoleUser, Content: u}},
		MaxTokens:   maxTokens,
		Temperature: 0,
	}, nil
}

func (r *runner) fits(req chat.Request) bool {
	return requestTokens(r.s.opts.CountTokens, req)+req.MaxTokens <= r.s.opts.MaxContextTokens
}

// pack splits items into the fewest consecutive batches whose prompts (made
// by build) fit the budget. An item that does not fit alone is an error.
func pack[T any](r *runner, items []T, system, user string, maxTokens int, build func([]T) any) ([][]T, error) {
	var out [][]T
	var cur []T
	for _, it := range items {
		next := append(append([]T{}, cur...), it)
		req, err := r.request(system, user, build(next), maxTokens)
		if err != nil {
			return nil, err
		}
		if r.fits(req) {
			cur = next
			continue
		}
		if len(cur) == 0 {
			return nil, errBudget
		}
		out = append(out, cur)
		cur = []T{it}
		req, err = r.request(system, user, build(cur), maxTokens)
		if err != nil {
			return nil, err
		}
		if !r.fits(req) {
			return nil, errBudget
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out, nil
}

// parallel runs f for every index below n, at most limit at once, and
// returns the first error (cancelling the ctx of the others), or ctx's
// error when it ended first.
func parallel(ctx context.Context, n, limit int, f func(ctx context.Context, i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i := 0; i < n && gctx.Err() == nil; i++ {
		g.Go(func() error { return f(gctx, i) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// outputTokens is the reply budget of the final summary of each length.
func outputTokens(l Length) (tokens, sentences, words int) {
	switch l {
	case Sentence:
		return 120, 1, 40
	case Short:
		return 300, 3, 120
	case Long:
		return 1200, 12, 600
	default:
		return 600, 6, 250
	}
}

// mapReduce summarises passages with the model. Passages are numbered 1..n
// in order; when they all fit one prompt the summary is one call, otherwise
// batches become cited notes (map), and notes are condensed in rounds until
// they fit the final prompt (reduce). Only the final call streams to
// onDelta. The result's text is "" when nothing cited survived the checks.
func (s *Summarizer) mapReduce(ctx context.Context, passages []*knowledge.Passage, length Length, focus string, onDelta func(string)) (mrResult, error) {
	r := &runner{s: s}
	res, err := s.mapReduceWith(ctx, r, passages, length, focus, onDelta)
	res.calls, res.usage = r.calls, r.usage
	return res, err
}

func (s *Summarizer) mapReduceWith(ctx context.Context, r *runner, passages []*knowledge.Passage, length Length, focus string, onDelta func(string)) (mrResult, error) {
	budget := s.opts.MaxContextTokens
	finalOut, sentences, words := outputTokens(length)
	finalOut = min(finalOut, budget/3)
	noteOut := min(500, budget/5)
	byN := map[int]*knowledge.Passage{}
	var items []passageItem
	for i, p := range passages {
		n := i + 1
		byN[n] = p
		items = append(items, passageItem{N: n, Title: p.Title, Doc: p.Doc, Location: p.Location(), Text: neutralBrackets(p.Text)})
	}
	finalData := func(ps []passageItem, notes []string) reduceData {
		return reduceData{Final: true, Length: string(length), Sentences: sentences, Words: words, Focus: focus, Passages: ps, Notes: notes}
	}
	var res mrResult
	var warn checkStats

	// One call when everything fits.
	if req, err := r.request(TmplSummarySystem, TmplSummaryReduce, finalData(items, nil), finalOut); err != nil {
		return res, err
	} else if r.fits(req) {
		out, err := r.call(ctx, TmplSummarySystem, TmplSummaryReduce, finalData(items, nil), finalOut, onDelta)
		if err != nil {
			return res, err
		}
		return finish(s.an, out, func(n int) bool { return byN[n] != nil }, byN)
	}

	// Map: split passages too long for one prompt, then batch.
	items, err := s.splitLong(r, items, noteOut, focus)
	if err != nil {
		return res, err
	}
	batches, err := pack(r, items, TmplSummarySystem, TmplSummaryMap, noteOut, func(b []passageItem) any {
		return mapData{Focus: focus, Words: noteWords(noteOut), Passages: b}
	})
	if err != nil {
		return res, err
	}
	notes := make([]string, len(batches))
	var mu sync.Mutex
	// checked is a note as the model wrote it, with the citations of
	// passages not in its prompt (in) checked away; what it removed counts
	// in warn.
	checked := func(out string, in map[int]bool) string {
		kept, st := checkCited(parseCited(out), func(n int) bool { return in[n] })
		mu.Lock()
		warn.markers += st.markers
		warn.sentences += st.sentences
		mu.Unlock()
		return formatCited(kept)
	}
	err = parallel(ctx, len(batches), s.opts.Concurrency, func(ctx context.Context, i int) error {
		b := batches[i]
		out, err := r.call(ctx, TmplSummarySystem, TmplSummaryMap, mapData{Focus: focus, Words: noteWords(noteOut), Passages: b}, noteOut, nil)
		if err != nil {
			return err
		}
		in := map[int]bool{}
		for _, it := range b {
			in[it.N] = true
		}
		notes[i] = checked(out, in)
		return nil
	})
	if err != nil {
		return res, err
	}
	// Reduce in rounds until the notes fit the final prompt.
	for round := 0; ; round++ {
		notes = nonEmpty(notes)
		if len(notes) == 0 {
			return res, nil
		}
		req, err := r.request(TmplSummarySystem, TmplSummaryReduce, finalData(nil, notes), finalOut)
		if err != nil {
			return res, err
		}
		if r.fits(req) {
			break
		}
		if round >= 8 {
			return res, errBudget
		}
		inter := func(b []string) any {
			return reduceData{Final: false, Words: noteWords(noteOut), Focus: focus, Notes: b}
		}
		groups, err := pack(r, notes, TmplSummarySystem, TmplSummaryReduce, noteOut, inter)
		if err != nil {
			return res, err
		}
		if len(groups) == len(notes) {
			return res, errBudget // no progress possible
		}
		next := make([]string, len(groups))
		err = parallel(ctx, len(groups), s.opts.Concurrency, func(ctx context.Context, i int) error {
			out, err := r.call(ctx, TmplSummarySystem, TmplSummaryReduce, inter(groups[i]), noteOut, nil)
			if err != nil {
				return err
			}
			in := citedIn(groups[i])
			next[i] = checked(out, in)
			return nil
		})
		if err != nil {
			return res, err
		}
		notes = next
	}
	out, err := r.call(ctx, TmplSummarySystem, TmplSummaryReduce, finalData(nil, notes), finalOut, onDelta)
	if err != nil {
		return res, err
	}
	in := citedIn(notes)
	res, err = finish(s.an, out, func(n int) bool { return in[n] }, byN)
	if warn.markers+warn.sentences > 0 {
		s.log.Debug("summary: notes checked", "markers_removed", warn.markers, "sentences_dropped", warn.sentences)
	}
	return res, err
}

// finish checks the final text's citations and renumbers them.
func finish(an *textan.Analyzer, out string, allowed func(int) bool, byN map[int]*knowledge.Passage) (mrResult, error) {
	var res mrResult
	kept, st := checkCited(parseCited(out), func(n int) bool { return allowed(n) && byN[n] != nil })
	if st.markers > 0 {
		res.warnings = append(res.warnings, fmt.Sprintf("%d citation(s) naming no source were removed.", st.markers))
	}
	if st.sentences > 0 {
		res.warnings = append(res.warnings, fmt.Sprintf("%d sentence(s) without a valid citation were removed.", st.sentences))
	}
	res.text, res.citations = renumber(an, kept, byN)
	return res, nil
}

// neutralBrackets rewrites the document's own bracketed reference numbers
// ("[10]") as "(10)", so the model cannot confuse them with the passage
// numbers it cites.
func neutralBrackets(s string) string { return cite.Neutral(s) }

func noteWords(tokens int) int { return tokens * 2 / 5 }

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// citedIn returns the citation numbers used in notes.
func citedIn(notes []string) map[int]bool {
	in := map[int]bool{}
	for _, n := range notes {
		for _, x := range cite.All(n) {
			in[x] = true
		}
	}
	return in
}

// splitLong cuts passages whose map prompt alone would not fit into parts
// of whole sentences (or of words, for a sentence too long itself) that do.
func (s *Summarizer) splitLong(r *runner, items []passageItem, noteOut int, focus string) ([]passageItem, error) {
	fitsAlone := func(it passageItem) (bool, error) {
		req, err := r.request(TmplSummarySystem, TmplSummaryMap, mapData{Focus: focus, Words: noteWords(noteOut), Passages: []passageItem{it}}, noteOut)
		if err != nil {
			return false, err
		}
		return r.fits(req), nil
	}
	var out []passageItem
	for _, it := range items {
		ok, err := fitsAlone(it)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, it)
			continue
		}
		empty := it
		empty.Text = ""
		if ok, _ := fitsAlone(empty); !ok {
			return nil, errBudget
		}
		var pieces []string
		for _, sen := range splitSentences(it.Text) {
			pieces = append(pieces, chopWords(sen, 200)...)
		}
		cur := it
		cur.Text = ""
		for _, p := range pieces {
			try := cur
			try.Text = strings.TrimSpace(cur.Text + " " + p)
			if ok, _ := fitsAlone(try); ok {
				cur = try
				continue
			}
			if cur.Text == "" {
				return nil, errBudget
			}
			out = append(out, cur)
			cur.Text = p
		}
		if cur.Text != "" {
			out = append(out, cur)
		}
	}
	return out, nil
}

// chopWords splits s into runs of at most n words.
func chopWords(s string, n int) []string {
	f := strings.Fields(s)
	var out []string
	for len(f) > n {
		out = append(out, strings.Join(f[:n], " "))
		f = f[n:]
	}
	if len(f) > 0 {
		out = append(out, strings.Join(f, " "))
	}
	return out
}

// timelineItem is one event as timeline.tmpl sees it.
type timelineItem struct {
	N        int
	DateText string
	Date     string
	Sentence string
}

var lineRe = regexp.MustCompile(`^\s*(\d{1,5})\s*[:.)\]-]\s*(.+?)\s*$`)

// rewriteEvents asks the model to write each event's line from its
// sentence, in batches within the budget. It returns how many lines were
// rewritten. Lines the model leaves out keep the sentence.
func (s *Summarizer) rewriteEvents(ctx context.Context, evs []Event) (int, int, chat.Usage, error) {
	r := &runner{s: s}
	const perEvent = 60
	var items []timelineItem
	for i, e := range evs {
		items = append(items, timelineItem{N: i + 1, DateText: e.DateText, Date: e.Date, Sentence: e.src})
	}
	// batches of at most 20 events, packed within the budget
	maxOut := min(20*perEvent, s.opts.MaxContextTokens/3)
	perBatch := max(1, maxOut/perEvent)
	var batches [][]timelineItem
	for start := 0; start < len(items); start += perBatch {
		sub, err := pack(r, items[start:min(start+perBatch, len(items))], TmplTimelineSystem, TmplTimeline, maxOut, func(b []timelineItem) any {
			return struct{ Events []timelineItem }{b}
		})
		if err != nil {
			return 0, r.calls, r.usage, err
		}
		batches = append(batches, sub...)
	}
	lines := make([]string, len(items)+1)
	var mu sync.Mutex
	err := parallel(ctx, len(batches), s.opts.Concurrency, func(ctx context.Context, i int) error {
		b := batches[i]
		out, err := r.call(ctx, TmplTimelineSystem, TmplTimeline, struct{ Events []timelineItem }{b}, min(len(b)*perEvent, maxOut), nil)
		if err != nil {
			return err
		}
		in := map[int]bool{}
		for _, it := range b {
			in[it.N] = true
		}
		mu.Lock()
		defer mu.Unlock()
		for _, l := range strings.Split(out, "\n") {
			m := lineRe.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			n, _ := strconv.Atoi(m[1])
			if in[n] {
				lines[n] = cleanSpaces(cite.Strip(m[2]))
			}
		}
		return nil
	})
	rewritten := 0
	for i := range evs {
		if l := lines[i+1]; l != "" {
			evs[i].Text = shorten(l, 280)
			rewritten++
		}
	}
	return rewritten, r.calls, r.usage, err
}
