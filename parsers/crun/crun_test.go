package crun

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocidiff/ocidiff/internal/modroot"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/adapter"
)

// founding is the config containerd writes for Windows containers: the
// case ocidiff was built around.
const founding = `{"ociVersion":"1.0.2","root":{"path":""},"windows":{"layerFolders":null}}`

func start(t testing.TB, version string) *adapter.Client {
	t.Helper()
	c, err := Start(version)
	if err != nil {
		t.Fatalf("Start(%q): %v", version, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// pins reads c-adapter/crun-versions: the judges the build makes, with the
// Debian versions of crun and of the JSON library each one links.
func pins(t *testing.T) map[string][]string {
	t.Helper()
	root, err := modroot.FromWorkingDir()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(root + "/c-adapter/crun-versions")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string][]string{}
	var order []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 6 {
			t.Fatalf("crun-versions: %q: want 6 fields", line)
		}
		m[fields[0]] = fields
		order = append(order, fields[0])
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(Versions, order); d != "" {
		t.Fatalf("Versions and c-adapter/crun-versions differ (-Versions +file):\n%s", d)
	}
	return m
}

func TestIdentity(t *testing.T) {
	for v, p := range pins(t) {
		t.Run(v, func(t *testing.T) {
			c := start(t, v)
			if got, want := c.Name(), "c/libocispec@crun-"+v; got != want {
				t.Errorf("Name() = %q, want %q", got, want)
			}
			if got := c.Kind(); got != parsers.Parser {
				t.Errorf("Kind() = %v, want %v", got, parsers.Parser)
			}
			h := c.Hello()
			if h.Language != "C" || h.Library != "libocispec" || h.Release != "crun "+v {
				t.Errorf("hello says language %q, library %q, release %q", h.Language, h.Library, h.Release)
			}
			// The version names the exact Debian packages the adapter
			// was linked from: crun's and its JSON library's.
			want := "libocispec in crun " + p[2] + " (Debian libcrun.a), " + p[3] + " " + p[4]
			if got := c.Version(); got != want {
				t.Errorf("Version() = %q, want %q", got, want)
			}
		})
	}
}

// A path given for one release that serves another is refused.
func TestStartChecksRelease(t *testing.T) {
	other, err := adapter.Locate(Program(Versions[0]), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvVar(Versions[1]), other)
	if c, err := Start(Versions[1]); err == nil {
		c.Close()
		t.Fatalf("Start(%q) with $%s=%s succeeded", Versions[1], EnvVar(Versions[1]), other)
	} else if !strings.Contains(err.Error(), other) || !strings.Contains(err.Error(), `release "crun `+Versions[0]+`"`) {
		t.Errorf("error %q does not name the path and the release it serves", err)
	}
}

// expect is what an input must yield: an outcome, and either the model
// (compared as JSON values) or a piece of the error text.
type expect struct {
	outcome parsers.Outcome
	model   string // for Accept: the expected re-serialized document
	errText string // for Reject and Crash: a substring of the message
}

func accept(model string) expect { return expect{outcome: parsers.Accept, model: model} }
func reject(text string) expect  { return expect{outcome: parsers.Reject, errText: text} }

// verdictTest is an input and what each crun release makes of it.
type verdictTest struct {
	name string
	in   []byte
	// want is keyed by crun version; "" stands for every version not
	// listed.
	want map[string]expect
}

func all(e expect) map[string]expect { return map[string]expect{"": e} }

func runVerdictTests(t *testing.T, tests []verdictTest) {
	t.Helper()
	for _, v := range Versions {
		c := start(t, v)
		for _, tt := range tests {
			t.Run(v+"/"+tt.name, func(t *testing.T) {
				want, ok := tt.want[v]
				if !ok {
					want = tt.want[""]
				}
				checkVerdict(t, c, v, tt.in, want)
			})
		}
	}
}

func checkVerdict(t *testing.T, c *adapter.Client, version string, in []byte, want expect) {
	t.Helper()
	got := c.Judge(in)
	if got.Outcome != want.outcome {
		t.Fatalf("crun %s: Judge(%.60q) = %s (error %q), want %s", version, in, got.Outcome, got.Error, want.outcome)
	}
	if got.Judge != Name(version) {
		t.Errorf("verdict names judge %q", got.Judge)
	}
	switch want.outcome {
	case parsers.Accept:
		if got.Error != "" {
			t.Errorf("accept with error %q", got.Error)
		}
		var g, w any
		if err := json.Unmarshal(got.Model, &g); err != nil {
			t.Fatalf("model %.200q is not JSON: %v", got.Model, err)
		}
		if err := json.Unmarshal([]byte(want.model), &w); err != nil {
			t.Fatalf("test model %q: %v", want.model, err)
		}
		if d := cmp.Diff(w, g); d != "" {
			t.Errorf("crun %s: Judge(%.60q) model mismatch (-want +got):\n%s", version, in, d)
		}
	default:
		if len(got.Model) != 0 {
			t.Errorf("%s with model %.200s", got.Outcome, got.Model)
		}
		if !strings.Contains(got.Error, want.errText) {
			t.Errorf("crun %s: Judge(%.60q) error = %q, want it to contain %q", version, in, got.Error, want.errText)
		}
	}
}

// TestLayerFolders pins what crun does with the founding input and its
// variants. The runtime-spec schema libocispec was generated from makes
// windows.layerFolders required, and libocispec reads a value of the wrong
// type (null, a string) as absent: so every release rejects what containerd
// writes, while it accepts an empty list. A non-string item becomes ""
// under yajl and the number's text under json-c.
func TestLayerFolders(t *testing.T) {
	missing := all(reject("Required field 'layerFolders' not present"))
	doc := func(windows string) []byte {
		return []byte(`{"ociVersion":"1.0.2","root":{"path":""},"windows":` + windows + `}`)
	}
	model := func(windows string) string {
		return `{"ociVersion":"1.0.2","root":{"path":""},"windows":` + windows + `}`
	}
	runVerdictTests(t, []verdictTest{
		{"founding", []byte(founding), missing},
		{"absent", doc(`{}`), missing},
		{"null", doc(`{"layerFolders":null}`), missing},
		{"string", doc(`{"layerFolders":"a"}`), missing},
		{"empty", doc(`{"layerFolders":[]}`), all(accept(model(`{"layerFolders":[]}`)))},
		{"one", doc(`{"layerFolders":["a"]}`), all(accept(model(`{"layerFolders":["a"]}`)))},
		{"two", doc(`{"layerFolders":["a","b"]}`), all(accept(model(`{"layerFolders":["a","b"]}`)))},
		{"number item", doc(`{"layerFolders":[1,"b"]}`), map[string]expect{
			"1.28": accept(model(`{"layerFolders":["1","b"]}`)),
			"":     accept(model(`{"layerFolders":["","b"]}`)),
		}},
	})
}

// TestReading pins how libocispec reads JSON where parsers are known to
// differ; each case is a behaviour of crun, not of the adapter. Where the
// releases differ, the cause is the move from yajl to json-c
// (containers/libocispec#171) in crun 1.28.
func TestReading(t *testing.T) {
	runVerdictTests(t, []verdictTest{
		// yajl_tree keeps both members and libocispec looks up the first;
		// json-c's object keeps the last, as encoding/json does.
		{"duplicate key", []byte(`{"ociVersion":"1.0.0","ociVersion":"2.0.0"}`), map[string]expect{
			"1.28": accept(`{"ociVersion":"2.0.0"}`),
			"":     accept(`{"ociVersion":"1.0.0"}`),
		}},
		{"duplicate uid", []byte(`{"ociVersion":"1","process":{"cwd":"/","user":{"uid":1000,"gid":0,"uid":0}}}`), map[string]expect{
			"1.28": accept(`{"ociVersion":"1","process":{"cwd":"/","user":{"uid":0,"gid":0}}}`),
			"":     accept(`{"ociVersion":"1","process":{"cwd":"/","user":{"uid":1000,"gid":0}}}`),
		}},
		// The C string ends at the escaped NUL.
		{"escaped NUL in string", []byte(`{"ociVersion":"1","hostname":"a\u0000b"}`),
			all(accept(`{"ociVersion":"1","hostname":"a"}`))},
		{"wrong type reads as absent", []byte(`{"ociVersion":5}`), all(reject("Required field 'ociVersion' not present"))},
		{"unknown key ignored", []byte(`{"ociVersion":"1","x":{"y":[1]}}`), all(accept(`{"ociVersion":"1"}`))},
		{"negative uid", []byte(`{"ociVersion":"1","process":{"cwd":"/","user":{"uid":-1,"gid":0}}}`),
			all(reject("Invalid value '-1' with type 'UID' for key 'uid'"))},
		{"fractional uid", []byte(`{"ociVersion":"1","process":{"cwd":"/","user":{"uid":1.5,"gid":0}}}`),
			all(reject("Invalid value '1.5' with type 'UID' for key 'uid'"))},
		// json_tokener_parse stops after the first value.
		{"trailing document", []byte(`{"ociVersion":"1"} {}`), map[string]expect{
			"1.28": accept(`{"ociVersion":"1"}`),
			"":     reject("trailing garbage"),
		}},
		{"trailing comma", []byte(`{"ociVersion":"1",}`), map[string]expect{
			"1.28": accept(`{"ociVersion":"1"}`),
			"":     reject("invalid object key"),
		}},
		// Both libraries skip comments.
		{"comment", []byte(`{"ociVersion":"1" /* c */}`), all(accept(`{"ociVersion":"1"}`))},
		// json-c does not validate UTF-8; yajl does.
		{"invalid UTF-8", []byte("{\"ociVersion\":\"\xff\"}"), map[string]expect{
			"1.28": accept(`{"ociVersion":"\ufffd"}`), // the raw byte, which Go reads as U+FFFD
			"":     reject("invalid bytes in UTF8 string"),
		}},
	})
}

// TestNullMapValueCrash pins a crash of crun 1.28's libocispec: its json-c
// parser accepts null as the value of a string map such as annotations
// (yajl's refused it) and stores a NULL string, on which its own generator
// then dies in strlen. The adapter says where it died; the judge reports a
// crash and goes on judging.
func TestNullMapValueCrash(t *testing.T) {
	in := []byte(`{"ociVersion":"1","annotations":{"a":null}}`)
	runVerdictTests(t, []verdictTest{
		{"null annotation", in, map[string]expect{
			"1.28": {outcome: parsers.Crash, errText: "generate_json (after parse_data accepted)"},
			"":     reject("Invalid value with type 'string' for key 'a'"),
		}},
		{"after", []byte(`{"ociVersion":"1"}`), all(accept(`{"ociVersion":"1"}`))},
	})
}

func nested(depth int) []byte {
	return append(bytes.Repeat([]byte("["), depth), bytes.Repeat([]byte("]"), depth)...)
}

// TestBadInput feeds inputs no config.json should be; each must get a
// verdict, and the judge must go on answering after each. json-c's errors
// in crun 1.28 carry no detail: "cannot parse the data" is all it says.
func TestBadInput(t *testing.T) {
	big := []byte(`{"ociVersion":"1.0.0","annotations":{"k":"` + strings.Repeat("x", 50<<20) + `"}}`)
	noDetail := reject("cannot parse the data")
	runVerdictTests(t, []verdictTest{
		{"empty", []byte{}, map[string]expect{"1.28": noDetail, "": reject("premature EOF")}},
		{"null", []byte(`null`), map[string]expect{"1.28": noDetail, "": reject("Required field 'ociVersion' not present")}},
		{"array", []byte(`[]`), all(reject("Required field 'ociVersion' not present"))},
		{"binary", []byte("\xff\xfe\x01\x02binary"), map[string]expect{"1.28": noDetail, "": reject("lexical error")}},
		// crun parses a NUL-terminated buffer: the document ends at the NUL.
		{"leading NUL", []byte("\x00{\"ociVersion\":\"1\"}"), map[string]expect{"1.28": noDetail, "": reject("premature EOF")}},
		{"trailing NUL and garbage", []byte("{\"ociVersion\":\"1.0.0\"}\x00garbage"), all(accept(`{"ociVersion":"1.0.0"}`))},
		{"50MB", big, all(accept(string(big)))},
		// json-c's tokener refuses nesting deeper than 32 levels.
		{"33 deep", nested(33), map[string]expect{"1.28": noDetail, "": reject("Required field 'ociVersion' not present")}},
		{"100000 deep", nested(100000), map[string]expect{"1.28": noDetail, "": reject("Required field 'ociVersion' not present")}},
	})
}

// TestDeepNestingCrash pins a crash of crun's parser up to 1.21:
// yajl_tree_free frees nested values recursively, so a document nested
// deeper than the stack allows kills the process. With an 8 MiB stack the
// limit lies between 261,718 and 262,500 levels (about 512 KiB of input),
// and crun 1.8.1 itself dies with SIGSEGV loading such a config.json. crun
// 1.28's json-c refuses it at 33 levels. The judge must report a crash and
// then judge the next input normally.
func TestDeepNestingCrash(t *testing.T) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_STACK, &lim); err != nil {
		t.Fatalf("getrlimit: %v", err)
	}
	// 1,000,000 levels overflow any stack up to about 30 MiB.
	if lim.Cur > 16<<20 { // RLIM_INFINITY included
		t.Skipf("stack limit %d is too large for 1,000,000 levels to overflow it", lim.Cur)
	}
	runVerdictTests(t, []verdictTest{
		{"1000000 deep", nested(1000000), map[string]expect{
			"1.28": reject("cannot parse the data"),
			"":     {outcome: parsers.Crash, errText: "fatal signal in runtime_spec_schema_config_schema_parse_data"},
		}},
		{"after crash", []byte(`{"ociVersion":"1"}`), all(accept(`{"ociVersion":"1"}`))},
	})
}

func BenchmarkCrun(b *testing.B) {
	for _, v := range Versions {
		b.Run(v, func(b *testing.B) {
			c := start(b, v)
			in := []byte(founding)
			if got := c.Judge(in); got.Outcome != parsers.Reject {
				b.Fatalf("founding input: %s %s, want reject", got.Outcome, got.Error)
			}
			for b.Loop() {
				c.Judge(in)
			}
		})
	}
}
