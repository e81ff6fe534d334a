package harness

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/examples"
	"github.com/ocidiff/ocidiff/internal/modroot"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/gojson"
	"github.com/ocidiff/ocidiff/parsers/rust"
)

// TestDecodeModelFastPath: decodeModel gives what encoding/json's Decoder
// with UseNumber gives (the tree, or the error) for every model the Go and
// Rust judges write for the committed corpus's inputs and for models that
// take each way out of the fast path.
func TestDecodeModelFastPath(t *testing.T) {
	models := testModels(t)
	plain := 0
	for name, m := range models {
		want, wantErr := decodeStd([]byte(m))
		got, gotErr := decodeModel([]byte(m))
		if !reflect.DeepEqual(got, want) || (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Errorf("%s: decodeModel gives %#v, %v; encoding/json gives %#v, %v", name, got, gotErr, want, wantErr)
		}
		if _, ok := decodePlain([]byte(m)); ok {
			plain++
		}
	}
	if plain < len(models)*9/10 {
		t.Errorf("of %d models, only %d took the plain path", len(models), plain)
	}
}

// testModels are the models TestDecodeModelFastPath describes, by name.
func testModels(t *testing.T) map[string]string {
	t.Helper()
	models := map[string]string{
		"numbers as written":    `{"a":1,"b":1.0,"c":-0,"d":1e400,"e":12345678901234567890}`,
		"escapes":               `{"a\u0000b":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}`,
		"escapes, no surrogate": `{"a\u0000b":"\"\\\/\b\f\n\r\t\u00e9\uFFFD","c:\\":"C:\\"}`,
		"bad escapes":           `{"a":"\x"}`,
		"short escape":          `{"a":"\u00e"}`,
		"control character":     "{\"a\":\"\t\"}",
		"white space":           " { \"a\" : [ 1 , 2 ] ,\n\t\"b\":{ } } ",
		"bad numbers":           `{"a":01}`,
		"bad numbers 2":         `[-]`,
		"bad numbers 3":         `[1.]`,
		"bad numbers 4":         `[.5]`,
		"bad numbers 5":         `[1e]`,
		"bad numbers 6":         `[+1]`,
		"numbers":               `[-0.5e-3,0,1E+2,-12.25]`,
		"bad literals":          `[tru]`,
		"run-together literals": `[truefalse]`,
		"trailing comma":        `{"a":1,}`,
		"missing comma":         `[1 2]`,
		"missing colon":         `{"a" 1}`,
		"name not a string":     `{1:2}`,
		"nesting":               `{"a":[[],{},[{"b":[null,true,false]}]],"c":{}}`,
		"array":                 ` [1,"x",{}] `,
		"duplicate names":       `{"a":1,"b":{"c":1,"c":2},"a":3}`,
		"invalid UTF-8":         "{\"a\":\"\xff\xfe\"}",
		"unpaired surrogate":    `{"a":"\ud800","b":"\udc00x"}`,
		"trailing data":         `{"a":1} {"b":2}`,
		"trailing garbage":      `{"a":1}xyz`,
		"top-level number":      `12abc`,
		"top-level null":        `null`,
		"not JSON":              `{"a":}`,
		"truncated":             `{"a":[1,2`,
		"empty":                 ``,
		"deep":                  strings.Repeat(`{"a":`, 10001) + `1` + strings.Repeat(`}`, 10001),
		"deep but not too deep": strings.Repeat(`[`, 9000) + strings.Repeat(`]`, 9000),
	}
	root, err := modroot.FromWorkingDir()
	if err != nil {
		t.Fatal(err)
	}
	// A corpus case keeps no model: the Go and Rust judges write theirs
	// for every committed input, as they do in a check.
	inputs, err := filepath.Glob(filepath.Join(root, "corpus", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := rust.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	judges := []parsers.Judge{gojson.Unmarshal(), gojson.V2(), r}
	for _, in := range inputs {
		if filepath.Base(in) == "case.json" {
			continue
		}
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range judges {
			if v := j.Judge(data); v.Model != nil {
				models[in+" "+v.Judge] = string(v.Model)
			}
		}
	}
	if len(models) < 1000 {
		t.Fatalf("only %d models", len(models))
	}
	return models
}

// TestDecodeFolded: decoding and folding in one pass gives the tree that
// fold gives on encoding/json's, under every rule, every rule but one and
// none, for the models of TestDecodeModelFastPath and models a rule
// rewrites.
func TestDecodeFolded(t *testing.T) {
	models := testModels(t)
	for name, m := range map[string]string{
		"letter case":        `{"process":{"Cwd":"/x","args":["a"]},"Linux":{"sysctl":{"Net.x":"1"}}}`,
		"letter case, clash": `{"process":{"Cwd":null,"cwd":"/"}}`,
		"rust 0.6.0 names":   `{"linux":{"resources":{"blockIO":{"throttleWriteIopsDevice":[{"major":1,"minor":2,"rate":3}]}}}}`,
		"capability sets":    `{"process":{"capabilities":{"bounding":["B","A","A"],"effective":[],"x":["B","A"]}}}`,
		"dropped, then set":  `{"a":null,"a":1,"b":[],"c":{"d":0,"e":false,"f":""}}`,
		"set, then dropped":  `{"a":1,"a":null,"b":{"c":1},"b":{}}`,
		"emptied by folding": `{"linux":{"resources":{"memory":{"limit":0}}},"hooks":{"prestart":[]}}`,
		"annotations":        `{"annotations":{"":"","Process":null,"x":"y"}}`,
		"array of scalars":   `[0,false,"",null,{},[]]`,
	} {
		models[name] = m
	}
	sets := map[string][]Rule{"all": Rules(), "none": {}}
	for _, r := range rules {
		sets["all but "+r.Name] = slices.DeleteFunc(Rules(), func(x Rule) bool { return x.Name == r.Name })
	}
	plain := 0
	for setName, rs := range sets {
		for name, m := range models {
			want, wantErr := decodeStd([]byte(m))
			if wantErr == nil {
				want = fold(want, rs)
			}
			got, gotErr := decodeFolded([]byte(m), rs)
			if !reflect.DeepEqual(got, want) || (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
				t.Errorf("%s, rules %s: decodeFolded gives %#v, %v; encoding/json and fold give %#v, %v", name, setName, got, gotErr, want, wantErr)
			}
			if _, ok := decodePlainFolded([]byte(m), rs); ok && setName == "all" {
				plain++
			}
		}
	}
	if plain < len(models)*9/10 {
		t.Errorf("only %d of %d models were folded as they were decoded", plain, len(models))
	}
	for _, m := range []string{`{"process":{"Cwd":"/x"}}`, `{"Linux":{}}`} {
		if _, ok := decodePlainFolded([]byte(m), Rules()); ok {
			t.Errorf("%s was folded as it was decoded, though spec-names renames a member of it", m)
		}
	}
}

// BenchmarkDecodeModel: decodeModel against encoding/json alone, on the
// models go/unmarshal and the Rust judge write for the founding config.
func BenchmarkDecodeModel(b *testing.B) {
	r, err := rust.Start("")
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for _, j := range []parsers.Judge{gojson.Unmarshal(), r} {
		v := j.Judge([]byte(examples.Founding))
		if v.Model == nil {
			continue
		}
		b.Run(j.Name()+"/encoding-json", func(b *testing.B) {
			for b.Loop() {
				decodeStd(v.Model)
			}
		})
		b.Run(j.Name()+"/decodeModel", func(b *testing.B) {
			for b.Loop() {
				decodeModel(v.Model)
			}
		})
	}
}

// TestDuplicates: the members a text names twice, by pattern, whether the
// text passes jsontext's one-pass check (no duplicates) or not: names
// compared unescaped, as encoding/json compares them, and invalid UTF-8
// repaired first, which can make two names one.
func TestDuplicates(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`{"ociVersion":"1","root":{"path":"a"}}`, nil},
		{`{"root":{"path":"a","path":"b"}}`, []string{"/root/path"}},
		{`{"hostname":"a","hostnam\u0065":"b"}`, []string{"/hostname"}},
		{`{"mounts":[{"type":"a"},{"type":"b","type":"c"}]}`, []string{"/mounts/*/type"}},
		{"{\"annotations\":{\"\xff\":\"a\",\"\xfe\":\"b\"}}", []string{"/annotations/*"}},
		{`[1,2,{"a":1}]`, nil},
	} {
		got := duplicates([]byte(tc.in))
		if !slices.Equal(got, tc.want) {
			t.Errorf("duplicates(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
