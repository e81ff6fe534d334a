package minimize

import (
	"bytes"
	"encoding/json"
	"testing"
)

// testSkeleton is a small skeleton: a version, root with its path, and
// windows.layerFolders in a document for Windows.
var testSkeleton = Skeleton{
	Doc:      `{"ociVersion":"1.3.0","root":{"path":"rootfs"},"windows":{"layerFolders":["C:\\l"]}}`,
	Optional: [][]string{{"windows"}},
}

// valid stands in for the judges that accept only a document holding
// every member of testSkeleton (a non-empty layerFolders where windows is
// present) and no member of another type than the skeleton's.
func valid(b []byte) bool {
	var v struct {
		OCIVersion *string `json:"ociVersion"`
		Root       *struct {
			Path *string `json:"path"`
		} `json:"root"`
		Windows *struct {
			LayerFolders []string `json:"layerFolders"`
		} `json:"windows"`
	}
	if json.Unmarshal(b, &v) != nil || v.OCIVersion == nil || v.Root == nil || v.Root.Path == nil {
		return false
	}
	return v.Windows == nil || len(v.Windows.LayerFolders) > 0
}

// deviates stands in for a judge that stands apart on the cause: the
// document is valid but for one member that fails the check of a
// validator named cause.
func deviates(cause func([]byte) bool, rest func([]byte) bool) func([]byte) bool {
	return func(b []byte) bool { return cause(b) && rest(b) }
}

func parsesAsObject(b []byte) bool {
	var v map[string]json.RawMessage
	return json.Unmarshal(b, &v) == nil
}

func TestIsolate(t *testing.T) {
	tests := []struct {
		name  string
		input string
		keep  func([]byte) bool
		want  string
	}{
		{
			name:  "founding: the skeleton is grafted, the cause stays",
			input: bigConfig,
			keep:  deviates(contains(`"layerFolders":null`), parsesAsObject),
			want:  `{"ociVersion":"1.3.0","root":{"path":"rootfs"},"windows":{"layerFolders":null}}`,
		},
		{
			name:  "missing members are grafted",
			input: `{"windows":{"layerFolders":null}}`,
			keep:  deviates(contains(`"layerFolders":null`), parsesAsObject),
			want:  `{"ociVersion":"1.3.0","root":{"path":"rootfs"},"windows":{"layerFolders":null}}`,
		},
		{
			name:  "a skeleton member that is the cause stays absent",
			input: `{"root":{"path":"/r"},"hostname":"h"}`,
			keep:  func(b []byte) bool { return !bytes.Contains(b, []byte(`"ociVersion"`)) && parsesAsObject(b) },
			want:  `{"root":{"path":"rootfs"}}`,
		},
		{
			name:  "a skeleton member of the wrong type stays",
			input: `{"ociVersion":"1.0.2","root":[],"hostname":"h"}`,
			keep:  contains(`"root":[]`),
			want:  `{"ociVersion":"1.3.0","root":[]}`,
		},
		{
			name:  "an optional skeleton object goes when the cause is elsewhere",
			input: `{"windows":{"layerFolders":["a","b"],"network":{}},"hostname":"\u0000x","root":{"path":"/r"},"ociVersion":"1.0.0"}`,
			keep:  deviates(contains(`\u0000`), valid),
			want:  `{"ociVersion":"1.3.0","root":{"path":"rootfs"},"hostname":"\u0000"}`,
		},
		{
			name:  "skeleton members written twice are left as the input has them",
			input: `{"ociVersion":"1.0.0","root":{"path":"r"},"ociVersion":"1.1.0"}`,
			keep:  duplicateKey("ociVersion"),
			want:  `{"ociVersion":"","ociVersion":"","root":{"path":"rootfs"}}`,
		},
		{
			name:  "a member spelled another way keeps its place after the graft",
			input: `{"OCIVersion":"x","root":{"path":"r"}}`,
			keep:  contains(`"OCIVersion":"x"`),
			want:  `{"ociVersion":"1.3.0","root":{"path":"rootfs"},"OCIVersion":"x"}`,
		},
		{
			name:  "not an object: minimized as Minimize does",
			input: `[{"ociVersion":"1.0.0"},"a\u0000"]`,
			keep:  contains(`\u0000`),
			want:  `["\u0000"]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			keep := func(b []byte) bool { calls++; return tt.keep(b) }
			got := Isolate([]byte(tt.input), keep, testSkeleton, 10000)
			if string(got) != tt.want {
				t.Errorf("Isolate(%.60q)\n got  %s\n want %s", tt.input, got, tt.want)
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

// The same cause inside two different valid documents isolates to one
// input: whatever skeleton members, values and order the generator wrote.
func TestIsolateConverges(t *testing.T) {
	keep := deviates(contains(`"hostname":"\u0000"`), valid)
	inputs := []string{
		`{"hostname":"\u0000","ociVersion":"1.0.2","root":{"path":"/var/lib/rootfs","readonly":true}}`,
		`{"mounts":[{"destination":"/proc"}],"root":{"path":""},"annotations":{"a":"b"},"hostname":"\u0000","ociVersion":"1.1.0"}`,
		`{"hostname":"\u0000","windows":{"layerFolders":["C:\\a"]},"ociVersion":"1.3.0","root":{"path":"rootfs"}}`,
	}
	var first []byte
	for i, in := range inputs {
		got := Isolate([]byte(in), keep, testSkeleton, 10000)
		if i == 0 {
			first = got
			continue
		}
		if !bytes.Equal(got, first) {
			t.Errorf("input %d isolates to %s, input 0 to %s", i, got, first)
		}
	}
	if want := `{"ociVersion":"1.3.0","root":{"path":"rootfs"},"hostname":"\u0000"}`; string(first) != want {
		t.Errorf("isolated to %s, want %s", first, want)
	}
}

func TestIsolateBudget(t *testing.T) {
	for _, budget := range []int{0, 1, 2, 5, 20} {
		calls := 0
		keep := func(b []byte) bool { calls++; return bytes.Contains(b, []byte("layerFolders")) }
		got := Isolate([]byte(bigConfig), keep, testSkeleton, budget)
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
