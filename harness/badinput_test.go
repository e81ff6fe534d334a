package harness_test

import (
	"bytes"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/registry"
)

// TestBadInput sends every judge inputs that are not config files at all.
// Each must come back with a verdict from every judge: the engine must not
// panic, hang or lose a judge.
func TestBadInput(t *testing.T) {
	names, err := registry.Names("all")
	if err != nil {
		t.Fatal(err)
	}
	e, err := registry.Engine("all")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()

	big := append([]byte(`{"ociVersion":"1.0.2","annotations":{"k":"`), bytes.Repeat([]byte("x"), 50<<20)...)
	big = append(big, `"}}`...)
	tests := []struct {
		name  string
		input []byte
	}{
		{"empty", nil},
		{"null", []byte("null")},
		{"array", []byte("[]")},
		{"garbage", []byte{0x00, 0xff, 0xfe, 0x7f, 0x80, '{', 0x01}},
		{"invalid utf-8 in a string", []byte("{\"ociVersion\":\"1.0.\xff\"}")},
		{"NUL inside", []byte("{\"ociVersion\":\"1.0.2\"}\x00{}")},
		{"50 MB", big},
		{"deep nesting", append(bytes.Repeat([]byte("["), 100000), bytes.Repeat([]byte("]"), 100000)...)},
		{"deep nesting in a member", append(append([]byte(`{"annotations":`), bytes.Repeat([]byte(`{"a":`), 100000)...), bytes.Repeat([]byte("}"), 100001)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Check(tt.input)
			if len(r.Verdicts) != len(names) {
				t.Fatalf("%d verdicts for %d judges", len(r.Verdicts), len(names))
			}
			for i, v := range r.Verdicts {
				if v.Judge != names[i] {
					t.Errorf("verdict %d is from %q, want %q", i, v.Judge, names[i])
				}
				switch v.Outcome {
				case parsers.Accept, parsers.Reject, parsers.Crash, parsers.Timeout:
				default:
					t.Errorf("%s: outcome %q is not an outcome", v.Judge, v.Outcome)
				}
				if v.Outcome != parsers.Accept && v.Error == "" {
					t.Errorf("%s: %s without an error text", v.Judge, v.Outcome)
				}
				t.Logf("%s: %s %s", v.Judge, v.Outcome, harness.Reason(v, 100))
			}
		})
	}
}
