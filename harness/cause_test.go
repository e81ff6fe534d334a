package harness

import (
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ocidiff/ocidiff/parsers"
)

// descs describes the judges of the tables below as the registry does:
// one library for every release, one upstream project per library.
var descs = map[string]parsers.Descriptor{
	"go/unmarshal":         {Library: "specs-go/encoding-json", Upstream: parsers.Upstream{Name: "golang/go"}},
	"go/decoder":           {Library: "specs-go/encoding-json", Upstream: parsers.Upstream{Name: "golang/go"}},
	"go/jsonv2":            {Library: "specs-go/json-v2", Upstream: parsers.Upstream{Name: "go-json-experiment/json"}},
	"rust/oci-spec@0.10.0": {Library: "oci-spec-rs", Release: "0.10.0", Upstream: parsers.Upstream{Name: "oci-spec-rs"}},
	"rust/oci-spec@0.6.0":  {Library: "oci-spec-rs", Release: "0.6.0", Upstream: parsers.Upstream{Name: "oci-spec-rs"}},
	"c/new":                {Library: "libocispec", Release: "new", Upstream: parsers.Upstream{Name: "libocispec"}},
	"c/old":                {Library: "libocispec", Release: "old", Upstream: parsers.Upstream{Name: "libocispec"}},
	"schema/v6":            {Library: "schema/v6", Kind: parsers.Validator, Upstream: parsers.Upstream{Name: "jsonschema"}},
	"schema/gojs":          {Library: "schema/gojs", Kind: parsers.Validator, Upstream: parsers.Upstream{Name: "gojsonschema"}},
}

func schemaReject(judge string, msg string, causes ...string) parsers.Verdict {
	v := reject(judge, causes[0])
	v.Error, v.Causes = msg, causes
	return v
}

// causeLines are the causes as a table compares them.
func causeLines(cs []Cause) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Instance()+" by "+c.Library+" "+slices.Concat(c.Judges, c.Releases)[0])
	}
	return out
}

func TestCauses(t *testing.T) {
	const founding = `{"ociVersion":"1.3.0","root":{"path":""},"windows":{"layerFolders":null}}`
	goModel := `{"ociVersion":"1.3.0"}`
	tests := []struct {
		name     string
		input    string
		verdicts []parsers.Verdict
		diffs    bool // compare the models with the engine first
		want     []string
	}{{
		name:  "the founding case: libocispec and the schema refuse null",
		input: founding,
		verdicts: []parsers.Verdict{
			accept("go/unmarshal", goModel), accept("go/jsonv2", goModel), accept("rust/oci-spec@0.10.0", goModel),
			reject("c/new", "Required field 'layerFolders' not present"),
			schemaReject("schema/v6", "at '/windows/layerFolders': got null, want array", "/windows/layerFolders:type"),
			schemaReject("schema/gojs", "windows.layerFolders: Invalid type", "/windows/layerFolders:allOf", "/windows/layerFolders:type"),
		},
		want: []string{
			"libocispec refuses null [Required field 'layerFolders' not present] @ /windows/layerFolders by libocispec c/new",
			"schema/gojs refuses null [type] @ /windows/layerFolders by schema/gojs schema/gojs",
			"schema/v6 refuses null [type] @ /windows/layerFolders by schema/v6 schema/v6",
		},
	}, {
		name:  "two unrelated causes are judged member by member",
		input: `{"ociVersion":"1.3.0","process":{"cwd":"C:\\","args":["cmd"]},"root":{"path":"r"},"windows":{"layerFolders":null}}`,
		verdicts: []parsers.Verdict{
			accept("go/unmarshal", goModel), accept("go/jsonv2", goModel),
			reject("rust/oci-spec@0.10.0", "missing field `user`"),
			reject("c/new", "Required field 'layerFolders' not present"),
			schemaReject("schema/v6", "", "/windows/layerFolders:type"),
			schemaReject("schema/gojs", "", "/windows/layerFolders:type"),
		},
		want: []string{
			"libocispec refuses null [Required field 'layerFolders' not present] @ /windows/layerFolders by libocispec c/new",
			"oci-spec-rs refuses missing-required [missing field `user`] @ /process/user by oci-spec-rs rust/oci-spec@0.10.0",
			"schema/gojs refuses null [type] @ /windows/layerFolders by schema/gojs schema/gojs",
			"schema/v6 refuses null [type] @ /windows/layerFolders by schema/v6 schema/v6",
		},
	}, {
		name:  "two releases that refuse alike are one cause",
		input: `{"ociVersion":"1.3.0","process":{"user":{"uid":"0"}}}`,
		verdicts: []parsers.Verdict{
			accept("c/new", goModel), accept("c/old", goModel),
			reject("go/unmarshal", "json: cannot unmarshal … into Go struct field User.process.user.uid of type uint32"),
			reject("go/jsonv2", "json: cannot unmarshal … into Go uint32"),
			schemaReject("schema/v6", "", "/process/user/uid:type"),
		},
		want: []string{"libocispec reads wrong-type [] @ /process/user/uid by libocispec c/new"},
	}, {
		name:  "a reader of trailing data",
		input: `{"ociVersion":"1.3.0"} {}`,
		verdicts: []parsers.Verdict{
			accept("go/decoder", goModel),
			reject("go/unmarshal", "invalid character '…' after top-level value"),
			reject("rust/oci-spec@0.10.0", "trailing characters"),
			reject("c/new", "cannot parse the data"),
		},
		want: []string{"specs-go/encoding-json reads trailing-data [] @ / by specs-go/encoding-json go/decoder"},
	}, {
		name:  "a member read in another letter case",
		input: `{"ociVersion":"1.3.0","windows":{"resources":{"cpu":{"SHARES":2}}}}`,
		verdicts: []parsers.Verdict{
			accept("go/unmarshal", `{"windows":{"resources":{"cpu":{"shares":2}}}}`),
			accept("go/decoder", `{"windows":{"resources":{"cpu":{"shares":2}}}}`),
			accept("go/jsonv2", `{}`), accept("rust/oci-spec@0.10.0", `{}`), accept("c/new", `{}`),
		},
		diffs: true,
		want:  []string{"specs-go/encoding-json reads-other letter-case [] @ /windows/resources/cpu/shares by specs-go/encoding-json go/unmarshal"},
	}, {
		name:  "a crash placed where the others refuse",
		input: `{"ociVersion":"1.3.0","annotations":{"a":null}}`,
		verdicts: []parsers.Verdict{
			accept("go/unmarshal", goModel), accept("go/jsonv2", goModel),
			{Judge: "c/new", Outcome: parsers.Crash, Class: "crash: signal: segmentation fault"},
			reject("rust/oci-spec@0.10.0", "invalid type: null, expected a string"),
			schemaReject("schema/v6", "", "/annotations/a:type"),
		},
		want: []string{
			"libocispec crashes null [crash: signal: segmentation fault] @ /annotations/* by libocispec c/new",
			"oci-spec-rs refuses null [invalid type: null, expected a string] @ /annotations/* by oci-spec-rs rust/oci-spec@0.10.0",
			"schema/v6 refuses null [type] @ /annotations/* by schema/v6 schema/v6",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := New(nil)
			r := e.Compare(tt.verdicts)
			if !tt.diffs {
				r.Diffs = nil
			}
			got := causeLines(Causes([]byte(tt.input), r, descs))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("causes (-want +got):\n%s", d)
			}
		})
	}
}

// TestCauseKeysIgnoreJudgeSet: adding an older release of a library that
// behaves as the newer one, or a judge that agrees with the majority,
// changes no cause's key; the release joins the cause as an attribute.
func TestCauseKeysIgnoreJudgeSet(t *testing.T) {
	input := []byte(`{"ociVersion":"1.3.0","windows":{"layerFolders":null}}`)
	m := `{"ociVersion":"1.3.0"}`
	base := []parsers.Verdict{accept("go/unmarshal", m), accept("rust/oci-spec@0.10.0", m), reject("c/new", "Required field 'layerFolders' not present")}
	more := append(slices.Clone(base), accept("go/decoder", m), reject("c/old", "Required field 'layerFolders' not present"))
	e, _ := New(nil)
	a, b := Causes(input, e.Compare(base), descs), Causes(input, e.Compare(more), descs)
	if len(a) != 1 || len(b) != 1 || a[0].Key() != b[0].Key() {
		t.Fatalf("keys changed with the judge set:\n%v\n%v", a, b)
	}
	if !slices.Equal(b[0].Releases, []string{"new", "old"}) {
		t.Errorf("releases = %v, want both", b[0].Releases)
	}
}

func TestRefusedByAll(t *testing.T) {
	e, _ := New(nil)
	r := e.Compare([]parsers.Verdict{reject("go/unmarshal", "unexpected end of JSON input"), reject("c/new", "cannot parse the data")})
	if !r.Agree || !r.Refused {
		t.Errorf("every judge refusing: agree %v refused %v, want both", r.Agree, r.Refused)
	}
	if r = e.Compare([]parsers.Verdict{accept("go/unmarshal", `{}`), accept("c/new", `{}`)}); r.Refused {
		t.Error("every judge accepting reads as refused")
	}
}

func TestFormOf(t *testing.T) {
	for class, want := range map[string]Form{
		"jsontext: duplicate object member name":      DuplicateName,
		"recursion limit exceeded":                    TooDeep,
		"jsontext: invalid UTF-8":                     BadEncoding,
		"invalid character '…' after top-level value": TrailingData,
		"missing field `user`":                        Missing,
		"Invalid value 'N' with type 'integer' for key 'timeout': Numerical result out of range": OutOfRange,
		"unknown variant `…`, expected one of `a`":                                               NotAllowed,
		"invalid type: …, expected u32":                                                          WrongType,
		"cannot parse the data":                                                                  BadSyntax,
		"minItems":                                                                               Empty,
	} {
		if got := formOf(class); got != want {
			t.Errorf("formOf(%q) = %s, want %s", class, got, want)
		}
	}
}

// TestSplitSchemaCause holds splitSchemaCause to the grammar of a
// validator's cause, written as the expression it replaced.
func TestSplitSchemaCause(t *testing.T) {
	grammar := regexp.MustCompile(`^((?:/[^\s]*)?):([A-Za-z$]+)$`)
	for _, c := range []string{
		"/windows/layerFolders:type", ":required", "/a:b:c:enum", "/linux/sysctl/net.ipv4:x:minLength",
		"/ok:$ref", "", ":", "type", "/a:", "a/b:type", "/a b:type", "/a\tb:type", "/a:ty pe", "/a:type1",
		"/é/ü:format", "/a\v:type", "//:oneOf", "/a:Type",
	} {
		p, kw, ok := splitSchemaCause(c)
		m := grammar.FindStringSubmatch(c)
		if ok != (m != nil) || ok && (p != m[1] || kw != m[2]) {
			t.Errorf("splitSchemaCause(%q) = %q, %q, %v; the grammar reads %q", c, p, kw, ok, m)
		}
	}
}
