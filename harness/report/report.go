// Package report turns a disagreement into what a person needs: a
// Markdown issue to paste into the tracker of the library that deviates
// (Write), and the list of every distinct finding in the corpus
// (WriteFindings).
//
// An issue is written for a maintainer of the one library it goes to, to
// read in one screen: what that library does at which member for which
// input, why, what the pinned runtime-spec says there (quoted, linked at
// its tag), the input and one program that reproduces the verdict with
// that library alone, the releases that show it and the upstream state.
// Every judge's verdict, every release's and the signature follow,
// collapsed. Who deviates is decided by Assess, a small rule the issue
// links to.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
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
	// Signature is the cause instance a corpus case is named by
	// (corpus.Case.Signature), which the report leads with; empty for a
	// config file.
	Signature string
	Input     []byte
	// Result is the verdicts the report is about: those recorded in the
	// corpus case, or those of a fresh check.
	Result harness.Result
	// Matrix is every judge ocidiff carries (every version of every
	// library) run on Input, for the releases that show the cause; nil
	// leaves them to the case's own judges.
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
	// Family is the triage note that claims the disagreement, if any:
	// its title, why, ask, spec quote, links and upstream state are the
	// report's, and a known, by-design or fixed one says so at the top.
	Family *triage.Annotation
	// Judges describes every judge of the case and of its matrix: who
	// deviates, where a report goes and how each reproduction is built
	// are read from there.
	Judges parsers.Descriptors
	// Rejudge, if set, judges an input as the case's judges did: the
	// report then shows the input indented when the judges find the same
	// cause in it, and its reproduction prints what they said of that.
	Rejudge func(input []byte) harness.Result
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
		if u.StdlibOnly && !repro.HasStdlib(d) {
			continue
		}
		if u.Spec && (d.Repro == "go-gojsonschema" || d.Repro == "go-unmarshal") || d.Upstream == u {
			out = append(out, v)
		}
	}
	return out, nil
}

// Write writes the Markdown issue for c, at most MaxLen characters of
// valid UTF-8, for a maintainer of the one library it is addressed to: a
// title, what that library does and why, what the spec says, the input
// and a reproduction with that library alone, the versions that show it
// and the upstream state, and, collapsed, every judge's verdict. Nothing
// in it speaks to whoever files it or about other projects.
func Write(w io.Writer, c Case, opts Options) error {
	devs, target, err := Target(c.Result, opts.Judges, opts.Upstream)
	if err != nil {
		return err
	}
	c.Result = StandsFor(c.Result, c.Signature)
	cause, ok := Addressed(c.Result, opts.Judges, opts.Family, target)
	title := "The implementations of the OCI runtime spec disagree on one config.json"
	switch {
	case opts.Family != nil:
		title = opts.Family.Title
	case ok:
		title = cause.String()
	}
	// The input shown, and the verdicts on it, which the errors quoted
	// and the reproduction's output are: the case's, or the same input
	// indented when that shows the same cause.
	shown, shownResult := c.Input, c.Result
	if opts.Rejudge != nil && ok {
		if p, r, ok := prettyInput(c.Input, cause, opts.Rejudge); ok {
			shown, shownResult = p, r
		} else if r := opts.Rejudge(c.Input); showsCause(r, cause) {
			// A corpus case keeps no model: judged again, the
			// reproduction's expected output is what the library
			// writes back, which is often the evidence.
			shownResult = r
		}
	}
	// Go's maintainers read a program of ten lines, with the one field
	// and the one value, not a container's config and ocidiff's judges.
	var minimal *repro.Minimal
	if target.StdlibOnly && ok && cause.Behaviour == harness.Refuses {
		if m, err := repro.MinimalFor(cause.Member, shown); err == nil && minimalShows(m, cause, shownResult, opts.Judges) {
			minimal = &m
		}
	}
	var head bytes.Buffer
	// An issue's title is plain text on every tracker: no Markdown
	// escapes, which would show.
	fmt.Fprintf(&head, "# %s\n\n", mdtext.OneLine(mdtext.Visible(title)))
	writeStatus(&head, opts.Family)
	head.WriteString("## What happens\n\n")
	// A report the spec or its schema must answer opens with the
	// family's account of the gap: the cause in a parser's terms ("the
	// schema refuses …") would read as a bug report on that parser.
	specFirst := opts.Family != nil && opts.Family.Why != "" && (opts.Family.Status == triage.SpecGap || opts.Family.Status == triage.Bug && target.Spec)
	switch {
	case minimal != nil:
		writeMinimalCause(&head, *minimal)
	case opts.Family != nil && opts.Family.Lead != "" && c.Signature != "" && harness.Slug(c.Signature) == opts.Family.Best:
		fmt.Fprintf(&head, "%s\n\n", mdtext.Visible(opts.Family.Lead))
	case specFirst:
	case ok:
		writeCause(&head, cause, shownResult)
	default:
		for _, d := range devs {
			fmt.Fprintf(&head, "%s.\n\n", mdtext.Escape(mdtext.Visible(d.Why)))
		}
	}
	if f := opts.Family; f != nil {
		fmt.Fprintf(&head, "%s\n\n", mdtext.Visible(f.Why))
		if f.Ask != "" {
			fmt.Fprintf(&head, "**Suggested change:** %s\n\n", mdtext.Visible(f.Ask))
		}
	}

	// The sections after the head; the optional ones are left out from
	// the last when the report is too long: the collapsed verdicts
	// first, the spec quote last.
	type section struct {
		name string
		body bytes.Buffer
	}
	var spec, input, repros, versions, details section
	spec.name, repros.name, details.name = "what the spec says", "the reproduction", "every judge's verdict"
	specFam := opts.Family
	if f := opts.Family; f != nil && f.Spec != nil && f.Spec.Source != "" && f.Upstream != target.Name {
		// The family's own text (RFC 8259 for golang/go) is for its
		// upstream; a report to another library quotes runtime-spec.
		c := *f
		c.Spec = nil
		specFam = &c
	}
	if opts.SpecDir != "" && (minimal == nil || specFam != nil && specFam.Spec != nil) {
		if err := writeSpec(&spec.body, cause, specFam, opts.SpecDir, opts.SpecVersion); err != nil {
			return err
		}
	}
	if minimal != nil {
		// The program holds the input; which judges ran is ocidiff's.
		writeMinimalRepro(&repros.body, *minimal)
		if err := writeVersions(&versions.body, cause, false, nil, opts.Family, opts.Judges); err != nil {
			return err
		}
	} else {
		writeInput(&input.body, shown, c.Source)
		if err := writeRepro(&repros.body, shownResult, opts.Judges, shown, target, cause); err != nil {
			return err
		}
		if err := writeVersions(&versions.body, cause, ok, c.Matrix, opts.Family, opts.Judges); err != nil {
			return err
		}
		if err := writeDetails(&details.body, shownResult, devs, opts.Family); err != nil {
			return err
		}
	}
	sections := []*section{&spec, &input, &repros, &versions, &details}
	optional := []*section{&spec, &repros, &details}
	var left []string
	total := func() int {
		n := head.Len() + 200
		for _, s := range sections {
			n += s.body.Len()
		}
		return n
	}
	for total() > MaxLen && len(optional) > 0 {
		last := optional[len(optional)-1]
		optional = optional[:len(optional)-1]
		if last.body.Len() > 0 {
			left = append(left, last.name)
			last.body.Reset()
		}
	}
	var b bytes.Buffer
	b.Write(head.Bytes())
	for _, s := range sections {
		b.Write(s.body.Bytes())
	}
	if len(left) > 0 {
		fmt.Fprintf(&b, "(Left out to stay within the tracker's %d characters: %s.)\n", MaxLen, strings.Join(left, ", "))
	}
	if b.Len() > MaxLen {
		return fmt.Errorf("report: %s: the report is %d characters even without %s, more than %d", c.Source, b.Len(), strings.Join(left, ", "), MaxLen)
	}
	_, err = w.Write(b.Bytes())
	return err
}

// StandsFor puts first, among r's causes, the one a corpus case is named
// by (its signature, a cause instance): a family's best case was chosen to
// show that cause, and the report leads with it. An empty signature (a
// config file) leaves r as it is.
func StandsFor(r harness.Result, signature string) harness.Result {
	for i, c := range r.Causes {
		if i > 0 && c.Instance() == signature {
			cs := append([]harness.Cause{c}, slices.Delete(slices.Clone(r.Causes), i, i+1)...)
			r.Causes = cs
			break
		}
	}
	return r
}

// Addressed returns the cause a report to target is about: of the
// result's causes, the one the family claims whose library target owns,
// else one the family claims, else one of target's library, else the
// first. ok is false when the result records no cause.
func Addressed(r harness.Result, ds parsers.Descriptors, f *triage.Annotation, target triage.Upstream) (harness.Cause, bool) {
	// runtime-spec owns its schema: a report to it for parsers that
	// accept what the schema rejects is about what the schema does.
	owns := func(c harness.Cause) bool {
		for _, d := range ds {
			if d.Library == c.Library {
				return d.Upstream == target || target.Spec && d.Kind == parsers.Validator
			}
		}
		return false
	}
	claims := func(c harness.Cause) bool { return f != nil && f.Cause != nil && f.Cause.Allows(c) }
	for _, pick := range []func(harness.Cause) bool{
		func(c harness.Cause) bool { return claims(c) && owns(c) },
		claims, owns,
		func(harness.Cause) bool { return true },
	} {
		for _, c := range r.Causes {
			if pick(c) {
				return c, true
			}
		}
	}
	return harness.Cause{}, false
}

// writeStatus says in a line what upstream already has on the family:
// the issues that report it, the documentation that makes it intended,
// the fix not released yet.
func writeStatus(b *bytes.Buffer, f *triage.Annotation) {
	if f == nil {
		return
	}
	switch f.Status {
	case triage.Known:
		fmt.Fprintf(b, "Reported before in %s.\n\n", links(f, triage.RelReports))
	case triage.ByDesign:
		fmt.Fprintf(b, "Documented as intended in %s.\n\n", links(f, triage.RelReports, triage.RelDecided))
	case triage.FixedUnreleased:
		fmt.Fprintf(b, "Fixed on the default branch by %s, in no release yet.\n\n", links(f, triage.RelFixed))
	}
}

// links lists the family's links of the relations rels, as Markdown.
func links(f *triage.Annotation, rels ...string) string {
	var ls []string
	for _, l := range f.Known {
		if slices.Contains(rels, l.Relation()) {
			ls = append(ls, fmt.Sprintf("[%s](%s)", mdtext.Escape(l.Title), l.URL))
		}
	}
	return strings.Join(ls, ", ")
}

// writeCause says what the addressed library does, at which member, with
// which input there, in the library's own words where it refuses.
func writeCause(b *bytes.Buffer, c harness.Cause, r harness.Result) {
	fmt.Fprintf(b, "**%s** %s", c.Library, c.Behaviour.Words())
	if c.Form != harness.Value {
		fmt.Fprintf(b, " %s", c.Form.Words())
	} else if c.Behaviour == harness.ReadsNone || c.Behaviour == harness.ReadsOther {
		b.WriteString(" the value")
	}
	if c.Member != "" {
		fmt.Fprintf(b, " at %s", mdtext.Code(c.Member))
	}
	switch c.Behaviour {
	case harness.ReadsOther:
		fmt.Fprintf(b, ": it reads %s where the other parsers read %s", valueText(c.Value), valueText(c.OtherValue))
	case harness.ReadsNone:
		fmt.Fprintf(b, ", where the other parsers read %s", valueText(c.OtherValue))
	case harness.Reads:
		b.WriteString(", which the other parsers or the schema refuse")
	case harness.Refuses:
		b.WriteString(", which the other parsers read")
	}
	fmt.Fprintf(b, " (%s).\n\n", strings.Join(c.Judges, ", "))
	for _, v := range r.Verdicts {
		if slices.Contains(c.Judges, v.Judge) && v.Error != "" {
			out := mdtext.Visible(mdtext.Cut(v.Error, 400))
			fmt.Fprintf(b, "%s says:\n\n%s\n%s\n%s\n\n", v.Judge, mdtext.Fence(out), out, mdtext.Fence(out))
			break
		}
	}
}

// writeVersions lists the releases that show the cause (from the version
// matrix, where each library is judged at several releases), how the
// library's releases part, and the upstream state the family records.
func writeVersions(b *bytes.Buffer, c harness.Cause, ok bool, m *harness.Result, f *triage.Annotation, ds parsers.Descriptors) error {
	var lines []string
	if ok {
		rels := c.Releases
		if m != nil {
			for _, x := range m.Causes {
				if x.Key() == c.Key() && x.Member == c.Member {
					rels = x.Releases
				}
			}
		}
		if len(rels) > 0 {
			lines = append(lines, fmt.Sprintf("Shown by %s %s.", c.Library, strings.Join(rels, ", ")))
		}
		if m != nil {
			ch, err := triage.VersionChanges(*m, ds)
			if err != nil {
				return err
			}
			for _, s := range ch {
				if strings.HasPrefix(s, c.Library+":") {
					lines = append(lines, mdtext.Escape(mdtext.Visible(s))+".")
				}
			}
		}
	}
	if f != nil && f.State != nil {
		st := f.State
		line := fmt.Sprintf("Upstream, %s on %s at [%s](https://github.com/%s/commit/%s) (checked %s): %s.",
			st.Repo, st.Branch, st.Commit, st.Repo, st.Commit, st.Checked, stateWords[st.State])
		if st.Summary != "" {
			line += " " + mdtext.Visible(st.Summary)
		}
		lines = append(lines, line)
	}
	if f != nil {
		for _, rel := range triage.Rels {
			if ls := links(f, rel); ls != "" {
				lines = append(lines, relWords(f.Status, rel)+" "+ls+".")
			}
		}
	}
	if len(lines) == 0 {
		return nil
	}
	b.WriteString("## Versions\n\n")
	for _, l := range lines {
		fmt.Fprintf(b, "- %s\n", l)
	}
	b.WriteString("\n")
	return nil
}

// stateWords says an upstream state to a maintainer.
var stateWords = map[string]string{
	"unreported":       "not reported",
	"reported":         "reported, open",
	"fixed-unreleased": "fixed on the default branch, not released",
	"fixed-released":   "fixed in a release",
	"by-design":        "intended",
}

// relWords introduces a family's links of one relation. A link that
// names no relation reports the behaviour for a known family; for a
// by-design one it documents it, and for a new one it is background.
func relWords(s triage.Status, rel string) string {
	switch rel {
	case triage.RelIntroduced:
		return "Introduced by"
	case triage.RelFixed:
		return "Fixed by"
	case triage.RelDecided:
		return "Decided in"
	case triage.RelRelated:
		return "Related:"
	}
	switch s {
	case triage.ByDesign:
		return "Documented in"
	case triage.Bug, triage.SpecGap:
		return "See"
	}
	return "Reported in"
}

// writeDetails writes, collapsed, what a maintainer may want after the
// rest: every judge's verdict, every cause the config shows and the rule
// that picks who differs. The version matrix (every release of every
// library, a table wider than a screen) and the case's signature are the
// site's and `ocidiff matrix`'s; Versions says what the matrix shows of
// the library.
//
// r is the verdicts on the input as the report shows it: a library's error
// names lines and columns, which must be those of the file the reader
// writes.
//
// The list of causes is left out when the family claims every one: it
// would restate the family's account in ocidiff's terms, one bullet per
// library and member, and a value read alike by several parsers reads
// there as each of them standing apart.
func writeDetails(b *bytes.Buffer, r harness.Result, devs []triage.Deviation, f *triage.Annotation) error {
	b.WriteString("<details>\n<summary>Every judge's verdict</summary>\n\n")
	writeVerdicts(b, r)
	allClaimed := f != nil && f.Cause != nil && !slices.ContainsFunc(r.Causes, func(c harness.Cause) bool { return !f.Cause.Allows(c) })
	if len(r.Causes) > 1 && !allClaimed {
		b.WriteString("Every disagreement the config shows:\n\n")
		for _, cause := range r.Causes {
			fmt.Fprintf(b, "- %s (%s)\n", mdtext.Escape(mdtext.Visible(cause.String())), strings.Join(cause.Judges, ", "))
		}
		b.WriteString("\n")
	}
	for _, d := range devs {
		fmt.Fprintf(b, "%s: %s. ", ruleLabel[d.Rule], mdtext.Escape(mdtext.Visible(d.Why)))
	}
	fmt.Fprintf(b, "([How ocidiff decides which implementation differs](%s).)\n\n", ReadmeURL)
	b.WriteString("</details>\n\n")
	return nil
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
	triage.RuleWrites:     "Wrote a config that a reader refuses",
}

// writeInput shows the input once, as a command that writes it byte for
// byte as config.json: a here-document when it is printable text, else a
// printf with octal escapes, which shows what each byte is. An input too
// large to read in a report shows its start and is attached.
func writeInput(b *bytes.Buffer, in []byte, source string) {
	fmt.Fprintf(b, "## Input\n\n%d bytes.", len(in))
	if len(in) > maxInline {
		fmt.Fprintf(b, " Too large to show whole: it is attached as `config.json` (ocidiff's %s).", mdtext.Code(inputFile(source)))
		if printable(in) {
			start := strings.ToValidUTF8(string(in[:maxExcerpt]), "")
			fmt.Fprintf(b, " Its first %d bytes:\n\n%s\n%s\n%s\n\n", len(start), mdtext.Fence(start), start, mdtext.Fence(start))
		} else {
			b.WriteString("\n\n")
		}
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
	fmt.Fprintf(b, "```sh\nprintf '%s' > config.json\n```\n\n", printfEscape(in))
}

// maxExcerpt is how much of an input too large to show a report quotes.
const maxExcerpt = 1500

// prettyInput returns the input indented, and the verdicts on it, when
// that shows the same cause: an input of one line is hard to read, but
// only whitespace between tokens may change (json.Indent keeps every
// token, duplicate names and escapes included), and only if rejudge finds
// the same cause in it, since a library's error names lines and columns
// and a form feed between tokens is a cause of its own.
func prettyInput(in []byte, c harness.Cause, rejudge func([]byte) harness.Result) ([]byte, harness.Result, bool) {
	var b bytes.Buffer
	// An input laid out over lines already (a best case written for
	// the report) is shown as it is.
	if bytes.Count(bytes.TrimSpace(in), []byte("\n")) > 2 || json.Indent(&b, in, "", "  ") != nil || !printable(in) {
		return nil, harness.Result{}, false
	}
	p := []byte(strings.Join(collapse(strings.Split(b.String(), "\n")), "\n") + "\n")
	if bytes.Equal(p, in) {
		return nil, harness.Result{}, false
	}
	r := rejudge(p)
	if !showsCause(r, c) {
		return nil, harness.Result{}, false
	}
	return p, r, true
}

// showsCause reports whether r shows c, but for the error class:
// serde_json's errors name the line and column.
func showsCause(r harness.Result, c harness.Cause) bool {
	return slices.ContainsFunc(r.Causes, func(x harness.Cause) bool {
		return x.Library == c.Library && x.Behaviour == c.Behaviour && x.Form == c.Form && x.Member == c.Member
	})
}

// maxLine is the longest line collapse makes.
const maxLine = 72

// collapse joins each array or object of json.Indent's lines that holds
// no other onto one line when it fits in maxLine, innermost first:
// `"user": {"uid": 0, "gid": 0}` reads better than four lines, and a
// config keeps its shape. Only the indentation json.Indent wrote is
// taken out: a JSON string holds no raw line break.
func collapse(lines []string) []string {
	for {
		changed := false
		for i := 0; i < len(lines); i++ {
			open := strings.TrimRight(lines[i], " ")
			if !strings.HasSuffix(open, "{") && !strings.HasSuffix(open, "[") {
				continue
			}
			// The container's lines, up to its closing line: none may
			// open another.
			j := i + 1
			var items []string
			for ; j < len(lines); j++ {
				t := strings.TrimLeft(lines[j], " ")
				if strings.HasPrefix(t, "}") || strings.HasPrefix(t, "]") {
					break
				}
				if strings.HasSuffix(t, "{") || strings.HasSuffix(t, "[") {
					j = -1
					break
				}
				items = append(items, t)
			}
			if j < 0 || j >= len(lines) {
				continue
			}
			one := open + strings.Join(items, " ") + strings.TrimLeft(lines[j], " ")
			if len(one) > maxLine {
				continue
			}
			lines = append(append(lines[:i:i], one), lines[j+1:]...)
			changed = true
		}
		if !changed {
			return lines
		}
	}
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
	// The versions in full are the Versions section's and the site's;
	// here the first of them names the release, and the row stays one
	// line wide.
	b.WriteString("| Implementation | Version | Result | Error |\n|---|---|---|---|\n")
	for _, v := range r.Verdicts {
		version, _, _ := strings.Cut(v.Version, ";")
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", v.Judge, mdtext.Cell(version), v.Outcome, mdtext.Cell(mdtext.Cut(mdtext.OneLine(v.Error), 200)))
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

func writeSpec(b *bytes.Buffer, c harness.Cause, f *triage.Annotation, dir, version string) error {
	base := "https://github.com/opencontainers/runtime-spec/blob/" + version + "/"
	if f != nil && f.Spec != nil && f.Spec.Source != "" {
		// Another text than runtime-spec: golang/go answers to the JSON
		// grammar, and "the spec" there is Go's.
		fmt.Fprintf(b, "## %s\n\n", mdtext.Escape(f.Spec.Source))
	} else {
		b.WriteString("## What the spec says\n\n")
	}
	if f != nil && f.Spec != nil {
		// The quote's own links are relative to its file in the spec, as
		// the spec writes them: they lead to the same commit.
		text := f.Spec.Text
		if u, _, _ := strings.Cut(f.Spec.URL, "#"); strings.LastIndex(u, "/") > 0 {
			i := strings.LastIndex(u, "/")
			text = absLinks(text, u[i+1:], u[:i+1], nil)
		}
		writeQuote(b, text)
		source := "runtime-spec"
		if f.Spec.Source != "" {
			source = mdtext.Escape(f.Spec.Source)
		}
		fmt.Fprintf(b, "([%s](%s))\n\n", source, f.Spec.URL)
		return nil
	}
	// The member's own bullet, or its nearest parent's: a member the
	// text does not describe (an array element, a map entry) is
	// described by its parent's.
	var d FieldDoc
	shown := ""
	for p := harness.GeneralizePath(c.Member); p != "" && p != "/"; p = parent(p) {
		var err error
		if d, err = Lookup(dir, p); err != nil {
			return err
		}
		if d.Text != "" {
			shown = p
			break
		}
	}
	if shown == "" {
		// No member to quote (bad syntax, a member the spec does not
		// have): what the spec says of every configuration's JSON.
		text, err := glossaryJSON(dir, base)
		if err != nil {
			return err
		}
		writeQuote(b, text)
		fmt.Fprintf(b, "([glossary.md, JSON](%sglossary.md#glossaryJson), runtime-spec %s)\n\n", base, version)
		return nil
	}
	refs, err := linkRefs(filepath.Join(dir, d.TextFile))
	if err != nil {
		return err
	}
	writeQuote(b, absLinks(d.Text, d.TextFile, base, refs))
	fmt.Fprintf(b, "([%s](%s%s#%s), line %d, runtime-spec %s)\n\n", d.TextFile, base, d.TextFile, d.TextAnchor, d.TextLine, version)
	if d.Schema != "" && shown == d.Pointer {
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
	return nil
}

// parent is the member that holds the member at pointer p.
func parent(p string) string {
	i := strings.LastIndex(p, "/")
	if i <= 0 {
		return ""
	}
	return p[:i]
}

// writeQuote writes text as a Markdown block quote.
func writeQuote(b *bytes.Buffer, text string) {
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(b, "> %s\n", l)
	}
	b.WriteString("\n")
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
	if target.StdlibOnly {
		return repro.Stdlib(v, d, input)
	}
	return repro.For(v, d)
}

// writeRepro shows one program that reproduces the verdict with the
// addressed library alone: that of the first judge of the cause among
// those whose programs a report to target shows, else the first of those.
func writeRepro(b *bytes.Buffer, r harness.Result, ds parsers.Descriptors, input []byte, target triage.Upstream, c harness.Cause) error {
	vs, err := ReproJudges(r, ds, target)
	if err != nil || len(vs) == 0 {
		return err
	}
	// The cause's own judge; for the spec, whose text no judge of the
	// cause may run, the spec's own validator, which says what its
	// schema allows.
	v := vs[0]
	if i := slices.IndexFunc(vs, func(v parsers.Verdict) bool { return ds[v.Judge].Kind == parsers.Validator }); i >= 0 && target.Spec {
		v = vs[i]
	}
	for _, j := range c.Judges {
		if i := slices.IndexFunc(vs, func(v parsers.Verdict) bool { return v.Judge == j }); i >= 0 {
			v = vs[i]
			break
		}
	}
	rp, err := ReproFor(v, ds[v.Judge], input, target)
	if err != nil {
		return err
	}
	fmt.Fprintf(b, "## Reproduce it with %s alone\n\n", target.Name)
	if target.StdlibOnly {
		b.WriteString("The program needs the standard library alone: `specs/specs.go` writes out the part of runtime-spec's specs-go types that this config reaches.\n\n")
	}
	fmt.Fprintf(b, "In a directory of its own, `%s/`, beside `config.json`:\n\n", rp.Key)
	for _, f := range rp.Files {
		lang := map[string]string{"go": "go", "rust": "rust", "c": "c"}[rp.Lang]
		if strings.HasSuffix(f.Name, ".toml") {
			lang = "toml"
		}
		fmt.Fprintf(b, "`%s`:\n\n```%s\n%s```\n\n", f.Name, lang, f.Body)
	}
	fmt.Fprintf(b, "```sh\ncd %s\n%s\n%s\n```\n\n", rp.Key, strings.Join(rp.Setup, "\n"), rp.Run)
	out := mdtext.Visible(mdtext.Cut(repro.ExpectedOutput(v), 1200))
	// A program that crashes or hangs prints no verdict; what ocidiff
	// recorded then is its own adapter's account, and says so.
	switch v.Outcome {
	case parsers.Crash:
		b.WriteString("It prints no verdict: it dies, as ocidiff's adapter (the same calls) did. What ocidiff recorded:\n\n")
	case parsers.Timeout:
		b.WriteString("It prints no verdict: it does not finish, as ocidiff's adapter (the same calls) did not. What ocidiff recorded:\n\n")
	case parsers.Accept:
		if len(v.Model) == 0 {
			fmt.Fprintf(b, "It prints what ocidiff's %s judge (%s) gave:\n\n", v.Judge, mdtext.Cut(v.Version, 120))
			break
		}
		// The program prints the config as the library writes it
		// back, in the library's own layout (json-c spaces it); the
		// judge's record of it is compact.
		fmt.Fprintf(b, "It prints what ocidiff's %s judge (%s) gave, the config as the library writes it back (shown here in compact form):\n\n", v.Judge, mdtext.Cut(v.Version, 120))
	default:
		fmt.Fprintf(b, "It prints what ocidiff's %s judge (%s) gave:\n\n", v.Judge, mdtext.Cut(v.Version, 120))
	}
	fmt.Fprintf(b, "%s\n%s\n%s\n\n", mdtext.Fence(out), out, mdtext.Fence(out))
	return nil
}

// minimalShows reports whether the minimal program refuses the value as
// each judge of the cause did: with an error of the same class from the
// same package. A value refused only in its context (a duplicate name, a
// member beside another) decodes alone, and the config must show it.
func minimalShows(m repro.Minimal, c harness.Cause, r harness.Result, ds parsers.Descriptors) bool {
	shown := false
	for _, v := range r.Verdicts {
		if !slices.Contains(c.Judges, v.Judge) {
			continue
		}
		got, stands := m.ErrFor(ds[v.Judge])
		if !stands {
			return false
		}
		if v.Outcome != parsers.Reject || got == "" || harness.ClassWithoutMember(parsers.Classify(got)) != harness.ClassWithoutMember(parsers.Classify(v.Error)) {
			return false
		}
		shown = true
	}
	return shown
}

// writeMinimalCause says, for Go's maintainers, which value goes into
// which Go type, and what the two packages make of it.
func writeMinimalCause(b *bytes.Buffer, m repro.Minimal) {
	fmt.Fprintf(b, "Decoding %s into a struct field of type %s, with %s (%s/%s):\n\n",
		mdtext.Code(m.Value), mdtext.Code(m.Type), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	out := mdtext.Visible(m.Output)
	fmt.Fprintf(b, "%s\n%s%s\n\n", mdtext.Fence(out), out, mdtext.Fence(out))
}

// writeMinimalRepro shows the minimal program and how to run it.
func writeMinimalRepro(b *bytes.Buffer, m repro.Minimal) {
	b.WriteString("## Reproduce it with the standard library alone\n\n")
	fmt.Fprintf(b, "`main.go`:\n\n```go\n%s```\n\n", m.Files[0].Body)
	fmt.Fprintf(b, "```sh\n%s\n%s\n```\n\n", strings.Join(m.Setup, "\n"), m.Run)
	b.WriteString("It prints the two lines shown above.")
	out := m.Output
	if strings.Contains(out, "v2: error: json: cannot") || strings.Contains(out, "v2: error: json: unable to") {
		b.WriteString(" ")
		b.WriteString("(v2 says \"cannot\" or \"unable to\" in this message, chosen at random once per process: errorModalVerb in errors.go.)")
	}
	b.WriteString("\n\n")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
