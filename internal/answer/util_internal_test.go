package answer

import (
	"context"
	"testing"

	"storybot/internal/search"
)

type nopRetriever struct{}

func (nopRetriever) Search(context.Context, string, int) ([]search.Hit, error) { return nil, nil }

// expect checks fn on each case of a table: fn(in) must give want.
func expect[In, Out comparable](t *testing.T, name string, fn func(In) Out, cases map[In]Out) {
	t.Helper()
	for in, want := range cases {
		if got := fn(in); got != want {
			t.Errorf("%s(%#v) = %#v, want %#v", name, in, got, want)
		}
	}
}
