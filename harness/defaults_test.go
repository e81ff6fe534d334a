package harness_test

import (
	"testing"

	"github.com/ocidiff/ocidiff/parsers/rust"
)

// TestRustDefaultsJudged judges what each oci-spec release the adapter
// carries writes for Spec::default(), as Spec::save writes it, and what
// the newest writes for the specs a program builds from its constructors
// and its parts' defaults, with every
// judge ocidiff carries, and holds the verdicts to
// testdata/rust-default.golden: a program that builds its config from
// the crate's defaults hands that to a runtime. (oci-spec 0.6.0 writes
// its default device rule with "type", "major" and "minor" null, which
// both validators refuse; youki-dev/oci-spec-rs#185 dropped the rule, and
// 0.10.0 writes no device rule.)
func TestRustDefaultsJudged(t *testing.T) {
	var cells []cell
	for _, impl := range rust.Implementations() {
		b, err := rust.Default(impl)
		if err != nil {
			t.Fatal(err)
		}
		cells = append(cells, cell{impl + " Spec::default()", b})
	}
	// The specs a program builds from the newest release's constructors
	// and its parts' defaults: windows: Windows::default() writes a
	// windows object without its REQUIRED layerFolders, which libocispec
	// and the schema refuse (family layerfolders-null).
	built, err := rust.BuiltSpecs()
	if err != nil {
		t.Fatal(err)
	}
	if len(built) < 5 {
		t.Fatalf("the adapter's --built wrote %d specs", len(built))
	}
	for _, b := range built {
		cells = append(cells, cell{rust.Implementations()[0] + " built as " + b.Name, b.Config})
	}
	checkGolden(t, "testdata/rust-default.golden", cells)
}
