package gen

import (
	"math/big"
	"reflect"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The forms a member is put in. Coverage recognizes each in a document
// under the same name, so what the generator means to produce and what a
// corpus or a run exercised are counted alike.
const (
	formValid      = "valid"        // a value the schema accepts
	formAbsent     = "absent"       // a required member left out
	formNull       = "null"         // null
	formEmpty      = "empty"        // "", [] or {}
	formEnumCase   = "enum-case"    // an enum value in another letter case
	formEnumBad    = "enum-unknown" // a value outside the enum
	formPatMatch   = "pattern-match"
	formPatMiss    = "pattern-miss" // a near miss of the pattern
	formMin        = "min"
	formBelowMin   = "min-1"
	formMax        = "max"
	formAboveMax   = "max+1"
	formFewItems   = "minItems-1"
	formNegZero    = "-0"
	formPoint      = "1.0" // an integer written with a fraction
	formExponent   = "1e2" // an integer written with an exponent
	formNameCase   = "name-case"
	formGoName     = "go-name" // spelled as specs-go's tag, where it differs from the schema
	formTwice      = "twice"   // the member twice with different values
	formDeep       = "deep"    // deep nesting in a free-form member
	formEnumPrefix = "enum:"   // + each enum value
	formTypePrefix = "type:"   // + each wrong JSON type
)

// wrongTypes are the JSON types a value can be given in; "number" is a
// number that is not an integer.
var wrongTypes = []string{"string", "number", "integer", "boolean", "array", "object"}

// intLimit is a limit of an integer type a parser reads into.
type intLimit struct {
	name string
	v    *big.Int
}

func bigOf(s string) *big.Int { b, _ := new(big.Int).SetString(s, 10); return b }

// limitsOf lists the limits of an integer type and one past each.
func limitsOf(kind reflect.Kind) []intLimit {
	bits := map[reflect.Kind]uint{
		reflect.Int8: 8, reflect.Int16: 16, reflect.Int32: 32, reflect.Int64: 64, reflect.Int: 64,
		reflect.Uint8: 8, reflect.Uint16: 16, reflect.Uint32: 32, reflect.Uint64: 64, reflect.Uint: 64,
	}[kind]
	if bits == 0 {
		return nil
	}
	one := big.NewInt(1)
	pow := new(big.Int).Lsh(one, bits)
	signed := kind >= reflect.Int && kind <= reflect.Int64
	name := kind.String()
	if kind == reflect.Int {
		name = "int64"
	}
	if kind == reflect.Uint {
		name = "uint64"
	}
	if signed {
		half := new(big.Int).Rsh(pow, 1)
		max := new(big.Int).Sub(half, one)
		min := new(big.Int).Neg(half)
		return []intLimit{
			{name + "-min-1", new(big.Int).Sub(min, one)}, {name + "-min", min},
			{name + "-max", max}, {name + "-max+1", half},
		}
	}
	max := new(big.Int).Sub(pow, one)
	return []intLimit{{name + "-max", max}, {name + "-max+1", pow}}
}

// parserInts are the integer types the parsers read members into, whatever
// the member's own type: int32, uint32, int64, uint64.
var parserInts = []reflect.Kind{reflect.Int32, reflect.Uint32, reflect.Int64, reflect.Uint64}

// limitsFor is every integer limit a member gets: the parsers' types and
// its own specs-go type (uint16 weights, uint8 ioPriority...). fill keeps
// them in m.limits.
func limitsFor(m *Member) []intLimit {
	kinds := slices.Clone(parserInts)
	if m.Go != nil && !slices.Contains(kinds, m.Go.Kind()) {
		kinds = append(kinds, m.Go.Kind())
	}
	var out []intLimit
	for _, k := range kinds {
		out = append(out, limitsOf(k)...)
	}
	return out
}

// formsFor lists every form of a member.
func formsFor(m *Member) []string {
	f := []string{formValid, formNull}
	kind := m.jsonKind()
	if m.Required {
		f = append(f, formAbsent)
	}
	switch kind {
	case "string", "array", "object":
		f = append(f, formEmpty)
	}
	if kind != "" {
		for _, t := range wrongTypes {
			if !typeAllows(m.Types, t) {
				f = append(f, formTypePrefix+t)
			}
		}
	}
	for _, e := range m.Enum {
		f = append(f, formEnumPrefix+e)
	}
	if len(m.Enum) > 0 {
		f = append(f, formEnumCase, formEnumBad)
	}
	if m.Pattern != nil {
		f = append(f, formPatMatch, formPatMiss)
	}
	if m.Min != nil {
		f = append(f, formMin, formBelowMin)
	}
	if m.Max != nil {
		f = append(f, formMax, formAboveMax)
	}
	if m.MinItems > 0 {
		f = append(f, formFewItems)
	}
	if kind == "integer" || kind == "number" {
		m.limits = limitsFor(m)
		for _, l := range m.limits {
			f = append(f, l.name)
		}
		f = append(f, formNegZero, formPoint, formExponent)
	}
	if !m.Element() {
		f = append(f, formNameCase, formTwice)
		if m.GoName != "" && m.GoName != m.Name {
			f = append(f, formGoName)
		}
	}
	if m.Free || kind == "" {
		f = append(f, formDeep)
	}
	return f
}

// typeAllows reports whether a value of JSON type t conforms to types.
func typeAllows(types []string, t string) bool {
	if len(types) == 0 {
		return true
	}
	if slices.Contains(types, t) {
		return true
	}
	return t == "integer" && slices.Contains(types, "number")
}

// patternExample builds a string the pattern matches, walking its syntax
// tree; s, when not nil, picks among alternatives and character ranges,
// else the first of each is taken.
func patternExample(re jsonschema.Regexp, s *src) (string, bool) {
	t, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	var walk func(t *syntax.Regexp)
	choose := func(k int) int {
		if s == nil {
			return 0
		}
		return s.n(k)
	}
	walk = func(t *syntax.Regexp) {
		switch t.Op {
		case syntax.OpLiteral:
			b.WriteString(string(t.Rune))
		case syntax.OpCharClass:
			if len(t.Rune) >= 2 {
				i := 2 * choose(len(t.Rune)/2)
				lo, hi := t.Rune[i], t.Rune[i+1]
				r := lo
				// A printable letter or digit where the range offers one.
				for _, p := range []rune{'a', 'A', '1', '0'} {
					if lo <= p && p <= hi {
						r = p
						break
					}
				}
				b.WriteRune(r)
			}
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.WriteByte('a')
		case syntax.OpCapture:
			walk(t.Sub[0])
		case syntax.OpStar, syntax.OpPlus:
			walk(t.Sub[0])
		case syntax.OpQuest:
			if choose(2) == 1 {
				walk(t.Sub[0])
			}
		case syntax.OpRepeat:
			for range max(t.Min, 1) {
				walk(t.Sub[0])
			}
		case syntax.OpConcat:
			for _, x := range t.Sub {
				walk(x)
			}
		case syntax.OpAlternate:
			walk(t.Sub[choose(len(t.Sub))])
		}
	}
	walk(t)
	out := b.String()
	return out, re.MatchString(out)
}

// nearMiss bends a matching string until the pattern refuses it: another
// letter case, a character too many or too few, a space or newline.
func nearMiss(re jsonschema.Regexp, ok string, s *src) (string, bool) {
	cands := []string{strings.ToLower(ok), strings.ToUpper(ok), ok + "x", " " + ok, ok + "\n", "x" + ok}
	if len(ok) > 0 {
		cands = append(cands, ok[1:], ok[:len(ok)-1])
	}
	var misses []string
	for _, c := range cands {
		if !re.MatchString(c) {
			misses = append(misses, c)
		}
	}
	if len(misses) == 0 {
		return "", false
	}
	return pick(s, misses), true
}
