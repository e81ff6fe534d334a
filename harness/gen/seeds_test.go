package gen

import (
	"encoding/json"
	"testing"

	"github.com/ocidiff/ocidiff/internal/specmod"
)

func TestSeeds(t *testing.T) {
	seeds, err := Seeds()
	if err != nil {
		t.Fatal(err)
	}
	good, _ := specmod.Fixtures("good")
	bad, _ := specmod.Fixtures("bad")
	if want := 1 + len(good) + len(bad); len(seeds) != want || len(good) == 0 {
		t.Fatalf("Seeds() gave %d seeds, want %d (Founding, %d good, %d bad)", len(seeds), want, len(good), len(bad))
	}
	if string(seeds[0]) != Founding {
		t.Errorf("seed 0 is not Founding")
	}
	for i, s := range seeds[1 : 1+len(good)] {
		if !json.Valid(s) {
			t.Errorf("good fixture %s is not valid JSON", good[i])
		}
	}
}

func TestFoundingShape(t *testing.T) {
	var doc struct {
		Root struct {
			Path *string `json:"path"`
		} `json:"root"`
		Windows map[string]json.RawMessage `json:"windows"`
	}
	if err := json.Unmarshal([]byte(Founding), &doc); err != nil {
		t.Fatal(err)
	}
	if lf, ok := doc.Windows["layerFolders"]; !ok || string(lf) != "null" {
		t.Errorf("Founding windows.layerFolders = %s, want null", lf)
	}
	if doc.Root.Path == nil || *doc.Root.Path != "" {
		t.Errorf(`Founding root.path is not ""`)
	}
}
