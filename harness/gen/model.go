package gen

import (
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers/schema"
)

// The structured generator's vocabulary is not written by hand: it is the
// runtime-spec's own JSON Schema (as the schema judges compile it from the
// pinned module) walked side by side with the specs-go types by
// reflection. Every member either of them defines becomes a Member, and
// every Member gets every form that its type, enum, pattern, bounds and
// Go type call for. A bump of the pinned module therefore moves the
// generator with the judges, and a member the spec adds is generated the
// day it is pinned.

// Member is one place in config.json, named by a JSON pointer pattern in
// which array elements and map values are "*" (as specmod.Pattern writes
// it): "/linux/resources/devices/*/allow".
type Member struct {
	Path string
	// Name is the member's name in the schema, or in specs-go when the
	// schema has no such member; "*" for an array element or map value.
	Name string
	// GoName is specs-go's JSON name for the member, "" if specs-go has no
	// field here. It differs from Name where the two disagree on letter
	// case (specs-go's "hwconfig" against the schema's "hwConfig").
	GoName   string
	InSchema bool
	// Go is the specs-go field's type, pointers removed; nil if none.
	Go reflect.Type
	// Types are the JSON types the schema allows (or specs-go, when the
	// schema does not define the member): "object", "array", "string",
	// "integer", "number", "boolean", "null"; empty means any.
	Types    []string
	Required bool
	Enum     []string
	Pattern  jsonschema.Regexp
	Min, Max *big.Int
	MinItems int
	// Map is set for an object whose members are not named in advance
	// (additionalProperties or patternProperties, or a Go map); Free for a
	// value of any shape (an object without declared members, a Go
	// interface{}, or a Map).
	Map, Free bool
	// Key is a key the schema accepts for a Map's values.
	Key string
	// Forms are the names of the forms the generator puts this member in;
	// Coverage names what it sees with the same names.
	Forms []string

	parent   *Member
	limits   []intLimit // of an integer or number member
	children []*Member
	byName   map[string]*Member // exact names, schema and Go spelling
	item     *Member            // the "*" child
}

// Element reports whether the member is an array element or a map value.
func (m *Member) Element() bool { return m.Name == "*" }

// GoField reports whether specs-go has a field (or element type) here.
func (m *Member) GoField() bool { return m.Go != nil }

// Model is the vocabulary: the document's root and every member below it
// in a fixed order.
type Model struct {
	Root    *Member
	Members []*Member
	// SchemaVersion is the pinned runtime-spec module's version.
	SchemaVersion string
}

var (
	modelOnce sync.Once
	theModel  *Model
	modelErr  error
)

// Load builds the vocabulary from the pinned module's schema and the
// specs-go types, once per process. The generators need it; a fuzz
// target calls Load first, so that a missing module is one clear error
// instead of a panic inside the fuzzer.
func Load() (*Model, error) {
	modelOnce.Do(func() {
		sch, err := schema.Compiled()
		if err != nil {
			modelErr = fmt.Errorf("gen: building the vocabulary: %w", err)
			return
		}
		theModel = build(sch, reflect.TypeFor[specs.Spec]())
		theModel.SchemaVersion = specmod.Version()
	})
	return theModel, modelErr
}

func mustModel() *Model {
	m, err := Load()
	if err != nil {
		panic(err.Error())
	}
	return m
}

// view is what the schema says about one place, merged over $ref, allOf,
// anyOf and oneOf (the runtime-spec schema uses them only to share or
// wrap definitions, never to offer alternatives).
type view struct {
	types    []string
	props    map[string][]*jsonschema.Schema
	required map[string]bool
	enum     []string
	pattern  jsonschema.Regexp
	min, max *big.Int
	minItems int
	items    []*jsonschema.Schema
	values   []*jsonschema.Schema // map values
	keyPat   jsonschema.Regexp
	declared bool // the object declares its members
}

func merge(ss []*jsonschema.Schema) *view {
	v := &view{props: map[string][]*jsonschema.Schema{}, required: map[string]bool{}, minItems: -1}
	seen := map[*jsonschema.Schema]bool{}
	var walk func(s *jsonschema.Schema)
	walk = func(s *jsonschema.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		if s.Types != nil && len(v.types) == 0 {
			v.types = s.Types.ToStrings()
		}
		for name, p := range s.Properties {
			v.props[name] = append(v.props[name], p)
			v.declared = true
		}
		for _, r := range s.Required {
			v.required[r] = true
		}
		if s.Enum != nil && v.enum == nil {
			for _, e := range s.Enum.Values {
				v.enum = append(v.enum, fmt.Sprint(e))
			}
		}
		if s.Pattern != nil && v.pattern == nil {
			v.pattern = s.Pattern
		}
		if s.Minimum != nil && s.Minimum.IsInt() && v.min == nil {
			v.min = new(big.Int).Set(s.Minimum.Num())
		}
		if s.Maximum != nil && s.Maximum.IsInt() && v.max == nil {
			v.max = new(big.Int).Set(s.Maximum.Num())
		}
		if s.MinItems != nil && v.minItems < 0 {
			v.minItems = *s.MinItems
		}
		switch it := s.Items.(type) {
		case *jsonschema.Schema:
			v.items = append(v.items, it)
		case []*jsonschema.Schema: // a draft-04 tuple: its elements share one member
			v.items = append(v.items, it...)
		}
		if a, ok := s.AdditionalProperties.(*jsonschema.Schema); ok {
			v.values = append(v.values, a)
		}
		for re, p := range s.PatternProperties {
			v.values = append(v.values, p)
			if v.keyPat == nil {
				v.keyPat = re
			}
		}
		walk(s.Ref)
		for _, l := range [][]*jsonschema.Schema{s.AllOf, s.AnyOf, s.OneOf} {
			for _, x := range l {
				walk(x)
			}
		}
	}
	for _, s := range ss {
		walk(s)
	}
	return v
}

// build walks the schema and the Go type together from the root.
func build(root *jsonschema.Schema, goRoot reflect.Type) *Model {
	m := &Model{}
	m.Root = &Member{Path: "", Name: "", InSchema: true, Go: goRoot}
	m.fill(m.Root, []*jsonschema.Schema{root}, goRoot, 0)
	return m
}

// maxDepth guards against a recursive schema or Go type; runtime-spec has
// neither, and its deepest member is 6 levels down.
const maxDepth = 16

func (md *Model) fill(m *Member, ss []*jsonschema.Schema, gt reflect.Type, depth int) {
	for gt != nil && gt.Kind() == reflect.Pointer {
		gt = gt.Elem()
	}
	m.Go = gt
	m.MinItems = -1
	m.byName = map[string]*Member{}
	var v *view
	if len(ss) > 0 {
		v = merge(ss)
		m.Types, m.Enum, m.Pattern, m.Min, m.Max, m.MinItems = v.types, v.enum, v.pattern, v.min, v.max, v.minItems
	}
	if len(m.Types) == 0 && gt != nil {
		m.Types = goTypes(gt)
	}
	if m.Path != "" {
		md.Members = append(md.Members, m)
	}
	if depth > maxDepth {
		return
	}
	isObj, isArr := slices.Contains(m.Types, "object"), slices.Contains(m.Types, "array")
	var goFields map[string]reflect.Type
	var goElem reflect.Type
	if gt != nil {
		switch gt.Kind() {
		case reflect.Struct:
			goFields = specmod.JSONFields(gt)
		case reflect.Slice, reflect.Array:
			goElem = gt.Elem()
		case reflect.Map:
			goElem = gt.Elem()
			m.Map = true
		case reflect.Interface:
			m.Free = true
		}
	}
	if v != nil && (len(v.values) > 0 || v.keyPat != nil) {
		m.Map = true
	}
	if isObj && (v == nil || !v.declared) && goFields == nil {
		m.Free = true
	}
	if m.Map {
		m.Free = true
	}

	// Named members: the schema's, paired with specs-go's by exact name,
	// else by letter case; then specs-go's that the schema lacks.
	usedGo := map[string]bool{}
	if v != nil && isObj {
		names := sortedKeys(v.props)
		for _, name := range names {
			c := &Member{Path: m.Path + "/" + escape(name), Name: name, InSchema: true, Required: v.required[name], parent: m}
			var cgt reflect.Type
			if t, ok := goFields[name]; ok {
				c.GoName, cgt = name, t
			} else {
				for _, gn := range sortedKeys(goFields) {
					if strings.EqualFold(gn, name) && v.props[gn] == nil {
						c.GoName, cgt = gn, goFields[gn]
						break
					}
				}
			}
			usedGo[c.GoName] = true
			m.add(c)
			md.fill(c, v.props[name], cgt, depth+1)
		}
	}
	for _, gn := range sortedKeys(goFields) {
		if usedGo[gn] {
			continue
		}
		c := &Member{Path: m.Path + "/" + escape(gn), Name: gn, GoName: gn, parent: m}
		m.add(c)
		md.fill(c, nil, goFields[gn], depth+1)
	}

	// Elements of an array, values of a map.
	var elem []*jsonschema.Schema
	if v != nil {
		if isArr {
			elem = v.items
		} else if m.Map {
			elem = v.values
		}
	}
	if len(elem) > 0 || goElem != nil {
		c := &Member{Path: m.Path + "/*", Name: "*", InSchema: len(elem) > 0, parent: m}
		m.item = c
		m.children = append(m.children, c)
		md.fill(c, elem, goElem, depth+1)
		if goElem == nil {
			c.Go = nil
		}
	}
	if m.Map {
		m.Key = "a"
		if v != nil && v.keyPat != nil {
			if k, ok := patternExample(v.keyPat, nil); ok {
				m.Key = k
			}
		}
	}
	m.Forms = formsFor(m)
}

func (m *Member) add(c *Member) {
	m.children = append(m.children, c)
	m.byName[c.Name] = c
	if c.GoName != "" {
		m.byName[c.GoName] = c
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func escape(name string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(name) }

// goTypes is the JSON type encoding/json reads a Go type from.
func goTypes(t reflect.Type) []string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return []string{"object"}
	case reflect.Slice, reflect.Array:
		return []string{"array"}
	case reflect.String:
		return []string{"string"}
	case reflect.Bool:
		return []string{"boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return []string{"integer"}
	case reflect.Float32, reflect.Float64:
		return []string{"number"}
	}
	return nil
}

// jsonKind is the JSON type a member is generated and judged as: its
// first type other than null.
func (m *Member) jsonKind() string {
	for _, t := range m.Types {
		if t != "null" {
			return t
		}
	}
	return ""
}

// Find returns the member at a pattern path, or nil.
func (md *Model) Find(path string) *Member {
	for _, m := range md.Members {
		if m.Path == path {
			return m
		}
	}
	return nil
}
