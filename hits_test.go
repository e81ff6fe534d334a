package ocidiff_test

import (
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/fuzzrun"
)

// TestHitsSavedAtEnd: the hits a fuzz worker counts between two of its
// periodic saves reach the corpus when the fuzz target ends. The inputs
// here come within far less than the save interval, so that only the
// save at the end can carry them. go/decoder reads one value and ignores
// what follows; go/unmarshal refuses it: one signature, recorded by the
// first input and met again by the others.
func TestHitsSavedAtEnd(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(fuzzrun.EnvVar, strings.TrimPrefix(fuzzrun.Config{Corpus: dir, Judges: "go/unmarshal,go/decoder"}.Env(), fuzzrun.EnvVar+"="))
	s, err := newSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.rec.Engine().Close()
	s.record = true // as under go test -fuzz
	old := theSession
	theSession = s
	defer func() { theSession = old }()

	const input = `{"ociVersion":"1.0.0"} {}`
	const inputs = 5
	for range inputs {
		s.check(t, []byte(input))
	}
	theSession.saveAtEnd(t)

	store, err := corpus.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := store.Cases()
	if err != nil || len(cases) != 1 {
		t.Fatalf("corpus holds %d cases (%v), want the one signature", len(cases), err)
	}
	run, err := fuzzrun.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	hits, err := run.Hits.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || cases[0].Signature != hits[0].Key+" @ /" || hits[0].Count != inputs-1 {
		t.Errorf("saved hits %+v, want %d of the cause of %q", hits, inputs-1, cases[0].Signature)
	}
}
