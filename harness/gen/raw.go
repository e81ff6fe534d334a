package gen

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ocidiff/ocidiff/harness/minimize/jsontree"
)

// Raw builds a config.json whose bytes sit where JSON decoders are known
// to differ. It picks a base — a built-in Linux config, Founding, a
// Structured document, or a chunk of data that parses as JSON taken as
// it is — and applies one
// to three mutations chosen by data (see Mutate). The output is often not
// valid JSON, on purpose. The same data always gives the same bytes.
func Raw(data []byte) []byte {
	s := newSrc(data)
	var base []byte
	switch s.n(4) {
	case 0:
		base = rawLinux
	case 1:
		base = []byte(Founding)
	case 2:
		base = Structured(s.chunk())
	case 3:
		// A config the fuzzer wrote itself, if it is one; random bytes
		// make a poor base, so they drive Structured instead.
		base = s.chunk()
		if _, _, err := jsontree.ParsePrefix(bytes.TrimPrefix(base, []byte("\ufeff"))); err != nil {
			base = Structured(base)
		}
	}
	return mutate(s, base)
}

// Mutate applies one to three byte-level mutations chosen by data to
// base, for a fuzzer that passes whole configs (the seeds) as bases.
// Mutations that work on the document's structure need base to parse as
// JSON and leave it alone otherwise.
func Mutate(base, data []byte) []byte { return mutate(newSrc(data), base) }

func mutate(s *src, base []byte) []byte {
	idx := make([]int, 1+s.n(3))
	for i := range idx {
		idx[i] = s.n(len(mutations))
	}
	// Structural mutations first: the byte-level ones (comments, trailing
	// commas) would stop the document from parsing.
	slices.Sort(idx)
	out := bytes.Clone(base)
	for _, i := range idx {
		out = mutations[i].apply(s, out)
	}
	return out
}

// chunk takes a run of the remaining bytes (go-fuzz-headers' GetBytes:
// a 4-byte length, modulo what is left).
func (s *src) chunk() []byte {
	b, err := s.c.GetBytes()
	if err != nil {
		return nil
	}
	return b
}

var rawLinux = []byte(`{
  "ociVersion": "1.3.0",
  "process": {
    "user": {"uid": 1000, "gid": 1000},
    "args": ["sh", "-c", "echo ok"],
    "env": ["PATH=/usr/bin:/bin"],
    "cwd": "/"
  },
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "mrsdalloway",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "mount"}],
    "resources": {"pids": {"limit": 100}}
  }
}
`)

// A mutation rewrites the document's bytes.
type mutation struct {
	name  string
	apply func(*src, []byte) []byte
}

// mutations is Raw's table: the structural ones (on a jsontree that keeps
// tokens as written) first, then the byte-level ones.
var mutations = []mutation{
	{"duplicate-key", onTree(duplicateKey)},
	{"key-case", onTree(keyCase)},
	{"key-escape", onTree(keyEscape)},
	{"value-escape", onTree(valueEscape)},
	{"lone-surrogate", onTree(insertInString(`\ud800`, `\udfff`, `\uD800`, `\ud800\ud800`, `\udc00\ud800`, `\ud83d\ude00`, `\ud800\u0041`))},
	{"invalid-utf8", onTree(insertInString("\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\x80", "\xfe\xff"))},
	{"nul-in-string", onTree(insertInString(`\u0000`, "\x00", "\x01", "\t", "\n", "\x7f", `\u001f`))},
	{"number-edge", onTree(numberEdge)},
	{"deep-nesting", onTree(deepNesting)},
	{"trailing-data", func(s *src, b []byte) []byte {
		return append(b, pick(s, []string{" {}", "{}", "x", "\x00", " null", "]", "}", ",", "\n\n\n", " // c", "\xff", " " + string(b)})...)
	}},
	{"bom", func(s *src, b []byte) []byte {
		return append([]byte(pick(s, []string{"\ufeff", "\ufeff\ufeff", "\xff\xfe", "\xfe\xff", "\x00"})), b...)
	}},
	{"comment", atStructural(func(s *src) string { return pick(s, []string{"/* c */", "// c\n", "# c\n", "/**/", "/* unterminated"}) })},
	{"trailing-comma", trailingComma},
	{"nul-byte", atStructural(func(s *src) string { return pick(s, []string{"\x00", "\x00\x00"}) })},
	{"odd-whitespace", atStructural(func(s *src) string {
		return pick(s, []string{"\v", "\f", "\u00a0", "\u2028", "\u3000", "\r", "\x1c"})
	})},
	{"truncate", func(s *src, b []byte) []byte {
		if len(b) == 0 {
			return b
		}
		return b[:len(b)*(1+s.n(7))/8]
	}},
}

// onTree lifts a tree edit to a mutation: it parses the document (after
// a BOM), lets f edit it, and writes it back compactly with whatever came
// after the value. A document that does not parse is left as it is.
func onTree(f func(*src, *jsontree.Node)) func(*src, []byte) []byte {
	return func(s *src, doc []byte) []byte {
		prefix, b := []byte(nil), doc
		if bytes.HasPrefix(b, []byte("\ufeff")) {
			prefix, b = b[:3], b[3:]
		}
		root, end, err := jsontree.ParsePrefix(b)
		if err != nil {
			return doc
		}
		f(s, root)
		out := append(bytes.Clone(prefix), root.Bytes()...)
		return append(out, b[end:]...)
	}
}

// keySite is one object member, addressed so that it can be edited.
type keySite struct {
	obj *jsontree.Node
	i   int
}

func keySites(root *jsontree.Node) []keySite {
	var ks []keySite
	root.Walk(func(n *jsontree.Node) bool {
		for i := range n.Members {
			ks = append(ks, keySite{n, i})
		}
		return true
	})
	return ks
}

func nodesOf(root *jsontree.Node, kinds ...jsontree.Kind) []*jsontree.Node {
	var ns []*jsontree.Node
	root.Walk(func(n *jsontree.Node) bool {
		if slices.Contains(kinds, n.Kind) {
			ns = append(ns, n)
		}
		return true
	})
	return ns
}

func scalar(kind jsontree.Kind, raw string) *jsontree.Node {
	return &jsontree.Node{Kind: kind, Raw: []byte(raw)}
}

// duplicateKey writes a member twice with different values, before or
// after the original: Go's encoding/json keeps the last, some decoders the
// first, some reject the document.
func duplicateKey(s *src, root *jsontree.Node) {
	ks := keySites(root)
	if len(ks) == 0 {
		return
	}
	k := pick(s, ks)
	m := k.obj.Members[k.i]
	var v *jsontree.Node
	switch s.n(8) {
	case 0:
		v = scalar(jsontree.Null, "null")
	case 1:
		v = scalar(jsontree.String, `""`)
	case 2:
		v = scalar(jsontree.Number, "0")
	case 3:
		v = &jsontree.Node{Kind: jsontree.Object}
	case 4:
		v = &jsontree.Node{Kind: jsontree.Array}
	case 5:
		v = scalar(jsontree.String, `"x"`)
	case 6:
		v = scalar(jsontree.Bool, "true")
	default:
		v = pick(s, k.obj.Members).Value.Clone()
	}
	at := k.i + s.n(2) // before or after the original
	k.obj.Members = slices.Insert(k.obj.Members, at, jsontree.Member{Key: m.Key, Value: v})
}

// keyCase spells a member name in another case, replacing the original or
// next to it.
func keyCase(s *src, root *jsontree.Node) {
	ks := keySites(root)
	if len(ks) == 0 {
		return
	}
	k := pick(s, ks)
	m := k.obj.Members[k.i]
	name := string(m.Key[1 : len(m.Key)-1])
	variant := pick(s, []func(string) string{titleAll, strings.ToUpper, swapFirstCase, strings.ToLower})(name)
	if variant == name {
		variant = strings.ToUpper(name)
	}
	key := []byte(`"` + variant + `"`)
	if s.bool() {
		k.obj.Members[k.i].Key = key
	} else {
		k.obj.Members = slices.Insert(k.obj.Members, k.i+s.n(2), jsontree.Member{Key: key, Value: m.Value.Clone()})
	}
}

// keyEscape writes some of a member name's characters as \u escapes:
// "\u006fciVersion" is "ociVersion" to a decoder that unescapes before it
// matches names, and an unknown member to one that does not.
func keyEscape(s *src, root *jsontree.Node) {
	ks := keySites(root)
	if len(ks) == 0 {
		return
	}
	k := pick(s, ks)
	k.obj.Members[k.i].Key = escapeToken(s, k.obj.Members[k.i].Key)
}

// valueEscape does the same to a string value, including "\/".
func valueEscape(s *src, root *jsontree.Node) {
	ns := nodesOf(root, jsontree.String)
	if len(ns) == 0 {
		return
	}
	n := pick(s, ns)
	n.Raw = escapeToken(s, n.Raw)
}

// escapeToken rewrites plain ASCII characters of a string token as
// escapes: one character, every character, or every '/' as "\/".
func escapeToken(s *src, tok []byte) []byte {
	body := tok[1 : len(tok)-1]
	mode := s.n(4)
	at := -1
	if len(body) > 0 {
		at = s.n(len(body))
	}
	hex := "%04x"
	if mode == 3 {
		hex = "%04X"
	}
	out := []byte{'"'}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '\\' { // keep existing escapes whole
			j := i + 2
			if j <= len(body) && body[i+1] == 'u' {
				j = min(i+6, len(body))
			}
			out = append(out, body[i:min(j, len(body))]...)
			i = min(j, len(body)) - 1
			continue
		}
		switch {
		case mode == 2 && c == '/':
			out = append(out, `\/`...)
		case c < utf8.RuneSelf && c >= 0x20 && (mode == 1 || mode == 3 || i == at):
			out = fmt.Appendf(out, `\u`+hex, c)
		default:
			out = append(out, c)
		}
	}
	return append(out, '"')
}

// insertInString returns a tree edit that inserts one of the given byte
// sequences into a string value or key, at a character boundary.
func insertInString(pieces ...string) func(*src, *jsontree.Node) {
	return func(s *src, root *jsontree.Node) {
		var toks []*[]byte
		root.Walk(func(n *jsontree.Node) bool {
			if n.Kind == jsontree.String {
				toks = append(toks, &n.Raw)
			}
			for i := range n.Members {
				toks = append(toks, &n.Members[i].Key)
			}
			return true
		})
		if len(toks) == 0 {
			return
		}
		tok := pick(s, toks)
		body := (*tok)[1 : len(*tok)-1]
		at := s.n(len(body) + 1)
		for at > 0 && at < len(body) && (!utf8.RuneStart(body[at]) || body[at-1] == '\\') {
			at--
		}
		// Do not split a \uXXXX escape.
		if i := bytes.LastIndex(body[:at], []byte(`\u`)); i >= 0 && at-i < 6 {
			at = i
		}
		out := append([]byte{'"'}, body[:at]...)
		out = append(out, pick(s, pieces)...)
		out = append(out, body[at:]...)
		*tok = append(out, '"')
	}
}

// numberEdges are spellings of numbers at and past the limits of the
// spec's integer fields (uid is a uint32, limits int64/uint64), valid JSON
// and not: parsers differ on range checks, on 1.0 for an integer, on
// exponents, and on what they tolerate.
var numberEdges = []string{
	"4294967295", "4294967296", "-1", "1e3", "1.0", "1E+2", "0x10", "010", "+1", ".5", "1.",
	"-0", "1e400", "-1e400", "NaN", "Infinity", "18446744073709551615", "18446744073709551616",
	"9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e-400", `"1"`,
	"0.0000001", "1_000", "00", "1e", "-",
}

func numberEdge(s *src, root *jsontree.Node) {
	ns := nodesOf(root, jsontree.Number)
	if len(ns) == 0 {
		if ns = nodesOf(root, jsontree.Null, jsontree.Bool, jsontree.String); len(ns) == 0 {
			return
		}
	}
	n := pick(s, ns)
	raw := pick(s, numberEdges)
	kind := jsontree.Number
	if raw[0] == '"' {
		kind = jsontree.String
	}
	*n = jsontree.Node{Kind: kind, Raw: []byte(raw)}
}

// deepNesting replaces a value by arrays or objects nested to a depth
// around the limits decoders set (serde_json 128, encoding/json 10000).
func deepNesting(s *src, root *jsontree.Node) {
	ns := nodesOf(root, jsontree.Null, jsontree.Bool, jsontree.Number, jsontree.String, jsontree.Bare, jsontree.Object, jsontree.Array)
	n := pick(s, ns)
	depth := pick(s, []int{64, 127, 128, 129, 256, 512, 1000, 1025, 5000, 10000, 10001})
	open, close := "[", "]"
	if s.bool() {
		open, close = `{"a":`, "}"
	}
	// The nest is one token as far as the tree is concerned: it is only
	// written out, never edited, so it is stored as raw bytes.
	raw := strings.Repeat(open, depth) + "0" + strings.Repeat(close, depth)
	*n = jsontree.Node{Kind: jsontree.Bare, Raw: []byte(raw)}
}

// structural returns the offsets, outside strings, just after a '{', '[',
// ',' or ':', where bytes can be inserted between tokens.
func structural(b []byte) []int {
	var at []int
	inStr := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case !inStr && (c == '{' || c == '[' || c == ',' || c == ':'):
			at = append(at, i+1)
		}
	}
	return at
}

// atStructural returns a mutation that inserts what piece returns between
// two tokens, or at the end if there is no such place.
func atStructural(piece func(*src) string) func(*src, []byte) []byte {
	return func(s *src, b []byte) []byte {
		at := len(b)
		if pos := structural(b); len(pos) > 0 {
			at = pick(s, pos)
		}
		return slices.Insert(b, at, []byte(piece(s))...)
	}
}

// trailingComma inserts a comma before the closing bracket of a non-empty
// object or array.
func trailingComma(s *src, b []byte) []byte {
	var at []int
	inStr := false
	last := byte(0)
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inStr && c == '\\':
			i++
			continue
		case c == '"':
			inStr = !inStr
		case !inStr && (c == '}' || c == ']') && last != '{' && last != '[' && last != ',':
			at = append(at, i)
		}
		if inStr || c > ' ' {
			last = c
		}
	}
	if len(at) == 0 {
		return append(b, ',')
	}
	return slices.Insert(b, pick(s, at), ',')
}
