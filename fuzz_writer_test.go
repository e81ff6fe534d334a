package ocidiff_test

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/gen"
	"github.com/ocidiff/ocidiff/registry"
)

// FuzzGoWriter is the writer's fuzz target: go-fuzz-headers' bytes fill a
// specs-go Spec as a Go program builds one (gen.BuildGo: nil and empty
// slices and maps, nil pointers, zero strings, numbers and structs, or
// values the schema accepts), encoding/json writes it, and the engine, in
// the round trip for a built config, judges what encoding/json and
// json/v2 write of that value with every judge. A judge refusing what a
// writer wrote is a "writes" cause of the writer's library, recorded as
// FuzzDifferential records its causes (same corpus, same recorder, same
// environment; see fuzz_test.go).
//
// The input judged and recorded is encoding/json's output: it is the
// value as the program holds it (encoding/json reads it back into the
// same value), and a case minimized from it still reads as a value that
// encoding/json and json/v2 then write.
func FuzzGoWriter(f *testing.F) {
	// specs.Spec{} (the empty input leaves every field nil or zero), and
	// a few inputs that set the top-level members in turn.
	f.Add([]byte{})
	for b := range 3 {
		f.Add([]byte{byte(b), 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2})
	}
	f.Cleanup(func() { writerSess.saveAtEnd(f) })
	f.Fuzz(func(t *testing.T, data []byte) {
		input, err := json.Marshal(gen.BuildGo(data, nil))
		if err != nil {
			// Every specs-go value BuildGo fills marshals: one that does
			// not is a bug of the builder, not a finding.
			t.Fatalf("encoding/json cannot write the spec built from %q: %v", data, err)
		}
		writerSession(t).check(t, input)
	})
}

var (
	writerOnce    sync.Once
	writerSess    *fuzzSession
	writerSessErr error
)

// writerSession is session(t) with the engine in the round trip for a
// built config: a process of its own judges, recorder and hit counts.
func writerSession(t *testing.T) *fuzzSession {
	writerOnce.Do(func() {
		if _, err := gen.Load(); err != nil {
			writerSessErr = err
			return
		}
		writerSess, writerSessErr = newSession(harness.RoundTrip(registry.GoWriters...))
	})
	if writerSessErr != nil {
		t.Fatal(writerSessErr)
	}
	return writerSess
}
