package summary

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/cite"
	"storybot/internal/golden"
	"storybot/internal/knowledge"
	"storybot/internal/textan"
)

func offline(t testing.TB) *Summarizer {
	return New(Options{Source: staticSource("v1", storyDocs(t))})
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

// summaryJSON is the shape of `storybot summary --json`.
func summaryJSON(s Summary) any {
	return struct {
		Summary   string            `json:"summary"`
		Mode      answer.Mode       `json:"mode"`
		Citations []answer.Citation `json:"citations"`
	}{s.Text, s.Mode, s.Citations}
}

func TestStorySummaryGolden(t *testing.T) {
	s := offline(t)
	for _, l := range []Length{Short, Medium, Long} {
		sum, err := s.Summary(context.Background(), SummaryRequest{Length: l}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Mode != answer.ModeExtractive || sum.Calls != 0 {
			t.Errorf("%s: mode %s, %d calls; want extractive, 0", l, sum.Mode, sum.Calls)
		}
		golden.Check(t, filepath.Join("testdata", "story_summary_"+string(l)+".txt"), FormatSummary(sum))
		golden.Check(t, filepath.Join("testdata", "story_summary_"+string(l)+".json"), jsonOf(t, summaryJSON(sum)))
	}
}

// assertAllCited checks that every sentence of text ends with a marker that
// names one of cites, and that cites are numbered 1..n by first use.
func assertAllCited(t *testing.T, text string, cites []answer.Citation) {
	t.Helper()
	ns := map[int]bool{}
	for i, c := range cites {
		if c.N != i+1 {
			t.Errorf("citation %d has N=%d", i, c.N)
		}
		ns[c.N] = true
	}
	next := 1
	for _, n := range cite.All(text) {
		{
			if !ns[n] {
				t.Errorf("marker [%d] names no citation", n)
			}
			if n > next {
				t.Errorf("marker [%d] used before [%d]: not numbered by first use", n, next)
			}
			if n == next {
				next++
			}
		}
	}
	for _, para := range parseCited(text) {
		for _, s := range para {
			if len(s.cites) == 0 {
				t.Errorf("sentence without a citation: %q", s.text)
			}
		}
	}
	if len(cites) != next-1 {
		t.Errorf("%d citations, %d used", len(cites), next-1)
	}
}

func TestStoryMediumNamesTheFacts(t *testing.T) {
	sum, err := offline(t).Summary(context.Background(), SummaryRequest{Length: Medium}, nil)
	if err != nil {
		t.Fatal(err)
	}
	low := strings.ToLower(sum.Text)
	for fact, any := range map[string][]string{
		"the cyberattack":            {"cyberattack"},
		"the break of relations":     {"sever its diplomatic relations", "end diplomatic relations"},
		"Edi Rama":                   {"edi rama"},
		"the US attribution to Iran": {"washington concluded that iran", "united states concluded", "us concluded"},
		"the MEK":                    {"mek"},
	} {
		found := false
		for _, a := range any {
			found = found || strings.Contains(low, a)
		}
		if !found {
			t.Errorf("medium summary does not name %s:\n%s", fact, sum.Text)
		}
	}
	assertAllCited(t, sum.Text, sum.Citations)
	for _, c := range sum.Citations {
		if c.Doc == "" || c.Location == "" || c.Quote == "" || !strings.Contains(strings.Join(strings.Fields(c.Text), " "), strings.TrimSuffix(c.Quote, "…")) {
			t.Errorf("citation %d is not resolved to its passage: %+v", c.N, c)
		}
	}
}

func TestShortFitsOneDiscordMessage(t *testing.T) {
	sum, err := offline(t).Summary(context.Background(), SummaryRequest{Length: Short}, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertAllCited(t, sum.Text, sum.Citations)
	if n := utf8.RuneCountInString(FormatSummary(sum)); n > 2000 {
		t.Errorf("short summary with sources is %d characters; Discord allows 2000", n)
	}
	med, _ := offline(t).Summary(context.Background(), SummaryRequest{Length: Medium}, nil)
	long, _ := offline(t).Summary(context.Background(), SummaryRequest{Length: Long}, nil)
	if !(len(sum.Text) < len(med.Text) && len(med.Text) < len(long.Text)) {
		t.Errorf("lengths not increasing: %d, %d, %d", len(sum.Text), len(med.Text), len(long.Text))
	}
}

// longSummaryOf is the long offline summary of one document of text.
func longSummaryOf(t *testing.T, text, rel string) Summary {
	t.Helper()
	s := New(Options{Source: staticSource("v", []*knowledge.Document{parseDoc(text, rel)})})
	sum, err := s.Summary(context.Background(), SummaryRequest{Length: Long}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestPaperLeadsWithItsAbstract: the offline summary of a paper (a
// COVID-QA article) leads with its abstract, which says what it is about,
// not with the central sentences of its body.
func TestPaperLeadsWithItsAbstract(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("testdata", "paper.txt"))
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Source: staticSource("v", []*knowledge.Document{parseDoc(string(text), "paper.txt")})})
	for _, l := range []Length{Short, Medium} {
		sum, err := s.Summary(context.Background(), SummaryRequest{Length: l}, nil)
		if at := strings.Index(sum.Text, "Abstract: In December 2019, a novel coronavirus (2019-nCoV)"); err != nil || at < 0 || at > 150 { // first, or after the title
			t.Errorf("%s: %v\n%s", l, err, sum.Text)
		}
	}
}

// TestNoBareSpeech: a summary tells the story in the narrator's words; a
// line of dialogue alone ("Must I then go back?") says nothing of who
// speaks or why, while a quote with its speaker ("…," Rama said) stays.
func TestNoBareSpeech(t *testing.T) {
	sum := longSummaryOf(t, "The angry brother followed the tracks of the enchanted moccasins to the end of the earth.\n\n"+
		"\"Must I then go back to the lodge of my father without any blood upon my hands?\"\n\n"+
		"\"I will pursue the wearer of the ball and have my revenge,\" said the angry brother to his father.\n\n"+
		"The old man changed himself into a moose and the brother passed by the skeleton of the moose.\n", "tale.txt")
	if strings.Contains(sum.Text, "Must I then go back") || !strings.Contains(sum.Text, "said the angry brother") {
		t.Errorf("want the quote with its speaker and not the bare line of dialogue:\n%s", sum.Text)
	}
}

// TestNoQuestion: a summary tells what happened, and neither a question
// the narration asks nor a sentence that ends in a colon before a speech
// tells it (Momotaro's medium summary had "How were they to cross the
// water and get to the Island of Devils?" and "Momotaro went up to the
// two combatants, and holding the dog back, said to the bird:").
// FairytaleQA's summary measure (TestFairytaleSummaries), odd / even
// stories: medium 428 / 484 → 440 / 481 expert answers held, long
// 665 / 735 → 680 / 735, short 264 / 310 → 265 / 308.
func TestNoQuestion(t *testing.T) {
	doc := loadDoc(t, "testdata/momotaro.txt", "momotaro.txt")
	sum, err := New(Options{Source: staticSource("v", []*knowledge.Document{doc})}).Summary(context.Background(), SummaryRequest{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range splitSentences(sum.Text) {
		if s = strings.TrimRight(cite.Strip(s), " ”'\"’"); strings.HasSuffix(s, "?") || strings.HasSuffix(s, ":") {
			t.Errorf("the summary asks %q:\n%s", s, sum.Text)
		}
	}
}

// TestSentenceKinds: a summary leaves out a line of dialogue alone
// (onlySpeech), and prefers sentences that stand on their own to those
// that open with a pronoun or speak in the first or second person outside
// quotes (outOfContext); a quote's own "I" and the US written so do not
// count.
func TestSentenceKinds(t *testing.T) {
	for _, c := range []struct {
		s                    string
		speech, outOfContext bool
	}{
		{`"Must I go back?"`, true, false},
		{"‘Stop!’", true, false},
		{"“Go,” said he.", false, false},
		{`He said "no".`, false, true},
		{`"Yes," "no."`, false, false},
		{"He did not omit to ask Jonas if wolves were afraid of a drum.", false, true},
		{"Now I see quite well that he is frightened.", false, true},
		{"“This extreme response… is fully proportional,” PM Rama said.", false, true},
		{"Walter took his drum and went off alone to the wood to hunt wolves.", false, false},
		{"“I will have my revenge,” said the angry brother to his father.", false, false},
		{"The US and private sector representatives helped Albania recover.", false, false},
	} {
		if onlySpeech(c.s) != c.speech || outOfContext(c.s) != c.outOfContext {
			t.Errorf("%q: onlySpeech %v, outOfContext %v; want %v, %v", c.s, onlySpeech(c.s), outOfContext(c.s), c.speech, c.outOfContext)
		}
	}
}

func TestNoNearDuplicates(t *testing.T) {
	sum := longSummaryOf(t, "date 2022-09-07 Albania cut diplomatic ties with Iran after the July cyberattack on its government.\n\n"+
		"Albania cut diplomatic ties with Iran after the July cyberattack on its government systems.\n\n"+
		"The MEK settled in a camp near Durres in 2014 with some 3,000 members.\n\n"+
		"Edi Rama announced the decision in a video statement on Wednesday.\n", "dup.txt")
	if strings.Count(sum.Text, "Albania cut diplomatic ties") != 1 {
		t.Errorf("near-duplicate sentences both kept:\n%s", sum.Text)
	}
	if !strings.Contains(sum.Text, "MEK") || !strings.Contains(sum.Text, "Edi Rama") {
		t.Errorf("summary lost distinct sentences:\n%s", sum.Text)
	}
	// document order
	if strings.Index(sum.Text, "Albania cut") > strings.Index(sum.Text, "MEK") || strings.Index(sum.Text, "MEK") > strings.Index(sum.Text, "Edi Rama") {
		t.Errorf("sentences not in document order:\n%s", sum.Text)
	}
}

func TestFocus(t *testing.T) {
	s := offline(t)
	sum, err := s.Summary(context.Background(), SummaryRequest{Focus: "the MEK"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.NotCovered || len(sum.Citations) == 0 {
		t.Fatalf("focus on the MEK found nothing: %+v", sum)
	}
	for _, para := range parseCited(sum.Text) {
		for _, se := range para {
			if !strings.Contains(se.text, "MEK") {
				t.Errorf("focus summary sentence does not concern the MEK: %q", se.text)
			}
		}
	}
	assertAllCited(t, sum.Text, sum.Citations)

	none, err := s.Summary(context.Background(), SummaryRequest{Focus: "the Moon landing"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !none.NotCovered || len(none.Citations) != 0 || !strings.Contains(none.Text, "Moon landing") || len(cite.Find(none.Text)) > 0 {
		t.Errorf("a focus that matches nothing must say so without a summary: %+v", none)
	}
	if none.Citations == nil {
		t.Error("citations must be [] not null")
	}
}

func TestUnknownDocument(t *testing.T) {
	docs := append(storyDocs(t), parseDoc("Some other text about nothing in particular at all.\n", "notes/other.md"))
	s := New(Options{Source: staticSource("v", docs)})
	_, err := s.Summary(context.Background(), SummaryRequest{Doc: "albania cuts ties with iraq"}, nil)
	var ue *Error
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want *Error", err)
	}
	if len(ue.Closest) == 0 || ue.Closest[0] != "Albania-cuts-ties-with-Iran-2022-09-07.txt" || !strings.Contains(ue.Msg, "Albania-cuts-ties-with-Iran-2022-09-07.txt") {
		t.Errorf("closest names not offered: %q %v", ue.Msg, ue.Closest)
	}
	_, err = s.Timeline(context.Background(), TimelineRequest{Doc: "nope"})
	if !errors.As(err, &ue) {
		t.Errorf("timeline: err = %v, want *Error", err)
	}
	// by title, by path, by file name without extension, case-insensitively, and by unique substring
	for _, name := range []string{"ALBANIA CUTS TIES WITH IRAN", "notes/other.md", "other", "cuts ties"} {
		sum, err := s.Summary(context.Background(), SummaryRequest{Doc: name}, nil)
		if err != nil {
			t.Errorf("doc %q: %v", name, err)
			continue
		}
		for _, c := range sum.Citations {
			if (name == "other" || name == "notes/other.md") != (c.Doc == "notes/other.md") {
				t.Errorf("doc %q: cites %s", name, c.Doc)
			}
		}
	}
	if _, err := s.Summary(context.Background(), SummaryRequest{Length: "huge"}, nil); !errors.As(err, &ue) {
		t.Errorf("unknown length: err = %v", err)
	}
	empty := New(Options{Source: staticSource("v", nil)})
	if _, err := empty.Summary(context.Background(), SummaryRequest{}, nil); !errors.As(err, &ue) {
		t.Errorf("empty folder: err = %v", err)
	}
}

func TestStoryTimeline(t *testing.T) {
	tl, err := offline(t).Timeline(context.Background(), TimelineRequest{})
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/story_timeline.txt", FormatTimeline(tl))
	golden.Check(t, "testdata/story_timeline.json", jsonOf(t, struct {
		Events []Event `json:"events"`
	}{tl.Events}))

	// every date as written must be normalised to what the story means
	right := map[string]string{
		"1978": "1978", "1981": "1981", "20 June 1981": "1981-06-20", "2014": "2014",
		"2022": "2022", "July 15": "2022-07-15", "on Wednesday": "2022-09-07",
	}
	pos := map[string]int{}
	for i, e := range tl.Events {
		want, ok := right[e.DateText]
		if !ok || e.Date != want {
			t.Errorf("event %d dated %q from %q; want %q", i, e.Date, e.DateText, want)
		}
		if len(e.Citations) != 1 || e.Citations[0].N == 0 || !strings.Contains(e.Citations[0].Text, e.DateText) {
			t.Errorf("event %d (%s) not cited to the passage holding its date: %+v", i, e.DateText, e.Citations)
		}
		if _, seen := pos[e.Date]; !seen {
			pos[e.Date] = i
		}
	}
	last := -1
	for _, d := range []string{"1978", "1981", "2014", "2022-07-15", "2022-09-07"} {
		p, ok := pos[d]
		if !ok {
			t.Errorf("timeline lacks %s", d)
			continue
		}
		if p < last {
			t.Errorf("%s out of order", d)
		}
		last = p
	}
}

// offlineTimeline returns the timeline, without a model, of one document
// made of text.
func offlineTimeline(t *testing.T, text, rel string) Timeline {
	t.Helper()
	s := New(Options{Source: staticSource("v", []*knowledge.Document{parseDoc(text, rel)})})
	tl, err := s.Timeline(context.Background(), TimelineRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

func TestTimelineWithoutDates(t *testing.T) {
	tl := offlineTimeline(t, "The embassy did not comment on the move right away.\n\nThe statement further read that the government was responsible.\n", "nodates.txt")
	if tl.Events == nil || len(tl.Events) != 0 || !strings.Contains(tl.Note, "No dated events") {
		t.Errorf("want an empty timeline that says so, got %+v", tl)
	}
	golden.Check(t, "testdata/nodates_timeline.txt", FormatTimeline(tl))
}

func TestTimelineUnresolvedDates(t *testing.T) {
	// no document date: "July 15" and "on Friday" cannot be normalised
	tl := offlineTimeline(t, "The attack came on July 15 and hit the ministries.\n\nThe group arrived in 2014 and settled near Durres.\n\nThe ministers met on Friday to decide.\n\nIn March the talks resumed.\n", "undated.txt")
	var got []string
	for _, e := range tl.Events {
		got = append(got, e.Date+"|"+e.DateText)
		if (e.Date == "") != e.Unresolved {
			t.Errorf("event %q: Unresolved=%v with date %q", e.DateText, e.Unresolved, e.Date)
		}
	}
	want := []string{"2014|2014", "|March", "|July 15", "|on Friday"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("events = %v, want %v (resolved first, then by what is known)", got, want)
	}
	golden.Check(t, "testdata/undated_timeline.txt", FormatTimeline(tl))
	golden.Check(t, "testdata/undated_timeline.json", jsonOf(t, struct {
		Events []Event `json:"events"`
	}{tl.Events}))
}

func TestCachePerVersion(t *testing.T) {
	version := "v1"
	docs := storyDocs(t)
	m := &fakeModel{complete: echoModel}
	s := New(Options{Source: func() (string, []*knowledge.Document) { return version, docs }, Model: m, Prompts: defaultPrompts()})
	ctx := context.Background()
	first, err := s.Summary(ctx, SummaryRequest{Length: Short}, nil)
	if err != nil || first.Cached || first.Calls == 0 {
		t.Fatalf("first: cached=%v calls=%d err=%v", first.Cached, first.Calls, err)
	}
	n := len(m.requests())
	again, _ := s.Summary(ctx, SummaryRequest{Length: Short}, nil)
	if !again.Cached || again.Text != first.Text || len(m.requests()) != n {
		t.Errorf("second call not served from the cache (cached=%v, %d→%d calls)", again.Cached, n, len(m.requests()))
	}
	other, _ := s.Summary(ctx, SummaryRequest{Length: Medium}, nil)
	focus, _ := s.Summary(ctx, SummaryRequest{Length: Short, Focus: "the MEK"}, nil)
	if other.Cached || focus.Cached {
		t.Error("a different length or focus was served from the cache")
	}
	tl1, _ := s.Timeline(ctx, TimelineRequest{})
	tl2, _ := s.Timeline(ctx, TimelineRequest{})
	if tl1.Cached || !tl2.Cached {
		t.Errorf("timeline cache: %v %v", tl1.Cached, tl2.Cached)
	}
	version = "v2"
	fresh, _ := s.Summary(ctx, SummaryRequest{Length: Short}, nil)
	tl3, _ := s.Timeline(ctx, TimelineRequest{})
	if fresh.Cached || tl3.Cached || fresh.Version != "v2" {
		t.Error("cache not dropped when the knowledge version changed")
	}
}

func TestModelSummaryCitationsChecked(t *testing.T) {
	// The model cites [3] first, invents [42], and writes one sentence with
	// no citation: [42] goes, the uncited sentence goes, [3] becomes [1].
	m := &fakeModel{complete: func(req chat.Request) (string, error) {
		return "Albania cut ties with Iran on Wednesday [3][42]. The weather was fine. Edi Rama announced it [1, 3].\n\nThe MEK came in 2014 [42].", nil
	}}
	s := New(Options{Source: staticSource("v", storyDocs(t)), Model: m, Prompts: defaultPrompts()})
	var streamed strings.Builder
	sum, err := s.Summary(context.Background(), SummaryRequest{}, func(d string) { streamed.WriteString(d) })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Mode != answer.ModeLLM || sum.Calls != 1 {
		t.Fatalf("mode %s calls %d", sum.Mode, sum.Calls)
	}
	if got := sum.Text; got != "Albania cut ties with Iran on Wednesday. [1] Edi Rama announced it. [2] [1]" {
		t.Errorf("checked text = %q", got)
	}
	if len(sum.Citations) != 2 || sum.Citations[0].Location != storyDocs(t)[0].Passages[2].Location() {
		t.Errorf("citations not renumbered by first use: %+v", sum.Citations)
	}
	if len(sum.Warnings) != 2 {
		t.Errorf("warnings = %q, want the removed marker and sentences reported", sum.Warnings)
	}
	if !strings.Contains(streamed.String(), "The weather was fine") {
		t.Errorf("final step not streamed: %q", streamed.String())
	}
	golden.Check(t, "testdata/prompt_summary_direct.txt", renderRequest(m.requests()[0]))
}

func renderRequest(r chat.Request) string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.WriteString("=== " + m.Role + "\n" + m.Content + "\n")
	}
	return b.String()
}

func TestModelFailureFallsBack(t *testing.T) {
	calls := 0
	m := &fakeModel{complete: func(req chat.Request) (string, error) {
		calls++
		return "", chat.ErrUnavailable
	}}
	s := New(Options{Source: staticSource("v", storyDocs(t)), Model: m, Prompts: defaultPrompts()})
	sum, err := s.Summary(context.Background(), SummaryRequest{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Mode != answer.ModeExtractive || len(sum.Warnings) == 0 || len(sum.Citations) == 0 {
		t.Errorf("want an extractive summary with a warning, got %+v", sum)
	}
	again, _ := s.Summary(context.Background(), SummaryRequest{}, nil)
	if again.Cached {
		t.Error("a fallback summary was cached")
	}
	tl, err := s.Timeline(context.Background(), TimelineRequest{})
	if err != nil || tl.Mode != answer.ModeExtractive || len(tl.Warnings) == 0 || len(tl.Events) < 5 {
		t.Errorf("timeline fallback: %v %+v", err, tl)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(Options{Source: staticSource("v2", storyDocs(t)), Model: m, Prompts: defaultPrompts()}).Summary(ctx, SummaryRequest{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

func TestModelTimeline(t *testing.T) {
	m := &fakeModel{complete: echoModel}
	s := New(Options{Source: staticSource("v", storyDocs(t)), Model: m, Prompts: defaultPrompts()})
	tl, err := s.Timeline(context.Background(), TimelineRequest{})
	if err != nil {
		t.Fatal(err)
	}
	off, _ := offline(t).Timeline(context.Background(), TimelineRequest{})
	if tl.Mode != answer.ModeLLM || tl.Calls != 1 || len(tl.Events) != len(off.Events) {
		t.Fatalf("mode %s, %d calls, %d events", tl.Mode, tl.Calls, len(tl.Events))
	}
	for i, e := range tl.Events {
		if e.Date != off.Events[i].Date || e.DateText != off.Events[i].DateText || e.Citations[0].N != off.Events[i].Citations[0].N {
			t.Errorf("event %d: the model changed its date or citation", i)
		}
		if len(strings.Fields(e.Text)) > 8 {
			t.Errorf("event %d: line not rewritten: %q", i, e.Text)
		}
	}
	golden.Check(t, "testdata/prompt_timeline.txt", renderRequest(m.requests()[0]))
}

// xquadDocs loads ../shared/eval/xquad_en/docs, or skips.
func xquadDocs(t testing.TB) []*knowledge.Document {
	dir := filepath.Join("..", "..", "..", "shared", "eval", "xquad_en", "docs")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("no xquad docs: %v", err)
	}
	var docs []*knowledge.Document
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".txt") {
			docs = append(docs, loadDoc(t, filepath.Join(dir, e.Name()), e.Name()))
		}
	}
	return docs
}

func TestMapReduceStaysWithinBudget(t *testing.T) {
	docs := xquadDocs(t)
	for _, budget := range []int{6000, 2000} {
		m := &fakeModel{complete: echoModel}
		s := New(Options{Source: staticSource("x", docs), Model: m, Prompts: defaultPrompts(), MaxContextTokens: budget})
		sum, err := s.Summary(context.Background(), SummaryRequest{Length: Medium}, nil)
		if err != nil {
			t.Fatal(err)
		}
		reqs := m.requests()
		if sum.Mode != answer.ModeLLM || sum.Calls != len(reqs) || len(reqs) < 3 {
			t.Fatalf("budget %d: mode %s, %d calls reported, %d made", budget, sum.Mode, sum.Calls, len(reqs))
		}
		maxUsed := 0
		for i, r := range reqs {
			used := requestTokens(EstimateTokens, r) + r.MaxTokens
			maxUsed = max(maxUsed, used)
			if used > budget || r.MaxTokens <= 0 {
				t.Errorf("budget %d: call %d uses %d tokens (max_tokens %d)", budget, i, used, r.MaxTokens)
			}
		}
		assertAllCited(t, sum.Text, sum.Citations)
		t.Logf("xquad_en, %d docs, budget %d tokens: %d model calls, largest prompt+reply %d tokens, %d citations", len(docs), budget, len(reqs), maxUsed, len(sum.Citations))
	}
}

func TestLongPassageIsSplit(t *testing.T) {
	long := strings.Repeat("The ministry reported another failure of the old systems in Tirana. ", 300)
	d := parseDoc(long, "long.txt")
	m := &fakeModel{complete: echoModel}
	s := New(Options{Source: staticSource("v", []*knowledge.Document{d}), Model: m, Prompts: defaultPrompts(), MaxContextTokens: 1500})
	sum, err := s.Summary(context.Background(), SummaryRequest{Length: Short}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range m.requests() {
		if used := requestTokens(EstimateTokens, r) + r.MaxTokens; used > 1500 {
			t.Errorf("call %d uses %d tokens", i, used)
		}
	}
	if sum.Mode != answer.ModeLLM || len(sum.Citations) != 1 {
		t.Errorf("mode %s, citations %+v", sum.Mode, sum.Citations)
	}
}

func TestBudgetTooSmall(t *testing.T) {
	m := &fakeModel{complete: echoModel}
	s := New(Options{Source: staticSource("v", storyDocs(t)), Model: m, Prompts: defaultPrompts(), MaxContextTokens: 300})
	sum, err := s.Summary(context.Background(), SummaryRequest{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Mode != answer.ModeExtractive || len(m.requests()) != 0 || len(sum.Warnings) == 0 {
		t.Errorf("a budget too small must fall back without calling: mode %s, %d calls", sum.Mode, len(m.requests()))
	}
}

// TestShortSummaryEnds: the short summary of one story (what "what is this
// story about?" gets) holds how it ends, so that it does not stop at the
// set-up, with its speech tag and speech together; a paper's end
// (references, thanks) is not its summary.
func TestShortSummaryEnds(t *testing.T) {
	doc, err := knowledge.ParseFile(context.Background(), "testdata", "goats.txt", knowledge.Options{}) // as the bot reads it
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Source: staticSource("v", []*knowledge.Document{doc})})
	sum, err := s.Summary(context.Background(), SummaryRequest{Length: Short}, nil)
	if err != nil || !strings.HasSuffix(sum.Text, `"The wolf is dead, the wolf is dead!" they cried, and taking hands, they danced with their mother all about the place. [3]`) ||
		strings.Contains(sum.Text, "and cried, [") {
		t.Errorf("want the story's end last:\n%s", sum.Text)
	}
	// not the line that brings in the dwarfs' song ("… danced round it,
	// singing:"), but the sentence after the song, though it opens "That
	// evening"
	doc, err = knowledge.ParseFile(context.Background(), "testdata", "brownie.txt", knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err = New(Options{Source: staticSource("v", []*knowledge.Document{doc})}).Summary(context.Background(), SummaryRequest{Length: Short}, nil)
	if err != nil || !strings.HasSuffix(sum.Text, "while Barbaik was glad to find work in the market of Morlaix. [3]") {
		t.Errorf("want the tale's last sentence last:\n%s", sum.Text)
	}
}

// TestLongerSummaryEnds: a tale's medium and long summaries hold how it
// ends and begins too ("Can you give me a short summary of Jamie Freel and
// the Young Lady?" got six sentences, four of its first third, and no
// wedding); a dated report's do not (its medium summary gives Edi Rama's
// announcement instead: TestStoryMediumNamesTheFacts).
func TestLongerSummaryEnds(t *testing.T) {
	doc, err := knowledge.ParseFile(context.Background(), "testdata", "goats.txt", knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Source: staticSource("v", []*knowledge.Document{doc})})
	for _, l := range []Length{Medium, Long} {
		sum, err := s.Summary(context.Background(), SummaryRequest{Length: l}, nil)
		if err != nil || !strings.Contains(sum.Text, `"The wolf is dead, the wolf is dead!" they cried, and taking hands, they danced with their mother all about the place. [`) {
			t.Errorf("%s: want the story's end:\n%s", l, sum.Text)
		}
	}
}

// TestShortSummaryEndsNotInFurniture: a page's last line about itself
// ("Copyright 2022 The County Herald, all rights reserved …") is no end of the story.
func TestShortSummaryEndsNotInFurniture(t *testing.T) {
	s := New(Options{Source: staticSource("v", []*knowledge.Document{parseDoc("The council voted to close the old harbour bridge after the spring floods damaged its piers.\n\n"+
		"Repairs will take two years and cost the town most of its reserve fund, the mayor said.\n\n"+
		"Ferries will carry foot passengers across the river until the bridge opens again next summer.\n\n"+
		"Copyright 2022 The County Herald, all rights reserved and reproduced with the permission of its editors.\n", "bridge.txt")})})
	sum, err := s.Summary(context.Background(), SummaryRequest{Length: Short}, nil)
	if err != nil || strings.Contains(sum.Text, "Copyright") || !strings.Contains(sum.Text, "Ferries will carry") {
		t.Errorf("want the last sentence of the story, not the page's:\n%s", sum.Text)
	}
}

// TestShortSummaryBegins: the short summary of a tale holds how it begins,
// the first whole sentence of its first six that names someone (Jack my
// Hedgehog's began "The King said 'Yes,' and gave Jack a written promise":
// who the story is about was left out); not a first sentence of scenery.
func TestShortSummaryBegins(t *testing.T) {
	doc, err := knowledge.ParseFile(context.Background(), "testdata", "hedgehog.txt", knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := New(Options{Source: staticSource("v", []*knowledge.Document{doc})}).Summary(context.Background(), SummaryRequest{Length: Short}, nil)
	if err != nil || !strings.HasPrefix(sum.Text, "There was once a farmer who lived in great comfort. [1]") {
		t.Errorf("want the tale's premise first:\n%s", sum.Text)
	}
	pie, err := knowledge.ParseFile(context.Background(), "testdata", "pie.txt", knowledge.Options{}) // it ends with Ribby's words: no sentence closes it
	if err != nil {
		t.Fatal(err)
	}
	sum, err = New(Options{Source: staticSource("v", []*knowledge.Document{pie})}).Summary(context.Background(), SummaryRequest{Length: Short}, nil)
	if err != nil || !strings.Contains(sum.Text, "ONCE upon a time there was a Pussy-cat called Ribby, who invited a little dog called Duchess to tea. [1]") {
		t.Errorf("want the tale's premise, though no sentence closes it:\n%s", sum.Text)
	}
	lake := sentencesOf(textan.English(), []*knowledge.Document{parseDoc("Some twenty miles east of Gingdschou lies the Lake of the Maidens.\n\nThe lake was deep and its shore was cold as ice in winter.\n\nNo road led there from the valley, and the boats went out at dawn.\n\nAnd so it stays to this very day, as the old songs tell us all.\n", "lake.txt")})
	if got := premiseSentence(lake); got >= 0 {
		t.Errorf("scenery taken for the premise: sentence %d", got)
	}
}

// TestTaggedSpeech: a short quotation with no more than its speech tag
// ("'You shall be that,' says Seven Inches.") is a character's words, which
// no summary quotes; a statement quoted at length, or narration around a
// quotation, is not.
func TestTaggedSpeech(t *testing.T) {
	for s, want := range map[string]bool{
		`'You shall be that,' says Seven Inches.`:       true,
		`'The other princes didn't think so,' says he.`: true,
		`"Take me with you," said the cat.`:             true,
		`"Oh, I didn't put one in, my dear Duchess," said Ribby; "I don't think that it is necessary in pies made of mouse."`:                          true, // a dialogue's line, however long
		`“The in-depth investigation provided us with indisputable evidence that the cyberattack against our country was orchestrated,” PM Rama said.`: false,
		`The princess stood there, blushing, bowed to him and said: "We will probably never see each other again!"`:                                    false,
		`He said 'no' to the king's men who came.`:       false,
		`There was once a king who had three daughters.`: false,
	} {
		if got := taggedSpeech(s); got != want {
			t.Errorf("taggedSpeech(%q) = %v", s, got)
		}
	}
}

// TestFragment: what opens with a small letter or a parenthesis is the
// rest of a sentence split inside it, which no summary quotes.
func TestFragment(t *testing.T) {
	for s, want := range map[string]bool{
		`(Hound of Culain) and thenceforward he went by this name.`: true,
		`and so they lived happily ever after.`:                     true,
		`"Do not grieve for thy dog, O Culain," said Setanta.`:      false,
		`1981 was the year of the protests.`:                        false,
	} {
		if got := fragment(s); got != want {
			t.Errorf("fragment(%q) = %v", s, got)
		}
	}
}

// TestHalfSpeech: a sentence that begins or ends inside a quotation is half
// a speech, which a summary does not quote; a whole one, or none, is not.
func TestHalfSpeech(t *testing.T) {
	for s, want := range map[string]bool{
		`My fast has hardly been broken," said the cat.`:           true,
		`"Good-day, cat! Have you had anything to eat yet to-day?`: true,
		`"Good-day, moon in a cloud," said the cat.`:               false,
		`Once upon a time there was a man who had a cat.`:          false,
	} {
		if got := halfSpeech(s); got != want {
			t.Errorf("halfSpeech(%q) = %v", s, got)
		}
	}
}

// TestOneSentence: a summary "in one sentence" (or a headline) is one
// cited sentence: the report's most central, the lede, and a tale's
// premise, who it is about as it begins (new users got the short
// summary's three sentences).
func TestOneSentence(t *testing.T) {
	sum, err := offline(t).Summary(context.Background(), SummaryRequest{Length: Sentence}, nil)
	if err != nil || !strings.HasPrefix(sum.Text, "Iran’s July cyberattack on Albania proved to be the final straw") || strings.Count(sum.Text, "[") != 1 {
		t.Errorf("%v\n%s", err, sum.Text)
	}
	assertAllCited(t, sum.Text, sum.Citations)
	doc, err := knowledge.ParseFile(context.Background(), "testdata", "goats.txt", knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err = New(Options{Source: staticSource("v", []*knowledge.Document{doc})}).Summary(context.Background(), SummaryRequest{Length: Sentence}, nil)
	if err != nil || strings.Count(sum.Text, "[") != 1 || strings.Contains(sum.Text, "The wolf is dead") {
		t.Errorf("a tale in one sentence, its premise:\n%s", sum.Text)
	}
	if _, err := ParseLength("Sentence"); err != nil {
		t.Error(err)
	}
}

// TestBulleted: a summary asked as bullet points is a list, a sentence and
// its markers a line ("Give me a quick summary of the report in 3 bullet
// points." was a paragraph); the same sentences, the same citations.
func TestBulleted(t *testing.T) {
	s := offline(t)
	plain, err := s.Summary(context.Background(), SummaryRequest{Length: Short}, nil)
	if err != nil {
		t.Fatal(err)
	}
	listed, err := s.Summary(context.Background(), SummaryRequest{Length: Short, Bullets: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(listed.Text, "\n")
	if len(lines) < 2 || len(listed.Citations) != len(plain.Citations) {
		t.Fatalf("bulleted:\n%s\nplain:\n%s", listed.Text, plain.Text)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "- ") || len(cite.Find(l)) == 0 {
			t.Errorf("line %q: want \"- \", a sentence and its markers", l)
		}
	}
	if got := strings.Join(strings.Fields(strings.ReplaceAll(listed.Text, "\n- ", " ")[2:]), " "); got != strings.Join(strings.Fields(plain.Text), " ") {
		t.Errorf("bulleted %q\nwant the plain text %q", got, plain.Text)
	}
	if got := Bulleted("One. [1] Two [2][3] three. [4] And a tail"); got != "- One. [1]\n- Two [2][3]\n- three. [4]\n- And a tail" {
		t.Errorf("Bulleted: %q", got)
	}
}
