package harness

import (
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/internal/specmod"
)

// A Rule folds one kind of representational difference between two
// parsers' re-serialized models, a difference that says nothing about what
// a program reading the model would do. Rules are applied to each model
// before models are compared, bottom-up, so that a member emptied by one
// rule can be dropped by another.
//
// Every rule is named and can be switched off (Without), so that a user who
// suspects a rule hides a real split can see the raw difference.
type Rule struct {
	Name string
	// Doc says what the rule folds and why that carries no meaning.
	Doc string
	// drop reports whether the object member at path (its name last),
	// whose value is v, is folded away as if absent.
	drop func(path []string, v any) bool
	// normalize, when set, rewrites the value at path (the member names
	// from the root, "*" for an array element) into a canonical form. It
	// runs on every node of every model, so it checks path first.
	normalize func(path []string, v any) any
	// rename, when set, renames the members of the object at path in
	// place. It runs before the object's members are folded, so that
	// rules that look at paths see the renamed members.
	rename func(path []string, m map[string]any)
}

var rules = []Rule{
	{
		Name: "spec-names",
		Doc: "Members are compared under the names the spec gives them. A member that a model writes under " +
			"the spec's name in another letter case is renamed to it: oci-spec 0.6.0's rename_all = \"camelCase\" " +
			"writes throttleWriteIopsDevice for the spec's throttleWriteIOPSDevice, and a program reading " +
			"either model acts on the same member. Which spelling a library reads from the input is not " +
			"folded: that shows as a split in the value.",
		rename: specNames,
	},
	{
		Name: "null-is-absent",
		Doc: "An object member whose value is null reads the same as an absent member. " +
			"Go marshals a nil slice or map without omitempty as null (specs-go's windows.layerFolders), " +
			"serde skips None: both mean the program has no value.",
		drop: func(_ []string, v any) bool { return v == nil },
	},
	{
		Name: "empty-is-absent",
		Doc: "An object member whose value is an empty array or object reads the same as an absent one. " +
			"Go's omitempty drops empty slices and maps where serde keeps Some(vec![]); " +
			"consumers of both test the length, not the presence.",
		drop: func(_ []string, v any) bool {
			switch t := v.(type) {
			case []any:
				return len(t) == 0
			case map[string]any:
				return len(t) == 0
			}
			return false
		},
	},
	{
		Name: "zero-is-absent",
		Doc: "An object member whose value is false, 0 or \"\" reads the same as an absent one, " +
			"except where specs-go holds the member in a pointer. " +
			"specs-go declares most such fields as plain bool, integer or string with omitempty, so " +
			"absent and zero are one value to a Go program, while serde's Option keeps Some(false). " +
			"Where specs-go has a pointer (linux.resources.pids.limit, memory.swappiness, oomScoreAdj, ...) " +
			"the spec gives 0 a meaning of its own, and a library that reads an absent member as 0 " +
			"reads another value.",
		drop: func(path []string, v any) bool {
			switch t := v.(type) {
			case bool:
				return !t && !specPointer(path)
			case string:
				return t == "" && !specPointer(path)
			case json.Number:
				f, err := t.Float64()
				return err == nil && f == 0 && !specPointer(path)
			}
			return false
		},
	},
	{
		Name: "capability-sets",
		Doc: "The lists under process.capabilities are sets: their order and repeated entries carry no " +
			"meaning (the kernel takes a bitmask). oci-spec-rs stores them in a HashSet, which serializes " +
			"in an order that changes from process to process.",
		normalize: func(path []string, v any) any {
			if len(path) != 3 || path[0] != "process" || path[1] != "capabilities" || !slices.Contains(capabilitySets, path[2]) {
				return v
			}
			l, ok := v.([]any)
			if !ok {
				return v
			}
			l = slices.Clone(l)
			slices.SortFunc(l, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
			return slices.CompactFunc(l, func(a, b any) bool { return a == b })
		},
	},
}

// specPointer reports whether specs-go holds the member at path (member
// names from the root, "*" for an element or a map key) in a pointer to a
// scalar, where zero and absent are two values: *int64 for pids.limit, nil
// meaning "leave pids.max as it is" and 0 a limit. Only zero members ask,
// so the walk from the root is rare.
func specPointer(path []string) bool {
	t := specmod.Root()
	for _, tok := range path {
		if t = specmod.Step(t, tok); t == nil {
			return false
		}
	}
	return t.Kind() == reflect.Pointer && t.Elem().Kind() != reflect.Struct
}

// specNames renames the members of a model's object that the spec names
// at that place in another letter case. A name that is a spec member
// anywhere is left alone without looking up the place, since nearly every
// member of every model is one.
func specNames(path []string, m map[string]any) {
	var names map[string]bool
	for k, v := range m {
		if allNames[k] {
			continue
		}
		if names == nil {
			if names = specmod.Names(path); names == nil {
				return // a map: its keys are the user's
			}
		}
		if n, ok := SpecName(k, maps.Keys(names)); ok {
			if _, clash := m[n]; !clash {
				delete(m, k)
				m[n] = v
			}
		}
	}
}

// SpecName returns the name among names that k spells in another letter
// case: the member the spec-names rule takes k for. Reports use it too, to
// find what the spec says about a member named by specs-go's spelling
// ("hwconfig", which the schema and the spec text call "hwConfig"). At
// most one name matches at any place of specs.Spec, or encoding/json's
// case-insensitive matching would be ambiguous there.
func SpecName(k string, names iter.Seq[string]) (string, bool) {
	for n := range names {
		if n != k && strings.EqualFold(n, k) {
			return n, true
		}
	}
	return "", false
}

// allNames holds every member name the spec gives anywhere.
var allNames = func() map[string]bool {
	all := map[string]bool{}
	var walk func(path []string)
	walk = func(path []string) {
		if len(path) > 16 {
			return // specs.Spec has no cycle; this bounds one if it gains one
		}
		for n := range specmod.Names(path) {
			all[n] = true
			walk(append(slices.Clip(path), n))
			walk(append(slices.Clip(path), n, "*"))
		}
	}
	walk(nil)
	return all
}()

var capabilitySets = []string{"bounding", "effective", "inheritable", "permitted", "ambient"}

// Rules lists every equivalence rule the engine knows, all on by default.
func Rules() []Rule { return slices.Clone(rules) }

// An Option configures an Engine.
type Option func(*config) error

type config struct {
	rules     []Rule
	roundTrip *RoundTripMode
}

// Without switches off the named equivalence rules.
func Without(names ...string) Option {
	return func(c *config) error {
		for _, n := range names {
			i := slices.IndexFunc(c.rules, func(r Rule) bool { return r.Name == n })
			if i < 0 {
				if slices.ContainsFunc(rules, func(r Rule) bool { return r.Name == n }) {
					continue // already off
				}
				return fmt.Errorf("harness: unknown equivalence rule %q (known: %v)", n, ruleNames())
			}
			c.rules = slices.Delete(c.rules, i, i+1)
		}
		return nil
	}
}

func ruleNames() []string {
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = r.Name
	}
	return names
}

// fold applies rules to a decoded JSON tree in place and returns it. Only
// object members are dropped: removing an array element would shift the
// positions of the others and so change meaning.
func fold(v any, rs []Rule) any { return foldAt(make([]string, 0, 16), v, rs) }

// foldAt folds the node at path. path is a stack shared down the walk:
// appending to it and passing it on allocates nothing once it has grown,
// which matters because every accepted model of every input passes here.
func foldAt(path []string, v any, rs []Rule) any {
	switch t := v.(type) {
	case map[string]any:
		for _, r := range rs {
			if r.rename != nil {
				r.rename(path, t)
			}
		}
		for k, mv := range t {
			// The walk below writes past at only: at still ends in k
			// when the drop rules read it.
			at := append(path, k)
			mv = foldAt(at, mv, rs)
			t[k] = mv
			for _, r := range rs {
				if r.drop != nil && r.drop(at, mv) {
					delete(t, k)
					break
				}
			}
		}
	case []any:
		for i := range t {
			t[i] = foldAt(append(path, "*"), t[i], rs)
		}
	}
	for _, r := range rs {
		if r.normalize != nil {
			v = r.normalize(path, v)
		}
	}
	return v
}
