package jsontree

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/internal/specmod"
)

func TestParseKeepsTokens(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"duplicate keys", `{"a": 1, "a": 2}`, `{"a":1,"a":2}`},
		{"key case", `{ "OCIVersion":"1", "ociVersion":"2" }`, `{"OCIVersion":"1","ociVersion":"2"}`},
		{"escapes as written", `{"\u006fciVersion": "\ud800\/"}`, `{"\u006fciVersion":"\ud800\/"}`},
		{"numbers as written", `[1E+2, 1.0, -0, 4294967296, 0x10, +1, NaN]`, `[1E+2,1.0,-0,4294967296,0x10,+1,NaN]`},
		{"invalid utf8 and raw control bytes", "[\"\xff\x00\xc0\x80\"]", "[\"\xff\x00\xc0\x80\"]"},
		{"nested", "{\"a\":[{},[],{\"b\":null}]}\n", `{"a":[{},[],{"b":null}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got := string(n.Bytes()); got != tt.want {
				t.Errorf("Parse(%q).Bytes() = %q, want %q", tt.in, got, tt.want)
			}
			if got := string(n.Clone().Bytes()); got != tt.want {
				t.Errorf("Clone().Bytes() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		``, `{`, `{"a"}`, `{"a":1,}`, `[1,]`, `{} {}`, `{}x`, "\ufeff{}", `{/*c*/}`,
		`{"a":1 "b":2}`, `"\x"`, `"\u12"`, `"abc`, `{a:1}`,
		strings.Repeat("[", MaxDepth+2) + strings.Repeat("]", MaxDepth+2),
	} {
		if n, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%.40q) = %q, want error", in, n.Bytes())
		}
	}
}

func TestParsePrefix(t *testing.T) {
	n, end, err := ParsePrefix([]byte(`{"a":1}  {}x`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(n.Bytes()); got != `{"a":1}` || end != 7 {
		t.Errorf("ParsePrefix = %q, %d; want {\"a\":1}, 7", got, end)
	}
}

// TestCompactMatchesEncodingJSON checks the round trip against the
// standard library on the runtime-spec's own example configs: for valid
// JSON, Bytes must equal json.Compact byte for byte.
func TestCompactMatchesEncodingJSON(t *testing.T) {
	good, err := specmod.Fixtures("good")
	if err != nil {
		t.Fatal(err)
	}
	bad, err := specmod.Fixtures("bad")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range append(good, bad...) {
		if filepath.Base(f) != "invalid-json.json" {
			files = append(files, f)
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkCompact(t, data)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"a":[1,"x",{"b":null}],"a":true}`))
	f.Add([]byte("[\"\\ud800\", 1e400]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if json.Valid(data) {
			checkCompact(t, data)
		}
	})
}

func checkCompact(t *testing.T, data []byte) {
	t.Helper()
	n, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(%.60q): %v, but encoding/json says valid", data, err)
	}
	var want bytes.Buffer
	if err := json.Compact(&want, data); err != nil {
		t.Fatal(err)
	}
	if got := n.Bytes(); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("Bytes() = %.80q, json.Compact = %.80q", got, want.Bytes())
	}
}
