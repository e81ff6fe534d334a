package repro

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMinimalRuns builds and runs each minimal program with the Go
// toolchain that built the test and checks that it prints the Output the
// report shows: encoding/json/v2's line is computed with the
// go-json-experiment module, and only a run of the standard library's
// copy can say the two agree.
func TestMinimalRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	for _, tc := range []struct {
		pointer, input string
		field, want    string
	}{
		{"/process/user/uid", `{"process":{"user":{"uid":-0,"gid":1000}}}`, "User.UID",
			"encoding/json:    error: json: cannot unmarshal number -0 into Go struct field .uid of type uint32\n"},
		{"/process/user/gid", `{"process":{"user":{"uid":-0,"gid":1000}}}`, "User.GID", "encoding/json:    {GID:1000}\n"},
		{"/linux/resources/pids/limit", `{"linux":{"resources":{"pids":{"limit":1e3}}}}`, "LinuxPids.Limit", ""},
		{"/mounts/1/destination", `{"mounts":[{"destination":"/a"},{"destination":"/b\u0000"}]}`, "Mount.Destination", ""},
		{"/linux/namespaces/0/type", `{"linux":{"namespaces":[{"type":"pid"}]}}`, "LinuxNamespace.Type", "encoding/json:    {Type:pid}\n"},
	} {
		m, err := MinimalFor(tc.pointer, []byte(tc.input))
		if err != nil {
			t.Errorf("%s: %v", tc.pointer, err)
			continue
		}
		if m.Field != tc.field || !strings.HasPrefix(m.Output, tc.want) {
			t.Errorf("%s: field %s, output %q; want %s, %q…", tc.pointer, m.Field, m.Output, tc.field, tc.want)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(m.Files[0].Body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module minimal\n\ngo 1.26\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(gobin, "run", ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOEXPERIMENT=jsonv2", "GOFLAGS=-mod=mod", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s: go run: %v\n%s\n%s", tc.pointer, err, out, m.Files[0].Body)
			continue
		}
		// encoding/json/v2 picks "cannot" or "unable to" at random,
		// once per process.
		same := strings.NewReplacer("unable to", "cannot")
		if same.Replace(string(out)) != same.Replace(m.Output) {
			t.Errorf("%s: the program printed\n%s\nthe report says it prints\n%s", tc.pointer, out, m.Output)
		}
	}
}

// TestMinimalForRefuses checks that members the minimal program cannot
// show alone are refused, so that the report falls back to the config.
func TestMinimalForRefuses(t *testing.T) {
	for _, p := range []string{"", "/process", "/process/args/0", "/mounts/0", "/nosuch", "/annotations/a"} {
		if m, err := MinimalFor(p, []byte(`{"process":{"args":["a"]},"mounts":[{}],"annotations":{"a":"b"}}`)); err == nil {
			t.Errorf("%q: got a minimal program for %s, want an error", p, m.Field)
		}
	}
}
