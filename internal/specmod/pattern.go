package specmod

import (
	"reflect"
	"strings"
	"sync"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Pattern turns a location inside a config document, given as unescaped
// JSON pointer tokens, into a JSON pointer in which array indices and map
// keys are "*", e.g. ["linux", "netDevices", "eth0", "name"] becomes
// "/linux/netDevices/*/name". Error classes built from it then name the
// cause, not the input: the same type error under any device name is one
// class.
//
// Which tokens are map keys is read from the shape of specs.Spec in the
// pinned module; the JSON Schema describes the same document. Below a name
// that specs.Spec does not know, only all-digit tokens become "*".
func Pattern(tokens []string) string {
	var b strings.Builder
	t := reflect.TypeFor[specs.Spec]()
	for _, tok := range tokens {
		out := tok
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t == nil:
			if isIndex(tok) {
				out = "*"
			}
		case t.Kind() == reflect.Struct:
			t = jsonFields(t)[tok]
		case t.Kind() == reflect.Map, t.Kind() == reflect.Slice, t.Kind() == reflect.Array:
			out = "*"
			t = t.Elem()
		default:
			t = nil
			if isIndex(tok) {
				out = "*"
			}
		}
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(out))
	}
	return b.String()
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var fieldCache sync.Map // reflect.Type -> map[string]reflect.Type

// jsonFields maps the JSON member names of struct type t (as encoding/json
// names them, embedded structs promoted) to the fields' types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	addFields(m, t)
	fieldCache.Store(t, m)
	return m
}

func addFields(m map[string]reflect.Type, t reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(m, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := m[name]; !dup {
			m[name] = f.Type
		}
	}
}

// JSONFields maps the JSON member names of struct type t to the types of
// the fields encoding/json decodes them into, embedded structs promoted:
// the view of specs-go that Pattern walks, shared with the generator so
// that both read the Go types the same way.
func JSONFields(t reflect.Type) map[string]reflect.Type { return jsonFields(t) }
