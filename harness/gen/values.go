package gen

import (
	"bytes"
	"encoding/json"
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
