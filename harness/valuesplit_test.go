package harness_test

import (
	"os"
	"strings"
	"testing"
)

// The founding matrix holds no value split: wherever the parsers all
// accept, they read the same model. These cells do split values, on the
// founding config with one layer folder and a relative root: parsers that
// accept the document act on different values. The golden records every
// judge's verdict and every split, as the real judges give them, so that
// the engine's comparison of models is pinned by real models too.
var valueCells = []struct{ name, old, new string }{
	// encoding/json matches member names case-insensitively, the last
	// match winning; the others ignore the unknown member.
	{"LayerFolders after layerFolders", `"resources"`, `"LayerFolders":["C:\\layers\\other"],"resources"`},
	{"LayerFolders before layerFolders", `"layerFolders"`, `"LayerFolders":["C:\\layers\\other"],"layerFolders"`},
	{"OCIVersion for ociVersion", `"ociVersion"`, `"OCIVersion"`},
	// Duplicate names: encoding/json keeps the last, libocispec the
	// first, json/v2 and serde refuse.
	{"layerFolders twice", `"resources"`, `"layerFolders":["C:\\layers\\other"],"resources"`},
	{"hostname twice", `"annotations"`, `"hostname":"a","hostname":"b","annotations"`},
}

func TestValueSplitMatrix(t *testing.T) {
	base := string(foundingConfig(`["C:\\layers\\base"]`, `{"path":"rootfs"}`))
	var cells []cell
	for _, c := range valueCells {
		if strings.Count(base, c.old) != 1 {
			t.Fatalf("cell %s: %s is not once in the base config", c.name, c.old)
		}
		cells = append(cells, cell{c.name, []byte(strings.Replace(base, c.old, c.new, 1))})
	}
	cells = append(cells, cell{"base", []byte(base)})
	const golden = "testdata/valuesplit.golden"
	checkGolden(t, golden, cells)

	// The point of this matrix: it must keep holding value splits.
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "value split "); n < len(valueCells)-1 {
		t.Errorf("%s holds %d value splits, want at least %d", golden, n, len(valueCells)-1)
	}
}
