package gojson

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocidiff/ocidiff/parsers"
)

// The runc that go/runc-1.1@spec-1.0.2-dev stands for.
const debianRunc = "runc version 1.1.5+ds1"

// TestRealRunc11LoadOutcome runs Debian 12's runc 1.1.5 (`runc create`)
// on every corpus input, as minimized and as found, and every test config
// of the spec, and checks that go/runc-1.1@spec-1.0.2-dev reaches the same
// outcome of loading config.json: refused with the same message, loaded,
// or the nil-pointer panic. It logs how often go/decoder, the default Go
// judge on runtime-spec v1.3.0, does the same, for comparison.
//
// runc cannot get past loading here: its state directory (--root) lies
// under a regular file, so it stops at creating that directory, after
// loadSpec and the checks that follow it, before any container, cgroup
// or hook exists. That error, like validateProcessSpec's ("args must not
// be empty"), means runc loaded the config.
func TestRealRunc11LoadOutcome(t *testing.T) {
	if testing.Short() {
		t.Skip("runs runc on every input")
	}
	out, err := exec.Command("runc", "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), debianRunc) {
		t.Skipf("needs Debian 12's runc 1.1.5 (apt-get install runc): runc --version: %q, %v", out, err)
	}
	if os.Geteuid() != 0 {
		t.Skip("runc create needs root")
	}
	judges := []parsers.Judge{startPinned(t, "go/runc-1.1@spec-1.0.2-dev"), Decoder()}
	inputs := append(testInputs(t),
		testInput{"null", []byte("null")},
		testInput{"enableCMT of the wrong type", []byte(`{"linux":{"intelRdt":{"enableCMT":"yes"}}}`)},
		testInput{"ioPriority of the wrong type", []byte(`{"process":{"ioPriority":1}}`)},
	)
	dir := t.TempDir()
	guard := filepath.Join(dir, "not-a-directory")
	if err := os.WriteFile(guard, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	agree := make([]int, len(judges))
	var mismatches []string
	for i, in := range inputs {
		got := realRunc(t, dir, guard, i, in.data)
		for k, j := range judges {
			v := j.Judge(in.data)
			if sameLoadOutcome(got, v) {
				agree[k]++
			} else if k == 0 {
				mismatches = append(mismatches, fmt.Sprintf("%s: runc 1.1.5 %s; %s %s %q", in.name, got, j.Name(), v.Outcome, v.Error))
			}
		}
	}
	for k, j := range judges {
		t.Logf("%s matches real runc 1.1.5's load outcome on %d of %d inputs", j.Name(), agree[k], len(inputs))
	}
	for _, m := range mismatches {
		t.Error(m)
	}
}

// runcOutcome is what runc create did with config.json.
type runcOutcome struct {
	stage string // "refused" (while decoding), "loaded", or "panic" (in loadSpec)
	msg   string // runc's error, without "runc create failed: "
}

func (o runcOutcome) String() string { return fmt.Sprintf("%s (%q)", o.stage, o.msg) }

var logMsg = regexp.MustCompile(`level=error msg="((?:[^"\\]|\\.)*)"`)

func realRunc(t *testing.T, dir, guard string, i int, config []byte) runcOutcome {
	t.Helper()
	bundle := filepath.Join(dir, fmt.Sprintf("bundle-%d", i))
	if err := os.Mkdir(bundle, 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(bundle)
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "runc", "--root", filepath.Join(guard, "state"), "create", "--bundle", bundle, fmt.Sprintf("ocidiff-gojudges-%d", i))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("input %d: runc create succeeded, which the state-directory guard should prevent:\n%s", i, out)
	}
	s := string(out)
	if strings.HasPrefix(s, "panic: ") {
		if strings.Contains(s, "nil pointer dereference") && strings.Contains(s, "main.loadSpec(") {
			return runcOutcome{"panic", strings.SplitN(s, "\n", 2)[0]}
		}
		t.Fatalf("input %d: runc panicked elsewhere than in loadSpec:\n%s", i, s)
	}
	m := logMsg.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("input %d: no error message in runc's output (%v):\n%s", i, err, s)
	}
	msg, uerr := strconv.Unquote(`"` + m[1] + `"`)
	if uerr != nil {
		t.Fatalf("input %d: runc's message %s: %v", i, m[1], uerr)
	}
	msg = strings.TrimPrefix(msg, "runc create failed: ")
	if isDecodeError(msg) {
		return runcOutcome{"refused", msg}
	}
	return runcOutcome{"loaded", msg}
}

// isDecodeError tells the errors of json.Decoder.Decode, the only way
// runc 1.1's loadSpec fails on a readable file, from the errors of what
// comes after it.
func isDecodeError(msg string) bool {
	return strings.HasPrefix(msg, "json: ") || strings.HasPrefix(msg, "invalid character ") ||
		msg == "EOF" || msg == "unexpected EOF"
}

func sameLoadOutcome(o runcOutcome, v parsers.Verdict) bool {
	switch o.stage {
	case "panic":
		return v.Outcome == parsers.Crash && strings.Contains(v.Error, "nil pointer dereference")
	case "refused":
		return v.Outcome == parsers.Reject && promoted.ReplaceAllString(v.Error, ".") == o.msg
	}
	return v.Outcome == parsers.Accept
}

// promoted matches the name of specs-go's one embedded struct in the field
// path of an encoding/json type error. The judge's Go (1.26) names it
// ("…weightDevice.LinuxBlockIODevice.minor"); Debian built runc 1.1.5 with
// Go 1.19, whose message leaves it out ("…weightDevice.minor"). The
// decoding is the same; only the wording of the path changed.
var promoted = regexp.MustCompile(`\.LinuxBlockIODevice\.`)
