package search

import (
	"math"
	"testing"
)

func TestQuantizeTF(t *testing.T) {
	// multiples of 1/16 are exact, up to the largest step
	for _, tf := range []float32{0, 0.0625, 0.5, 1, 1.5, 2.5, 3.25, 17, 1000.5, 4095.9375} {
		if got := float32(quantizeTF(tf)) * tfUnit; got != tf {
			t.Errorf("quantizeTF(%v) reads back as %v", tf, got)
		}
	}
	// others round to the nearest step; larger values saturate
	if got := float32(quantizeTF(0.3)) * tfUnit; math.Abs(float64(got-0.3)) > tfUnit/2 {
		t.Errorf("0.3 reads back as %v", got)
	}
	for _, tf := range []float32{4096, 1e6, math.MaxFloat32} {
		if got := quantizeTF(tf); got != math.MaxUint16 {
			t.Errorf("quantizeTF(%v) = %d, want saturation", tf, got)
		}
	}
}

func TestDict(t *testing.T) {
	terms := []string{"iran", "albania", "albanian", "b", "zz", "alb", "1981"}
	d := newDict(terms)
	if d.len() != len(terms) {
		t.Fatalf("len %d", d.len())
	}
	for id, term := range terms {
		if got, ok := d.lookup(term); !ok || got != uint32(id) || d.term(uint32(id)) != term {
			t.Errorf("lookup(%q) = %d %v, want %d", term, got, ok, id)
		}
	}
	for _, absent := range []string{"", "a", "albani", "albaniana", "zzz", "0"} {
		if id, ok := d.lookup(absent); ok {
			t.Errorf("lookup(%q) found %d", absent, id)
		}
	}
	var got []string
	for _, id := range d.withFirst('a') {
		got = append(got, d.term(id))
	}
	if want := []string{"alb", "albania", "albanian"}; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("withFirst('a') = %q, want %q", got, want)
	}
	if ids := d.withFirst('q'); len(ids) != 0 {
		t.Errorf("withFirst('q') = %v", ids)
	}
	if empty := newDict(nil); len(empty.withFirst('a')) != 0 {
		t.Error("empty dict: terms starting with a")
	}
}
