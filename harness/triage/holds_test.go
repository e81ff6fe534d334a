package triage_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/registry"
)

// TestFamilyHoldsOn records cases with one crun judge and asks on which
// crun releases the recorded verdict holds, with the real judges: json-c
// in crun 1.28 reads duplicates and trailing data differently from yajl.
func TestFamilyHoldsOn(t *testing.T) {
	all, err := registry.Engine("c/libocispec@crun-1.28,c/libocispec@crun-1.21,c/libocispec@crun-1.8.1")
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	record := func(judge string, inputs ...string) []corpus.Case {
		e, err := registry.Engine(judge)
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		var cs []corpus.Case
		for _, in := range inputs {
			cs = append(cs, corpus.Case{Input: []byte(in), Result: e.Check([]byte(in))})
		}
		return cs
	}
	const (
		founding  = `{"ociVersion":"1.0.2","root":{"path":""},"windows":{"layerFolders":null}}`
		duplicate = `{"ociVersion":"1.0.0","ociVersion":"2.0.0"}`
		trailing  = `{"ociVersion":"1"} {}`
	)
	for _, tt := range []struct {
		name  string
		cases []corpus.Case
		want  []string
		ok    bool
	}{
		{"founding", record("c/libocispec@crun-1.8.1", founding), []string{"crun 1.8.1", "crun 1.21", "crun 1.28"}, true},
		{"first duplicate wins", record("c/libocispec@crun-1.8.1", duplicate), []string{"crun 1.8.1", "crun 1.21"}, true},
		{"last duplicate wins", record("c/libocispec@crun-1.28", duplicate), []string{"crun 1.28"}, true},
		{"trailing data refused", record("c/libocispec@crun-1.21", trailing), []string{"crun 1.8.1", "crun 1.21"}, true},
		{"family of two", record("c/libocispec@crun-1.8.1", founding, trailing), []string{"crun 1.8.1", "crun 1.21"}, true},
		{"no libocispec verdict", record("go/unmarshal", founding), nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := triage.FamilyHoldsOn(all, registry.Descriptors(), "libocispec", tt.cases)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.ok {
				t.Fatalf("FamilyHoldsOn ok = %v, want %v", ok, tt.ok)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("FamilyHoldsOn (-want +got):\n%s", d)
			}
		})
	}
}
