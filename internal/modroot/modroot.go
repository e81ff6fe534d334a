// Package modroot finds the checkout of ocidiff a program runs in: the
// directory whose go.mod declares this module. Tests, the adapters'
// lookup and `ocidiff fuzz` (which builds the fuzz targets from source)
// all need it.
package modroot

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Path is this module's path.
const Path = "github.com/ocidiff/ocidiff"

// Find walks up from dir to the directory whose go.mod declares Path.
func Find(dir string) (string, error) {
	start := dir
	for {
		if declares(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of %s in %s or above", Path, start)
		}
		dir = parent
	}
}

// FromWorkingDir is Find from the working directory.
func FromWorkingDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return Find(wd)
}

func declares(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if f := strings.Fields(s.Text()); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == Path
		}
	}
	return false
}
