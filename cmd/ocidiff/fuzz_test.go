package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/fuzzrun"
	"github.com/ocidiff/ocidiff/harness/recorder"
	"github.com/ocidiff/ocidiff/parsers"
)

// TestFuzzCommand runs the real fuzzing job briefly, from an empty corpus:
// go test -fuzz over FuzzDifferential with the real judges. Every default
// judge disagrees with another on the seeds (the founding config among
// them), so the run must record cases, whole.
func TestFuzzCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test -fuzz")
	}
	dir := filepath.Join(t.TempDir(), "corpus")
	var out, errb bytes.Buffer
	code := run([]string{"fuzz", "-duration", "5s", "-parallel", "1", "-targets", "FuzzDifferential", "-corpus", dir}, nil, &out, &errb)
	if code != exitAgree {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	s, err := corpus.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := s.Cases()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("no case recorded\n%s", out.String())
	}
	for _, want := range []string{"fuzzing FuzzDifferential for 5s with 1 workers", "new cases, ", "known causes met again", "    accept: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	founding := false
	for _, c := range cases {
		for _, x := range c.Result.Causes {
			if x.Member == "/windows/layerFolders" && x.Form == harness.Null && x.Behaviour == harness.Refuses && strings.Contains(c.Result.Signature, "accept: go/unmarshal") {
				founding = true
			}
		}
	}
	if !founding {
		t.Errorf("the founding class (Go accepts layerFolders null, the schema refuses) is not among %d cases", len(cases))
	}

	// -fail-on-new stops at the first new signature and exits 1: from an
	// empty corpus, every disagreement is new.
	out.Reset()
	errb.Reset()
	if code := run([]string{"fuzz", "-duration", "2s", "-parallel", "1", "-targets", "FuzzDifferential", "-corpus", t.TempDir(), "-fail-on-new"}, nil, &out, &errb); code != exitDisagree {
		t.Errorf("-fail-on-new on an empty corpus: exit %d, want 1\n%s%s", code, out.String(), errb.String())
	}
}

func TestFuzzUsage(t *testing.T) {
	for _, args := range [][]string{
		{"fuzz", "-targets", "FuzzNope"},
		{"fuzz", "-judges", "nope"},
		{"fuzz", "-duration", "0s"},
		{"fuzz", "extra"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, nil, &out, &errb); code != exitUsage || errb.Len() == 0 {
			t.Errorf("ocidiff %s: exit %d, stderr %q; want 2 and a message", strings.Join(args, " "), code, errb.String())
		}
	}
}

// The summary lists the disagreements of the run that did not reproduce,
// with how often each flaked and where it is kept, apart from the new
// signatures: they are not in the corpus.
func TestFuzzSummaryListsFlaky(t *testing.T) {
	e := testEngine(t)
	dir := filepath.Join(t.TempDir(), "corpus")
	s := recordCases(t, e, dir, `{"ociVersion":"1.0.2","root":null}`)
	run, err := fuzzrun.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	flaky, err := run.Flaky()
	if err != nil {
		t.Fatal(err)
	}
	in := []byte(`{"ociVersion":"1.0.2"}`)
	r := e.Check(in)
	r.Verdicts[1].Outcome, r.Verdicts[1].Class = parsers.Crash, "crash: signal: killed"
	r = e.Compare(r.Verdicts)
	r.Causes = e.Explain(in, r)
	if _, _, err := flaky.Cases.Add(recorder.NewCase(r, r.Causes[0], in, in)); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		flaky.Hits.Count(r.Causes[0].Key())
	}
	if err := flaky.Hits.Save("w1"); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := summarize(s, run, map[string]bool{}, &out, &errb, exitAgree); code != exitAgree {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		"1 new cases, 1 in the corpus",
		// The new case by its cause, and its family: none here, where no
		// findings.json is found.
		" refuses null at /root [", "; no family: to triage\n",
		"1 of the 1 new cases stand for a cause no family of findings.json claims",
		"3 disagreements did not reproduce on freshly started judges (flaky, not in the corpus; kept in " + filepath.Join(dir, ".flaky"),
		"       3  " + r.Causes[0].Key(),
		"crashes",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}

	// With findings.json where the run is, the family that claims it.
	notes := t.TempDir()
	if err := os.WriteFile(filepath.Join(notes, "findings.json"), []byte(`[{"id":"root-null","title":"T","status":"known","why":"w",
		"cause":{"form":["null"],"member":["/root"]},"known":[{"title":"t","url":"https://example.org/1"}]}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(notes)
	out.Reset()
	if code := summarize(s, run, map[string]bool{}, &out, &errb, exitAgree); code != exitAgree {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"; family root-null (known)\n", "0 of the 1 new cases stand for a cause no family"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

// Inputs the fuzz workers deferred are recorded after the run, each
// removed once recorded and the cases they added listed; when they cannot
// be recorded they stay pending and the run fails.
func TestFuzzRecordsPending(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	s, err := corpus.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	run, err := fuzzrun.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	inputs := []string{
		`{"ociVersion":"1.0.2","root":null}`, // the schema refuses a null root
		`{"ociVersion":"1.0.2","root":{}}`,   // the schema refuses a root without path
		`{"ociVersion":"1.0.2"`,              // both refuse alike: agree
	}
	for _, in := range inputs {
		if _, err := run.AddPending([]byte(in)); err != nil {
			t.Fatal(err)
		}
	}

	// Judges that cannot be opened: nothing is lost.
	var out, errb bytes.Buffer
	if recordPending(s, run, "nope", &out, &errb) {
		t.Errorf("recordPending with unknown judges succeeded:\n%s", out.String())
	}
	if p, err := run.Pending(); err != nil || len(p) != len(inputs) {
		t.Fatalf("after a failure %d inputs pending (%v), want %d", len(p), err, len(inputs))
	}
	if !strings.Contains(errb.String(), "they stay in "+run.PendingDir()) {
		t.Errorf("stderr does not say where they stay: %q", errb.String())
	}

	out.Reset()
	errb.Reset()
	if !recordPending(s, run, "go/unmarshal,schema/jsonschema-v6", &out, &errb) {
		t.Fatalf("recordPending failed: %s", errb.String())
	}
	if p, err := run.Pending(); err != nil || len(p) != 0 {
		t.Errorf("still pending after recording: %v (%v)", p, err)
	}
	cases, err := s.Cases()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 {
		t.Fatalf("%d cases recorded, want 2 (a null root, a root without path)", len(cases))
	}
	want := "3 pending inputs (deferred by the workers: too slow to record within an input's time) recorded after the run, adding 2 cases:"
	if !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out.String())
	}
	for _, c := range cases {
		if !strings.Contains(out.String(), "    "+s.Path(c.Signature)+"\n") {
			t.Errorf("output does not list case %s:\n%s", s.Path(c.Signature), out.String())
		}
	}
}

// A real run in which every worker defers every disagreement (a limit of
// 1ns): the run completes, and the post-run step records the deferred
// inputs into the corpus.
func TestFuzzCommandDefers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test -fuzz")
	}
	dir := filepath.Join(t.TempDir(), "corpus")
	var out, errb bytes.Buffer
	code := run([]string{"fuzz", "-duration", "3s", "-parallel", "1", "-targets", "FuzzDifferential", "-corpus", dir, "-record-limit", "1ns"}, nil, &out, &errb)
	if code != exitAgree {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	s, err := corpus.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	fr, err := fuzzrun.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := fr.Pending(); err != nil || len(p) != 0 {
		t.Errorf("still pending after the run: %d (%v)", len(p), err)
	}
	cases, err := s.Cases()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 || !strings.Contains(out.String(), "recorded after the run, adding ") {
		t.Fatalf("%d cases; the deferred inputs were not recorded after the run:\n%s", len(cases), out.String())
	}
}
