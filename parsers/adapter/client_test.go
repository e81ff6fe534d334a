package adapter

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ocidiff/ocidiff/parsers"
)

func startFake(t *testing.T, timeout time.Duration, args ...string) *Client {
	t.Helper()
	c, err := Start(Config{Path: os.Args[0], Args: args, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// pidOf judges an input the fake accepts and returns the pid in its model:
// a new pid shows the client restarted the child.
func pidOf(t *testing.T, c *Client) int {
	t.Helper()
	v := c.Judge([]byte("ok"))
	if v.Outcome != parsers.Accept {
		t.Fatalf("Judge(ok) = %+v, want accept", v)
	}
	var m struct{ Pid, Len int }
	if err := json.Unmarshal(v.Model, &m); err != nil || m.Pid == 0 || m.Len != 2 {
		t.Fatalf("model %s: %v", v.Model, err)
	}
	return m.Pid
}

func TestHelloAndAccept(t *testing.T) {
	c := startFake(t, 0)
	if c.Name() != "fake/echo@1" || c.Version() != "fake 1" || c.Kind() != parsers.Parser {
		t.Errorf("Name, Version, Kind = %q, %q, %v", c.Name(), c.Version(), c.Kind())
	}
	if c.cfg.Timeout != defaultTimeout {
		t.Errorf("zero Timeout became %v, want %v", c.cfg.Timeout, defaultTimeout)
	}
	v := c.Judge(nil)
	if v.Judge != "fake/echo@1" || v.Version != "fake 1" || v.Outcome != parsers.Accept || v.Error != "" || v.Class != "" {
		t.Errorf("Judge(nil) = %+v", v)
	}
	if p1, p2 := pidOf(t, c), pidOf(t, c); p1 != p2 {
		t.Errorf("pid changed from %d to %d without a failure: the child is not long-lived", p1, p2)
	}
}

func TestVerdictsFromTheChild(t *testing.T) {
	c := startFake(t, 0)
	for _, tc := range []struct {
		input   string
		outcome parsers.Outcome
		class   string
		at      string
	}{
		{"reject", parsers.Reject, "invalid type: null, expected a sequence", ""},
		{"rejectat", parsers.Reject, "invalid type: null, expected a sequence", "/windows/layer~1Folders"},
		{"panic", parsers.Crash, "crash: panicked at src/lib.rs:N:N: index out of bounds: the len is N but the index is N", ""},
	} {
		pid := pidOf(t, c)
		v := c.Judge([]byte(tc.input))
		if v.Outcome != tc.outcome || v.Class != tc.class || v.At != tc.at {
			t.Errorf("Judge(%q) = %q class %q at %q, want %q class %q at %q", tc.input, v.Outcome, v.Class, v.At, tc.outcome, tc.class, tc.at)
		}
		// A crash the adapter caught itself leaves it serving: no restart.
		if got := pidOf(t, c); got != pid {
			t.Errorf("after %q the child was restarted (pid %d -> %d)", tc.input, pid, got)
		}
	}
}

func TestFailuresRestartTheChild(t *testing.T) {
	// The deadline also bounds each restart's hello, which a -race build
	// of the fake on a loaded machine can take more than 500ms to send.
	c := startFake(t, failTimeout)
	for _, tc := range []struct {
		input   string
		outcome parsers.Outcome
		class   string
		errHas  []string
	}{
		{"exit", parsers.Crash, "crash: exit status 3", []string{"died (exit status 3)", "input of 4 bytes", "fake: line two\nfatal: giving up", "on the first child: "}},
		{"signal", parsers.Crash, "crash: signal: terminated", []string{"died (signal: terminated)"}},
		{"midframe", parsers.Crash, "crash: exit status 4", []string{"unexpected EOF"}},
		{"garbage", parsers.Crash, "crash: protocol: answer is not a verdict object", []string{`"not json at all"`, "killed (signal: killed)"}},
		{"huge", parsers.Crash, "crash: protocol: answer frame over the protocol limit", []string{"4294967295"}},
		{"unknown", parsers.Crash, "crash: protocol: unknown outcome", []string{`"maybe"`}},
		{"nomodel", parsers.Crash, "crash: protocol: accept verdict without a model", nil},
		{"badat", parsers.Crash, "crash: protocol: at is not a JSON pointer", []string{`"windows"`}},
		{"acceptat", parsers.Crash, "crash: protocol: at in a verdict that is not a reject", nil},
		// Tried again on a fresh child with a longer deadline; both
		// failures are told.
		{"hang", parsers.Timeout, "timeout", []string{"no answer within " + (3 * failTimeout).String(), "on the first child", "no answer within " + failTimeout.String()}},
	} {
		t.Run(tc.input, func(t *testing.T) {
			before := pidOf(t, c)
			v := c.Judge([]byte(tc.input))
			if v.Outcome != tc.outcome || v.Class != tc.class {
				t.Errorf("Judge(%q) = %q class %q, want %q class %q", tc.input, v.Outcome, v.Class, tc.outcome, tc.class)
			}
			if v.Judge != "fake/echo@1" || v.Version != "fake 1" {
				t.Errorf("verdict names %q %q", v.Judge, v.Version)
			}
			for _, s := range tc.errHas {
				if !strings.Contains(v.Error, s) {
					t.Errorf("Error = %q, want it to contain %q", v.Error, s)
				}
			}
			if strings.Contains(v.Class, "pid") || strings.Contains(v.Class, os.Args[0]) {
				t.Errorf("class %q varies by run", v.Class)
			}
			if after := pidOf(t, c); after == before {
				t.Errorf("child not restarted after %q (pid %d)", tc.input, after)
			}
		})
	}
}

// TestTransientFailuresCostNoVerdict: a child that fails once on an input
// (killed from outside, dying, too slow on a loaded machine) is replaced
// and the input judged again, so the verdict is the fresh child's.
func TestTransientFailuresCostNoVerdict(t *testing.T) {
	c := startFake(t, 300*time.Millisecond)
	for _, tc := range []struct {
		name  string
		fault func(t *testing.T) []byte // causes the fault, returns the input
	}{
		{"killed from outside", func(t *testing.T) []byte {
			if err := syscall.Kill(pidOf(t, c), syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond) // let it die before the write
			return []byte("ok")
		}},
		{"dies the first time only", func(t *testing.T) []byte {
			return []byte("once:" + filepath.Join(t.TempDir(), "seen"))
		}},
		// Slower than the deadline, faster than retryFactor times it.
		{"misses the deadline once", func(t *testing.T) []byte { return []byte("slow:500ms") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := pidOf(t, c)
			in := tc.fault(t)
			v := c.Judge(in)
			if v.Outcome != parsers.Accept {
				t.Fatalf("Judge(%q) = %s (%s), want accept from a fresh child", in, v.Outcome, v.Error)
			}
			var m struct{ Pid, Len int }
			if err := json.Unmarshal(v.Model, &m); err != nil || m.Pid == before || m.Len != len(in) {
				t.Errorf("model %s: not the answer of a new child (old pid %d) to the input", v.Model, before)
			}
		})
	}
}

// TestRestartTriedTwice: after a failure the next input starts a child;
// a start that fails once (the new child killed before its hello) costs
// no verdict either.
func TestRestartTriedTwice(t *testing.T) {
	f := filepath.Join(t.TempDir(), "fail")
	c := startFake(t, 0, "failstart="+f)
	if v := c.Judge([]byte("exit")); v.Outcome != parsers.Crash {
		t.Fatalf("Judge(exit) = %s, want crash", v.Outcome)
	}
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	pidOf(t, c) // fails the test unless it accepts
	if _, err := os.Stat(f); err == nil {
		t.Error("the failing start never happened")
	}
}

// TestDiesWhileReading: a child that exits before reading a large input
// makes the client's write fail (broken pipe), not hang.
func TestDiesWhileReading(t *testing.T) {
	c := startFake(t, 0, "big=exit")
	v := c.Judge(make([]byte, 8<<20))
	if v.Outcome != parsers.Crash || v.Class != "crash: exit status 5" || !strings.Contains(v.Error, "fake: too big for me") {
		t.Errorf("verdict %+v", v)
	}
	pidOf(t, c)
}

func TestStartErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    Config
		errHas []string
	}{
		{"missing binary", Config{Path: "/nonexistent/adapter"}, []string{"/nonexistent/adapter", "no such file"}},
		{"exits before hello", Config{Path: os.Args[0], Args: []string{"hello=none"}}, []string{os.Args[0], "exit status 7", "fake: no hello today"}},
		{"garbage hello", Config{Path: os.Args[0], Args: []string{"hello=garbage"}}, []string{os.Args[0], `"hi there"`}},
		{"no hello in time", Config{Path: os.Args[0], Args: []string{"hello=hang"}, Timeout: 200 * time.Millisecond}, []string{"no hello frame within 200ms"}},
		{"protocol 1 hello", Config{Path: os.Args[0], Args: []string{`hello:{"judge":"fake/echo@1","version":"fake 1","protocol":1}`}},
			[]string{os.Args[0], `field "protocol" is 1, want 2`, "make build"}},
		{"hello without a library", Config{Path: os.Args[0], Args: []string{`hello:{"protocol":2,"judge":"j","version":"1","kind":"parser","language":"C","release":"1"}`}},
			[]string{os.Args[0], `field "library" is missing`}},
		{"hello of an unknown kind", Config{Path: os.Args[0], Args: []string{`hello:{"protocol":2,"judge":"j","version":"1","kind":"oracle","language":"C","library":"l","release":"1"}`}},
			[]string{os.Args[0], `field "kind"`, "oracle"}},
		{"hello of another kind than started as", Config{Path: os.Args[0], Args: []string{`hello:{"protocol":2,"judge":"j","version":"1","kind":"validator","language":"C","library":"l","release":"1"}`}},
			[]string{os.Args[0], `field "kind" is "validator"`, "as a parser"}},
		{"hello of the wrong JSON type", Config{Path: os.Args[0], Args: []string{`hello:{"protocol":"2"}`}},
			[]string{os.Args[0], "protocol"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Start(tc.cfg)
			if err == nil {
				c.Close()
				t.Fatal("Start succeeded")
			}
			for _, s := range tc.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

func TestHelloFacts(t *testing.T) {
	c := startFake(t, 0)
	want := Hello{Protocol: 2, Judge: "fake/echo@1", Version: "fake 1", Kind: "parser", Language: "Go", Library: "fake", Release: "1"}
	if c.Hello() != want {
		t.Errorf("Hello() = %+v, want %+v", c.Hello(), want)
	}
	entry := parsers.Descriptor{Name: "fake/echo@1", Kind: parsers.Parser, Language: "Go", Library: "fake", Release: "1"}
	if err := c.Hello().Matches(entry); err != nil {
		t.Errorf("Matches(an entry saying the same) = %v", err)
	}
	entry.Library, entry.Kind = "libfake", parsers.Validator
	err := c.Hello().Matches(entry)
	if err == nil || !strings.Contains(err.Error(), `library "fake" (entry: "libfake")`) || !strings.Contains(err.Error(), `kind "parser" (entry: "validator")`) {
		t.Errorf("Matches(an entry saying otherwise) = %v, want both differences named", err)
	}
}

func TestClose(t *testing.T) {
	c := startFake(t, 0)
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if v := c.Judge([]byte("ok")); v.Outcome != parsers.Crash || !strings.Contains(v.Error, "after Close") {
		t.Errorf("Judge after Close = %+v", v)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// Close after a failure, with no child running.
	c = startFake(t, 0)
	c.Judge([]byte("exit"))
	if err := c.Close(); err != nil {
		t.Errorf("Close after a crash: %v", err)
	}
}

// TestConcurrentUse checks that parallel callers are serialized (run with
// -race): each gets the answer to its own input.
func TestConcurrentUse(t *testing.T) {
	c := startFake(t, 0)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				in := strings.Repeat("x", 1+g*50+i)
				v := c.Judge([]byte(in))
				var m struct{ Len int }
				if err := json.Unmarshal(v.Model, &m); err != nil || m.Len != len(in) {
					t.Errorf("input of %d bytes: verdict %+v", len(in), v)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestTailIsBounded(t *testing.T) {
	var tl tail
	for i := range 5000 {
		tl.Write([]byte(strings.Repeat("y", i%7) + "\n"))
	}
	tl.Write([]byte("second to last\nlast\n"))
	if len(tl.buf) > tailKeep {
		t.Errorf("tail keeps %d bytes, limit %d", len(tl.buf), tailKeep)
	}
	if got := tl.lastLines(2); got != "second to last\nlast" {
		t.Errorf("lastLines(2) = %q", got)
	}
	tl.Write([]byte(strings.Repeat("z", 3*tailKeep)))
	if len(tl.buf) != tailKeep {
		t.Errorf("after a large write tail keeps %d bytes, want %d", len(tl.buf), tailKeep)
	}
}

func TestIsPointer(t *testing.T) {
	for s, want := range map[string]bool{
		"":                        true,
		"/":                       true,
		"/linux/resources/0/a~0b": true,
		"/a~1b":                   true,
		"a":                       false,
		"/a~":                     false,
		"/a~2":                    false,
	} {
		if got := isPointer(s); got != want {
			t.Errorf("isPointer(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestPipelined: inputs sent before their verdicts are waited for are
// answered in order, each with its own verdict, waited for in any order;
// a child that fails on one of them is replaced, that input judged again
// and the inputs sent after it judged by the new child, all without
// losing a verdict.
func TestPipelined(t *testing.T) {
	c := startFake(t, 300*time.Millisecond)
	seen := filepath.Join(t.TempDir(), "seen")
	inputs := []string{"a", "bb", "once:" + seen, "dddd", "reject", strings.Repeat("e", 20<<10), "ffffff", "exit", "g"}
	waits := make([]func() parsers.Verdict, len(inputs))
	for i, in := range inputs {
		waits[i] = c.Send([]byte(in))
	}
	order := []int{3, 0, 1, 2, 8, 4, 5, 7, 6}
	for _, i := range order {
		v := waits[i]()
		in := inputs[i]
		switch in {
		case "reject":
			if v.Outcome != parsers.Reject {
				t.Errorf("%q: %s (%s), want reject", in, v.Outcome, v.Error)
			}
		case "exit":
			if v.Outcome != parsers.Crash || !strings.Contains(v.Error, "on the first child") {
				t.Errorf("%q: %s (%s), want a crash seen twice", in, v.Outcome, v.Error)
			}
		default:
			var m struct{ Len int }
			if err := json.Unmarshal(v.Model, &m); v.Outcome != parsers.Accept || err != nil || m.Len != len(in) {
				t.Errorf("input %d (%d bytes): %s %s (%s), want its own accept", i, len(in), v.Outcome, v.Model, v.Error)
			}
		}
	}
	if v := c.Judge([]byte("after")); v.Outcome != parsers.Accept {
		t.Errorf("after the pipeline: %s (%s)", v.Outcome, v.Error)
	}
}
