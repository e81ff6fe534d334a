// Package seedcases holds inputs on which the judges are known to split,
// for tests that need real disagreements from the real judges whether or
// not the repository's corpus/ holds any.
package seedcases

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/internal/modroot"
	"github.com/ocidiff/ocidiff/registry"
)

// Seeds are inputs on which the judges are known to split; the test
// records them in a corpus of its own, so that it checks reports and
// reproductions even while the repository's corpus/ is empty.
var Seeds = map[string]string{
	"founding":         "examples/containerd-windows-hostprocess.json",
	"case-insensitive": `{"OCIVersion":"1.0.0"}`,
	"trailing-data":    `{"ociVersion":"1.0.2"} x`,
	"duplicate-keys":   `{"ociVersion":"1.0.2","root":{"path":"a"},"root":{"path":"b"}}`,
	"nul-byte":         "{\"ociVersion\":\"1.0.2\"}\x00garbage",
	"invalid-utf8":     "{\"ociVersion\":\"1.0.\xff\"}",
	"wrong-type":       `{"ociVersion":"1.0.2","hostname":1}`,
}

// Engine starts every judge ocidiff carries.
func Engine(t *testing.T) *harness.Engine {
	t.Helper()
	return EngineOf(t, "all")
}

// EngineOf starts the judges of a selection, as registry.Names reads it.
func EngineOf(t *testing.T, sel string) *harness.Engine {
	t.Helper()
	e, err := registry.Engine(sel)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func Input(t *testing.T, s string) []byte {
	if strings.HasSuffix(s, ".json") && !strings.HasPrefix(s, "{") {
		root, err := modroot.FromWorkingDir()
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(root, s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return []byte(s)
}

// Corpus records every seed, judged by every judge, in a new corpus.
func Corpus(t *testing.T, e *harness.Engine) *corpus.Store {
	t.Helper()
	s, err := corpus.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for name, seed := range Seeds {
		in := Input(t, seed)
		r := e.Check(in)
		if r.Agree {
			t.Fatalf("seed %s: every judge agrees; it no longer makes a case", name)
		}
		versions := map[string]string{}
		for _, v := range r.Verdicts {
			versions[v.Judge] = v.Version
		}
		if _, _, err := s.Add(corpus.Case{Signature: r.Causes[0].Instance(), Input: in, Original: in, Result: r, Versions: versions}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}
