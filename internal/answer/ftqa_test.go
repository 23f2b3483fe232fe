package answer_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/eval"
	"storybot/internal/knowledge"
	"storybot/internal/search"
)

var (
	evalFTQA = flag.String("ftqa", "", "run the offline FairytaleQA answer evaluation on the stories of one half: odd, even or all (slow)")
	ftqaShow = flag.Int("ftqa-show", 0, "print this many misses and wrong refusals")
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
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			doc, err := knowledge.ParseFile(context.Background(), dir, name, knowledge.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			ix, err := search.Build(context.Background(), []*knowledge.Document{doc}, search.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			out[name] = answer.New(answer.Options{Retriever: ix})
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
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
	keep := map[string]bool{}
	for i, n := range names {
		if *evalFTQA == "all" || (*evalFTQA == "odd") == (i%2 == 1) {
			keep[n] = true
		}
	}
	var stories []string
	for _, n := range names {
		if keep[n] {
			stories = append(stories, n)
		}
	}
	ps := storyPipelines(t, filepath.Join(dir, "docs"), stories)
	ctx := context.Background()
	type tally struct{ n, contained, strict, explicit, refused int }
	byAttr := map[string]*tally{}
	var all tally
	var misses, wrongRefusals []string
	for _, q := range qs {
		p := ps[q.GoldDoc]
		if p == nil {
			continue
		}
		a, err := p.Ask(ctx, answer.Request{Question: q.Question}, nil)
		var ue *answer.UserError
		if errors.As(err, &ue) {
			a, err = answer.Answer{Refused: true, Text: ue.Msg}, nil
		}
		if err != nil {
			t.Fatalf("%s: %v", q.ID, err)
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
		if a.Refused {
			wrongRefusals = append(wrongRefusals, fmt.Sprintf("%s %q", q.ID, q.Question))
		}
		if !q.Explicit {
			continue
		}
		hit := eval.ContainsNormalized(a.Text, q.Answers) // as storybot eval counts it
		strict := false                                   // white space collapsed only, as issue 11's figures were measured
		for _, x := range q.Answers {
			if c := strings.Join(strings.Fields(strings.ToLower(x)), " "); c != "" && strings.Contains(strings.Join(strings.Fields(strings.ToLower(a.Text)), " "), c) {
				strict = true
			}
		}
		for _, tl := range []*tally{&all, at} {
			tl.explicit++
			if hit {
				tl.contained++
			}
			if strict {
				tl.strict++
			}
		}
		if !hit && !a.Refused {
			misses = append(misses, fmt.Sprintf("%s %q want %q\n   got %s", q.ID, q.Question, q.Answers, strings.ReplaceAll(a.Text, "\n", " ")))
		}
	}
	oos := readQuestions(t, filepath.Join(dir, "out-of-scope.jsonl"))
	oosRefused := 0
	var oosAnswered []string
	for i, q := range oos {
		a, err := ps[stories[i%len(stories)]].Ask(ctx, answer.Request{Question: q.Question}, nil)
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
	t.Logf("stories %d, questions %d: containment %.3f (%d/%d explicit; strict %.3f), in-scope refused %.3f (%d), out-of-scope refused %.3f (%d/%d)",
		len(stories), all.n, float64(all.contained)/float64(all.explicit), all.contained, all.explicit, float64(all.strict)/float64(all.explicit),
		float64(all.refused)/float64(all.n), all.refused, float64(oosRefused)/float64(len(oos)), oosRefused, len(oos))
	var attrs []string
	for k := range byAttr {
		attrs = append(attrs, k)
	}
	sort.Strings(attrs)
	for _, k := range attrs {
		v := byAttr[k]
		t.Logf("  %-22s n %4d containment %.3f refused %.3f", k, v.n, float64(v.contained)/float64(max(v.explicit, 1)), float64(v.refused)/float64(v.n))
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
