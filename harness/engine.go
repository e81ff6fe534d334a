// Package harness is the differential engine: it sends one input to every
// judge, compares what they said and names the disagreement.
package harness

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/ocidiff/ocidiff/parsers"
)

// Engine runs a fixed set of judges over inputs. An Engine is used by one
// goroutine at a time, like the judges it holds.
type Engine struct {
	judges []parsers.Judge
	rules  []Rule
	// descs holds each judge's descriptor, by name, for naming causes.
	descs parsers.Descriptors
	// roundTrip, when set, makes Check judge what the libraries write too
	// (writes.go).
	roundTrip *RoundTripMode
	// Time spent in the judges and in comparing their verdicts, for the
	// benchmark that tells judge cost from harness cost.
	judgeTime, compareTime time.Duration
}

// New returns an engine over judges with every equivalence rule on, less
// those switched off by opts.
func New(judges []parsers.Judge, opts ...Option) (*Engine, error) {
	c := config{rules: Rules()}
	for _, o := range opts {
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	return &Engine{judges: judges, rules: c.rules, descs: parsers.DescriptorsOf(judges), roundTrip: c.roundTrip}, nil
}

// Judges returns the engine's judges in the order they run.
func (e *Engine) Judges() []parsers.Judge { return e.judges }

// Rules returns the equivalence rules in force, so that an engine over
// fresh judges (recorder.verify) compares as this one does.
func (e *Engine) Rules() []Rule { return e.rules }

// Close closes every judge that holds a resource (a child process).
func (e *Engine) Close() error {
	return parsers.Close(e.judges)
}

// Check runs every judge on input and compares their verdicts; with
// RoundTrip, it judges what the libraries write as well.
func (e *Engine) Check(input []byte) Result {
	return e.Start(input)()
}

// Start hands input to the judges in child processes and returns at once
// with a function that finishes its check as Check does: the in-process
// judges, the wait for the others, the comparison. Checks started one
// after the other may be finished later, in any order, each once; a
// caller with many inputs starts the next few before it finishes one, so
// that a child process goes from one input to the next without waiting
// to be woken for each (a wake-up across cores cost more than the Rust
// and C judges' own work).
func (e *Engine) Start(input []byte) (finish func() Result) {
	t0 := time.Now()
	verdicts := parsers.Start(e.judges, input)
	e.judgeTime += time.Since(t0)
	return func() Result { return e.finish(input, verdicts) }
}

func (e *Engine) finish(input []byte, verdicts func() ([]parsers.Verdict, *parsers.Decoded)) Result {
	t0 := time.Now()
	vs, d := verdicts()
	t1 := time.Now()
	r := e.Compare(vs)
	if !r.Agree && len(vs) > 0 {
		in := newInputView(input)
		in.take(d)
		r.Causes = causes(in, r, e.descs)
	}
	e.judgeTime += t1.Sub(t0)
	e.compareTime += time.Since(t1)
	if e.roundTrip != nil {
		e.roundTripCheck(input, &r)
	}
	return r
}

// judge runs every judge on input (parsers.Start) and returns the
// verdicts, with the input's decode when a judge asked for it.
func (e *Engine) judge(input []byte) (vs []parsers.Verdict, d *parsers.Decoded) {
	return parsers.Start(e.judges, input)()
}

// Time reports the time Check has spent so far in the judges and in
// comparing their verdicts.
func (e *Engine) Time() (judges, compare time.Duration) { return e.judgeTime, e.compareTime }

// Compare is Check without running the judges: it compares verdicts
// already given, for replaying recorded cases and for tests.
func (e *Engine) Compare(vs []parsers.Verdict) Result {
	r := Result{Verdicts: vs}
	r.Diffs = e.valueDiffs(vs)
	r.Agree = len(r.Diffs) == 0
	for _, v := range vs[min(1, len(vs)):] {
		if v.Outcome != vs[0].Outcome {
			r.Agree = false
		}
	}
	if !r.Agree {
		r.Signature = signature(vs, r.Diffs)
	}
	r.Refused = r.Agree && len(vs) > 0 && !vs[0].Accepted()
	return r
}

// Explain names the causes of a result on input, as Check does: for a
// result recorded before, or compared from verdicts given (Compare).
func (e *Engine) Explain(input []byte, r Result) []Cause { return Causes(input, r, e.descs) }

// valueDiffs compares the models of accepting parsers. Parsers that
// wrote the very same bytes share a model without decoding it again (the
// Go judges usually do); the others are decoded, folded by the rules and
// compared with a plain recursive equality. Only models that still differ
// are walked with go-cmp to find where.
func (e *Engine) valueDiffs(vs []parsers.Verdict) []ValueDiff {
	type group struct {
		judges []string
		raws   [][]byte
		tree   any
	}
	var groups []group // one per distinct model, in judge order
next:
	for _, v := range vs {
		if !v.Accepted() || v.Model == nil {
			continue
		}
		for i := range groups {
			for _, raw := range groups[i].raws {
				if bytes.Equal(raw, v.Model) {
					groups[i].judges = append(groups[i].judges, v.Judge)
					continue next
				}
			}
		}
		tree, err := decodeFolded(v.Model, e.rules)
		if err != nil {
			// A parser that accepts and then emits something that is
			// not JSON has misbehaved; its model differs from all.
			tree = map[string]any{"<unparseable model>": err.Error()}
		}
		for i := range groups {
			if equalTree(groups[i].tree, tree) {
				groups[i].judges = append(groups[i].judges, v.Judge)
				groups[i].raws = append(groups[i].raws, v.Model)
				continue next
			}
		}
		groups = append(groups, group{[]string{v.Judge}, [][]byte{v.Model}, tree})
	}
	var diffs []ValueDiff
	for _, g := range groups[min(1, len(groups)):] {
		diffs = append(diffs, treeDiff(groups[0].judges, g.judges, groups[0].tree, g.tree)...)
	}
	return diffs
}

// equalTree is equality of decoded JSON trees. It is what decides whether
// two parsers agree, on every input, so it is written out rather than left
// to reflection.
func equalTree(x, y any) bool {
	switch x := x.(type) {
	case map[string]any:
		y, ok := y.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !equalTree(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := y.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalTree(x[i], y[i]) {
				return false
			}
		}
		return true
	default:
		// string, json.Number, bool or nil: comparable.
		return x == y
	}
}

// SameModel reports whether two re-serialized models read the same under
// the engine's equivalence rules, as Check would compare them.
func (e *Engine) SameModel(a, b json.RawMessage) bool {
	x, err1 := decodeFolded(a, e.rules)
	y, err2 := decodeFolded(b, e.rules)
	return err1 == nil && err2 == nil && equalTree(x, y)
}
