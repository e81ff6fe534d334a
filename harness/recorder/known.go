package recorder

import (
	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/parsers"
)

// KnownUnder returns the signatures the cases have under e's judges, for
// Recorder.Known. A case's signature names every judge it was recorded
// with, and a machine that runs fewer (the ClusterFuzzLite image has no C
// judge) gives the same input another signature. So each case's recorded
// verdicts of e's judges, in e's order, are compared by e as if they had
// just been given: the signature the case's input has on this machine,
// with no judge run. A case the judges agree on then (a split only a
// missing judge showed) adds nothing. A case recorded without one of e's
// judges cannot say what that judge thinks; it adds nothing either, and
// is counted in missing.
func KnownUnder(e *harness.Engine, cases []corpus.Case) (known map[string]bool, missing int) {
	known = map[string]bool{}
	for _, c := range cases {
		byJudge := map[string]parsers.Verdict{}
		for _, v := range c.Result.Verdicts {
			byJudge[v.Judge] = v
		}
		vs := make([]parsers.Verdict, 0, len(e.Judges()))
		for _, j := range e.Judges() {
			if v, ok := byJudge[j.Name()]; ok {
				vs = append(vs, v)
			}
		}
		if len(vs) != len(e.Judges()) {
			missing++
			continue
		}
		if r := e.Compare(vs); !r.Agree {
			known[r.Signature] = true
		}
	}
	return known, missing
}
