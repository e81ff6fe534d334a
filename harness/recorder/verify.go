package recorder

import (
	"errors"
	"io"
	"slices"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/parsers"
)

// replays is how many times a disagreement must come back, each time on
// freshly started judges, before it is written: one replay could meet the
// same passing fault (a second kill, a machine still loaded), two in a row
// from new processes will not.
const replays = 2

// verified reports whether rm, the result for min (minimized from
// original), reproduces: judged again `replays` times, each time on
// freshly started judges, it must give what a corpus case asserts
// (Changed is false), so that the replay test and `ocidiff corpus update`
// will find it as recorded.
//
// The adapter client already judges an input again on a fresh child when
// its child fails, so a lone kill never reaches here. What does reach here
// is a fault the retry could not absorb (the fresh child killed too, a
// load that outlasts the longer deadline) or a judge that is not
// deterministic; neither is a finding. Such a disagreement is counted in
// Stats.Flaky, kept in the run's flaky store for a person to look at
// (fuzzrun.State.Flaky), and forgotten by this recorder, so that the same
// signature met again, maybe for real, is looked at again.
//
// When expired reports true before a replay, verified returns errExpired
// and records nothing: a replay cut short is no evidence either way.
func (r *Recorder) verified(found []string, rm harness.Result, primary harness.Cause, min, original []byte, expired func() bool) (bool, error) {
	again, ok, err := reproduce(r.restart, r.engine, rm, min, expired)
	if err != nil {
		return false, err
	}
	if ok {
		return true, nil
	}
	r.stats.Flaky++
	r.forget(append(found, keys(rm.Causes)...))
	f, err := r.run.Flaky()
	if err != nil {
		return false, err
	}
	c := NewCase(rm, primary, min, original)
	c.Replays = again
	if _, _, err := f.Cases.Add(c); err != nil {
		return false, err
	}
	f.Hits.Count(primary.Key())
	return false, nil
}

// forget undoes what Observe noted of causes, so that the next input that
// shows one of them is looked at again.
func (r *Recorder) forget(keys []string) {
	for _, k := range keys {
		delete(r.seen, k)
	}
}

// errExpired says that the recorder's limit passed during verification.
var errExpired = errors.New("limit passed")

// reproduce judges input `replays` times, each time on the judges of e
// started afresh by restart, and reports whether every replay gives what
// want asserts. It stops at the first replay that does not. A replay whose
// judges cannot be started counts as one that did not reproduce: a
// machine that cannot start a process is a passing fault too. When
// expired (if not nil) reports true before a replay, it stops there and
// returns errExpired.
func reproduce(restart func(*harness.Engine) (*harness.Engine, func(), error), e *harness.Engine, want harness.Result, input []byte, expired func() bool) ([]harness.Result, bool, error) {
	var got []harness.Result
	for range replays {
		if expired != nil && expired() {
			return got, false, errExpired
		}
		fresh, stop, err := restart(e)
		if err != nil {
			return got, false, nil
		}
		now := fresh.Check(input)
		stop()
		got = append(got, now)
		if Changed(want, now) {
			return got, false, nil
		}
	}
	return got, true, nil
}

// restartWith returns a restart that gives an engine over e's judges, with
// its rules, in which every judge that holds a child process is started
// anew by open; stop ends those children. The in-process judges are
// shared: they are functions of their input and keep nothing from one
// input to the next, so starting them again would only cost time
// (compiling the schema). What can carry a fault from before (a child
// killed, starved or left in a bad state by an earlier input) is exactly
// what a child process is.
func restartWith(open Open) func(e *harness.Engine) (*harness.Engine, func(), error) {
	return func(e *harness.Engine) (*harness.Engine, func(), error) {
		return restart(open, e)
	}
}

func restart(open Open, e *harness.Engine) (*harness.Engine, func(), error) {
	var js, started []parsers.Judge
	stop := func() { parsers.Close(started) }
	for _, j := range e.Judges() {
		if _, ok := j.(io.Closer); ok {
			n, err := open([]string{j.Name()})
			if err != nil {
				stop()
				return nil, nil, err
			}
			j = n[0]
			started = append(started, j)
		}
		js = append(js, j)
	}
	var off []string
	for _, rule := range harness.Rules() {
		if !slices.ContainsFunc(e.Rules(), func(in harness.Rule) bool { return in.Name == rule.Name }) {
			off = append(off, rule.Name)
		}
	}
	fresh, err := harness.New(js, harness.Without(off...), harness.WithRoundTrip(e.RoundTripMode()))
	if err != nil {
		stop()
		return nil, nil, err
	}
	return fresh, stop, nil
}
