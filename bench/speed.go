package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Mem is the memory of this process, read after a full garbage collection
// that returns freed memory to the operating system.
type Mem struct {
	HeapInuse uint64 // runtime.MemStats.HeapInuse
	Sys       uint64 // runtime.MemStats.Sys: all memory the Go runtime holds
	RSS       uint64 // VmRSS of /proc/self/status: resident memory now
	HWM       uint64 // VmHWM of /proc/self/status: peak resident memory
}

// ReadMem collects garbage, frees what it can to the OS and reads the
// memory figures. RSS and HWM are 0 where /proc is absent.
func ReadMem() Mem {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := Mem{HeapInuse: ms.HeapInuse, Sys: ms.Sys}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fs := strings.Fields(v)
		if len(fs) != 2 || fs[1] != "kB" {
			continue
		}
		n, err := strconv.ParseUint(fs[0], 10, 64)
		if err != nil {
			continue
		}
		switch k {
		case "VmRSS":
			m.RSS = n << 10
		case "VmHWM":
			m.HWM = n << 10
		}
	}
	return m
}

// Queries returns the question texts of every set, in file order, without
// duplicates: the query mix of the speed benchmarks.
func Queries(sets []Set) ([]string, error) {
	var out []string
	seen := make(map[string]bool)
	for _, s := range sets {
		qs, err := ReadQuestions(s.Questions)
		if err != nil {
			return nil, err
		}
		for _, q := range qs {
			if !seen[q.Question] {
				seen[q.Question] = true
				out = append(out, q.Question)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no queries in %d sets", len(sets))
	}
	return out, nil
}

// Latencies runs n queries (cycling through queries, top k) on every
// index and returns each index's latencies, in the order of ixs. The
// indexes are interleaved: query i runs on each index in turn, starting
// with a different index each time, so that all see the same load on a
// shared machine. The first min(n, 100) queries are run once untimed
// first, to warm caches.
func Latencies(ctx context.Context, queries []string, n, k int, ixs ...Index) ([][]time.Duration, error) {
	for i := range min(n, 100, len(queries)) {
		for _, ix := range ixs {
			if _, err := ix.Search(ctx, queries[i], k); err != nil {
				return nil, fmt.Errorf("warm-up query %q: %w", queries[i], err)
			}
		}
	}
	out := make([][]time.Duration, len(ixs))
	for j := range out {
		out[j] = make([]time.Duration, n)
	}
	for i := range n {
		q := queries[i%len(queries)]
		for o := range ixs {
			j := (i + o) % len(ixs)
			start := time.Now()
			_, err := ixs[j].Search(ctx, q, k)
			out[j][i] = time.Since(start)
			if err != nil {
				return nil, fmt.Errorf("query %q: %w", q, err)
			}
		}
	}
	return out, nil
}

// MB formats bytes as mebibytes.
func MB(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
