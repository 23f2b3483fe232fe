// Package golden compares what a test produced with a golden file, so that
// a reviewer sees what a user sees: rendered messages, prompts, CLI output.
// Run the tests with -update to rewrite the files from the output, then
// review the diff. It is for tests only.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update is the -update flag of every test binary that imports this
// package (test flags are registered when the binary starts).
var update = flag.Bool("update", false, "rewrite the golden files with the output the tests produce")

// Update reports whether the tests run with -update, for tests that
// regenerate other test data too.
func Update() bool { return *update }

// Check compares got with the file at path (relative to the package under
// test, such as testdata/help.golden) and fails t when they differ, showing
// both. With -update it writes got to path instead (creating its folder).
func Check(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test -update and review the diff):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}
