package rust

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/adapter"
)

// founding is what containerd writes for a Windows container: the case
// that made oci-spec-rs 0.6.0 fail (containers/oci-spec-rs#126).
const founding = `{"ociVersion":"1.0.2","root":{"path":""},"windows":{"layerFolders":null}}`

// containerdWindows is a fuller config of the same shape.
const containerdWindows = `{"ociVersion":"1.0.2",
 "process":{"user":{"uid":0,"gid":0,"username":"ContainerUser"},"args":["cmd","/c","echo hi"],"env":["PATH=C:\\Windows"],"cwd":"C:\\"},
 "root":{"path":""},"hostname":"",
 "annotations":{"io.kubernetes.cri.container-type":"container"},
 "windows":{"layerFolders":null,"network":{"allowUnqualifiedDNSQuery":true},"resources":{"cpu":{"count":2}}}}`

func start(t testing.TB, impl string) *adapter.Client {
	t.Helper()
	c, err := Start(impl)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

func TestImplementationsMatchAdapter(t *testing.T) {
	path, err := adapter.Locate("ocidiff-rust-adapter", "OCIDIFF_RUST_ADAPTER")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, "--list").Output()
	if err != nil {
		t.Fatalf("%s --list: %v", path, err)
	}
	var listed []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var h struct{ Judge, Version string }
		if err := json.Unmarshal([]byte(line), &h); err != nil {
			t.Fatalf("--list line %q: %v", line, err)
		}
		impl, ok := strings.CutPrefix(h.Judge, "rust/")
		if !ok || h.Version != "oci-spec "+strings.TrimPrefix(impl, "oci-spec@") {
			t.Errorf("--list line %q: judge and version disagree", line)
		}
		listed = append(listed, impl)
	}
	if diff := cmp.Diff(Implementations(), listed); diff != "" {
		t.Errorf("Implementations() differs from the adapter's --list (-want +got):\n%s", diff)
	}
}

func TestStart(t *testing.T) {
	for _, tc := range []struct{ impl, name, version string }{
		{"", "rust/oci-spec@0.10.0", "oci-spec 0.10.0"},
		{"oci-spec@0.10.0", "rust/oci-spec@0.10.0", "oci-spec 0.10.0"},
		{"oci-spec@0.6.0", "rust/oci-spec@0.6.0", "oci-spec 0.6.0"},
	} {
		c := start(t, tc.impl)
		if c.Name() != tc.name || c.Version() != tc.version || c.Kind() != parsers.Parser {
			t.Errorf("Start(%q): %q %q %v, want %q %q parser", tc.impl, c.Name(), c.Version(), c.Kind(), tc.name, tc.version)
		}
	}
	if _, err := Start("oci-spec@9.9.9"); err == nil || !strings.Contains(err.Error(), "oci-spec@0.6.0") {
		t.Errorf("Start(unknown): err = %v, want one listing the known releases", err)
	}
}

// TestFoundingCase records what each release does with containerd's
// Windows config, as observed: 0.10.0 reads "layerFolders": null as absent
// (and drops it when writing back), 0.6.0 refuses it, and refuses a missing
// layerFolders too.
func TestFoundingCase(t *testing.T) {
	type want struct {
		outcome parsers.Outcome
		class   string // for a reject
		model   string // for an accept
	}
	for _, tc := range []struct {
		name       string
		input      string
		v010, v0_6 want
	}{
		{"founding", founding,
			want{parsers.Accept, "", `{"ociVersion":"1.0.2","root":{"path":""},"windows":{}}`},
			want{parsers.Reject, "invalid type: null, expected a sequence", ""}},
		{"containerd windows", containerdWindows,
			want{parsers.Accept, "", `{"ociVersion":"1.0.2","root":{"path":""},
			  "process":{"user":{"uid":0,"gid":0,"username":"ContainerUser"},"args":["cmd","/c","echo hi"],"env":["PATH=C:\\Windows"],"cwd":"C:\\"},
			  "hostname":"","annotations":{"io.kubernetes.cri.container-type":"container"},
			  "windows":{"resources":{"cpu":{"count":2}},"network":{"allowUnqualifiedDNSQuery":true}}}`},
			want{parsers.Reject, "invalid type: null, expected a sequence", ""}},
		{"layerFolders missing", `{"ociVersion":"1.0.2","windows":{}}`,
			want{parsers.Accept, "", `{"ociVersion":"1.0.2","windows":{}}`},
			want{parsers.Reject, "missing field `layerFolders`", ""}},
		{"layerFolders empty", `{"ociVersion":"1.0.2","windows":{"layerFolders":[]}}`,
			want{parsers.Accept, "", `{"ociVersion":"1.0.2","windows":{"layerFolders":[]}}`},
			want{parsers.Accept, "", `{"ociVersion":"1.0.2","windows":{"layerFolders":[]}}`}},
	} {
		for impl, w := range map[string]want{"oci-spec@0.10.0": tc.v010, "oci-spec@0.6.0": tc.v0_6} {
			t.Run(tc.name+"/"+impl, func(t *testing.T) {
				v := start(t, impl).Judge([]byte(tc.input))
				if v.Outcome != w.outcome || v.Class != w.class {
					t.Fatalf("outcome %q class %q (error %q), want %q class %q", v.Outcome, v.Class, v.Error, w.outcome, w.class)
				}
				if w.outcome == parsers.Accept {
					var got, want any
					if err := json.Unmarshal(v.Model, &got); err != nil {
						t.Fatalf("model %s: %v", v.Model, err)
					}
					if err := json.Unmarshal([]byte(w.model), &want); err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("model (-want +got):\n%s", diff)
					}
				}
			})
		}
	}
}

// TestRejectionsSayWhere: the adapter places a refusal with a JSON pointer
// into the input, indices as written; a syntax error has no member to name.
func TestRejectionsSayWhere(t *testing.T) {
	for _, tc := range []struct{ input, at string }{
		{`{"ociVersion":"1.3.0","linux":{"resources":{"hugepageLimits":[{"pageSize":"2MB","limit":"x"}]}}}`,
			"/linux/resources/hugepageLimits/0/limit"},
		{`{"ociVersion":"1.0.2","mounts":[{"destination":"/a"},{"destination":7}]}`, "/mounts/1/destination"},
		{`{"ociVersion":"1.0.2","annotations":{"a/b~c":false}}`, "/annotations/a~1b~0c"},
		{`{"ociVersion":"1.0.2","mounts":[`, ""},
	} {
		for _, impl := range Implementations() {
			v := start(t, impl).Judge([]byte(tc.input))
			if v.Outcome != parsers.Reject || v.At != tc.at {
				t.Errorf("%s on %s: %s at %q (error %q), want reject at %q", impl, tc.input, v.Outcome, v.At, v.Error, tc.at)
			}
		}
	}
}

func BenchmarkRustPersistent(b *testing.B) {
	c := start(b, "")
	in := []byte(founding)
	b.ReportAllocs()
	for b.Loop() {
		if v := c.Judge(in); v.Outcome != parsers.Accept {
			b.Fatalf("verdict %+v", v)
		}
	}
}

func BenchmarkRustProcessPerInput(b *testing.B) {
	in := []byte(founding)
	b.ReportAllocs()
	for b.Loop() {
		c, err := Start("")
		if err != nil {
			b.Fatal(err)
		}
		if v := c.Judge(in); v.Outcome != parsers.Accept {
			b.Fatalf("verdict %+v", v)
		}
		if err := c.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
