package parsers

import "fmt"

// Crashed returns v as a Crash verdict with the error msg. Its class is
// "crash: " and the normalized message, as the adapters class the crashes
// of their children, so that a crash reads as one whichever judge had it.
func Crashed(v Verdict, msg string) Verdict {
	v.Outcome, v.Error, v.Class, v.Model, v.Causes = Crash, msg, "crash: "+Classify(msg), nil, nil
	return v
}

// Recover turns a panic in an in-process judge into a Crash verdict for
// the input, so that a bug in a library is a finding about it and never a
// crash of the harness. A judge defers it first thing, with its verdict
// already naming the judge:
//
//	func (j *judge) Judge(input []byte) (v parsers.Verdict) {
//		v = parsers.Verdict{Judge: j.name, Version: j.version}
//		defer parsers.Recover(&v)
//		…
func Recover(v *Verdict) {
	if r := recover(); r != nil {
		*v = Crashed(*v, fmt.Sprintf("panic: %v", r))
	}
}
