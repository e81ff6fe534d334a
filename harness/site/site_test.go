package site

import (
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/parsers"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{`{"a":1}`, `"{\"a\":1}"`},
		{"a\\b", `"a\\b"`},
		{"\x00\x1f\n\t\r\x7f", `"\u0000\u001f\n\t\r\u007f"`},
		{"é", `"\u00e9"`},
		{"\u212a", `"\u212a"`}, // KELVIN SIGN, which folds to k
		{"😀", `"\ud83d\ude00"`},
		{"\xff\xc3", `"\xff\xc3"`},         // not UTF-8: no JSON escape exists
		{"\xed\xa0\x80", `"\xed\xa0\x80"`}, // an encoded surrogate is not UTF-8
		{"\ufeff{}", `"\ufeff{}"`},         // a BOM
		{"", `""`},
	} {
		if got := Escape([]byte(tc.in)); got != tc.want {
			t.Errorf("Escape(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestDisplayText(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"{\n\t\"a\": 1}", "{\n\t\"a\": 1}"},
		{"a\x00b\rc\x7f", "a\u2400b\u240dc\u2421"},
		{"\xff", "\ufffd"},
		{"\u212a", "\u212a"},
	} {
		if got := displayText([]byte(tc.in)); got != tc.want {
			t.Errorf("displayText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCells checks how a verdict becomes a cell's words: the parser on the
// smaller side of a value split reads "value ≠", the others "accept".
func TestCells(t *testing.T) {
	cols := []column{{Judge: "go/unmarshal"}, {Judge: "go/decoder"}, {Judge: "rust/oci-spec@0.10.0"}, {Judge: "schema/gojsonschema"}, {Judge: "c/libocispec@crun-1.8.1"}}
	m := harness.Result{
		Verdicts: []parsers.Verdict{
			{Judge: "go/unmarshal", Outcome: parsers.Accept},
			{Judge: "go/decoder", Outcome: parsers.Accept},
			{Judge: "rust/oci-spec@0.10.0", Outcome: parsers.Accept},
			{Judge: "schema/gojsonschema", Outcome: parsers.Reject, Error: "root: bad"},
		},
		Diffs: []harness.ValueDiff{{Path: "/process/user/uid", A: []string{"go/unmarshal", "go/decoder"}, AValue: "0",
			B: []string{"rust/oci-spec@0.10.0"}, BValue: "1000"}},
		Signature: "x",
	}
	var got []string
	for _, c := range cells(cols, m) {
		got = append(got, c.Text)
	}
	want := []string{"accept", "accept", "value ≠", "reject", "not run"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("cells = %q, want %q", got, want)
		}
	}
}

// TestRenderUnlinksRelative: the spec's own relative links, which reports
// quote, lead nowhere on the site; their text stays, absolute links stay.
func TestRenderUnlinksRelative(t *testing.T) {
	got, err := render([]byte("see [the glossary](glossary.md#runtime-namespace), [poststop](#poststop) and [runc](https://github.com/opencontainers/runc)\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := `<p>see the glossary, poststop and <a href="https://github.com/opencontainers/runc">runc</a></p>` + "\n"
	if string(got) != want {
		t.Errorf("render = %q, want %q", got, want)
	}
}

// TestRenderRawHTML: inline HTML shows as text, except the bare <sub>
// reports write; an input cannot become markup.
func TestRenderRawHTML(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"stat <bundle>/rootfs: no such file\n", "<p>stat &lt;bundle&gt;/rootfs: no such file</p>\n"},
		{"<sub>ocidiff signature: `x`</sub>\n", "<p><sub>ocidiff signature: <code>x</code></sub></p>\n"},
		{`a <img src=x onerror="alert(1)"> b` + "\n", "<p>a &lt;img src=x onerror=&quot;alert(1)&quot;&gt; b</p>\n"},
		{"a <sub onclick=\"x\">b</sub>\n", "<p>a &lt;sub onclick=&quot;x&quot;&gt;b</sub></p>\n"},
	} {
		got, err := render([]byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("render(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
