// Package memo remembers a pure function of a string, up to a bound.
//
// Checks ask the same questions of the same texts over and over (the
// class of an error, the form a class names), and a fuzzing run makes new
// texts without end: a memo that forgets everything at its bound keeps
// the common answers near at hand without growing with the run.
package memo

import "sync"

// A Memo answers f(key) from what it remembers, and remembers at most max
// answers. It is safe for concurrent use; f must be pure, since two
// goroutines may compute one answer at once.
type Memo[V any] struct {
	f   func(string) V
	max int
	mu  sync.Mutex
	m   map[string]V
}

// New returns a memo of f that remembers at most max answers.
func New[V any](max int, f func(string) V) *Memo[V] {
	return &Memo[V]{f: f, max: max, m: map[string]V{}}
}

// Get returns f(key).
func (m *Memo[V]) Get(key string) V {
	m.mu.Lock()
	v, ok := m.m[key]
	m.mu.Unlock()
	if ok {
		return v
	}
	v = m.f(key)
	m.mu.Lock()
	if len(m.m) >= m.max {
		clear(m.m) // a bound, not an LRU: answers worth keeping come back
	}
	m.m[key] = v
	m.mu.Unlock()
	return v
}
