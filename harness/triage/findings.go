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
		case a.Match == "" && len(a.Cases) == 0:
			return nil, fmt.Errorf("%s: annotation %q: neither match nor cases", file, a.ID)
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
// With holds, a family whose judges of a library ocidiff carries in
// several releases stand apart also says on which releases its cases
// hold, so that a finding names the releases it is true of, as the judges
// show it. What each judge is comes from ds. The output depends on the
// cases, the annotations and the judges alone, so that it can be checked
// against the committed file.
func WriteFindings(w io.Writer, corpusDir, annotationsFile string, cases []corpus.Case, anns []Annotation, holds Holds, ds parsers.Descriptors) error {
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
			best, err := Best(f.cases, ds)
			if err != nil {
				return err
			}
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
			line, err := holdsLine(holds, ds, f.cases)
			if err != nil {
				return err
			}
			if line != "" {
				b.WriteString(line + "\n\n")
			}
		} else {
			fmt.Fprintf(&b, "Not yet triaged: add a note to %s.\n\n", annotationsFile)
		}
		best, err := Best(f.cases, ds)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "Best case (the smallest clean one): %s, %d bytes; `ocidiff report %s` writes the issue.\n\n",
			caseLink(best), len(best.Input), path.Join(corpusDir, harness.Slug(best.Signature)))
		for _, c := range f.cases {
			fmt.Fprintf(&b, "- Case %s: %s\n", caseLink(c), Words(c.Result))
			devs, err := Assess(c.Result, ds)
			if err != nil {
				return fmt.Errorf("case %s: %w", harness.Slug(c.Signature), err)
			}
			for _, d := range devs {
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

// Holds returns the releases of library lib (a descriptor's Library, e.g.
// libocispec) on which case c's recorded verdict of that library still
// holds, as HoldsOn decides it. ok is false when c has no verdict of lib,
// or when ocidiff carries lib in one release only, where there is nothing
// to say.
type Holds func(c corpus.Case, lib string) (releases []string, ok bool, err error)

// holdsLine says, for each library carried in several releases whose
// judge stands apart in the family's best case, on how many of the
// family's cases each release gives the recorded verdict, e.g. "Holds on
// libocispec: crun 1.8.1 in 3 of 5 cases, crun 1.21 in 3 of 5, crun 1.28
// in 5 of 5."
func holdsLine(holds Holds, ds parsers.Descriptors, cases []corpus.Case) (string, error) {
	if holds == nil {
		return "", nil
	}
	best, err := Best(cases, ds)
	if err != nil {
		return "", err
	}
	devs, err := Assess(best.Result, ds)
	if err != nil {
		return "", err
	}
	var libs []string
	for _, d := range devs {
		for _, j := range d.Judges {
			if lib, err := libraryOf(ds, j); err != nil {
				return "", fmt.Errorf("triage: %w", err)
			} else if !slices.Contains(libs, lib) {
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
			releases, ok, err := holds(c, lib)
			if err != nil {
				return "", err
			}
			if !ok {
				continue
			}
			total++
			for _, v := range releases {
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
	return strings.Join(parts, " "), nil
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
// lexically first signature, so that the choice is stable. Which judges
// are validators comes from ds.
func Best(cases []corpus.Case, ds parsers.Descriptors) (corpus.Case, error) {
	key := func(c corpus.Case) (int, int, string, error) {
		dirty := 0
		if !bytes.Contains(c.Input, []byte(`"ociVersion"`)) {
			dirty++
		}
		for _, v := range c.Result.Verdicts {
			d, err := ds.Of(v.Judge)
			if err != nil {
				return 0, 0, "", fmt.Errorf("triage: case %s: %w", harness.Slug(c.Signature), err)
			}
			if d.Kind == parsers.Validator && len(strings.Fields(v.Class)) > 1 {
				dirty++
				break
			}
		}
		return dirty, len(c.Input), c.Signature, nil
	}
	best := cases[0]
	d0, n0, s0, err := key(best)
	if err != nil {
		return corpus.Case{}, err
	}
	for _, c := range cases[1:] {
		d1, n1, s1, err := key(c)
		if err != nil {
			return corpus.Case{}, err
		}
		if d1 < d0 || d1 == d0 && (n1 < n0 || n1 == n0 && s1 < s0) {
			best, d0, n0, s0 = c, d1, n1, s1
		}
	}
	return best, nil
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
