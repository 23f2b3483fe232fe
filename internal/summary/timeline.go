package summary

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/knowledge"
	"storybot/internal/textan"
)

// TimelineRequest asks for a timeline.
type TimelineRequest struct {
	Doc string // a document's path or title (case-insensitive); "" for the whole folder
	// Max, when above 0, keeps at most this many events (see selectEvents):
	// a chat message cannot show a folder's thousands. 0 keeps them all.
	Max int
	// GuildID and UserID say who asks (Discord's server and member), for
	// the token budgets checked around the summarizer; it ignores them.
	GuildID, UserID string
}

// Event is one dated line of a timeline.
type Event struct {
	Date       string            `json:"date"`                 // normalised: "2022-07-15", "2022-07", "1978"; "" when the year is unknown
	DateText   string            `json:"date_text"`            // as written: "July 15", "on Wednesday", "20 June 1981"
	Text       string            `json:"event"`                // what happened, without citation markers
	Citations  []answer.Citation `json:"citations"`            // the passage it comes from (N numbered across the timeline)
	Unresolved bool              `json:"unresolved,omitempty"` // the date could not be normalised: kept as written, sorted after the dated events

	key   date
	order int
	p     *knowledge.Passage
	src   string // the whole sentence, for the model
	span  [2]int // the sentence's byte offsets in p.Text, for its citation
}

// Timeline is the dated events of a scope in chronological order.
type Timeline struct {
	Events   []Event     `json:"events"`
	Mode     answer.Mode `json:"mode"`
	Scope    string      `json:"scope"`
	Note     string      `json:"note,omitempty"`    // set when there are no events, saying so
	Omitted  int         `json:"omitted,omitempty"` // events found but left out by TimelineRequest.Max
	Warnings []string    `json:"warnings"`
	Calls    int         `json:"calls"`
	Usage    chat.Usage  `json:"usage"`
	Cached   bool        `json:"cached"`
	Version  string      `json:"version"`
}

// Timeline returns the dated events of the scope that req names, in
// chronological order, each cited. Dates whose year cannot be determined
// are kept as written, marked Unresolved and listed after the others. A
// scope without dates gives an empty timeline whose Note says so. With
// req.Max, at most that many events are kept (selectEvents) and Omitted
// counts the rest; only the kept events are sent to the model. It returns an *Error for an unknown document and the context's error when it
// is cancelled; a failing model is not an error: the lines stay the
// sentences themselves, with a warning.
func (s *Summarizer) Timeline(ctx context.Context, req TimelineRequest) (Timeline, error) {
	version, docs := s.opts.Source()
	scopeDocs, scope, err := resolveDoc(docs, req.Doc)
	if err != nil {
		return Timeline{}, err
	}
	key := docKey(scopeDocs, req.Doc) + "\x00" + strconv.Itoa(max(0, req.Max))
	s.mu.Lock()
	s.checkVersion(version)
	tl, ok := s.timelines[key]
	s.mu.Unlock()
	if ok {
		tl = cloneTimeline(tl)
		tl.Cached, tl.Calls, tl.Usage = true, 0, chat.Usage{}
		return tl, nil
	}
	all := extractEvents(scopeDocs)
	tl = Timeline{Events: selectEvents(all, req.Max), Mode: answer.ModeExtractive, Scope: scope, Version: version, Warnings: []string{}}
	tl.Omitted = len(all) - len(tl.Events)
	if len(tl.Events) == 0 {
		tl.Note = fmt.Sprintf("No dated events were found in %s.", scope)
	}
	degraded := false
	if s.opts.Model != nil && len(tl.Events) > 0 {
		n, calls, usage, err := s.rewriteEvents(ctx, tl.Events)
		tl.Calls, tl.Usage = calls, usage
		if err != nil {
			if ctx.Err() != nil {
				return Timeline{}, ctx.Err()
			}
			s.log.Warn("timeline: model failed, keeping the sentences", "err", err, "calls", calls)
			tl.Warnings = append(tl.Warnings, "The language model could not write the timeline's lines; they are the sentences themselves.")
			degraded = true
		}
		if n > 0 {
			tl.Mode = answer.ModeLLM
		}
	}
	numberEvents(s.an, tl.Events)
	if !degraded {
		s.mu.Lock()
		s.checkVersion(version)
		if s.version == version {
			s.timelines[key] = cloneTimeline(tl)
		}
		s.mu.Unlock()
	}
	return tl, nil
}

func cloneTimeline(t Timeline) Timeline {
	t.Events = append([]Event{}, t.Events...)
	t.Warnings = append([]string{}, t.Warnings...)
	return t
}

// numberEvents gives each event's passage a citation, numbered by first use
// in timeline order.
func numberEvents(an *textan.Analyzer, evs []Event) {
	c := citer{an: an}
	for i := range evs {
		n := c.citeSpan(evs[i].p, evs[i].span, evs[i].src)
		evs[i].Citations = []answer.Citation{c.cites[n-1]}
	}
}

// extractEvents finds the dated events of docs, sorted chronologically by
// what is known of their dates, then in document order.
func extractEvents(docs []*knowledge.Document) []Event {
	evs := []Event{}
	seen := map[string]bool{}
	order := 0
	for _, d := range sortedDocs(docs) {
		ref, _ := parseISODate(d.Date)
		for i := range d.Passages {
			p := &d.Passages[i]
			for _, sp := range sentenceSpans(p.Text) {
				s := sp.text
				if len(strings.Fields(s)) < 3 {
					continue
				}
				for _, e := range sentenceEvents(s, ref) {
					k := p.ID + "\x00" + e.key.String() + "\x00" + e.DateText + "\x00" + e.Text
					if seen[k] {
						continue
					}
					seen[k] = true
					e.p, e.src, e.span, e.order = p, s, [2]int{sp.start, sp.end}, order
					order++
					evs = append(evs, e)
				}
			}
		}
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if evs[i].key != evs[j].key {
			return evs[i].key.less(evs[j].key)
		}
		return evs[i].order < evs[j].order
	})
	return evs
}

// selectEvents keeps at most n events (all when n <= 0), in the order
// given (chronological), so that a long timeline still reads as one:
//   - dated events only, when there are enough of them: an event whose year
//     is unknown says least;
//   - spread evenly: the events are cut into n runs of equal length, in
//     order, and each run gives one event, so every stretch of the timeline
//     is shown in proportion to how much happened in it;
//   - within a run, the most important event: the most precise date (a day
//     over a month over a year), then one from a document not yet shown,
//     then the first.
//
// The events kept stay in their order; the choice is deterministic.
func selectEvents(evs []Event, n int) []Event {
	if n <= 0 || len(evs) <= n {
		return evs
	}
	pool := make([]Event, 0, len(evs))
	for _, e := range evs {
		if !e.Unresolved {
			pool = append(pool, e)
		}
	}
	if len(pool) < n {
		pool = evs
	}
	shown := map[string]bool{}
	score := func(e Event) int {
		sc := 2 * e.key.precision()
		if e.p != nil && !shown[e.p.Doc] {
			sc++
		}
		return sc
	}
	out := make([]Event, 0, n)
	for i := 0; i < n; i++ {
		lo, hi := i*len(pool)/n, (i+1)*len(pool)/n
		best := lo
		for j := lo + 1; j < hi; j++ {
			if score(pool[j]) > score(pool[best]) {
				best = j
			}
		}
		out = append(out, pool[best])
		if p := pool[best].p; p != nil {
			shown[p.Doc] = true
		}
	}
	return out
}

// sentenceEvents turns one sentence into events: one for each clause that
// holds a date (the most precise date of the clause). With one such clause
// the line is the whole sentence; with several, each line is its clause,
// extended to its neighbours until it reads as a statement.
func sentenceEvents(s string, ref date) []Event {
	ms := findDates(s, ref)
	if len(ms) == 0 {
		return nil
	}
	clauses := clauseSpans(s, ms)
	clauseOf := func(m dateMention) int {
		for i, c := range clauses {
			if m.Start >= c[0] && m.Start < c[1] {
				return i
			}
		}
		return len(clauses) - 1
	}
	best := map[int]dateMention{}
	for _, m := range ms {
		ci := clauseOf(m)
		if b, ok := best[ci]; !ok || better(m, b) {
			best[ci] = m
		}
	}
	var cis []int
	for ci := range best {
		cis = append(cis, ci)
	}
	sort.Ints(cis)
	var out []Event
	for _, ci := range cis {
		m := best[ci]
		text := s
		if len(cis) > 1 {
			lo, hi := ci, ci
			has := func(j int) bool { _, ok := best[j]; return ok }
			span := func() int { return clauses[hi][1] - clauses[lo][0] }
			for span() < 60 && hi+1 < len(clauses) && !has(hi+1) {
				hi++
			}
			for span() < 60 && lo > 0 && !has(lo-1) {
				lo--
			}
			if span() >= 40 {
				text = tidyClause(s[clauses[lo][0]:clauses[hi][1]])
			} // else a fragment such as "1625": the whole sentence says more
		}
		text = windowAround(text, m.Text, 320)
		ev := Event{Date: m.Date.String(), DateText: m.Text, Text: text, key: m.Date, Unresolved: m.Date.Y == 0}
		out = append(out, ev)
	}
	return out
}

// better reports whether mention a says more than b: a known year first,
// then more precision.
func better(a, b dateMention) bool {
	if (a.Date.Y != 0) != (b.Date.Y != 0) {
		return a.Date.Y != 0
	}
	return a.Date.precision() > b.Date.precision()
}

// clauseSpans splits s at commas, semicolons and dashes that fall outside
// the date mentions, returning [start, end) byte ranges.
func clauseSpans(s string, ms []dateMention) [][2]int {
	inside := func(i int) bool {
		for _, m := range ms {
			if i >= m.Start && i < m.End {
				return true
			}
		}
		return false
	}
	var out [][2]int
	start := 0
	for i := 0; i < len(s); i++ {
		for _, sep := range []string{", ", "; ", " – ", " — "} {
			if strings.HasPrefix(s[i:], sep) && !inside(i) {
				out = append(out, [2]int{start, i})
				start = i + len(sep)
				i += len(sep) - 1
				break
			}
		}
	}
	return append(out, [2]int{start, len(s)})
}

// tidyClause makes a clause read as a line: a capital first letter, no
// dangling punctuation, a full stop at the end.
func tidyClause(c string) string {
	c = strings.TrimSpace(c)
	c = strings.TrimRight(c, ",;:–— ")
	for _, conj := range []string{"and ", "but ", "or ", "while ", "whereas ", "then "} {
		if len(c) > len(conj)+20 && strings.EqualFold(c[:len(conj)], conj) {
			c = c[len(conj):]
			break
		}
	}
	if c == "" {
		return c
	}
	c = textan.Capitalize(c)
	if !endsSentence(c) {
		c += "."
	}
	return c
}

// windowAround shortens text to at most max bytes, keeping the part around
// the first occurrence of anchor, with "…" where it was cut.
func windowAround(text, anchor string, max int) string {
	if len(text) <= max {
		return text
	}
	i := strings.Index(text, anchor)
	if i < 0 {
		return shorten(text, max)
	}
	start := i - max/2
	if start < 0 {
		start = 0
	}
	end := start + max
	if end > len(text) {
		end, start = len(text), max0(len(text)-max)
	}
	for start > 0 && !utf8.RuneStart(text[start]) {
		start++
	}
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end--
	}
	if start > 0 {
		if j := strings.IndexByte(text[start:], ' '); j >= 0 && start+j < i {
			start += j + 1
		}
	}
	if end < len(text) {
		if j := strings.LastIndexByte(text[:end], ' '); j > i+len(anchor) {
			end = j
		}
	}
	out := text[start:end]
	if start > 0 {
		out = "…" + out
	}
	if end < len(text) {
		out += "…"
	}
	return out
}

func max0(n int) int {
	if n < 0 {
		return 0
	}
	return n
}
