// Package latency times a benchmark's operations one by one and reports
// the 50th and 99th percentiles of one operation, which the mean that
// go test prints (ns/op) hides; the benchmarks of the search index, of the
// PostgreSQL stores and of the engines compared (bench/) share it.
package latency

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"storybot/internal/eval"
)

// Bench runs op in b.Loop, i counting the calls from 0, and fails b on an
// error of op. It reports the 50th and 99th percentiles of one call in
// unit (time.Millisecond, time.Nanosecond...) as the metrics "p50-ms" and
// "p99-ms" (named after unit: "p50-ns" for time.Nanosecond).
func Bench(b *testing.B, unit time.Duration, op func(i int) error) {
	var took []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	name := strings.TrimPrefix(unit.String(), "1") // "1ms" is a unit of "ms"
	for _, p := range []float64{50, 99} {
		b.ReportMetric(float64(eval.Percentile(took, p))/float64(unit), fmt.Sprintf("p%g-%s", p, name))
	}
}
