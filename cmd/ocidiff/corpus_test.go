package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/recorder"
	"github.com/ocidiff/ocidiff/parsers/adapter"
	"github.com/ocidiff/ocidiff/registry"
)

// recordCases writes a corpus in dir with the real Go and schema judges,
// one case per input, and returns the store.
func recordCases(t *testing.T, e *harness.Engine, dir string, inputs ...string) *corpus.Store {
	t.Helper()
	s, err := corpus.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		r := e.Check([]byte(in))
		if r.Agree {
			t.Fatalf("judges agree on %s", in)
		}
		if _, _, err := s.Add(recorder.NewCase(r, r.Causes[0], []byte(in), []byte(in))); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func testEngine(t *testing.T) *harness.Engine {
	e, err := registry.Engine("go/unmarshal,schema/jsonschema-v6")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(args, nil, &out, &errb); code != 0 {
		t.Fatalf("ocidiff %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
	return out.String()
}

func TestCorpusMerge(t *testing.T) {
	e := testEngine(t)
	tmp := t.TempDir()
	const small = `{"ociVersion":"1.0.2","windows":{"layerFolders":null}}`
	big := `{"ociVersion":"1.0.2","hostname":"h","windows":{"layerFolders":null}}`
	a := filepath.Join(tmp, "a")
	b := filepath.Join(tmp, "b")
	recordCases(t, e, a, big)
	recordCases(t, e, b, small, `{"ociVersion":"1.0.2","root":null}`)
	dst := filepath.Join(tmp, "dst")

	out := runOK(t, "corpus", "merge", "-corpus", dst, a, b)
	// a brings one case; b the same signature with a smaller input, and
	// one more.
	if !strings.Contains(out, "merged: 2 added, 1 replaced by a smaller input, 0 already held") {
		t.Errorf("merge said:\n%s", out)
	}
	cases, err := corpus.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cases.Cases()
	if err != nil || len(got) != 2 {
		t.Fatalf("%d cases, %v", len(got), err)
	}
	for _, c := range got {
		if strings.Contains(c.Signature, "/windows/layerFolders:type") && string(c.Input) != small {
			t.Errorf("kept input %s, want the smaller %s", c.Input, small)
		}
	}
	// Merging again changes nothing.
	out = runOK(t, "corpus", "merge", "-corpus", dst, a, b)
	if !strings.Contains(out, "0 added, 0 replaced by a smaller input, 3 already held") {
		t.Errorf("second merge said:\n%s", out)
	}
}

func TestCorpusUpdate(t *testing.T) {
	e := testEngine(t)
	dir := filepath.Join(t.TempDir(), "c")
	s := recordCases(t, e, dir, `{"ociVersion":"1.0.2","root":null}`, `{"ociVersion":"1.0.2","windows":{"layerFolders":null}}`)

	// Pretend a case was recorded when a judge said something else (as
	// before an upstream fix): its class, and a case whose input the
	// judges now agree on.
	cases, err := s.Cases()
	if err != nil {
		t.Fatal(err)
	}
	stale := cases[0]
	stale.Result.Verdicts[1].Class = "/root:oldkeyword"
	if _, err := s.Replace(stale); err != nil {
		t.Fatal(err)
	}
	agreed := recorder.NewCase(cases[1].Result, cases[1].Result.Causes[0], []byte(`{"ociVersion":"1.0.2"}`), nil)
	agreed.Signature = "reject: schema/jsonschema-v6 [gone] | accept: go/unmarshal"
	if _, _, err := s.Add(agreed); err != nil {
		t.Fatal(err)
	}

	out := runOK(t, "corpus", "update", "-corpus", dir)
	for _, want := range []string{"re-recorded ", "judges agree now, removed ", "3 cases: 1 unchanged, 1 re-recorded, 0 moved, 1 removed"} {
		if !strings.Contains(out, want) {
			t.Errorf("update output lacks %q:\n%s", want, out)
		}
	}
	after, err := s.Cases()
	if err != nil || len(after) != 2 {
		t.Fatalf("%d cases after update, %v", len(after), err)
	}
	for _, c := range after {
		for _, v := range c.Result.Verdicts {
			if v.Class == "/root:oldkeyword" {
				t.Errorf("stale class survived update in %s", c.Signature)
			}
		}
	}
	if out := runOK(t, "corpus", "update", "-corpus", dir); !strings.Contains(out, "2 cases: 2 unchanged") {
		t.Errorf("second update said:\n%s", out)
	}
}

// A judge that flakes while re-recording must not take a good case away:
// here the Rust adapter's first two children say hello and die on their
// first input (so the client's retry fails too, and the replay gives a
// crash); the children after them are the real adapter. The change does
// not come back on fresh judges, so the case stays as recorded.
func TestCorpusUpdateKeepsCaseWhenAJudgeFlakes(t *testing.T) {
	e, err := registry.Engine("go/unmarshal,rust/oci-spec@0.10.0,schema/jsonschema-v6")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	dir := filepath.Join(t.TempDir(), "c")
	s := recordCases(t, e, dir, `{"ociVersion":"1.0.2","root":null}`)
	before, err := s.Cases()
	if err != nil {
		t.Fatal(err)
	}

	real, err := adapter.Locate("ocidiff-rust-adapter", "OCIDIFF_RUST_ADAPTER")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	script := filepath.Join(tmp, "flaky-adapter")
	if err := os.WriteFile(script, []byte(`#!/bin/sh
n=$(cat "$0.starts" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$0.starts"
if [ $n -le 2 ]; then "`+real+`" "$@" </dev/null; exit 1; fi
exec "`+real+`" "$@"
`), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OCIDIFF_RUST_ADAPTER", script)

	out := runOK(t, "corpus", "update", "-corpus", dir)
	for _, want := range []string{"did not reproduce on fresh judges, kept as recorded: ", "crash: rust/oci-spec@0.10.0",
		"1 cases: 0 unchanged, 0 re-recorded, 0 moved, 0 removed, 1 kept (a change that did not reproduce)"} {
		if !strings.Contains(out, want) {
			t.Errorf("update output lacks %q:\n%s", want, out)
		}
	}
	after, err := s.Cases()
	if err != nil || len(after) != 1 || recorder.Changed(before[0].Result, after[0].Result) {
		t.Fatalf("the case changed: %v, %d cases", err, len(after))
	}
	// Two flaky children (the replay and its retry), then one fresh start
	// whose verdict differs from the crash and ends the confirmation.
	if b, _ := os.ReadFile(script + ".starts"); strings.TrimSpace(string(b)) != "3" {
		t.Errorf("the adapter started %q times, want 3", b)
	}
}

// TestCorpusUpdateJudges moves a corpus recorded with crun 1.8.1's judge
// to crun 1.28's, as when the default C judge changed: a split that 1.28
// no longer makes (the first of two duplicate members) is removed, and a
// case whose cause the new judge shows too keeps its name: a cause names
// libocispec, not one of its releases.
func TestCorpusUpdateJudges(t *testing.T) {
	old, err := registry.Engine("go/unmarshal,c/libocispec@crun-1.8.1")
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	dir := filepath.Join(t.TempDir(), "c")
	s := recordCases(t, old, dir,
		`{"ociVersion":"1.0.0","ociVersion":"2.0.0"}`,
		`{"ociVersion":"1.0.2","root":{"path":""},"windows":{"layerFolders":null}}`)
	before, err := s.Cases()
	if err != nil {
		t.Fatal(err)
	}

	out := runOK(t, "corpus", "update", "-corpus", dir, "-judges", "go/unmarshal,c/libocispec@crun-1.28")
	if !strings.Contains(out, "2 cases: 0 unchanged, 1 re-recorded, 0 moved, 1 removed") {
		t.Errorf("update said:\n%s", out)
	}
	after, err := s.Cases()
	if err != nil || len(after) != 1 {
		t.Fatalf("%d cases after update, %v", len(after), err)
	}
	if want := "libocispec refuses null [Required field 'layerFolders' not present] @ /windows/layerFolders"; after[0].Signature != want ||
		!slices.ContainsFunc(before, func(c corpus.Case) bool { return c.Signature == want }) {
		t.Errorf("case after update = %q, want %q, as before", after[0].Signature, want)
	}
	if v := after[0].Versions["c/libocispec@crun-1.28"]; v == "" {
		t.Errorf("the case does not record crun 1.28's version: %v", after[0].Versions)
	}

	var stderr bytes.Buffer
	if code := run([]string{"corpus", "update", "-corpus", dir, "-judges", "c/nope"}, nil, io.Discard, &stderr); code != exitUsage || !strings.Contains(stderr.String(), `unknown judge or profile "c/nope"`) {
		t.Errorf("update -judges c/nope: exit %d, stderr %q", code, stderr.String())
	}
}
