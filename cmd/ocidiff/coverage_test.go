package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ocidiff/ocidiff/harness/gen"
)

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

// TestCoverageOfTheWriter: the writer's cached inputs are counted by the
// Go form each left specs-go's fields in, from the values BuildGo builds
// of them: the empty input leaves the top-level fields nil or zero and
// reaches few of the field-forms; more inputs reach more.
func TestCoverageOfTheWriter(t *testing.T) {
	cache := t.TempDir()
	dir := filepath.Join(cache, "FuzzGoWriter")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte("go test fuzz v1\n[]byte("+strconv.Quote(string(data))+")\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reach := func() gen.GoReachReport {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run([]string{"coverage", "-json", "-corpus", "-", "-cache", cache}, nil, &out, &errb); code != exitAgree {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		var got struct{ Writer *gen.GoReachReport }
		if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.Writer == nil {
			t.Fatalf("no writer report in %s (%v)", out.String(), err)
		}
		return *got.Writer
	}
	seen := func(r gen.GoReachReport, form string) int {
		for _, f := range r.Forms {
			if f.Form == form {
				return f.Seen
			}
		}
		return -1
	}
	write("empty", nil)
	one := reach()
	if one.Inputs != 1 || seen(one, gen.GoNil) <= 0 || seen(one, gen.GoEmpty) != 0 || len(one.Missing) == 0 {
		t.Errorf("the empty input: %+v", one)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		data := make([]byte, 4<<10)
		for j := range data {
			data[j] = byte(r.Uint32())
		}
		write(fmt.Sprintf("r%03d", i), data)
	}
	more := reach()
	if more.Inputs != 301 || seen(more, gen.GoEmpty) <= 0 || len(more.Missing) >= len(one.Missing)/10 {
		t.Errorf("301 inputs reach no more than one: %d missing, was %d", len(more.Missing), len(one.Missing))
	}
}
