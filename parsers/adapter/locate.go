package adapter

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

const modulePath = "github.com/ocidiff/ocidiff"

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
	root, err := moduleRoot()
	if err == nil {
		p := filepath.Join(root, "bin", name)
		if isExecutable(p) == nil {
			return p, nil
		}
		return "", fmt.Errorf("adapter %s: %s does not exist: run `make build` in %s (or set $%s)", name, p, root, envVar)
	}
	return "", fmt.Errorf("adapter %s: not found next to the executable nor in a %s checkout (%v): run `make build` there, or set $%s", name, modulePath, err, envVar)
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

// moduleRoot walks up from the working directory to the directory whose
// go.mod declares modulePath.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if declares(filepath.Join(dir, "go.mod"), modulePath) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of %s above the working directory", modulePath)
		}
		dir = parent
	}
}

func declares(gomod, module string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if f := strings.Fields(s.Text()); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == module
		}
	}
	return false
}
