package adapter

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/internal/modroot"
)

func writeExecutable(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestLocate(t *testing.T) {
	const name, env = "ocidiff-test-adapter", "OCIDIFF_TEST_ADAPTER"
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "go.mod"), []byte("module "+modroot.Path+"\n\ngo 1.26\n"), 0o644)
	sub := filepath.Join(root, "parsers", "x")
	os.MkdirAll(sub, 0o755)
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/other\n"), 0o644)

	t.Run("not built", func(t *testing.T) {
		t.Chdir(sub)
		_, err := Locate(name, env)
		if err == nil || !strings.Contains(err.Error(), "make build") || !strings.Contains(err.Error(), root) {
			t.Errorf("err = %v, want it to say to run `make build` in %s", err, root)
		}
	})
	t.Run("outside the module", func(t *testing.T) {
		t.Chdir(other)
		_, err := Locate(name, env)
		if err == nil || !strings.Contains(err.Error(), "make build") || !strings.Contains(err.Error(), "$"+env) {
			t.Errorf("err = %v", err)
		}
	})
	bin := filepath.Join(root, "bin", name)
	writeExecutable(t, bin)
	t.Run("module root bin", func(t *testing.T) {
		t.Chdir(sub)
		if got, err := Locate(name, env); err != nil || got != bin {
			t.Errorf("Locate = %q, %v; want %q", got, err, bin)
		}
	})
	t.Run("env var wins", func(t *testing.T) {
		t.Chdir(sub)
		alt := filepath.Join(other, "alt")
		writeExecutable(t, alt)
		t.Setenv(env, alt)
		if got, err := Locate(name, env); err != nil || got != alt {
			t.Errorf("Locate = %q, %v; want %q", got, err, alt)
		}
	})
	t.Run("env var names a missing file", func(t *testing.T) {
		t.Setenv(env, filepath.Join(other, "missing"))
		if _, err := Locate(name, env); err == nil || !strings.Contains(err.Error(), "$"+env) {
			t.Errorf("err = %v, want one naming $%s", err, env)
		}
	})
	t.Run("env var names a non-executable", func(t *testing.T) {
		t.Setenv(env, filepath.Join(other, "go.mod"))
		if _, err := Locate(name, env); err == nil || !strings.Contains(err.Error(), "not executable") {
			t.Errorf("err = %v", err)
		}
	})
}
