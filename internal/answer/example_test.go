package answer_test

import (
	"context"
	"fmt"

	"storybot/internal/answer"
	"storybot/internal/knowledge"
	"storybot/internal/search"
)

// oneDoc is a Retriever over a single passage.
type oneDoc struct{ p *knowledge.Passage }

func (o oneDoc) Search(context.Context, string, int) ([]search.Hit, error) {
	return []search.Hit{{Passage: o.p, Score: 1, Match: 1}}, nil
}

// Without a model, the pipeline answers by quoting the best sentences of the
// passages it retrieved, cited.
func ExamplePipeline_Ask() {
	p := answer.New(answer.Options{Retriever: oneDoc{&knowledge.Passage{
		ID: "p1", Doc: "albania.md", Title: "Albania cuts ties with Iran", ParaStart: 2, ParaEnd: 2, StartLine: 3, EndLine: 3,
		Text: "Albania cut diplomatic ties with Iran on 7 September 2022. The government blamed Iran for a cyberattack in July.",
	}}})
	a, err := p.Ask(context.Background(), answer.Request{Question: "Why did Albania cut ties with Iran?"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Text)
	for _, c := range a.Citations {
		fmt.Printf("[%d] %s — %s\n", c.N, c.Title, c.Location)
	}
	// Output:
	// Quoted from the sources:
	// > Albania cut diplomatic ties with Iran on 7 September 2022. The government blamed Iran for a cyberattack in July. [1]
	// [1] Albania cuts ties with Iran — ¶2, line 3
}
