package recorder

import (
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/parsers/registry"
)

// Replayer judges recorded cases again with the judges each case was
// recorded with, starting each set of judges once.
type Replayer struct {
	engines map[string]*harness.Engine
}

// NewReplayer returns a Replayer with no judges started yet.
func NewReplayer() *Replayer { return &Replayer{engines: map[string]*harness.Engine{}} }

// Replay judges c's input again. The error says which judge could not be
// started (a judge the case names that ocidiff no longer carries).
func (p *Replayer) Replay(c corpus.Case) (harness.Result, error) {
	names := make([]string, len(c.Result.Verdicts))
	for i, v := range c.Result.Verdicts {
		names[i] = v.Judge
	}
	key := strings.Join(names, ",")
	e, ok := p.engines[key]
	if !ok {
		var err error
		if e, err = registry.Engine(key); err != nil {
			return harness.Result{}, err
		}
		p.engines[key] = e
	}
	return e.Check(c.Input), nil
}

// Close stops every judge started.
func (p *Replayer) Close() {
	for _, e := range p.engines {
		e.Close()
	}
}

// Changed reports whether a replayed result differs from the recorded
// one in what a case asserts: the signature, and each judge's outcome and
// error class. Versions, error texts and models may change without
// changing the case.
func Changed(recorded, now harness.Result) bool {
	if recorded.Signature != now.Signature || len(recorded.Verdicts) != len(now.Verdicts) {
		return true
	}
	for i, v := range recorded.Verdicts {
		w := now.Verdicts[i]
		if v.Judge != w.Judge || v.Outcome != w.Outcome || v.Class != w.Class {
			return true
		}
	}
	return false
}
