package recorder

import (
	"slices"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
)

// KnownUnder returns the keys of the causes the cases show that e's judges
// can show too, for Recorder.Known. A cause names a library, not the
// judges that ran, so a machine that runs fewer judges (the
// ClusterFuzzLite image has no C judge) meets the same causes, less
// those that only a judge it lacks showed: a cause no judge of e shows
// adds nothing. A case recorded before causes were (none in its
// case.json) cannot say; it adds nothing either, and is counted in
// missing.
func KnownUnder(e *harness.Engine, cases []corpus.Case) (known map[string]bool, missing int) {
	var have []string
	for _, j := range e.Judges() {
		have = append(have, j.Name())
	}
	known = map[string]bool{}
	for _, c := range cases {
		if !c.Result.Agree && len(c.Result.Causes) == 0 {
			missing++
			continue
		}
		for _, cause := range c.Result.Causes {
			if slices.ContainsFunc(cause.Judges, func(j string) bool { return slices.Contains(have, j) }) {
				known[cause.Key()] = true
			}
		}
	}
	return known, missing
}
