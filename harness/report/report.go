// Package report turns a disagreement into what a person needs: a
// Markdown issue to paste into the tracker of the library that deviates
// (Write), and the list of every distinct finding in the corpus
// (WriteFindings).
//
// An issue carries the minimal input byte for byte, every judge's verdict
// with exact versions, what the pinned runtime-spec's text and schema say
// about the members involved, a program that reproduces the verdict with
// the deviating library alone, and the verdicts of every version of every
// library ocidiff carries. Who deviates is decided by Assess, a small rule
// the issue states.
package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/repro"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/internal/mdtext"
	"github.com/ocidiff/ocidiff/parsers"
)

// Case is what a report is written from.
type Case struct {
	// Source names the input for the reader: a corpus case directory
	// ("corpus/<slug>") or a file name.
	Source string
	Input  []byte
	// Result is the verdicts the report is about: those recorded in the
	// corpus case, or those of a fresh check.
	Result harness.Result
	// Matrix is every judge ocidiff carries (every version of every
	// library) run on Input, or nil to leave the version matrix out.
	Matrix *harness.Result
}

// Options changes what Write decides.
type Options struct {
	// Upstream, if set, names the project the issue is for (see
	// Upstreams), overriding Assess.
	Upstream string
	// SpecDir is the pinned runtime-spec module's directory
	// (specmod.Dir) and SpecVersion its version ("v1.3.0"), for quoting
	// the spec text and schema and linking to them. Empty leaves that
	// section out.
	SpecDir, SpecVersion string
}

// maxInline is the largest input shown in the issue.
const maxInline = 64 << 10

// Target returns the deviations Assess finds and the upstream the issue is
// for: opts.Upstream if set, else that of the first deviation.
func Target(r harness.Result, upstream string) ([]triage.Deviation, triage.Upstream, error) {
	devs := triage.Assess(r)
	if upstream != "" {
		u, err := triage.FindUpstream(upstream)
		return devs, u, err
	}
	if len(devs) == 0 {
		return nil, triage.Upstream{}, fmt.Errorf("report: the judges agree; there is nothing to report")
	}
	return devs, devs[0].Upstream, nil
}

// ReproJudges returns the judges whose programs the issue for u shows:
// those of u's library among the verdicts. For runtime-spec they are the
// spec's own validator (gojsonschema, as schema/validate.go uses it) and
// the specs-go types decoded by encoding/json.
func ReproJudges(r harness.Result, u triage.Upstream) []parsers.Verdict {
	var out []parsers.Verdict
	for _, v := range r.Verdicts {
		if v.Outcome == parsers.Timeout {
			continue
		}
		if u.Name == "runtime-spec" && (v.Judge == "schema/gojsonschema" || v.Judge == "go/unmarshal") || triage.UpstreamOf(v.Judge) == u {
			out = append(out, v)
		}
	}
	return out
}

// Write writes the Markdown issue for c.
func Write(w io.Writer, c Case, opts Options) error {
	devs, target, err := Target(c.Result, opts.Upstream)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	title := "ocidiff: the judges disagree"
	for _, d := range devs {
		if d.Upstream == target {
			title = d.Why
			break
		}
	}
	fmt.Fprintf(&b, "# %s\n\n", mdtext.Cut(title, 160))
	fmt.Fprintf(&b, "For: **%s** (%s) — %s.\n\n", target.Name, target.URL(), target.What)
	fmt.Fprintf(&b, "ocidiff, a differential tester, gave one OCI runtime-spec `config.json` (%s) to several implementations and they disagree.\n\n", c.Source)

	b.WriteString("## Who deviates\n\n")
	for _, d := range devs {
		fmt.Fprintf(&b, "- **%s** (%s; report to %s): %s.\n", d.Rule, strings.Join(d.Judges, ", "), d.Upstream.Name, d.Why)
	}
	b.WriteString("\n" + triage.RuleText + "\n\n")

	writeInput(&b, c.Input)
	writeVerdicts(&b, c.Result)
	if opts.SpecDir != "" {
		if err := writeSpec(&b, c.Result, devs, opts.SpecDir, opts.SpecVersion); err != nil {
			return err
		}
	}
	if err := writeRepros(&b, c.Result, target); err != nil {
		return err
	}
	if c.Matrix != nil {
		b.WriteString("## Every version ocidiff carries\n\n")
		if ch := triage.VersionChanges(*c.Matrix); len(ch) > 0 {
			for _, s := range ch {
				fmt.Fprintf(&b, "- %s\n", s)
			}
			b.WriteString("\n")
		}
		b.WriteString("```\n")
		if err := harness.WriteMatrix(&b, *c.Matrix); err != nil {
			return err
		}
		b.WriteString("```\n\n")
	}
	if c.Result.Signature != "" {
		fmt.Fprintf(&b, "<sub>ocidiff signature: `%s`</sub>\n", strings.ReplaceAll(c.Result.Signature, "`", "'"))
	}
	_, err = w.Write(b.Bytes())
	return err
}

func writeInput(b *bytes.Buffer, in []byte) {
	sum := sha256.Sum256(in)
	fmt.Fprintf(b, "## Input\n\n%d bytes, SHA-256 %s.\n\n", len(in), hex.EncodeToString(sum[:]))
	if len(in) > maxInline {
		b.WriteString("Too large to show here; it is attached as config.json.\n\n")
		return
	}
	if printable(in) {
		fence := mdtext.Fence(string(in))
		fmt.Fprintf(b, "%sjson\n%s\n%s\n\n", fence, strings.TrimSuffix(string(in), "\n"), fence)
	} else {
		b.WriteString("It is not printable UTF-8 text; as a Go string, and as bytes:\n\n")
		fmt.Fprintf(b, "```go\n%s\n```\n\n```\n%s```\n\n", strconv.Quote(string(in)), hex.Dump(in))
	}
	b.WriteString("To write it byte for byte as `config.json`:\n\n")
	fmt.Fprintf(b, "```sh\necho '%s' | base64 -d > config.json\n```\n\n", base64.StdEncoding.EncodeToString(in))
}

// printable reports whether in is valid UTF-8 with no control characters
// but tab, CR and LF, so that a code block shows it as it is.
func printable(in []byte) bool {
	if !utf8.Valid(in) {
		return false
	}
	for _, r := range string(in) {
		if r != '\t' && r != '\n' && r != '\r' && (unicode.IsControl(r) || r == utf8.RuneError || r == '\u2028' || r == '\u2029' || r == '\ufeff') {
			return false
		}
	}
	return true
}

func writeVerdicts(b *bytes.Buffer, r harness.Result) {
	b.WriteString("## What each implementation did\n\n| Judge | Version | Verdict | Error |\n|---|---|---|---|\n")
	for _, v := range r.Verdicts {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", v.Judge, mdtext.Cell(v.Version), v.Outcome, mdtext.Cell(mdtext.Cut(mdtext.OneLine(v.Error), 200)))
	}
	b.WriteString("\n")
	for _, d := range r.Diffs {
		fmt.Fprintf(b, "- value split at `%s`: %s read `%s`; %s read `%s`\n", d.Path,
			strings.Join(d.A, ", "), mdtext.Cut(triage.OrAbsent(d.AValue), 80), strings.Join(d.B, ", "), mdtext.Cut(triage.OrAbsent(d.BValue), 80))
	}
	if len(r.Diffs) > 0 {
		b.WriteString("\n")
	}
}

var (
	// Where the judges' errors name a member of the document.
	goField      = regexp.MustCompile(`Go struct field \w+\.([\w.]+) of type`)
	v2Within     = regexp.MustCompile(`within "(/[^"]*)"`)
	v6Missing    = regexp.MustCompile(`at '([^']*)': missing propert(?:y|ies) ((?:'[^']*'(?:, )?)+)`)
	gjsRequired  = regexp.MustCompile(`(?m)^(\S+): (\S+) is required`)
	quotedName   = regexp.MustCompile(`'([^']*)'`)
	namedMembers = []*regexp.Regexp{
		regexp.MustCompile("(?:missing|duplicate|unknown) field `([^`]+)`"),
		regexp.MustCompile(`Required field '([^']+)' not present`),
	}
)

// Pointers returns the members of the document a result is about, as
// generalized JSON pointers: the value splits' paths, the schema
// validators' failure locations and the members the parsers' errors name.
// A member known only by name (libocispec's and serde's errors do not say
// where) is "/name" unless a pointer already ends in it.
func Pointers(r harness.Result) []string {
	var ps, names []string
	add := func(p string) {
		p = harness.GeneralizePath(p)
		if p != "" && !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	for _, d := range r.Diffs {
		add(d.Path)
	}
	for _, v := range r.Verdicts {
		if v.Accepted() {
			continue
		}
		if triage.IsValidator(v.Judge) && !strings.HasPrefix(v.Class, "invalid JSON") {
			for _, item := range strings.Fields(v.Class) {
				if i := strings.LastIndex(item, ":"); i >= 0 && item[i+1:] != "required" {
					add(item[:i])
				}
			}
		}
		for _, m := range v6Missing.FindAllStringSubmatch(v.Error, -1) {
			for _, n := range quotedName.FindAllStringSubmatch(m[2], -1) {
				add(strings.TrimSuffix(m[1], "/") + "/" + escape(n[1]))
			}
		}
		for _, m := range gjsRequired.FindAllStringSubmatch(v.Error, -1) {
			parent := ""
			if m[1] != "(root)" {
				parent = "/" + strings.ReplaceAll(m[1], ".", "/")
			}
			add(parent + "/" + m[2])
		}
		if m := goField.FindStringSubmatch(v.Error); m != nil {
			add("/" + strings.ReplaceAll(m[1], ".", "/"))
		}
		if m := v2Within.FindStringSubmatch(v.Error); m != nil {
			add(m[1])
		}
		for _, re := range namedMembers {
			for _, m := range re.FindAllStringSubmatch(v.Error, -1) {
				if !slices.Contains(names, m[1]) {
					names = append(names, m[1])
				}
			}
		}
	}
	for _, n := range names {
		if !slices.ContainsFunc(ps, func(p string) bool { return strings.HasSuffix(p, "/"+escape(n)) }) {
			add("/" + escape(n))
		}
	}
	return ps
}

// maxFields bounds how many members the spec section quotes.
const maxFields = 6

func writeSpec(b *bytes.Buffer, r harness.Result, devs []triage.Deviation, dir, version string) error {
	ptrs := Pointers(r)
	if len(ptrs) == 0 {
		return nil
	}
	base := "https://github.com/opencontainers/runtime-spec/blob/" + version + "/"
	b.WriteString("## What the spec says\n\n")
	fmt.Fprintf(b, "Quoted from runtime-spec %s, the version the judges were built with.\n\n", version)
	for _, p := range ptrs[:min(len(ptrs), maxFields)] {
		d, err := Lookup(dir, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "### `%s`\n\n", p)
		if d.Text == "" && d.Schema == "" {
			b.WriteString("Neither the spec text nor the schema describes this member.\n\n")
			continue
		}
		if d.Text != "" {
			fmt.Fprintf(b, "The spec text, [%s](%s%s#%s) ([line %d](%s%s?plain=1#L%d)):\n\n", d.TextFile, base, d.TextFile, d.TextAnchor, d.TextLine, base, d.TextFile, d.TextLine)
			for _, l := range strings.Split(d.Text, "\n") {
				fmt.Fprintf(b, "> %s\n", l)
			}
			b.WriteString("\n")
		} else {
			b.WriteString("The spec text has no bullet for this member.\n\n")
		}
		if d.Schema != "" {
			req := ""
			if d.Required {
				req = "; its parent lists it in `required`"
			}
			fmt.Fprintf(b, "The schema, [%s](%s%s) at `#%s`%s:\n\n```json\n%s\n```\n\n", d.SchemaFile, base, d.SchemaFile, d.SchemaPointer, req, d.Schema)
			if d.Resolved != "" {
				file, rest, _ := strings.Cut(d.Resolved, ": ")
				fmt.Fprintf(b, "where `%s` is:\n\n```json\n%s\n```\n\n", file, rest)
			}
		} else {
			b.WriteString("The schema does not describe this member.\n\n")
		}
	}
	if len(ptrs) > maxFields {
		fmt.Fprintf(b, "(%d more members left out.)\n\n", len(ptrs)-maxFields)
	}
	return nil
}

func writeRepros(b *bytes.Buffer, r harness.Result, target triage.Upstream) error {
	vs := ReproJudges(r, target)
	if len(vs) == 0 {
		return nil
	}
	fmt.Fprintf(b, "## Reproduce it with %s alone\n\n", target.Name)
	for _, v := range vs {
		rp, err := repro.For(v)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "### %s\n\n", v.Judge)
		for _, f := range rp.Files {
			lang := map[string]string{"go": "go", "rust": "rust", "c": "c"}[rp.Lang]
			if strings.HasSuffix(f.Name, ".toml") {
				lang = "toml"
			}
			fmt.Fprintf(b, "`%s`:\n\n```%s\n%s```\n\n", f.Name, lang, f.Body)
		}
		fmt.Fprintf(b, "With `config.json` (above) in the same directory:\n\n```sh\n%s\n%s\n```\n\n", strings.Join(rp.Setup, "\n"), rp.Run)
		fmt.Fprintf(b, "It prints what ocidiff recorded:\n\n```\n%s\n```\n\n", mdtext.Cut(repro.ExpectedOutput(v), 400))
	}
	return nil
}
