package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// pendingDir holds, inside a corpus directory, inputs whose recording was
// deferred: a fuzz worker must finish each input within Go's 10-second
// limit or the whole run stops, and minimizing and verifying a deeply
// nested input can take far longer under load. The worker leaves the
// input here and `ocidiff fuzz` records it after the run with no time
// limit. It starts with "." so that Cases and Slugs pass it by, and git
// ignores it.
const pendingDir = ".pending"

// AddPending keeps input for recording later, whole (a temporary file
// renamed into place), named by its SHA-256 so that the same input
// deferred by two workers is kept once. It returns the file's path.
func (s *Store) AddPending(input []byte) (string, error) {
	if err := s.writable("defer an input to"); err != nil {
		return "", err
	}
	sum := sha256.Sum256(input)
	dir := filepath.Join(s.dir, pendingDir)
	path := filepath.Join(dir, hex.EncodeToString(sum[:])+".input")
	if err := writeWhole(dir, path, input); err != nil {
		return "", fmt.Errorf("corpus: pending: %w", err)
	}
	return path, nil
}

// Pending lists the paths of the inputs kept by AddPending, sorted.
func (s *Store) Pending() ([]string, error) {
	dir := filepath.Join(s.dir, pendingDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("corpus: pending: %w", err)
	}
	var paths []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".input") && !strings.HasPrefix(e.Name(), tmpPrefix) {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(paths)
	return paths, nil
}

// PendingDir is the directory AddPending writes to.
func (s *Store) PendingDir() string { return filepath.Join(s.dir, pendingDir) }

// writeWhole writes data to path through a temporary file in dir renamed
// into place, so that a reader sees all of it or nothing.
func writeWhole(dir, path string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, tmpPrefix)
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if err := fill(f, data); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
