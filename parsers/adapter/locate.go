package adapter

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ocidiff/ocidiff/internal/modroot"
)

// Locate finds the adapter executable called name: the path in $envVar if
// set, else name next to the running executable (an installed ocidiff),
// else bin/name in the module root, found by walking up from the working
// directory to the go.mod of github.com/ocidiff/ocidiff (a checkout where
// `make build` ran; this is how tests find it).
func Locate(name, envVar string) (string, error) {
	if envVar != "" {
		if p := os.Getenv(envVar); p != "" {
			if err := isExecutable(p); err != nil {
				return "", fmt.Errorf("adapter %s: $%s=%s: %v", name, envVar, p, err)
			}
			return p, nil
		}
	}
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), name)
		if isExecutable(p) == nil {
			return p, nil
		}
	}
	root, err := modroot.FromWorkingDir()
	if err == nil {
		p := filepath.Join(root, "bin", name)
		if isExecutable(p) == nil {
			return p, nil
		}
		return "", fmt.Errorf("adapter %s: %s does not exist: run `make build` in %s (or set $%s)", name, p, root, envVar)
	}
	return "", fmt.Errorf("adapter %s: not found next to the executable nor in a %s checkout (%v): run `make build` there, or set $%s", name, modroot.Path, err, envVar)
}

func isExecutable(p string) error {
	fi, err := os.Stat(p)
	switch {
	case err != nil:
		return err
	case fi.IsDir():
		return fmt.Errorf("is a directory")
	case fi.Mode().Perm()&0o111 == 0:
		return fmt.Errorf("is not executable")
	}
	return nil
}
