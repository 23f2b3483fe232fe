package storyqa

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"storybot/internal/eval"
	"storybot/internal/knowledge"
	"storybot/internal/search"
)

// Options tune Measure; the zero value gives the defaults.
type Options struct {
	PassageChars int   // target size of the plain BM25's passages; 0 means 1,000
	Ks           []int // cut-offs of passage hit@k; nil means 1, 3, 5, 10
	Sentences    int   // sentences the sentence baseline keeps; 0 means 3
	Search       search.Options
	Load         knowledge.Options
}

func (o Options) withDefaults() Options {
	if o.PassageChars <= 0 {
		o.PassageChars = 1000
	}
	if len(o.Ks) == 0 {
		o.Ks = []int{1, 3, 5, 10}
	}
	if o.Sentences <= 0 {
		o.Sentences = 3
	}
	return o
}

// Result is what Measure found. The two Metrics are storybot eval's own
// (passage_recall is the passage hit@k; answer_in_passages counts the
// explicit questions only).
type Result struct {
	Stories   int
	Questions int // in-scope questions with a gold_doc and gold_lines
	Explicit  int // of them, with answers and not marked explicit: false
	BM25      eval.Metrics
	Storybot  eval.Metrics
	// BM25Same is the plain BM25 over storybot's own passages: the
	// ranking alone compared, without the passage splitting.
	BM25Same eval.Metrics
	// BM25Passages and StorybotPassages count the passages indexed, and
	// BM25Chars and StorybotChars their characters.
	BM25Passages, StorybotPassages int
	BM25Chars, StorybotChars       int
	// SentenceTop: share of the Explicit questions whose best Sentences
	// BM25 sentences of the story, joined, contain an answer (case and
	// white space ignored).
	SentenceTop float64
	// InStory: share of the Explicit questions whose answer occurs in the
	// story at all (case and white space ignored): the ceiling of answers
	// quoted from it.
	InStory float64
}

// story is one story file, indexed three ways.
type story struct {
	name      string
	text      string
	passages  []Chunk
	bm25      *BM25
	same      []Chunk // storybot's passages
	bm25Same  *BM25
	sentences []string
	sentBM25  *BM25
	storybot  *search.Index
}

// Measure asks every in-scope question of qs that has a gold_doc and
// gold_lines of its own story alone, in dir, three ways (see the package
// comment). Errors: a folder or a gold story that cannot be read, ctx
// ending.
func Measure(ctx context.Context, dir string, qs []eval.Question, opts Options) (Result, error) {
	opts = opts.withDefaults()
	byStory := map[string][]eval.Question{}
	for _, q := range qs {
		if q.Scored() && q.GoldDoc != "" && len(q.GoldLines) > 0 {
			name := path.Base(q.GoldDoc)
			byStory[name] = append(byStory[name], q)
		}
	}
	docs, _, err := knowledge.Load(ctx, dir, opts.Load)
	if err != nil {
		return Result{}, fmt.Errorf("load %s: %w", dir, err)
	}
	byName := map[string]*knowledge.Document{}
	for _, d := range docs {
		byName[path.Base(d.Path)] = d
	}
	var res Result
	var bm, sb, same []eval.Outcome
	var sentHits, inStory int
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range byStory {
			if !yield(n) {
				return
			}
		}
	})
	an := English()
	for _, name := range names {
		s, err := openStory(ctx, dir, name, byName[name], an, opts)
		if err != nil {
			return Result{}, err
		}
		res.Stories++
		res.BM25Passages += len(s.passages)
		res.StorybotPassages += len(s.same)
		res.BM25Chars += chars(s.passages)
		res.StorybotChars += chars(s.same)
		for _, q := range byStory[name] {
			o, err := s.ask(ctx, q, opts)
			if err != nil {
				return Result{}, err
			}
			bm, sb, same = append(bm, o.bm25), append(sb, o.storybot), append(same, o.bm25Same)
			if len(q.Answers) == 0 || q.Implicit() {
				continue
			}
			res.Explicit++
			sentHits += b2i(o.sentence)
			inStory += b2i(eval.ContainsNormalized(s.text, q.Answers))
		}
	}
	res.Questions = len(bm)
	res.BM25, res.Storybot, res.BM25Same = eval.Compute(bm, opts.Ks, 0), eval.Compute(sb, opts.Ks, 0), eval.Compute(same, opts.Ks, 0)
	if res.Explicit > 0 {
		res.SentenceTop = float64(sentHits) / float64(res.Explicit)
		res.InStory = float64(inStory) / float64(res.Explicit)
	}
	return res, nil
}

func chars(cs []Chunk) int {
	n := 0
	for _, c := range cs {
		n += len(c.Text)
	}
	return n
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// openStory reads the story file name in dir and indexes it: plain BM25
// over its passages, plain BM25 over its sentences, and storybot's index
// over doc (nil when the loader skipped the file: an empty index).
func openStory(ctx context.Context, dir, name string, doc *knowledge.Document, an Analyzer, opts Options) (*story, error) {
	raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		return nil, fmt.Errorf("read story: %w", err)
	}
	paras := Paragraphs(string(raw))
	s := &story{name: name, text: string(raw), passages: Passages(paras, opts.PassageChars), sentences: Sentences(paras)}
	var docs []*knowledge.Document
	if doc != nil {
		docs = append(docs, doc)
		for _, p := range doc.Passages {
			s.same = append(s.same, Chunk{Text: p.Text, StartLine: p.StartLine, EndLine: p.EndLine})
		}
	}
	s.bm25, s.bm25Same, s.sentBM25 = NewBM25(an, texts(s.passages)), NewBM25(an, texts(s.same)), NewBM25(an, s.sentences)
	if s.storybot, err = search.Build(ctx, docs, opts.Search); err != nil {
		return nil, fmt.Errorf("storybot index of %s: %w", name, err)
	}
	return s, nil
}

func texts(cs []Chunk) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Text
	}
	return out
}

// outcome is one question asked of one story three ways.
type outcome struct {
	bm25, bm25Same, storybot eval.Outcome
	sentence                 bool // the best sentences contain an answer
}

func (s *story) ask(ctx context.Context, q eval.Question, opts Options) (outcome, error) {
	depth := slices.Max(opts.Ks)
	o := outcome{bm25: s.top(s.bm25, s.passages, q, depth), bm25Same: s.top(s.bm25Same, s.same, q, depth), storybot: eval.Outcome{Question: q}}
	hits, err := s.storybot.Search(ctx, q.Question, depth)
	if err != nil {
		return o, fmt.Errorf("question %s: %w", q.ID, err)
	}
	for _, h := range hits {
		p := h.Passage
		o.storybot.Retrieved = append(o.storybot.Retrieved, eval.Retrieved{Doc: p.Doc, Text: p.Text, StartLine: p.StartLine, EndLine: p.EndLine})
	}
	var best []string
	for _, i := range s.sentBM25.Top(q.Question, opts.Sentences) {
		best = append(best, s.sentences[i])
	}
	o.sentence = eval.ContainsNormalized(strings.Join(best, " "), q.Answers)
	return o, nil
}

// top asks q of a plain BM25 index over cs.
func (s *story) top(ix *BM25, cs []Chunk, q eval.Question, k int) eval.Outcome {
	o := eval.Outcome{Question: q}
	for _, i := range ix.Top(q.Question, k) {
		c := cs[i]
		o.Retrieved = append(o.Retrieved, eval.Retrieved{Doc: s.name, Text: c.Text, StartLine: c.StartLine, EndLine: c.EndLine})
	}
	return o
}
