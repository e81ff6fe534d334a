package recorder

import (
	"slices"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
)

// KnownUnder returns the keys of the causes the cases show to e's judges,
// for Recorder.Known. A machine that runs fewer judges than the corpus was
// recorded with (the ClusterFuzzLite image has no C judge) weighs the
// libraries that stand apart among fewer projects, so a case's input may
// show it a cause the full set did not: each case's input is judged again
// by e. A case read without its input (an older build embedded case.json
// alone) gives the recorded causes that one of e's judges shows, and is
// counted in missing when it records none.
func KnownUnder(e *harness.Engine, cases []corpus.Case) (known map[string]bool, missing int) {
	var have []string
	for _, j := range e.Judges() {
		have = append(have, j.Name())
	}
	known = map[string]bool{}
	for _, c := range cases {
		if c.Input != nil {
			for _, cause := range e.Check(c.Input).Causes {
				known[cause.Key()] = true
			}
			continue
		}
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
