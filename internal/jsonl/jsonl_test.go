package jsonl

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

func TestFileAddEach(t *testing.T) {
	f := NewFile(filepath.Join(t.TempDir(), "sub", "log.jsonl"), 0o600)
	var got []string
	collect := func(n int, line []byte) { got = append(got, fmt.Sprintf("%d:%s", n, line)) }
	if err := f.Each(0, collect); err != nil || got != nil {
		t.Fatalf("missing file: %v, %q", err, got)
	}
	if err := f.Add(map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	if err := f.Add(func() {}); err == nil || !strings.HasPrefix(err.Error(), "encode: ") {
		t.Fatalf("Add(func) = %v, want an encode error", err)
	}
	if err := os.WriteFile(f.Path(), []byte("{\"a\":1}\n\n{\"b\":2}\r\n"+strings.Repeat("x", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.Each(0, collect); err != nil {
		t.Fatal(err)
	}
	want := []string{`1:{"a":1}`, "2:", "3:{\"b\":2}\r", "4:" + strings.Repeat("x", 100)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Each = %q, want %q", got, want)
	}
	long := strings.Repeat("x", 70<<10)
	if err := os.WriteFile(f.Path(), []byte("{}\n"+long+"\n{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got = nil
	if err := f.Each(64<<10, collect); !errors.Is(err, bufio.ErrTooLong) || len(got) != 1 {
		t.Fatalf("Each(64 KiB) = %v after %d lines, want ErrTooLong after 1", err, len(got))
	}
}
