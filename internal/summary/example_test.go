package summary_test

import (
	"context"
	"fmt"

	"storybot/internal/knowledge"
	"storybot/internal/summary"
)

func Example() {
	doc := &knowledge.Document{Path: "story.txt", Title: "Story", Date: "2022-09-07", Passages: []knowledge.Passage{{
		ID: "p1", Doc: "story.txt", Title: "Story", ParaStart: 1, ParaEnd: 1, StartLine: 1, EndLine: 1,
		Text: "Albania cut diplomatic ties with Iran on Wednesday after the July 15 cyberattack on its government.",
	}}}
	s := summary.New(summary.Options{
		// With a library: func() (string, []*knowledge.Document) { c := lib.Current(); return c.Version, c.Docs }
		Source: func() (string, []*knowledge.Document) { return "v1", []*knowledge.Document{doc} },
	})
	sum, _ := s.Summary(context.Background(), summary.SummaryRequest{Length: summary.Short}, nil)
	fmt.Println(sum.Mode, sum.Text)
	tl, _ := s.Timeline(context.Background(), summary.TimelineRequest{})
	for _, e := range tl.Events {
		fmt.Println(summary.EventLine(e))
	}
	// Output:
	// extractive Albania cut diplomatic ties with Iran on Wednesday after the July 15 cyberattack on its government. [1]
	// 2022-09-07 (on Wednesday) — Albania cut diplomatic ties with Iran on Wednesday after the July 15 cyberattack on its government. [1]
}
