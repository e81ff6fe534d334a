package recorder

import (
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/parsers"
)

// Replayer judges recorded cases again with the judges each case was
// recorded with, starting each set of judges once.
type Replayer struct {
	open    Open
	engines map[string]*harness.Engine
	judges  []string
}

// NewReplayer returns a Replayer with no judges started yet; open starts
// them by name.
func NewReplayer(open Open) *Replayer {
	return &Replayer{open: open, engines: map[string]*harness.Engine{}}
}

// NewReplayerWith returns a Replayer that judges every case with the
// judges named instead of those it names, as when the default judges
// change. Confirm uses the same judges, so a change of judges counts as a
// change that reproduces.
func NewReplayerWith(open Open, judges []string) *Replayer {
	p := NewReplayer(open)
	p.judges = judges
	return p
}

// Replay judges c's input again. The error says which judge could not be
// started (a judge the case names that ocidiff no longer carries).
func (p *Replayer) Replay(c corpus.Case) (harness.Result, error) {
	e, err := p.engine(c)
	if err != nil {
		return harness.Result{}, err
	}
	return e.Check(c.Input), nil
}

// engine returns the started judges c was recorded with.
func (p *Replayer) engine(c corpus.Case) (*harness.Engine, error) {
	names := make([]string, len(c.Result.Verdicts))
	for i, v := range c.Result.Verdicts {
		names[i] = v.Judge
	}
	if p.judges != nil {
		names = p.judges
	}
	// A case recorded with a round trip is replayed with the same one:
	// its writes causes are part of what it asserts.
	rt := c.Result.RoundTrip
	key := strings.Join(names, ",")
	if rt != nil {
		key += " roundtrip:" + strings.Join(rt.Built, ",")
	}
	e, ok := p.engines[key]
	if !ok {
		js, err := p.open(names)
		if err != nil {
			return nil, err
		}
		if e, err = harness.New(js, harness.WithRoundTrip(rt)); err != nil {
			parsers.Close(js)
			return nil, err
		}
		p.engines[key] = e
	}
	return e, nil
}

// Confirm judges c's input again twice, each time on freshly started
// judges, and reports whether both give what now asserts: whether a
// replay that changed the case (now) is the judges' word or a passing
// fault. `ocidiff corpus update` removes or rewrites a case only on a
// confirmed change, so that a judge that flakes while re-recording cannot
// take a good case away. It returns what the replays gave.
func (p *Replayer) Confirm(c corpus.Case, now harness.Result) ([]harness.Result, bool, error) {
	e, err := p.engine(c)
	if err != nil {
		return nil, false, err
	}
	again, ok, _ := reproduce(restartWith(p.open), e, now, c.Input, nil)
	return again, ok, nil
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
