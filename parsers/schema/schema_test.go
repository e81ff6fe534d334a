package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
)

// founding is what containerd writes for a Windows container: a null
// layerFolders and an empty root path. Go accepts it; the schema does not.
const founding = `{"ociVersion":"1.0.2","process":{"user":{"uid":0,"gid":0},"args":["cmd"],"cwd":"C:\\"},"root":{"path":""},"windows":{"layerFolders":null}}`

func judges(t testing.TB) []parsers.Judge {
	t.Helper()
	v6, err := New()
	if err != nil {
		t.Fatal(err)
	}
	gjs, err := NewGoJSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	return []parsers.Judge{v6, gjs}
}

// TestFixtures runs the spec's own test fixtures: every good config must be
// valid and every bad one invalid, for both libraries.
func TestFixtures(t *testing.T) {
	js := judges(t)
	for _, kind := range []string{"good", "bad"} {
		paths, err := specmod.Fixtures(kind)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range js {
				v := j.Judge(data)
				name := kind + "/" + filepath.Base(p)
				if got, want := v.Accepted(), kind == "good"; got != want {
					t.Errorf("%s: %s: %s %q (class %q)", j.Name(), name, v.Outcome, v.Error, v.Class)
				}
				if v.Outcome == parsers.Reject && (v.Class == "" || v.Error == "") {
					t.Errorf("%s: %s: reject without error or class: %+v", j.Name(), name, v)
				}
				t.Logf("%s: %s: %s [%s]", j.Name(), name, v.Outcome, v.Class)
			}
		}
	}
}

func TestJudges(t *testing.T) {
	tests := []struct {
		name  string
		input string
		// classes by judge; "" means accept. The document root is the
		// empty JSON pointer, so its failures read ":required".
		v6, gjs string
	}{
		{"founding", founding,
			"/windows/layerFolders:type", "/windows/layerFolders:type"},
		{"minimal", `{"ociVersion":"1.0.2","root":{"path":"rootfs"}}`, "", ""},
		{"no ociVersion", `{"root":{"path":"rootfs"}}`, ":required", ":required"},
		{"map key and index", `{"ociVersion":"1.0.2","linux":{"netDevices":{"eth0":{"name":23}}},"mounts":[{"destination":"/a"},{"destination":7}]}`,
			"/linux/netDevices/*/name:type /mounts/*/destination:type", "/linux/netDevices/*/name:type /mounts/*/destination:type"},
		// defs.json's ArrayOfUint32 ("$ref": "#definitions/uint32") is
		// applied by both libraries (v6 through RefFragmentAsPointer).
		{"additionalGids", `{"ociVersion":"1.0.2","process":{"cwd":"/","user":{"uid":0,"gid":0,"additionalGids":[1,"x",-1]}}}`,
			"/process/user/additionalGids/*:minimum /process/user/additionalGids/*:type", "/process/user/additionalGids/*:minimum /process/user/additionalGids/*:type"},
		// v6 refuses data after the JSON value; gojsonschema's loader,
		// like runc's decoder, ignores it.
		{"trailing data", `{"ociVersion":"1.0.2","root":{"path":"rootfs"}} x`, "invalid JSON: invalid character after top-level value", ""},
		// Both read JSON with encoding/json: the last duplicate wins.
		{"duplicate name", `{"ociVersion":1,"ociVersion":"1.0.2"}`, "", ""},
		{"empty", ``, "invalid JSON: EOF", "invalid JSON: EOF"},
		{"null", `null`, ":type", ":type"},
		{"array", `[]`, ":type", ":type"},
		{"garbage", "\x00garbage", "invalid JSON: invalid character '…' looking for beginning of value", "invalid JSON: invalid character '…' looking for beginning of value"},
		{"invalid UTF-8", "\xff{}", "invalid JSON: invalid character '…' looking for beginning of value", "invalid JSON: invalid character '…' looking for beginning of value"},
		{"100000-deep nesting", `{"x-deep":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`,
			"invalid JSON: invalid character '…' exceeded max depth", "invalid JSON: invalid character '…' exceeded max depth"},
	}
	js := judges(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, want := range []string{tt.v6, tt.gjs} {
				j := js[i]
				v := j.Judge([]byte(tt.input))
				if v.Judge != j.Name() || v.Version != j.Version() || v.Model != nil {
					t.Errorf("%s: verdict %+v", j.Name(), v)
				}
				switch {
				case want == "" && v.Outcome != parsers.Accept:
					t.Errorf("%s: %s %q (class %q), want accept", j.Name(), v.Outcome, v.Error, v.Class)
				case want != "" && (v.Outcome != parsers.Reject || v.Class != want):
					t.Errorf("%s: %s class %q (error %q), want reject class %q", j.Name(), v.Outcome, v.Class, v.Error, want)
				}
			}
		})
	}
}

func TestHuge(t *testing.T) {
	big := `{"ociVersion":"1.0.2","root":{"path":"rootfs"},"annotations":{"k":"` + strings.Repeat("x", 50<<20) + `"}}`
	for _, j := range judges(t) {
		if v := j.Judge([]byte(big)); v.Outcome != parsers.Accept {
			t.Errorf("%s: 50 MB valid config: %s %.200s", j.Name(), v.Outcome, v.Error)
		}
		if v := j.Judge([]byte(big[:len(big)-2])); v.Outcome != parsers.Reject || !strings.HasPrefix(v.Class, invalidJSON) {
			t.Errorf("%s: 50 MB truncated config: %s %q", j.Name(), v.Outcome, v.Class)
		}
	}
}

// TestUpstreamSchemaAsWritten records why New needs its workarounds: the
// v1.3.0 schema files, read literally, do not compile in jsonschema/v6. If
// a new runtime-spec release fixes them, this test says so.
func TestUpstreamSchemaAsWritten(t *testing.T) {
	tests := []struct {
		ws   []Workaround
		want string
	}{
		{nil, "config-vm.json#/vm\" is not valid against metaschema"},
		{[]Workaround{DefaultDraft4}, "defs.json#definitions/uint32\" not found"},
		{[]Workaround{RefFragmentAsPointer}, "config-vm.json#/vm\" is not valid against metaschema"},
	}
	for _, tt := range tests {
		_, err := NewWith(tt.ws...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewWith(%v): err = %v, want one containing %q", tt.ws, err, tt.want)
		}
	}
	j, err := NewWith(Workarounds...)
	if err != nil {
		t.Fatal(err)
	}
	rw := j.(*judge).v.(*v6).rewrites
	if len(rw) != 1 || !strings.Contains(rw[0], `defs.json /definitions/ArrayOfUint32/items/$ref: "#definitions/uint32" -> "#/definitions/uint32"`) {
		t.Errorf("RefFragmentAsPointer rewrote %q, want only defs.json's ArrayOfUint32 item", rw)
	}
	if !strings.Contains(j.Version(), "workarounds: default-draft-04, ref-fragment-as-pointer") {
		t.Errorf("version %q does not list the workarounds", j.Version())
	}
	if _, err := NewWith("no-such"); err == nil {
		t.Error("NewWith accepted an unknown workaround")
	}
}

func TestNames(t *testing.T) {
	js := judges(t)
	for i, name := range []string{"schema/jsonschema-v6", "schema/gojsonschema"} {
		j := js[i]
		if j.Name() != name || j.Kind() != parsers.Validator {
			t.Errorf("judge %d: %s %v", i, j.Name(), j.Kind())
		}
		if !strings.Contains(j.Version(), "runtime-spec schema v1.") || !strings.Contains(j.Version(), "github.com/") {
			t.Errorf("%s: version %q", name, j.Version())
		}
	}
}

func TestMissingModule(t *testing.T) {
	t.Setenv(specmod.EnvDir, t.TempDir())
	if _, err := New(); err == nil {
		t.Error("New succeeded without a schema")
	}
	if _, err := NewGoJSONSchema(); err == nil {
		t.Error("NewGoJSONSchema succeeded without a schema")
	}
}

// TestIOMemsTuple records a flaw of the v1.3.0 schema that both libraries
// agree on: config-vm.json gives vm.hwConfig.iomems "items": [ {$ref} ], a
// draft-04 tuple, so only the first entry is checked; a second entry missing
// its required members passes. (specs-go reads iomems as a list of
// VMHWConfigIOMem, all alike.)
func TestIOMemsTuple(t *testing.T) {
	const head = `{"ociVersion":"1.0.2","root":{"path":"rootfs"},"vm":{"kernel":{"path":"/k"},"hwConfig":{"iomems":`
	bad0 := head + `[{"firstGFN":1}]}}}`
	bad1 := head + `[{"firstMFN":1,"nrMFNs":1},{"firstGFN":1}]}}}`
	for _, j := range judges(t) {
		if v := j.Judge([]byte(bad0)); v.Outcome != parsers.Reject || !strings.Contains(v.Class, "/vm/hwConfig/iomems/*:required") {
			t.Errorf("%s: first iomems entry without firstMFN: %s [%s]", j.Name(), v.Outcome, v.Class)
		}
		if v := j.Judge([]byte(bad1)); v.Outcome != parsers.Accept {
			t.Errorf("%s: second iomems entry without firstMFN: %s [%s]; has the schema been fixed?", j.Name(), v.Outcome, v.Class)
		}
	}
}
