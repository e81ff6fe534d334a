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
	fast, plain := 0, 0
	for name, m := range models {
		want, wantErr := decodeStd([]byte(m))
		got, gotErr := decodeModel([]byte(m))
		if !reflect.DeepEqual(got, want) || (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Errorf("%s: decodeModel gives %#v, %v; encoding/json gives %#v, %v", name, got, gotErr, want, wantErr)
		}
		if _, ok := decodeFast([]byte(m)); ok {
			fast++
		}
		if _, ok := decodePlain([]byte(m)); ok {
			plain++
		}
	}
	if fast < len(models)*9/10 || plain < len(models)*9/10 {
		t.Errorf("of %d models, only %d took the jsontext path and %d the plain one", len(models), fast, plain)
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
