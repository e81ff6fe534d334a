package adapter_test

import (
	"bufio"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/parsers/adapter"
	"github.com/ocidiff/ocidiff/parsers/crun"
	"github.com/ocidiff/ocidiff/parsers/gojson"
)

// realAdapters lists every adapter program `make build` leaves, as the
// judges' packages name them, so that a new build is checked here too.
func realAdapters(t *testing.T) []string {
	t.Helper()
	var paths []string
	add := func(name, env string) {
		p, err := adapter.Locate(name, env)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	add("ocidiff-rust-adapter", "OCIDIFF_RUST_ADAPTER")
	for _, v := range crun.Versions {
		add(crun.Program(v), crun.EnvVar(v))
	}
	seen := map[string]bool{}
	for _, name := range gojson.Pinned() {
		file, env, err := gojson.Adapter(name)
		if err != nil {
			t.Fatal(err)
		}
		if !seen[file] {
			seen[file] = true
			add(file, env)
		}
	}
	return paths
}

// Every real adapter's hellos (its --list) and its verdicts on a few
// inputs are what protocol.schema.json says.
func TestRealAdaptersFollowTheSchema(t *testing.T) {
	inputs := []string{
		`{"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":{"user":{"uid":0,"gid":0},"cwd":"/","args":["sh"]}}`,
		`{"ociVersion":"1.3.0","linux":{"resources":{"hugepageLimits":[{"pageSize":"2MB","limit":"x"}]}}}`,
		`{"ociVersion":"1.0.2","process":{"args":"sh"}}`,
		`null`,
		`{"ociVersion":`,
	}
	outcomes := map[string]int{}
	withAt := 0
	for _, path := range realAdapters(t) {
		out, err := exec.Command(path, "--list").Output()
		if err != nil {
			t.Fatalf("%s --list: %v", path, err)
		}
		var impls []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if err := adapter.ValidateFrame(t, "hello", []byte(line)); err != nil {
				t.Errorf("%s --list: %s: %v", path, line, err)
			}
			var h adapter.Hello
			if err := json.Unmarshal([]byte(line), &h); err != nil {
				t.Fatalf("%s --list: %s: %v", path, line, err)
			}
			impls = append(impls, implArg(h.Judge))
		}
		for i, impl := range impls {
			// The C adapters serve one judge and take no argument.
			var args []string
			if len(impls) > 1 {
				args = []string{impl}
			}
			cmd := exec.Command(path, args...)
			stdin, _ := cmd.StdinPipe()
			stdout, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			r, w := bufio.NewReader(stdout), bufio.NewWriter(stdin)
			hello, err := adapter.ReadFrame(r)
			if err != nil {
				t.Fatalf("%s %s: hello: %v", path, impl, err)
			}
			// The hello frame is the --list line, byte for byte but the newline.
			if want := strings.Split(strings.TrimSpace(string(out)), "\n")[i]; string(hello) != want {
				t.Errorf("%s %s: hello frame %s, --list said %s", path, impl, hello, want)
			}
			for _, in := range inputs {
				if err := adapter.WriteFrame(w, []byte(in)); err != nil {
					t.Fatal(err)
				}
				v, err := adapter.ReadFrame(r)
				if err != nil {
					t.Fatalf("%s %s on %s: %v", path, impl, in, err)
				}
				if err := adapter.ValidateFrame(t, "verdict", v); err != nil {
					t.Errorf("%s %s on %s: verdict %.300s: %v", path, impl, in, v, err)
				}
				var a struct{ Outcome, At *string }
				if err := json.Unmarshal(v, &a); err != nil {
					t.Fatalf("%s %s on %s: %v", path, impl, in, err)
				}
				if a.Outcome != nil {
					outcomes[*a.Outcome]++
				}
				if a.At != nil {
					withAt++
				}
			}
			stdin.Close()
			if err := cmd.Wait(); err != nil {
				t.Errorf("%s %s: exit: %v", path, impl, err)
			}
		}
	}
	// Without an accept, a reject and a placed reject among them, the
	// schema's branches for those would go unchecked against real output.
	if outcomes["accept"] == 0 || outcomes["reject"] == 0 || withAt == 0 {
		t.Errorf("outcomes %v, %d verdicts with at: the inputs no longer cover accept, reject and at", outcomes, withAt)
	}
}

// implArg is the argument that selects judge's implementation: the Rust
// adapter's "oci-spec@0.6.0", the Go adapter's "runc-1.1".
func implArg(judge string) string {
	_, rest, _ := strings.Cut(judge, "/")
	if r, _, ok := strings.Cut(rest, "@spec-"); ok {
		return r
	}
	return rest
}
