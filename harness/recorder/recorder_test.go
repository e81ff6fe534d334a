package recorder

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/fuzzrun"
	"github.com/ocidiff/ocidiff/registry"
)

func newRecorder(t *testing.T, judges ...string) *Recorder {
	t.Helper()
	e, err := registry.Engine(strings.Join(judges, ","))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	s, err := corpus.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return New(e, s, openRun(t, s.Dir()), registry.Open)
}

// An input with two unrelated causes (a duplicate name that json/v2
// refuses, a null root that the schema refuses) becomes two cases, each
// minimized to its own cause.
func TestObserveSeparatesCauses(t *testing.T) {
	r := newRecorder(t, "go/unmarshal", "go/decoder", "go/jsonv2", "schema/jsonschema-v6")
	input := []byte(`{"ociVersion":"1.0.2","hostname":"a","hostname":"b","root":null,"annotations":{"k":"v"}}`)
	res, added, err := r.Observe(input)
	if err != nil {
		t.Fatal(err)
	}
	if res.Agree {
		t.Fatal("judges agree on the input")
	}
	if len(added) != 2 {
		t.Fatalf("added %d cases (%v), want 2", len(added), added)
	}
	cases, err := r.store.Cases()
	if err != nil {
		t.Fatal(err)
	}
	var dup, root int
	for _, c := range cases {
		if !bytes.Equal(c.Original, input) {
			t.Errorf("case %s: original %q, want the input", c.Signature, c.Original)
		}
		if !bytes.HasPrefix(c.Input, []byte(`{"ociVersion":"1.3.0",`+process+`,"root":`)) {
			t.Errorf("case %s: input %q not isolated against the skeleton", c.Signature, c.Input)
		}
		hasDup := bytes.Count(c.Input, []byte(`"hostname"`)) == 2
		hasRoot := bytes.Contains(c.Input, []byte(`"root":null`))
		if want := len(`{"ociVersion":"1.3.0",` + process + `,"root":{"path":"rootfs"},"hostname":"","hostname":""}`); hasDup && len(c.Input) > want {
			t.Errorf("case %s: input %q not minimized", c.Signature, c.Input)
		}
		switch {
		case hasDup && !hasRoot && strings.Contains(c.Signature, "refuses duplicate-name [jsontext: duplicate object member name] @ /hostname"):
			dup++
		case hasRoot && !hasDup && strings.Contains(c.Signature, "refuses null [type] @ /root"):
			root++
		default:
			t.Errorf("case holds neither cause alone: %q (%s)", c.Input, c.Signature)
		}
	}
	if dup != 1 || root != 1 {
		t.Errorf("%d duplicate-name cases and %d null-root cases, want one each", dup, root)
	}

	// The same input again is known: nothing is minimized or added.
	before := r.Stats().Minimized
	if _, added, _ := r.Observe(input); len(added) != 0 || r.Stats().Minimized != before {
		t.Errorf("second Observe added %v and minimized %d more", added, r.Stats().Minimized-before)
	}
}

func TestObserveAgreement(t *testing.T) {
	r := newRecorder(t, "go/unmarshal", "schema/jsonschema-v6")
	res, added, err := r.Observe([]byte(`{"ociVersion":"1.0.2"}`))
	if err != nil || !res.Agree || len(added) != 0 {
		t.Fatalf("agree=%v added=%v err=%v", res.Agree, added, err)
	}
}

// A disagreement met again counts as a hit of the cases it was minimized
// to; the counts survive in the corpus directory for ocidiff fuzz.
func TestObserveCountsHits(t *testing.T) {
	r := newRecorder(t, "go/unmarshal", "schema/jsonschema-v6")
	input := []byte(`{"ociVersion":"1.0.2","root":null}`)
	for range 3 {
		if _, _, err := r.Observe(input); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.run.Hits.Save("w1"); err != nil {
		t.Fatal(err)
	}
	hits, err := r.run.Hits.Load()
	if err != nil || len(hits) != 1 || hits[0].Count != 2 {
		t.Fatalf("LoadHits() = %v, %v; want one signature met twice after it was added", hits, err)
	}
	if err := r.run.Hits.Save("w1"); err != nil {
		t.Fatal(err)
	}
	if err := r.run.Hits.Save("w2"); err != nil {
		t.Fatal(err)
	}
	loaded, err := r.run.Hits.Load()
	if err != nil || len(loaded) != 1 || loaded[0].Count != 4 {
		t.Fatalf("LoadHits() = %v, %v; want the two workers' counts added", loaded, err)
	}
	if cases, err := r.store.Cases(); err != nil || len(cases) != 1 {
		t.Fatalf("the hits directory is not a case: %d cases, %v", len(cases), err)
	}
	if err := r.run.Hits.Clear(); err != nil {
		t.Fatal(err)
	}
	if loaded, _ := r.run.Hits.Load(); len(loaded) != 0 {
		t.Errorf("after ClearHits: %v", loaded)
	}
}

// Every judge ocidiff carries accepts the skeleton, with windows and
// without: a case's input is the skeleton changed by its cause, so a
// judge refusing the skeleton itself would put a second cause in every
// case.
func TestSkeletonIsValid(t *testing.T) {
	e, err := registry.Engine("all")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(skeleton.Doc), &doc); err != nil {
		t.Fatal(err)
	}
	forms := map[string][]byte{"with windows": []byte(skeleton.Doc)}
	for _, opt := range skeleton.Optional {
		d := maps.Clone(doc)
		delete(d, opt[0])
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		forms["without "+opt[0]] = b
	}
	for name, b := range forms {
		res := e.Check(b)
		for _, v := range res.Verdicts {
			if !v.Accepted() {
				t.Errorf("%s: %s: %s %s", name, v.Judge, v.Outcome, v.Error)
			}
		}
		if !res.Agree {
			t.Errorf("%s: judges disagree: %s", name, res.Signature)
		}
	}
}

// observe records input with the default judges into an empty corpus and
// returns the cases added.
func observe(t *testing.T, inputs ...[]byte) []corpus.Case {
	t.Helper()
	return observeWith(t, "default", inputs...)
}

// observeWith is observe with the judges of a selection.
func observeWith(t *testing.T, judges string, inputs ...[]byte) []corpus.Case {
	t.Helper()
	r := newRecorder(t, judges)
	for _, in := range inputs {
		if _, _, err := r.Observe(in); err != nil {
			t.Fatal(err)
		}
	}
	cases, err := r.store.Cases()
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

const process = `"process":{"cwd":"/","user":{"uid":0,"gid":0},"args":["sh"]}`

// A case's input is a valid config changed by one cause, found by
// isolating the cause against the skeleton.
func TestObserveIsolates(t *testing.T) {
	founding, err := os.ReadFile("../../examples/containerd-windows-hostprocess.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input []byte
		want  string // the input of the one case recorded
		cause string // the one cause jsonschema-v6 gives
	}{
		{
			// The founding config: ociVersion, process and root stay,
			// "layerFolders": null is the one cause.
			name:  "founding",
			input: founding,
			want:  `{"ociVersion":"1.3.0",` + process + `,"root":{"path":"rootfs"},"windows":{"layerFolders":null}}`,
			cause: "/windows/layerFolders:type",
		},
		{
			// Filed as nesting depth, but a wrong-typed root splits the
			// judges the same way at any depth.
			name:  "wrong-typed root",
			input: []byte(`{"ociVersion":"1.3.0","root":[]}`),
			want:  `{"ociVersion":"1.3.0",` + process + `,"root":[]}`,
			cause: "/root:type",
		},
		{
			name:  "missing members grafted",
			input: []byte(`{"hooks":{"prestart":[{"path":"/bin/true","timeout":0}]},"ociVersion":"1.0.0"}`),
			want:  `{"ociVersion":"1.3.0",` + process + `,"root":{"path":"rootfs"},"hooks":{"prestart":[{"path":"","timeout":0}]}}`,
			cause: "/hooks/prestart/*/timeout:minimum",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cases := observe(t, tt.input)
			if len(cases) != 1 {
				for _, c := range cases {
					t.Logf("case %s: %s", c.Input, c.Signature)
				}
				t.Fatalf("%d cases, want 1", len(cases))
			}
			c := cases[0]
			if string(c.Input) != tt.want {
				t.Errorf("input\n got  %s\n want %s", c.Input, tt.want)
			}
			for _, v := range c.Result.Verdicts {
				if v.Judge == "schema/jsonschema-v6" && !slices.Equal(v.Causes, []string{tt.cause}) {
					t.Errorf("jsonschema-v6 causes %q, want [%s]", v.Causes, tt.cause)
				}
			}
		})
	}
}

// A case's signature and input depend on its cause, not on the valid
// config around it: one cause in two different configs (other skeleton
// values, members the skeleton lacks, Windows or not, another order) is
// one case.
func TestObserveConverges(t *testing.T) {
	tests := []struct {
		name string
		a, b string
	}{
		{
			name: "duplicate member",
			a:    `{"ociVersion":"1.0.2","root":{"path":"/var/lib/r","readonly":true},"hostname":"a","hostname":"b","mounts":[{"destination":"/proc"}]}`,
			b:    `{"hostname":"a","process":{"cwd":"C:\\","user":{"uid":5,"gid":7},"args":["cmd.exe","/c"]},"hostname":"b","windows":{"layerFolders":["C:\\l1","C:\\l2"]},"ociVersion":"1.3.0"}`,
		},
		{
			name: "null for an optional member",
			a:    `{"ociVersion":"1.1.0","root":{"path":"rootfs"},"linux":{"sysctl":null,"namespaces":[{"type":"pid"}]}}`,
			b:    `{"linux":{"sysctl":null},"annotations":{"k":"v"},"ociVersion":"1.0.0"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cases := func(in string) map[string]string {
				m := map[string]string{}
				for _, c := range observe(t, []byte(in)) {
					m[c.Signature] = string(c.Input)
				}
				return m
			}
			a, b := cases(tt.a), cases(tt.b)
			if len(a) == 0 || !maps.Equal(a, b) {
				t.Errorf("cases differ: signature -> input\n %q\n %q", a, b)
			}
		})
	}
}

// Nesting past encoding/json's limit is a cause of its own, but the
// judges that read a deep wrong-typed root as absent (libocispec) or as
// an empty struct (serde) do so at any depth: isolation gives the root
// its own case, the one a shallow wrong-typed root gives.
func TestObserveDepthIsNotTheRoot(t *testing.T) {
	// crun 1.28's json-c refuses any nesting deeper than 32 levels, a
	// cause of its own; the yajl C judge of crun 1.8.1 has no such limit,
	// so depth is no cause for it, only what is nested.
	const judges = "go/unmarshal,go/decoder,go/jsonv2,rust/oci-spec@0.10.0,c/libocispec@crun-1.8.1,schema/jsonschema-v6,schema/gojsonschema"
	deep := `{"ociVersion":"1.3.0","root":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`
	shallow := observeWith(t, judges, []byte(`{"ociVersion":"1.3.0","root":[]}`))
	if len(shallow) != 1 {
		t.Fatalf("%d cases for a shallow wrong-typed root, want 1", len(shallow))
	}
	cases := observeWith(t, judges, []byte(deep))
	found := false
	for _, c := range cases {
		t.Logf("case %.120s (%d bytes): %s", c.Input, len(c.Input), c.Signature)
		if slices.ContainsFunc(c.Result.Causes, func(x harness.Cause) bool { return x.Instance() == shallow[0].Signature }) {
			found = true
			if !bytes.Equal(c.Input, shallow[0].Input) {
				t.Errorf("input %.100s, want %s", c.Input, shallow[0].Input)
			}
		}
	}
	if !found {
		t.Errorf("no case shows the shallow root's cause %s", shallow[0].Signature)
	}
}

// openRun opens a fuzz run's state beside the corpus in dir.
func openRun(tb testing.TB, dir string) *fuzzrun.State {
	tb.Helper()
	run, err := fuzzrun.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return run
}
