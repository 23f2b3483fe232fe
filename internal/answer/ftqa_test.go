package answer_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/eval"
	"storybot/internal/knowledge"
	"storybot/internal/search"
	"storybot/internal/spell"

	"golang.org/x/sync/errgroup"
)

var (
	evalFTQA = flag.String("ftqa", "", "run the offline FairytaleQA answer evaluation on the stories of one half: odd, even or all (slow)")
	ftqaShow = flag.Int("ftqa-show", 0, "print this many misses and wrong refusals")
	ftqaLow  = flag.Bool("ftqa-lower", false, "ask every question in lower case, as people often type in chat")
	ftqaTypo = flag.Bool("ftqa-typos", false, "misspell one word of every question (its longest word of six letters or more, two middle letters swapped)")
	ftqaSpel = flag.Bool("ftqa-spell", true, "correct misspelt words to the story's (Options.Speller), as the bot does")
	ftqaConv = flag.Bool("ftqa-convo", false, "ask each story's questions in order as one conversation, each after the answers before it, as people ask in a thread")
	learnOn  = flag.String("learn-ranker", "", "fit the offline answer's ranking weights on the FairytaleQA stories of one half (odd or even) and print them")
)

type ftqaQuestion struct {
	question
	GoldDoc   string  `json:"gold_doc"`
	Explicit  bool    `json:"explicit"`
	Attribute string  `json:"attribute"`
	GoldLines [][]int `json:"gold_lines"`
}

// storyPipelines builds one offline pipeline per story, each story alone in
// its index (the bot of one story).
func storyPipelines(t *testing.T, dir string, names []string) map[string]*answer.Pipeline {
	out := make(map[string]*answer.Pipeline, len(names))
	var mu sync.Mutex
	var g errgroup.Group
	g.SetLimit(2)
	for _, name := range names {
		g.Go(func() error {
			doc, err := knowledge.ParseFile(context.Background(), dir, name, knowledge.Options{})
			if err != nil {
				return err
			}
			ix, err := search.Build(context.Background(), []*knowledge.Document{doc}, search.Options{})
			if err != nil {
				return err
			}
			opts := answer.Options{Retriever: ix, Documents: ix.Docs} // as the bot and storybot eval have them
			if *ftqaSpel {
				opts.Speller = spell.New([]*knowledge.Document{doc})
			}
			mu.Lock()
			out[name] = answer.New(opts)
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	return out
}

// asTyped is q as the evaluation asks it: in lower case with -ftqa-lower,
// with a typo with -ftqa-typos (as storybot eval --lower --typos asks).
func asTyped(q string) string {
	return eval.Typing{Lower: *ftqaLow, Typos: *ftqaTypo}.Apply(q)
}

// TestFairytaleOffline measures, with each story alone in its index, the
// offline answers' containment of the expert's answer (explicit questions),
// the in-scope questions refused, and the out-of-scope questions refused
// (each asked of one story, in turn):
//
//	go test ./internal/answer -run TestFairytaleOffline -ftqa odd -v
func TestFairytaleOffline(t *testing.T) {
	if *evalFTQA == "" {
		t.Skip("run with -ftqa odd|even|all")
	}
	qs, stories, ps := ftqaHalf(t, *evalFTQA)
	ctx := context.Background()
	type tally struct{ n, contained, led, strict, explicit, refused, words int }
	byAttr := map[string]*tally{}
	var all tally
	var misses, wrongRefusals []string
	history := map[string][]chat.Message{} // with -ftqa-convo: each story's conversation so far
	for _, q := range qs {
		p := ps[q.GoldDoc]
		if p == nil {
			continue
		}
		req := answer.Request{Question: asTyped(q.Question)}
		if *ftqaConv {
			req.History = history[q.GoldDoc]
		}
		a, err := p.Ask(ctx, req, nil)
		var ue *answer.UserError
		if errors.As(err, &ue) {
			a, err = answer.Answer{Refused: true, Text: ue.Msg}, nil
		}
		if err != nil {
			t.Fatalf("%s: %v", q.ID, err)
		}
		if *ftqaConv {
			h := append(history[q.GoldDoc], chat.Message{Role: chat.RoleUser, Content: req.Question}, chat.Message{Role: chat.RoleAssistant, Content: a.Text})
			history[q.GoldDoc] = h[max(0, len(h)-6):]
		}
		at := byAttr[q.Attribute]
		if at == nil {
			at = &tally{}
			byAttr[q.Attribute] = at
		}
		for _, tl := range []*tally{&all, at} {
			tl.n++
			if a.Refused {
				tl.refused++
			}
		}
		if !a.Refused {
			all.words += len(strings.Fields(a.Text))
		}
		if a.Refused {
			wrongRefusals = append(wrongRefusals, fmt.Sprintf("%s %q", q.ID, q.Question))
		}
		if !q.Explicit {
			continue
		}
		hit := eval.ContainsNormalized(a.Text, q.Answers) // as storybot eval counts it
		led := !a.Refused && eval.ContainsNormalized(eval.Lead(a.Text), q.Answers)
		strict := strictIn(a.Text, q.Answers)
		for _, tl := range []*tally{&all, at} {
			tl.explicit++
			if hit {
				tl.contained++
			}
			if led {
				tl.led++
			}
			if strict {
				tl.strict++
			}
		}
		if !hit && !a.Refused {
			misses = append(misses, fmt.Sprintf("%s %q want %q\n   got %s", q.ID, q.Question, q.Answers, strings.ReplaceAll(a.Text, "\n", " ")))
		}
	}
	oos := readQuestions(t, filepath.Join(shared, "eval/fairytaleqa/out-of-scope.jsonl"))
	oosRefused := 0
	var oosAnswered []string
	for i, q := range oos {
		a, err := ps[stories[i%len(stories)]].Ask(ctx, answer.Request{Question: asTyped(q.Question)}, nil)
		var ue *answer.UserError
		if errors.As(err, &ue) {
			a, err = answer.Answer{Refused: true, Text: ue.Msg}, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		if a.Refused {
			oosRefused++
		} else {
			oosAnswered = append(oosAnswered, fmt.Sprintf("%q -> %s", q.Question, strings.ReplaceAll(a.Text, "\n", " ")))
		}
	}
	t.Logf("stories %d, questions %d: containment %.3f (%d/%d explicit; strict %.3f; in the first quote %.4f, %d), %.1f words an answer, in-scope refused %.3f (%d), out-of-scope refused %.3f (%d/%d)",
		len(stories), all.n, float64(all.contained)/float64(all.explicit), all.contained, all.explicit, float64(all.strict)/float64(all.explicit),
		float64(all.led)/float64(all.explicit), all.led, float64(all.words)/float64(max(all.n-all.refused, 1)),
		float64(all.refused)/float64(all.n), all.refused, float64(oosRefused)/float64(len(oos)), oosRefused, len(oos))
	var attrs []string
	for k := range byAttr {
		attrs = append(attrs, k)
	}
	sort.Strings(attrs)
	for _, k := range attrs {
		v := byAttr[k]
		t.Logf("  %-22s n %4d containment %.3f first quote %.3f refused %.3f", k, v.n, float64(v.contained)/float64(max(v.explicit, 1)), float64(v.led)/float64(max(v.explicit, 1)), float64(v.refused)/float64(v.n))
	}
	if *ftqaShow > 0 {
		for _, set := range [][]string{misses, wrongRefusals, oosAnswered} {
			for i, s := range set {
				if i < *ftqaShow {
					t.Log(s)
				}
			}
			t.Log("----")
		}
	}
}

// ftqaHalf reads FairytaleQA's questions, names its stories of one half,
// "odd" or "even" (by their place in name order) or "all", and builds a
// pipeline for each.
func ftqaHalf(t *testing.T, half string) ([]ftqaQuestion, []string, map[string]*answer.Pipeline) {
	needShared(t)
	dir := filepath.Join(shared, "eval/fairytaleqa")
	qs := readJSONL[ftqaQuestion](t, filepath.Join(dir, "questions.jsonl"))
	var names []string
	seen := map[string]bool{}
	for _, q := range qs {
		if !seen[q.GoldDoc] {
			seen[q.GoldDoc] = true
			names = append(names, q.GoldDoc)
		}
	}
	sort.Strings(names)
	var stories []string
	for i, n := range names {
		if half == "all" || (half == "odd") == (i%2 == 1) {
			stories = append(stories, n)
		}
	}
	return qs, stories, storyPipelines(t, filepath.Join(dir, "docs"), stories)
}

// strictIn reports whether text holds one of answers with only case and
// white space ignored, as issue 11's figures were measured.
func strictIn(text string, answers []string) bool {
	t := strings.Join(strings.Fields(strings.ToLower(text)), " ")
	for _, x := range answers {
		if c := strings.Join(strings.Fields(strings.ToLower(x)), " "); c != "" && strings.Contains(t, c) {
			return true
		}
	}
	return false
}

// TestLearnRanker fits the offline answer's ranking weights (rank.go) on
// the explicit questions of one half of FairytaleQA's stories, each story
// alone: a softmax over each question's candidate sentences, fitted by
// stochastic gradient descent (to convergence) to put the sentences that
// hold the expert's answer first. It prints the weights for rank.go; check them on the other
// half with TestFairytaleOffline:
//
//	go test ./internal/answer -run TestLearnRanker -learn-ranker odd -v
func TestLearnRanker(t *testing.T) {
	if *learnOn == "" {
		t.Skip("run with -learn-ranker odd|even")
	}
	qs, _, ps := ftqaHalf(t, *learnOn)
	type example struct {
		xs [][]float64
		ys []bool
	}
	var data []example
	for _, q := range qs {
		p := ps[q.GoldDoc]
		if p == nil || !q.Explicit {
			continue
		}
		xs, ys, err := p.RankExamples(context.Background(), q.Question, func(s string) bool { return strictIn(s, q.Answers) })
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(ys, true) {
			data = append(data, example{xs, ys})
		}
	}
	if len(data) == 0 {
		t.Fatal("no question has a candidate sentence that holds its answer")
	}
	w := make([]float64, len(data[0].xs[0]))
	// 40 epochs run the fit to its optimum: another shuffle (seed 2) gives
	// the same containment within 2 questions of each half, where 6 epochs
	// (the first fit) moved it by 5 and the answers' length by a word.
	rng := rand.New(rand.NewPCG(1, 1))
	const epochs, l2 = 40, 1e-5
	rate := 0.05
	for range epochs {
		rng.Shuffle(len(data), func(i, j int) { data[i], data[j] = data[j], data[i] })
		for _, ex := range data {
			z := make([]float64, len(ex.xs))
			top := math.Inf(-1)
			for i, x := range ex.xs {
				for j, v := range x {
					z[i] += w[j] * v
				}
				top = max(top, z[i])
			}
			var sum, gold float64
			for i := range z {
				z[i] = math.Exp(z[i] - top)
				sum += z[i]
				if ex.ys[i] {
					gold += z[i]
				}
			}
			for i, x := range ex.xs { // gradient of -log(the answer sentences' share)
				g := z[i] / sum
				if ex.ys[i] {
					g -= z[i] / gold
				}
				for j, v := range x {
					w[j] -= rate * g * v
				}
			}
			for j := range w {
				w[j] *= 1 - l2
			}
		}
		rate *= 0.7
	}
	var b strings.Builder // as rankWeights is written in rank.go
	fmt.Fprintf(&b, "fitted on %d questions of the %s stories:\n", len(data), *learnOn)
	const base = answer.RankBaseFeatures
	for i, v := range w {
		if i == base || (i > base && (i-base)%3 == 0) {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%.4f, ", v)
	}
	t.Log(b.String())
	if *learnOn != "odd" {
		return
	}
	// The table in rank.go is what the odd stories fit, to the four
	// decimals it is written with: a change to the features, the cues or
	// the analyzer without a refit fails here.
	for i, v := range answer.RankWeights() {
		if math.Abs(v-w[i]) > 1e-4 {
			t.Errorf("rank.go's weight %d is %.4f, the odd stories fit %.4f: paste the table above into rankWeights", i, v, w[i])
		}
	}
}

// readJSONL reads one T a line.
func readJSONL[T any](t testing.TB, path string) []T {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []T
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}
