package cite

import (
	"slices"
	"testing"
)

func TestMarkers(t *testing.T) {
	cases := []struct {
		text string
		want []int
	}{
		{"A [1]. B [2, 3] C [1; 4].", []int{1, 2, 3, 1, 4}},
		{"[Passage 2] and [source 3] and [Sources 1,2]", []int{2, 3, 1, 2}},
		{"a dash lists: [1-3], [2–4]", []int{1, 3, 2, 4}},
		{"not markers: [a], [1000], [], [ ], (1), [1.5]", nil},
		{"[ 7 ]", []int{7}},
	}
	for _, c := range cases {
		if got := All(c.text); !slices.Equal(got, c.want) {
			t.Errorf("All(%q) = %v, want %v", c.text, got, c.want)
		}
	}
	if !Is("[1, 2]") || Is("x [1]") || Is("") {
		t.Error("Is")
	}
	if got := Strip("a [0[1]] b [2]"); got != "a  b " {
		t.Errorf("Strip = %q", got)
	}
	if got := Neutral("see [12] and [3, 4]"); got != "see (12) and (3, 4)" {
		t.Errorf("Neutral = %q", got)
	}
	got := Replace("x [1-2] y", func(m string, ns []int) string { return Format(ns[len(ns)-1] * 10) })
	if got != "x [20] y" {
		t.Errorf("Replace = %q", got)
	}
}

func FuzzMarkers(f *testing.F) {
	for _, s := range []string{"[1]", "[1, 2; 3-4]", "[passage 9]", "[[1]]", "[0001]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, n := range All(s) {
			if n < 0 || n > 999 {
				t.Fatalf("number %d from %q", n, s)
			}
		}
		if out := Strip(s); len(Find(out)) != 0 {
			t.Fatalf("Strip(%q) = %q still has markers", s, out)
		}
	})
}

func TestFormatAll(t *testing.T) {
	for want, ns := range map[string][]int{"[1]": {1}, "[1, 3]": {1, 3}, "[]": nil} {
		if got := FormatAll(ns); got != want {
			t.Errorf("FormatAll(%v) = %q, want %q", ns, got, want)
		}
		if got := All(FormatAll(ns)); len(ns) > 0 && !slices.Equal(got, ns) {
			t.Errorf("All(FormatAll(%v)) = %v", ns, got)
		}
	}
}
