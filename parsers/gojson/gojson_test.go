package gojson

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/parsers"
)

// founding is what containerd writes for a Windows container: a null
// layerFolders and an empty root path. Go accepts it; the schema does not.
const founding = `{"ociVersion":"1.0.2","process":{"user":{"uid":0,"gid":0},"args":["cmd"],"cwd":"C:\\"},"root":{"path":""},"windows":{"layerFolders":null}}`

func judges() []parsers.Judge { return []parsers.Judge{Unmarshal(), Decoder(), V2()} }

// want is what one judge must say: its outcome and, if set, substrings
// of its class (for a reject) or of its model (for an accept).
type want struct {
	outcome parsers.Outcome
	has     []string
}

func acc(has ...string) want { return want{parsers.Accept, has} }
func rej(has ...string) want { return want{parsers.Reject, has} }

func TestJudges(t *testing.T) {
	tests := []struct {
		name  string
		input string
		// by judge name: go/unmarshal, go/decoder, go/jsonv2
		want map[string]want
	}{{
		name:  "founding",
		input: founding,
		want: map[string]want{
			"go/unmarshal": acc(`"layerFolders":null`, `"root":{"path":""}`),
			"go/decoder":   acc(`"layerFolders":null`, `"root":{"path":""}`),
			"go/jsonv2":    acc(`"layerFolders":null`, `"root":{"path":""}`),
		},
	}, {
		name:  "layerFolders string",
		input: `{"windows":{"layerFolders":"C:\\layers"}}`,
		want: map[string]want{
			"go/unmarshal": rej("cannot unmarshal … into Go struct field Windows.windows.layerFolders of type []string"),
			"go/decoder":   rej("cannot unmarshal … into Go struct field Windows.windows.layerFolders of type []string"),
			"go/jsonv2":    rej("cannot unmarshal … into Go []string within /windows/layerFolders"),
		},
	}, {
		name:  "uid negative",
		input: `{"process":{"user":{"uid":-1}}}`,
		want: map[string]want{
			"go/unmarshal": rej("cannot unmarshal … into Go struct field User.process.user.uid of type uint32"),
			"go/decoder":   rej("cannot unmarshal … into Go struct field User.process.user.uid of type uint32"),
			"go/jsonv2":    rej("cannot unmarshal … into Go uint32 within /process/user/uid"),
		},
	}, {
		name:  "map key and index become patterns",
		input: `{"linux":{"netDevices":{"eth0":{"name":23}}},"mounts":[{"destination":"/a"}]}`,
		want: map[string]want{
			"go/unmarshal": rej("LinuxNetDevice.linux.netDevices.name of type string"),
			"go/decoder":   rej("LinuxNetDevice.linux.netDevices.name of type string"),
			"go/jsonv2":    rej("within /linux/netDevices/*/name"),
		},
	}, {
		name:  "array index",
		input: `{"mounts":[{"destination":"/a"},{"options":[1]}]}`,
		want: map[string]want{
			"go/unmarshal": rej("Mount.mounts.options of type string"),
			"go/decoder":   rej("Mount.mounts.options of type string"),
			"go/jsonv2":    rej("within /mounts/*/options/*"),
		},
	}, {
		name:  "trailing data",
		input: `{"ociVersion":"1.0.0"} {"ociVersion":"9"}`,
		want: map[string]want{
			"go/unmarshal": rej("invalid character '…' after top-level value"),
			"go/decoder":   acc(`"ociVersion":"1.0.0"`),
			"go/jsonv2":    rej("after top-level value"),
		},
	}, {
		name:  "trailing garbage",
		input: `{}]`,
		want: map[string]want{
			"go/unmarshal": rej("after top-level value"),
			"go/decoder":   acc(`"ociVersion":""`),
			"go/jsonv2":    rej("after top-level value"),
		},
	}, {
		name:  "duplicate name",
		input: `{"ociVersion":"1.0.0","ociVersion":"1.0.2"}`,
		want: map[string]want{
			"go/unmarshal": acc(`"ociVersion":"1.0.2"`),
			"go/decoder":   acc(`"ociVersion":"1.0.2"`),
			"go/jsonv2":    rej("jsontext: duplicate object member name"),
		},
	}, {
		name:  "duplicate map key",
		input: `{"annotations":{"a":"1","a":"2"}}`,
		want: map[string]want{
			"go/unmarshal": acc(`"annotations":{"a":"2"}`),
			"go/decoder":   acc(`"annotations":{"a":"2"}`),
			"go/jsonv2":    rej("jsontext: duplicate object member name"),
		},
	}, {
		name:  "invalid UTF-8 in a string",
		input: "{\"hostname\":\"a\xffb\"}",
		want: map[string]want{
			"go/unmarshal": acc(`"hostname":"a` + "\ufffd" + `b"`),
			"go/decoder":   acc(`"hostname":"a` + "\ufffd" + `b"`),
			"go/jsonv2":    rej("jsontext: invalid UTF-8"),
		},
	}, {
		name:  "case-insensitive name",
		input: `{"OCIVERSION":"1.0.0"}`,
		want: map[string]want{
			"go/unmarshal": acc(`"ociVersion":"1.0.0"`),
			"go/decoder":   acc(`"ociVersion":"1.0.0"`),
			"go/jsonv2":    acc(`"ociVersion":""`),
		},
	}, {
		name:  "null",
		input: `null`,
		want: map[string]want{
			"go/unmarshal": acc(`"ociVersion":""`),
			"go/decoder":   rej("config cannot be null"),
			"go/jsonv2":    acc(`"ociVersion":""`),
		},
	}, {
		name:  "empty",
		input: ``,
		want: map[string]want{
			"go/unmarshal": rej("unexpected end of JSON input"),
			"go/decoder":   rej("EOF"),
			"go/jsonv2":    rej("unexpected EOF"),
		},
	}, {
		name:  "array",
		input: `[]`,
		want: map[string]want{
			"go/unmarshal": rej("cannot unmarshal … into Go value of type specs.Spec"),
			"go/decoder":   rej("cannot unmarshal … into Go value of type specs.Spec"),
			"go/jsonv2":    rej("cannot unmarshal … into Go specs.Spec"),
		},
	}, {
		name:  "garbage",
		input: "\x00\x01garbage",
		want: map[string]want{
			"go/unmarshal": rej("invalid character '…' looking for beginning of value"),
			"go/decoder":   rej("invalid character '…' looking for beginning of value"),
			"go/jsonv2":    rej("invalid character '…' at start of value"),
		},
	}, {
		name:  "invalid UTF-8 outside strings",
		input: "\xff\xfe{}",
		want: map[string]want{
			"go/unmarshal": rej("invalid character"),
			"go/decoder":   rej("invalid character"),
			"go/jsonv2":    rej("invalid"),
		},
	}, {
		name:  "100000-deep nesting in an unknown member",
		input: `{"x-deep":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`,
		want: map[string]want{
			"go/unmarshal": rej("exceeded max depth"),
			"go/decoder":   rej("exceeded max depth"),
			"go/jsonv2":    rej("exceeded max depth"),
		},
	}, {
		// v1 checks the whole input before decoding; v2 decodes as it
		// reads and meets the type error first.
		name:  "100000-deep nesting in a typed member",
		input: `{"annotations":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`,
		want: map[string]want{
			"go/unmarshal": rej("exceeded max depth"),
			"go/decoder":   rej("exceeded max depth"),
			"go/jsonv2":    rej("cannot unmarshal … into Go map[string]string within /annotations"),
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, j := range judges() {
				w, ok := tt.want[j.Name()]
				if !ok {
					t.Fatalf("no expectation for %s", j.Name())
				}
				check(t, j, []byte(tt.input), w)
			}
		})
	}
}

func check(t *testing.T, j parsers.Judge, input []byte, w want) {
	t.Helper()
	v := j.Judge(input)
	if v.Judge != j.Name() || v.Version != j.Version() {
		t.Errorf("%s: verdict names %q %q", j.Name(), v.Judge, v.Version)
	}
	if v.Outcome != w.outcome {
		t.Errorf("%s: outcome %s (error %q), want %s", j.Name(), v.Outcome, v.Error, w.outcome)
		return
	}
	switch v.Outcome {
	case parsers.Accept:
		if !json.Valid(v.Model) {
			t.Errorf("%s: model is not JSON: %.200s", j.Name(), v.Model)
		}
		if v.Error != "" || v.Class != "" {
			t.Errorf("%s: accept with error %q class %q", j.Name(), v.Error, v.Class)
		}
		for _, h := range w.has {
			if !bytes.Contains(v.Model, []byte(h)) {
				t.Errorf("%s: model %.300s lacks %s", j.Name(), v.Model, h)
			}
		}
	case parsers.Reject:
		if v.Error == "" || v.Model != nil {
			t.Errorf("%s: reject with error %q model %.100s", j.Name(), v.Error, v.Model)
		}
		for _, h := range w.has {
			if !strings.Contains(v.Class, h) {
				t.Errorf("%s: class %q lacks %q (error %q)", j.Name(), v.Class, h, v.Error)
			}
		}
	}
}

func TestHuge(t *testing.T) {
	// 50 MB: a config with one huge annotation, and the same cut short.
	big := `{"ociVersion":"1.0.2","annotations":{"k":"` + strings.Repeat("x", 50<<20) + `"}}`
	for _, j := range judges() {
		check(t, j, []byte(big), acc(`"ociVersion":"1.0.2"`))
		check(t, j, []byte(big[:len(big)-3]), rej())
	}
}

func TestClassesAreStable(t *testing.T) {
	// Two inputs with the same cause in different places and values must
	// share a class; that is what makes signatures deduplicate.
	pairs := [][2]string{
		{`{"process":{"user":{"uid":-1}}}`, `{"process":{"user":{"uid":-77}},"hostname":"h"}`},
		{`{"linux":{"netDevices":{"eth0":{"name":23}}}}`, `{"linux":{"netDevices":{"wlan9":{"name":1e9}}}}`},
		{`{"mounts":[{"options":[1]}]}`, `{"mounts":[{},{},{"options":["a",2]}]}`},
		{`{} x`, `{"ociVersion":"1"} y`},
		{`{"annotations":{"a":"1","a":"2"}}`, `{"annotations":{"b":"1","b":"2"}}`},
	}
	for _, p := range pairs {
		for _, j := range judges() {
			a, b := j.Judge([]byte(p[0])), j.Judge([]byte(p[1]))
			if a.Outcome == parsers.Reject && b.Outcome == parsers.Reject && a.Class != b.Class {
				t.Errorf("%s: %s -> %q but %s -> %q", j.Name(), p[0], a.Class, p[1], b.Class)
			}
		}
	}
}

func TestNames(t *testing.T) {
	for _, j := range judges() {
		if j.Kind() != parsers.Parser {
			t.Errorf("%s: kind %v", j.Name(), j.Kind())
		}
		if !strings.Contains(j.Version(), "github.com/opencontainers/runtime-spec v1.") || !strings.Contains(j.Version(), "encoding/json go1.") {
			t.Errorf("%s: version %q", j.Name(), j.Version())
		}
	}
	if v := V2().Version(); !strings.Contains(v, "github.com/go-json-experiment/json v") {
		t.Errorf("go/jsonv2 version %q lacks the go-json-experiment version", v)
	}
}

func TestPanicIsCrash(t *testing.T) {
	// No decoder is known to panic; the recovery is tested with one that does.
	j := &judge{name: "go/test", version: "v0", decode: func([]byte) (any, error) { panic("boom") }, classify: classifyV1}
	v := j.Judge([]byte(`{}`))
	if v.Outcome != parsers.Crash || v.Error != "panic: boom" || v.Judge != "go/test" {
		t.Errorf("verdict %+v, want a crash saying panic: boom", v)
	}
}
