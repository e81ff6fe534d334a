package parsers

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"invalid type: null, expected a sequence at line 1 column 45", "invalid type: null, expected a sequence"},
		{"invalid type: null, expected struct LinuxMemory at line 1 column 45", "invalid type: null, expected struct …"},
		{"invalid length 0, expected struct LinuxCpu with 12 elements at line 1 column 9", "invalid length N, expected struct … with N elements"},
		{`unknown variant "foo", expected one of "a"`, `unknown variant "…", expected one of "…"`},
		{"json: cannot unmarshal number -1 into Go struct field User.process.user.uid of type uint32",
			"json: cannot unmarshal … into Go struct field User.process.user.uid of type uint32"},
		{"invalid UTF-8 in string", "invalid UTF-8 in string"},
		{"parse error: trailing garbage at offset 17", "parse error: trailing garbage at offset N"},
		{"layerFolders[3] too long", "layerFolders[*] too long"},
		{"/mounts/0/options: wrong", "/mounts/*/options: wrong"},
		{"  spaced  out  ", "spaced out"},
		{"cannot parse the data: lexical error: invalid bytes in UTF8 string.\n    {\"linux\":null\n   (right here) ------^\n",
			"cannot parse the data: lexical error: invalid bytes in UTF8 string."},
		{"no variant for CAP_SYS_ADMIN_X (converted to SYS_ADMIN_X) at line 1 column 58", "no variant for … (converted to …)"},
		{"no variant for \x00 (converted to \x00) at line 1 column 66", "no variant for … (converted to …)"},
		{"missing field `layerFolders` at line 1 column 9", "missing field `layerFolders`"},
		{"unknown variant `fooBar`, expected one of `pid`, `network`", "unknown variant `…`, expected one of `pid`, `network`"},
		{"invalid value: `a b`", "invalid value: `…`"},
		{"invalid type: boolean `true`, expected a sequence at line 1 column 4", "invalid type: …, expected a sequence"},
		{`invalid type: string "x,y", expected u32`, "invalid type: …, expected u32"},
		{"invalid type: map, expected a string", "invalid type: …, expected a string"},
		{"json: cannot unmarshal bool into Go struct field Linux.linux.sysctl of type map[string]string",
			"json: cannot unmarshal … into Go struct field Linux.linux.sysctl of type map[string]string"},
		{"json: unable to unmarshal JSON boolean into Go map[string]string within /linux/sysctl",
			"json: cannot unmarshal … into Go map[string]string within /linux/sysctl"},
		{"json: cannot unmarshal JSON number 5 into Go string within /ociVersion",
			"json: cannot unmarshal … into Go string within /ociVersion"},
	}
	for _, tt := range tests {
		if got := Classify(tt.in); got != tt.want {
			t.Errorf("Classify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Two errors that differ only by position and echoed value share a class.
	a := Classify(`invalid value "x" at line 3 column 9`)
	b := Classify(`invalid value "yy" at line 40 column 2`)
	if a != b {
		t.Errorf("classes differ by position: %q vs %q", a, b)
	}
}

// TestClassifyGates holds the rules' gates to skipping only rules that
// could not have matched: every error text the committed corpus records,
// and every line of them, is classed alike with the gates and without.
func TestClassifyGates(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("..", "corpus", "*", "case.json"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no corpus cases (%v)", err)
	}
	var texts []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && (k == "error" || k == "class") {
					texts = append(texts, strings.Split(s, "\n")...)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, c := range cases {
		data, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		walk(v)
	}
	if len(texts) < 1000 {
		t.Fatalf("only %d error texts in %d cases", len(texts), len(cases))
	}
	for _, s := range texts {
		if got, want := classifyGated(s, true), classifyGated(s, false); got != want {
			t.Errorf("gated class of %q = %q, ungated %q", s, got, want)
		}
	}
}
