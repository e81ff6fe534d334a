package recorder

import (
	"slices"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/parsers"
)

// A deviation is one judge standing apart from the others in a result:
// it gave another outcome than most judges, or, accepting, read another
// model than most accepting parsers. An input the fuzzer built often holds
// several independent causes at once (a duplicate key that json/v2
// refuses, and a wrong type that the schema refuses); minimizing once per
// deviation separates them into one case each, so that a signature names
// one cause rather than a combination.
type deviation struct {
	index   int // of the judge in the result's verdicts
	outcome parsers.Outcome
	class   string   // the judge's class must stay this, unless cause is set
	cause   string   // one of the judge's causes that must stay
	paths   []string // generalized paths of value splits it stands in
	// write, when set, is the instance of a Writes cause (a round trip):
	// a writer stands apart by what it wrote, not by a verdict on the
	// input, so the cause itself is what must stay.
	write string
}

// holds reports whether r still shows the deviation.
func (d deviation) holds(r harness.Result) bool {
	if d.write != "" {
		return slices.ContainsFunc(r.Causes, func(c harness.Cause) bool { return c.Instance() == d.write })
	}
	if r.Agree || d.index >= len(r.Verdicts) {
		return false
	}
	v := r.Verdicts[d.index]
	switch {
	case v.Outcome != d.outcome:
		return false
	case d.cause != "":
		if !slices.Contains(v.Causes, d.cause) {
			return false
		}
	case v.Class != d.class:
		return false
	}
	if d.paths == nil {
		return true
	}
	for _, df := range r.Diffs {
		if (slices.Contains(df.A, v.Judge) || slices.Contains(df.B, v.Judge)) &&
			slices.Contains(d.paths, harness.GeneralizePath(df.Path)) {
			return true
		}
	}
	return false
}

// deviations lists the judges that stand apart in r, in judge order.
func deviations(r harness.Result) []deviation {
	count := map[parsers.Outcome]int{}
	for _, v := range r.Verdicts {
		count[v.Outcome]++
	}
	// The majority outcome; on a tie acceptance wins, so that the judges
	// that refuse are the ones that stand apart.
	majority := parsers.Accept
	for _, o := range []parsers.Outcome{parsers.Reject, parsers.Crash, parsers.Timeout} {
		if count[o] > count[majority] {
			majority = o
		}
	}
	// Among accepting parsers, the largest group that read one model is
	// the majority; the others stand apart at the paths where they differ.
	groups := map[string][]string{} // first judge of a group -> its judges
	for _, d := range r.Diffs {
		for _, g := range [][]string{d.A, d.B} {
			groups[g[0]] = g
		}
	}
	var largest []string
	for _, g := range groups {
		if len(g) > len(largest) || len(g) == len(largest) && g[0] < largest[0] {
			largest = g
		}
	}
	var devs []deviation
	for i, v := range r.Verdicts {
		switch {
		case v.Outcome != majority && len(v.Causes) > 1:
			// One deviation per cause: a validator that reports two
			// unrelated errors stands apart twice.
			for _, c := range v.Causes {
				devs = append(devs, deviation{index: i, outcome: v.Outcome, cause: c})
			}
		case v.Outcome != majority:
			devs = append(devs, deviation{index: i, outcome: v.Outcome, class: v.Class})
		case v.Outcome == parsers.Accept && len(groups) > 0 && !slices.Contains(largest, v.Judge):
			var paths []string
			for _, d := range r.Diffs {
				if slices.Contains(d.A, v.Judge) || slices.Contains(d.B, v.Judge) {
					if p := harness.GeneralizePath(d.Path); !slices.Contains(paths, p) {
						paths = append(paths, p)
					}
				}
			}
			devs = append(devs, deviation{index: i, outcome: v.Outcome, paths: paths})
		}
	}
	// Each writer's cause in a round trip is minimized on its own, as a
	// validator's causes are.
	for _, c := range r.Causes {
		if c.Behaviour == harness.Writes && !slices.ContainsFunc(devs, func(d deviation) bool { return d.write == c.Instance() }) {
			devs = append(devs, deviation{index: -1, write: c.Instance()})
		}
	}
	return devs
}

// isolates is the predicate a minimized input must meet to stand for d:
// d still holds, and no judge gives a reason that ref (the result on the
// input as found) did not show. A judge that accepted still accepts and
// accepting parsers split at no new path; a validator refuses for no
// cause it did not give already. Without this the minimizer trades the
// cause's context for new causes (a member made the wrong type keeps the
// deviating judge's verdict) and the case holds two.
//
// A judge that refused with one class (a parser, or a validator that
// could not read the document) may refuse for another class: it reports
// only its first error, so removing one cause shows the next one it had
// masked (crun says layerFolders is missing until layerFolders is gone,
// and then that ociVersion is; a validator refuses a document nested too
// deep until the nesting is gone, and then its wrong-typed root), and
// forbidding that would keep the mask, a second cause, in the case. A
// cause the minimizer created shows in the validators that read the
// document, which report every error.
func (d deviation) isolates(ref, r harness.Result) bool {
	if !d.holds(r) || len(r.Verdicts) != len(ref.Verdicts) {
		return false
	}
	for i, v := range r.Verdicts {
		w := ref.Verdicts[i]
		switch {
		case v.Outcome == parsers.Accept:
		case v.Outcome != w.Outcome:
			return false
		case len(w.Causes) > 0:
			for _, c := range causes(v) {
				if !slices.Contains(causes(w), c) {
					return false
				}
			}
		}
	}
	for _, df := range r.Diffs {
		p := harness.GeneralizePath(df.Path)
		if !slices.ContainsFunc(ref.Diffs, func(e harness.ValueDiff) bool { return harness.GeneralizePath(e.Path) == p }) {
			return false
		}
	}
	// Nor a writer's cause the input as found did not show: a case of a
	// round trip holds one writer's cause, not a new one the minimizer
	// made on the way.
	for _, c := range r.Causes {
		if c.Behaviour == harness.Writes && !slices.ContainsFunc(ref.Causes, func(x harness.Cause) bool { return x.Key() == c.Key() }) {
			return false
		}
	}
	return true
}

// causes lists the classes a verdict refuses for.
func causes(v parsers.Verdict) []string {
	if len(v.Causes) > 0 {
		return v.Causes
	}
	return []string{v.Class}
}
