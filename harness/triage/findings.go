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
	"time"
	"unicode/utf8"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/internal/mdtext"
	"github.com/ocidiff/ocidiff/parsers"
)

// Annotation is a person's triage of one family of discrepancies: what the
// data alone cannot say. It claims the causes its predicate allows.
// Claiming causes rather than a list of cases keeps a family whole when
// the corpus is re-recorded, and lets `ocidiff check` name the family of
// every cause found in a user's own config.
type Annotation struct {
	// ID is a short stable name, e.g. "layerfolders-null".
	ID    string `json:"id"`
	Title string `json:"title"`
	// Status says what the family is for upstream: one of Statuses.
	Status Status `json:"status"`
	// Cause is the family's claim on causes: a cause is the family's when
	// every field the predicate sets allows it. Families are named by
	// cause, so that a file's every cause is named, and naming does not
	// change with the judges that run. A family without one claims
	// nothing: a phenomenon the cause model cannot tell apart yet.
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
	// (by-design), or the discussions a new report should cite. Each
	// link's Rel says which.
	Known []Link `json:"known,omitempty"`
	// Best is the corpus case directory (its slug) the family's report
	// leads with: a case chosen to show the claim, valid but for the
	// cause, on a member real configs use, showing the harm where there
	// is one. The smallest case, which Best (the function) picks when
	// this is empty, stays in the corpus for regression. The case must
	// exist and stand for a cause the family claims; BestCase checks.
	Best string `json:"best,omitempty"`
	// Lead, if set, is the first sentence of the report on the best
	// case, in place of the one ocidiff writes from the cause: that one
	// says what the library does in ocidiff's terms ("reads no value
	// … where the other parsers read"), which can mislead where the
	// others refuse too or the value is dropped with its parent.
	Lead string `json:"lead,omitempty"`
	// State is what the upstream's default branch said of the family
	// when last read, for the report's "Versions" section.
	State *State `json:"state,omitempty"`
	// Spec is the spec text a report quotes under "What the spec says",
	// for a family whose cause no member's bullet covers (bad syntax,
	// say) or that needs one sentence rather than the member's bullet.
	Spec *Quote `json:"spec,omitempty"`
}

// State is an upstream's state for a family, as read on one day at one
// commit of its default branch: a report says what it says and when.
type State struct {
	// Repo is the repository read ("opencontainers/runtime-spec"),
	// Branch its default branch and Commit the full commit read: a
	// short hash in a report is one a reader cannot trust to stay unique.
	Repo   string `json:"repo"`
	Branch string `json:"branch"`
	Commit string `json:"commit"`
	// Checked is the day it was read, YYYY-MM-DD.
	Checked string `json:"checked"`
	// State is one of UpstreamStates.
	State string `json:"state"`
	// Summary says the state in a sentence for the maintainer: which
	// pull request fixed it, in which release, or why it is by design.
	Summary string `json:"summary,omitempty"`
}

// UpstreamStates lists what a State may say: the behaviour is not
// reported upstream, reported and open, fixed on the default branch but
// in no release, fixed in a release, or decided to be by design.
var UpstreamStates = []string{"unreported", "reported", "fixed-unreleased", "fixed-released", "by-design"}

// Quote is a verbatim passage of the spec and where it is.
type Quote struct {
	Text string `json:"text"`
	// URL links the passage at a commit or a tag of runtime-spec, so
	// that the quote and its link do not drift apart when main moves.
	// A family whose upstream answers to another text (golang/go to
	// RFC 8259 and its own package documentation) links that at a tag
	// or a commit of its repository, or an RFC, and names it in Source.
	URL string `json:"url"`
	// Source names a text that is not runtime-spec's ("RFC 8259,
	// section 6"); a report labels the quote with it.
	Source string `json:"source,omitempty"`
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
	// FixedUnreleased: fixed on the upstream's default branch, in no
	// release yet; the report says so and links the fix (rel fixed-by),
	// since users of every release still meet it.
	FixedUnreleased Status = "fixed-unreleased"
	// Fixed: fixed in a release newer than the judge that shows it; kept
	// for regression and for users of the older release, not filed.
	Fixed Status = "fixed"
)

// Statuses lists every status, in the order FINDINGS.md lists families.
var Statuses = []Status{Bug, SpecGap, FixedUnreleased, Fixed, Known, ByDesign}

// Describe says what the status means, for a reader.
func (s Status) Describe() string {
	return map[Status]string{
		Bug:      "a bug not reported upstream yet",
		ByDesign: "documented behaviour, not a bug",
		Known:    "already reported upstream",
		SpecGap:  "the spec text and its schema (or every runtime) disagree",

		FixedUnreleased: "fixed on the default branch, not released",
		Fixed:           "fixed in a release newer than the judge's",
	}[s]
}

// Link is a reference to an upstream issue or document.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
	// Rel says what the link is to the family: one of Rels. Empty means
	// RelReports, which is what the links of known families always were.
	Rel string `json:"rel,omitempty"`
}

// The relations a link can have to a family. Only a link that reports the
// behaviour makes a family known; the pull request that introduced it
// does not.
const (
	RelReports    = "reports"
	RelIntroduced = "introduced-by"
	RelFixed      = "fixed-by"
	RelDecided    = "decided-in"
	RelRelated    = "related"
)

// Rels lists every link relation, in the order reports list them.
var Rels = []string{RelReports, RelIntroduced, RelFixed, RelDecided, RelRelated}

// Relation returns the link's relation, RelReports when it names none.
func (l Link) Relation() string {
	if l.Rel == "" {
		return RelReports
	}
	return l.Rel
}

// MaxTitle is the longest title a family may have: a report's title is
// the family's whole, and a tracker's list shows about this much.
const MaxTitle = 80

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
		case !slices.Contains(Statuses, a.Status):
			return nil, fmt.Errorf("%s: annotation %q: status %q is not one of %v", file, a.ID, a.Status, Statuses)
		case a.Status == Bug && a.Ask == "":
			return nil, fmt.Errorf("%s: annotation %q: status bug needs an ask: what the maintainers should change", file, a.ID)
		case a.Status == ByDesign && len(a.Known) == 0:
			return nil, fmt.Errorf("%s: annotation %q: status %s needs a link (known)", file, a.ID, a.Status)
		case a.Status == Known && !slices.ContainsFunc(a.Known, func(l Link) bool { return l.Relation() == RelReports }):
			return nil, fmt.Errorf("%s: annotation %q: status known needs a link (known) with rel %q: one that reports the behaviour", file, a.ID, RelReports)
		case a.Status == FixedUnreleased && !slices.ContainsFunc(a.Known, func(l Link) bool { return l.Relation() == RelFixed }):
			return nil, fmt.Errorf("%s: annotation %q: status %s needs a link (known) with rel %q: the fix", file, a.ID, a.Status, RelFixed)
		case utf8.RuneCountInString(a.Title) > MaxTitle:
			return nil, fmt.Errorf("%s: annotation %q: the title is %d characters, more than %d: a report shows it whole", file, a.ID, utf8.RuneCountInString(a.Title), MaxTitle)
		case strings.ContainsAny(a.Best, "/\\"):
			return nil, fmt.Errorf("%s: annotation %q: best %q is not a corpus case directory name", file, a.ID, a.Best)
		}
		if err := a.State.check(); err != nil {
			return nil, fmt.Errorf("%s: annotation %q: state: %w", file, a.ID, err)
		}
		if a.State != nil && a.Status == FixedUnreleased && a.State.State != "fixed-unreleased" {
			return nil, fmt.Errorf("%s: annotation %q: status %s, but state says %q", file, a.ID, a.Status, a.State.State)
		}
		if a.Status == Fixed && (a.State == nil || a.State.State != "fixed-released") {
			return nil, fmt.Errorf("%s: annotation %q: status %s needs a state that says fixed-released: where and when the fix was read", file, a.ID, a.Status)
		}
		if q := a.Spec; q != nil && (q.Text == "" || !specAtCommit.MatchString(q.URL) && (q.Source == "" || !otherAtCommit.MatchString(q.URL))) {
			return nil, fmt.Errorf("%s: annotation %q: spec needs its text and a url into runtime-spec at a commit or tag (https://github.com/opencontainers/runtime-spec/blob/REF/FILE#ANCHOR), or a source and a url to an RFC or into another repository at a commit or tag, got %q", file, a.ID, q.URL)
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
		for _, l := range a.Known {
			if !strings.HasPrefix(l.URL, "https://") {
				return nil, fmt.Errorf("%s: annotation %q: link %q is not an https URL", file, a.ID, l.URL)
			}
			if !slices.Contains(Rels, l.Relation()) {
				return nil, fmt.Errorf("%s: annotation %q: link %q: rel %q is not one of %v", file, a.ID, l.URL, l.Rel, Rels)
			}
		}
	}
	return anns, nil
}

// specAtCommit matches a link into runtime-spec at a fixed ref: a tag or
// a commit, not a branch, whose text moves under the quote.
var specAtCommit = regexp.MustCompile(`^https://github\.com/opencontainers/runtime-spec/blob/(v\d+\.\d+\.\d+[\w.-]*|[0-9a-f]{40})/[\w./-]+(#\S+)?$`)

// otherAtCommit matches a link to another text that does not move: an
// RFC, or a file of a GitHub repository at a commit or a release tag (a
// ref with a digit: "go1.26.8", "v0.10.0"), not a branch.
var otherAtCommit = regexp.MustCompile(`^(https://www\.rfc-editor\.org/rfc/rfc\d+(\.html)?|https://github\.com/[\w.-]+/[\w.-]+/blob/([0-9a-f]{40}|[a-z]*v?\d+(\.\d+)+[\w.-]*)/[\w./-]+)(#\S+)?$`)

var fullCommit = regexp.MustCompile(`^[0-9a-f]{40}$`)

// check says what is wrong with a state, if anything; a nil state is none.
func (s *State) check() error {
	if s == nil {
		return nil
	}
	if strings.Count(s.Repo, "/") != 1 || s.Branch == "" {
		return fmt.Errorf("repo %q and branch %q: want owner/name and the default branch read", s.Repo, s.Branch)
	}
	if !fullCommit.MatchString(s.Commit) {
		return fmt.Errorf("commit %q is not a full 40-digit hash", s.Commit)
	}
	if _, err := time.Parse(time.DateOnly, s.Checked); err != nil {
		return fmt.Errorf("checked %q is not a date YYYY-MM-DD", s.Checked)
	}
	if !slices.Contains(UpstreamStates, s.State) {
		return fmt.Errorf("state %q is not one of %v", s.State, UpstreamStates)
	}
	return nil
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
	// NotClass lists words none of which the class may hold: one
	// library's one error at one member can stand for two phenomena
	// that only its wording tells apart (libocispec names the key, so
	// "for key ''" is the empty annotation key, not a wrong-typed value).
	NotClass []string `json:"notClass,omitempty"`
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
		!slices.ContainsFunc(p.NotClass, func(w string) bool { return strings.Contains(c.Class, w) }) &&
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

// Primary returns the cause a case stands for: the one whose instance
// names it, or, for a case named otherwise, its first cause.
func Primary(c corpus.Case) (harness.Cause, bool) {
	for _, x := range c.Result.Causes {
		if x.Instance() == c.Signature {
			return x, true
		}
	}
	if len(c.Result.Causes) > 0 {
		return c.Result.Causes[0], true
	}
	return harness.Cause{}, false
}

// CaseFamily returns the family of a case: that of the cause it stands
// for, or nil when no family claims it.
func CaseFamily(anns []Annotation, c corpus.Case) *Annotation {
	p, ok := Primary(c)
	if !ok {
		return nil
	}
	return FamilyOf(anns, p)
}

// BestCase returns the case a family's report leads with, from cases (a
// corpus's): the one its Best names, which must be there and stand for a
// cause the family claims, or else the smallest clean one of the cases
// that do (Best). Errors name the family.
func (a *Annotation) BestCase(cases []corpus.Case, ds parsers.Descriptors) (corpus.Case, error) {
	var own []corpus.Case
	for _, c := range cases {
		p, ok := Primary(c)
		if !ok || a.Cause == nil || !a.Cause.Allows(p) {
			if a.Best != "" && harness.Slug(c.Signature) == a.Best {
				return corpus.Case{}, fmt.Errorf("family %s: best case %s stands for %s, which the family does not claim", a.ID, a.Best, p.Instance())
			}
			continue
		}
		if a.Best != "" && harness.Slug(c.Signature) == a.Best {
			return c, nil
		}
		own = append(own, c)
	}
	switch {
	case a.Best != "":
		return corpus.Case{}, fmt.Errorf("family %s: best case %s is not in the corpus", a.ID, a.Best)
	case len(own) == 0:
		return corpus.Case{}, fmt.Errorf("family %s: no case of the corpus stands for a cause it claims", a.ID)
	}
	return Best(own, ds)
}

// Finding is one family and the cases that stand for a cause it claims,
// or (Ann nil) one cause no family claims and its cases.
type Finding struct {
	Ann   *Annotation
	Cases []corpus.Case
	// Causes are the keys of the causes the cases stand for.
	Causes []string
}

// Group sorts cases into findings, in the order FINDINGS.md, the README
// and the site list them: every family by status, then in the notes'
// order (also one that holds no case of this corpus), then each cause no
// family claims, with its cases.
func Group(cases []corpus.Case, anns []Annotation) []Finding {
	byAnn := map[string]*Finding{}
	byCause := map[string]*Finding{}
	var untriaged []*Finding
	for _, c := range cases {
		p, _ := Primary(c)
		a := FamilyOf(anns, p)
		var f *Finding
		switch {
		case a != nil:
			if f = byAnn[a.ID]; f == nil {
				f = &Finding{Ann: a}
				byAnn[a.ID] = f
			}
		default:
			if f = byCause[p.Key()]; f == nil {
				f = &Finding{}
				byCause[p.Key()] = f
				untriaged = append(untriaged, f)
			}
		}
		f.Cases = append(f.Cases, c)
		if !slices.Contains(f.Causes, p.Key()) {
			f.Causes = append(f.Causes, p.Key())
		}
	}
	var fs []Finding
	for _, st := range Statuses {
		for i := range anns {
			if anns[i].Status != st {
				continue
			}
			if f := byAnn[anns[i].ID]; f != nil {
				fs = append(fs, *f)
			} else {
				fs = append(fs, Finding{Ann: &anns[i]})
			}
		}
	}
	for _, f := range untriaged {
		fs = append(fs, *f)
	}
	return fs
}

// WriteFindings writes FINDINGS.md, one page a person reads and a pull
// request shows: a row per family with its status, the implementations
// that stand apart, its causes and cases, its best case and its upstream
// links, then a row per cause no family claims. corpusDir is the corpus's
// path from where FINDINGS.md lives, for links. Everything else (every
// case, verdict, value and report) is the site's (`ocidiff site`). The
// output depends on the cases and the notes alone, so that a test holds
// the committed file to them. What each judge is comes from ds.
func WriteFindings(w io.Writer, corpusDir, annotationsFile string, cases []corpus.Case, anns []Annotation, ds parsers.Descriptors) error {
	fs := Group(cases, anns)
	count := map[Status]int{}
	var untriaged, families int
	for _, f := range fs {
		switch {
		case f.Ann == nil:
			untriaged++
		case len(f.Cases) > 0:
			families++
			count[f.Ann.Status]++
		}
	}
	var b bytes.Buffer
	b.WriteString("# Findings\n\n")
	b.WriteString("<!-- Code generated by `go run ./cmd/ocidiff findings > FINDINGS.md`; DO NOT EDIT. -->\n\n")
	fmt.Fprintf(&b, "Every cause in the regression corpus, [%s/](%s/), by family, from the triage notes in [%s](%s). "+
		"A cause is one library standing apart: what it does, to which form of input; a case stands for one cause at one member. "+
		"`go test ./cmd/ocidiff` fails when this page falls out of date; `ocidiff site` shows every case, verdict and report.\n\n",
		corpusDir, corpusDir, annotationsFile, annotationsFile)
	fmt.Fprintf(&b, "%d cases stand for %d causes: %d families hold them (%s), %d causes are in no family yet.\n\n",
		len(cases), countCauses(fs), families, statusCounts(count), untriaged)
	b.WriteString("Statuses: ")
	for i, s := range Statuses {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "`%s` is %s", s, s.Describe())
	}
	b.WriteString(".\n\n")
	b.WriteString("| Family | Status | Implementation | Causes | Cases | Best case | Upstream |\n|---|---|---|---:|---:|---|---|\n")
	for _, f := range fs {
		if f.Ann == nil {
			continue
		}
		best := "no case in this corpus"
		if len(f.Cases) > 0 {
			c, err := f.Ann.BestCase(cases, ds)
			if err != nil {
				return err
			}
			best = fmt.Sprintf("[%d bytes](%s/)", len(c.Input), path.Join(corpusDir, harness.Slug(c.Signature)))
		}
		fmt.Fprintf(&b, "| <a id=\"%s\"></a>`%s`: %s | %s | %s | %d | %d | %s | %s |\n", f.Ann.ID, f.Ann.ID, cell(f.Ann.Title),
			f.Ann.Status, cell(strings.Join(libraries(f.Cases), ", ")), len(f.Causes), len(f.Cases), best, upstreamCell(f.Ann))
	}
	if untriaged > 0 {
		b.WriteString("\n## Causes in no family yet\n\nAdd a family to " + annotationsFile + " for each.\n\n| Cause | Cases | Best case |\n|---|---:|---|\n")
		for _, f := range fs {
			if f.Ann != nil {
				continue
			}
			c, err := Best(f.Cases, ds)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "| %s | %d | [%d bytes](%s/) |\n", cell(f.Causes[0]), len(f.Cases), len(c.Input), path.Join(corpusDir, harness.Slug(c.Signature)))
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// statusCounts says how many families hold cases, by status, leaving out
// a status no family has: "15 bug, 8 spec-gap, 12 known, 11 by-design".
func statusCounts(count map[Status]int) string {
	var parts []string
	for _, s := range Statuses {
		if count[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[s], s))
		}
	}
	return strings.Join(parts, ", ")
}

// countCauses counts the distinct causes the findings' cases stand for:
// one a family claims at some members and another family at others
// counts once.
func countCauses(fs []Finding) int {
	keys := map[string]bool{}
	for _, f := range fs {
		for _, k := range f.Causes {
			keys[k] = true
		}
	}
	return len(keys)
}

// libraries lists the implementations that stand apart in cases' causes.
func libraries(cases []corpus.Case) []string {
	var libs []string
	for _, c := range cases {
		if p, ok := Primary(c); ok && !slices.Contains(libs, p.Library) {
			libs = append(libs, p.Library)
		}
	}
	slices.Sort(libs)
	return libs
}

// cell makes text safe in a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(mdtext.OneLine(s), "|", "\\|") }

// upstreamCell is a family's links, or what stands for them.
func upstreamCell(a *Annotation) string {
	if len(a.Known) == 0 {
		if a.Status == ByDesign {
			return "documented:"
		}
		return "not found upstream"
	}
	var ls []string
	for _, l := range a.Known {
		ls = append(ls, fmt.Sprintf("[%s](%s)", cell(l.Title), l.URL))
	}
	if a.Status == ByDesign {
		return "documented: " + strings.Join(ls, ", ")
	}
	return strings.Join(ls, ", ")
}

// WriteTable writes the families of FINDINGS.md as one Markdown table, for
// the README: a row per family that holds cases, with its status, causes,
// cases and upstream links, each family linked to its row of findingsFile
// (the path of FINDINGS.md from where the table is shown). Causes no
// family claims share one last row. Like FINDINGS.md it depends on the
// cases and notes alone, so that a test can hold the README to the corpus.
func WriteTable(w io.Writer, findingsFile string, cases []corpus.Case, anns []Annotation) error {
	var b bytes.Buffer
	b.WriteString("| Family | Status | Causes | Cases | Upstream |\n|---|---|---:|---:|---|\n")
	count := map[Status]int{}
	var families, untriagedCauses, untriagedCases int
	for _, f := range Group(cases, anns) {
		switch {
		case f.Ann == nil:
			untriagedCauses += len(f.Causes)
			untriagedCases += len(f.Cases)
		case len(f.Cases) > 0:
			families++
			count[f.Ann.Status]++
			fmt.Fprintf(&b, "| [%s](%s#%s) | %s | %d | %d | %s |\n", cell(f.Ann.Title), findingsFile, f.Ann.ID,
				f.Ann.Status, len(f.Causes), len(f.Cases), upstreamCell(f.Ann))
		}
	}
	if untriagedCauses > 0 {
		fmt.Fprintf(&b, "| in no family yet | | %d | %d | |\n", untriagedCauses, untriagedCases)
	}
	fmt.Fprintf(&b, "\n%d cases in %d families: %s; %d causes in no family yet.\n",
		len(cases), families, statusCounts(count), untriagedCauses)
	_, err := w.Write(b.Bytes())
	return err
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
