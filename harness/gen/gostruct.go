package gen

import (
	"encoding/json"
	"reflect"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ocidiff/ocidiff/internal/specmod"
)

// The struct generator builds specs-go values as a Go program builds them
// (containerd, cri-o, podman, buildah and hcsshim all do), for the writer
// fuzz target: what encoding/json then writes is judged. A program leaves
// fields unset far more often than it sets them wrong, so every field gets
// one of the forms a Go program can leave it in (a nil pointer, slice or
// map; an empty slice or map; a zero string, number or struct) or a value
// the schema accepts for its member, and nothing else: a refusal of the
// written config is then the writing of a zero value, not a value the
// program chose badly.

// Go forms, as BuildGo notes them: what a field of specs-go was left as.
const (
	GoNil   = "nil"   // a nil pointer, slice or map
	GoEmpty = "empty" // a slice or map of no elements, not nil
	GoZero  = "zero"  // "", 0, false, or a struct with every field zero
	GoSet   = "set"   // a value the schema accepts, or a struct filled
)

// BuildGo fills a specs.Spec from the fuzzer's bytes through a
// go-fuzz-headers consumer, deciding each field's form in turn; an
// exhausted input leaves the rest at their first choice, nil or zero, so
// the empty input is specs.Spec{}. note, when not nil, is told the member
// pattern and the form of every field it decided.
func BuildGo(data []byte, note func(member, form string)) *specs.Spec {
	md := mustModel()
	b := goBuilder{md: md, s: newSrc(data), note: note}
	var spec specs.Spec
	b.fillStruct(reflect.ValueOf(&spec).Elem(), md.Root, 0)
	return &spec
}

type goBuilder struct {
	md   *Model
	s    *src
	note func(member, form string)
}

func (b *goBuilder) noted(m *Member, form string) {
	if b.note != nil && m != nil {
		b.note(m.Path, form)
	}
}

// fillStruct decides every exported field of the struct v, at member m.
func (b *goBuilder) fillStruct(v reflect.Value, m *Member, depth int) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous {
			// An embedded struct's fields are its parent's members.
			if fv := v.Field(i); fv.Kind() == reflect.Struct {
				b.fillStruct(fv, m, depth)
			}
			continue
		}
		name, ok := specmod.JSONName(f)
		if !ok {
			continue
		}
		var c *Member
		if m != nil {
			c = m.byName[name]
		}
		b.fill(v.Field(i), c, depth+1)
	}
}

// fill decides the form of the value v at member m (nil when the model
// has no member here, which the pinned module's types do not leave).
func (b *goBuilder) fill(v reflect.Value, m *Member, depth int) {
	if depth > maxDepth {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		// nil, a pointer to the zero value, or to a value decided in turn.
		switch b.s.n(3) {
		case 0:
			b.noted(m, GoNil)
		case 1:
			v.Set(reflect.New(v.Type().Elem()))
			b.noted(m, GoZero)
		default:
			p := reflect.New(v.Type().Elem())
			b.fillSet(p.Elem(), m, depth)
			v.Set(p)
		}
	case reflect.Slice:
		switch k := b.s.n(4); k {
		case 0:
			b.noted(m, GoNil)
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			b.noted(m, GoEmpty)
		default:
			s := reflect.MakeSlice(v.Type(), k-1, k-1)
			for i := range k - 1 {
				b.fill(s.Index(i), item(m), depth+1)
			}
			v.Set(s)
			b.noted(m, GoSet)
		}
	case reflect.Map:
		switch b.s.n(3) {
		case 0:
			b.noted(m, GoNil)
		case 1:
			v.Set(reflect.MakeMap(v.Type()))
			b.noted(m, GoEmpty)
		default:
			mv := reflect.MakeMap(v.Type())
			key := reflect.New(v.Type().Key()).Elem()
			if key.Kind() == reflect.String {
				k := "a"
				if m != nil && m.Key != "" {
					k = m.Key
				}
				key.SetString(k)
			}
			val := reflect.New(v.Type().Elem()).Elem()
			b.fill(val, item(m), depth+1)
			mv.SetMapIndex(key, val)
			v.Set(mv)
			b.noted(m, GoSet)
		}
	default:
		// A string, number, bool or struct: zero, or set.
		if b.s.bool() {
			b.fillSet(v, m, depth)
		} else {
			b.noted(m, GoZero)
		}
	}
}

// fillSet sets v (not a pointer's nil) to a value: a struct with each
// field decided, a scalar the schema accepts at m.
func (b *goBuilder) fillSet(v reflect.Value, m *Member, depth int) {
	switch v.Kind() {
	case reflect.Struct:
		b.fillStruct(v, m, depth)
		b.noted(m, GoSet)
		return
	case reflect.Pointer, reflect.Slice, reflect.Map:
		b.fill(v, m, depth)
		return
	}
	var want any = "a"
	if m != nil {
		want = b.md.valid(m, b.s)
	}
	switch v.Kind() {
	case reflect.String:
		if s, ok := want.(string); ok {
			v.SetString(s)
		} else {
			v.SetString("a")
		}
	case reflect.Bool:
		bv, _ := want.(bool)
		v.SetBool(bv || !isBool(want))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(number(want), 10, v.Type().Bits())
		if err != nil {
			n = 1
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(number(want), 10, v.Type().Bits())
		if err != nil {
			n = 1
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(number(want), 64)
		if err != nil {
			f = 1
		}
		v.SetFloat(f)
	}
	b.noted(m, GoSet)
}

func isBool(v any) bool { _, ok := v.(bool); return ok }

func number(v any) string {
	if n, ok := v.(json.Number); ok {
		return n.String()
	}
	return "1"
}

func item(m *Member) *Member {
	if m == nil {
		return nil
	}
	return m.item
}

// GoFields lists every member pattern a specs-go field (or element) sits
// at, and the Go forms it can be left in, for the writer's coverage: a
// pointer, slice or map can be nil, a slice or map empty, every value
// zero.
func GoFields() (map[string][]string, error) {
	md, err := Load()
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	var walk func(t reflect.Type, m *Member, depth int)
	walk = func(t reflect.Type, m *Member, depth int) {
		if depth > maxDepth || m == nil {
			return
		}
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Struct:
			for i := range t.NumField() {
				f := t.Field(i)
				if !f.IsExported() {
					continue
				}
				if f.Anonymous {
					walk(f.Type, m, depth)
					continue
				}
				name, ok := specmod.JSONName(f)
				if !ok {
					continue
				}
				c := m.byName[name]
				if c == nil {
					continue
				}
				out[c.Path] = goForms(f.Type)
				walk(f.Type, c, depth+1)
			}
		case reflect.Slice, reflect.Map:
			if m.item != nil {
				out[m.item.Path] = goForms(t.Elem())
				walk(t.Elem(), m.item, depth+1)
			}
		}
	}
	walk(reflect.TypeFor[specs.Spec](), md.Root, 0)
	return out, nil
}

// goForms are the forms BuildGo can leave a value of type t in, short of
// set: nil for what can be nil, empty for a slice or map, zero for every
// value but a slice or map (whose zero value is nil).
func goForms(t reflect.Type) []string {
	switch t.Kind() {
	case reflect.Pointer:
		return []string{GoNil, GoZero}
	case reflect.Slice, reflect.Map:
		return []string{GoNil, GoEmpty}
	}
	return []string{GoZero}
}
