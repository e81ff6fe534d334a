package corpus

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		names = append(names, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestOpenReadOnly(t *testing.T) {
	tmp := t.TempDir()
	missing := filepath.Join(tmp, "missing")
	if _, err := OpenReadOnly(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("OpenReadOnly(missing) error = %v, want one naming %s", err, missing)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("OpenReadOnly created %s", missing)
	}
	file := filepath.Join(tmp, "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := OpenReadOnly(file); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("OpenReadOnly(file) error = %v", err)
	}

	// An existing corpus with a case and a stale temporary directory:
	// read, and left exactly as it was.
	dir := filepath.Join(tmp, "corpus")
	w, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := sampleCase("one")
	if _, _, err := w.Add(c); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, tmpPrefix+"stale")
	os.Mkdir(stale, 0o755)
	old := time.Now().Add(-2 * staleAfter)
	os.Chtimes(stale, old, old)
	before := listDir(t, dir)

	r, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cases, err := r.Cases(); err != nil || len(cases) != 1 {
		t.Errorf("Cases() = %d cases, %v", len(cases), err)
	}
	for name, f := range map[string]func() error{
		"Add":     func() error { _, _, err := r.Add(sampleCase("two")); return err },
		"Replace": func() error { _, err := r.Replace(c); return err },
		"Remove":  func() error { return r.Remove(c.Signature) },
	} {
		if err := f(); err == nil || !strings.Contains(err.Error(), "read-only") || !strings.Contains(err.Error(), dir) {
			t.Errorf("%s on a read-only store: error %v", name, err)
		}
	}
	if after := listDir(t, dir); !slices.Equal(before, after) {
		t.Errorf("the read-only store changed the directory:\nbefore %q\nafter  %q", before, after)
	}
}

// TestAddRepairsDamagedCase: a case directory without case.json is no
// case. Add puts a whole case in its place instead of taking the
// signature for held.
func TestAddRepairsDamagedCase(t *testing.T) {
	for _, damage := range []struct {
		name string
		do   func(path string) error
	}{
		{"case.json missing", func(p string) error { return os.Remove(filepath.Join(p, caseFile)) }},
		{"only a stray file", func(p string) error {
			os.RemoveAll(p)
			os.Mkdir(p, 0o755)
			return os.WriteFile(filepath.Join(p, "notes.txt"), []byte("x"), 0o644)
		}},
		{"empty directory", func(p string) error { os.RemoveAll(p); return os.Mkdir(p, 0o755) }},
	} {
		t.Run(damage.name, func(t *testing.T) {
			s, err := Open(filepath.Join(t.TempDir(), "corpus"))
			if err != nil {
				t.Fatal(err)
			}
			c := sampleCase("damaged")
			path, _, err := s.Add(c)
			if err != nil {
				t.Fatal(err)
			}
			if err := damage.do(path); err != nil {
				t.Fatal(err)
			}
			got, added, err := s.Add(c)
			if err != nil || !added || got != path {
				t.Fatalf("Add over a damaged case = %q, %v, %v; want %q, true, nil", got, added, err, path)
			}
			cases, err := s.Cases()
			if err != nil || len(cases) != 1 {
				t.Fatalf("Cases() = %d cases, %v", len(cases), err)
			}
			if _, err := os.Stat(filepath.Join(path, "notes.txt")); err == nil {
				t.Error("the damaged directory's files are mixed into the new case")
			}
			// A whole case is still taken.
			if _, added, err := s.Add(c); err != nil || added {
				t.Errorf("Add over a whole case = %v, %v; want false, nil", added, err)
			}
		})
	}
}
