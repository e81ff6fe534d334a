package corpus

import "path/filepath"

// flakyDir holds, inside a corpus directory, the disagreements that did
// not reproduce. It starts with "." so that Cases, Slugs, the replay test
// and `make memcheck` pass it by, and git ignores it.
const flakyDir = ".flaky"

// Flaky returns the store for disagreements that did not reproduce on
// freshly started judges (a child killed from outside, a timeout under
// load): DIR/.flaky, with the same layout as the corpus, one case per
// signature, each also holding what the judges said when asked again.
// They are never findings, but a person may want to look at one: a judge
// that is really nondeterministic shows up there and nowhere else. Its
// hit counts (Count, SaveHits, LoadHits) say how often each signature
// flaked.
func (s *Store) Flaky() (*Store, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flaky == nil {
		f, err := Open(filepath.Join(s.dir, flakyDir))
		if err != nil {
			return nil, err
		}
		s.flaky = f
	}
	return s.flaky, nil
}
