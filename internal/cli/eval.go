package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"storybot/internal/answer"
	"storybot/internal/eval"
	"storybot/internal/knowledge"
	"storybot/internal/search"
)

// evalFlags are the flags of storybot eval.
type evalFlags struct {
	questions string
	dirs      []string
	ks        []int
	json      bool
	answers   bool // --answers: also measure the answer pipeline (see evalSections)
	load      knowledge.Options
	search    search.Options
	segments  int         // --segments: split the index by document, as the library does for large folders
	perDoc    bool        // --per-doc: one index per gold document, each question asked of its own (see eval_perdoc.go)
	oos       string      // --out-of-scope FILE: questions to ask that the right reply refuses
	heldOut   bool        // --held-out: ask each question of its document without its gold lines (eval_heldout.go)
	typed     eval.Typing // --lower, --typos: every question as people type in chat
}

// dirList collects a repeated --knowledge flag.
type dirList struct{ dirs *[]string }

func (d dirList) String() string {
	if d.dirs == nil {
		return ""
	}
	return strings.Join(*d.dirs, ",")
}
func (d dirList) Set(s string) error { *d.dirs = append(*d.dirs, s); return nil }

// evalRun is what every metric block of eval works with: the questions, the
// indexes they are asked of, and the JSON report being built.
type evalRun struct {
	flags     evalFlags
	questions []eval.Question
	oos       []eval.Question // the --out-of-scope file's questions
	docs      []*knowledge.Document
	// units are the indexes and the questions asked of each: one over all
	// the --knowledge folders, or one per gold document with --per-doc.
	units  []*evalUnit
	report *evalReport
}

// evalUnit is one index and the questions asked of it.
type evalUnit struct {
	name      string                // the gold document's file name with --per-doc, else ""
	docs      []*knowledge.Document // what index holds
	index     answer.Retriever      // one *search.Index, or segments searched together
	stats     search.Stats
	questions []int            // positions in evalRun.questions
	oos       []int            // positions in evalRun.oos
	pipe      *answer.Pipeline // made by the answer blocks on first use (evalRun.pipeline)
	once      bool             // made for one block (--held-out): its index is freed after it
}

// segmented is an index split by document into segments, searched as the
// library searches a large folder (search.SearchSegments).
type segmented []*search.Index

func (s segmented) Search(ctx context.Context, q string, k int) ([]search.Hit, error) {
	return search.SearchSegments(ctx, s, q, k)
}

// buildSegments indexes docs in n segments, each document in one, assigned
// in turn (the library assigns them by a hash of the path; either way each
// segment is a sample of the collection).
func buildSegments(ctx context.Context, docs []*knowledge.Document, n int, opts search.Options) (segmented, search.Stats, error) {
	parts := make([][]*knowledge.Document, n)
	for i, d := range docs {
		parts[i%n] = append(parts[i%n], d)
	}
	var st search.Stats
	segs := make(segmented, n)
	opts = opts.ForCollection(len(docs))
	for i, part := range parts {
		ix, err := search.Build(ctx, part, opts)
		if err != nil {
			return nil, st, err
		}
		segs[i] = ix
		s := ix.Stats()
		st.Docs, st.Passages, st.Terms, st.TextBytes = st.Docs+s.Docs, st.Passages+s.Passages, st.Terms+s.Terms, st.TextBytes+s.TextBytes
	}
	return segs, st, nil
}

// evalIndexStats are the "index" numbers of the eval report.
type evalIndexStats struct {
	Docs     int   `json:"docs"`
	Passages int   `json:"passages"`
	Bytes    int64 `json:"bytes"`             // passage text
	BuildMS  int64 `json:"build_ms"`          // search.Build
	LoadMS   int64 `json:"load_ms"`           // knowledge.Load of every folder
	Skipped  int   `json:"skipped"`           // files skipped by the loader
	Indexes  int   `json:"indexes,omitempty"` // with --per-doc: the indexes built, one per gold document
}

// evalReport is the JSON document of storybot eval: the retrieval metrics at
// the top level (questions, recall, mrr, answer_in_passages, latency_ms,
// misses), the index statistics, and one key per extra block.
type evalReport struct {
	eval.Metrics
	Index evalIndexStats `json:"index"`
	// Extra holds the results of additional blocks (e.g. "answers") by key.
	Extra map[string]any `json:"-"`
}

func (r *evalReport) MarshalJSON() ([]byte, error) {
	type plain evalReport
	b, err := json.Marshal((*plain)(r))
	if err != nil || len(r.Extra) == 0 {
		return b, err
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range r.Extra {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		m[k] = raw
	}
	return json.Marshal(m)
}

// evalSection is one block of metrics: it runs over r, stores its JSON
// result in r.report (Extra[key] for new blocks) and writes its text-mode
// lines to w.
type evalSection func(ctx context.Context, e *Env, r *evalRun, w io.Writer) error

// evalSections returns the blocks that eval runs, in order: retrieval
// always, then the answer pipeline's block (--answers) and the
// out-of-scope block (--out-of-scope).
func evalSections(fl evalFlags) []evalSection {
	s := []evalSection{noteMissingGold, runRetrieval}
	if fl.answers {
		s = append(s, runAnswersHook)
	}
	if fl.oos != "" {
		s = append(s, runOutOfScope)
	}
	if fl.heldOut {
		s = append(s, runHeldOut)
	}
	return s
}

// runAnswersHook runs the answers block (cli/eval_answers.go).
func runAnswersHook(ctx context.Context, e *Env, r *evalRun, w io.Writer) error {
	return runAnswers(ctx, e, r, w)
}

// cmdEval measures retrieval on a question set:
// storybot eval --questions FILE.jsonl [--knowledge DIR]... [--k 1,3,5,10]
// [--per-doc] [--answers] [--out-of-scope FILE] [--held-out] [--json].
func cmdEval(ctx context.Context, e *Env, fs *flag.FlagSet, args []string) error {
	fl, err := parseEvalFlags(e, fs, args)
	if err != nil {
		return err
	}
	r := &evalRun{flags: fl, report: &evalReport{Extra: map[string]any{}}}
	if r.questions, err = readQuestionsFile(fl.questions, "--questions"); err != nil {
		return err
	}
	if fl.oos != "" {
		if r.oos, err = readQuestionsFile(fl.oos, "--out-of-scope"); err != nil {
			return err
		}
	}
	for _, qs := range [][]eval.Question{r.questions, r.oos} {
		for i := range qs {
			qs[i].Question = fl.typed.Apply(qs[i].Question)
		}
	}
	if err := r.load(ctx, e); err != nil {
		return err
	}
	if err := r.buildUnits(ctx, e); err != nil {
		return err
	}
	var text strings.Builder
	for _, sec := range evalSections(fl) {
		if err := sec(ctx, e, r, &text); err != nil {
			return err
		}
	}
	if fl.json {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r.report)
	}
	_, err = io.WriteString(e.Stdout, text.String())
	return err
}

// parseEvalFlags parses eval's arguments with fs; usage errors exit 2.
func parseEvalFlags(e *Env, fs *flag.FlagSet, args []string) (evalFlags, error) {
	var fl evalFlags
	fs.Lookup("knowledge").Value = dirList{&fl.dirs}
	fs.Lookup("knowledge").Usage = "knowledge folder to index; repeat to add folders (distractors); default KNOWLEDGE_DIR"
	fs.StringVar(&fl.questions, "questions", "", "questions file (JSONL: question, answers, gold_doc or gold_docs; optional gold_lines, explicit, in_scope)")
	kList := fs.String("k", "1,3,5,10", "cut-offs for recall@k and answer-in-passages@k")
	fs.BoolVar(&fl.json, "json", false, "print one JSON document")
	fs.BoolVar(&fl.answers, "answers", false, "also measure the answers (needs the answer pipeline)")
	fs.BoolVar(&fl.perDoc, "per-doc", false, "index each gold document alone and ask each question only of its own document's index (the bot of one story)")
	fs.StringVar(&fl.oos, "out-of-scope", "", "also ask these questions (JSONL), which no document answers, and report the share refused; with --per-doc each is asked of a sample of the documents")
	fs.BoolVar(&fl.heldOut, "held-out", false, "with --per-doc: also ask each explicit question with gold_lines of its document with those lines blanked, where the right reply is a refusal (questions about the story that it does not answer)")
	fs.BoolVar(&fl.typed.Lower, "lower", false, "ask every question in lower case, as people often type in chat")
	fs.BoolVar(&fl.typed.Typos, "typos", false, "ask every question with one typo: the middle letters of its longest word of six letters or more swapped")
	addTuningFlags(fs, &fl)
	pos, err := e.parseFlags(fs, args)
	if err != nil {
		return fl, err
	}
	if len(pos) > 0 {
		return fl, usageErrorf("eval: unexpected argument %q (see 'storybot eval --help')", pos[0])
	}
	if fl.questions == "" {
		return fl, usageErrorf("eval: --questions FILE.jsonl is required (see 'storybot eval --help')")
	}
	if fl.heldOut && !fl.perDoc {
		return fl, usageErrorf("eval: --held-out asks each question of its own document, so it needs --per-doc")
	}
	if fl.perDoc && fl.segments > 1 {
		return fl, usageErrorf("eval: --per-doc indexes one document at a time, so --segments cannot split it")
	}
	if fl.ks, err = eval.ParseKs(*kList); err != nil {
		return fl, usageErrorf("eval: --k: %v", err)
	}
	if len(fl.dirs) == 0 {
		fl.dirs = []string{e.Config.KnowledgeDir}
	}
	return fl, nil
}

// addTuningFlags adds the index's tuning knobs, for measuring alternatives;
// 0 keeps the built-in default.
func addTuningFlags(fs *flag.FlagSet, fl *evalFlags) {
	fs.IntVar(&fl.load.PassageChars, "passage-chars", 0, "tuning: target passage size in characters (0: default)")
	fs.IntVar(&fl.segments, "segments", 0, "split the index into this many segments by document and search them together, as the bot's library does for folders over 1 MB (0 or 1: one index)")
	fs.Float64Var(&fl.search.K1, "k1", 0, "tuning: BM25 k1 (0: default)")
	fs.Float64Var(&fl.search.B, "b", 0, "tuning: BM25 b (0: default, <0: none)")
	fs.Float64Var(&fl.search.TitleWeight, "title-weight", 0, "tuning: title field weight (0: default, <0: none)")
	fs.Float64Var(&fl.search.SectionWeight, "section-weight", 0, "tuning: section heading weight (0: default, <0: none)")
	fs.Float64Var(&fl.search.ProxWeight, "prox-weight", 0, "tuning: proximity weight (0: default, <0: none)")
	fs.IntVar(&fl.search.ProxWindow, "prox-window", 0, "tuning: proximity window in terms (0: default)")
	fs.Float64Var(&fl.search.ProxWideWeight, "prox-wide-weight", 0, "tuning: weight of the second, sentence-sized proximity window (0: default, <0: none)")
	fs.IntVar(&fl.search.ProxWideWindow, "prox-wide-window", 0, "tuning: second proximity window in terms (0: default)")
	fs.Float64Var(&fl.search.PhraseWeight, "phrase-weight", 0, "tuning: weight of the query's term pairs found as phrases (0: default, <0: none)")
	fs.Float64Var(&fl.search.DocDecay, "doc-decay", 0, "tuning: score factor for each further passage of one document (0: default, <0: none)")
	fs.IntVar(&fl.search.DiverseAfter, "diverse-after", 0, "tuning: after this many passages, further documents' best passages first (0: default, <0: off)")
	fs.IntVar(&fl.search.PerDoc, "doc-cap", 0, "tuning: passages of one document before others' (0: default, <0: off)")
	fs.Float64Var(&fl.search.DocWeight, "doc-weight", 0, "tuning: document-level evidence weight (0: default, <0: none)")
}

// readQuestionsFile reads a JSONL questions file named by flag; a file that
// cannot be read or parsed, or holds no question, is a usage error.
func readQuestionsFile(file, flag string) ([]eval.Question, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, usageErrorf("eval: %s: cannot open the questions file: %v", flag, err)
	}
	defer f.Close()
	qs, err := eval.ReadQuestions(f)
	if err != nil {
		return nil, usageErrorf("eval: %s: %v", file, err)
	}
	if len(qs) == 0 {
		return nil, usageErrorf("eval: %s has no questions (want one JSON object a line: question, answers, gold_doc or gold_docs)", file)
	}
	return qs, nil
}

// load reads every --knowledge folder into r.docs.
func (r *evalRun) load(ctx context.Context, e *Env) error {
	loadOpts := r.flags.load
	loadOpts.MaxFileBytes = e.Config.MaxFileBytes
	start := time.Now()
	for _, dir := range r.flags.dirs {
		docs, skipped, err := knowledge.Load(ctx, dir, loadOpts)
		if err != nil {
			return fmt.Errorf("eval: load %s: %w", dir, err)
		}
		for _, s := range skipped {
			e.Log.Warn("skipped file", "dir", dir, "file", s.Path, "reason", s.Reason)
		}
		r.report.Index.Skipped += len(skipped)
		r.docs = append(r.docs, docs...)
	}
	r.report.Index.LoadMS = time.Since(start).Milliseconds()
	if len(r.docs) == 0 {
		e.Log.Warn("no documents to index", "dirs", strings.Join(r.flags.dirs, ", "))
	}
	return nil
}

// buildUnits makes the indexes the questions are asked of (one over every
// document, or with --per-doc one per gold document, built in parallel)
// and fills the "index" block of the report.
func (r *evalRun) buildUnits(ctx context.Context, e *Env) error {
	if r.flags.perDoc {
		units, err := perDocUnits(e, r.questions, len(r.oos), r.docs)
		if err != nil {
			return err
		}
		r.units = units
		r.report.Index.Indexes = len(units)
	} else {
		r.units = []*evalUnit{wholeUnit(r.docs, len(r.questions), len(r.oos))}
	}
	opts := r.flags.search
	opts.Log = e.Log
	start := time.Now()
	err := eachUnit(ctx, r.units, func(ctx context.Context, _ int, u *evalUnit) error {
		return u.build(ctx, r.flags.segments, opts)
	})
	if err != nil {
		return fmt.Errorf("eval: build index: %w", err)
	}
	r.report.Index.BuildMS = time.Since(start).Milliseconds()
	for _, u := range r.units {
		ix := &r.report.Index
		ix.Docs, ix.Passages, ix.Bytes = ix.Docs+u.stats.Docs, ix.Passages+u.stats.Passages, ix.Bytes+u.stats.TextBytes
	}
	return nil
}

// build indexes u.docs: one index, or segments when segments > 1.
func (u *evalUnit) build(ctx context.Context, segments int, opts search.Options) error {
	docs := u.docs
	if segments > 1 {
		segs, st, err := buildSegments(ctx, docs, segments, opts)
		u.index, u.stats = segs, st
		return err
	}
	ix, err := search.Build(ctx, docs, opts)
	if err != nil {
		return err
	}
	u.index, u.stats = ix, ix.Stats()
	return nil
}

// runRetrieval runs every question through its unit's index at the deepest
// k and fills the retrieval metrics.
func runRetrieval(ctx context.Context, e *Env, r *evalRun, w io.Writer) error {
	depth := r.flags.ks[len(r.flags.ks)-1]
	outcomes := make([]eval.Outcome, len(r.questions))
	err := eachUnit(ctx, r.units, func(ctx context.Context, _ int, u *evalUnit) error {
		for _, qi := range u.questions {
			q := r.questions[qi]
			start := time.Now()
			hits, err := u.index.Search(ctx, q.Question, depth)
			if err != nil {
				return fmt.Errorf("eval: question %s: %w", q.ID, err)
			}
			outcomes[qi] = eval.Outcome{Question: q, Latency: time.Since(start), Retrieved: retrieved(hits)}
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.report.Metrics = eval.Compute(outcomes, r.flags.ks, 0)
	if t := r.flags.typed; t.Lower || t.Typos {
		fmt.Fprintf(w, "asked       %s\n", t)
		r.report.Extra["asked"] = t.String()
	}
	writeRetrievalText(w, r.report, r.flags.ks)
	return nil
}

// retrieved turns search hits into what eval scores.
func retrieved(hits []search.Hit) []eval.Retrieved {
	out := make([]eval.Retrieved, len(hits))
	for i, h := range hits {
		p := h.Passage
		out[i] = eval.Retrieved{Doc: p.Doc, Location: p.Location(), Text: p.Text, StartLine: p.StartLine, EndLine: p.EndLine}
	}
	return out
}

// ratioText prints a share of n things, or n/a when there were none (JSON
// then has 0 beside its count of 0).
func ratioText(v float64, n int) string {
	if n == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.4f", v)
}

// writeRecallTable prints recall, answer in passages and, when the
// questions have gold_lines, passage recall, one row per k.
func writeRecallTable(w io.Writer, m eval.Metrics, ks []int) {
	passage := m.PassageRecall != nil
	fmt.Fprintf(w, "\n%-6s %8s %8s", "k", "recall", "answer")
	if passage {
		fmt.Fprintf(w, " %8s", "passage")
	}
	fmt.Fprintln(w)
	for _, k := range ks {
		key := fmt.Sprint(k)
		fmt.Fprintf(w, "%-6d %8s %8s", k, ratioText(m.Recall[key], m.Questions), ratioText(m.AnswerInPassages[key], m.Questions-m.Implicit))
		if passage {
			fmt.Fprintf(w, " %8s", ratioText(m.PassageRecall[key], m.PassageQuestions))
		}
		fmt.Fprintln(w)
	}
	if m.Implicit > 0 {
		fmt.Fprintf(w, "(answer: over the %d explicit questions; %d marked explicit: false are left out)\n", m.Questions-m.Implicit, m.Implicit)
	}
	if passage {
		fmt.Fprintf(w, "(passage: a top-k passage of a gold document overlaps its gold_lines; %d questions have them)\n", m.PassageQuestions)
	}
}

func writeRetrievalText(w io.Writer, rep *evalReport, ks []int) {
	m := rep.Metrics
	ix := rep.Index
	fmt.Fprintf(w, "questions   %d scored", m.Questions)
	if m.OutOfScope > 0 {
		fmt.Fprintf(w, " (%d out of scope, not scored)", m.OutOfScope)
	}
	fmt.Fprintf(w, "\nindex       ")
	if ix.Indexes > 0 {
		fmt.Fprintf(w, "%d indexes, one per gold document (--per-doc): ", ix.Indexes)
	}
	fmt.Fprintf(w, "%d docs, %d passages, %d bytes of text; loaded in %d ms, built in %d ms\n", ix.Docs, ix.Passages, ix.Bytes, ix.LoadMS, ix.BuildMS)
	writeRecallTable(w, m, ks)
	fmt.Fprintf(w, "\nMRR         %s\nlatency     p50 %.3f ms, p99 %.3f ms\n", ratioText(m.MRR, m.Questions), m.Latency.P50, m.Latency.P99)
	if m.Questions == 0 {
		fmt.Fprintf(w, "\nno question is scored (a question needs a gold_doc or gold_docs and must not be in_scope: false), so the ratios are n/a\n")
		return
	}
	if len(m.Misses) == 0 {
		fmt.Fprintf(w, "\nno misses at k=%d\n", m.MissK)
		return
	}
	fmt.Fprintf(w, "\nmisses at k=%d (%d):\n", m.MissK, len(m.Misses))
	for _, x := range m.Misses {
		rank := "not found"
		if x.Rank > 0 {
			rank = fmt.Sprintf("rank %d", x.Rank)
		}
		fmt.Fprintf(w, "  %s  %s\n      gold %s: %s; top: %s %s\n", x.ID, x.Question, x.Gold, rank, x.Top, x.TopAt)
	}
}
