package triage_test

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/internal/seedcases"
	"github.com/ocidiff/ocidiff/registry"
)

// TestAnnotationsClaimSeeds checks the triage notes of the repository's
// findings.json against the real judges: every cause of each seed is
// claimed by one family, and the one the seed was written for is among
// them. The notes describe the causes of the corpus, which the default
// judges record, so the seeds are judged by those.
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
		var got []string
		for _, c := range r.Causes {
			ids := triage.Claimants(anns, c)
			if len(ids) != 1 {
				t.Errorf("seed %s: cause %s is claimed by %v, want one family", name, c.Instance(), ids)
			}
			got = append(got, ids...)
		}
		if !slices.Contains(got, want[name]) {
			t.Errorf("seed %s: families %v, want %s among them", name, got, want[name])
		}
	}
}

func writeJSON(file string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(file, b, 0o644)
}

// TestWriteFindings gives the family that claims a seed's cause a row,
// and lists every other cause as in no family yet.
func TestWriteFindings(t *testing.T) {
	e := seedcases.Engine(t)
	s := seedcases.Corpus(t, e)
	cases, err := s.Cases()
	if err != nil {
		t.Fatal(err)
	}
	anns := []triage.Annotation{{ID: "trailing", Title: "Trailing data", Status: triage.Bug, Why: "because", Ask: "stop",
		Cause: &triage.Predicate{Form: []harness.Form{harness.TrailingData}}}}
	// Round-trip through a file, as the command reads them.
	f := t.TempDir() + "/notes.json"
	if err := writeJSON(f, anns); err != nil {
		t.Fatal(err)
	}
	if anns, err = triage.ReadAnnotations(f); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := triage.WriteFindings(&buf, "corpus", "notes.json", cases, anns, registry.Descriptors()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	claimed := 0
	for _, c := range cases {
		p, ok := triage.Primary(c)
		if !ok {
			t.Fatalf("case %s shows no cause", c.Signature)
		}
		if p.Form == harness.TrailingData {
			claimed++
		}
	}
	if claimed < 1 {
		t.Fatalf("want a seed standing for trailing data, have %d", claimed)
	}
	if !strings.Contains(out, "| <a id=\"trailing\"></a>`trailing`: Trailing data | bug | ") {
		t.Errorf("no row for the family:\n%s", out)
	}
	rows := 0
	for l := range strings.Lines(out[strings.Index(out, "## Causes in no family yet"):]) {
		if strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "| Cause") {
			rows++
		}
	}
	if rows == 0 || rows > len(cases)-claimed {
		t.Errorf("%d rows of causes in no family; want between 1 and %d\n%s", rows, len(cases)-claimed, out)
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
		{"no status", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}}}, `annotation "a": status "" is not one of`},
		{"bad status", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "wontfix"}}, `status "wontfix"`},
		{"known without link", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "known"}}, "needs a link"},
		{"bad form", []map[string]any{{"id": "a", "title": "A", "why": "w", "status": "bug", "ask": "a", "cause": map[string]any{"form": []string{"nulll"}}}}, `annotation "a": cause: form "nulll"`},
		{"unknown field", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "bug", "ask": "a", "cases2": 1}}, "unknown field"},
		{"bug without ask", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "bug"}}, "needs an ask"},
		{"form in any", []map[string]any{{"id": "a", "title": "A", "why": "w", "status": "bug", "ask": "a",
			"cause": map[string]any{"any": []any{map[string]any{"form": []string{"nul"}}}}}}, `cause: any 0: form "nul"`},
		{"nested any", []map[string]any{{"id": "a", "title": "A", "why": "w", "status": "bug", "ask": "a",
			"cause": map[string]any{"any": []any{map[string]any{"any": []any{map[string]any{}}}}}}}, "alternatives of its own"},
		{"known by an introducing PR only", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "known",
			"known": []any{link("introduced-by")}}}, `with rel "reports"`},
		{"bad rel", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "bug", "ask": "a",
			"known": []any{link("reported")}}}, `rel "reported" is not one of`},
		{"fixed-unreleased without the fix", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "fixed-unreleased",
			"known": []any{link("")}}}, `with rel "fixed-by"`},
		{"long title", []map[string]any{{"id": "a", "title": strings.Repeat("word ", 17), "why": "w", "cause": map[string]any{}, "status": "bug", "ask": "a"}},
			"more than 80"},
		{"best as a path", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "bug", "ask": "a",
			"best": "corpus/x"}}, "not a corpus case directory name"},
		{"short commit", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "bug", "ask": "a",
			"state": state(func(s map[string]any) { s["commit"] = "0123abc" })}}, `state: commit "0123abc" is not a full`},
		{"bad date", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "bug", "ask": "a",
			"state": state(func(s map[string]any) { s["checked"] = "12/20/2025" })}}, "not a date YYYY-MM-DD"},
		{"bad state", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "bug", "ask": "a",
			"state": state(func(s map[string]any) { s["state"] = "fixed" })}}, `state "fixed" is not one of`},
		{"status and state disagree", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "fixed-unreleased",
			"known": []any{link("fixed-by")}, "state": state(func(s map[string]any) { s["state"] = "reported" })}}, `state says "reported"`},
		{"spec on a branch", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "spec-gap",
			"spec": map[string]any{"text": "t", "url": "https://github.com/opencontainers/runtime-spec/blob/main/config.md#root"}}}, "at a commit or tag"},
		{"other spec on a branch", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "bug", "ask": "a",
			"spec": map[string]any{"text": "t", "source": "Go", "url": "https://github.com/golang/go/blob/master/src/encoding/json/v2/arshal.go#L318"}}}, "at a commit or tag"},
		{"other spec without source", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "bug", "ask": "a",
			"spec": map[string]any{"text": "t", "url": "https://www.rfc-editor.org/rfc/rfc8259#section-6"}}}, "or a source"},
		{"spec without text", []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "spec-gap",
			"spec": map[string]any{"url": "https://github.com/opencontainers/runtime-spec/blob/v1.3.0/config.md#root"}}}, "needs its text"},
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

// link is an upstream link with relation rel.
func link(rel string) map[string]any {
	return map[string]any{"title": "t", "url": "https://github.com/o/r/pull/1", "rel": rel}
}

// state is a valid upstream state, changed by edit.
func state(edit func(map[string]any)) map[string]any {
	s := map[string]any{"repo": "opencontainers/runtime-spec", "branch": "main", "commit": strings.Repeat("0a", 20),
		"checked": "2025-12-20", "state": "fixed-unreleased", "summary": "s"}
	edit(s)
	return s
}

// TestReadAnnotationsExtensions reads a family that sets every field the
// reports use, with a fix not released yet, as the loader must take it.
func TestReadAnnotationsExtensions(t *testing.T) {
	f := t.TempDir() + "/notes.json"
	anns := []map[string]any{{"id": "a", "title": "A", "why": "w", "cause": map[string]any{}, "status": "fixed-unreleased",
		"best": "some-case-0123456789ab", "known": []any{link(""), link("fixed-by"), link("introduced-by")},
		"state": state(func(map[string]any) {}),
		"spec":  map[string]any{"text": "t", "url": "https://github.com/opencontainers/runtime-spec/blob/v1.3.0/config.md#root"}},
		{"id": "b", "title": "B", "why": "w", "cause": map[string]any{}, "status": "bug", "ask": "a",
			"spec": map[string]any{"text": "t", "source": "encoding/json/v2", "url": "https://github.com/golang/go/blob/go1.26.8/src/encoding/json/v2/arshal.go#L318-L323"}},
		{"id": "c", "title": "C", "why": "w", "cause": map[string]any{}, "status": "bug", "ask": "a",
			"spec": map[string]any{"text": "t", "source": "RFC 8259, section 6", "url": "https://www.rfc-editor.org/rfc/rfc8259#section-6"}}}
	if err := writeJSON(f, anns); err != nil {
		t.Fatal(err)
	}
	got, err := triage.ReadAnnotations(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[1].Spec.Source != "encoding/json/v2" {
		t.Fatalf("read %+v", got)
	}
	a := got[0]
	if a.State == nil || a.State.State != "fixed-unreleased" || a.Spec == nil || a.Best != "some-case-0123456789ab" ||
		a.Known[0].Relation() != triage.RelReports || a.Known[1].Relation() != triage.RelFixed {
		t.Errorf("read %+v", a)
	}
}

// TestPredicateAllows checks how a predicate reads its fields: the fields
// it sets all hold, an alternative of Any holds with them, members match as
// patterns (a subtree, an ending), and class words match inside the class
// (and notClass words must not).
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
	notEmptyKey := triage.Predicate{Library: []string{"libocispec"}, Class: []string{"Invalid value"}, NotClass: []string{"for key ''"}}
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
		{notEmptyKey, harness.Cause{Library: "libocispec", Class: "Invalid value with type 'string' for key 'a'"}, true},
		{notEmptyKey, harness.Cause{Library: "libocispec", Class: "Invalid value with type 'string' for key ''"}, false},
	} {
		if got := tc.p.Allows(tc.c); got != tc.want {
			t.Errorf("%+v allows %s: %v, want %v", tc.p, tc.c.Instance(), got, tc.want)
		}
	}
}
