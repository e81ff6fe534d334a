package triage

import (
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/parsers"
)

// HoldsOn says on which versions of a library a recorded verdict still
// holds, so that a finding can say "holds on crun: 1.8.1, 1.21" from the
// judges rather than from a person's notes. ref is the verdict one of the
// library's judges gave when the case was recorded (for example
// c/libocispec@crun-1.8.1's), and vs are the verdicts of every judge on the
// case's input now, as `ocidiff matrix` or -judges all gives them. It
// returns the versions (what follows "@" in the judge's name, oldest
// first) whose judge has ref's outcome and error class and, when ref
// accepted, reads the same model as ref under e's equivalence rules.
func HoldsOn(e *harness.Engine, ref parsers.Verdict, vs []parsers.Verdict) []string {
	lib, _, ok := strings.Cut(ref.Judge, "@")
	if !ok {
		return nil
	}
	var out []string
	for _, v := range vs {
		l, version, ok := strings.Cut(v.Judge, "@")
		if !ok || l != lib || v.Outcome != ref.Outcome || v.Class != ref.Class {
			continue
		}
		if ref.Accepted() && !e.SameModel(ref.Model, v.Model) {
			continue
		}
		out = append(out, version)
	}
	slices.SortFunc(out, compareVersions)
	return slices.Compact(out)
}

// FamilyHoldsOn applies HoldsOn to every case of a finding: e runs the
// library's judges at every version ocidiff carries (for example an engine
// over c/libocispec@crun-1.28, -1.21 and -1.8.1), and the result is the
// versions on which each case's recorded verdict of library lib holds.
// Cases without a verdict of lib are skipped; ok is false when no case has
// one.
func FamilyHoldsOn(e *harness.Engine, lib string, cases []corpus.Case) (versions []string, ok bool) {
	for _, c := range cases {
		i := slices.IndexFunc(c.Result.Verdicts, func(v parsers.Verdict) bool {
			return strings.HasPrefix(v.Judge, lib+"@")
		})
		if i < 0 {
			continue
		}
		holds := HoldsOn(e, c.Result.Verdicts[i], e.Check(c.Input).Verdicts)
		if !ok {
			versions, ok = holds, true
			continue
		}
		versions = slices.DeleteFunc(versions, func(v string) bool { return !slices.Contains(holds, v) })
	}
	return versions, ok
}
