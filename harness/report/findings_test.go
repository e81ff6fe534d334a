package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/report"
)

// TestAnnotationsClaimSeeds checks the triage notes of the repository's
// findings.json against the real judges: each seed's signature must be
// claimed by the note written for its cause, and by no earlier one. The
// notes describe the signatures of the corpus, which the default judges
// record, so the seeds are judged by those.
func TestAnnotationsClaimSeeds(t *testing.T) {
	anns, err := report.ReadAnnotations("../../findings.json")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"founding":         "layerfolders-null",
		"case-insensitive": "case-insensitive-names",
		"trailing-data":    "trailing-data",
		"nul-byte":         "trailing-data",
		"duplicate-keys":   "duplicate-names",
		"invalid-utf8":     "invalid-utf8",
		"wrong-type":       "libocispec-wrong-type",
	}
	e := engine(t, "default")
	for name, seed := range seeds {
		r := e.Check(seedInput(t, seed))
		var buf bytes.Buffer
		c := corpus.Case{Signature: r.Signature, Result: r}
		if err := report.WriteFindings(&buf, "corpus", "findings.json", []corpus.Case{c}, anns); err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(anns, func(a report.Annotation) bool { return strings.Contains(buf.String(), "## 1. "+a.Title+"\n") })
		got := "(none)"
		if i >= 0 {
			got = anns[i].ID
		}
		if got != want[name] {
			t.Errorf("seed %s: claimed by %s, want %s\nsignature: %s", name, got, want[name], r.Signature)
		}
	}
}

// TestWriteFindings groups the cases one note claims into one finding and
// lists every other case on its own as not yet triaged.
func writeJSON(file string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(file, b, 0o644)
}

func TestWriteFindings(t *testing.T) {
	e := allEngine(t)
	s := tempCorpus(t, e)
	cases, err := s.Cases()
	if err != nil {
		t.Fatal(err)
	}
	anns := []report.Annotation{{ID: "trailing", Title: "Trailing data", Match: "after top-level value", Why: "because"}}
	// Round-trip through a file, as the command reads them.
	f := t.TempDir() + "/notes.json"
	if err := writeJSON(f, anns); err != nil {
		t.Fatal(err)
	}
	if anns, err = report.ReadAnnotations(f); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteFindings(&buf, "corpus", "notes.json", cases, anns); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	claimed := 0
	for _, c := range cases {
		slug := harness.Slug(c.Signature)
		if !strings.Contains(out, "- Case ["+slug+"](corpus/"+slug+"/): ") {
			t.Errorf("case %s is not listed", slug)
		}
		if strings.Contains(c.Signature, "after top-level value") {
			claimed++
		}
	}
	if claimed < 2 {
		t.Fatalf("want at least two seeds with trailing data, have %d", claimed)
	}
	if n := strings.Count(out, "\n## "); n != len(cases)-claimed+1 {
		t.Errorf("%d findings; want %d (one for the %d claimed cases, one per other case)\n%s", n, len(cases)-claimed+1, claimed, out)
	}
	if !strings.Contains(out, "## 1. Trailing data\n") || !strings.Contains(out, "New: not known upstream yet") {
		t.Errorf("the claimed cases are not the first finding, marked new:\n%s", out)
	}
	if n := strings.Count(out, "Not yet triaged: add a note to notes.json."); n != len(cases)-claimed {
		t.Errorf("%d untriaged findings; want %d", n, len(cases)-claimed)
	}
}
