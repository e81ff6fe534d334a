package triage

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/internal/mdtext"
	"github.com/ocidiff/ocidiff/parsers"
)

// Rule names why Assess holds a judge to deviate.
type Rule string

const (
	// RuleCrash: the judge crashed or timed out. That is a bug in the
	// judge whatever the input holds.
	RuleCrash Rule = "crash"
	// RuleValidators: the schema validators split; the one whose outcome
	// differs from most parsers deviates.
	RuleValidators Rule = "validators"
	// RuleValues: parsers accepted but read different values; the side
	// with fewer projects, then judges, deviates.
	RuleValues Rule = "values"
	// RuleSpec: both schema validators reject and most parsers accept. The implementations and the spec's schema disagree, so
	// the report goes to runtime-spec.
	RuleSpec Rule = "spec"
	// RuleLenient: a minority of parsers accept what both validators
	// reject.
	RuleLenient Rule = "lenient"
	// RuleSchemaGap: every parser rejects a config that every schema
	// validator accepts: the schema lets through what no implementation
	// reads, so the report goes to runtime-spec.
	RuleSchemaGap Rule = "schema-gap"
	// RuleMinority: parsers split on accepting and the validators do not
	// both reject; the side with fewer projects, then judges, deviates.
	RuleMinority Rule = "minority"
	// RuleWrites: in a round trip, a library wrote bytes that a judge
	// refuses, or that it reads back as another value (harness.Writes).
	RuleWrites Rule = "writes"
)

// Deviation is one judge, or several that stand together, that Assess holds
// to deviate, and where to report it.
type Deviation struct {
	Rule     Rule
	Judges   []string
	Upstream Upstream
	// Why says in one sentence what the judges did differently, from the
	// verdicts alone.
	Why string
	// Paths are the generalized JSON pointers involved, from value splits.
	Paths []string
}

// Assess decides who deviates in a disagreement, by a rule small enough to
// state in full (the README's "Reports to file upstream" gives it to
// readers of a report):
//
//  1. A judge that crashed or timed out deviates.
//  2. If the schema validators split, the one whose outcome differs from
//     that of most parsers deviates (both, if the parsers are even).
//  3. If accepting parsers read different values, the side with the fewest
//     upstream projects deviates, then the fewest judges; every side, if
//     they are even.
//  4. If both validators reject, each parser that accepts is lenient and
//     deviates. When that is most parsers, the spec's schema and its
//     implementations disagree, and runtime-spec is the place to report.
//  5. If every parser rejects what every validator accepts, the schema has
//     a gap, and runtime-spec is the place to report.
//  6. Otherwise, if the parsers split on accepting, the side with the
//     fewest projects, then judges, deviates. A validator's accept is no
//     reference here: both validators decode the text with Go's decoder
//     before the schema sees it, so it does not show the text is JSON a
//     parser must take.
//
// Deviations come in that order, so the first is the sharpest; the report
// is filed with its upstream unless the reader says otherwise. What each
// judge is (parser or validator) and whose code it runs come from ds; a
// judge of r that ds does not describe is an error. A result in which
// every judge agrees has no deviation.
func Assess(r harness.Result, ds parsers.Descriptors) ([]Deviation, error) {
	if r.Agree {
		return nil, nil
	}
	js, err := describe(r, ds)
	if err != nil {
		return nil, err
	}
	var devs []Deviation
	var ps, vs []parsers.Verdict // parsers and validators that gave a verdict
	for _, v := range r.Verdicts {
		switch {
		case v.Outcome == parsers.Crash || v.Outcome == parsers.Timeout:
			// The retry's account, on a fresh process, is enough for a
			// summary; the first process's stays in the verdict table.
			msg, _, retried := strings.Cut(mdtext.OneLine(v.Error), parsers.Retried)
			if retried {
				msg += " (on a fresh process; the first one failed too)"
			}
			devs = append(devs, Deviation{Rule: RuleCrash, Judges: []string{v.Judge}, Upstream: js.upstream(v.Judge),
				Why: fmt.Sprintf("%s %s: %s", v.Judge, pastTense(v.Outcome), msg)})
		case js[v.Judge].Kind == parsers.Validator:
			vs = append(vs, v)
		default:
			ps = append(ps, v)
		}
	}
	pAcc, pRej := split(ps)
	vAcc, vRej := split(vs)

	if len(vAcc) > 0 && len(vRej) > 0 {
		var dev, other []parsers.Verdict
		switch {
		case len(pAcc) > len(pRej):
			dev, other = vRej, vAcc
		case len(pRej) > len(pAcc):
			dev, other = vAcc, vRej
		}
		if dev != nil {
			devs = append(devs, Deviation{Rule: RuleValidators, Judges: names(dev), Upstream: js.upstream(dev[0].Judge),
				Why: fmt.Sprintf("%s %s where %s %s, as most parsers do", list(names(dev)), verb(dev), list(names(other)), verbClass(other))})
		} else {
			for _, v := range vs {
				devs = append(devs, Deviation{Rule: RuleValidators, Judges: []string{v.Judge}, Upstream: js.upstream(v.Judge),
					Why: fmt.Sprintf("the two schema validators disagree (%s %s) and the parsers are evenly split", v.Judge, verbClass([]parsers.Verdict{v}))})
			}
		}
	}

	devs = append(devs, js.valueDeviations(r.Diffs)...)

	switch {
	case len(vs) > 0 && len(vAcc) == 0 && len(pAcc) > 0:
		// Both validators reject: the accepting parsers are lenient.
		if 2*len(pAcc) > len(ps) {
			devs = append(devs, Deviation{Rule: RuleSpec, Judges: names(pAcc), Upstream: mustUpstream("runtime-spec"),
				Why: fmt.Sprintf("%d of %d parsers (%s) accept a config that the spec's schema rejects (%s)", len(pAcc), len(ps), list(names(pAcc)), vs[0].Class)})
			break
		}
		for _, g := range js.byUpstream(pAcc) {
			devs = append(devs, Deviation{Rule: RuleLenient, Judges: names(g), Upstream: js.upstream(g[0].Judge),
				Why: fmt.Sprintf("%s %s a config that both schema validators reject (%s)", list(names(g)), plural(g, "accepts", "accept"), vs[0].Class)})
		}
	case len(vs) > 0 && len(vRej) == 0 && len(ps) > 0 && len(pAcc) == 0:
		devs = append(devs, Deviation{Rule: RuleSchemaGap, Judges: names(vs), Upstream: mustUpstream("runtime-spec"),
			Why: fmt.Sprintf("the spec's schema accepts a config that every parser rejects (%s)", list(names(pRej)))})
	case len(pAcc) > 0 && len(pRej) > 0:
		// The validators accept, split or are absent: they cannot say
		// whether the text is JSON a parser must take (both decode it
		// with Go's decoder first), so the parsers' minority deviates.
		sides := [][]parsers.Verdict{pAcc, pRej}
		dev, even := js.fewest([][]string{names(pAcc), names(pRej)})
		for _, i := range dev {
			s, other := sides[i], sides[1-i]
			for _, g := range js.byUpstream(s) {
				why := fmt.Sprintf("%s %s where %s %s", list(names(g)), verbClass(g), list(names(other)), verb(other))
				if even {
					why += " (neither side has more projects or implementations)"
				}
				devs = append(devs, Deviation{Rule: RuleMinority, Judges: names(g), Upstream: js.upstream(g[0].Judge), Why: why})
			}
		}
	}
	// 7. In a round trip, a writer whose bytes a judge refuses deviates,
	//    whatever the judges said of the input: its output is the
	//    config the next program reads.
	for _, c := range r.Causes {
		if c.Behaviour != harness.Writes || len(c.Judges) == 0 {
			continue
		}
		what := "which " + list(c.Readers) + " refuse"
		if strings.HasPrefix(c.Class, "reads back ") {
			what = "which it reads back as another value"
		}
		devs = append(devs, Deviation{Rule: RuleWrites, Judges: c.Judges, Upstream: js.upstream(c.Judges[0]),
			Why:   fmt.Sprintf("%s %s %s at %s, %s", c.Library, c.Behaviour.Words(), c.Form.Words(), cmp.Or(c.Member, "/"), what),
			Paths: []string{c.Member}})
	}
	return devs, nil
}

// judges are the descriptors of the judges of one result, every one known.
type judges map[string]parsers.Descriptor

// describe looks up the descriptor of every judge r names.
func describe(r harness.Result, ds parsers.Descriptors) (judges, error) {
	js := judges{}
	for _, v := range r.Verdicts {
		d, err := ds.Of(v.Judge)
		if err != nil {
			return nil, fmt.Errorf("triage: %w", err)
		}
		js[v.Judge] = d
	}
	for _, d := range r.Diffs {
		for _, j := range append(slices.Clone(d.A), d.B...) {
			dj, err := ds.Of(j)
			if err != nil {
				return nil, fmt.Errorf("triage: value split at %s: %w", d.Path, err)
			}
			js[j] = dj
		}
	}
	return js, nil
}

func (js judges) upstream(judge string) Upstream { return js[judge].Upstream }

// valueDeviations applies rule 3 to the value splits.
func (js judges) valueDeviations(diffs []harness.ValueDiff) []Deviation {
	type side struct {
		judges []string
		paths  []string
		value  string // at the first path
	}
	var sides []*side
	find := func(js []string, value, path string) *side {
		for _, s := range sides {
			if slices.Equal(s.judges, js) {
				if !slices.Contains(s.paths, path) {
					s.paths = append(s.paths, path)
				}
				return s
			}
		}
		s := &side{judges: js, paths: []string{path}, value: value}
		sides = append(sides, s)
		return s
	}
	for _, d := range diffs {
		p := harness.GeneralizePath(d.Path)
		find(d.A, d.AValue, p)
		find(d.B, d.BValue, p)
	}
	judgeSets := make([][]string, len(sides))
	for i, s := range sides {
		judgeSets[i] = s.judges
	}
	dev, even := js.fewest(judgeSets)
	var devs []Deviation
	for _, i := range dev {
		s := sides[i]
		var others []string
		otherValue := ""
		for _, o := range sides {
			if o != s {
				others = append(others, o.judges...)
				if otherValue == "" {
					otherValue = o.value
				}
			}
		}
		why := fmt.Sprintf("%s %s where %s %s", list(s.judges), reads(s.judges, s.paths[0], s.value),
			list(others), reads(others, "", otherValue))
		if even {
			why += " (neither side has more projects or implementations)"
		}
		slices.Sort(s.paths)
		devs = append(devs, Deviation{Rule: RuleValues, Judges: s.judges, Upstream: js.upstream(s.judges[0]), Why: why, Paths: s.paths})
	}
	return devs
}

// fewest returns the sides that deviate among sides of judges that
// disagree: those with the fewest distinct upstream projects (two judges of
// one library are one opinion), then the fewest judges. When every side
// ties, every side deviates and even is true.
func (js judges) fewest(sides [][]string) (dev []int, even bool) {
	type size struct{ projects, judges int }
	sizes := make([]size, len(sides))
	least := size{1 << 30, 1 << 30}
	for i, side := range sides {
		projects := map[string]bool{}
		for _, j := range side {
			projects[js.upstream(j).Name] = true
		}
		sizes[i] = size{len(projects), len(side)}
		if sizes[i].projects < least.projects || sizes[i].projects == least.projects && sizes[i].judges < least.judges {
			least = sizes[i]
		}
	}
	even = true
	for i := range sides {
		if sizes[i] == least {
			dev = append(dev, i)
		} else {
			even = false
		}
	}
	return dev, even
}

func split(vs []parsers.Verdict) (acc, rej []parsers.Verdict) {
	for _, v := range vs {
		if v.Accepted() {
			acc = append(acc, v)
		} else {
			rej = append(rej, v)
		}
	}
	return acc, rej
}

// byUpstream groups verdicts by the project they belong to, in order.
func (js judges) byUpstream(vs []parsers.Verdict) [][]parsers.Verdict {
	var groups [][]parsers.Verdict
	idx := map[string]int{}
	for _, v := range vs {
		u := js.upstream(v.Judge).Name
		i, ok := idx[u]
		if !ok {
			i = len(groups)
			idx[u] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], v)
	}
	return groups
}

func names(vs []parsers.Verdict) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Judge
	}
	return out
}

func list(ns []string) string {
	switch len(ns) {
	case 0:
		return "no implementation"
	case 1:
		return ns[0]
	}
	return strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
}

func plural[T any](xs []T, one, many string) string {
	if len(xs) == 1 {
		return one
	}
	return many
}

// verb says what the verdicts did: "accepts", "reject", ...
func verb(vs []parsers.Verdict) string {
	if len(vs) > 0 && vs[0].Accepted() {
		return plural(vs, "accepts", "accept")
	}
	return plural(vs, "rejects", "reject")
}

// verbClass is verb with the error class of a rejection.
func verbClass(vs []parsers.Verdict) string {
	s := verb(vs)
	if len(vs) > 0 && !vs[0].Accepted() && vs[0].Class != "" {
		s += " (" + parsers.ShowClass(vs[0].Class) + ")"
	}
	return s
}

func pastTense(o parsers.Outcome) string {
	if o == parsers.Timeout {
		return "timed out"
	}
	return "crashed"
}

// reads says what judges read at path (left out when "") in plain words:
// "read /p as 1", or "read no value at /p" for a member their models lack.
func reads(judges []string, path, value string) string {
	s := plural(judges, "reads", "read")
	switch {
	case value == "" && path == "":
		return s + " no value"
	case value == "":
		return s + " no value at " + path
	case path == "":
		return s + " " + value
	}
	return s + " " + path + " as " + value
}

func mustUpstream(name string) Upstream {
	u, err := FindUpstream(name)
	if err != nil {
		panic(err)
	}
	return u
}

// OtherValues maps each accepting judge that Assess holds to read other
// values than the rest (RuleValues) to the paths where it does. An
// "accept" alone would hide a value split, which is the kind of
// disagreement a runtime acts on silently; the matrices show these
// judges as "value ≠" instead.
func OtherValues(r harness.Result, ds parsers.Descriptors) (map[string][]string, error) {
	devs, err := Assess(r, ds)
	if err != nil {
		return nil, err
	}
	odd := map[string][]string{}
	for _, d := range devs {
		if d.Rule == RuleValues {
			for _, j := range d.Judges {
				odd[j] = append(odd[j], d.Paths...)
			}
		}
	}
	return odd, nil
}
