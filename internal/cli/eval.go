package cli

import (
	"context"
	"encoding/json"
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
	segments  int // --segments: split the index by document, as the library does for large folders
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
// index over all the --knowledge folders, and the JSON report being built.
type evalRun struct {
	flags     evalFlags
	questions []eval.Question
	docs      []*knowledge.Document
	index     answer.Retriever // one *search.Index, or segments searched together
	report    *evalReport
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
	Bytes    int64 `json:"bytes"`    // passage text
	BuildMS  int64 `json:"build_ms"` // search.Build
	LoadMS   int64 `json:"load_ms"`  // knowledge.Load of every folder
	Skipped  int   `json:"skipped"`  // files skipped by the loader
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

// evalSections returns the blocks that eval runs, in order. Retrieval always
// runs; the answer pipeline's block (--answers) is added here as
// runAnswers when it exists.
func evalSections(fl evalFlags) []evalSection {
	s := []evalSection{noteMissingGold, runRetrieval}
	if fl.answers {
		s = append(s, runAnswersHook)
	}
	return s
}

// runAnswersHook runs the answers block (cli/eval_answers.go).
func runAnswersHook(ctx context.Context, e *Env, r *evalRun, w io.Writer) error {
	return runAnswers(ctx, e, r, w)
}

// cmdEval measures retrieval on a question set:
// storybot eval --questions FILE.jsonl [--knowledge DIR]... [--k 1,3,5,10] [--json].
func cmdEval(ctx context.Context, e *Env, args []string) error {
	var fl evalFlags
	fs := e.newFlagSet("eval")
	fs.Lookup("knowledge").Value = dirList{&fl.dirs}
	fs.Lookup("knowledge").Usage = "knowledge folder to index; repeat to add folders (distractors); default KNOWLEDGE_DIR"
	fs.StringVar(&fl.questions, "questions", "", "questions file (JSONL: question, answers, gold_doc or gold_docs)")
	kList := fs.String("k", "1,3,5,10", "cut-offs for recall@k and answer-in-passages@k")
	fs.BoolVar(&fl.json, "json", false, "print one JSON document")
	fs.BoolVar(&fl.answers, "answers", false, "also measure the answers (needs the answer pipeline)")
	// tuning knobs, for measuring alternatives; 0 keeps the built-in default
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
	fs.IntVar(&fl.search.PerDoc, "per-doc", 0, "tuning: passages of one document before others' (0: default, <0: off)")
	fs.Float64Var(&fl.search.NeighborWeight, "neighbor-weight", 0, "tuning: neighbouring passage evidence (0: default, <0: none)")
	fs.IntVar(&fl.search.FeedbackDocs, "fb-docs", 0, "tuning: pseudo-relevance feedback passages (0: default, <0: off)")
	fs.IntVar(&fl.search.FeedbackTerms, "fb-terms", 0, "tuning: feedback terms (0: default)")
	fs.Float64Var(&fl.search.FeedbackWeight, "fb-weight", 0, "tuning: feedback term weight (0: default)")
	fs.Float64Var(&fl.search.DocIDF, "doc-idf", 0, "tuning: share of document-level IDF in term weights (0: default, <0: none)")
	fs.Float64Var(&fl.search.DocWeight, "doc-weight", 0, "tuning: document-level evidence weight (0: default, <0: none)")
	pos, err := e.parseFlags(fs, args)
	if err == errHelp {
		return nil
	}
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("eval: unexpected argument %q (see 'storybot eval --help')", pos[0])
	}
	if fl.questions == "" {
		return usageErrorf("eval: --questions FILE.jsonl is required (see 'storybot eval --help')")
	}
	if fl.ks, err = eval.ParseKs(*kList); err != nil {
		return usageErrorf("eval: --k: %v", err)
	}
	if len(fl.dirs) == 0 {
		fl.dirs = []string{e.Config.KnowledgeDir}
	}
	f, err := os.Open(fl.questions)
	if err != nil {
		return usageErrorf("eval: cannot open the questions file: %v", err)
	}
	qs, err := eval.ReadQuestions(f)
	f.Close()
	if err != nil {
		return usageErrorf("eval: %s: %v", fl.questions, err)
	}
	if len(qs) == 0 {
		return usageErrorf("eval: %s has no questions (want one JSON object a line: question, answers, gold_doc or gold_docs)", fl.questions)
	}

	r := &evalRun{flags: fl, questions: qs, report: &evalReport{Extra: map[string]any{}}}
	loadOpts := fl.load
	loadOpts.MaxFileBytes = e.Config.MaxFileBytes
	start := time.Now()
	for _, dir := range fl.dirs {
		docs, skipped, err := knowledge.Load(ctx, dir, loadOpts)
		if err != nil {
			return err
		}
		for _, s := range skipped {
			e.Log.Warn("skipped file", "dir", dir, "file", s.Path, "reason", s.Reason)
		}
		r.report.Index.Skipped += len(skipped)
		r.docs = append(r.docs, docs...)
	}
	r.report.Index.LoadMS = time.Since(start).Milliseconds()
	if len(r.docs) == 0 {
		e.Log.Warn("no documents to index", "dirs", strings.Join(fl.dirs, ", "))
	}
	searchOpts := fl.search
	searchOpts.Log = e.Log
	start = time.Now()
	var st search.Stats
	if fl.segments > 1 {
		r.index, st, err = buildSegments(ctx, r.docs, fl.segments, searchOpts)
	} else {
		var ix *search.Index
		ix, err = search.Build(ctx, r.docs, searchOpts)
		r.index = ix
		if err == nil {
			st = ix.Stats()
		}
	}
	if err != nil {
		return fmt.Errorf("eval: build index: %w", err)
	}
	r.report.Index.BuildMS = time.Since(start).Milliseconds()
	r.report.Index.Docs, r.report.Index.Passages, r.report.Index.Bytes = st.Docs, st.Passages, st.TextBytes

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

// runRetrieval runs every question through the index at the deepest k and
// fills the retrieval metrics.
func runRetrieval(ctx context.Context, e *Env, r *evalRun, w io.Writer) error {
	depth := r.flags.ks[len(r.flags.ks)-1]
	outcomes := make([]eval.Outcome, 0, len(r.questions))
	for _, q := range r.questions {
		start := time.Now()
		hits, err := r.index.Search(ctx, q.Question, depth)
		lat := time.Since(start)
		if err != nil {
			return fmt.Errorf("eval: question %s: %w", q.ID, err)
		}
		o := eval.Outcome{Question: q, Latency: lat}
		for _, h := range hits {
			o.Retrieved = append(o.Retrieved, eval.Retrieved{Doc: h.Passage.Doc, Location: h.Passage.Location(), Text: h.Passage.Text})
		}
		outcomes = append(outcomes, o)
	}
	r.report.Metrics = eval.Compute(outcomes, r.flags.ks, 0)
	writeRetrievalText(w, r.report, r.flags.ks)
	return nil
}

// ratioText prints a share of n things, or n/a when there were none (JSON
// then has 0 beside its count of 0).
func ratioText(v float64, n int) string {
	if n == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.4f", v)
}

func writeRetrievalText(w io.Writer, rep *evalReport, ks []int) {
	m := rep.Metrics
	ix := rep.Index
	fmt.Fprintf(w, "questions   %d scored", m.Questions)
	if m.OutOfScope > 0 {
		fmt.Fprintf(w, " (%d out of scope, not scored)", m.OutOfScope)
	}
	fmt.Fprintf(w, "\nindex       %d docs, %d passages, %d bytes of text; loaded in %d ms, built in %d ms\n", ix.Docs, ix.Passages, ix.Bytes, ix.LoadMS, ix.BuildMS)
	fmt.Fprintf(w, "\n%-6s %8s %8s\n", "k", "recall", "answer")
	for _, k := range ks {
		key := fmt.Sprint(k)
		fmt.Fprintf(w, "%-6d %8s %8s\n", k, ratioText(m.Recall[key], m.Questions), ratioText(m.AnswerInPassages[key], m.Questions))
	}
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
