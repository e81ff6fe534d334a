package triage

import (
	"fmt"
	"slices"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/parsers"
)

// HoldsOn says on which releases of a library a recorded verdict still
// holds, so that a finding can say "holds on libocispec: crun 1.8.1, crun
// 1.21" from the judges rather than from a person's notes. ref is the
// verdict one of the library's judges gave when the case was recorded
// (for example c/libocispec@crun-1.8.1's), and vs are the verdicts of
// every judge on the case's input now, as `ocidiff matrix` or -judges all
// gives them. It returns the releases (the descriptors' Release, oldest
// first) of the judges of ref's library (its descriptor's Library) that
// have ref's outcome and error class and, when ref accepted, read the
// same model as ref under e's equivalence rules. A judge ds does not
// describe is an error.
func HoldsOn(e *harness.Engine, ds parsers.Descriptors, ref parsers.Verdict, vs []parsers.Verdict) ([]string, error) {
	lib, err := libraryOf(ds, ref.Judge)
	if err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	var out []string
	for _, v := range vs {
		d, err := ds.Of(v.Judge)
		if err != nil {
			return nil, fmt.Errorf("triage: %w", err)
		}
		if d.Library != lib || v.Outcome != ref.Outcome || v.Class != ref.Class {
			continue
		}
		if ref.Accepted() && !e.SameModel(ref.Model, v.Model) {
			continue
		}
		out = append(out, d.Release)
	}
	slices.SortFunc(out, compareVersions)
	return slices.Compact(out), nil
}

// FamilyHoldsOn applies HoldsOn to every case of a finding: e runs the
// library's judges at every release ocidiff carries (for example an
// engine over c/libocispec@crun-1.28, -1.21 and -1.8.1), and the result
// is the releases on which each case's recorded verdict of library lib
// holds. Cases without a verdict of lib are skipped; ok is false when no
// case has one.
func FamilyHoldsOn(e *harness.Engine, ds parsers.Descriptors, lib string, cases []corpus.Case) (versions []string, ok bool, err error) {
	for _, c := range cases {
		i, err := verdictOf(ds, c.Result, lib)
		if err != nil {
			return nil, false, err
		}
		if i < 0 {
			continue
		}
		holds, err := HoldsOn(e, ds, c.Result.Verdicts[i], e.Check(c.Input).Verdicts)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			versions, ok = holds, true
			continue
		}
		versions = slices.DeleteFunc(versions, func(v string) bool { return !slices.Contains(holds, v) })
	}
	return versions, ok, nil
}

// verdictOf returns the index of the first verdict of r given by a judge
// of library lib, or -1.
func verdictOf(ds parsers.Descriptors, r harness.Result, lib string) (int, error) {
	for i, v := range r.Verdicts {
		l, err := libraryOf(ds, v.Judge)
		if err != nil {
			return -1, fmt.Errorf("triage: %w", err)
		}
		if l == lib {
			return i, nil
		}
	}
	return -1, nil
}
