package triage

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/parsers"
)

// VersionChanges says, for each library judged at several releases (the
// judges ds gives one Library), where the releases part: "oci-spec-rs:
// 0.6.0 rejects (class); 0.10.0 accepts". A judge of r that ds does not
// describe is an error.
func VersionChanges(r harness.Result, ds parsers.Descriptors) ([]string, error) {
	type ver struct {
		version string
		v       parsers.Verdict
	}
	byLib := map[string][]ver{}
	var libs []string
	for _, v := range r.Verdicts {
		d, err := ds.Of(v.Judge)
		if err != nil {
			return nil, fmt.Errorf("triage: %w", err)
		}
		lib, version := d.Library, d.Release
		if _, seen := byLib[lib]; !seen {
			libs = append(libs, lib)
		}
		byLib[lib] = append(byLib[lib], ver{version, v})
	}
	side := func(judge string) string { // which model the judge read
		for _, d := range r.Diffs {
			if slices.Contains(d.B, judge) {
				return strings.Join(d.B, ",")
			}
		}
		return ""
	}
	var out []string
	for _, lib := range libs {
		vs := byLib[lib]
		if len(vs) < 2 {
			continue
		}
		slices.SortFunc(vs, func(a, b ver) int { return compareVersions(a.version, b.version) })
		differ := false
		for _, x := range vs[1:] {
			if x.v.Outcome != vs[0].v.Outcome || x.v.Class != vs[0].v.Class || side(x.v.Judge) != side(vs[0].v.Judge) {
				differ = true
			}
		}
		if !differ {
			continue
		}
		var parts []string
		for _, x := range vs {
			s := x.version + " " + outcomeWords(x.v)
			if x.v.Accepted() && side(x.v.Judge) != "" {
				s += " (reads other values)"
			}
			parts = append(parts, s)
		}
		out = append(out, lib+": "+strings.Join(parts, "; "))
	}
	return out, nil
}

// outcomeWords says what a verdict did, with the error class of anything
// but an acceptance: "accepts", "rejects (class)", "crashes (panic: …)".
func outcomeWords(v parsers.Verdict) string {
	class := parsers.ShowClass(v.Class)
	var s string
	switch v.Outcome {
	case parsers.Accept:
		return "accepts"
	case parsers.Crash:
		s, class = "crashes", strings.TrimPrefix(class, "crash: ")
	case parsers.Timeout:
		s = "times out"
	default:
		s = "rejects"
	}
	if class != "" {
		s += " (" + class + ")"
	}
	return s
}

// compareVersions orders dotted version numbers numerically, and releases
// named as a program's ("runc 1.1 on spec 1.0.2-dev", "crun 1.8.1") by
// the program's version.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errx := strconv.Atoi(as[i])
		y, erry := strconv.Atoi(bs[i])
		if errx != nil || erry != nil {
			if c := strings.Compare(as[i], bs[i]); c != 0 {
				return c
			}
			continue
		}
		if x != y {
			return x - y
		}
	}
	return len(as) - len(bs)
}
