package gen

import (
	"encoding/json"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// twice is a member written twice under one name, first a then b: valid
// JSON that decoders resolve differently (first wins, last wins, error).
type twice struct{ a, b any }

// plainStrings are the strings a string member without enum or pattern
// gets in its valid form: a word and an absolute path, since many string
// members are paths and none of the schema's is refused for either.
var plainStrings = []string{"a", "/a"}

// valid builds a value the schema accepts for m: an enum value, a string
// the pattern matches, an integer within the bounds, an array with as many
// valid elements as minItems asks (at least one), an object with its
// required members (a map with one valid entry).
func (md *Model) valid(m *Member, s *src) any {
	if len(m.Enum) > 0 {
		return pick(s, m.Enum)
	}
	switch m.jsonKind() {
	case "string":
		if m.Pattern != nil {
			if v, ok := patternExample(m.Pattern, s); ok {
				return v
			}
		}
		return pick(s, plainStrings)
	case "integer":
		return json.Number(validInt(m).String())
	case "number":
		return json.Number("1")
	case "boolean":
		return s.bool()
	case "array":
		n := max(m.MinItems, 1)
		a := make([]any, 0, n)
		for range n {
			a = append(a, md.element(m, s))
		}
		return a
	case "object":
		o := map[string]any{}
		if m.Map {
			o[m.Key] = md.element(m, s)
			return o
		}
		for _, c := range m.children {
			if c.Required {
				o[c.Name] = md.valid(c, s)
			}
		}
		return o
	}
	return map[string]any{}
}

// element is a valid element of an array or value of a map.
func (md *Model) element(m *Member, s *src) any {
	if m.item == nil {
		return "a"
	}
	return md.valid(m.item, s)
}

// validInt is 1, moved into the member's bounds.
func validInt(m *Member) *big.Int {
	v := big.NewInt(1)
	if m.Min != nil && v.Cmp(m.Min) < 0 {
		v.Set(m.Min)
	}
	if m.Max != nil && v.Cmp(m.Max) > 0 {
		v.Set(m.Max)
	}
	return v
}

// segment is the concrete path segment of m inside its parent.
func segment(m *Member) string {
	if !m.Element() {
		return m.Name
	}
	if m.parent.Map {
		return m.parent.Key
	}
	return "0"
}

// ensureFor makes the document hold m, valid, unless it holds a
// container of m's kind there already, and returns m's concrete path. On
// the way to child, where the schema and specs-go disagree on the
// container (the schema's object windows.resources.cpu.affinity is a Go
// slice), a Go-only element is put in the container specs-go reads.
func (md *Model) ensureFor(doc map[string]any, m, child *Member, s *src) string {
	if m == md.Root || m == nil {
		return ""
	}
	path := segment(m)
	if pp := md.ensureFor(doc, m.parent, m, s); pp != "" {
		path = pp + "/" + path
	}
	kind := m.jsonKind()
	goArray := child != nil && child.Element() && !child.InSchema && m.Go != nil &&
		(m.Go.Kind() == reflect.Slice || m.Go.Kind() == reflect.Array)
	if goArray {
		kind = "array"
	}
	v, ok := get(doc, path)
	fits := false
	switch v.(type) {
	case map[string]any:
		fits = kind == "object"
	case []any:
		fits = kind == "array"
	}
	if !ok || !fits {
		if goArray {
			put(doc, path, []any{})
		} else {
			put(doc, path, md.valid(m, s))
		}
	}
	return path
}

// apply puts member m of doc in form f, building m's ancestors validly
// where the document lacks them.
func (md *Model) apply(doc map[string]any, m *Member, f string, s *src) {
	parent := md.ensureFor(doc, m.parent, m, s)
	path := segment(m)
	if parent != "" {
		path = parent + "/" + path
	}
	switch f {
	case formNameCase, formGoName, formTwice:
		var obj map[string]any = doc
		if parent != "" {
			v, _ := get(doc, parent)
			obj, _ = v.(map[string]any)
		}
		if obj == nil {
			return
		}
		switch f {
		case formNameCase:
			name := otherCase(m.Name, s)
			if m.GoName != "" && name == m.GoName {
				name = strings.ToUpper(m.Name)
			}
			obj[name] = md.valid(m, s)
			if s.bool() {
				delete(obj, m.Name)
			} else {
				obj[m.Name] = md.valid(m, s)
			}
		case formGoName:
			delete(obj, m.Name)
			obj[m.GoName] = md.valid(m, s)
		case formTwice:
			a := md.valid(m, s)
			b := md.valid(m, s)
			if equalJSON(a, b) {
				b = md.wrongType(m, s)
			}
			if s.bool() {
				a, b = b, a
			}
			obj[m.Name] = twice{a, b}
		}
		return
	}
	put(doc, path, md.form(m, f, s))
}

// form is the value of m in form f (absent for "absent").
func (md *Model) form(m *Member, f string, s *src) any {
	switch f {
	case formValid:
		return md.valid(m, s)
	case formAbsent:
		return absent
	case formNull:
		return nil
	case formEmpty:
		switch m.jsonKind() {
		case "array":
			return []any{}
		case "object":
			return map[string]any{}
		}
		return ""
	case formEnumCase:
		for range 4 {
			v := pick(s, m.Enum)
			if o := otherCase(v, s); o != v {
				return o
			}
		}
		for _, v := range m.Enum {
			if o := strings.ToUpper(v); o != v {
				return o
			}
			if o := strings.ToLower(v); o != v {
				return o
			}
		}
		return pick(s, m.Enum)
	case formEnumBad:
		v := pick(s, m.Enum)
		return pick(s, []string{"unknown", v + "_X", " " + v, v + "\u0000"})
	case formPatMatch:
		return md.valid(m, s)
	case formPatMiss:
		ok, _ := patternExample(m.Pattern, s)
		if miss, found := nearMiss(m.Pattern, ok, s); found {
			return miss
		}
		return ok
	case formMin:
		return json.Number(m.Min.String())
	case formBelowMin:
		return json.Number(new(big.Int).Sub(m.Min, big.NewInt(1)).String())
	case formMax:
		return json.Number(m.Max.String())
	case formAboveMax:
		return json.Number(new(big.Int).Add(m.Max, big.NewInt(1)).String())
	case formFewItems:
		a := []any{}
		for range m.MinItems - 1 {
			a = append(a, md.element(m, s))
		}
		return a
	case formNegZero:
		return json.Number("-0")
	case formPoint:
		return json.Number(validInt(m).String() + ".0")
	case formExponent:
		return json.Number(pick(s, []string{"1e2", "1E+2", validInt(m).String() + "e0"}))
	case formDeep:
		depth := pick(s, []int{100, 129, 256})
		var v any = "a"
		for range depth {
			if s.bool() {
				v = []any{v}
			} else {
				v = map[string]any{"a": v}
			}
		}
		switch {
		case m.Map:
			return map[string]any{m.Key: v}
		case m.jsonKind() == "array":
			return []any{v}
		case m.jsonKind() == "object":
			return map[string]any{"a": v}
		}
		return v
	}
	if t, ok := strings.CutPrefix(f, formTypePrefix); ok {
		return typed(t, s)
	}
	if e, ok := strings.CutPrefix(f, formEnumPrefix); ok {
		return e
	}
	for _, l := range m.limits {
		if l.name == f {
			return json.Number(l.v.String())
		}
	}
	panic("gen: no form " + f + " for " + m.Path)
}

// wrongType is a value of a JSON type m does not allow, or null.
func (md *Model) wrongType(m *Member, s *src) any {
	var ts []string
	for _, t := range wrongTypes {
		if !typeAllows(m.Types, t) {
			ts = append(ts, t)
		}
	}
	if len(ts) == 0 {
		return nil
	}
	return typed(pick(s, ts), s)
}

// typed is a value of JSON type t, one that tempts a lenient parser to
// convert it ("1", "true", 0, 1.5).
func typed(t string, s *src) any {
	switch t {
	case "string":
		return pick(s, []string{"x", "1", "true", "0"})
	case "number":
		return json.Number(pick(s, []string{"1.5", "-0.5"}))
	case "integer":
		return json.Number(pick(s, []string{"1", "0"}))
	case "boolean":
		return s.bool()
	case "array":
		return pick(s, []func() any{func() any { return []any{} }, func() any { return []any{"a"} }})()
	}
	return pick(s, []func() any{func() any { return map[string]any{} }, func() any { return map[string]any{"a": "a"} }})()
}

// otherCase spells v in another letter case, chosen by s.
func otherCase(v string, s *src) string {
	o := pick(s, []func(string) string{strings.ToUpper, swapFirstCase, titleAll, strings.ToLower})(v)
	if o == v {
		o = strings.ToUpper(v)
	}
	if o == v {
		o = strings.ToLower(v)
	}
	return o
}

// titleAll upper-cases the first letter and every letter after a
// lower-case one that is followed by an upper-case one: ociVersion ->
// OCIVersion is the spelling a C# or Rust-rename author would pick.
func titleAll(s string) string {
	if i := strings.IndexFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' }); i > 0 {
		return strings.ToUpper(s[:i]) + s[i:]
	}
	return swapFirstCase(s)
}

func equalJSON(a, b any) bool {
	x, y := marshalValue(nil, a), marshalValue(nil, b)
	return slices.Equal(x, y)
}

// marshal writes a generated tree as JSON: members sorted, numbers exactly
// as generated, a twice member written twice, no HTML escaping.
func marshal(doc map[string]any) []byte { return marshalValue(make([]byte, 0, 512), doc) }

func marshalValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, v)
	case json.Number:
		return append(b, v...)
	case string:
		return appendString(b, v)
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = marshalValue(b, e)
		}
		return append(b, ']')
	case map[string]any:
		b = append(b, '{')
		first := true
		for _, k := range sortedKeys(v) {
			vals := []any{v[k]}
			if t, ok := v[k].(twice); ok {
				vals = []any{t.a, t.b}
			}
			for _, e := range vals {
				if !first {
					b = append(b, ',')
				}
				first = false
				b = appendString(b, k)
				b = append(b, ':')
				b = marshalValue(b, e)
			}
		}
		return append(b, '}')
	}
	// Only the types above are ever put in a generated tree; anything else
	// is a bug in this package.
	panic("gen: cannot write a value of this type in a generated document")
}

// appendString quotes s as encoding/json does without HTML escaping:
// control characters as \u00XX, invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, `\u202`...)
			b = append(b, hex[r&0xf])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
