package recorder

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/parsers/registry"
)

func newRecorder(t *testing.T, judges ...string) *Recorder {
	t.Helper()
	e, err := registry.Engine(strings.Join(judges, ","))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	s, err := corpus.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return New(e, s)
}

// An input with two unrelated causes (a duplicate name that json/v2
// refuses, a null root that the schema refuses) becomes two cases, each
// minimized to its own cause.
func TestObserveSeparatesCauses(t *testing.T) {
	r := newRecorder(t, "go/unmarshal", "go/decoder", "go/jsonv2", "schema/jsonschema-v6")
	input := []byte(`{"ociVersion":"1.0.2","hostname":"a","hostname":"b","root":null,"annotations":{"k":"v"}}`)
	res, added, err := r.Observe(input)
	if err != nil {
		t.Fatal(err)
	}
	if res.Agree {
		t.Fatal("judges agree on the input")
	}
	if len(added) != 2 {
		t.Fatalf("added %d cases (%v), want 2", len(added), added)
	}
	cases, err := r.store.Cases()
	if err != nil {
		t.Fatal(err)
	}
	var dup, root int
	for _, c := range cases {
		if !bytes.Equal(c.Original, input) {
			t.Errorf("case %s: original %q, want the input", c.Signature, c.Original)
		}
		if len(c.Input) >= len(input) {
			t.Errorf("case %s: input %q not minimized", c.Signature, c.Input)
		}
		hasDup := bytes.Count(c.Input, []byte(`"hostname"`)) == 2
		hasRoot := bytes.Contains(c.Input, []byte(`"root":null`))
		switch {
		case hasDup && !hasRoot && strings.Contains(c.Signature, "go/jsonv2 [jsontext: duplicate object member name]"):
			dup++
		case hasRoot && !hasDup && strings.Contains(c.Signature, "/root:type"):
			root++
		default:
			t.Errorf("case holds neither cause alone: %q (%s)", c.Input, c.Signature)
		}
	}
	if dup != 1 || root != 1 {
		t.Errorf("%d duplicate-name cases and %d null-root cases, want one each", dup, root)
	}

	// The same input again is known: nothing is minimized or added.
	before := r.Stats().Minimized
	if _, added, _ := r.Observe(input); len(added) != 0 || r.Stats().Minimized != before {
		t.Errorf("second Observe added %v and minimized %d more", added, r.Stats().Minimized-before)
	}
}

func TestObserveAgreement(t *testing.T) {
	r := newRecorder(t, "go/unmarshal", "schema/jsonschema-v6")
	res, added, err := r.Observe([]byte(`{"ociVersion":"1.0.2"}`))
	if err != nil || !res.Agree || len(added) != 0 {
		t.Fatalf("agree=%v added=%v err=%v", res.Agree, added, err)
	}
}

// A disagreement met again counts as a hit of the cases it was minimized
// to; the counts survive in the corpus directory for ocidiff fuzz.
func TestObserveCountsHits(t *testing.T) {
	r := newRecorder(t, "go/unmarshal", "schema/jsonschema-v6")
	input := []byte(`{"ociVersion":"1.0.2","root":null}`)
	for range 3 {
		if _, _, err := r.Observe(input); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.store.SaveHits("w1"); err != nil {
		t.Fatal(err)
	}
	hits, err := r.store.LoadHits()
	if err != nil || len(hits) != 1 || hits[0].Count != 2 {
		t.Fatalf("LoadHits() = %v, %v; want one signature met twice after it was added", hits, err)
	}
	if err := r.store.SaveHits("w1"); err != nil {
		t.Fatal(err)
	}
	if err := r.store.SaveHits("w2"); err != nil {
		t.Fatal(err)
	}
	loaded, err := r.store.LoadHits()
	if err != nil || len(loaded) != 1 || loaded[0].Count != 4 {
		t.Fatalf("LoadHits() = %v, %v; want the two workers' counts added", loaded, err)
	}
	if cases, err := r.store.Cases(); err != nil || len(cases) != 1 {
		t.Fatalf("the hits directory is not a case: %d cases, %v", len(cases), err)
	}
	if err := r.store.ClearHits(); err != nil {
		t.Fatal(err)
	}
	if loaded, _ := r.store.LoadHits(); len(loaded) != 0 {
		t.Errorf("after ClearHits: %v", loaded)
	}
}
