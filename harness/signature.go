package harness

import (
	"regexp"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/parsers"
)

// signature names a disagreement by its cause, not by its input: the
// outcome of every judge, the error class of each judge that did not
// accept, and the generalized paths of value splits. Rejections come first
// because they say most about the cause, and they lead the slug.
//
// Form: "reject: J1 [class]; J2 [class] | crash: … | accept: J3 J4 |
// values: J3 ≠ J4 @ /path, /path".
func signature(vs []parsers.Verdict, diffs []ValueDiff) string {
	var parts []string
	for _, o := range []parsers.Outcome{parsers.Reject, parsers.Crash, parsers.Timeout, parsers.Accept} {
		var items []string
		for _, v := range vs {
			if v.Outcome != o {
				continue
			}
			if o == parsers.Accept {
				items = append(items, v.Judge)
			} else {
				items = append(items, v.Judge+" ["+v.Class+"]")
			}
		}
		if len(items) == 0 {
			continue
		}
		sep := "; "
		if o == parsers.Accept {
			sep = " "
		}
		parts = append(parts, string(o)+": "+strings.Join(items, sep))
	}
	if len(diffs) > 0 {
		// Group paths by the pair of sides, generalized so that the same
		// split at /mounts/0 and /mounts/3 is one cause.
		bySides := map[string][]string{}
		var order []string
		for _, d := range diffs {
			k := strings.Join(d.A, " ") + " ≠ " + strings.Join(d.B, " ")
			if _, ok := bySides[k]; !ok {
				order = append(order, k)
			}
			p := GeneralizePath(d.Path)
			if !slices.Contains(bySides[k], p) {
				bySides[k] = append(bySides[k], p)
			}
		}
		for _, k := range order {
			ps := bySides[k]
			slices.Sort(ps)
			parts = append(parts, "values: "+k+" @ "+strings.Join(ps, ", "))
		}
	}
	return strings.Join(parts, " | ")
}

var index = regexp.MustCompile(`/\d+(/|$)`)

// GeneralizePath replaces array indices in a JSON pointer by "*".
func GeneralizePath(p string) string {
	for {
		q := index.ReplaceAllString(p, "/*$1")
		if q == p {
			return p
		}
		p = q
	}
}
