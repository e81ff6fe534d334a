package recorder

import (
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/registry"
)

// TestKnownUnderIsJudging holds KnownUnder to what it stands for: on a
// machine with fewer judges than a case was recorded with (the default
// judges less the C ones, as in the ClusterFuzzLite image), every cause
// those judges give a case's input now is one KnownUnder derives from the
// case's record, so that such a machine reports no known cause as new.
func TestKnownUnderIsJudging(t *testing.T) {
	if testing.Short() {
		t.Skip("judges every committed case")
	}
	names, err := registry.Names("default")
	if err != nil {
		t.Fatal(err)
	}
	names = slices.DeleteFunc(names, func(n string) bool { return strings.HasPrefix(n, "c/") })
	e, err := registry.Engine(strings.Join(names, ","))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	store, err := corpus.OpenReadOnly("../../corpus")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := store.Cases()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no committed case")
	}
	known, missing := KnownUnder(e, cases)
	if missing != 0 {
		t.Errorf("%d committed cases record no causes", missing)
	}
	var unknown []string
	for _, c := range cases {
		for _, cause := range e.Check(c.Input).Causes {
			if !known[cause.Key()] && !slices.Contains(unknown, cause.Key()) {
				unknown = append(unknown, cause.Key())
				t.Errorf("case %s: %s, shown without the C judges, is not among the known causes", store.Path(c.Signature), cause.Key())
			}
		}
	}
	t.Logf("%d cases: %d known causes under %d judges", len(cases), len(known), len(names))
}

// Recorder.Known counts as recorded: a disagreement whose causes it holds
// is not written, and each of its causes is counted as hit.
func TestObserveKnown(t *testing.T) {
	input := []byte(`{"ociVersion":"1.3.0","root":null}`)
	r := newRecorder(t, "go/unmarshal", "schema/jsonschema-v6")
	_, added, err := r.Observe(input)
	if err != nil || len(added) != 1 {
		t.Fatalf("Observe with nothing known added %v, %v; want one case", added, err)
	}
	causes := r.engine.Check(input).Causes
	if len(causes) != 1 {
		t.Fatalf("the input shows causes %v; want one", causes)
	}
	key := causes[0].Key()

	r2 := newRecorder(t, "go/unmarshal", "schema/jsonschema-v6")
	r2.Known = map[string]bool{key: true}
	_, added, err = r2.Observe(input)
	if err != nil || len(added) != 0 {
		t.Errorf("Observe with %q known added %v, %v; want nothing", key, added, err)
	}
	if n := r2.store.Count(key); n != 2 {
		t.Errorf("the known cause was counted %d times; want it hit once before this", n-1)
	}
	if cases, _ := r2.store.Cases(); len(cases) != 0 {
		t.Errorf("the store holds %d cases; want none", len(cases))
	}
}
