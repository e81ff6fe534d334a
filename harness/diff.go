package harness

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/ocidiff/ocidiff/internal/specmod"
)

// treeDiff lists the JSON paths where two folded models differ. It walks
// down the objects both sides share, skipping members that are equal, and
// hands each differing member to go-cmp, whose reporter gives the paths
// within it. The skip matters: most members of two models agree, and
// in a fuzzing run nearly every input reaches here.
//
// A member that one side lacks and that holds, on the other, an object
// with the spec's member names is walked into as if the lacking side held
// {}: the rules fold an object whose members all fold away, so crun 1.8.1
// reading linux.netDevices as absent leaves no linux at all, and the diff
// must name /linux/netDevices, not /linux, or every cause under linux
// would share one signature. Maps (netDevices, annotations) are not
// walked into: their keys are the user's, not the cause.
func treeDiff(a, b []string, x, y any) []ValueDiff {
	var diffs []ValueDiff
	var walk func(tokens []string, prefix string, x, y any)
	walk = func(tokens []string, prefix string, x, y any) {
		xm, xok := x.(map[string]any)
		ym, yok := y.(map[string]any)
		if !xok || !yok {
			r := pathReporter{prefix: prefix}
			cmp.Equal(x, y, byIndex, cmp.Reporter(&r))
			for _, d := range r.diffs {
				d.A, d.B = a, b
				diffs = append(diffs, d)
			}
			return
		}
		keys := make([]string, 0, len(xm)+len(ym))
		for k := range xm {
			keys = append(keys, k)
		}
		for k := range ym {
			if _, ok := xm[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			xv, xin := xm[k]
			yv, yin := ym[k]
			p := prefix + "/" + escapeToken(k)
			t := append(slices.Clip(tokens), k)
			switch {
			case xin && yin:
				if !equalTree(xv, yv) {
					walk(t, p, xv, yv)
				}
			case xin && specObject(t, xv):
				walk(t, p, xv, map[string]any{})
			case xin:
				diffs = append(diffs, ValueDiff{Path: p, A: a, B: b, AValue: presentText(xv)})
			case specObject(t, yv):
				walk(t, p, map[string]any{}, yv)
			default:
				diffs = append(diffs, ValueDiff{Path: p, A: a, B: b, BValue: presentText(yv)})
			}
		}
	}
	walk(nil, "", x, y)
	return diffs
}

// specObject reports whether v, at the location tokens, is an object
// whose members the spec names (not a map).
func specObject(tokens []string, v any) bool {
	_, ok := v.(map[string]any)
	return ok && specmod.Names(tokens) != nil
}

// byIndex makes go-cmp compare JSON arrays position by position, as a
// program indexing them would, instead of finding the shortest edit
// script between them (which reports a changed element as an insertion
// and a deletion, and costs quadratic time).
var byIndex = cmp.Transformer("byIndex", func(s []any) map[int]any {
	m := make(map[int]any, len(s))
	for i, v := range s {
		m[i] = v
	}
	return m
})

type pathReporter struct {
	prefix string // JSON pointer of the compared values in the model
	path   cmp.Path
	diffs  []ValueDiff
}

func (r *pathReporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }
func (r *pathReporter) PopStep()                 { r.path = r.path[:len(r.path)-1] }

func (r *pathReporter) Report(rs cmp.Result) {
	if rs.Equal() {
		return
	}
	vx, vy := r.path.Last().Values()
	r.diffs = append(r.diffs, ValueDiff{
		Path:   r.prefix + pointer(r.path),
		AValue: jsonText(vx),
		BValue: jsonText(vy),
	})
}

// pointer renders a cmp path through map[string]any trees, and arrays
// turned into map[int]any by byIndex, as a JSON pointer (RFC 6901).
func pointer(p cmp.Path) string {
	var b strings.Builder
	for _, s := range p {
		switch s := s.(type) {
		case cmp.MapIndex:
			b.WriteString("/" + escapeToken(fmt.Sprint(s.Key().Interface())))
		}
	}
	return b.String()
}

func escapeToken(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

// presentText renders a member that is present on one side. A member
// set to null must read "null", not "" as an absent one does:
// reflect.ValueOf(nil) is not a valid Value.
func presentText(v any) string {
	if v == nil {
		return "null"
	}
	return jsonText(reflect.ValueOf(v))
}

// jsonText renders one side's value at a differing path, "" when the value
// is absent on that side (a missing map key or slice element).
func jsonText(v reflect.Value) string {
	if !v.IsValid() {
		return ""
	}
	out, err := json.Marshal(v.Interface())
	if err != nil {
		return fmt.Sprint(v.Interface())
	}
	return string(out)
}
