package main

import (
	"bytes"
	"os"
	"testing"
)

// TestFindingsUpToDate checks that the committed FINDINGS.md is what
// `ocidiff findings` makes of the committed corpus/ and findings.json, so
// that the list of findings cannot silently fall behind the corpus.
func TestFindingsUpToDate(t *testing.T) {
	t.Chdir("../..")
	var out, stderr bytes.Buffer
	if code := run([]string{"findings"}, nil, &out, &stderr); code != exitAgree {
		t.Fatalf("ocidiff findings: exit %d\n%s", code, stderr.String())
	}
	committed, err := os.ReadFile("FINDINGS.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, out.Bytes()) {
		t.Errorf("FINDINGS.md is out of date with corpus/ and findings.json; regenerate it at the repository root with\n\tgo run ./cmd/ocidiff findings > FINDINGS.md")
	}
}

// TestReadmeTableUpToDate checks that the README's table of families is
// what `ocidiff findings -table` makes of the committed corpus/ and
// findings.json, so that its counts, statuses and links are measured, not
// typed.
func TestReadmeTableUpToDate(t *testing.T) {
	t.Chdir("../..")
	var out, stderr bytes.Buffer
	if code := run([]string{"findings", "-table"}, nil, &out, &stderr); code != exitAgree {
		t.Fatalf("ocidiff findings -table: exit %d\n%s", code, stderr.String())
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, out.Bytes()) {
		t.Errorf("README.md's table of families is out of date with corpus/ and findings.json; replace it with the output of\n\tgo run ./cmd/ocidiff findings -table")
	}
}
