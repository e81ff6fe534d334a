// Package corpus keeps the regression corpus: one directory per case,
// corpus/<slug>/, named by the cause the case stands for (its instance: the
// cause's key and member, harness.Cause.Instance), holding
//
//	case.json      that name, when found, every judge's outcome and
//	               error for the minimized input with the causes they
//	               show, judge versions once, and the size and SHA-256
//	               of the two input files
//	input.json     the minimized input, byte for byte
//	original.json  the input as the fuzzer first produced it
//
// Inputs are files of their own, not strings inside case.json, because
// JSON cannot hold invalid UTF-8 and a human (or `ocidiff check`) wants to
// read and run them as they are.
//
// A case is written whole or not at all, with several fuzzing processes
// adding at once and any of them killed at any moment: it is assembled in
// a temporary directory inside the corpus directory and renamed into place
// in one step. Rename onto a non-empty directory fails, so when two
// workers find the same signature the first rename wins and the other
// quietly drops its copy. Temporary directories are named ".tmp-*"; the
// reader ignores them and Open removes those left behind long ago.
package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/internal/wholefile"
	"github.com/ocidiff/ocidiff/parsers"
)

// Case is one disagreement kept for regression.
type Case struct {
	Signature string
	Found     time.Time
	// Input is the minimized input, Original the one first found.
	Input    []byte
	Original []byte
	// Result is every judge's verdict for Input. case.json is indented
	// for people, so the models inside it come back re-indented:
	// the same JSON, other whitespace.
	Result harness.Result
	// Versions maps each judge's name to its exact version.
	Versions map[string]string
	// Replays is, for a case kept as flaky (Store.Flaky), what freshly
	// started judges said instead when the input was judged again.
	Replays []harness.Result
}

// File names inside a case directory.
const (
	caseFile     = "case.json"
	inputFile    = "input.json"
	originalFile = "original.json"
	tmpPrefix    = wholefile.TmpPrefix
)

// staleAfter is how old a temporary directory must be before Open takes
// it for the leftover of a killed writer rather than a write in progress.
const staleAfter = 10 * time.Minute

// record is case.json.
type record struct {
	Signature string            `json:"signature"`
	Found     time.Time         `json:"found"`
	Input     fileRef           `json:"input"`
	Original  fileRef           `json:"original"`
	Versions  map[string]string `json:"versions"`
	Result    harness.Result    `json:"result"`
	Replays   []harness.Result  `json:"replays,omitempty"`
}

// fileRef names an input file and what it must hold, so that a reader
// can tell a damaged case from a whole one.
type fileRef struct {
	File   string `json:"file"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

func refTo(name string, b []byte) fileRef {
	sum := sha256.Sum256(b)
	return fileRef{File: name, Size: len(b), SHA256: hex.EncodeToString(sum[:])}
}

// Store is a corpus directory. It is safe for concurrent use by several
// goroutines, and several processes may share the directory.
type Store struct {
	dir      string
	readOnly bool
}

// Open opens the corpus in dir, creating the directory if needed, and
// removes temporary directories that killed writers left behind.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tmpPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
	return &Store{dir: dir}, nil
}

// OpenReadOnly opens an existing corpus to read it: the source of a
// merge, a listing. A directory that is not there is an error, not a new
// empty corpus: `ocidiff corpus merge typo-dir` must not report "0 added"
// and leave typo-dir behind. The store writes nothing, not even the
// removal of stale temporary directories, which belong to whoever fuzzes
// into that corpus.
func OpenReadOnly(dir string) (*Store, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("corpus: %s is not a directory", dir)
	}
	return &Store{dir: dir, readOnly: true}, nil
}

// writable fails for a store opened with OpenReadOnly.
func (s *Store) writable(op string) error {
	if s.readOnly {
		return fmt.Errorf("corpus: %s %s: opened read-only", op, s.dir)
	}
	return nil
}

// Dir returns the corpus directory.
func (s *Store) Dir() string { return s.dir }

// Path returns the directory a case with the given signature has, or
// would have.
func (s *Store) Path(signature string) string {
	return filepath.Join(s.dir, harness.Slug(signature))
}

// Has reports whether the corpus holds a case for signature, written by
// this process or any other.
func (s *Store) Has(signature string) bool {
	_, err := os.Stat(filepath.Join(s.Path(signature), caseFile))
	return err == nil
}

// Add writes c as a new case and returns its directory. If a case with the
// same signature exists — another worker won the race — it returns that
// directory, added false and no error. A zero Found is set to now.
func (s *Store) Add(c Case) (path string, added bool, err error) {
	if c.Signature == "" {
		return "", false, errors.New("corpus: add: empty signature")
	}
	if err := s.writable("add to"); err != nil {
		return "", false, err
	}
	path = s.Path(c.Signature)
	if s.Has(c.Signature) {
		return path, false, nil
	}
	if c.Found.IsZero() {
		c.Found = time.Now()
	}
	tmp, err := os.MkdirTemp(s.dir, tmpPrefix)
	if err != nil {
		return "", false, fmt.Errorf("corpus: add %s: %w", path, err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	if err := writeCase(tmp, c); err != nil {
		return "", false, fmt.Errorf("corpus: add %s: %w", path, err)
	}
	err = os.Rename(tmp, path)
	if taken(err) && !s.Has(c.Signature) {
		// The directory is there but holds no case.json. A case is
		// assembled aside and renamed in whole, so this is no write in
		// progress: it is a damaged case (cut short by a crash of the
		// machine, or edited by hand) that would otherwise block the
		// signature for good. Put the new case in its place.
		if err = s.removeDamaged(path); err == nil {
			err = os.Rename(tmp, path)
		}
	}
	if err != nil {
		if taken(err) {
			return path, false, nil
		}
		return "", false, fmt.Errorf("corpus: add %s: %w", path, err)
	}
	if err := syncDir(s.dir); err != nil {
		return path, true, fmt.Errorf("corpus: add %s: %w", path, err)
	}
	return path, true, nil
}

// taken reports a rename that failed because the target directory is
// there and not empty.
func taken(err error) bool {
	return errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTEMPTY)
}

// removeDamaged moves the case directory at path out of sight and deletes
// it, unless what it moved turns out whole: another worker repaired the
// case in the meantime, and its case goes back.
func (s *Store) removeDamaged(path string) error {
	gone, err := os.MkdirTemp(s.dir, tmpPrefix)
	if err != nil {
		return err
	}
	defer os.RemoveAll(gone)
	moved := filepath.Join(gone, "case")
	if err := os.Rename(path, moved); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if _, err := os.Stat(filepath.Join(moved, caseFile)); err == nil {
		if err := os.Rename(moved, path); err != nil && !taken(err) {
			return err
		}
		return fs.ErrExist // whole after all: the signature is taken
	}
	return nil
}

// Replace writes c in place of the case with the same signature, or adds
// it. The new case is assembled aside and swapped in with two renames, so
// a reader sees the old case, then briefly none, then the new one; never a
// mixture.
func (s *Store) Replace(c Case) (path string, err error) {
	if c.Signature == "" {
		return "", errors.New("corpus: replace: empty signature")
	}
	if err := s.writable("replace in"); err != nil {
		return "", err
	}
	path = s.Path(c.Signature)
	if c.Found.IsZero() {
		c.Found = time.Now()
	}
	tmp, err := os.MkdirTemp(s.dir, tmpPrefix)
	if err != nil {
		return "", fmt.Errorf("corpus: replace %s: %w", path, err)
	}
	defer os.RemoveAll(tmp)
	if err := writeCase(tmp, c); err != nil {
		return "", fmt.Errorf("corpus: replace %s: %w", path, err)
	}
	if err := s.Remove(c.Signature); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("corpus: replace %s: %w", path, err)
	}
	return path, syncDir(s.dir)
}

// Remove deletes the case with signature, if there is one. The case is
// first renamed out of sight, so that no reader sees it half deleted.
func (s *Store) Remove(signature string) error {
	if err := s.writable("remove from"); err != nil {
		return err
	}
	path := s.Path(signature)
	gone, err := os.MkdirTemp(s.dir, tmpPrefix)
	if err != nil {
		return fmt.Errorf("corpus: remove %s: %w", path, err)
	}
	defer os.RemoveAll(gone)
	if err := os.Rename(path, filepath.Join(gone, "case")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("corpus: remove %s: %w", path, err)
	}
	return nil
}

// writeCase writes the files of c into the empty directory dir and syncs
// them, so that after the rename the case survives a crash of the machine
// too, not only of the process.
func writeCase(dir string, c Case) error {
	rec := record{
		Signature: c.Signature,
		Found:     c.Found.UTC(),
		Input:     refTo(inputFile, c.Input),
		Original:  refTo(originalFile, c.Original),
		Versions:  c.Versions,
		Result:    compact(c.Result, c.Versions),
		Replays:   c.Replays,
	}
	meta, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{
		{inputFile, c.Input},
		{originalFile, c.Original},
		{caseFile, append(meta, '\n')}, // last: its presence means the rest is there
	} {
		if err := writeFile(filepath.Join(dir, f.name), f.data); err != nil {
			return err
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	return syncDir(dir)
}

// compact drops from a result what a case need not keep: each parser's
// re-serialized model (the value splits, Diffs, say what differed, and a
// replay reads the models afresh) and each verdict's version, which the
// case's versions hold once. A case is then its input and, per judge,
// outcome and error, which a pull request can show.
func compact(r harness.Result, versions map[string]string) harness.Result {
	vs := make([]parsers.Verdict, len(r.Verdicts))
	for i, v := range r.Verdicts {
		v.Model = nil
		if versions[v.Judge] == v.Version {
			v.Version = ""
		}
		vs[i] = v
	}
	r.Verdicts = vs
	return r
}

func writeFile(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	return wholefile.Fill(f, data)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Cases returns every case in the corpus, sorted by directory name. A
// case that is not whole — a file missing, a size or checksum that does
// not match, a signature that does not belong in its directory — is left
// out and reported in the error, which names its path; the whole cases
// are returned all the same. Entries whose names start with "." and
// plain files are not cases and are skipped.
func (s *Store) Cases() ([]Case, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	var cases []Case
	var errs []error
	for _, e := range entries { // ReadDir sorts by name
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		c, err := readCase(filepath.Join(s.dir, e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cases = append(cases, c)
	}
	return cases, errors.Join(errs...)
}

// Slugs returns the names of the case directories, without reading the
// cases: cheap enough to poll while a fuzzing run adds cases.
func (s *Store) Slugs() (map[string]bool, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	slugs := map[string]bool{}
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			slugs[e.Name()] = true
		}
	}
	return slugs, nil
}

// Read reads the one case in dir, checked as Cases checks each.
func Read(dir string) (Case, error) { return readCase(dir) }

func readCase(dir string) (Case, error) {
	meta, err := os.ReadFile(filepath.Join(dir, caseFile))
	if err != nil {
		return Case{}, fmt.Errorf("corpus: case %s: %w", dir, err)
	}
	c, rec, err := parseRecord(dir, meta)
	if err != nil {
		return Case{}, err
	}
	for _, f := range []struct {
		ref fileRef
		dst *[]byte
	}{{rec.Input, &c.Input}, {rec.Original, &c.Original}} {
		if f.ref.File == "" || f.ref.File != filepath.Base(f.ref.File) || strings.HasPrefix(f.ref.File, ".") {
			return Case{}, fmt.Errorf("corpus: case %s: bad file name %q in %s", dir, f.ref.File, caseFile)
		}
		b, err := os.ReadFile(filepath.Join(dir, f.ref.File))
		if err != nil {
			return Case{}, fmt.Errorf("corpus: case %s: %w", dir, err)
		}
		if got := refTo(f.ref.File, b); got != f.ref {
			return Case{}, fmt.Errorf("corpus: case %s: %s has %d bytes, sha256 %s; %s says %d bytes, sha256 %s",
				dir, f.ref.File, got.Size, got.SHA256, caseFile, f.ref.Size, f.ref.SHA256)
		}
		*f.dst = b
	}
	return c, nil
}

// parseRecord reads the case.json of the case in dir: the case less its
// input files, and the record that names them.
func parseRecord(dir string, meta []byte) (Case, record, error) {
	var rec record
	if err := json.Unmarshal(meta, &rec); err != nil {
		return Case{}, rec, fmt.Errorf("corpus: case %s: %s: %w", dir, caseFile, err)
	}
	if want := harness.Slug(rec.Signature); want != filepath.Base(dir) {
		return Case{}, rec, fmt.Errorf("corpus: case %s: signature %q belongs in %s", dir, rec.Signature, want)
	}
	for i, v := range rec.Result.Verdicts {
		if v.Version == "" {
			rec.Result.Verdicts[i].Version = rec.Versions[v.Judge]
		}
	}
	return Case{Signature: rec.Signature, Found: rec.Found, Result: rec.Result, Versions: rec.Versions, Replays: rec.Replays}, rec, nil
}

// CauseIndex maps the key of every cause the corpus's cases show
// (harness.Cause.Key) to the directories of those cases, reading only
// their case.json files. A case.json that does not parse is an error: a
// damaged case must not make its cause look new.
func (s *Store) CauseIndex() (map[string][]string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	index := map[string][]string{}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := filepath.Join(s.dir, e.Name())
		meta, err := os.ReadFile(filepath.Join(dir, caseFile))
		if errors.Is(err, fs.ErrNotExist) {
			continue // being written, or damaged: Cases reports it
		}
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		c, _, err := parseRecord(dir, meta)
		if err != nil {
			return nil, err
		}
		for _, cause := range c.Result.Causes {
			k := cause.Key()
			if !slices.Contains(index[k], dir) {
				index[k] = append(index[k], dir)
			}
		}
	}
	return index, nil
}

// Recorded returns the cases of a corpus tree in fsys as their case.json
// files record them, sorted by directory name, with their minimized input
// where fsys holds it (checked against case.json) and without their
// original: all that a program built with the corpus embedded (the
// ClusterFuzzLite fuzz targets) can read. Directories whose names start
// with "." (a case being written, the flaky store) are not cases. A
// case.json that does not parse, a signature that does not belong in its
// directory, or an input that is not the one case.json names, is reported
// in the error, and the other cases are returned all the same.
func Recorded(fsys fs.FS) ([]Case, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	var cases []Case
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		meta, err := fs.ReadFile(fsys, path.Join(e.Name(), caseFile))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil {
			var c Case
			var rec record
			if c, rec, err = parseRecord(e.Name(), meta); err == nil {
				var in []byte
				if in, err = fs.ReadFile(fsys, path.Join(e.Name(), rec.Input.File)); errors.Is(err, fs.ErrNotExist) {
					err = nil
				} else if err == nil {
					if got := refTo(rec.Input.File, in); got != rec.Input {
						err = fmt.Errorf("corpus: case %s: %s has %d bytes, sha256 %s; %s says %d bytes, sha256 %s",
							e.Name(), rec.Input.File, got.Size, got.SHA256, caseFile, rec.Input.Size, rec.Input.SHA256)
					}
					c.Input = in
				}
				if err == nil {
					cases = append(cases, c)
					continue
				}
			}
		}
		errs = append(errs, err)
	}
	return cases, errors.Join(errs...)
}
