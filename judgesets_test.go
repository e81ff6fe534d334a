package ocidiff_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/registry"
)

// TestCausesNamedUnderEveryJudgeSet judges every committed case under each
// selection of judges a user can ask for (default, all, and every profile
// of what a distribution ships) and holds the triage notes to the cause
// model's promise: every cause any of them shows is claimed by exactly one
// family. A family names causes, never judges, so a cause met under the
// default judges keeps its family when more releases of its library run,
// and a cause only an older release shows is named too.
func TestCausesNamedUnderEveryJudgeSet(t *testing.T) {
	if testing.Short() {
		t.Skip("judges every committed case under every selection")
	}
	anns, store, cases := committed(t)
	for _, sel := range registry.Selections() {
		t.Run(sel, func(t *testing.T) {
			e, err := registry.Engine(sel)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			bad := map[string]string{} // cause instance -> what is wrong, and where
			causes := map[string]bool{}
			for _, c := range cases {
				for _, x := range e.Check(c.Input).Causes {
					causes[x.Key()] = true
					if ids := triage.Claimants(anns, x); len(ids) != 1 {
						if _, ok := bad[x.Instance()]; !ok {
							what := "no family claims it"
							if len(ids) > 1 {
								what = "claimed by " + strings.Join(ids, " and ")
							}
							bad[x.Instance()] = store.Path(c.Signature) + ": " + what
						}
					}
				}
			}
			for _, inst := range slices.Sorted(maps.Keys(bad)) {
				t.Errorf("%s\n    %s", inst, bad[inst])
			}
			t.Logf("%d cases show %d causes under %s", len(cases), len(causes), sel)
		})
	}
}
