// Package minimize shrinks an input while a predicate keeps holding, so
// that a corpus case shows the cause of a disagreement and nothing else.
//
// JSON inputs are reduced as a tree that keeps duplicate keys, member
// order and every token as written (package jsontree): the quirks that
// made the judges split — a key spelled twice, "Windows" for "windows",
// "\ud800", 1E+2 — survive unless dropping them keeps the predicate true.
// Anything else is reduced bytewise.
package minimize

import (
	"bytes"
	"unicode/utf8"

	"github.com/ocidiff/ocidiff/harness/minimize/jsontree"
)

// Minimize returns the smallest input it finds for which keep returns
// true, trying removals in a fixed order so that the same input, predicate
// and budget always give the same answer. keep is assumed true for input
// and is called at most budget times; every call gets a fresh slice.
// The result is input itself, or an input keep returned true for.
//
// If input parses as JSON (one value, optionally after a UTF-8 BOM and
// followed by any trailing bytes), Minimize re-serializes it compactly and
// then drops object members and array elements, replaces subtrees by
// {}, [], "", 0 or null, shortens strings and trims the bytes around the
// value. Otherwise it removes chunks of bytes, halving the chunk size.
func Minimize(input []byte, keep func([]byte) bool, budget int) []byte {
	return minimize(&run{keep: keep, budget: budget, best: input}, input)
}

func minimize(r *run, input []byte) []byte {
	if d := parseDoc(input); d != nil && r.try(d.bytes()) {
		d.reduce(r)
		return r.best
	}
	var b []byte = bytes.Clone(input)
	for r.calls < r.budget && removeChunks(r, &b, nil, func() bool { return r.try(bytes.Clone(b)) }) {
	}
	return r.best
}

// run counts calls to keep and remembers the last input it accepted.
type run struct {
	keep   func([]byte) bool
	budget int
	calls  int
	best   []byte
	// prot marks the nodes of a skeleton that Isolate keeps (nil for
	// Minimize).
	prot map[*jsontree.Node]protection
}

func (r *run) try(b []byte) bool {
	if r.calls >= r.budget {
		return false
	}
	r.calls++
	if r.keep(b) {
		r.best = b
		return true
	}
	return false
}

// removeChunks removes runs of elements from *s while test (which reads
// *s) stays true: halves first, then quarters, down to single elements,
// from the end backwards so that earlier indices stay valid. Elements
// for which fixed (if not nil) is true stay. It reports whether anything
// was removed.
func removeChunks[T any](r *run, s *[]T, fixed func(T) bool, test func() bool) bool {
	changed := false
	for chunk := (len(*s) + 1) / 2; chunk >= 1 && r.calls < r.budget; chunk /= 2 {
		for end := len(*s); end > 0 && r.calls < r.budget; end -= chunk {
			start := max(0, end-chunk)
			old := *s
			cand := make([]T, 0, len(old))
			cand = append(cand, old[:start]...)
			for _, e := range old[start:end] {
				if fixed != nil && fixed(e) {
					cand = append(cand, e)
				}
			}
			if len(cand) == start+(end-start) {
				continue // every element of the chunk is fixed
			}
			cand = append(cand, old[end:]...)
			*s = cand
			if test() {
				changed = true
			} else {
				*s = old
			}
		}
	}
	return changed
}

var bom = []byte("\ufeff")

// doc is a JSON input split into raw bytes before the value (a BOM), the
// value as a tree, and raw bytes after it (a second document, garbage).
type doc struct {
	prefix []byte
	tree   *jsontree.Node
	suffix []byte
}

func parseDoc(input []byte) *doc {
	d := &doc{}
	rest := input
	if bytes.HasPrefix(rest, bom) {
		d.prefix, rest = bom, rest[len(bom):]
	}
	n, end, err := jsontree.ParsePrefix(rest)
	if err != nil {
		return nil
	}
	d.tree, d.suffix = n, rest[end:]
	return d
}

func (d *doc) bytes() []byte {
	b := append([]byte(nil), d.prefix...)
	b = d.tree.Append(b)
	return append(b, d.suffix...)
}

// reduce runs passes over the document until one makes no progress or
// the budget is spent.
func (d *doc) reduce(r *run) {
	test := func() bool { return r.try(d.bytes()) }
	for progress := true; progress && r.calls < r.budget; {
		progress = false
		for _, raw := range []*[]byte{&d.prefix, &d.suffix} {
			if len(*raw) > 0 {
				old := *raw
				*raw = nil
				if test() {
					progress = true
				} else {
					*raw = old
					progress = removeChunks(r, raw, nil, test) || progress
				}
			}
		}
		progress = d.node(r, d.tree, test) || progress
	}
}

// Replacements tried for a subtree, smallest first.
var (
	emptyObject = jsontree.Node{Kind: jsontree.Object}
	emptyArray  = jsontree.Node{Kind: jsontree.Array}
	emptyString = jsontree.Node{Kind: jsontree.String, Raw: []byte(`""`)}
	zero        = jsontree.Node{Kind: jsontree.Number, Raw: []byte(`0`)}
	null        = jsontree.Node{Kind: jsontree.Null, Raw: []byte(`null`)}
)

// node reduces n in place and then its children, and reports progress.
func (d *doc) node(r *run, n *jsontree.Node, test func() bool) bool {
	if r.calls >= r.budget || r.prot[n]&frozen != 0 {
		return false
	}
	// Replace the whole subtree by something simpler.
	var repl []jsontree.Node
	switch {
	case r.prot[n]&pinned != 0:
		// An object of the skeleton stays an object.
	case n.Kind == jsontree.Object:
		if len(n.Members) > 0 {
			repl = []jsontree.Node{emptyObject, null}
		}
	case n.Kind == jsontree.Array:
		if len(n.Elems) > 0 {
			repl = []jsontree.Node{emptyArray, null}
		}
	case n.Kind == jsontree.String:
		if len(n.Raw) > 2 {
			repl = []jsontree.Node{emptyString}
		}
	case n.Kind == jsontree.Number, n.Kind == jsontree.Bare:
		if string(n.Raw) != "0" {
			repl = []jsontree.Node{zero}
		}
	}
	saved := *n
	size := len(n.Bytes())
	for _, c := range repl {
		if len(c.Bytes()) > size {
			continue // never trade a subtree for a longer one: [0] for null
		}
		*n = c
		if test() {
			return true
		}
		*n = saved
	}

	progress := false
	switch n.Kind {
	case jsontree.Object:
		progress = removeChunks(r, &n.Members, r.kept, test)
		for _, m := range n.Members {
			progress = d.node(r, m.Value, test) || progress
		}
	case jsontree.Array:
		progress = removeChunks(r, &n.Elems, nil, test)
		for _, e := range n.Elems {
			progress = d.node(r, e, test) || progress
		}
	case jsontree.String:
		progress = shortenString(r, n, test)
	}
	return progress
}

// shortenString removes characters from a string token. It works on
// units as written — one escape sequence, one UTF-8 character or one
// invalid byte — so that it never cuts an escape in half and keeps
// "\u00e9" distinct from "é".
func shortenString(r *run, n *jsontree.Node, test func() bool) bool {
	units := splitUnits(n.Raw[1 : len(n.Raw)-1])
	if len(units) < 2 {
		return false
	}
	build := func() {
		raw := []byte{'"'}
		for _, u := range units {
			raw = append(raw, u...)
		}
		n.Raw = append(raw, '"')
	}
	saved := n.Raw
	changed := removeChunks(r, &units, nil, func() bool { build(); return test() })
	build()
	if !changed {
		n.Raw = saved
	}
	return changed
}

func splitUnits(s []byte) [][]byte {
	var units [][]byte
	for i := 0; i < len(s); {
		size := 1
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == 'u':
			size = min(6, len(s)-i)
		case s[i] == '\\':
			size = min(2, len(s)-i)
		case s[i] >= utf8.RuneSelf:
			if r, sz := utf8.DecodeRune(s[i:]); r != utf8.RuneError || sz > 1 {
				size = sz
			}
		}
		units = append(units, s[i:i+size:i+size])
		i += size
	}
	return units
}
