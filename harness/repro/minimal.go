package repro

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"reflect"
	"runtime"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
)

// Minimal is a program for a report to golang/go: one struct field and
// one JSON value, decoded by encoding/json and encoding/json/v2. Go's
// maintainers read a ten-line program, not a container config; the field
// is the specs-go field the member fills, with its Go type, and the value
// is the input's, byte for byte.
type Minimal struct {
	Program
	// Field names the specs-go field ("User.UID") and Type its Go type.
	Field, Type string
	// Value is the member's value, as the input writes it.
	Value string
	// Output is what the program prints, computed by running the same
	// decodes in this process. encoding/json is the standard library
	// itself; encoding/json/v2 is computed with
	// github.com/go-json-experiment/json, the module the standard
	// library's copy comes from, and TestMinimalRuns checks that the
	// program, built with GOEXPERIMENT=jsonv2, prints the same.
	Output string
	// V1Err and V2Err are encoding/json's and encoding/json/v2's errors
	// (empty when the value decodes): a report uses the program only if
	// they are the errors its judges gave.
	V1Err, V2Err string
}

// ErrFor is the error the program prints for the reader d's reproduction
// stands for (encoding/json for go-unmarshal and go-decoder,
// encoding/json/v2 for go-jsonv2; empty when the value decodes), and
// false for a judge the program does not stand for.
func (m Minimal) ErrFor(d parsers.Descriptor) (string, bool) {
	switch d.Repro {
	case "go-unmarshal", "go-decoder":
		return m.V1Err, true
	case "go-jsonv2":
		return m.V2Err, true
	}
	return "", false
}

// MinimalFor returns the minimal program for the member at pointer (a
// concrete JSON pointer into input), or an error when the member is not a
// field of a basic Go kind (a string, a number or a bool) in specs-go:
// a struct, list or map is better shown with the config itself (Stdlib).
func MinimalFor(pointer string, input []byte) (Minimal, error) {
	owner, f, err := specsField(pointer)
	if err != nil {
		return Minimal{}, err
	}
	t := f.Type
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	kind := basicType(t.Kind())
	if kind == nil {
		return Minimal{}, fmt.Errorf("repro: %s is specs-go's %s.%s of type %s, not a string, number or bool", pointer, owner.Name(), f.Name, f.Type)
	}
	raw, err := rawAt(input, pointer)
	if err != nil {
		return Minimal{}, err
	}
	name, _ := specmod.JSONName(f)
	doc := "{" + strconv.Quote(name) + ":" + string(raw) + "}"
	if !json.Valid([]byte(doc)) {
		return Minimal{}, fmt.Errorf("repro: the value at %s is not JSON on its own: %.80q", pointer, raw)
	}
	// An anonymous struct, so that encoding/json's error names the field
	// as it would for the type built here with reflect.StructOf.
	st := reflect.StructOf([]reflect.StructField{{Name: f.Name, Type: kind, Tag: reflect.StructTag(`json:"` + name + `"`)}})
	decl := fmt.Sprintf("struct {\n%s %s `json:%q`\n}", f.Name, kind, name)
	line1, err1 := decodeLine(st, func(v any) error { return json.Unmarshal([]byte(doc), v) })
	line2, err2 := decodeLine(st, func(v any) error { return jsonv2.Unmarshal([]byte(doc), v) })
	out := fmt.Sprintf("encoding/json:    %s\nencoding/json/v2: %s\n", line1, line2)
	src := fmt.Sprintf(`// Run with GOEXPERIMENT=jsonv2 (%s) for encoding/json/v2.
package main

import (
	"encoding/json"
	jsonv2 "encoding/json/v2"
	"fmt"
)

func main() {
	in := []byte(%s)
	var v1 %s
	if err := json.Unmarshal(in, &v1); err != nil {
		fmt.Println("encoding/json:    error:", err)
	} else {
		fmt.Printf("encoding/json:    %%+v\n", v1)
	}
	var v2 %s
	if err := jsonv2.Unmarshal(in, &v2); err != nil {
		fmt.Println("encoding/json/v2: error:", err)
	} else {
		fmt.Printf("encoding/json/v2: %%+v\n", v2)
	}
}
`, runtime.Version(), "`"+doc+"`", decl, decl)
	if strings.Contains(doc, "`") {
		src = strings.Replace(src, "`"+doc+"`", strconv.Quote(doc), 1)
	}
	formatted, err := format.Source([]byte(src))
	if err != nil {
		return Minimal{}, fmt.Errorf("repro: formatting the minimal program: %w", err)
	}
	return Minimal{
		Program: Program{
			Lang:  "go",
			Key:   "minimal",
			Files: []File{{"main.go", string(formatted)}},
			Setup: []string{"go mod init minimal"},
			Run:   "GOEXPERIMENT=jsonv2 go run .",
		},
		Field: owner.Name() + "." + f.Name, Type: f.Type.String(), Value: string(raw), Output: out,
		V1Err: err1, V2Err: err2,
	}, nil
}

// decodeLine is what the program prints for one decode into a new value
// of type st, and the decode's error text.
func decodeLine(st reflect.Type, decode func(any) error) (line, errText string) {
	v := reflect.New(st)
	if err := decode(v.Interface()); err != nil {
		return "error: " + err.Error(), err.Error()
	}
	return fmt.Sprintf("%+v", v.Elem().Interface()), ""
}

// basicType is the predeclared Go type of kind k, or nil for a kind that
// is not a string, number or bool: the minimal program declares the field
// with it, since a named specs-go type would need specs-go.
func basicType(k reflect.Kind) reflect.Type {
	for _, t := range []reflect.Type{
		reflect.TypeFor[bool](), reflect.TypeFor[string](),
		reflect.TypeFor[int](), reflect.TypeFor[int8](), reflect.TypeFor[int16](), reflect.TypeFor[int32](), reflect.TypeFor[int64](),
		reflect.TypeFor[uint](), reflect.TypeFor[uint8](), reflect.TypeFor[uint16](), reflect.TypeFor[uint32](), reflect.TypeFor[uint64](),
		reflect.TypeFor[float32](), reflect.TypeFor[float64](),
	} {
		if t.Kind() == k {
			return t
		}
	}
	return nil
}

// specsField finds the struct field of specs.Spec that the member at
// pointer fills, through pointers, lists and maps, and the struct that
// holds it. The pointer is in specs-go's JSON names, exactly, as a cause's
// member is (specmod.Pattern): "hwconfig" where the spec says hwConfig.
func specsField(pointer string) (reflect.Type, reflect.StructField, error) {
	var owner reflect.Type
	var field reflect.StructField
	if pointer == "" {
		return nil, field, fmt.Errorf("repro: the whole document is no field")
	}
	t := specmod.Root()
	for _, step := range specmod.SplitPointer(pointer) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			t, owner = t.Elem(), nil
		case reflect.Struct:
			f, ok := specmod.Field(t, step)
			if !ok {
				return nil, field, fmt.Errorf("repro: specs-go's %s has no field for %q (at %s)", t, step, pointer)
			}
			owner, field, t = t, f, f.Type
		default:
			return nil, field, fmt.Errorf("repro: %s goes into a %s", pointer, t)
		}
	}
	if owner == nil {
		return nil, field, fmt.Errorf("repro: %s is an element, not a field", pointer)
	}
	return owner, field, nil
}

// rawAt returns the bytes of the value at pointer in input, as written.
// With duplicate names the last occurrence counts, as encoding/json reads.
func rawAt(input []byte, pointer string) (json.RawMessage, error) {
	cur := json.RawMessage(input)
	for _, step := range specmod.SplitPointer(pointer) {
		trimmed := bytes.TrimLeft(cur, " \t\r\n")
		if len(trimmed) == 0 {
			return nil, fmt.Errorf("repro: no value on the way to %s", pointer)
		}
		switch trimmed[0] {
		case '{':
			var m map[string]json.RawMessage
			if err := json.Unmarshal(cur, &m); err != nil {
				return nil, fmt.Errorf("repro: reading %s: %w", pointer, err)
			}
			v, ok := m[step]
			if !ok {
				return nil, fmt.Errorf("repro: the input has no member %q on the way to %s", step, pointer)
			}
			cur = v
		case '[':
			var a []json.RawMessage
			i, err := strconv.Atoi(step)
			if err == nil {
				err = json.Unmarshal(cur, &a)
			}
			if err != nil || i < 0 || i >= len(a) {
				return nil, fmt.Errorf("repro: the input has no element %q on the way to %s", step, pointer)
			}
			cur = a[i]
		default:
			return nil, fmt.Errorf("repro: %s goes into a scalar", pointer)
		}
	}
	return bytes.TrimSpace(cur), nil
}
