package main

import "testing"

// TestFuzzCacheInput: a file of Go's fuzz corpus format gives its bytes,
// and each way of not being one says which.
func TestFuzzCacheInput(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{"go test fuzz v1\n[]byte(\"{\\\"a\\\":1}\")\n", `{"a":1}`, ""},
		{"go test fuzz v1\n[]byte(\"\\xff\\x00\")", "\xff\x00", ""},
		{"[]byte(\"x\")\n", "", `not a Go fuzz input (no "go test fuzz v1" line)`},
		{"go test fuzz v1\nstring(\"x\")\n", "", "not one []byte(...) value"},
		{"go test fuzz v1\n[]byte(\"x\"\n", "", "not one []byte(...) value"},
		{"go test fuzz v1\n[]byte(x)\n", "", "the []byte value: invalid syntax"},
	} {
		got, err := fuzzCacheInput([]byte(tc.in))
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("fuzzCacheInput(%q) error = %v, want %q", tc.in, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("fuzzCacheInput(%q): %v", tc.in, err)
		case tc.err == "" && string(got) != tc.want:
			t.Errorf("fuzzCacheInput(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
