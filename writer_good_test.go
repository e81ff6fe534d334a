package ocidiff_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/registry"
)

// TestGoodConfigsWrittenBack writes every good config of runtime-spec's
// own schema tests back through each library that reads it (specs-go with
// encoding/json and json/v2, oci-spec-rs's Serialize, libocispec's
// generator) and judges what each wrote with every judge: each judge
// accepts it, or the difference is a writes cause the corpus holds a case
// of. A writer that reads a good config and writes one a runtime refuses
// is the founding bug's shape; this keeps every such writer on record.
func TestGoodConfigsWrittenBack(t *testing.T) {
	paths, err := specmod.Fixtures("good")
	if err != nil {
		t.Fatal(err)
	}
	e, err := registry.Engine("default", harness.RoundTrip())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	store, err := corpus.Open("corpus")
	if err != nil {
		t.Fatal(err)
	}
	held, err := store.CauseIndex()
	if err != nil {
		t.Fatal(err)
	}
	descs := parsers.DescriptorsOf(e.Judges())
	// Which languages' writers wrote something, over all the configs: each
	// of Go, Rust and C must have, or the round trip judged nothing of it.
	wrote := map[string]bool{}
	for _, p := range paths {
		input, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p)
		r := e.Check(input)
		for _, w := range r.Writes {
			for _, j := range w.Writers {
				wrote[descs[j].Language] = true
			}
			var refused []string
			for _, v := range w.Verdicts {
				if !v.Accepted() {
					refused = append(refused, v.Judge)
				}
			}
			if len(refused) == 0 {
				continue
			}
			// A judge that refuses what was written refuses for a
			// writes cause of the writer's library, unless it refused
			// the good config itself at the same place and for the
			// same form (a reader's cause, which the corpus holds
			// under that reader).
			lib := descs[w.Writers[0]].Library
			var causes []harness.Cause
			for _, c := range r.Causes {
				if c.Behaviour == harness.Writes && c.Library == lib {
					causes = append(causes, c)
				}
			}
			for _, j := range refused {
				i := slices.IndexFunc(r.Verdicts, func(v parsers.Verdict) bool { return v.Judge == j })
				explained := slices.ContainsFunc(causes, func(c harness.Cause) bool { return slices.Contains(c.Readers, j) })
				if !explained && r.Verdicts[i].Accepted() {
					t.Errorf("%s: %s refuses what %s wrote (%s), and no writes cause names it", name, j,
						strings.Join(w.Writers, ", "), w.Verdicts[i].Error)
				}
			}
		}
		for _, c := range r.Causes {
			if c.Behaviour == harness.Writes && len(held[c.Key()]) == 0 {
				t.Errorf("%s: %s is no recorded cause: record it (ocidiff corpus add -roundtrip %s)", name, c.Instance(), p)
			}
		}
	}
	for _, lang := range []string{"Go", "Rust", "C"} {
		if !wrote[lang] {
			t.Errorf("no %s writer wrote back any good config", lang)
		}
	}
}
