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
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
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
	// Family is the triage note that claims the disagreement, if any: a
	// by-design family says so at the top, a known one opens with its
	// upstream links.
	Family *triage.Annotation
	// Judges describes every judge of the case and of its matrix: who
	// deviates, where a report goes and how each reproduction is built
	// are read from there.
	Judges parsers.Descriptors
	// Notes are the triage notes that name each cause's family, if any.
	Notes []triage.Annotation
}

// MaxLen is the most a report may hold: GitHub refuses an issue body
// longer than 65,536 characters. Write leaves out the bulkiest sections,
// saying so, until the report fits.
const MaxLen = 65536

// maxInline is the largest input the issue shows; a larger one is attached.
const maxInline = 8 << 10

// ReadmeURL is where ocidiff's rule for who deviates is stated in full.
const ReadmeURL = "https://github.com/ocidiff/ocidiff#reports-to-file-upstream"

// Target returns the deviations Assess finds and the upstream the issue is
// for: upstream if set, else that of the first deviation.
func Target(r harness.Result, ds parsers.Descriptors, upstream string) ([]triage.Deviation, triage.Upstream, error) {
	devs, err := triage.Assess(r, ds)
	if err != nil {
		return nil, triage.Upstream{}, err
	}
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
func ReproJudges(r harness.Result, ds parsers.Descriptors, u triage.Upstream) ([]parsers.Verdict, error) {
	var out []parsers.Verdict
	for _, v := range r.Verdicts {
		d, err := ds.Of(v.Judge)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		if v.Outcome == parsers.Timeout {
			continue
		}
		// A report to golang/go shows the standard library alone.
		if u.Name == "golang/go" && !repro.HasStdlib(d) {
			continue
		}
		if u.Name == "runtime-spec" && (d.Repro == "go-gojsonschema" || d.Repro == "go-unmarshal") || d.Upstream == u {
			out = append(out, v)
		}
	}
	return out, nil
}

// Write writes the Markdown issue for c, at most MaxLen characters of
// valid UTF-8.
func Write(w io.Writer, c Case, opts Options) error {
	devs, target, err := Target(c.Result, opts.Judges, opts.Upstream)
	if err != nil {
		return err
	}
	title := "ocidiff: the implementations disagree"
	for _, d := range devs {
		if d.Upstream == target {
			title = d.Why
			break
		}
	}
	if opts.Family != nil {
		title = opts.Family.Title
	}
	var head bytes.Buffer
	fmt.Fprintf(&head, "# %s\n\n", mdtext.Escape(mdtext.Visible(mdtext.Cut(title, 140))))
	writeFamily(&head, opts.Family)
	fmt.Fprintf(&head, "For: **%s** (%s) — %s.\n\n", target.Name, target.URL(), target.What)
	fmt.Fprintf(&head, "ocidiff, a differential tester, gave one OCI runtime-spec `config.json` (%s) to several implementations and they disagree.\n\n", mdtext.Escape(c.Source))
	head.WriteString("## Which implementation differs\n\n")
	for _, d := range devs {
		fmt.Fprintf(&head, "- **%s** (%s; report to %s): %s.\n", ruleLabel[d.Rule], strings.Join(d.Judges, ", "), d.Upstream.Name, mdtext.Escape(mdtext.Visible(d.Why)))
	}
	if len(c.Result.Causes) > 0 {
		// Every cause the config shows, not only the one the report is
		// about: a maintainer must see what else the config holds.
		fmt.Fprintf(&head, "\nThe config's %s, as ocidiff names them:\n\n", plural(len(c.Result.Causes), "cause", "causes"))
		for _, cause := range c.Result.Causes {
			fmt.Fprintf(&head, "- %s (shown by %s)", mdtext.Escape(mdtext.Visible(cause.String())), strings.Join(cause.Judges, ", "))
			if f := triage.FamilyOf(opts.Notes, cause); f != nil {
				fmt.Fprintf(&head, "; family `%s` (%s)", f.ID, f.Status)
			}
			head.WriteString("\n")
		}
	}
	fmt.Fprintf(&head, "\nHow ocidiff decides which implementation differs: [its README](%s).\n\n", ReadmeURL)
	if !slices.ContainsFunc(devs, func(d triage.Deviation) bool { return d.Upstream == target }) {
		// The family's triage (or the reader) sent the report elsewhere
		// than the rule points: say so, or the bullets above contradict
		// the addressee.
		var by []string
		for _, d := range devs {
			if !slices.Contains(by, d.Upstream.Name) {
				by = append(by, d.Upstream.Name)
			}
		}
		fmt.Fprintf(&head, "By that rule alone this would go to %s; it goes to %s, where the fix belongs.\n\n", strings.Join(by, " and "), target.Name)
	}
	if f := opts.Family; f != nil {
		fmt.Fprintf(&head, "**Cause:** %s\n\n", mdtext.Visible(f.Why))
		if f.Ask != "" {
			fmt.Fprintf(&head, "**What we ask:** %s\n\n", mdtext.Visible(f.Ask))
		}
	}
	writeInput(&head, c.Input, c.Source)
	writeVerdicts(&head, c.Result)

	// The optional sections, in the order they are left out when the
	// report is too long: the version matrix first, the spec quotes last.
	type section struct {
		name string
		body bytes.Buffer
	}
	var spec, repros, matrix section
	spec.name, repros.name, matrix.name = "what the spec says", "the reproductions", "the version matrix"
	if opts.SpecDir != "" {
		if err := writeSpec(&spec.body, c.Result, opts.Judges, devs, opts.SpecDir, opts.SpecVersion); err != nil {
			return err
		}
	}
	if err := writeRepros(&repros.body, c.Result, opts.Judges, c.Input, target); err != nil {
		return err
	}
	if c.Matrix != nil {
		if err := writeMatrix(&matrix.body, *c.Matrix, opts.Judges); err != nil {
			return err
		}
	}
	var tail bytes.Buffer
	if c.Result.Signature != "" {
		fmt.Fprintf(&tail, "<sub>ocidiff signature: %s</sub>\n", mdtext.Code(mdtext.Cut(c.Result.Signature, 2000)))
	}
	sections := []*section{&spec, &repros, &matrix}
	var left []string
	for {
		n := head.Len() + tail.Len() + 200
		for _, s := range sections {
			n += s.body.Len()
		}
		if n <= MaxLen || len(sections) == 0 {
			break
		}
		last := sections[len(sections)-1]
		sections = sections[:len(sections)-1]
		if last.body.Len() > 0 {
			left = append(left, last.name)
		}
	}
	var b bytes.Buffer
	b.Write(head.Bytes())
	for _, s := range sections {
		b.Write(s.body.Bytes())
	}
	if len(left) > 0 {
		fmt.Fprintf(&b, "(Left out to stay within the tracker's %d characters: %s; `ocidiff report %s` shows them.)\n\n", MaxLen, strings.Join(left, ", "), mdtext.Escape(c.Source))
	}
	b.Write(tail.Bytes())
	if b.Len() > MaxLen {
		return fmt.Errorf("report: %s: the report is %d characters even without %s, more than %d", c.Source, b.Len(), strings.Join(left, ", "), MaxLen)
	}
	_, err = w.Write(b.Bytes())
	return err
}

// ruleLabel names each rule of triage.Assess for a maintainer who has not
// read ocidiff's README; the README's list gives them in the same order.
var ruleLabel = map[triage.Rule]string{
	triage.RuleCrash:      "Crash or timeout",
	triage.RuleValidators: "Schema validators disagree",
	triage.RuleValues:     "Different value read",
	triage.RuleSpec:       "Most parsers accept what the schema rejects",
	triage.RuleLenient:    "Accepted although the schema rejects it",
	triage.RuleSchemaGap:  "Schema accepts what every parser rejects",
	triage.RuleMinority:   "Accepted or rejected unlike the other parsers",
}

// writeFamily opens the report with what triage knows of the family.
func writeFamily(b *bytes.Buffer, f *triage.Annotation) {
	if f == nil {
		return
	}
	links := func() string {
		var ls []string
		for _, l := range f.Known {
			ls = append(ls, fmt.Sprintf("[%s](%s)", l.Title, l.URL))
		}
		return strings.Join(ls, ", ")
	}
	switch f.Status {
	case triage.ByDesign:
		fmt.Fprintf(b, "> [!NOTE]\n> **By design, not a bug.** Documented in %s. This report is for reference; do not file it as a bug.\n\n", links())
	case triage.Known:
		fmt.Fprintf(b, "> [!NOTE]\n> **Already reported upstream:** %s. Add to those rather than opening a new issue.\n\n", links())
	case triage.SpecGap:
		fmt.Fprintf(b, "> [!NOTE]\n> **Spec gap:** the spec text and its schema (or every runtime) disagree here; runtime-spec has to decide which is meant.")
		if len(f.Known) > 0 {
			fmt.Fprintf(b, " See %s.", links())
		}
		b.WriteString("\n\n")
	case triage.Bug:
		if len(f.Known) > 0 {
			fmt.Fprintf(b, "Background: %s.\n\n", links())
		}
	}
	if f.Note != "" {
		fmt.Fprintf(b, "Note: %s\n\n", f.Note)
	}
}

func writeMatrix(b *bytes.Buffer, m harness.Result, ds parsers.Descriptors) error {
	b.WriteString("## Every version ocidiff tests\n\n")
	ch, err := triage.VersionChanges(m, ds)
	if err != nil {
		return err
	}
	if len(ch) > 0 {
		for _, s := range ch {
			fmt.Fprintf(b, "- %s\n", mdtext.Escape(mdtext.Visible(s)))
		}
		b.WriteString("\n")
	}
	var t bytes.Buffer
	harness.WriteMatrix(&t, m) // a bytes.Buffer does not fail
	text := mdtext.Visible(t.String())
	fmt.Fprintf(b, "What `ocidiff check` prints for every version of every library it has:\n\n%s\n%s%s\n\n", mdtext.Fence(text), text, mdtext.Fence(text))
	return nil
}

// writeInput shows the input once, as a command that writes it byte for
// byte as config.json: a here-document when it is printable text, else a
// printf with octal escapes, which shows what each byte is.
func writeInput(b *bytes.Buffer, in []byte, source string) {
	sum := sha256.Sum256(in)
	fmt.Fprintf(b, "## Input\n\n%d bytes, SHA-256 %s.", len(in), hex.EncodeToString(sum[:]))
	if len(in) > maxInline {
		fmt.Fprintf(b, " Too large to show here: attach it as config.json (it is %s, byte for byte).\n\n", mdtext.Code(inputFile(source)))
		return
	}
	b.WriteString(" To write it byte for byte as `config.json`:\n\n")
	if printable(in) {
		text := string(in)
		eof := "EOF"
		for strings.Contains(text, eof) {
			eof += "_"
		}
		fence := mdtext.Fence(text)
		fmt.Fprintf(b, "%ssh\ncat > config.json <<'%s'\n%s\n%s\n", fence, eof, strings.TrimSuffix(text, "\n"), eof)
		if !strings.HasSuffix(text, "\n") {
			b.WriteString("truncate -s -1 config.json   # the input has no final newline\n")
		}
		fmt.Fprintf(b, "%s\n\n", fence)
		return
	}
	fmt.Fprintf(b, "\n\n```sh\nprintf '%s' > config.json\n```\n\n", printfEscape(in))
}

// inputFile is the file that holds the input of source: input.json in a
// corpus case directory, else source itself.
func inputFile(source string) string {
	if st, err := os.Stat(filepath.Join(source, "input.json")); err == nil && !st.IsDir() {
		return path.Join(source, "input.json")
	}
	return source
}

// printfEscape writes in for a single-quoted printf(1) format: printable
// ASCII as it is, every other byte as an octal escape.
func printfEscape(in []byte) string {
	var s strings.Builder
	for _, c := range in {
		switch {
		case c == '%':
			s.WriteString("%%")
		case c == '\\':
			s.WriteString(`\\`)
		case c == '\'':
			s.WriteString(`\047`)
		case c >= 0x20 && c < 0x7f:
			s.WriteByte(c)
		default:
			fmt.Fprintf(&s, `\%03o`, c)
		}
	}
	return s.String()
}

// printable reports whether in is valid UTF-8 with no control characters
// but tab and LF, so that a code block shows it as it is and a tracker
// keeps it so.
func printable(in []byte) bool {
	if !utf8.Valid(in) {
		return false
	}
	for _, r := range string(in) {
		if r != '\t' && r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError || r == '\u2028' || r == '\u2029') {
			return false
		}
	}
	return true
}

func writeVerdicts(b *bytes.Buffer, r harness.Result) {
	b.WriteString("## What each implementation did\n\n| Implementation | Version | Result | Error |\n|---|---|---|---|\n")
	for _, v := range r.Verdicts {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", v.Judge, mdtext.Cell(v.Version), v.Outcome, mdtext.Cell(mdtext.Cut(mdtext.OneLine(v.Error), 200)))
	}
	b.WriteString("\n")
	for _, d := range r.Diffs {
		fmt.Fprintf(b, "- At %s, %s read %s; %s read %s.\n", mdtext.Code(d.Path),
			strings.Join(d.A, ", "), valueText(d.AValue), strings.Join(d.B, ", "), valueText(d.BValue))
	}
	if len(r.Diffs) > 0 {
		b.WriteString("\n")
	}
}

// valueText shows a value that implementations read, or says they read
// none: their models lack the member.
func valueText(v string) string {
	if v == "" {
		return "no value"
	}
	return mdtext.Code(mdtext.Cut(v, 80))
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
// where) is "/name" unless a pointer already ends in it. Which judges are
// validators comes from ds.
func Pointers(r harness.Result, ds parsers.Descriptors) ([]string, error) {
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
		d, err := ds.Of(v.Judge)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		if d.Kind == parsers.Validator && !strings.HasPrefix(v.Class, "invalid JSON") {
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
	return ps, nil
}

// maxFields bounds how many members the spec section quotes.
const maxFields = 6

func writeSpec(b *bytes.Buffer, r harness.Result, ds parsers.Descriptors, devs []triage.Deviation, dir, version string) error {
	ptrs, err := Pointers(r, ds)
	if err != nil {
		return err
	}
	if len(ptrs) == 0 {
		return nil
	}
	base := "https://github.com/opencontainers/runtime-spec/blob/" + version + "/"
	b.WriteString("## What the spec says\n\n")
	fmt.Fprintf(b, "Quoted from runtime-spec %s, the version the Go implementations and the schema validators above use.\n\n", version)
	var shown []string
	for _, p := range ptrs[:min(len(ptrs), maxFields)] {
		d, err := Lookup(dir, p)
		if err != nil {
			return err
		}
		if d.Schema == "" || slices.Contains(shown, d.SpecPointer) {
			// Not a member of the spec (an unknown name such as /s/a):
			// a bullet of the same name elsewhere would mislead.
			continue
		}
		shown = append(shown, d.SpecPointer)
		fmt.Fprintf(b, "### %s\n\n", mdtext.Code(d.SpecPointer))
		if d.SpecPointer != p {
			fmt.Fprintf(b, "Named %s above, as specs-go's JSON tags spell it.\n\n", mdtext.Code(p))
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
			fmt.Fprintf(b, "The schema, [%s](%s%s) at %s%s:\n\n```json\n%s\n```\n\n", d.SchemaFile, base, d.SchemaFile, mdtext.Code("#"+d.SchemaPointer), req, compactSchema(d.Schema))
			if d.Resolved != "" {
				file, rest, _ := strings.Cut(d.Resolved, ": ")
				fmt.Fprintf(b, "where %s is:\n\n```json\n%s\n```\n\n", mdtext.Code(file), compactSchema(rest))
			}
		}
	}
	if len(ptrs) > maxFields {
		fmt.Fprintf(b, "(%d more members left out.)\n\n", len(ptrs)-maxFields)
	}
	return nil
}

// maxSchemaLines is the longest schema fragment quoted whole. A longer one
// is an object's whole schema (e.g. all of "linux"), whose members say
// nothing about the one at issue.
const maxSchemaLines = 30

// compactSchema returns a schema fragment as written when it is short, and
// otherwise with the members of its properties, patternProperties and
// definitions named but not shown.
func compactSchema(s string) string {
	if strings.Count(s, "\n") < maxSchemaLines {
		return s
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(s), &obj) != nil {
		return s
	}
	for _, kw := range []string{"properties", "patternProperties", "definitions"} {
		var members map[string]json.RawMessage
		if json.Unmarshal(obj[kw], &members) != nil || len(members) == 0 {
			continue
		}
		names := make([]string, 0, len(members))
		for n := range members {
			names = append(names, n)
		}
		slices.Sort(names)
		summary, _ := json.Marshal(map[string]string{"…": fmt.Sprintf("%d members, not shown: %s", len(names), strings.Join(names, ", "))})
		obj[kw] = summary
	}
	out, err := json.MarshalIndent(obj, "", "  ")
	if err != nil {
		return s
	}
	return string(out)
}

// ReproFor returns the program a report for target shows for verdict v on
// input: for golang/go, one that needs the standard library alone.
func ReproFor(v parsers.Verdict, d parsers.Descriptor, input []byte, target triage.Upstream) (repro.Program, error) {
	if target.Name == "golang/go" {
		return repro.Stdlib(v, d, input)
	}
	return repro.For(v, d)
}

func writeRepros(b *bytes.Buffer, r harness.Result, ds parsers.Descriptors, input []byte, target triage.Upstream) error {
	vs, err := ReproJudges(r, ds, target)
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		return nil
	}
	fmt.Fprintf(b, "## Reproduce it with %s alone\n\n", target.Name)
	if target.Name == "golang/go" {
		b.WriteString("The programs need the standard library alone: `specs/specs.go` writes out the part of runtime-spec's specs-go types that this config reaches.\n\n")
	}
	for _, v := range vs {
		rp, err := ReproFor(v, ds[v.Judge], input, target)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "### %s\n\n", v.Judge)
		fmt.Fprintf(b, "In a directory of its own, `%s/`, beside `config.json`:\n\n", rp.Key)
		for _, f := range rp.Files {
			lang := map[string]string{"go": "go", "rust": "rust", "c": "c"}[rp.Lang]
			if strings.HasSuffix(f.Name, ".toml") {
				lang = "toml"
			}
			fmt.Fprintf(b, "`%s`:\n\n```%s\n%s```\n\n", f.Name, lang, f.Body)
		}
		fmt.Fprintf(b, "```sh\ncd %s\n%s\n%s\n```\n\n", rp.Key, strings.Join(rp.Setup, "\n"), rp.Run)
		out := mdtext.Visible(mdtext.Cut(repro.ExpectedOutput(v), 400))
		// A program that crashes or hangs prints no verdict; what ocidiff
		// recorded then is its own adapter's account, and says so.
		switch v.Outcome {
		case parsers.Crash:
			b.WriteString("It prints no verdict: it dies, as ocidiff's adapter (the same calls) did. What ocidiff recorded:\n\n")
		case parsers.Timeout:
			b.WriteString("It prints no verdict: it does not finish, as ocidiff's adapter (the same calls) did not. What ocidiff recorded:\n\n")
		default:
			b.WriteString("It prints what ocidiff recorded:\n\n")
		}
		fmt.Fprintf(b, "%s\n%s\n%s\n\n", mdtext.Fence(out), out, mdtext.Fence(out))
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
