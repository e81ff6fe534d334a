package repro

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/format"
	"maps"
	"reflect"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ocidiff/ocidiff/parsers"
)

// Stdlib returns a program that reproduces the verdict of the go/unmarshal
// or go/decoder judge on input with Go's standard library alone, for a
// report to golang/go, whose maintainers do not take reports that need a
// third-party module. The specs-go types are written out in a package
// named specs beside the program, as far as the input reaches into them:
// every member the input names (matched as encoding/json matches, without
// regard to case) and every member encoding/json writes back even when
// absent. encoding/json then reads the input, fails and re-serializes
// exactly as it does with specs-go, and its errors name the same types
// ("Go struct field Spec.vm of type specs.VM").
//
// The program's module is named after Key, which hashes the generated
// code, so that programs for different inputs can be built side by side.
func Stdlib(v parsers.Verdict, d parsers.Descriptor, input []byte) (Program, error) {
	if !HasStdlib(d) {
		return Program{}, fmt.Errorf("repro: no standard-library reproduction for judge %s (template %q)", v.Judge, d.Repro)
	}
	main := goSources[d.Repro]
	types, err := specsSubset(input)
	if err != nil {
		return Program{}, err
	}
	sum := sha256.Sum256([]byte(v.Judge + "\x00" + types))
	key := "stdlib-" + strings.ReplaceAll(v.Judge, "/", "-") + "-" + hex.EncodeToString(sum[:5])
	header := fmt.Sprintf("// Reproduces ocidiff's %s judge (%s) with Go's standard library alone:\n"+
		"// specs/specs.go holds the part of runtime-spec's specs-go types that this\n// config reaches, written out.\n", v.Judge, v.Version)
	return Program{
		Judge: v.Judge,
		Lang:  "go",
		Key:   key,
		Files: []File{
			{"specs/specs.go", types},
			{"main.go", header + strings.Replace(main, specsImport, fmt.Sprintf("%q", key+"/specs"), 1)},
		},
		Setup: []string{"go mod init " + key, "go build -o repro ."},
		Run:   "./repro ../config.json",
	}, nil
}

// HasStdlib reports whether Stdlib can reproduce the verdicts of the
// judge d describes: the in-tree encoding/json judges (templates
// go-unmarshal and go-decoder), whose programs import specs-go alone and
// whose types Stdlib writes out from the runtime-spec ocidiff is built
// with. The judges pinned to an older specs-go run the same encoding/json,
// so a report to golang/go needs none of theirs.
func HasStdlib(d parsers.Descriptor) bool {
	return (d.Repro == "go-unmarshal" || d.Repro == "go-decoder") && strings.Contains(goSources[d.Repro], specsImport)
}

// specsImport is how the programs of goSources import specs-go; the
// standard-library programs import the package specs beside them instead.
const specsImport = `specs "github.com/opencontainers/runtime-spec/specs-go"`

// memberNames returns, for each object of the document, the member names
// it holds, keyed by the object's place: the names on the way to it, with
// "*" for array elements. Every occurrence counts (duplicate names, each
// of their values), and a document that is not JSON gives what precedes
// the error, which is all encoding/json reads before it fails.
func memberNames(input []byte) map[string][]string {
	names := map[string][]string{}
	d := json.NewDecoder(bytes.NewReader(input))
	type frame struct {
		place  string
		object bool
		key    string // the member whose value comes next, in an object
		expect bool   // an object expects a key next
	}
	var stack []frame
	child := func() string { // the place of the value about to start
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		if top.object {
			return top.place + "/" + top.key
		}
		return top.place + "/*"
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return names
		}
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		if top != nil && top.object && top.expect {
			if k, ok := tok.(string); ok {
				top.key, top.expect = k, false
				if !slices.Contains(names[top.place], k) {
					names[top.place] = append(names[top.place], k)
				}
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{place: child(), object: true, expect: true})
			continue
		case json.Delim('['):
			stack = append(stack, frame{place: child()})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].expect = true
		}
	}
}

// specsSubset writes the Go source of package specs: the specs-go types
// that a document with input's members needs.
func specsSubset(input []byte) (string, error) {
	g := &typeGen{names: memberNames(input), fields: map[reflect.Type][]bool{}, imports: map[string]bool{}}
	root := reflect.TypeOf(specs.Spec{})
	g.mark(root, "", 0)
	var b strings.Builder
	b.WriteString("// Package specs holds the part of runtime-spec's specs-go types that one\n")
	b.WriteString("// config reaches, written out by ocidiff with their JSON names and options.\n")
	b.WriteString("package specs\n\n")
	for _, imp := range slices.Sorted(maps.Keys(g.imports)) {
		fmt.Fprintf(&b, "import %q\n\n", imp)
	}
	for _, t := range g.order {
		if t.Kind() != reflect.Struct {
			fmt.Fprintf(&b, "type %s %s\n\n", t.Name(), g.expr(t, true))
			continue
		}
		fmt.Fprintf(&b, "type %s struct {\n", t.Name())
		for i, keep := range g.fields[t] {
			if keep {
				f := t.Field(i)
				if f.Anonymous {
					// Embedded, as specs-go embeds LinuxBlockIODevice:
					// encoding/json promotes its members.
					fmt.Fprintf(&b, "\t%s\n", g.expr(f.Type, false))
					continue
				}
				fmt.Fprintf(&b, "\t%s %s `%s`\n", f.Name, g.expr(f.Type, false), f.Tag)
			}
		}
		b.WriteString("}\n\n")
	}
	src, err := format.Source([]byte(b.String()))
	if err != nil {
		return "", fmt.Errorf("report: generating the specs-go subset: %w", err)
	}
	return string(src), nil
}

// typeGen collects which specs-go types, and which of their fields, a
// document needs.
type typeGen struct {
	names   map[string][]string
	fields  map[reflect.Type][]bool // per struct type, the fields kept
	order   []reflect.Type          // named specs-go types, first use first
	imports map[string]bool
	seen    map[string]bool // type and place pairs already marked
}

const specsPkg = "github.com/opencontainers/runtime-spec/specs-go"

// mark records what type t at the document's place needs: for a struct,
// each field that a member there names, or that encoding/json writes back
// when it is zero (no omitempty), with its type in turn.
func (g *typeGen) mark(t reflect.Type, place string, depth int) {
	if depth > 64 {
		return
	}
	if g.seen == nil {
		g.seen = map[string]bool{}
	}
	id := t.String() + "@" + place
	if g.seen[id] {
		return
	}
	g.seen[id] = true
	if t.PkgPath() == specsPkg && t.Name() != "" && !slices.Contains(g.order, t) {
		g.order = append(g.order, t)
	}
	switch t.Kind() {
	case reflect.Pointer:
		g.mark(t.Elem(), place, depth+1)
	case reflect.Slice, reflect.Array:
		g.mark(t.Elem(), place+"/*", depth+1)
	case reflect.Map:
		g.mark(t.Elem(), place+"/*", depth+1)
		for _, k := range g.names[place] {
			g.mark(t.Elem(), place+"/"+k, depth+1)
		}
	case reflect.Struct:
		if t.PkgPath() != specsPkg {
			g.imports[t.PkgPath()] = true
			return
		}
		if g.fields[t] == nil {
			g.fields[t] = make([]bool, t.NumField())
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() && !f.Anonymous {
				continue
			}
			if f.Anonymous && name == "" {
				// An embedded struct's members are read at this place.
				g.fields[t][i] = true
				g.mark(f.Type, place, depth+1)
				continue
			}
			if name == "" {
				name = f.Name
			}
			var keys []string
			for _, k := range g.names[place] {
				if strings.EqualFold(k, name) {
					keys = append(keys, k)
				}
			}
			omitempty := slices.Contains(strings.Split(opts, ","), "omitempty")
			if len(keys) == 0 && omitempty {
				continue
			}
			g.fields[t][i] = true
			g.mark(f.Type, place+"/"+name, depth+1) // written back when absent
			for _, k := range keys {
				g.mark(f.Type, place+"/"+k, depth+1)
			}
		}
	default:
		if t.PkgPath() != "" && t.PkgPath() != specsPkg {
			g.imports[t.PkgPath()] = true
		}
	}
}

// expr is the Go expression for type t inside package specs; under, for a
// named specs-go type, gives its underlying type rather than its name.
func (g *typeGen) expr(t reflect.Type, under bool) string {
	if t.Name() != "" && !under {
		if t.PkgPath() == specsPkg || t.PkgPath() == "" {
			return t.Name()
		}
		return t.String() // e.g. fs.FileMode, imported
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + g.expr(t.Elem(), false)
	case reflect.Slice:
		return "[]" + g.expr(t.Elem(), false)
	case reflect.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), g.expr(t.Elem(), false))
	case reflect.Map:
		return "map[" + g.expr(t.Key(), false) + "]" + g.expr(t.Elem(), false)
	case reflect.Interface:
		return "any"
	}
	return t.Kind().String()
}
