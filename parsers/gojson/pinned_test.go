package gojson

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/internal/modroot"
	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/adapter"
)

func startPinned(t testing.TB, name string) parsers.Judge {
	t.Helper()
	j, err := StartPinned(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := parsers.Close([]parsers.Judge{j}); err != nil {
			t.Errorf("closing %s: %v", name, err)
		}
	})
	return j
}

func crashed(has ...string) want { return want{parsers.Crash, has} }

// lacking is an accept whose model must not hold any of lacks: a member
// the judge's specs-go does not know is dropped from what it read.
type lacking struct {
	want
	lacks []string
}

func TestPinnedJudges(t *testing.T) {
	const (
		runc11 = "go/runc-1.1@spec-1.0.2-dev"
		ctrd17 = "go/containerd-1.7@spec-1.1.0"
		runc12 = "go/runc-1.2@spec-1.2.0"
	)
	if got := Pinned(); !slices.Equal(got, []string{runc11, ctrd17, runc12}) {
		t.Fatalf("Pinned() = %q", got)
	}
	js := []parsers.Judge{startPinned(t, runc11), startPinned(t, ctrd17), startPinned(t, runc12), Decoder(), Unmarshal()}
	for _, j := range js[:3] {
		want := map[string]string{
			runc11: specmod.Path + " from Debian golang-github-opencontainers-specs-dev 1.0.2.118.g5cfc4c3",
			ctrd17: specmod.Path + " v1.1.0; encoding/json go",
			runc12: specmod.Path + " v1.2.0; encoding/json go",
		}[j.Name()]
		if !strings.HasPrefix(j.Version(), want) {
			t.Errorf("%s: version %q, want it to start with %q", j.Name(), j.Version(), want)
		}
	}
	l := func(w want, lacks ...string) lacking { return lacking{w, lacks} }
	tests := []struct {
		name, input string
		want        map[string]lacking // by judge name
	}{{
		// intelRdt.enableCMT was removed in v1.3.0 (runtime-spec#1213);
		// a runtime built before reads it and acts on it.
		name:  "enableCMT",
		input: `{"linux":{"intelRdt":{"enableCMT":true}}}`,
		want: map[string]lacking{
			runc11:         l(acc(`"enableCMT":true`)),
			ctrd17:         l(acc(`"enableCMT":true`)),
			runc12:         l(acc(`"enableCMT":true`)),
			"go/decoder":   l(acc(`"intelRdt":{}`), "enableCMT"),
			"go/unmarshal": l(acc(`"intelRdt":{}`), "enableCMT"),
		},
	}, {
		name:  "enableCMT of the wrong type",
		input: `{"linux":{"intelRdt":{"enableCMT":"yes"}}}`,
		want: map[string]lacking{
			runc11:         l(rej("json: cannot unmarshal … into Go struct field LinuxIntelRdt.linux.intelRdt.enableCMT of type bool")),
			ctrd17:         l(rej("decoding spec config file failed", "LinuxIntelRdt.linux.intelRdt.enableCMT of type bool")),
			runc12:         l(rej("LinuxIntelRdt.linux.intelRdt.enableCMT of type bool")),
			"go/decoder":   l(acc(`"intelRdt":{}`)),
			"go/unmarshal": l(acc(`"intelRdt":{}`)),
		},
	}, {
		// process.ioPriority came with v1.1.0.
		name:  "ioPriority",
		input: `{"process":{"cwd":"/","ioPriority":{"class":"IOPRIO_CLASS_RT","priority":4}}}`,
		want: map[string]lacking{
			runc11:         l(acc(`"cwd":"/"`), "ioPriority"),
			ctrd17:         l(acc(`"ioPriority":{"class":"IOPRIO_CLASS_RT","priority":4}`)),
			runc12:         l(acc(`"ioPriority":{"class":"IOPRIO_CLASS_RT","priority":4}`)),
			"go/decoder":   l(acc(`"ioPriority":{"class":"IOPRIO_CLASS_RT","priority":4}`)),
			"go/unmarshal": l(acc(`"ioPriority":{"class":"IOPRIO_CLASS_RT","priority":4}`)),
		},
	}, {
		name:  "ioPriority of the wrong type",
		input: `{"process":{"cwd":"/","ioPriority":1}}`,
		want: map[string]lacking{
			runc11:         l(acc(`"cwd":"/"`), "ioPriority"),
			ctrd17:         l(rej("Process.process.ioPriority of type specs.LinuxIOPriority")),
			runc12:         l(rej("Process.process.ioPriority of type specs.LinuxIOPriority")),
			"go/decoder":   l(rej("Process.process.ioPriority of type specs.LinuxIOPriority")),
			"go/unmarshal": l(rej("Process.process.ioPriority of type specs.LinuxIOPriority")),
		},
	}, {
		// intelRdt.schemata and enableMonitoring, and the Windows CPU
		// affinity, came after v1.2.0.
		name:  "members of v1.3.0",
		input: `{"linux":{"intelRdt":{"schemata":["L3:0=f"],"enableMonitoring":true}},"windows":{"resources":{"cpu":{"affinity":[{"mask":3,"group":1}]}}}}`,
		want: map[string]lacking{
			runc11:         l(acc(`"intelRdt":{}`), "schemata", "enableMonitoring", "affinity"),
			ctrd17:         l(acc(`"intelRdt":{}`), "schemata", "enableMonitoring", "affinity"),
			runc12:         l(acc(`"intelRdt":{}`), "schemata", "enableMonitoring", "affinity"),
			"go/decoder":   l(acc(`"schemata":["L3:0=f"]`, `"enableMonitoring":true`, `"affinity":[{"mask":3,"group":1}]`)),
			"go/unmarshal": l(acc(`"schemata":["L3:0=f"]`, `"enableMonitoring":true`, `"affinity":[{"mask":3,"group":1}]`)),
		},
	}, {
		// runc 1.1.5 panics on null (runc 1.2 added the check, commit
		// 97ea1255e); containerd's json.Unmarshal leaves the spec empty.
		name:  "null",
		input: `null`,
		want: map[string]lacking{
			runc11:         l(crashed("panic: runtime error: invalid memory address or nil pointer dereference", "runc 1.1's loadSpec")),
			ctrd17:         l(acc(`"ociVersion":""`)),
			runc12:         l(rej("config cannot be null")),
			"go/decoder":   l(rej("config cannot be null")),
			"go/unmarshal": l(acc(`"ociVersion":""`)),
		},
	}, {
		name:  "trailing data",
		input: `{"ociVersion":"1.0.0"} {"ociVersion":"9"}`,
		want: map[string]lacking{
			runc11:         l(acc(`"ociVersion":"1.0.0"`)),
			ctrd17:         l(rej("decoding spec config file failed, current supported OCI runtime-spec : v", "invalid character '…' after top-level value")),
			runc12:         l(acc(`"ociVersion":"1.0.0"`)),
			"go/decoder":   l(acc(`"ociVersion":"1.0.0"`)),
			"go/unmarshal": l(rej("invalid character '…' after top-level value")),
		},
	}, {
		// The framing passes any bytes: a NUL inside a string reaches
		// encoding/json, which refuses the control character.
		name:  "NUL and invalid UTF-8",
		input: "{\"hostname\":\"a\xffb\x00\"}",
		want: map[string]lacking{
			runc11:         l(rej("invalid character '…' in string literal")),
			ctrd17:         l(rej("invalid character '…' in string literal")),
			runc12:         l(rej("invalid character '…' in string literal")),
			"go/decoder":   l(rej("invalid character '…' in string literal")),
			"go/unmarshal": l(rej("invalid character '…' in string literal")),
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, j := range js {
				w, ok := tt.want[j.Name()]
				if !ok {
					t.Fatalf("no expectation for %s", j.Name())
				}
				checkPinned(t, j, []byte(tt.input), w)
			}
		})
	}
}

func checkPinned(t *testing.T, j parsers.Judge, input []byte, w lacking) {
	t.Helper()
	if w.outcome != parsers.Crash {
		check(t, j, input, w.want)
	}
	v := j.Judge(input)
	switch {
	case v.Outcome != w.outcome:
		t.Errorf("%s: outcome %s (%q), want %s", j.Name(), v.Outcome, v.Error, w.outcome)
	case v.Outcome == parsers.Crash:
		for _, h := range w.has {
			if !strings.Contains(v.Error, h) {
				t.Errorf("%s: crash %q lacks %q", j.Name(), v.Error, h)
			}
		}
	}
	for _, s := range w.lacks {
		if bytes.Contains(v.Model, []byte(s)) {
			t.Errorf("%s: model %.300s holds %s, which its specs-go does not know", j.Name(), v.Model, s)
		}
	}
}

// TestPinnedAt: a pinned judge places a type error by encoding/json's
// field path, which has no array indices or map keys, so a refusal inside
// an array or a map is not placed rather than placed at the wrong element.
func TestPinnedAt(t *testing.T) {
	for _, tc := range []struct{ input, at string }{
		{`{"ociVersion":1}`, "/ociVersion"},
		{`{"ociVersion":"1.0.2","process":{"args":"sh"}}`, "/process/args"},
		{`{"ociVersion":"1.0.2","linux":{"resources":{"memory":{"limit":"x"}}}}`, "/linux/resources/memory/limit"},
		{`{"ociVersion":"1.0.2","process":{"args":[1]}}`, ""},
		{`{"ociVersion":"1.3.0","linux":{"resources":{"hugepageLimits":[{"pageSize":"2MB","limit":"x"}]}}}`, ""},
		{`{"ociVersion":"1.0.2","annotations":{"a":1}}`, ""},
		{`{"ociVersion":"1.0.2",`, ""},
		// encoding/json reads Process as process: its path names a member
		// the input does not hold as written.
		{`{"ociVersion":"1.0.2","Process":{"args":"sh"}}`, ""},
		// Here either member may be the one refused.
		{`{"ociVersion":"1.0.2","process":{"args":["sh"]},"PROCESS":{"args":"sh"}}`, ""},
	} {
		for _, name := range Pinned() {
			v := startPinned(t, name).Judge([]byte(tc.input))
			if v.Outcome != parsers.Reject || v.At != tc.at {
				t.Errorf("%s on %s: %s at %q (error %q), want reject at %q", name, tc.input, v.Outcome, v.At, v.Error, tc.at)
			}
		}
	}
}

func TestStartPinnedUnknown(t *testing.T) {
	for _, name := range []string{"go/runc-1.1", "go/runc-1.1@spec-1.3.0", "go/decoder", ""} {
		if j, err := StartPinned(name); err == nil || !strings.Contains(err.Error(), "unknown pinned judge") {
			parsers.Close([]parsers.Judge{j})
			t.Errorf("StartPinned(%q): err %v, want unknown pinned judge", name, err)
		}
	}
}

// TestAdapterMatchesInProcess builds go-adapter against runtime-spec
// v1.3.0 (its go.mod, the release ocidiff is built with) and checks that,
// served over the protocol, it reads every corpus input and every test
// config of the spec exactly as the in-process judges do: runc-1.2's
// reading as go/decoder, containerd-1.7's as go/unmarshal plus
// containerd's error text. So a difference between a pinned judge and
// the default ones comes from the runtime-spec release, not from the
// program.
func TestAdapterMatchesInProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds go-adapter")
	}
	root, err := modroot.FromWorkingDir()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "ocidiff-go-adapter-spec-1.3.0")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join(root, "go-adapter")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building go-adapter with its go.mod: %v\n%s", err, out)
	}
	inputs := testInputs(t)
	pairs := []struct {
		runtime string
		local   parsers.Judge
		errText func(string) string
	}{
		{"runc-1.2", Decoder(), func(s string) string { return s }},
		{"containerd-1.7", Unmarshal(), func(s string) string {
			if s == "" {
				return ""
			}
			return "decoding spec config file failed, current supported OCI runtime-spec : v1.3.0: " + s
		}},
	}
	for _, p := range pairs {
		c, err := adapter.Start(adapter.Config{Path: bin, Args: []string{p.runtime}})
		if err != nil {
			t.Fatal(err)
		}
		if want := "go/" + p.runtime + "@spec-1.3.0"; c.Name() != want {
			t.Errorf("adapter announced %q, want %q", c.Name(), want)
		}
		for _, in := range inputs {
			got, want := c.Judge(in.data), p.local.Judge(in.data)
			if got.Outcome != want.Outcome || got.Error != p.errText(want.Error) || !bytes.Equal(got.Model, want.Model) {
				t.Errorf("%s: %s over the protocol: %s %q %.200s; %s in process: %s %q %.200s",
					in.name, c.Name(), got.Outcome, got.Error, got.Model, p.local.Name(), want.Outcome, want.Error, want.Model)
			}
		}
		if err := c.Close(); err != nil {
			t.Error(err)
		}
	}
	t.Logf("%d inputs, each read alike over the protocol and in process", len(inputs))
}

type testInput struct {
	name string
	data []byte
}

// testInputs are the corpus inputs, as minimized and as found, and the
// spec's own test configs.
func testInputs(t testing.TB) []testInput {
	t.Helper()
	root, err := modroot.FromWorkingDir()
	if err != nil {
		t.Fatal(err)
	}
	spec, err := specmod.Dir()
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, pat := range []string{
		filepath.Join(root, "corpus", "*", "input.json"),
		filepath.Join(root, "corpus", "*", "original.json"),
		filepath.Join(spec, "schema", "test", "config", "*", "*.json"),
	} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 100 {
		t.Fatalf("found %d inputs in %s and %s; want the corpus and the spec's test configs", len(files), root, spec)
	}
	var ins []testInput
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		if strings.HasPrefix(rel, "..") {
			rel = f
		}
		ins = append(ins, testInput{rel, b})
	}
	return ins
}
