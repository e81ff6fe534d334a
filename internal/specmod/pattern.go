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
	t := Root()
	for _, tok := range tokens {
		out := tok
		next, wild := step(t, tok)
		if wild || next == nil && !isStruct(t) && isIndex(tok) {
			out = "*" // below a name specs.Spec does not know, only indices
		}
		t = next
		b.WriteByte('/')
		if strings.ContainsAny(out, "~/") {
			out = tokenEscaper.Replace(out)
		}
		b.WriteString(out)
	}
	return b.String()
}

// tokenEscaper is built once: a Replacer compiles itself on first use,
// and every failure of every schema verdict passes through Pattern.
var (
	tokenEscaper   = strings.NewReplacer("~", "~0", "/", "~1")
	tokenUnescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

// SplitPointer returns the unescaped tokens of JSON pointer p, none for
// the whole document ("" or "/").
func SplitPointer(p string) []string {
	if p == "" || p == "/" {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, t := range toks {
		toks[i] = UnescapeToken(t)
	}
	return toks
}

// UnescapeToken reads one token of a JSON pointer: "~1" is "/", "~0" "~".
// A token without "~" is itself, and nearly every token is one; the
// Replacer's own scan cost more than the lookups it serves.
func UnescapeToken(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return tokenUnescaper.Replace(tok)
}

// step goes from type t one token down: to a struct field by its JSON
// name, or to the element of a map, slice or array (wild: the token is a
// key or an index). The result is nil where specs.Spec says nothing.
func step(t reflect.Type, tok string) (next reflect.Type, wild bool) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == nil:
		return nil, false
	case t.Kind() == reflect.Struct:
		return JSONFields(t)[tok], false
	case t.Kind() == reflect.Map, t.Kind() == reflect.Slice, t.Kind() == reflect.Array:
		return t.Elem(), true
	}
	return nil, false
}

func isStruct(t reflect.Type) bool {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t != nil && t.Kind() == reflect.Struct
}

// Names returns the member names the spec gives the object at the
// location tokens (unescaped, array indices as written or "*"), as
// specs-go's JSON tags spell them, or nil where the location is no object
// with named members: a map, whose keys are the user's, an array, a
// scalar, or a place specs.Spec does not know. The map is shared: do not
// change it.
//
// The harness compares models in these names: a library may spell a
// member its own way (oci-spec 0.6.0's throttleWriteIopsDevice), and a
// model member is the spec's member only under the spec's name.
func Names(tokens []string) map[string]bool {
	t := Root()
	for _, tok := range tokens {
		if t, _ = step(t, tok); t == nil {
			return nil
		}
	}
	return NamesOf(t)
}

// Root is the type of a whole config, where Step starts.
func Root() reflect.Type { return reflect.TypeFor[specs.Spec]() }

// Step is the type one token below t, as Names and Pattern step: a
// struct field by its JSON name, or the element of a map or list; nil
// where specs.Spec says nothing (and below nil). A walk over a document
// carries it down rather than stepping from the root at every object.
func Step(t reflect.Type, tok string) reflect.Type {
	next, _ := step(t, tok)
	return next
}

// NamesOf is Names for the type a walk reached with Step.
func NamesOf(t reflect.Type) map[string]bool {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	if m, ok := nameCache.Load(t); ok {
		return m.(map[string]bool)
	}
	m := map[string]bool{}
	for name := range JSONFields(t) {
		m[name] = true
	}
	nameCache.Store(t, m)
	return m
}

var nameCache sync.Map // reflect.Type -> map[string]bool

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

var (
	fieldCache sync.Map // reflect.Type -> map[string]reflect.StructField
	typeCache  sync.Map // reflect.Type -> map[string]reflect.Type
)

// jsonFields maps the JSON member names of struct type t (as encoding/json
// names them, embedded structs promoted) to the fields. Only Field needs
// whole fields; the walks, on every check, read JSONFields' types.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.StructField)
	}
	m := map[string]reflect.StructField{}
	addFields(m, t)
	fieldCache.Store(t, m)
	return m
}

func addFields(m map[string]reflect.StructField, t reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, ok := JSONName(f)
		if !ok {
			continue
		}
		if tagName, _, _ := strings.Cut(f.Tag.Get("json"), ","); f.Anonymous && tagName == "" {
			ft := f.Type
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
		if _, dup := m[name]; !dup {
			m[name] = f
		}
	}
}

// JSONName is the member name encoding/json gives field f (its tag's
// name, else its Go name), and false for a field it leaves out ("-").
func JSONName(f reflect.StructField) (string, bool) {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch name {
	case "-":
		return "", false
	case "":
		return f.Name, true
	}
	return name, true
}

// Field returns struct type t's field for the JSON member name, embedded
// structs' fields promoted, as encoding/json decodes the member into.
func Field(t reflect.Type, name string) (reflect.StructField, bool) {
	f, ok := jsonFields(t)[name]
	return f, ok
}

// JSONFields maps the JSON member names of struct type t to the types of
// the fields encoding/json decodes them into, embedded structs promoted:
// the view of specs-go that Pattern walks, shared with the generator so
// that both read the Go types the same way.
func JSONFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := typeCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for name, f := range jsonFields(t) {
		m[name] = f.Type
	}
	typeCache.Store(t, m)
	return m
}

// GoFieldPattern turns the field path of an encoding/json error ("Go
// struct field LinuxWeightDevice.linux.resources.blockIO.weightDevice.
// LinuxBlockIODevice.minor" gives "linux.resources.blockIO.weightDevice.
// LinuxBlockIODevice.minor") into the pattern Pattern writes:
// "/linux/resources/blockIO/weightDevice/*/minor". encoding/json joins the
// JSON names of the fields it went through, with no array index or map
// key and with the Go names of embedded structs in between, so the walk
// adds a "*" wherever specs.Spec holds a slice or map and skips a token
// that names no member; container says the field named last holds a
// slice or map. ok is false when a token is neither.
func GoFieldPattern(dotted string) (pattern string, container, ok bool) {
	var b strings.Builder
	t := Root()
	for _, tok := range strings.Split(dotted, ".") {
		for {
			for t != nil && t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			if t == nil || t.Kind() != reflect.Map && t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
				break
			}
			b.WriteString("/*")
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct {
			return "", false, false
		}
		next, found := JSONFields(t)[tok]
		if !found {
			if f, embedded := t.FieldByName(tok); embedded && len(f.Index) > 0 {
				continue // an embedded struct's Go name: its fields are promoted
			}
			return "", false, false
		}
		b.WriteByte('/')
		b.WriteString(tokenEscaper.Replace(tok))
		t = next
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	container = t != nil && (t.Kind() == reflect.Map || t.Kind() == reflect.Slice || t.Kind() == reflect.Array)
	return b.String(), container, true
}
