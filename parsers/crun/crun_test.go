package crun

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/adapter"
)

// founding is the config containerd writes for Windows containers: the
// case ocidiff was built around.
const founding = `{"ociVersion":"1.0.2","root":{"path":""},"windows":{"layerFolders":null}}`

func start(t testing.TB) *adapter.Client {
	t.Helper()
	c, err := Start()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestIdentity(t *testing.T) {
	c := start(t)
	if got, want := c.Name(), "c/libocispec@crun-1.8.1"; got != want {
		t.Errorf("Name() = %q, want %q", got, want)
	}
	if got := c.Kind(); got != parsers.Parser {
		t.Errorf("Kind() = %v, want %v", got, parsers.Parser)
	}
	// The version names the Debian package the adapter was linked against.
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "crun").Output()
	if err != nil {
		t.Fatalf("dpkg-query crun: %v", err)
	}
	want := "libocispec in crun " + string(out) + " (Debian libcrun.a)"
	if got := c.Version(); got != want {
		t.Errorf("Version() = %q, want %q", got, want)
	}
}

// verdictTest is what an input must yield: an outcome, and either the model
// (compared as JSON values) or a piece of the error text.
type verdictTest struct {
	name    string
	in      []byte
	outcome parsers.Outcome
	model   string // for Accept: the expected re-serialized document
	errText string // for Reject: a substring of the library's message
}

func runVerdictTests(t *testing.T, c *adapter.Client, tests []verdictTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := c.Judge(tt.in)
			if v.Outcome != tt.outcome {
				t.Fatalf("Judge(%.60q) = %s (error %q), want %s", tt.in, v.Outcome, v.Error, tt.outcome)
			}
			if v.Judge != "c/libocispec@crun-1.8.1" {
				t.Errorf("verdict names judge %q", v.Judge)
			}
			switch tt.outcome {
			case parsers.Accept:
				if v.Error != "" {
					t.Errorf("accept with error %q", v.Error)
				}
				var got, want any
				if err := json.Unmarshal(v.Model, &got); err != nil {
					t.Fatalf("model %.200q is not JSON: %v", v.Model, err)
				}
				if err := json.Unmarshal([]byte(tt.model), &want); err != nil {
					t.Fatalf("test model %q: %v", tt.model, err)
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("Judge(%.60q) model mismatch (-want +got):\n%s", tt.in, d)
				}
			case parsers.Reject:
				if len(v.Model) != 0 {
					t.Errorf("reject with model %.200s", v.Model)
				}
				if !strings.Contains(v.Error, tt.errText) {
					t.Errorf("Judge(%.60q) error = %q, want it to contain %q", tt.in, v.Error, tt.errText)
				}
			}
		})
	}
}

// TestLayerFolders pins what crun 1.8.1 does with the founding input and
// its variants. The runtime-spec schema libocispec was generated from makes
// windows.layerFolders required, and libocispec reads a value of the wrong
// type (null, a string) as absent: so crun rejects what containerd writes,
// while it accepts an empty list, and silently turns a non-string item
// into "".
func TestLayerFolders(t *testing.T) {
	const missing = "Required field 'layerFolders' not present"
	doc := func(windows string) []byte {
		return []byte(`{"ociVersion":"1.0.2","root":{"path":""},"windows":` + windows + `}`)
	}
	model := func(windows string) string {
		return `{"ociVersion":"1.0.2","root":{"path":""},"windows":` + windows + `}`
	}
	runVerdictTests(t, start(t), []verdictTest{
		{name: "founding", in: []byte(founding), outcome: parsers.Reject, errText: missing},
		{name: "absent", in: doc(`{}`), outcome: parsers.Reject, errText: missing},
		{name: "null", in: doc(`{"layerFolders":null}`), outcome: parsers.Reject, errText: missing},
		{name: "string", in: doc(`{"layerFolders":"a"}`), outcome: parsers.Reject, errText: missing},
		{name: "empty", in: doc(`{"layerFolders":[]}`), outcome: parsers.Accept, model: model(`{"layerFolders":[]}`)},
		{name: "one", in: doc(`{"layerFolders":["a"]}`), outcome: parsers.Accept, model: model(`{"layerFolders":["a"]}`)},
		{name: "two", in: doc(`{"layerFolders":["a","b"]}`), outcome: parsers.Accept, model: model(`{"layerFolders":["a","b"]}`)},
		{name: "number item", in: doc(`{"layerFolders":[1,"b"]}`), outcome: parsers.Accept, model: model(`{"layerFolders":["","b"]}`)},
	})
}

// TestReading pins how libocispec reads JSON where parsers are known to
// differ; each case is a behaviour of crun, not of the adapter.
func TestReading(t *testing.T) {
	runVerdictTests(t, start(t), []verdictTest{
		// yajl_tree keeps both members and libocispec looks up the first;
		// encoding/json keeps the last.
		{name: "duplicate key", in: []byte(`{"ociVersion":"1.0.0","ociVersion":"2.0.0"}`),
			outcome: parsers.Accept, model: `{"ociVersion":"1.0.0"}`},
		// The C string ends at the escaped NUL.
		{name: "escaped NUL in string", in: []byte(`{"ociVersion":"1","hostname":"a\u0000b"}`),
			outcome: parsers.Accept, model: `{"ociVersion":"1","hostname":"a"}`},
		{name: "wrong type reads as absent", in: []byte(`{"ociVersion":5}`),
			outcome: parsers.Reject, errText: "Required field 'ociVersion' not present"},
		{name: "unknown key ignored", in: []byte(`{"ociVersion":"1","x":{"y":[1]}}`),
			outcome: parsers.Accept, model: `{"ociVersion":"1"}`},
		{name: "negative uid", in: []byte(`{"ociVersion":"1","process":{"cwd":"/","user":{"uid":-1,"gid":0}}}`),
			outcome: parsers.Reject, errText: "Invalid value '-1' with type 'UID' for key 'uid'"},
		{name: "fractional uid", in: []byte(`{"ociVersion":"1","process":{"cwd":"/","user":{"uid":1.5,"gid":0}}}`),
			outcome: parsers.Reject, errText: "Invalid value '1.5' with type 'UID' for key 'uid'"},
		{name: "trailing document", in: []byte(`{"ociVersion":"1"} {}`),
			outcome: parsers.Reject, errText: "trailing garbage"},
	})
}

func nested(depth int) []byte {
	return append(bytes.Repeat([]byte("["), depth), bytes.Repeat([]byte("]"), depth)...)
}

// TestBadInput feeds inputs no config.json should be; each must get a
// verdict, and the judge must go on answering after each.
func TestBadInput(t *testing.T) {
	big := []byte(`{"ociVersion":"1.0.0","annotations":{"k":"` + strings.Repeat("x", 50<<20) + `"}}`)
	runVerdictTests(t, start(t), []verdictTest{
		{name: "empty", in: []byte{}, outcome: parsers.Reject, errText: "premature EOF"},
		{name: "null", in: []byte(`null`), outcome: parsers.Reject, errText: "Required field 'ociVersion' not present"},
		{name: "array", in: []byte(`[]`), outcome: parsers.Reject, errText: "Required field 'ociVersion' not present"},
		{name: "binary", in: []byte("\xff\xfe\x01\x02binary"), outcome: parsers.Reject, errText: "lexical error"},
		{name: "invalid UTF-8", in: []byte("{\"ociVersion\":\"\xff\"}"), outcome: parsers.Reject,
			errText: "invalid bytes in UTF8 string"},
		// crun parses a NUL-terminated buffer: the document ends at the NUL.
		{name: "leading NUL", in: []byte("\x00{\"ociVersion\":\"1\"}"), outcome: parsers.Reject, errText: "premature EOF"},
		{name: "trailing NUL and garbage", in: []byte("{\"ociVersion\":\"1.0.0\"}\x00garbage"),
			outcome: parsers.Accept, model: `{"ociVersion":"1.0.0"}`},
		{name: "50MB", in: big, outcome: parsers.Accept, model: string(big)},
		{name: "100000 deep", in: nested(100000), outcome: parsers.Reject, errText: "Required field 'ociVersion' not present"},
	})
}

// TestDeepNestingCrash pins a crash of crun's parser: yajl_tree_free frees
// nested values recursively, so a document nested deeper than the stack
// allows kills the process. With an 8 MiB stack the limit lies between
// 261,718 and 262,500 levels (about 512 KiB of input), and crun 1.8.1 itself
// dies with SIGSEGV loading such a config.json. The judge must report a
// crash and then judge the next input normally.
func TestDeepNestingCrash(t *testing.T) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_STACK, &lim); err != nil {
		t.Fatalf("getrlimit: %v", err)
	}
	// 1,000,000 levels overflow any stack up to about 30 MiB.
	if lim.Cur > 16<<20 { // RLIM_INFINITY included
		t.Skipf("stack limit %d is too large for 1,000,000 levels to overflow it", lim.Cur)
	}
	runVerdictTests(t, start(t), []verdictTest{
		{name: "1000000 deep", in: nested(1000000), outcome: parsers.Crash},
		{name: "after crash", in: []byte(`{"ociVersion":"1"}`), outcome: parsers.Accept, model: `{"ociVersion":"1"}`},
	})
}

func BenchmarkCrun(b *testing.B) {
	c := start(b)
	in := []byte(founding)
	if v := c.Judge(in); v.Outcome != parsers.Reject {
		b.Fatalf("founding input: %s %s, want reject", v.Outcome, v.Error)
	}
	for b.Loop() {
		c.Judge(in)
	}
}
