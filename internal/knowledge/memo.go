package knowledge

import "sync"

// Memo keeps one value made from a slice of documents, made again when the
// slice changes: a refreshed knowledge folder is a new slice, while the
// same snapshot returns the same one. It is safe for concurrent use; the
// zero value is ready.
type Memo[T any] struct {
	mu  sync.Mutex
	key **Document // the documents' slice
	n   int
	v   T
}

// Of returns build(docs), made once for each slice; the zero T for no
// documents.
func (m *Memo[T]) Of(docs []*Document, build func([]*Document) T) T {
	var zero T
	if len(docs) == 0 {
		return zero
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.key != &docs[0] || m.n != len(docs) {
		m.v, m.key, m.n = build(docs), &docs[0], len(docs)
	}
	return m.v
}
