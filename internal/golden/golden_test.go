package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

// fatal stops the checked function, as t.Fatal stops a test.
type fatal struct{}

func (r *recorder) Helper()                        {}
func (r *recorder) Errorf(format string, a ...any) { r.errs = append(r.errs, format) }
func (r *recorder) Fatalf(format string, a ...any) { r.errs = append(r.errs, format); panic(fatal{}) }
func (r *recorder) Fatal(a ...any)                 { r.errs = append(r.errs, "fatal"); panic(fatal{}) }

// check runs Check with r, stopping where a fatal failure would.
func (r *recorder) check(path, got string) {
	defer func() {
		if p := recover(); p != nil && p != (fatal{}) {
			panic(p)
		}
	}()
	Check(r, path, got)
}

func TestCheck(t *testing.T) {
	if Update() {
		t.Skip("-update rewrites instead of comparing")
	}
	path := filepath.Join(t.TempDir(), "out.golden")
	os.WriteFile(path, []byte("same\n"), 0o644)
	r := &recorder{TB: t}
	r.check(path, "same\n")
	if len(r.errs) != 0 {
		t.Errorf("equal output failed: %v", r.errs)
	}
	r.check(path, "other\n")
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "differs") {
		t.Errorf("different output: %v", r.errs)
	}
	r.errs = nil
	r.check(filepath.Join(t.TempDir(), "missing.golden"), "x")
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "-update") {
		t.Errorf("missing file: %v", r.errs)
	}
}

func TestCheckUpdateWrites(t *testing.T) {
	defer func(old bool) { *update = old }(*update)
	*update = true
	path := filepath.Join(t.TempDir(), "new", "out.golden")
	Check(t, path, "written\n")
	if b, err := os.ReadFile(path); err != nil || string(b) != "written\n" {
		t.Fatalf("-update wrote %q, %v", b, err)
	}
}
