package harness

import (
	"bytes"
	"encoding/json"
	"maps"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ocidiff/ocidiff/internal/specmod"
)

// decodeModel decodes a judge's re-serialized model into a tree of
// map[string]any, []any, json.Number, string, bool and nil, as
// encoding/json's Decoder with UseNumber reads it: numbers as written, so
// that 1 and 1.0 are a split; data after the first value ignored.
//
// Every accepted model of every input is decoded, so a model goes first
// through decodePlain, which reads the plain JSON judges nearly always
// write in half of encoding/json's time (BenchmarkDecodeModel); a model it
// declines is decoded by encoding/json, whose tree or error (which a
// signature may quote) is then the answer. TestDecodeModelFastPath holds
// the two to the same trees.
func decodeModel(m json.RawMessage) (any, error) {
	if v, ok := decodePlain(m); ok {
		return v, nil
	}
	return decodeStd(m)
}

func decodeStd(m json.RawMessage) (any, error) {
	d := json.NewDecoder(bytes.NewReader(m))
	d.UseNumber() // compare numbers as written: 1 and 1.0 are a split
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// decodePlain reads a model that is an object or an array of plain JSON:
// valid UTF-8, no escaped surrogate in any string, nesting no deeper than
// maxPlainDepth. Anything else it leaves to encoding/json, however valid.
// Member names are taken from the spec's names where they are one, so a
// model's names cost no allocation.
func decodePlain(m []byte) (any, bool) { return decodePlainFolded(m, nil) }

// decodeFolded is decodeModel followed by fold under rs, in one pass where
// the model is plain and renames nothing: folding a decoded model walked
// it a second time, map by map, on every accepted model of every check.
// A model the spec-names rule would rename a member of is decoded and
// then folded, as before, since renaming looks at all of an object's
// names at once. TestDecodeFolded holds the two ways to one tree.
func decodeFolded(m []byte, rs []Rule) (any, error) {
	if v, ok := decodePlainFolded(m, rs); ok {
		return v, nil
	}
	v, err := decodeModel(m)
	if err != nil {
		return nil, err
	}
	return fold(v, rs), nil
}

// decodePlainFolded is decodePlain folding under rs as it goes (none when
// rs is nil): each member's value is folded before it is put in its
// object, which is the order fold keeps, children first.
func decodePlainFolded(m []byte, rs []Rule) (any, bool) {
	if !utf8.Valid(m) {
		return nil, false
	}
	p := plain{b: m, rs: rs}
	for _, r := range rs {
		if r.rename != nil {
			// Renaming is read here as specNames does it, members
			// that name a spec member in another letter case; any
			// other renaming rule folds after decoding.
			if r.Name != "spec-names" {
				return nil, false
			}
			p.renames = true
		}
	}
	p.space()
	if p.i == len(p.b) || p.b[p.i] != '{' && p.b[p.i] != '[' {
		return nil, false
	}
	v, ok := p.value(0)
	return v, ok
}

// maxPlainDepth bounds decodePlain's recursion; models are a dozen deep.
const maxPlainDepth = 64

type plain struct {
	b []byte
	i int
	// rs are the rules to fold by, and renames says one of them renames
	// members; path is the place being read, as fold passes it to rules.
	rs      []Rule
	renames bool
	path    []string
}

func (p *plain) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// value reads the value at p.i, which space has skipped to, and folds it
// by the rules that rewrite a value at its place (fold's normalize).
func (p *plain) value(depth int) (any, bool) {
	v, ok := p.node(depth)
	if ok {
		for _, r := range p.rs {
			if r.normalize != nil {
				v = r.normalize(p.path, v)
			}
		}
	}
	return v, ok
}

// node reads the value at p.i, its members and elements folded.
func (p *plain) node(depth int) (any, bool) {
	if p.i == len(p.b) || depth > maxPlainDepth {
		return nil, false
	}
	switch c := p.b[p.i]; {
	case c == '{':
		p.i++
		obj := map[string]any{}
		p.space()
		if p.i < len(p.b) && p.b[p.i] == '}' {
			p.i++
			return obj, true
		}
		var names map[string]bool // the spec's names here, looked up once
		looked := false
		for {
			raw, ok := p.str()
			if !ok {
				return nil, false
			}
			name, known := specNameOf[string(raw)]
			if !known {
				name = string(raw)
				if p.renames {
					if !looked {
						names, looked = specmod.Names(p.path), true
					}
					if _, ok := SpecName(name, maps.Keys(names)); ok {
						return nil, false // fold renames it (specNames)
					}
				}
			}
			p.space()
			if p.i == len(p.b) || p.b[p.i] != ':' {
				return nil, false
			}
			p.i++
			p.space()
			p.path = append(p.path, name)
			v, ok := p.value(depth + 1)
			drop := ok && p.dropped(v)
			p.path = p.path[:len(p.path)-1]
			if !ok {
				return nil, false
			}
			if drop {
				delete(obj, name) // and an earlier member of that name
			} else {
				obj[name] = v
			}
			if more, ok := p.next('}'); !more {
				return obj, ok
			}
		}
	case c == '[':
		p.i++
		arr := []any{}
		p.space()
		if p.i < len(p.b) && p.b[p.i] == ']' {
			p.i++
			return arr, true
		}
		p.path = append(p.path, "*")
		defer func() { p.path = p.path[:len(p.path)-1] }()
		for {
			v, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			arr = append(arr, v)
			if more, ok := p.next(']'); !more {
				return arr, ok
			}
		}
	case c == '"':
		s, ok := p.str()
		return string(s), ok
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	case c == 't':
		return p.literal("true", true)
	case c == 'f':
		return p.literal("false", false)
	case c == 'n':
		return p.literal("null", nil)
	}
	return nil, false
}

// literal reads the literal text, whose first byte is at p.i, as v.
func (p *plain) literal(text string, v any) (any, bool) {
	if !bytes.HasPrefix(p.b[p.i:], []byte(text)) {
		return nil, false
	}
	p.i += len(text)
	return v, true
}

// dropped reports whether a rule folds away the member at p.path, whose
// value is v.
func (p *plain) dropped(v any) bool {
	for _, r := range p.rs {
		if r.drop != nil && r.drop(p.path, v) {
			return true
		}
	}
	return false
}

// next reads what follows a member or an element: a comma and the space
// after it (more), or the closing delimiter (ok, not more).
func (p *plain) next(closing byte) (more, ok bool) {
	p.space()
	if p.i == len(p.b) {
		return false, false
	}
	switch p.b[p.i] {
	case ',':
		p.i++
		p.space()
		return true, true
	case closing:
		p.i++
		return false, true
	}
	return false, false
}

// str reads a string without control characters, and without escapes
// of surrogates (which encoding/json pairs or replaces).
func (p *plain) str() ([]byte, bool) {
	if p.i == len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	start := p.i + 1
	for j := start; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			p.i = j + 1
			return p.b[start:j], true
		case c == '\\':
			return p.unescape(start, j)
		case c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// unescape reads the rest of a string from its first escape, at j.
func (p *plain) unescape(start, j int) ([]byte, bool) {
	out := append([]byte(nil), p.b[start:j]...)
	for j < len(p.b) {
		c := p.b[j]
		switch {
		case c == '"':
			p.i = j + 1
			return out, true
		case c < 0x20:
			return nil, false
		case c != '\\':
			out = append(out, c)
			j++
			continue
		}
		if j+1 == len(p.b) {
			return nil, false
		}
		switch e := p.b[j+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if j+6 > len(p.b) {
				return nil, false
			}
			r, err := strconv.ParseUint(string(p.b[j+2:j+6]), 16, 16)
			if err != nil || utf16.IsSurrogate(rune(r)) {
				return nil, false
			}
			out = utf8.AppendRune(out, rune(r))
			j += 6
			continue
		default:
			return nil, false
		}
		j += 2
	}
	return nil, false
}

// number reads a JSON number as written, as UseNumber keeps it.
func (p *plain) number() (any, bool) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case digits() == 0:
		return nil, false
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, false
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, false
		}
	}
	return json.Number(p.b[start:p.i]), true
}

// specNameOf maps each name the spec gives a member to itself, so that
// decodePlain looks a name up without allocating and keeps one string.
var specNameOf = func() map[string]string {
	m := make(map[string]string, len(allNames))
	for n := range allNames {
		m[n] = n
	}
	return m
}()
