package triage_test

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/internal/seedcases"
)

// TestAnnotationsClaimSeeds checks the triage notes of the repository's
// findings.json against the real judges: each seed's signature must be
// claimed by the note written for its cause, and by no earlier one. The
// notes describe the signatures of the corpus, which the default judges
// record, so the seeds are judged by those.
func TestAnnotationsClaimSeeds(t *testing.T) {
	anns, err := triage.ReadAnnotations("../../findings.json")
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
	e := seedcases.EngineOf(t, "default")
	for name, seed := range seedcases.Seeds {
		r := e.Check(seedcases.Input(t, seed))
		var buf bytes.Buffer
		c := corpus.Case{Signature: r.Signature, Result: r}
		if err := triage.WriteFindings(&buf, "corpus", "findings.json", []corpus.Case{c}, anns, nil); err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(anns, func(a triage.Annotation) bool { return strings.Contains(buf.String(), "## 1. "+a.Title+"\n") })
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
	e := seedcases.Engine(t)
	s := seedcases.Corpus(t, e)
	cases, err := s.Cases()
	if err != nil {
		t.Fatal(err)
	}
	anns := []triage.Annotation{{ID: "trailing", Title: "Trailing data", Status: triage.Bug, Match: "after top-level value", Why: "because", Ask: "stop"}}
	// Round-trip through a file, as the command reads them.
	f := t.TempDir() + "/notes.json"
	if err := writeJSON(f, anns); err != nil {
		t.Fatal(err)
	}
	if anns, err = triage.ReadAnnotations(f); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := triage.WriteFindings(&buf, "corpus", "notes.json", cases, anns, nil); err != nil {
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
	if n := strings.Count(out, "\n## ") - 1; n != len(cases)-claimed+1 { // less "To file"
		t.Errorf("%d findings; want %d (one for the %d claimed cases, one per other case)\n%s", n, len(cases)-claimed+1, claimed, out)
	}
	if !strings.Contains(out, "## 1. Trailing data\n\nStatus: **bug**") || !strings.Contains(out, "- [1. Trailing data](#1)") {
		t.Errorf("the claimed cases are not the first finding, marked bug and listed to file:\n%s", out)
	}
	if n := strings.Count(out, "Not yet triaged: add a note to notes.json."); n != len(cases)-claimed {
		t.Errorf("%d untriaged findings; want %d", n, len(cases)-claimed)
	}
}

// TestReadAnnotationsErrors checks that a bad triage note is refused with
// an error that names the file and the note.
func TestReadAnnotationsErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		anns any
		want string
	}{
		{"no status", []map[string]any{{"id": "a", "title": "A", "why": "w", "match": "x"}}, `annotation "a": status "" is not one of`},
		{"bad status", []map[string]any{{"id": "a", "title": "A", "why": "w", "match": "x", "status": "wontfix"}}, `status "wontfix"`},
		{"known without link", []map[string]any{{"id": "a", "title": "A", "why": "w", "match": "x", "status": "known"}}, "needs a link"},
		{"bad input regexp", []map[string]any{{"id": "a", "title": "A", "why": "w", "match": "x", "status": "bug", "ask": "a", "input": "("}}, `annotation "a": input:`},
		{"unknown field", []map[string]any{{"id": "a", "title": "A", "why": "w", "match": "x", "status": "bug", "ask": "a", "cases2": 1}}, "unknown field"},
		{"bug without ask", []map[string]any{{"id": "a", "title": "A", "why": "w", "match": "x", "status": "bug"}}, "needs an ask"},
		{"form in any", []map[string]any{{"id": "a", "title": "A", "why": "w", "status": "bug", "ask": "a",
			"cause": map[string]any{"any": []any{map[string]any{"form": []string{"nul"}}}}}}, `cause: any 0: form "nul"`},
		{"nested any", []map[string]any{{"id": "a", "title": "A", "why": "w", "status": "bug", "ask": "a",
			"cause": map[string]any{"any": []any{map[string]any{"any": []any{map[string]any{}}}}}}}, "alternatives of its own"},
	} {
		f := t.TempDir() + "/notes.json"
		if err := writeJSON(f, tc.anns); err != nil {
			t.Fatal(err)
		}
		_, err := triage.ReadAnnotations(f)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), f) {
			t.Errorf("%s: got error %v, want one naming %s and saying %q", tc.name, err, f, tc.want)
		}
	}
}

// TestPredicateAllows checks how a predicate reads its fields: the fields
// it sets all hold, an alternative of Any holds with them, members match as
// patterns (a subtree, an ending), and class words match inside the class.
func TestPredicateAllows(t *testing.T) {
	nullElement := triage.Predicate{
		Library: []string{"libocispec", "oci-spec-rs"},
		Any: []triage.Predicate{
			{Behaviour: []harness.Behaviour{harness.ReadsNone}, Form: []harness.Form{harness.Null}},
			{Behaviour: []harness.Behaviour{harness.Refuses}, Class: []string{"invalid type: null"},
				Member: []string{"**/*"}, NotMember: []string{"/annotations/*"}},
		},
	}
	freebsd := triage.Predicate{Library: []string{"oci-spec-rs"}, Member: []string{"/freebsd/**"}}
	for _, tc := range []struct {
		p    triage.Predicate
		c    harness.Cause
		want bool
	}{
		{nullElement, harness.Cause{Library: "libocispec", Behaviour: harness.ReadsNone, Form: harness.Null, Member: "/process/args"}, true},
		{nullElement, harness.Cause{Library: "libocispec", Behaviour: harness.ReadsNone, Form: harness.Value, Member: "/process/args"}, false},
		{nullElement, harness.Cause{Library: "oci-spec-rs", Behaviour: harness.Refuses, Form: harness.Null, Member: "/process/args/*", Class: "invalid type: null, expected a string"}, true},
		{nullElement, harness.Cause{Library: "oci-spec-rs", Behaviour: harness.Refuses, Form: harness.Null, Member: "/process/args", Class: "invalid type: null, expected a sequence"}, false},
		{nullElement, harness.Cause{Library: "oci-spec-rs", Behaviour: harness.Refuses, Form: harness.Null, Member: "/annotations/*", Class: "invalid type: null, expected a string"}, false},
		{nullElement, harness.Cause{Library: "specs-go/encoding-json", Behaviour: harness.ReadsNone, Form: harness.Null, Member: "/process/args"}, false},
		{freebsd, harness.Cause{Library: "oci-spec-rs", Behaviour: harness.ReadsNone, Member: "/freebsd"}, true},
		{freebsd, harness.Cause{Library: "oci-spec-rs", Behaviour: harness.ReadsNone, Member: "/freebsd/jail/vnet"}, true},
		{freebsd, harness.Cause{Library: "oci-spec-rs", Behaviour: harness.ReadsNone, Member: "/freebsdx"}, false},
	} {
		if got := tc.p.Allows(tc.c); got != tc.want {
			t.Errorf("%+v allows %s: %v, want %v", tc.p, tc.c.Instance(), got, tc.want)
		}
	}
}

// TestFamilyByInput checks that a note with an input pattern claims only
// the inputs it describes, whatever their signature.
func TestFamilyByInput(t *testing.T) {
	f := t.TempDir() + "/notes.json"
	if err := writeJSON(f, []map[string]any{
		{"id": "comments", "title": "C", "why": "w", "status": "bug", "ask": "a", "match": "beginning of value", "input": "/\\*"},
		{"id": "syntax", "title": "S", "why": "w", "status": "bug", "ask": "a", "match": "beginning of value"},
	}); err != nil {
		t.Fatal(err)
	}
	anns, err := triage.ReadAnnotations(f)
	if err != nil {
		t.Fatal(err)
	}
	sig := "reject: go/unmarshal [invalid character '…' looking for beginning of value] | accept: c/libocispec@crun-1.28"
	for in, want := range map[string]string{`{/* c */}`: "comments", "{\f}": "syntax"} {
		if got := triage.Family(anns, sig, []byte(in)); got == nil || got.ID != want {
			t.Errorf("input %q: family %v, want %s", in, got, want)
		}
	}
	if got := triage.Family(anns, "agree", nil); got != nil {
		t.Errorf("a signature no note matches is claimed by %s", got.ID)
	}
}

// TestFamiliesSurviveJudgeRename checks that every committed case keeps its
// family when the C judge's name changes (the C judge is due to move from
// crun 1.8.1 to 1.28): the notes match causes, not one judge's name.
func TestFamiliesSurviveJudgeRename(t *testing.T) {
	anns, err := triage.ReadAnnotations("../../findings.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := corpus.Open("../../corpus")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := s.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		renamed := strings.ReplaceAll(c.Signature, "c/libocispec@crun-1.8.1", "c/libocispec@crun-1.28")
		a, b := triage.Family(anns, c.Signature, c.Input), triage.Family(anns, renamed, c.Input)
		if a == nil {
			t.Errorf("case %s: no family claims it", harness.Slug(c.Signature))
			continue
		}
		if b == nil || b.ID != a.ID {
			t.Errorf("case %s: family %s, but %v once the C judge is renamed", harness.Slug(c.Signature), a.ID, b)
		}
	}
}
