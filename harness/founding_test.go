package harness_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/registry"
)

var update = flag.Bool("update", false, "rewrite golden files from what the real judges say now")

// The founding case: containerd writes `"layerFolders": null` and
// `"root": {"path": ""}` for Windows containers (examples/). The table
// crosses every form of windows.layerFolders with every form of root and
// records what every judge ocidiff carries does with each cell, as
// observed from the real judges. When a judge changes behaviour (a new
// crate release, a schema change) the test fails and names the cell.
var (
	layerFolders = []struct{ name, json string }{
		{"absent", ""},
		{"null", `null`},
		{"[]", `[]`},
		{"one", `["C:\\layers\\base"]`},
		{"two", `["C:\\layers\\base","C:\\layers\\scratch"]`},
	}
	roots = []struct{ name, json string }{
		{"absent", ""},
		{"null", `null`},
		{"{}", `{}`},
		{"empty path", `{"path":""}`},
		{"relative", `{"path":"rootfs"}`},
		{"absolute", `{"path":"/var/lib/rootfs"}`},
		{"volume", `{"path":"\\\\?\\Volume{4bd8ed0c-3a5d-4f2b-a1e6-29e5e2f8d9a1}\\"}`},
	}
)

// foundingConfig builds the containerd Windows config of the seed
// discussion with one form of each field; "" leaves the member out.
func foundingConfig(lf, root string) []byte {
	var b strings.Builder
	b.WriteString(`{"ociVersion":"1.1.0","process":{"user":{"uid":0,"gid":0,"username":"NT AUTHORITY\\SYSTEM"},"args":["cmd"],"cwd":"C:\\"},`)
	if root != "" {
		b.WriteString(`"root":` + root + `,`)
	}
	b.WriteString(`"annotations":{"microsoft.com/hostprocess-container":"true"},"windows":{`)
	if lf != "" {
		b.WriteString(`"layerFolders":` + lf + `,`)
	}
	b.WriteString(`"resources":{"memory":{}},"network":{}}}`)
	return []byte(b.String())
}

func TestFoundingMatrix(t *testing.T) {
	var cells []cell
	for _, lf := range layerFolders {
		for _, root := range roots {
			cells = append(cells, cell{"layerFolders=" + lf.name + " root=" + root.name, foundingConfig(lf.json, root.json)})
		}
	}
	checkGolden(t, "testdata/founding.golden", cells)
}

// A cell is one named input of a golden matrix.
type cell struct {
	name  string
	input []byte
}

// checkGolden judges every cell with every judge ocidiff carries and
// compares each judge's outcome and class, and each value split, with the
// golden file (rewritten with -update).
func checkGolden(t *testing.T, golden string, cells []cell) {
	t.Helper()
	e, err := registry.Engine("all")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()

	// One line per cell: the cell, then each judge's outcome and class.
	var got bytes.Buffer
	for _, c := range cells {
		if !json.Valid(c.input) {
			t.Fatalf("cell %s: test input is not JSON: %s", c.name, c.input)
		}
		r := e.Check(c.input)
		fmt.Fprintf(&got, "%s\n", c.name)
		for _, v := range r.Verdicts {
			fmt.Fprintf(&got, "\t%s: %s", v.Judge, v.Outcome)
			if v.Class != "" {
				fmt.Fprintf(&got, " [%s]", v.Class)
			}
			got.WriteByte('\n')
		}
		for _, d := range r.Diffs {
			fmt.Fprintf(&got, "\tvalue split %s: %s=%s %s=%s\n", d.Path,
				strings.Join(d.A, ","), d.AValue, strings.Join(d.B, ","), d.BValue)
		}
	}
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./harness -run %s -update to record)", err, t.Name())
	}
	compareCells(t, string(want), got.String())
}

// compareCells reports each cell whose verdicts changed, by name.
func compareCells(t *testing.T, want, got string) {
	t.Helper()
	cells := func(s string) (order []string, m map[string]string) {
		m = map[string]string{}
		var cur string
		for _, line := range strings.SplitAfter(s, "\n") {
			if line == "" {
				continue
			}
			if !strings.HasPrefix(line, "\t") {
				cur = strings.TrimSpace(line)
				order = append(order, cur)
				continue
			}
			m[cur] += line
		}
		return order, m
	}
	wantOrder, w := cells(want)
	_, g := cells(got)
	if len(w) != len(g) {
		t.Errorf("golden has %d cells, the table %d: re-record with -update", len(w), len(g))
	}
	for _, c := range wantOrder {
		if w[c] != g[c] {
			t.Errorf("cell %s changed:\nwas:\n%snow:\n%s", c, w[c], g[c])
		}
	}
}
