package recorder

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/registry"
)

// TestKnownUnderIsJudging holds KnownUnder to what it stands for: on a
// machine with fewer judges than a case was recorded with (the default
// judges less the C ones, as in the ClusterFuzzLite image), the
// signature it derives from a case's recorded verdicts is the one those
// judges give its input now, for every committed case.
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
	var agree int
	all := map[string]bool{}
	for _, c := range cases {
		known, missing := KnownUnder(e, []corpus.Case{c})
		if missing != 0 {
			// The replay test would fail first: a committed case lacks a default judge.
			t.Errorf("case %s: recorded without one of %v", store.Path(c.Signature), names)
			continue
		}
		now := e.Check(c.Input)
		var want map[string]bool
		if now.Agree {
			agree++
			want = map[string]bool{}
		} else {
			want = map[string]bool{now.Signature: true}
		}
		if !maps.Equal(known, want) {
			t.Errorf("case %s: KnownUnder = %v; judged now: %v", store.Path(c.Signature), slices.Collect(maps.Keys(known)), slices.Collect(maps.Keys(want)))
		}
		maps.Copy(all, known)
	}
	known, _ := KnownUnder(e, cases)
	if !maps.Equal(known, all) {
		t.Errorf("KnownUnder over all cases gives %d signatures, one by one %d", len(known), len(all))
	}
	t.Logf("%d cases: %d signatures under %d judges; %d cases agree without the C judges", len(cases), len(known), len(names), agree)
}

// Recorder.Known counts as recorded: a split whose minimized signature
// it holds is not written, one it lacks is.
func TestObserveKnown(t *testing.T) {
	input := []byte(`{"ociVersion":"1.3.0","root":null}`)
	r := newRecorder(t, "go/unmarshal", "schema/jsonschema-v6")
	_, added, err := r.Observe(input)
	if err != nil || len(added) != 1 {
		t.Fatalf("Observe with nothing known added %v, %v; want one case", added, err)
	}
	sig := r.Minimized(r.engine.Check(input).Signature)
	if len(sig) != 1 {
		t.Fatalf("minimized to %v; want one signature", sig)
	}

	r2 := newRecorder(t, "go/unmarshal", "schema/jsonschema-v6")
	r2.Known = map[string]bool{sig[0]: true}
	_, added, err = r2.Observe(input)
	if err != nil || len(added) != 0 {
		t.Errorf("Observe with %q known added %v, %v; want nothing", sig[0], added, err)
	}
	if n := r2.store.Count(sig[0]); n != 2 {
		t.Errorf("the known signature was counted %d times; want it hit once before this", n-1)
	}
	if cases, _ := r2.store.Cases(); len(cases) != 0 {
		t.Errorf("the store holds %d cases; want none", len(cases))
	}
}
