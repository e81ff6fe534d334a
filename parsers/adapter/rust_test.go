package adapter

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/parsers"
)

// The real Rust adapter (bin/ocidiff-rust-adapter, built by `make build`)
// fed inputs that break naive readers: every one must get a verdict of its
// own, from the same long-lived child.
func TestRustAdapterBadInput(t *testing.T) {
	path, err := Locate("ocidiff-rust-adapter", "OCIDIFF_RUST_ADAPTER")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(rng.UintN(256))
	}
	bigAnnotation := `{"ociVersion":"1.0.2","annotations":{"a":"` + strings.Repeat("x", 50<<20) + `"}}`
	for _, impl := range []string{"oci-spec@0.10.0", "oci-spec@0.6.0"} {
		t.Run(impl, func(t *testing.T) {
			c, err := Start(Config{Path: path, Args: []string{impl}})
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := c.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			}()
			for _, tc := range []struct {
				name    string
				input   []byte
				outcome parsers.Outcome
				class   string // "" when not checked
			}{
				{"empty", nil, parsers.Reject, "EOF while parsing a value"},
				{"null", []byte("null"), parsers.Reject, "invalid type: null, expected struct …"},
				// serde's derived Deserialize reads a struct from an array too.
				{"empty array", []byte("[]"), parsers.Accept, ""},
				{"binary garbage", garbage, parsers.Reject, ""},
				{"invalid UTF-8 in a string", []byte("{\"ociVersion\":\"1.0.\xff\"}"), parsers.Reject, "invalid unicode code point"},
				{"NUL bytes", []byte("{\"ociVersion\":\"1.0.2\"}\x00\x00"), parsers.Reject, "trailing characters"},
				{"NUL in a string", []byte("{\"ociVersion\":\"1\x000\"}"), parsers.Reject, "control character (\\u0000-\\u001F) found while parsing a string"},
				{"50 MB input", []byte(bigAnnotation), parsers.Accept, ""},
				{"50 MB of whitespace", bytes.Repeat([]byte(" "), 50<<20), parsers.Reject, "EOF while parsing a value"},
				// The outer array is read as a Spec whose first field,
				// ociVersion, wants a string: refused at depth 2.
				{"100000 nested arrays", []byte(strings.Repeat("[", 100000) + strings.Repeat("]", 100000)), parsers.Reject, "invalid type: …, expected a string"},
				// An unknown field is skipped by serde_json's ignore_value,
				// a loop with no depth limit (and no recursion, so no stack
				// overflow): accepted, where encoding/json stops at depth
				// 10000.
				{"100000 nested objects in an unknown field", []byte(strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000)), parsers.Accept, ""},
				// In a typed field the type error comes first, at depth 4.
				{"100000 nested arrays in a known field", []byte(`{"process":{"args":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}}"), parsers.Reject, "invalid type: …, expected a string"},
			} {
				v := c.Judge(tc.input)
				if v.Outcome != tc.outcome || (tc.class != "" && v.Class != tc.class) {
					t.Errorf("%s: outcome %q class %q (error %.300q), want %q class %q", tc.name, v.Outcome, v.Class, v.Error, tc.outcome, tc.class)
				}
				if v.Judge != "rust/"+impl {
					t.Errorf("%s: judge %q", tc.name, v.Judge)
				}
				if tc.name == "50 MB input" && v.Outcome == parsers.Accept && len(v.Model) < 50<<20 {
					t.Errorf("50 MB input: model of %d bytes lost the annotation", len(v.Model))
				}
			}
		})
	}
}
