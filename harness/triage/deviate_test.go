package triage

import (
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/parsers"
)

// verdicts builds a result from "judge=outcome" pairs; the rule only reads
// names, outcomes and classes, which is what this test is about. Whole
// results from the real judges are checked in TestReports.
func verdicts(diffs []harness.ValueDiff, pairs ...string) harness.Result {
	r := harness.Result{Diffs: diffs}
	for _, p := range pairs {
		j, o, _ := strings.Cut(p, "=")
		r.Verdicts = append(r.Verdicts, parsers.Verdict{Judge: j, Outcome: parsers.Outcome(o), Class: "c"})
	}
	return r
}

// described gives the judges these tests name the two facts the rule
// reads, kind and upstream. It cannot be the registry's (the registry
// imports triage); TestDescriptors in package registry holds the real
// descriptors to triage.Upstreams.
func described(t *testing.T) parsers.Descriptors {
	t.Helper()
	ds := parsers.Descriptors{}
	for judge, up := range map[string]string{
		"go/unmarshal": "golang/go", "go/decoder": "golang/go", "go/jsonv2": "go-json-experiment/json",
		"rust/oci-spec@0.10.0": "oci-spec-rs", "rust/oci-spec@0.6.0": "oci-spec-rs",
		"c/libocispec@crun-1.8.1": "libocispec", "c/x": "libocispec",
		"schema/jsonschema-v6": "jsonschema", "schema/gojsonschema": "gojsonschema",
	} {
		u, err := FindUpstream(up)
		if err != nil {
			t.Fatal(err)
		}
		d := parsers.Descriptor{Name: judge, Kind: parsers.Parser, Upstream: u}
		if u.Name == "jsonschema" || u.Name == "gojsonschema" {
			d.Kind = parsers.Validator
		}
		ds[judge] = d
	}
	return ds
}

func TestAssess(t *testing.T) {
	ds := described(t)
	type dev struct {
		rule     Rule
		upstream string
		judges   []string
	}
	for _, tc := range []struct {
		name string
		r    harness.Result
		want []dev
	}{
		{"founding: most parsers accept what the schema rejects",
			verdicts(nil, "go/unmarshal=accept", "go/decoder=accept", "go/jsonv2=accept", "rust/oci-spec@0.10.0=accept",
				"c/libocispec@crun-1.8.1=reject", "schema/jsonschema-v6=reject", "schema/gojsonschema=reject"),
			[]dev{{RuleSpec, "runtime-spec", []string{"go/unmarshal", "go/decoder", "go/jsonv2", "rust/oci-spec@0.10.0"}}}},
		{"one lenient parser",
			verdicts(nil, "go/unmarshal=reject", "go/jsonv2=reject", "rust/oci-spec@0.10.0=reject",
				"c/libocispec@crun-1.8.1=accept", "schema/jsonschema-v6=reject", "schema/gojsonschema=reject"),
			[]dev{{RuleLenient, "libocispec", []string{"c/libocispec@crun-1.8.1"}}}},
		{"validators split, parsers mostly reject; one parser accepts",
			verdicts(nil, "go/unmarshal=reject", "go/decoder=accept", "go/jsonv2=reject", "rust/oci-spec@0.10.0=reject",
				"schema/jsonschema-v6=reject", "schema/gojsonschema=accept"),
			[]dev{{RuleValidators, "gojsonschema", []string{"schema/gojsonschema"}}, {RuleMinority, "golang/go", []string{"go/decoder"}}}},
		{"validators accept; the minority by projects rejects",
			verdicts(nil, "go/unmarshal=accept", "go/decoder=accept", "go/jsonv2=reject", "rust/oci-spec@0.10.0=reject",
				"rust/oci-spec@0.6.0=reject", "c/libocispec@crun-1.8.1=reject", "schema/jsonschema-v6=accept", "schema/gojsonschema=accept"),
			[]dev{{RuleMinority, "golang/go", []string{"go/unmarshal", "go/decoder"}}}},
		{"values: one library against two",
			verdicts([]harness.ValueDiff{{Path: "/ociVersion", A: []string{"go/unmarshal", "go/decoder"}, B: []string{"go/jsonv2", "rust/oci-spec@0.10.0"}, AValue: `"1"`}},
				"go/unmarshal=accept", "go/decoder=accept", "go/jsonv2=accept", "rust/oci-spec@0.10.0=accept"),
			[]dev{{RuleValues, "golang/go", []string{"go/unmarshal", "go/decoder"}}}},
		{"values: one library against one, fewer judges deviate",
			verdicts([]harness.ValueDiff{{Path: "/root/path", A: []string{"go/unmarshal", "go/decoder"}, B: []string{"c/libocispec@crun-1.8.1"}}},
				"go/unmarshal=accept", "go/decoder=accept", "c/libocispec@crun-1.8.1=accept"),
			[]dev{{RuleValues, "libocispec", []string{"c/libocispec@crun-1.8.1"}}}},
		{"even: both sides deviate",
			verdicts(nil, "go/unmarshal=accept", "rust/oci-spec@0.10.0=reject"),
			[]dev{{RuleMinority, "golang/go", []string{"go/unmarshal"}}, {RuleMinority, "oci-spec-rs", []string{"rust/oci-spec@0.10.0"}}}},
		{"a crash comes first",
			verdicts(nil, "go/unmarshal=accept", "c/libocispec@crun-1.8.1=crash", "schema/gojsonschema=accept"),
			[]dev{{RuleCrash, "libocispec", []string{"c/libocispec@crun-1.8.1"}}}},
	} {
		got, err := Assess(tc.r, ds)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var gotDevs []dev
		for _, d := range got {
			gotDevs = append(gotDevs, dev{d.Rule, d.Upstream.Name, d.Judges})
		}
		if !slices.EqualFunc(gotDevs, tc.want, func(a, b dev) bool {
			return a.rule == b.rule && a.upstream == b.upstream && slices.Equal(a.judges, b.judges)
		}) {
			t.Errorf("%s:\n got %v\nwant %v", tc.name, gotDevs, tc.want)
		}
	}
	if d, err := Assess(harness.Result{Agree: true}, ds); d != nil || err != nil {
		t.Errorf("agreement: got %v, %v", d, err)
	}
	// A judge nobody described is not taken for a parser of runtime-spec.
	_, err := Assess(verdicts(nil, "go/unmarshal=accept", "java/jackson=reject"), ds)
	if err == nil || !strings.Contains(err.Error(), `"java/jackson"`) {
		t.Errorf("Assess with an undescribed judge: error %v, want one naming it", err)
	}
}

// TestCrashWhy: a crash that stood on a fresh process carries both
// processes' errors; the summary a report opens with keeps the fresh
// one's and says the first failed too.
func TestCrashWhy(t *testing.T) {
	for _, tc := range []struct{ err, want string }{
		{"died (signal: killed)", "c/x crashed: died (signal: killed)"},
		{"died (signal: segmentation fault)" + parsers.Retried + "died (signal: segmentation fault)",
			"c/x crashed: died (signal: segmentation fault) (on a fresh process; the first one failed too)"},
	} {
		r := harness.Result{Verdicts: []parsers.Verdict{
			{Judge: "go/unmarshal", Outcome: parsers.Accept},
			{Judge: "c/x", Outcome: parsers.Crash, Error: tc.err},
		}}
		devs, err := Assess(r, described(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(devs) == 0 || devs[0].Why != tc.want {
			t.Errorf("Assess(crash %q): %+v, want Why %q", tc.err, devs, tc.want)
		}
	}
}
