package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/triage"
)

// TestWorkflowCommandEscaping: a file name or a message can hold what
// would end a workflow command early (a newline) or a property (a colon
// or comma), and a % that GitHub would read as an escape.
func TestWorkflowCommandEscaping(t *testing.T) {
	for _, tc := range []struct{ in, data, property string }{
		{"plain/config.json", "plain/config.json", "plain/config.json"},
		{"a,b:c.json", "a,b:c.json", "a%2Cb%3Ac.json"},
		{"100%\r\nnext", "100%25%0D%0Anext", "100%25%0D%0Anext"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
	} {
		if got := commandData(tc.in); got != tc.data {
			t.Errorf("commandData(%q) = %q, want %q", tc.in, got, tc.data)
		}
		if got := commandProperty(tc.in); got != tc.property {
			t.Errorf("commandProperty(%q) = %q, want %q", tc.in, got, tc.property)
		}
	}
}

func TestAllowList(t *testing.T) {
	anns := []triage.Annotation{{ID: "layerfolders-null"}, {ID: "duplicate-names"}}
	for _, tc := range []struct {
		text string
		anns []triage.Annotation
		want string // the ids joined by spaces, or the error
	}{
		{"", anns, ""},
		{"layerfolders-null", anns, "layerfolders-null"},
		{"layerFolders-null,\n duplicate-names\t", anns, "layerfolders-null duplicate-names"},
		{"layerfolders-null, no-such-family", anns, "-allow no-such-family: no family of that id in the triage notes"},
		{"layerfolders-null", nil, "-allow layerfolders-null: there are no triage notes to name families (-annotations FILE)"},
	} {
		ids, err := allowList(tc.text, tc.anns)
		got := strings.Join(ids, " ")
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("allowList(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestAnnotationLimit: past GitHub's ten annotations of a kind per step,
// a notice counts the rest rather than letting GitHub drop them silently;
// errors and warnings are counted apart.
func TestAnnotationLimit(t *testing.T) {
	var reports []checkReport
	for i := range 13 {
		cr := checkReport{File: fmt.Sprintf("c%d.json", i), Signature: "sig", Verdicts: []verdictReport{{Judge: "go/unmarshal", Outcome: "accept"}, {Judge: "rust/oci-spec@0.10.0", Outcome: "reject"}},
			Causes: []causeReport{{Cause: harness.Cause{Library: "oci-spec-rs", Behaviour: harness.Refuses}}}}
		if i%4 == 0 {
			cr.Causes[0].Family = &familyReport{ID: "known-family", Status: triage.Known}
		}
		reports = append(reports, cr)
	}
	var stdout, stderr strings.Builder
	p := policy{allowed: []string{"known-family"}}
	if got := annotate(reports, p, true, "", "", &stdout, &stderr); got != exitDisagree {
		t.Errorf("exit status %d, want %d", got, exitDisagree)
	}
	out := stdout.String()
	// 13 files: 4 in the allowed family (warnings), 9 in none (errors).
	for prefix, want := range map[string]int{"::error ": 9, "::warning ": 4, "::notice ": 0} {
		if n := linesStarting(out, prefix); n != want {
			t.Errorf("%d lines start %q, want %d:\n%s", n, prefix, want, out)
		}
	}
	reports = append(reports, reports...) // 18 errors, 8 warnings
	stdout.Reset()
	annotate(reports, p, false, "", "", &stdout, &stderr)
	out = stdout.String()
	if n := linesStarting(out, "::error "); n != annotationsPerKind {
		t.Errorf("%d errors annotated, want %d", n, annotationsPerKind)
	}
	if !strings.Contains(out, "\n::notice title=ocidiff%3A 8 more files::GitHub shows 10 annotations of a kind per step, so 8 more files that fail are not annotated; the step summary lists every file.\n") {
		t.Errorf("no notice of the 8 errors left out:\n%s", out)
	}
	if n := linesStarting(out, "::warning "); n != 8 || strings.Contains(out, "whose causes are all allowed") {
		t.Errorf("%d warnings annotated, want all 8 with no notice:\n%s", n, out)
	}
}

// TestPolicyPerCause: allowing the family of one cause lets a file
// through only when every cause of it is allowed, and a file every judge
// refuses fails unless the caller allows that too.
func TestPolicyPerCause(t *testing.T) {
	known := func(id string) causeReport {
		return causeReport{Cause: harness.Cause{Library: id}, Family: &familyReport{ID: id}}
	}
	p := policy{allowed: []string{"a"}}
	for _, tc := range []struct {
		name string
		cr   checkReport
		pass bool
	}{
		{"one allowed cause", checkReport{Causes: []causeReport{known("a")}}, true},
		{"an allowed and another", checkReport{Causes: []causeReport{known("a"), known("b")}}, false},
		{"an allowed and one in no family", checkReport{Causes: []causeReport{known("a"), {Cause: harness.Cause{Library: "x"}}}}, false},
		{"refused by every judge", checkReport{Agree: true, Refused: true}, false},
	} {
		if got := p.passes(tc.cr); got != tc.pass {
			t.Errorf("%s: passes = %v, want %v", tc.name, got, tc.pass)
		}
	}
	if !(policy{refused: true}).passes(checkReport{Agree: true, Refused: true}) {
		t.Error("allow-refused does not let a refused file through")
	}
}

func linesStarting(text, prefix string) int {
	n := 0
	for l := range strings.Lines(text) {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}
