// Package fuzzrun keeps what a fuzz run knows beside the corpus it fuzzes
// into, and how the run is configured. A run's state is not the corpus:
// the corpus holds cases for regression, reviewed and committed, while a
// run counts how often it met known causes again (hits), defers inputs it
// had no time to record (pending) and sets aside disagreements that did
// not reproduce (flaky). All three live in dot-directories of the corpus
// directory, which corpus.Store and git pass by.
package fuzzrun

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/internal/wholefile"
)

// Directories inside a corpus directory.
const (
	// hitsDir holds each fuzzing worker's hit counts. Workers are
	// separate processes, so each writes its own file, whole, and a
	// reader adds them up.
	hitsDir = ".hits"
	// pendingDir holds inputs whose recording was deferred: a fuzz
	// worker must finish each input within Go's 10-second limit or the
	// whole run stops, and minimizing and verifying a deeply nested
	// input can take far longer under load. `ocidiff fuzz` records them
	// after the run with no time limit.
	pendingDir = ".pending"
	// flakyDir holds the disagreements that did not reproduce, as a
	// corpus of its own.
	flakyDir = ".flaky"
)

// State is a fuzz run's state beside the corpus in one directory. It is
// safe for concurrent use by several goroutines, and several processes
// may share the directory.
type State struct {
	// Hits counts how often this process met each known cause again.
	Hits *Hits

	dir   string
	mu    sync.Mutex
	flaky *Flaky // opened by Flaky
}

// Open returns the run state kept in the corpus directory dir, creating
// the directory if needed.
func Open(dir string) (*State, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("fuzzrun: %w", err)
	}
	return &State{Hits: newHits(filepath.Join(dir, hitsDir)), dir: dir}, nil
}

// Dir returns the directory the state is kept in.
func (s *State) Dir() string { return s.dir }

// Flaky is where disagreements that did not reproduce on freshly started
// judges go (a child killed from outside, a timeout under load). They are
// never findings, but a person may want to look at one: a judge that is
// really nondeterministic shows up there and nowhere else.
type Flaky struct {
	// Cases holds one case per cause, each also holding what the judges
	// said when asked again.
	Cases *corpus.Store
	// Hits says how often each cause flaked.
	Hits *Hits
}

// Flaky opens DIR/.flaky.
func (s *State) Flaky() (*Flaky, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flaky == nil {
		dir := filepath.Join(s.dir, flakyDir)
		cases, err := corpus.Open(dir)
		if err != nil {
			return nil, err
		}
		s.flaky = &Flaky{Cases: cases, Hits: newHits(filepath.Join(dir, hitsDir))}
	}
	return s.flaky, nil
}

// AddPending keeps input for recording later, whole, named by its SHA-256
// so that the same input deferred by two workers is kept once. It returns
// the file's path.
func (s *State) AddPending(input []byte) (string, error) {
	sum := sha256.Sum256(input)
	dir := s.PendingDir()
	path := filepath.Join(dir, hex.EncodeToString(sum[:])+".input")
	if err := wholefile.Write(dir, path, input); err != nil {
		return "", fmt.Errorf("fuzzrun: pending: %w", err)
	}
	return path, nil
}

// Pending lists the paths of the inputs kept by AddPending, sorted.
func (s *State) Pending() ([]string, error) {
	entries, err := os.ReadDir(s.PendingDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("fuzzrun: pending: %w", err)
	}
	var paths []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".input") && !strings.HasPrefix(e.Name(), wholefile.TmpPrefix) {
			paths = append(paths, filepath.Join(s.PendingDir(), e.Name()))
		}
	}
	sort.Strings(paths)
	return paths, nil
}

// PendingDir is the directory AddPending writes to.
func (s *State) PendingDir() string { return filepath.Join(s.dir, pendingDir) }

// Hits counts how often a run met each known cause again, keyed by the
// cause's key (harness.Cause.Key), in memory until Save.
type Hits struct {
	dir string
	mu  sync.Mutex
	m   map[string]int
}

func newHits(dir string) *Hits { return &Hits{dir: dir, m: map[string]int{}} }

// Hit is a cause's key and how often fuzzing workers met it again.
type Hit struct {
	Key   string
	Count int
}

// Count records one more hit of key and returns the hits so far.
func (h *Hits) Count(key string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.m[key]++
	return h.m[key]
}

// Save writes this process's counts as worker's file, replacing the one
// it wrote before.
func (h *Hits) Save(worker string) error {
	h.mu.Lock()
	b, err := json.Marshal(h.m)
	h.mu.Unlock()
	if err != nil {
		return err
	}
	if err := h.SaveWorkerData(worker, "json", b); err != nil {
		return fmt.Errorf("fuzzrun: hits: %w", err)
	}
	return nil
}

// SaveWorkerData writes data a fuzzing worker keeps beside its hit counts
// (the generator's coverage, for one), as worker's file of that kind,
// whole. Clear removes it too.
func (h *Hits) SaveWorkerData(worker, kind string, b []byte) error {
	return wholefile.Write(h.dir, filepath.Join(h.dir, worker+"."+kind), b)
}

// LoadWorkerData returns what every worker saved of that kind.
func (h *Hits) LoadWorkerData(kind string) ([][]byte, error) {
	entries, err := os.ReadDir(h.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("fuzzrun: %w", err)
	}
	var out [][]byte
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "."+kind) || strings.HasPrefix(e.Name(), wholefile.TmpPrefix) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(h.dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("fuzzrun: %w", err)
		}
		out = append(out, b)
	}
	return out, nil
}

// Load adds up the counts every worker saved, most met first.
func (h *Hits) Load() ([]Hit, error) {
	files, err := h.LoadWorkerData("json")
	if err != nil {
		return nil, fmt.Errorf("fuzzrun: hits: %w", err)
	}
	sum := map[string]int{}
	for _, b := range files {
		var m map[string]int
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("fuzzrun: hits in %s: %w", h.dir, err)
		}
		for k, n := range m {
			sum[k] += n
		}
	}
	hits := make([]Hit, 0, len(sum))
	for k, n := range sum {
		hits = append(hits, Hit{k, n})
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Key, b.Key)
	})
	return hits, nil
}

// Clear removes every worker's saved counts and data, before a new run.
func (h *Hits) Clear() error { return os.RemoveAll(h.dir) }
