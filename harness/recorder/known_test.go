package recorder

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/registry"
)

// TestKnownUnderIsJudging holds KnownUnder to what it stands for: on a
// machine with fewer judges than a case was recorded with (the default
// judges less the C ones, as in the ClusterFuzzLite image), the causes it
// derives from the cases as a build embeds them (corpus.Recorded: case.json
// and input.json) are those the judges give every committed input, so that
// such a machine reports no known cause as new. The recorded causes alone
// would not do: without libocispec's vote another library stands apart.
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
	embedded, err := corpus.Recorded(os.DirFS("../../corpus"))
	if err != nil {
		t.Fatal(err)
	}
	store, err := corpus.OpenReadOnly("../../corpus")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := store.Cases()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 || len(embedded) != len(cases) {
		t.Fatalf("%d committed cases, %d read as a build embeds them", len(cases), len(embedded))
	}
	known, missing := KnownUnder(e, embedded)
	if missing != 0 {
		t.Errorf("%d embedded cases have no input", missing)
	}
	want := map[string]bool{}
	for _, c := range cases {
		for _, cause := range e.Check(c.Input).Causes {
			want[cause.Key()] = true
			if !known[cause.Key()] {
				t.Errorf("case %s: %s, shown without the C judges, is not among the known causes", store.Path(c.Signature), cause.Key())
			}
		}
	}
	recordedOnly := 0
	for _, c := range embedded {
		for _, cause := range c.Result.Causes {
			if !want[cause.Key()] {
				recordedOnly++
			}
		}
	}
	t.Logf("%d cases: %d known causes under %d judges; %d recorded cause instances those judges do not show", len(cases), len(known), len(names), recordedOnly)
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
	if n := r2.run.Hits.Count(key); n != 2 {
		t.Errorf("the known cause was counted %d times; want it hit once before this", n-1)
	}
	if cases, _ := r2.store.Cases(); len(cases) != 0 {
		t.Errorf("the store holds %d cases; want none", len(cases))
	}
}
