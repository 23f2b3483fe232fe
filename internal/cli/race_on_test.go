//go:build race

package cli

// raceDetector is true under go test -race, where the race detector makes
// the whole-set evaluations ten times slower; .ci/run runs them again
// without it.
const raceDetector = true
