package triage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/internal/mdtext"
	"github.com/ocidiff/ocidiff/parsers"
)

// Annotation is a person's triage of one family of discrepancies: what the
// data alone cannot say. It claims the disagreements whose signature
// matches Match (and whose input matches Input, when set), and the corpus
// cases it names by slug. Matching by cause rather than by case list keeps
// a family whole when the corpus is re-recorded, and lets `ocidiff check`
// name the family of a disagreement found in a user's own config.
type Annotation struct {
	// ID is a short stable name, e.g. "layerfolders-null".
	ID    string `json:"id"`
	Title string `json:"title"`
	// Status says what the family is for upstream: one of Statuses.
	Status Status `json:"status"`
	// Match is a regular expression on the signature; Input, if set, one
	// that the input bytes must match too (for causes such as comments or
	// form feeds whose signature is that of any syntax error); Cases lists
	// slugs, for the few causes neither can tell apart. A disagreement
	// takes the first annotation that claims it.
	Match string   `json:"match,omitempty"`
	Input string   `json:"input,omitempty"`
	Cases []string `json:"cases,omitempty"`
	// Cause is the family's claim on causes: a cause is the family's when
	// every field the predicate sets allows it. Families are named by
	// cause, so that a file's every cause is named, and naming does not
	// change with the judges that run.
	Cause *Predicate `json:"cause,omitempty"`
	// Why is the cause, in a sentence or two.
	Why string `json:"why"`
	// Ask is, for a bug, what we ask the maintainers to change.
	Ask string `json:"ask,omitempty"`
	// Upstream, when set, names the project the family's reports go to
	// (an Upstream's Name), for a family whose fix belongs elsewhere than
	// with the judge that stands apart: json/v2 refusing specs-go's
	// "hwconfig" tag for the spec's "hwConfig" is specs-go's to fix.
	Upstream string `json:"upstream,omitempty"`
	// Note is what a reader must keep in mind before filing, e.g. that a
	// family was seen with one release of a judge only.
	Note string `json:"note,omitempty"`
	// Known lists the upstream issues that already report the family
	// (status known), the documentation that describes the behaviour
	// (by-design), or the discussions a new report should cite.
	Known []Link `json:"known,omitempty"`

	re, input *regexp.Regexp
}

// Status is what a family is for the projects involved.
type Status string

const (
	// Bug: not reported upstream; the report says what to change.
	Bug Status = "bug"
	// ByDesign: documented behaviour of the library that stands apart;
	// listed, not offered as a bug.
	ByDesign Status = "by-design"
	// Known: already reported upstream; the report opens with the links.
	Known Status = "known"
	// SpecGap: the spec text and schema disagree with each other, or with
	// every runtime; runtime-spec has to decide.
	SpecGap Status = "spec-gap"
)

// Statuses lists every status, in the order FINDINGS.md lists families.
var Statuses = []Status{Bug, SpecGap, Known, ByDesign}

// Describe says what the status means, for a reader.
func (s Status) Describe() string {
	return map[Status]string{
		Bug:      "a bug not reported upstream yet",
		ByDesign: "documented behaviour, not a bug",
		Known:    "already reported upstream",
		SpecGap:  "the spec text and its schema (or every runtime) disagree",
	}[s]
}

// Link is a reference to an upstream issue or document.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// ReadAnnotations reads an annotations file: a JSON array of Annotation.
// Errors name the file and the annotation.
func ReadAnnotations(file string) ([]Annotation, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var anns []Annotation
	if err := d.Decode(&anns); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	ids := map[string]bool{}
	for i := range anns {
		a := &anns[i]
		switch {
		case a.ID == "" || a.Title == "" || a.Why == "":
			return nil, fmt.Errorf("%s: annotation %d: id, title and why are required", file, i)
		case ids[a.ID]:
			return nil, fmt.Errorf("%s: annotation %q: duplicate id", file, a.ID)
		case a.Match == "" && len(a.Cases) == 0 && a.Cause == nil:
			return nil, fmt.Errorf("%s: annotation %q: neither cause, match nor cases", file, a.ID)
		case !slices.Contains(Statuses, a.Status):
			return nil, fmt.Errorf("%s: annotation %q: status %q is not one of %v", file, a.ID, a.Status, Statuses)
		case a.Status == Bug && a.Ask == "":
			return nil, fmt.Errorf("%s: annotation %q: status bug needs an ask: what the maintainers should change", file, a.ID)
		case (a.Status == Known || a.Status == ByDesign) && len(a.Known) == 0:
			return nil, fmt.Errorf("%s: annotation %q: status %s needs a link (known)", file, a.ID, a.Status)
		}
		if a.Upstream != "" {
			if _, err := FindUpstream(a.Upstream); err != nil {
				return nil, fmt.Errorf("%s: annotation %q: %w", file, a.ID, err)
			}
		}
		ids[a.ID] = true
		if a.Cause != nil {
			if err := a.Cause.check(); err != nil {
				return nil, fmt.Errorf("%s: annotation %q: cause: %w", file, a.ID, err)
			}
		}
		if a.Match != "" {
			if a.re, err = regexp.Compile(a.Match); err != nil {
				return nil, fmt.Errorf("%s: annotation %q: match: %w", file, a.ID, err)
			}
		}
		if a.Input != "" {
			if a.input, err = regexp.Compile(a.Input); err != nil {
				return nil, fmt.Errorf("%s: annotation %q: input: %w", file, a.ID, err)
			}
		}
		for _, l := range a.Known {
			if !strings.HasPrefix(l.URL, "https://") {
				return nil, fmt.Errorf("%s: annotation %q: link %q is not an https URL", file, a.ID, l.URL)
			}
		}
	}
	return anns, nil
}

// Predicate is a family's claim on causes, field by field: a field left
// empty allows any value, a list allows any of its values. Members are
// patterns as causes name them; one ending in "/**" allows the member and
// every member below it, and one starting with "**/" every member that
// ends so ("**/*" is any array element or map value).
type Predicate struct {
	Library   []string            `json:"library,omitempty"`
	Behaviour []harness.Behaviour `json:"behaviour,omitempty"`
	Form      []harness.Form      `json:"form,omitempty"`
	Member    []string            `json:"member,omitempty"`
	// NotMember takes members back out of Member (or out of all).
	NotMember []string `json:"notMember,omitempty"`
	// Class lists words of which the library's error class must hold one.
	Class []string `json:"class,omitempty"`
	// Any, when set, narrows the predicate to the causes one of its
	// alternatives allows too: a family whose libraries show one split
	// in different ways (one refuses null, another reads it as absent)
	// says each way, under the fields they share.
	Any []Predicate `json:"any,omitempty"`
}

// Allows reports whether the predicate claims c.
func (p *Predicate) Allows(c harness.Cause) bool {
	return anyOf(p.Library, c.Library) && anyOf(p.Behaviour, c.Behaviour) && anyOf(p.Form, c.Form) &&
		(len(p.Member) == 0 || memberIn(p.Member, c.Member)) && !memberIn(p.NotMember, c.Member) &&
		(len(p.Class) == 0 || slices.ContainsFunc(p.Class, func(w string) bool { return strings.Contains(c.Class, w) })) &&
		(len(p.Any) == 0 || slices.ContainsFunc(p.Any, func(q Predicate) bool { return q.Allows(c) }))
}

func anyOf[T comparable](allowed []T, v T) bool {
	return len(allowed) == 0 || slices.Contains(allowed, v)
}

func memberIn(patterns []string, member string) bool {
	for _, p := range patterns {
		if sub, ok := strings.CutSuffix(p, "/**"); ok && (member == sub || strings.HasPrefix(member, sub+"/")) || p == member {
			return true
		}
		if end, ok := strings.CutPrefix(p, "**/"); ok && strings.HasSuffix(member, "/"+end) {
			return true
		}
	}
	return false
}

// check says what is wrong with a predicate: a behaviour or form no
// cause can have.
func (p *Predicate) check() error {
	for _, b := range p.Behaviour {
		if !slices.Contains(harness.Behaviours, b) {
			return fmt.Errorf("behaviour %q is not one of %v", b, harness.Behaviours)
		}
	}
	for _, f := range p.Form {
		if !slices.Contains(harness.Forms, f) {
			return fmt.Errorf("form %q is not one of %v", f, harness.Forms)
		}
	}
	for i := range p.Any {
		if len(p.Any[i].Any) > 0 {
			return fmt.Errorf("any: an alternative has alternatives of its own; list them in one any")
		}
		if err := p.Any[i].check(); err != nil {
			return fmt.Errorf("any %d: %w", i, err)
		}
	}
	return nil
}

// FamilyOf returns the family that claims cause c, or nil if none does.
// Families claim causes through their predicates alone; ReadAnnotations
// and the corpus test see to it that no cause of the corpus has two.
func FamilyOf(anns []Annotation, c harness.Cause) *Annotation {
	for i := range anns {
		if anns[i].Cause != nil && anns[i].Cause.Allows(c) {
			return &anns[i]
		}
	}
	return nil
}

// Claimants lists every family whose predicate claims c: more than one
// is a fault of the notes, which the tests report.
func Claimants(anns []Annotation, c harness.Cause) []string {
	var ids []string
	for i := range anns {
		if anns[i].Cause != nil && anns[i].Cause.Allows(c) {
			ids = append(ids, anns[i].ID)
		}
	}
	return ids
}

func (a *Annotation) claims(signature string, input []byte) bool {
	if slices.Contains(a.Cases, harness.Slug(signature)) {
		return true
	}
	return a.re != nil && a.re.MatchString(signature) && (a.input == nil || a.input.Match(input))
}

// Family returns the annotation that claims a disagreement, given its
// signature and input, or nil if none does.
func Family(anns []Annotation, signature string, input []byte) *Annotation {
	for i := range anns {
		if anns[i].claims(signature, input) {
			return &anns[i]
		}
	}
	return nil
}

// finding is one family of FINDINGS.md: the cases an annotation claims,
// or one case no annotation claims (ann nil).
type finding struct {
	ann   *Annotation
	cases []corpus.Case
}

// group sorts cases into findings, as FINDINGS.md lists them: the
// annotated families by status, then in the annotations' order, then each
// unclaimed case on its own; count has the families of each status.
func group(cases []corpus.Case, anns []Annotation) (fs []*finding, nUntriaged int, count map[Status]int) {
	byAnn := map[string]*finding{}
	var untriaged []*finding
	for _, c := range cases {
		a := Family(anns, c.Signature, c.Input)
		if a == nil {
			untriaged = append(untriaged, &finding{cases: []corpus.Case{c}})
			continue
		}
		f, ok := byAnn[a.ID]
		if !ok {
			f = &finding{ann: a}
			byAnn[a.ID] = f
		}
		f.cases = append(f.cases, c)
	}
	for _, st := range Statuses { // by status, then in the annotations' order
		for i := range anns {
			if f, ok := byAnn[anns[i].ID]; ok && anns[i].Status == st {
				fs = append(fs, f)
			}
		}
	}
	fs = append(fs, untriaged...)

	count = map[Status]int{}
	for _, f := range fs {
		if f.ann != nil {
			count[f.ann.Status]++
		}
	}
	return fs, len(untriaged), count
}

// WriteFindings writes FINDINGS.md: every distinct discrepancy among cases,
// the cases of corpus dir corpusDir (a path relative to where FINDINGS.md
// lives, used for links). Cases that one annotation claims are one
// family; every unclaimed case is a finding of its own, listed with its
// signature in words as not yet triaged. It opens with the families to
// file (status bug) and names each family's best case, the one to report.
// With holds, a family whose judges of a versioned library (c/libocispec@…,
// rust/oci-spec@…) stand apart also says on which releases its cases hold,
// so that a finding names the releases it is true of, as the judges show
// it. The output depends on the cases, the annotations and the judges
// alone, so that it can be checked against the committed file.
func WriteFindings(w io.Writer, corpusDir, annotationsFile string, cases []corpus.Case, anns []Annotation, holds Holds) error {
	fs, untriaged, count := group(cases, anns)
	caseLink := func(c corpus.Case) string {
		slug := harness.Slug(c.Signature)
		return fmt.Sprintf("[%s](%s/)", slug, path.Join(corpusDir, slug))
	}
	var b bytes.Buffer
	b.WriteString("# Findings\n\n")
	b.WriteString("<!-- Code generated by `go run ./cmd/ocidiff findings > FINDINGS.md`; DO NOT EDIT. -->\n\n")
	fmt.Fprintf(&b, "Every distinct discrepancy in the regression corpus, [%s/](%s/), generated from the corpus and the triage notes in [%s](%s). "+
		"`go test ./cmd/ocidiff` fails when this file falls out of date.\n\n", corpusDir, corpusDir, annotationsFile, annotationsFile)
	fmt.Fprintf(&b, "%d families from %d corpus cases: %d %s, %d %s, %d %s, %d %s, %d not yet triaged.\n\n",
		len(fs), len(cases), count[Bug], Bug, count[SpecGap], SpecGap, count[Known], Known, count[ByDesign], ByDesign, untriaged)
	b.WriteString("Statuses: `bug` is " + Bug.Describe() + "; `spec-gap`, " + SpecGap.Describe() + "; `known`, " + Known.Describe() +
		"; `by-design`, " + ByDesign.Describe() + ".\n\n")
	b.WriteString("## To file: the `bug` families\n\n")
	if count[Bug] == 0 {
		b.WriteString("None.\n")
	}
	for i, f := range fs {
		if f.ann != nil && f.ann.Status == Bug {
			best := Best(f.cases)
			fmt.Fprintf(&b, "- [%d. %s](#%d) — `ocidiff report %s`\n", i+1, f.ann.Title, i+1, path.Join(corpusDir, harness.Slug(best.Signature)))
		}
	}
	for i, f := range fs {
		title := "Not yet triaged"
		if f.ann != nil {
			title = f.ann.Title
		}
		fmt.Fprintf(&b, "\n<a id=\"%d\"></a>\n## %d. %s\n\n", i+1, i+1, title)
		if f.ann != nil {
			fmt.Fprintf(&b, "Status: **%s** (%s).", f.ann.Status, f.ann.Status.Describe())
			if len(f.ann.Known) > 0 {
				b.WriteString(" " + linksLabel(f.ann.Status) + ":")
				for j, l := range f.ann.Known {
					if j > 0 {
						b.WriteString(",")
					}
					fmt.Fprintf(&b, " [%s](%s)", l.Title, l.URL)
				}
				b.WriteString(".")
			}
			b.WriteString("\n\n")
			fmt.Fprintf(&b, "Why: %s\n\n", f.ann.Why)
			if f.ann.Ask != "" {
				fmt.Fprintf(&b, "What we ask: %s\n\n", f.ann.Ask)
			}
			if f.ann.Note != "" {
				fmt.Fprintf(&b, "Note: %s\n\n", f.ann.Note)
			}
			if line := holdsLine(holds, f.cases); line != "" {
				b.WriteString(line + "\n\n")
			}
		} else {
			fmt.Fprintf(&b, "Not yet triaged: add a note to %s.\n\n", annotationsFile)
		}
		best := Best(f.cases)
		fmt.Fprintf(&b, "Best case (the smallest clean one): %s, %d bytes; `ocidiff report %s` writes the issue.\n\n",
			caseLink(best), len(best.Input), path.Join(corpusDir, harness.Slug(best.Signature)))
		for _, c := range f.cases {
			fmt.Fprintf(&b, "- Case %s: %s\n", caseLink(c), Words(c.Result))
			for _, d := range Assess(c.Result) {
				fmt.Fprintf(&b, "  - deviates (%s, report to %s): %s\n", d.Rule, d.Upstream.Name, d.Why)
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// WriteTable writes the families of FINDINGS.md as one Markdown table, for
// the README: a row per family with its status, its number of cases and
// its upstream links, each family linked to its section of findingsFile
// (the path of FINDINGS.md from where the table is shown). Cases that no
// annotation claims share one last row. Like FINDINGS.md it depends on
// the cases and annotations alone, so that a test can hold the README to
// the corpus.
func WriteTable(w io.Writer, findingsFile string, cases []corpus.Case, anns []Annotation) error {
	fs, untriaged, count := group(cases, anns)
	var b bytes.Buffer
	b.WriteString("| # | Family | Status | Cases | Upstream |\n|---:|---|---|---:|---|\n")
	for i, f := range fs {
		if f.ann == nil {
			continue
		}
		links := "not found upstream"
		if f.ann.Status == ByDesign {
			links = "documented:"
		}
		if len(f.ann.Known) > 0 {
			var ls []string
			for _, l := range f.ann.Known {
				ls = append(ls, fmt.Sprintf("[%s](%s)", strings.ReplaceAll(l.Title, "|", "\\|"), l.URL))
			}
			links = strings.Join(ls, ", ")
			if f.ann.Status == ByDesign {
				links = "documented: " + links
			}
		}
		fmt.Fprintf(&b, "| [%d](%s#%d) | %s | %s | %d | %s |\n", i+1, findingsFile, i+1,
			strings.ReplaceAll(f.ann.Title, "|", "\\|"), f.ann.Status, len(f.cases), links)
	}
	if untriaged > 0 {
		fmt.Fprintf(&b, "| | not yet triaged | | %d | |\n", untriaged)
	}
	fmt.Fprintf(&b, "\n%d cases in %d families: %d %s, %d %s, %d %s, %d %s; %d cases not yet triaged.\n",
		len(cases), len(fs)-untriaged, count[Bug], Bug, count[SpecGap], SpecGap, count[Known], Known, count[ByDesign], ByDesign, untriaged)
	_, err := w.Write(b.Bytes())
	return err
}

// Holds returns the releases of library lib (a judge name before "@", e.g.
// c/libocispec) on which case c's recorded verdict of that library still
// holds, as HoldsOn decides it; nil when c has no verdict of lib.
type Holds func(c corpus.Case, lib string) []string

// holdsLine says, for each versioned library whose judge stands apart in
// the family's best case, on how many of the family's cases each release
// gives the recorded verdict, e.g. "Holds on c/libocispec: crun-1.8.1 in
// 3 of 5 cases, crun-1.21 in 3 of 5, crun-1.28 in 5 of 5."
func holdsLine(holds Holds, cases []corpus.Case) string {
	if holds == nil {
		return ""
	}
	var libs []string
	for _, d := range Assess(Best(cases).Result) {
		for _, j := range d.Judges {
			if lib, _, ok := strings.Cut(j, "@"); ok && !slices.Contains(libs, lib) {
				libs = append(libs, lib)
			}
		}
	}
	slices.Sort(libs)
	var parts []string
	for _, lib := range libs {
		n := map[string]int{}
		var order []string
		total := 0
		for _, c := range cases {
			if !slices.ContainsFunc(c.Result.Verdicts, func(v parsers.Verdict) bool { return strings.HasPrefix(v.Judge, lib+"@") }) {
				continue
			}
			total++
			for _, v := range holds(c, lib) {
				if n[v] == 0 {
					order = append(order, v)
				}
				n[v]++
			}
		}
		if total == 0 {
			continue
		}
		slices.SortFunc(order, compareVersions)
		var each []string
		for _, v := range order {
			each = append(each, fmt.Sprintf("%s in %d of %d cases", v, n[v], total))
		}
		if len(each) == 0 {
			each = []string{"none of the releases ocidiff carries"}
		}
		parts = append(parts, fmt.Sprintf("Holds on %s: %s.", lib, strings.Join(each, ", ")))
	}
	return strings.Join(parts, " ")
}

// Target names the project a family's reports go to: its Upstream if set,
// and for a spec-gap runtime-spec, whose text and schema disagree, whatever
// judge stands apart; "" leaves the choice to the rule (Assess).
func (a *Annotation) Target() string {
	if a.Upstream == "" && a.Status == SpecGap {
		return "runtime-spec"
	}
	return a.Upstream
}

// linksLabel says what a family's links are, by its status.
func linksLabel(s Status) string {
	switch s {
	case Known:
		return "Known upstream"
	case ByDesign:
		return "Documented"
	}
	return "See"
}

// Best returns the case to report for a family: the smallest clean one. A
// case is clean when its input names ociVersion (a config, not a
// fragment) and the schema validators give at most one cause; among the
// clean cases (or all, if none is) the smallest input wins, then the
// lexically first signature, so that the choice is stable.
func Best(cases []corpus.Case) corpus.Case {
	key := func(c corpus.Case) (int, int, string) {
		dirty := 0
		if !bytes.Contains(c.Input, []byte(`"ociVersion"`)) {
			dirty++
		}
		for _, v := range c.Result.Verdicts {
			if IsValidator(v.Judge) && len(strings.Fields(v.Class)) > 1 {
				dirty++
				break
			}
		}
		return dirty, len(c.Input), c.Signature
	}
	best := cases[0]
	for _, c := range cases[1:] {
		d1, n1, s1 := key(c)
		d0, n0, s0 := key(best)
		if d1 < d0 || d1 == d0 && (n1 < n0 || n1 == n0 && s1 < s0) {
			best = c
		}
	}
	return best
}

// Words says a result's split in words: who rejected and why, who
// accepted, and which values differ.
func Words(r harness.Result) string {
	var parts []string
	for _, o := range []parsers.Outcome{parsers.Reject, parsers.Crash, parsers.Timeout, parsers.Accept} {
		var items []string
		for _, v := range r.Verdicts {
			if v.Outcome != o {
				continue
			}
			item := "`" + v.Judge + "`"
			if o != parsers.Accept && v.Class != "" {
				item += " (" + strings.ReplaceAll(mdtext.Cut(v.Class, 100), "`", "'") + ")"
			}
			items = append(items, item)
		}
		if len(items) > 0 {
			parts = append(parts, map[parsers.Outcome]string{
				parsers.Reject: "rejected by ", parsers.Crash: "crashed ", parsers.Timeout: "timed out ", parsers.Accept: "accepted by ",
			}[o]+strings.Join(items, ", "))
		}
	}
	var paths []string
	for _, d := range r.Diffs {
		p := "`" + harness.GeneralizePath(d.Path) + "`"
		if !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	if len(paths) > 0 {
		parts = append(parts, "values differ at "+strings.Join(paths, ", "))
	}
	return strings.Join(parts, "; ")
}
