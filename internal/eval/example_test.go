package eval_test

import (
	"fmt"

	"storybot/internal/eval"
)

// Misspell swaps the middle letters of the longest word of six ASCII
// letters or more; a question without one, or whose long words are not
// plain ASCII, is asked as written.
func ExampleMisspell() {
	fmt.Println(eval.Misspell("Why did Albania cut ties with Iran?"))
	fmt.Println(eval.Misspell("How long did the scuffle last?"))
	fmt.Println(eval.Misspell("What did the hackers' leader say?"))
	fmt.Println(eval.Misspell("Where is Durrës, the port?"))
	fmt.Println(eval.Misspell("Who is he?"))
	// Output:
	// Why did Alabnia cut ties with Iran?
	// How long did the scfufle last?
	// What did the hakcers' leader say?
	// Where is Durrës, the port?
	// Who is he?
}

func ExampleTyping() {
	t := eval.Typing{Lower: true, Typos: true}
	fmt.Println(t.Apply("Why did Albania cut ties?"))
	fmt.Println(t)
	fmt.Println(eval.Typing{})
	// Output:
	// why did alabnia cut ties?
	// in lower case, with one typo each (--typos)
	// written
}
