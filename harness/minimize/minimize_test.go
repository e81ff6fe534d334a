package minimize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

const bigConfig = `{
  "ociVersion": "1.3.0",
  "process": {"terminal": true, "user": {"uid": 0, "gid": 0},
    "args": ["sh", "-c", "echo hello"], "env": ["PATH=/usr/bin", "TERM=xterm"], "cwd": "/"},
  "root": {"path": "", "readonly": true},
  "hostname": "mrsdalloway",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
  "annotations": {"io.kubernetes.cri.sandbox-namespace": "kube-system",
    "microsoft.com/hostprocess-container": "true"},
  "windows": {"layerFolders": null, "resources": {"memory": {}}, "network": {}}
}`

func TestMinimize(t *testing.T) {
	tests := []struct {
		name  string
		input string
		keep  func([]byte) bool
		want  string
	}{
		{
			name:  "layerFolders null",
			input: bigConfig,
			keep:  contains(`"layerFolders":null`),
			want:  `{"windows":{"layerFolders":null}}`,
		},
		{
			name:  "two conditions",
			input: bigConfig,
			keep:  foundingForm,
			want:  `{"root":{"path":""},"windows":{"layerFolders":null}}`,
		},
		{
			name:  "duplicate keys preserved",
			input: `{"ociVersion":"1.0.0","root":{"path":"rootfs"},"process":{"cwd":"/"},"ociVersion":"1.3.0"}`,
			keep:  duplicateKey("ociVersion"),
			want:  `{"ociVersion":"","ociVersion":""}`,
		},
		{
			name:  "key case and escapes as written",
			input: `{ "OCIVersion" : "1.0.0", "root": {"path": "\u0072ootfs"}, "hostname": "h" }`,
			keep:  all(contains(`"OCIVersion"`), contains(`\u0072`)),
			want:  `{"OCIVersion":"","root":{"path":"\u0072"}}`,
		},
		{
			name:  "number spelling kept",
			input: `{"process":{"user":{"uid":4294967296,"gid":0},"cwd":"/"}}`,
			keep:  contains(`4294967296`),
			want:  `{"process":{"user":{"uid":4294967296}}}`,
		},
		{
			name:  "invalid UTF-8 inside a string keeps the tree",
			input: "{\"hostname\":\"ab\xffcd\",\"ociVersion\":\"1.0.0\"}",
			keep:  contains("\xff"),
			want:  "{\"hostname\":\"\xff\"}",
		},
		{
			name:  "trailing document kept, trimmed",
			input: "\ufeff{\"ociVersion\": \"1.0.0\", \"root\": {}} {\"x\": 1}",
			keep:  all(contains("\ufeff"), contains("} {")),
			want:  "\ufeff{} {",
		},
		{
			name:  "not JSON falls back to bytes",
			input: "\xff\xfe{\"windows\": {\"layerFolders\": null,}} // junk",
			keep:  all(contains("\xff"), contains("null,")),
			want:  "\xffnull,",
		},
		{
			name:  "comment falls back to bytes",
			input: `{"windows": /* c */ {"layerFolders": null}}`,
			keep:  contains(`/*`),
			want:  `/*`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			keep := func(b []byte) bool { calls++; return tt.keep(b) }
			got := Minimize([]byte(tt.input), keep, 10000)
			if string(got) != tt.want {
				t.Errorf("Minimize(%.50q) = %q, want %q", tt.input, got, tt.want)
			}
			if !tt.keep(got) {
				t.Errorf("keep(%q) = false for the result", got)
			}
			if calls >= 10000 {
				t.Errorf("used the whole budget (%d calls)", calls)
			}
		})
	}
}

func TestMinimizeBudget(t *testing.T) {
	for _, budget := range []int{0, 1, 5, 20} {
		calls := 0
		keep := func(b []byte) bool { calls++; return bytes.Contains(b, []byte("layerFolders")) }
		got := Minimize([]byte(bigConfig), keep, budget)
		if calls > budget {
			t.Errorf("budget %d: keep called %d times", budget, calls)
		}
		if !bytes.Contains(got, []byte("layerFolders")) {
			t.Errorf("budget %d: result %q lost the property", budget, got)
		}
		if budget == 0 && string(got) != bigConfig {
			t.Errorf("budget 0: result %q, want the input unchanged", got)
		}
	}
}

func TestMinimizeDeterministic(t *testing.T) {
	keep := func(b []byte) bool {
		var v map[string]any
		return json.Unmarshal(b, &v) == nil && strings.Count(string(b), `"`) >= 6
	}
	first := Minimize([]byte(bigConfig), keep, 500)
	for i := 0; i < 3; i++ {
		if got := Minimize([]byte(bigConfig), keep, 500); !bytes.Equal(got, first) {
			t.Fatalf("run %d = %q, first run = %q", i, got, first)
		}
	}
	if len(first) >= len(bigConfig) {
		t.Errorf("no reduction: %q", first)
	}
}

// TestMinimizeKeepGetsFreshSlices checks that keep may hold on to the
// slices it is given: none is written after the call.
func TestMinimizeKeepGetsFreshSlices(t *testing.T) {
	type seen struct{ b, copy []byte }
	var all []seen
	keep := func(b []byte) bool {
		all = append(all, seen{b, bytes.Clone(b)})
		return bytes.Contains(b, []byte("null"))
	}
	Minimize([]byte(bigConfig), keep, 1000)
	Minimize([]byte("xxnullxx garbage"), keep, 1000)
	for _, s := range all {
		if !bytes.Equal(s.b, s.copy) {
			t.Fatalf("slice passed to keep changed afterwards: %q -> %q", s.copy, s.b)
		}
	}
}

// foundingForm holds when the document reads, to encoding/json, as having
// windows.layerFolders null and root.path "" — whatever the spacing.
func foundingForm(b []byte) bool {
	var v struct {
		Root    *struct{ Path *string }
		Windows map[string]json.RawMessage
	}
	if json.Unmarshal(b, &v) != nil || v.Root == nil || v.Root.Path == nil || *v.Root.Path != "" {
		return false
	}
	lf, ok := v.Windows["layerFolders"]
	return ok && string(lf) == "null"
}

// FuzzMinimize checks the contract on any input: the result satisfies
// keep, is no longer than the input, and keep is called within budget;
// and the same for Isolate.
func FuzzMinimize(f *testing.F) {
	f.Add([]byte(bigConfig), byte('a'))
	f.Add([]byte(`[0,{"a":[1,2]},"ab\u0061"]`), byte('a'))
	f.Add([]byte("\xff\x00{}"), byte(0))
	f.Fuzz(func(t *testing.T, input []byte, c byte) {
		want := bytes.Count(input, []byte{c})
		calls := 0
		keep := func(b []byte) bool { calls++; return bytes.Count(b, []byte{c}) >= want }
		got := Minimize(input, keep, 300)
		if bytes.Count(got, []byte{c}) < want {
			t.Fatalf("Minimize(%q) = %q lost the property", input, got)
		}
		if len(got) > len(input) {
			t.Fatalf("Minimize(%q) = %q is longer", input, got)
		}
		if calls > 300 {
			t.Fatalf("%d calls, budget 300", calls)
		}
		// Isolate keeps the same contract, except that grafting the
		// skeleton may make the input longer.
		calls = 0
		got = Isolate(input, keep, testSkeleton, 300)
		if bytes.Count(got, []byte{c}) < want {
			t.Fatalf("Isolate(%q) = %q lost the property", input, got)
		}
		if calls > 300 {
			t.Fatalf("Isolate: %d calls, budget 300", calls)
		}
	})
}

func contains(s string) func([]byte) bool {
	return func(b []byte) bool { return bytes.Contains(b, []byte(s)) }
}

func all(fs ...func([]byte) bool) func([]byte) bool {
	return func(b []byte) bool {
		for _, f := range fs {
			if !f(b) {
				return false
			}
		}
		return true
	}
}

func duplicateKey(k string) func([]byte) bool {
	return func(b []byte) bool { return bytes.Count(b, []byte(fmt.Sprintf("%q:", k))) >= 2 }
}

func BenchmarkMinimize(b *testing.B) {
	keep := foundingForm
	input := []byte(bigConfig)
	for b.Loop() {
		Minimize(input, keep, 5000)
	}
}
