package site

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/parsers"
)

func TestEscapeJSON(t *testing.T) {
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
		if got := escapeJSON([]byte(tc.in)); got != tc.want {
			t.Errorf("escapeJSON(%q) = %s, want %s", tc.in, got, tc.want)
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

// testJudges describes the judges named, each a parser of a library and
// project of its own, except those named "schema/…", which are
// validators: what the site reads of a judge, for results made up here.
func testJudges(names ...string) parsers.Descriptors {
	ds := parsers.Descriptors{}
	for _, n := range names {
		d := parsers.Descriptor{Name: n, Kind: parsers.Parser, Library: n, Release: "1.0", Upstream: parsers.Upstream{Name: n, Repo: "example/" + n}}
		if strings.HasPrefix(n, "schema/") {
			d.Kind = parsers.Validator
		}
		ds[n] = d
	}
	return ds
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
	cs, err := cells(cols, m, testJudges("go/unmarshal", "go/decoder", "rust/oci-spec@0.10.0", "schema/gojsonschema"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
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

// TestInline: the texts of findings.json show their Markdown as markup
// (a code span as <code>), never a block, a link or raw HTML.
func TestInline(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"`layerFolders`: null", "<code>layerFolders</code>: null"},
		{"crun's `/* */` and `//` comments", "crun's <code>/* */</code> and <code>//</code> comments"},
		{"S_IFCHR|0666 *and* more", "S_IFCHR|0666 <em>and</em> more"},
		{"1. not a list", "1. not a list"},
		{"# not a heading", "# not a heading"},
		{"see [runc](https://github.com/opencontainers/runc) and <https://example.com>", "see runc and https://example.com"},
		{`a <img src=x onerror="alert(1)"> & b`, "a &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; b"},
	} {
		got, err := inline(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("inline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestWrite writes a site from two cases and three notes, with a stand-in
// matrix (the browser test in cmd/ocidiff runs the real judges): a row per
// note in FINDINGS.md's order, also for a note that claims no case; a
// case no note claims on its own; a recorded verdict that differs from
// today's says so.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "findings.json")
	if err := os.WriteFile(notes, []byte(`[
 {"id":"k","title":"known one","status":"known","cause":{"library":["x"]},"why":"w","known":[{"title":"issue 1","url":"https://example.com/1"}]},
 {"id":"b","title":"bug one: `+"`"+`layerFolders`+"`"+` <b>","status":"bug","cause":{"library":["nothing"]},"why":"w *is* `+"`"+`x`+"`"+`","ask":"a"},
 {"id":"g","title":"gap one","status":"spec-gap","cause":{"library":["y"]},"why":"w"}
]`), 0o644); err != nil {
		t.Fatal(err)
	}
	anns, err := triage.ReadAnnotations(notes)
	if err != nil {
		t.Fatal(err)
	}
	verdict := func(judge string, o parsers.Outcome) parsers.Verdict {
		return parsers.Verdict{Judge: judge, Version: judge + " 1.0", Outcome: o}
	}
	cases := []corpus.Case{
		{Signature: "x1", Input: []byte("{\"a\":\"\x00\xff\"}"), Result: harness.Result{Signature: "x1",
			Verdicts: []parsers.Verdict{verdict("go/unmarshal", parsers.Reject)}, Causes: []harness.Cause{{Library: "x"}}}},
		{Signature: "z1", Input: []byte(`{}`), Result: harness.Result{Signature: "z1", Causes: []harness.Cause{{Library: "z"}}}},
	}
	opts := Options{
		Matrix: func(in []byte) harness.Result {
			return harness.Result{Verdicts: []parsers.Verdict{verdict("go/unmarshal", parsers.Accept), verdict("schema/gojsonschema", parsers.Reject)},
				Diffs: []harness.ValueDiff{{Path: "/a", A: []string{"rust/a"}, AValue: "1", B: []string{"c/b"}}}}
		},
		Report: func(c corpus.Case, m harness.Result) ([]byte, error) {
			return []byte("# report on " + c.Signature + "\n"), nil
		},
		Judges: testJudges("go/unmarshal", "schema/gojsonschema", "rust/a", "c/b"),
	}
	st, err := Write(filepath.Join(dir, "site"), cases, anns, opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Stats{Families: 3, Cases: 2, Pages: 6}); st != want {
		t.Errorf("Stats = %+v, want %+v", st, want)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, "site", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	index := read("index.html")
	var order []string
	for _, m := range regexp.MustCompile(`<tr class="family" id="([^"]+)">`).FindAllStringSubmatch(index, -1) {
		order = append(order, m[1])
	}
	if got, want := strings.Join(order, ","), "b,g,k"; got != want {
		t.Errorf("front page rows %s, want %s (by status: bug, spec-gap, known)", got, want)
	}
	for _, want := range []string{
		`<td colspan="2" class="none">no case in this corpus</td>`,
		`<td class="v accept">accept</td><td class="v reject">reject</td>`,
		`<a href="https://example.com/1">issue 1</a>`,
		`<a href="family/b.html">bug one: <code>layerFolders</code> &lt;b&gt;</a>`,
		// A judge's version is a link away from its column's head.
		`<th scope="col" class="judge" title="go/unmarshal 1.0"><a href="#judge-go-unmarshal">go/unmarshal</a></th>`,
		`<tr id="judge-go-unmarshal"><th scope="row"><code>go/unmarshal</code></th><td>go/unmarshal 1.0</td></tr>`,
		`<a href="case/` + harness.Slug("z1") + `.html">`, // no note claims it
	} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	fam := read("family/b.html")
	for _, want := range []string{
		`<h1>1. bug one: <code>layerFolders</code> &lt;b&gt;</h1>`,
		`<dd>w <em>is</em> <code>x</code></dd>`,
		// A browser tab shows text: the code span's backticks go.
		`<title>bug one: layerFolders &lt;b&gt;</title>`,
	} {
		if !strings.Contains(fam, want) {
			t.Errorf("family/b.html lacks %s", want)
		}
	}
	x1 := "case/" + harness.Slug("x1")
	page := read(x1 + ".html")
	for _, want := range []string{
		// A member one side lacks is said in words, not as a value.
		`<td>rust/a</td><td><code>1</code></td><td>c/b</td><td>no value</td>`,
		`differs from the verdict now; recorded by go/unmarshal 1.0`,
		`&#34;{\&#34;a\&#34;:\&#34;\u0000\xff\&#34;}&#34;`, // escaped
		"\u2400\ufffd", // as text
		`<h3>report on x1</h3>`,
		`generated without <code>-confirm</code>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("%s.html lacks %s", x1, want)
		}
	}
	if got := read(x1 + ".input.json"); got != string(cases[0].Input) {
		t.Errorf("%s.input.json = %q, want the input's bytes %q", x1, got, cases[0].Input)
	}
}
