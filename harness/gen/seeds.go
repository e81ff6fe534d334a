package gen

import (
	"fmt"
	"os"

	"github.com/ocidiff/ocidiff/examples"
	"github.com/ocidiff/ocidiff/internal/specmod"
)

// Founding is the config that started this project (see package
// examples): containerd's Windows config with "layerFolders": null and
// "root": {"path": ""}.
var Founding = examples.Founding

// Seeds returns the seed corpus: Founding first, then the runtime-spec
// module's own configuration test fixtures, good and bad, read from the
// module go.mod pins (never copied into this repository).
func Seeds() ([][]byte, error) {
	seeds := [][]byte{[]byte(Founding)}
	for _, kind := range []string{"good", "bad"} {
		paths, err := specmod.Fixtures(kind)
		if err != nil {
			return nil, fmt.Errorf("gen: seeds: %w", err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("gen: seeds: %w", err)
			}
			seeds = append(seeds, b)
		}
	}
	return seeds, nil
}
