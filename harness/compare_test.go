package harness

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ocidiff/ocidiff/parsers"
)

// These tests pin what Compare must say, written out by hand, so that a
// fault in the comparison is caught here and not only by replaying the
// corpus (which the same faulty comparison recorded). Each model pair is
// chosen so that one shortcut in the engine, done wrong, flips the answer:
// an extra member on the second side (equalTree's length check), models of
// the same length (the same-bytes shortcut), the number 0 (zero-is-absent).

var allRules = []string{"null-is-absent", "empty-is-absent", "zero-is-absent", "capability-sets"}

// only returns the rules to switch off so that only keep stays on.
func only(keep string) []string {
	var off []string
	for _, r := range allRules {
		if r != keep {
			off = append(off, r)
		}
	}
	return off
}

func compareWithout(t *testing.T, without []string, vs ...parsers.Verdict) Result {
	t.Helper()
	e, err := New(nil, Without(without...))
	if err != nil {
		t.Fatal(err)
	}
	return e.Compare(vs)
}

func TestCompareModels(t *testing.T) {
	g, r, c := []string{"go"}, []string{"rust"}, []string{"c"}
	tests := []struct {
		name    string
		without []string
		models  []string // judges go, rust, c in that order
		want    []ValueDiff
	}{
		{
			name:   "extra member on the second side",
			models: []string{`{"a":1}`, `{"a":1,"b":2}`},
			want:   []ValueDiff{{Path: "/b", A: g, B: r, BValue: `2`}},
		},
		{
			name:   "extra member on the first side",
			models: []string{`{"a":1,"b":2}`, `{"a":1}`},
			want:   []ValueDiff{{Path: "/b", A: g, B: r, AValue: `2`}},
		},
		{
			name:   "extra nested member",
			models: []string{`{"o":{"a":"x"}}`, `{"o":{"a":"x","b":"y"}}`},
			want:   []ValueDiff{{Path: "/o/b", A: g, B: r, BValue: `"y"`}},
		},
		{
			name:   "extra member in an array element",
			models: []string{`{"l":[{"a":1}]}`, `{"l":[{"a":1,"b":true}]}`},
			want:   []ValueDiff{{Path: "/l/0/b", A: g, B: r, BValue: `true`}},
		},
		{
			name:   "same length, other value",
			models: []string{`{"a":1}`, `{"a":2}`},
			want:   []ValueDiff{{Path: "/a", A: g, B: r, AValue: `1`, BValue: `2`}},
		},
		{
			name:   "same length, other member name",
			models: []string{`{"ab":true}`, `{"ba":true}`},
			want: []ValueDiff{
				{Path: "/ab", A: g, B: r, AValue: `true`},
				{Path: "/ba", A: g, B: r, BValue: `true`},
			},
		},
		{
			name:   "same bytes share a model",
			models: []string{`{"a":[1,2]}`, `{"a":[1,2]}`},
		},
		{
			name:   "other bytes, same model",
			models: []string{`{"a":[1,2],"b":"x"}`, `{ "b": "x", "a": [ 1, 2 ] }`},
		},
		{
			name:   "numbers as written: 1 and 1.0",
			models: []string{`{"n":1}`, `{"n":1.0}`},
			want:   []ValueDiff{{Path: "/n", A: g, B: r, AValue: `1`, BValue: `1.0`}},
		},
		{
			name:   "numbers as written: same length",
			models: []string{`{"n":1.0}`, `{"n":1e0}`},
			want:   []ValueDiff{{Path: "/n", A: g, B: r, AValue: `1.0`, BValue: `1e0`}},
		},
		{
			name:   "numbers as written: beyond float64",
			models: []string{`{"n":18446744073709551615}`, `{"n":18446744073709551616}`},
			want:   []ValueDiff{{Path: "/n", A: g, B: r, AValue: `18446744073709551615`, BValue: `18446744073709551616`}},
		},
		{
			name:   "[] against {} in an array, where no rule folds",
			models: []string{`{"l":[[]]}`, `{"l":[{}]}`},
			want:   []ValueDiff{{Path: "/l/0", A: g, B: r, AValue: `[]`, BValue: `{}`}},
		},
		{
			name:   "[] against {} as members fold as absent",
			models: []string{`{"m":[]}`, `{"m":{}}`},
		},
		{
			name:    "[] against {} as members without empty-is-absent",
			without: []string{"empty-is-absent"},
			models:  []string{`{"m":[]}`, `{"m":{}}`},
			want:    []ValueDiff{{Path: "/m", A: g, B: r, AValue: `[]`, BValue: `{}`}},
		},
		{
			name:   "an array against an object with the same content",
			models: []string{`{"m":["x"]}`, `{"m":{"0":"x"}}`},
			want:   []ValueDiff{{Path: "/m", A: g, B: r, AValue: `["x"]`, BValue: `{"0":"x"}`}},
		},
		{
			name:   "array elements are never folded",
			models: []string{`{"l":[1,0,"",false,null,[],{}]}`, `{"l":[1]}`},
			want: []ValueDiff{
				{Path: "/l/1", A: g, B: r, AValue: `0`},
				{Path: "/l/2", A: g, B: r, AValue: `""`},
				{Path: "/l/3", A: g, B: r, AValue: `false`},
				{Path: "/l/4", A: g, B: r, AValue: `null`},
				{Path: "/l/5", A: g, B: r, AValue: `[]`},
				{Path: "/l/6", A: g, B: r, AValue: `{}`},
			},
		},
		{
			name:   "three parsers, three models",
			models: []string{`{"a":1}`, `{"a":2}`, `{"a":3}`},
			want: []ValueDiff{
				{Path: "/a", A: g, B: r, AValue: `1`, BValue: `2`},
				{Path: "/a", A: g, B: c, AValue: `1`, BValue: `3`},
			},
		},
		{
			name:   "three parsers, the second and third models of the same length",
			models: []string{`{"a":1}`, `{"a":1,"b":2}`, `{"a":1,"c":2}`},
			want: []ValueDiff{
				{Path: "/b", A: g, B: r, BValue: `2`},
				{Path: "/c", A: g, B: c, BValue: `2`},
			},
		},
		{
			name:   "three parsers, the third reads as the first",
			models: []string{`{"a":1}`, `{"a":2}`, `{"a":1,"z":null}`},
			want:   []ValueDiff{{Path: "/a", A: []string{"go", "c"}, B: r, AValue: `1`, BValue: `2`}},
		},
	}
	judges := []string{"go", "rust", "c"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var vs []parsers.Verdict
			for i, m := range tt.models {
				vs = append(vs, accept(judges[i], m))
			}
			res := compareWithout(t, tt.without, vs...)
			if diff := cmp.Diff(tt.want, res.Diffs); diff != "" {
				t.Errorf("Compare(%q) diffs (-want +got):\n%s", tt.models, diff)
			}
			if want := len(tt.want) == 0; res.Agree != want {
				t.Errorf("Compare(%q).Agree = %v, want %v", tt.models, res.Agree, want)
			}
			if res.Agree != (res.Signature == "") {
				t.Errorf("Compare(%q): Agree %v with signature %q", tt.models, res.Agree, res.Signature)
			}
		})
	}
}

// TestRuleFoldsAbsent crosses each value a rule folds with that rule on
// and off: with every rule on, with only the rule that folds it, and with
// every rule but that one. The value sits in a nested object next to a
// member both sides share, so that folding it leaves objects of unequal
// size unless the fold happened.
func TestRuleFoldsAbsent(t *testing.T) {
	for _, tc := range []struct {
		value, rule string
	}{
		{`0`, "zero-is-absent"},
		{`0.0`, "zero-is-absent"},
		{`-0`, "zero-is-absent"},
		{`0e10`, "zero-is-absent"},
		{`""`, "zero-is-absent"},
		{`false`, "zero-is-absent"},
		{`[]`, "empty-is-absent"},
		{`{}`, "empty-is-absent"},
		{`null`, "null-is-absent"},
	} {
		absent := `{"o":{"k":"v"}}`
		present := `{"o":{"k":"v","m":` + tc.value + `}}`
		for _, cfg := range []struct {
			name    string
			without []string
			fold    bool
		}{
			{"all rules", nil, true},
			{"only " + tc.rule, only(tc.rule), true},
			{"without " + tc.rule, []string{tc.rule}, false},
			{"no rules", allRules, false},
		} {
			// Both orders: the member present on the first side, then on
			// the second.
			for _, models := range [][2]string{{present, absent}, {absent, present}} {
				res := compareWithout(t, cfg.without, accept("go", models[0]), accept("rust", models[1]))
				if cfg.fold {
					if !res.Agree {
						t.Errorf("%s: %s against %s disagree, want folded: %+v", cfg.name, models[0], models[1], res.Diffs)
					}
					continue
				}
				want := ValueDiff{Path: "/o/m", A: []string{"go"}, B: []string{"rust"}}
				if models[0] == present {
					want.AValue = tc.value
				} else {
					want.BValue = tc.value
				}
				if diff := cmp.Diff([]ValueDiff{want}, res.Diffs); diff != "" || res.Agree {
					t.Errorf("%s: %s against %s: agree %v, diffs (-want +got):\n%s", cfg.name, models[0], models[1], res.Agree, diff)
				}
			}
		}
	}
}

// TestZeroIsAbsentKeepsPointers checks that zero-is-absent folds a zero
// only where specs-go's field is not a pointer: pids.limit is *int64 (nil
// leaves pids.max alone, 0 is a limit), memory.swappiness *uint64,
// process.user.umask *uint32, while hugepage limit and timeOffsets'
// nanosecs are plain integers, absent and zero one value to Go. Both
// model readers are held to it: the folding decoder and fold afterwards.
func TestZeroIsAbsentKeepsPointers(t *testing.T) {
	for _, tc := range []struct {
		zero, absent string
		path         string // where the zero sits; "" when it folds
	}{
		{`{"linux":{"resources":{"pids":{"limit":0}}}}`, `{"linux":{"resources":{"pids":{}}}}`, "/linux/resources/pids/limit"},
		{`{"linux":{"resources":{"memory":{"swappiness":0,"limit":1}}}}`, `{"linux":{"resources":{"memory":{"limit":1}}}}`, "/linux/resources/memory/swappiness"},
		{`{"process":{"cwd":"/","user":{"uid":1,"umask":0}}}`, `{"process":{"cwd":"/","user":{"uid":1}}}`, "/process/user/umask"},
		{`{"linux":{"resources":{"hugepageLimits":[{"pageSize":"2MB","limit":0}]}}}`, `{"linux":{"resources":{"hugepageLimits":[{"pageSize":"2MB"}]}}}`, ""},
		{`{"linux":{"timeOffsets":{"boottime":{"secs":1,"nanosecs":0}}}}`, `{"linux":{"timeOffsets":{"boottime":{"secs":1}}}}`, ""},
		// Not a place specs-go knows: folded as before.
		{`{"x":{"limit":0,"k":1}}`, `{"x":{"k":1}}`, ""},
	} {
		res := compareWithout(t, nil, accept("go", tc.absent), accept("rust", tc.zero))
		if tc.path == "" {
			if !res.Agree {
				t.Errorf("%s against %s disagree, want the zero folded: %+v", tc.absent, tc.zero, res.Diffs)
			}
		} else {
			want := []ValueDiff{{Path: tc.path, A: []string{"go"}, B: []string{"rust"}, BValue: "0"}}
			if diff := cmp.Diff(want, res.Diffs); diff != "" {
				t.Errorf("%s against %s (-want +got):\n%s", tc.absent, tc.zero, diff)
			}
		}
		// The one-pass decoder folds as fold does after decoding.
		v, err := decodeFolded([]byte(tc.zero), rules)
		if err != nil {
			t.Fatal(err)
		}
		m, err := decodeModel([]byte(tc.zero))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(fold(m, rules), v); diff != "" {
			t.Errorf("decodeFolded(%s) differs from fold after decoding (-fold +decodeFolded):\n%s", tc.zero, diff)
		}
	}
}

// TestRuleKeepsNonZero checks that the rules fold only what they name:
// a value that is not zero, empty or null is a member like any other.
func TestRuleKeepsNonZero(t *testing.T) {
	for _, v := range []string{`1`, `0.5`, `-1e-9`, `"0"`, `" "`, `true`, `[0]`, `[null]`, `{"a":0}`} {
		res := compareWithout(t, nil, accept("go", `{"m":`+v+`}`), accept("rust", `{}`))
		want := []ValueDiff{{Path: "/m", A: []string{"go"}, B: []string{"rust"}, AValue: v}}
		if v == `{"a":0}` {
			// The member inside folds, leaving an empty object, which
			// folds in turn: rules apply bottom-up.
			want = nil
		}
		if diff := cmp.Diff(want, res.Diffs); diff != "" {
			t.Errorf("%s against absent: diffs (-want +got):\n%s", v, diff)
		}
	}
}

// TestSameModel pins SameModel, which the recorder uses to keep a parser
// reading the same model while minimizing, to the same answers as Compare.
func TestSameModel(t *testing.T) {
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{`{"a":1}`, `{"a":1}`, true},
		{`{"a":1}`, `{"a":1,"b":0}`, true},
		{`{"a":1}`, `{"a":1,"b":1}`, false},
		{`{"a":1,"b":1}`, `{"a":1}`, false},
		{`{"a":1}`, `{"a":2}`, false},
		{`{"n":1}`, `{"n":1.0}`, false},
		{`{"a":1}`, `not json`, false},
	} {
		if got := e.SameModel([]byte(tc.a), []byte(tc.b)); got != tc.same {
			t.Errorf("SameModel(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}
