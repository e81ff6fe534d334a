package modroot

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFind(t *testing.T) {
	root, err := FromWorkingDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "fuzz_test.go")); err != nil {
		t.Errorf("Find gave %s, which is not the repository root: %v", root, err)
	}
	// A go.mod of another module does not count.
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/other\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := Find(filepath.Join(other)); err == nil {
		t.Errorf("Find in another module = %s, want an error", got)
	}
}
