// Package jsontree is a JSON tree that keeps what a decoder would throw
// away: member order, duplicate keys, and every key and scalar token exactly
// as written (escapes, letter case, number spelling, invalid UTF-8). The
// findings of a differential harness live in exactly those details — which
// of two duplicate keys wins, whether "Windows" matches "windows" — so the
// minimizer and the byte-level generator edit this tree, never a decoded
// value, and re-serialize it without normalizing anything but whitespace.
//
// Parsing is deliberately lenient inside tokens, so that inputs that are
// JSON in shape but not in letter still get a tree: strings may hold raw
// control bytes and invalid UTF-8, and a scalar may be any run of
// letters, digits and "+-." (0x10, +1, NaN, 01). Structure stays strict:
// comments, trailing commas and missing separators are errors.
package jsontree

import (
	"fmt"
)

// Kind is the kind of a node.
type Kind uint8

const (
	Null   Kind = iota // the literal null
	Bool               // true or false
	Number             // a scalar starting with a digit or '-' (as written, valid or not)
	String             // a string token
	Bare               // any other bare scalar: NaN, Infinity, +1, 0x10 after a '+', ...
	Object
	Array
)

var kindNames = [...]string{"null", "bool", "number", "string", "bare", "object", "array"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Node is one JSON value.
type Node struct {
	Kind Kind
	// Raw is the token as written, quotes included, for every scalar kind.
	Raw []byte
	// Members are an object's members in document order, duplicates kept.
	Members []Member
	// Elems are an array's elements.
	Elems []*Node
}

// Member is one object member. Key is the key's string token as written,
// quotes and escapes included.
type Member struct {
	Key   []byte
	Value *Node
}

// MaxDepth bounds nesting, so that a hostile input costs an error, not a
// stack the size of the input. It is well above encoding/json's limit
// (10,000): an input that Go refuses for its depth must still be a tree,
// so that the minimizer can tell depth from what is nested (a wrong-typed
// root nested 20,000 levels deep is a wrong-typed root).
const MaxDepth = 1 << 17

// SyntaxError says where and why parsing stopped.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("jsontree: %s at offset %d", e.Msg, e.Offset)
}

// Parse parses data as exactly one value, with JSON whitespace around it.
func Parse(data []byte) (*Node, error) {
	n, end, err := ParsePrefix(data)
	if err != nil {
		return nil, err
	}
	p := parser{data: data, pos: end}
	p.space()
	if p.pos != len(data) {
		return nil, &SyntaxError{p.pos, "data after the top-level value"}
	}
	return n, nil
}

// ParsePrefix parses one value after optional whitespace and returns the
// offset just after the value; what comes after (whitespace, a second
// document, garbage) is the caller's business.
func ParsePrefix(data []byte) (n *Node, end int, err error) {
	p := parser{data: data}
	p.space()
	n, err = p.value(0)
	if err != nil {
		return nil, 0, err
	}
	return n, p.pos, nil
}

type parser struct {
	data []byte
	pos  int
}

func (p *parser) errf(format string, args ...any) error {
	return &SyntaxError{p.pos, fmt.Sprintf(format, args...)}
}

func (p *parser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (*Node, error) {
	if depth > MaxDepth {
		return nil, p.errf("nesting deeper than %d", MaxDepth)
	}
	if p.pos >= len(p.data) {
		return nil, p.errf("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		raw, err := p.str()
		if err != nil {
			return nil, err
		}
		return &Node{Kind: String, Raw: raw}, nil
	case isBare(c):
		start := p.pos
		for p.pos < len(p.data) && isBare(p.data[p.pos]) {
			p.pos++
		}
		raw := p.data[start:p.pos:p.pos]
		return &Node{Kind: bareKind(raw), Raw: raw}, nil
	default:
		return nil, p.errf("unexpected byte %q", c)
	}
}

func isBare(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '+' || c == '-' || c == '.'
}

func bareKind(raw []byte) Kind {
	switch string(raw) {
	case "null":
		return Null
	case "true", "false":
		return Bool
	}
	if c := raw[0]; c == '-' || c >= '0' && c <= '9' {
		return Number
	}
	return Bare
}

// str scans a string token and returns it as written. Any byte but an
// unescaped quote or backslash may appear inside; escapes must be well
// formed, since a broken escape leaves no token boundary to preserve.
func (p *parser) str() ([]byte, error) {
	start := p.pos
	p.pos++
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case '"':
			p.pos++
			return p.data[start:p.pos:p.pos], nil
		case '\\':
			p.pos++
			if p.pos >= len(p.data) {
				return nil, p.errf("unterminated escape")
			}
			switch p.data[p.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos++
			case 'u':
				if p.pos+5 > len(p.data) || !isHex4(p.data[p.pos+1:p.pos+5]) {
					return nil, p.errf("malformed \\u escape")
				}
				p.pos += 5
			default:
				return nil, p.errf("unknown escape \\%c", p.data[p.pos])
			}
		default:
			p.pos++
		}
	}
	return nil, &SyntaxError{start, "unterminated string"}
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func (p *parser) object(depth int) (*Node, error) {
	n := &Node{Kind: Object}
	p.pos++
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errf("want an object key")
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errf("want ':' after object key")
		}
		p.pos++
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Members = append(n.Members, Member{Key: key, Value: v})
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.errf("unterminated object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
			p.space()
		case '}':
			p.pos++
			return n, nil
		default:
			return nil, p.errf("want ',' or '}' in object")
		}
	}
}

func (p *parser) array(depth int) (*Node, error) {
	n := &Node{Kind: Array}
	p.pos++
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Elems = append(n.Elems, v)
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.errf("unterminated array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
			p.space()
		case ']':
			p.pos++
			return n, nil
		default:
			return nil, p.errf("want ',' or ']' in array")
		}
	}
}

// Append appends the compact serialization of n to dst: no whitespace,
// every token as written, members and duplicates in order.
func (n *Node) Append(dst []byte) []byte {
	switch n.Kind {
	case Object:
		dst = append(dst, '{')
		for i, m := range n.Members {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, m.Key...)
			dst = append(dst, ':')
			dst = m.Value.Append(dst)
		}
		return append(dst, '}')
	case Array:
		dst = append(dst, '[')
		for i, e := range n.Elems {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.Append(dst)
		}
		return append(dst, ']')
	}
	return append(dst, n.Raw...)
}

// Bytes returns the compact serialization of n.
func (n *Node) Bytes() []byte { return n.Append(nil) }

// Clone returns a deep copy of n. Raw token bytes are shared, since
// nothing in this package writes into them.
func (n *Node) Clone() *Node {
	c := &Node{Kind: n.Kind, Raw: n.Raw}
	if n.Members != nil {
		c.Members = make([]Member, len(n.Members))
		for i, m := range n.Members {
			c.Members[i] = Member{Key: m.Key, Value: m.Value.Clone()}
		}
	}
	if n.Elems != nil {
		c.Elems = make([]*Node, len(n.Elems))
		for i, e := range n.Elems {
			c.Elems[i] = e.Clone()
		}
	}
	return c
}

// Walk calls fn for n and every node below it, parents before children,
// in document order. fn returning false skips the node's children.
func (n *Node) Walk(fn func(*Node) bool) {
	if !fn(n) {
		return
	}
	for _, m := range n.Members {
		m.Value.Walk(fn)
	}
	for _, e := range n.Elems {
		e.Walk(fn)
	}
}
