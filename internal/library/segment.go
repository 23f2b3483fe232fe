package library

import (
	"context"
	"hash/fnv"
	"runtime"

	"storybot/internal/knowledge"
	"storybot/internal/search"
)

// Large folders are indexed in segments so that a change re-indexes only
// the segment that holds the changed document. Documents are assigned to
// segments by a hash of their path, so each segment is a random sample of
// the folder and average lengths are close across segments; a query is
// scored with IDF counted across all segments and one scale for document
// evidence and proximity (search.SearchSegments), so hits merge by score as
// if from one index. A folder with less than segmentBytes
// of text is one segment, indexed exactly as search.Build does.
const (
	segmentBytes = 1 << 20
	maxSegments  = 64
)

// idealSegments is the number of segments for docs: one per segmentBytes
// of passage text, between 1 and maxSegments.
func idealSegments(docs []*knowledge.Document) int {
	var total int64
	for _, d := range docs {
		for i := range d.Passages {
			total += int64(len(d.Passages[i].Text))
		}
	}
	return int(min(max(1, (total+segmentBytes-1)/segmentBytes), maxSegments))
}

// chooseSegments keeps the current count while it is within a factor of
// two of the ideal (so a change rebuilds one segment), else re-partitions.
func chooseSegments(current, ideal int) int {
	if current >= 1 && current*2 >= ideal && current <= ideal*2 {
		return current
	}
	return ideal
}

func segmentOf(path string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(path))
	return int(h.Sum32() % uint32(n))
}

// partition splits docs (sorted by path) into n segments, keeping the order.
func partition(docs []*knowledge.Document, n int) [][]*knowledge.Document {
	parts := make([][]*knowledge.Document, n)
	for _, d := range docs {
		i := segmentOf(d.Path, n)
		parts[i] = append(parts[i], d)
	}
	return parts
}

// buildSegments indexes docs in n segments, reusing the segments of prev
// that hold none of the changed paths when the count is unchanged. It
// returns the segments and how many were built. Several segments are built
// at once, one goroutine each (up to opts.Workers, 0: GOMAXPROCS), so that
// the serial stages of search.Build run in parallel; a lone segment gets
// every worker.
func buildSegments(ctx context.Context, docs []*knowledge.Document, n int, prev []*search.Index, changed []string, opts search.Options) ([]*search.Index, int, error) {
	opts = opts.ForCollection(len(docs))
	touched := make([]bool, n)
	for _, p := range changed {
		touched[segmentOf(p, n)] = true
	}
	reuse := len(prev) == n
	segs := make([]*search.Index, n)
	parts := partition(docs, n)
	var todo []int
	for i := range parts {
		if reuse && !touched[i] && prev[i] != nil {
			segs[i] = prev[i]
			continue
		}
		todo = append(todo, i)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if len(todo) > 1 && workers > 1 {
		opts.Workers = 1
	}
	err := parallel(ctx, workers, len(todo), func(j int) error {
		i := todo[j]
		ix, err := search.Build(ctx, parts[i], opts)
		segs[i] = ix
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return segs, len(todo), nil
}

// Search returns up to k passages of the snapshot that best match q, best
// first, scored across every segment as one index would (see
// search.SearchSegments). With no documents it returns no hits and no
// error. Safe for concurrent use.
func (s *Snapshot) Search(ctx context.Context, q string, k int) ([]search.Hit, error) {
	if len(s.segs) == 0 {
		return nil, nil
	}
	return search.SearchSegments(ctx, s.segs, q, k)
}

// Segments returns the number of index segments (1 for small folders).
func (s *Snapshot) Segments() int { return len(s.segs) }
