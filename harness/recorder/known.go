package recorder

import (
	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
)

// KnownUnder returns the keys of the causes the cases show to e's judges,
// for Recorder.Known. A machine that runs fewer judges than the corpus was
// recorded with (the ClusterFuzzLite image has no C judge) weighs the
// libraries that stand apart among fewer projects, so a case's input may
// show it a cause the full set did not: each case's input is judged again
// by e. A case read without its input cannot say, and is counted in
// missing.
func KnownUnder(e *harness.Engine, cases []corpus.Case) (known map[string]bool, missing int) {
	known = map[string]bool{}
	for _, c := range cases {
		if c.Input == nil {
			missing++
			continue
		}
		for _, cause := range e.Check(c.Input).Causes {
			known[cause.Key()] = true
		}
	}
	return known, missing
}
