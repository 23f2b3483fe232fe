package jsonl

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "log.jsonl")
	for _, tc := range []struct {
		before string // appended by hand before the record; "" for none
		line   string
		want   string
	}{
		{"", `{"a":1}`, "{\"a\":1}\n"},
		{"", `{"b":2}`, "{\"a\":1}\n{\"b\":2}\n"},
		{`{"cut":`, `{"c":3}`, "{\"a\":1}\n{\"b\":2}\n{\"cut\":\n{\"c\":3}\n"},
		{"\n", `{"d":4}`, "{\"a\":1}\n{\"b\":2}\n{\"cut\":\n{\"c\":3}\n\n{\"d\":4}\n"},
	} {
		if tc.before != "" {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString(tc.before)
			f.Close()
		}
		if err := Append(path, []byte(tc.line), 0o600); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != tc.want {
			t.Fatalf("after %s:\n got %q\nwant %q", tc.line, b, tc.want)
		}
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v", st.Mode(), err)
	}
}
