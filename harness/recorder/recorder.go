// Package recorder turns disagreements into regression cases: it is the
// body of the fuzzing loop, shared by the fuzz targets, the benchmark that
// measures them and the corpus commands.
package recorder

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/fuzzrun"
	"github.com/ocidiff/ocidiff/harness/minimize"
	"github.com/ocidiff/ocidiff/parsers"
)

// Recorder checks inputs and records each new disagreement in a corpus.
// It is used by one goroutine at a time, like the engine it holds.
type Recorder struct {
	engine *harness.Engine
	store  *corpus.Store
	run    *fuzzrun.State
	// Budget caps the judge calls one minimization may make.
	Budget int
	// Limit, when not zero, bounds the wall-clock time Observe spends on
	// one input, from its start: past it, Observe stops calling judges and
	// defers the input (ErrDeferred). A fuzz worker needs this: Go's
	// fuzzer stops the whole run when one input takes more than 10 s
	// (internal/fuzz: "deadlocked!"), and recording a deeply nested input
	// took over a minute under load. A judge call in flight is not
	// interrupted, so Limit must leave room for one.
	Limit time.Duration
	// Known, when not nil, names cause keys held elsewhere than the
	// store, which count as recorded: those of a corpus embedded in a
	// ClusterFuzzLite build (KnownUnder), so that only a cause that
	// corpus lacks is written, and reported.
	Known map[string]bool
	// seen holds the keys of the causes this process has already handled,
	// so that an input whose causes are all known costs map lookups, not
	// a minimization: a known cause met at a new member is known.
	seen map[string]bool
	// held maps each cause key to the case directories the store holds
	// for it, read once (loadHeld) and kept up to date as cases are added.
	held  map[string][]string
	stats Stats
	// restart starts the judges anew to verify a case (verify.go).
	restart func(*harness.Engine) (*harness.Engine, func(), error)
}

// Stats says where a recorder's time went.
type Stats struct {
	Inputs, Disagreements, Minimized, Added int
	// Flaky counts disagreements that did not reproduce on freshly
	// started judges and so were not written (verify.go).
	Flaky int
	// Deferred counts inputs kept for recording later (ErrDeferred).
	Deferred int
	// Check is the time in the engine's Check for the inputs themselves;
	// Minimize the time minimizing (judge calls included); Record the
	// time verifying (verify.go) and writing cases.
	Check, Minimize, Record time.Duration
}

// Open starts the judges named, in order, or says which could not start
// (closing those it started). The caller composes it from the registry,
// which this package cannot import: the recorder only needs to start
// again the judges it was given, to verify a case on fresh processes.
type Open func(names []string) ([]parsers.Judge, error)

// New returns a recorder that checks with e and records into s, counting
// hits and keeping deferred and flaky inputs in run; open starts e's
// child-process judges afresh when a case is verified.
func New(e *harness.Engine, s *corpus.Store, run *fuzzrun.State, open Open) *Recorder {
	return &Recorder{engine: e, store: s, run: run, Budget: 400, seen: map[string]bool{}, restart: restartWith(open)}
}

// MaxPerCause is how many cases of one cause the corpus may keep: enough
// to show it at a few members, few enough that every case is distinct.
// The recorder adds one per new cause; more come from choosing among
// members when a corpus is rekeyed.
const MaxPerCause = 5

// Observe checks input. When the judges disagree and one of the causes is
// new to this process and to the corpus, it isolates the cause once for
// each judge that stands apart (see deviation): the input becomes the
// skeleton, a config every judge accepts, changed by the one cause that
// keeps that judge apart (minimize.Isolate, with no cause added on the
// way: deviation.isolates). Each such input is recorded under the cause
// its judge shows there (its instance names the directory) unless the
// corpus already holds a case of that cause, at any member, once it has
// reproduced on freshly started judges (verify.go). Inputs with one
// cause thus converge on one input, whatever valid config the generator
// had put around the cause.
//
// An input whose causes are all known is counted as a hit of each
// (fuzzrun.Hits.Count) and costs nothing more, whatever member it shows
// them at. Observe returns the result for input and the directories of
// the cases it added. The error is a failure to read or write the
// corpus, or ErrDeferred.
//
// With a Limit, Observe defers an input it cannot record in time: one
// whose first check alone took more than a fifth of the limit (a deep
// input: its minimization would make hundreds of such checks), or one
// still being minimized or verified when the limit has passed. It then
// keeps the input whole in the run's pending inputs
// (fuzzrun.State.AddPending), to be observed again without a limit, and
// returns an error that wraps ErrDeferred and names the file. Cases it
// added before deferring are returned too; the causes count as handled in
// this process, so that the inputs after it are not deferred in turn.
func (r *Recorder) Observe(input []byte) (harness.Result, []string, error) {
	t0 := time.Now()
	res := r.engine.Check(input)
	checked := time.Since(t0)
	r.stats.Check += checked
	r.stats.Inputs++
	if res.Agree {
		return res, nil, nil
	}
	r.stats.Disagreements++
	if err := r.loadHeld(); err != nil {
		return res, nil, err
	}
	found := keys(res.Causes)
	if r.known(found) {
		for _, k := range found {
			r.run.Hits.Count(k)
		}
		return res, nil, nil
	}
	for _, k := range found {
		r.seen[k] = true
	}

	var added []string
	expired := func() bool { return r.Limit > 0 && time.Since(t0) >= r.Limit }
	if r.Limit > 0 && checked > r.Limit/5 {
		return res, added, r.deferInput(input)
	}
	devs := deviations(res)
	covered := make([]bool, len(devs))
	for i, d := range devs {
		if covered[i] {
			continue
		}
		t1 := time.Now()
		// Past the limit a candidate is refused without asking the
		// judges, which costs nothing: the minimizer then spends the
		// rest of its budget at once, and the input is deferred.
		min := minimize.Isolate(input, func(b []byte) bool { return !expired() && d.isolates(res, r.engine.Check(b)) }, skeleton, r.Budget)
		if expired() {
			r.stats.Minimize += time.Since(t1)
			return res, added, r.deferInput(input)
		}
		rm := r.engine.Check(min)
		if !d.holds(rm) {
			// A judge that is not deterministic (a timeout under load):
			// keep the input as found rather than lose it.
			min, rm = input, res
		}
		r.stats.Minimize += time.Since(t1)
		r.stats.Minimized++
		primary, ok := primaryCause(rm, d)
		if !ok {
			continue
		}
		// Deviations the minimized input still shows need no search of
		// their own, once it is recorded or its cause known: the case
		// holds them too. A deviation whose case is not recorded (a
		// known cause) is searched on its own, or a new cause met
		// beside a known one (a writer's null beside its reader's) would
		// never be recorded.
		coveredBy := func() {
			for j, d2 := range devs {
				if d2.holds(rm) {
					covered[j] = true
				}
			}
		}
		minKeys := keys(rm.Causes)
		for _, k := range minKeys {
			r.seen[k] = true
		}
		// A known cause at a new member is known: the corpus's few
		// instances of a cause are chosen when it is rekeyed, not added
		// one at a time as the fuzzer meets members.
		key := primary.Key()
		if r.Known[key] || len(r.held[key]) > 0 || r.store.Has(primary.Instance()) {
			r.run.Hits.Count(key)
			if !slices.ContainsFunc(minKeys, func(k string) bool { return !r.Known[k] && len(r.held[k]) == 0 && k != key }) {
				coveredBy()
			}
			continue
		}
		coveredBy()
		t2 := time.Now()
		if ok, err := r.verified(found, rm, primary, min, input, expired); errors.Is(err, errExpired) {
			// Not verified, so not known: the next input that
			// shows it is looked at again.
			r.stats.Record += time.Since(t2)
			r.forget(minKeys)
			// The causes of the input as found stay handled, so that the
			// inputs after it are not all deferred too.
			for _, k := range found {
				r.seen[k] = true
			}
			return res, added, r.deferInput(input)
		} else if err != nil {
			return res, added, fmt.Errorf("keeping flaky %s: %w", primary.Instance(), err)
		} else if !ok {
			r.stats.Record += time.Since(t2)
			continue
		}
		path, ok, err := r.store.Add(NewCase(rm, primary, min, input))
		r.stats.Record += time.Since(t2)
		if err != nil {
			return res, added, fmt.Errorf("recording %s: %w", primary.Instance(), err)
		}
		if ok {
			r.stats.Added++
			added = append(added, path)
			for _, k := range minKeys {
				r.held[k] = append(r.held[k], path)
			}
		}
	}
	return res, added, nil
}

// RecordAs records input, as given, as a case that stands for the cause
// it shows whose instance ("<key> @ <member>") is instance, once it has
// reproduced on freshly started judges. Observe never does this for a
// cause some case already shows: a known key at a new member is known to
// it, and a case a rule change re-records shows a new cause beside the
// one it stands for. A family that claims a cause at one member only
// (the oci-spec-rs reading of an absent pids.limit, beside its hugepage
// limit's) then has no case of its own; this is how a person gives it
// one. It returns the case's directory and whether it was added (false:
// the corpus held it). An input that does not show instance, or that
// did not reproduce, is an error that says so, and nothing is written.
func (r *Recorder) RecordAs(input []byte, instance string) (string, bool, error) {
	res := r.engine.Check(input)
	i := slices.IndexFunc(res.Causes, func(c harness.Cause) bool { return c.Instance() == instance })
	if i < 0 {
		shown := make([]string, len(res.Causes))
		for j, c := range res.Causes {
			shown[j] = c.Instance()
		}
		if len(shown) == 0 {
			return "", false, fmt.Errorf("it shows no cause, not %q: the judges agree", instance)
		}
		return "", false, fmt.Errorf("it does not show %q; it shows:\n\t%s", instance, strings.Join(shown, "\n\t"))
	}
	if r.store.Has(instance) {
		return r.store.Path(instance), false, nil
	}
	if _, ok, err := reproduce(r.restart, r.engine, res, input, nil); err != nil {
		return "", false, err
	} else if !ok {
		return "", false, fmt.Errorf("%s did not come again on freshly started judges: not recorded", instance)
	}
	path, added, err := r.store.Add(NewCase(res, res.Causes[i], input, input))
	if err != nil {
		return "", false, err
	}
	if added && r.held != nil {
		for _, k := range keys(res.Causes) {
			r.held[k] = append(r.held[k], path)
		}
	}
	return path, added, nil
}

// known reports whether every cause is known: handled in this process,
// held by the corpus, or named in Known.
func (r *Recorder) known(keys []string) bool {
	for _, k := range keys {
		if !r.seen[k] && len(r.held[k]) == 0 && !r.Known[k] {
			return false
		}
	}
	return len(keys) > 0
}

// loadHeld reads, once, which causes the corpus holds cases of.
func (r *Recorder) loadHeld() error {
	if r.held != nil {
		return nil
	}
	held, err := r.store.CauseIndex()
	if err != nil {
		return err
	}
	r.held = held
	return nil
}

// keys lists the distinct keys of causes.
func keys(cs []harness.Cause) []string {
	var ks []string
	for _, c := range cs {
		if k := c.Key(); !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	return ks
}

// primaryCause is the cause a case minimized for deviation d stands for:
// the first that d's judge shows, or else the first of all.
func primaryCause(rm harness.Result, d deviation) (harness.Cause, bool) {
	if len(rm.Causes) == 0 {
		return harness.Cause{}, false
	}
	if d.write != "" {
		for _, c := range rm.Causes {
			if c.Instance() == d.write {
				return c, true
			}
		}
	}
	if d.index >= 0 && d.index < len(rm.Verdicts) {
		j := rm.Verdicts[d.index].Judge
		for _, c := range rm.Causes {
			if slices.Contains(c.Judges, j) {
				return c, true
			}
		}
	}
	return rm.Causes[0], true
}

// ErrDeferred says that Observe kept its input for recording later: see
// Recorder.Limit.
var ErrDeferred = errors.New("recording deferred")

// deferInput keeps input in the pending store and returns the error that
// says so.
func (r *Recorder) deferInput(input []byte) error {
	path, err := r.run.AddPending(input)
	if err != nil {
		return fmt.Errorf("deferring an input past the %v limit: %w", r.Limit, err)
	}
	r.stats.Deferred++
	return fmt.Errorf("%w past the %v limit: input kept in %s", ErrDeferred, r.Limit, path)
}

// skeleton is the valid config a case's input is minimized against: every
// default judge accepts it (TestSkeletonIsValid), and it holds what the
// spec calls REQUIRED on Linux and Windows (root with its path; process,
// REQUIRED for start, with cwd, user and args; windows.layerFolders in a
// config for Windows). A case's input is then this config changed by its
// one cause, so the other judges accept it and its report is about the
// cause, not about a missing ociVersion.
var skeleton = minimize.Skeleton{
	Doc:      `{"ociVersion":"1.3.0","process":{"cwd":"/","user":{"uid":0,"gid":0},"args":["sh"]},"root":{"path":"rootfs"},"windows":{"layerFolders":["C:\\layers\\base"]}}`,
	Optional: [][]string{{"windows"}},
}

// NewCase makes the corpus case for a result on input (minimized from
// original) that stands for cause primary, with every judge's exact
// version. The case is named by the cause's instance, so that adding or
// upgrading a judge renames no case.
func NewCase(res harness.Result, primary harness.Cause, input, original []byte) corpus.Case {
	versions := map[string]string{}
	for _, v := range res.Verdicts {
		versions[v.Judge] = v.Version
	}
	return corpus.Case{Signature: primary.Instance(), Input: input, Original: original, Result: res, Versions: versions}
}

// Engine returns the engine the recorder checks with.
func (r *Recorder) Engine() *harness.Engine { return r.engine }

// Stats returns where the time went so far.
func (r *Recorder) Stats() Stats { return r.stats }

// CasesOf returns the directories of the cases the corpus holds for the
// cause's key, as this recorder knows them: `ocidiff corpus add` names
// them as known.
func (r *Recorder) CasesOf(c harness.Cause) []string {
	if r.loadHeld() != nil {
		return nil
	}
	return slices.Clone(r.held[c.Key()])
}
