package gen

import (
	"bytes"
	"encoding/json"
	"strings"

	fuzz "github.com/AdaLogics/go-fuzz-headers"
)

// valueGen builds one JSON value (or absent) from the fuzzer's bytes.
// Each call returns fresh containers, so a document never shares them.
type valueGen func(*src) any

func lit(v any) valueGen { return func(*src) any { return v } }

var (
	absentGen   = lit(absent)
	nullGen     = lit(nil)
	emptyObject = valueGen(func(*src) any { return map[string]any{} })
	emptyArray  = valueGen(func(*src) any { return []any{} })
)

func oneOf(gs ...valueGen) valueGen {
	return func(s *src) any { return pick(s, gs)(s) }
}

// strs picks one of the given strings.
func strs(list ...string) valueGen {
	return func(s *src) any { return pick(s, list) }
}

// nums picks one of the given number literals, written exactly so.
func nums(list ...string) valueGen {
	return func(s *src) any { return json.Number(pick(s, list)) }
}

// fuzzString is up to 12 of the fuzzer's bytes as a string; invalid UTF-8
// comes out of encoding/json as U+FFFD (Raw is the generator for bytes
// that are not UTF-8).
func fuzzString(s *src) any { return string(s.bytes(12)) }

// text is a plausible string or the fuzzer's own bytes.
func text(list ...string) valueGen {
	return oneOf(strs(list...), fuzzString, lit(""))
}

// arrayOf builds an array of lo..hi elements.
func arrayOf(elem valueGen, lo, hi int) valueGen {
	return func(s *src) any {
		n := lo + s.n(hi-lo+1)
		a := make([]any, 0, n)
		for range n {
			if v := elem(s); v != absent {
				a = append(a, v)
			}
		}
		return a
	}
}

type field struct {
	name string
	gen  valueGen
}

// object builds an object from fields; a field whose generator returns
// absent is left out.
func object(fields ...field) valueGen {
	return func(s *src) any {
		m := make(map[string]any, len(fields))
		for _, f := range fields {
			if v := f.gen(s); v != absent {
				m[f.name] = v
			}
		}
		return m
	}
}

// maybe leaves the member out half the time.
func maybe(g valueGen) valueGen { return oneOf(absentGen, g) }

// enum picks a valid value, or one in another letter case, or one that is
// not in the list at all: parsers differ in which of these they accept.
func enum(values ...string) valueGen {
	return func(s *src) any {
		v := pick(s, values)
		switch s.n(8) {
		case 4:
			return strings.ToUpper(v)
		case 5:
			return strings.ToLower(v)
		case 6:
			return swapFirstCase(v)
		case 7:
			return pick(s, []string{"", "unknown", v + "_X", " " + v, v + "\u0000"})
		}
		return v
	}
}

func swapFirstCase(v string) string {
	if v == "" {
		return v
	}
	c := v[0]
	switch {
	case c >= 'a' && c <= 'z':
		c -= 'a' - 'A'
	case c >= 'A' && c <= 'Z':
		c += 'a' - 'A'
	}
	return string(c) + v[1:]
}

// optObject and optArray are the treatment every optional member gets:
// absent, null, empty, populated (twice as likely), or the wrong JSON
// type (a string, a number, a bool, the other container kind).
func optObject(populated valueGen) valueGen { return optional(true, populated) }
func optArray(populated valueGen) valueGen  { return optional(false, populated) }

func optional(isObject bool, populated valueGen) valueGen {
	return func(s *src) any {
		switch s.n(9) {
		case 0:
			return absent
		case 1:
			return nil
		case 2:
			if isObject {
				return map[string]any{}
			}
			return []any{}
		case 3, 4:
			return populated(s)
		case 5:
			return pick(s, []string{"", "x"})
		case 6:
			return json.Number(pick(s, []string{"0", "1"}))
		case 7:
			return s.bool()
		default:
			if isObject {
				return []any{map[string]any{}}
			}
			return map[string]any{"0": "x"}
		}
	}
}

// generated fills a runtime-spec Go type with go-fuzz-headers'
// GenerateStruct from a slice of the fuzzer's bytes and returns it as a
// JSON tree: many numeric fields for little code. GenerateStruct stops at
// the first field the bytes run out for; what it filled so far is used.
func generated[T any](s *src) any {
	var v T
	_ = fuzz.NewConsumer(s.bytes(48)).GenerateStruct(&v)
	b, err := json.Marshal(&v)
	if err != nil {
		return map[string]any{}
	}
	return decodeTree(b)
}

// decodeTree decodes JSON into a generic tree, numbers as written.
func decodeTree(b []byte) any {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		panic("gen: decoding built-in JSON: " + err.Error())
	}
	return v
}

// clone deep-copies a generic tree.
func clone(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = clone(e)
		}
		return m
	case []any:
		a := make([]any, len(v))
		for i, e := range v {
			a[i] = clone(e)
		}
		return a
	}
	return v
}
