package split

import (
	"slices"
	"testing"
)

// TestTrimmed: the pieces come trimmed and in order; blank ones, and a
// separator at either end, give none; no pieces at all is nil.
func TestTrimmed(t *testing.T) {
	for _, c := range []struct {
		s, sep string
		want   []string
	}{
		{" 1, 2 ,,3 ,", ",", []string{"1", "2", "3"}},
		{"One.\n\n \n\n  Two,\nthree.\n\n", "\n\n", []string{"One.", "Two,\nthree."}},
		{"", ",", nil},
		{" , \t,", ",", nil},
	} {
		if got := Trimmed(c.s, c.sep); !slices.Equal(got, c.want) || (got == nil) != (c.want == nil) {
			t.Errorf("Trimmed(%q, %q) = %q, want %q", c.s, c.sep, got, c.want)
		}
	}
}
