package repro

import (
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/parsers"
)

// TestMemberNames checks the places and names the standard-library types
// are cut to: every occurrence of a name counts, duplicates and the
// members before a syntax error included.
func TestMemberNames(t *testing.T) {
	for _, tc := range []struct {
		in    string
		place string
		want  []string
	}{
		{`{"root":{"path":"a"},"root":"x","ROOT":{"readonly":true}}`, "", []string{"root", "ROOT"}},
		{`{"root":{"path":"a"},"root":"x","ROOT":{"readonly":true}}`, "/ROOT", []string{"readonly"}},
		{`{"process":{"args":[{"a":1}],"env":[]}}`, "/process/args/*", []string{"a"}},
		{`{"hostname":"h","linux":{"sysctl":{"k":1} trailing`, "/linux/sysctl", []string{"k"}},
		{`[{"x":1}]`, "/*", []string{"x"}},
	} {
		got := memberNames([]byte(tc.in))[tc.place]
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: at %q: %q, want %q", tc.in, tc.place, got, tc.want)
		}
	}
}

// TestStdlibTypes checks what the generated package holds: the members the
// input names, in any letter case, the ones encoding/json writes back, and
// nothing else. TestReports (harness/report) builds and runs the programs
// against the recorded verdicts.
func TestStdlibTypes(t *testing.T) {
	for _, tc := range []struct {
		in       string
		has, not []string
	}{
		{`{"OCIVersion":"1"}`, []string{"Version string `json:\"ociVersion\"`", "package specs"}, []string{"Process", "Linux"}},
		{`{"process":{"cwd":"/"}}`, []string{"User User `json:\"user\"`", "UID uint32", "Cwd string"}, []string{"Capabilities"}},
		{`{"linux":{"devices":[{"fileMode":8630}]}}`, []string{`import "io/fs"`, "FileMode *fs.FileMode"}, []string{"Resources"}},
		{`{"linux":{"namespaces":[{"type":"pid"}]}}`, []string{"type LinuxNamespaceType string"}, nil},
		// specs-go embeds LinuxBlockIODevice, and encoding/json promotes
		// its members: a named field would read "major" as absent.
		{`{"linux":{"resources":{"blockIO":{"throttleReadIOPSDevice":[{"major":8}]}}}}`,
			[]string{"type LinuxThrottleDevice struct { LinuxBlockIODevice Rate uint64", "Major int64 `json:\"major\"`"},
			[]string{"LinuxBlockIODevice LinuxBlockIODevice"}},
	} {
		p, err := Stdlib(parsers.Verdict{Judge: "go/unmarshal", Version: "v"}, parsers.Descriptor{Name: "go/unmarshal", Repro: "go-unmarshal"}, []byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		src := strings.Join(strings.Fields(p.Files[0].Body), " ") // gofmt aligns fields
		for _, s := range tc.has {
			if !strings.Contains(src, s) {
				t.Errorf("%s: specs.go lacks %q:\n%s", tc.in, s, src)
			}
		}
		for _, s := range tc.not {
			if strings.Contains(src, s) {
				t.Errorf("%s: specs.go has %q, which the input does not reach:\n%s", tc.in, s, src)
			}
		}
		if strings.Contains(p.Files[1].Body, "github.com/") {
			t.Errorf("%s: main.go imports a module:\n%s", tc.in, p.Files[1].Body)
		}
	}
	if _, err := Stdlib(parsers.Verdict{Judge: "go/jsonv2"}, parsers.Descriptor{Name: "go/jsonv2", Repro: "go-jsonv2"}, nil); err == nil {
		t.Error("go/jsonv2 has no standard-library reproduction, but Stdlib made one")
	}
}
