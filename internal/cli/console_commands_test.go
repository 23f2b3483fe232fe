package cli

import (
	"strings"
	"testing"

	"storybot/internal/summary"
)

// TestSummaryRequest: /summary's words are read as Discord's options, in
// any order and with or without dashes.
func TestSummaryRequest(t *testing.T) {
	for line, want := range map[string]summary.SummaryRequest{
		"":                                {},
		"short":                           {Length: summary.Short},
		"--length long":                   {Length: summary.Long},
		"story.txt long":                  {Doc: "story.txt", Length: summary.Long},
		"short about the cyberattack":     {Length: summary.Short, Focus: "the cyberattack"},
		"focus on the MEK":                {Focus: "the MEK"},
		"--focus the MEK --length short":  {Focus: "the MEK --length short"},
		"--doc Notes on Iran":             {Doc: "Notes on Iran"},
		"Notes on Iran regarding the MEK": {Doc: "Notes on Iran", Focus: "the MEK"},
		"the moon landing":                {Doc: "the moon landing"},
		"please":                          {}, // a courtesy, no document (session 28's new users)
		"short please!":                   {Length: summary.Short},
		"bullets":                         {Bullets: true},
	} {
		if got := summaryRequest(strings.Fields(line)); got != want {
			t.Errorf("/summary %s: %+v, want %+v", line, got, want)
		}
	}
}
