package reldate

import (
	"testing"
	"time"
)

func TestResolve(t *testing.T) {
	ref := time.Date(2022, time.September, 7, 0, 0, 0, 0, time.UTC) // a Wednesday
	for text, want := range map[string]string{
		"on Wednesday":   "2022-09-07", // the report's own day
		"Wednesday":      "2022-09-07",
		"on Monday":      "2022-09-05",
		"last Friday":    "2022-09-02",
		"last Wednesday": "2022-08-31",
		"next Monday":    "2022-09-12",
		"next Wednesday": "2022-09-14",
		"yesterday":      "2022-09-06",
		"Tomorrow":       "2022-09-08",
	} {
		got, ok := Resolve(text, ref)
		if !ok || got.Format(time.DateOnly) != want {
			t.Errorf("Resolve(%q) = %v, %v; want %s", text, got, ok, want)
		}
	}
	if _, ok := Resolve("in July", ref); ok {
		t.Error(`Resolve("in July"): want no day`)
	}
	if m := Pattern.FindString("prompting Tirana to sever its diplomatic relations with Teheran on Wednesday after years"); m != "on Wednesday" {
		t.Errorf("Pattern found %q", m)
	}
}
