package gen

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ocidiff/ocidiff/internal/specmod"
)

// schemaPaths walks the schema files as they are written, without the
// compiler the vocabulary uses, and lists every named member path: a
// second reading that the vocabulary must match.
func schemaPaths(t *testing.T) []string {
	dir, err := specmod.SchemaDir()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]any{}
	load := func(name string) any {
		if f, ok := files[name]; ok {
			return f
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		files[name] = v
		return v
	}
	resolve := func(file, ref string) (string, map[string]any) {
		f, frag, _ := strings.Cut(ref, "#")
		if f == "" {
			f = file
		}
		var v any = load(f)
		for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
			if tok != "" {
				v = v.(map[string]any)[tok]
			}
		}
		return f, v.(map[string]any)
	}
	seen := map[string]bool{}
	var walk func(file, path string, s map[string]any, depth int)
	walk = func(file, path string, s map[string]any, depth int) {
		if depth > 40 {
			return
		}
		if ref, ok := s["$ref"].(string); ok {
			f, r := resolve(file, ref)
			walk(f, path, r, depth+1)
		}
		for _, k := range []string{"allOf", "anyOf", "oneOf"} {
			for _, x := range asList(s[k]) {
				walk(file, path, x.(map[string]any), depth+1)
			}
		}
		if props, ok := s["properties"].(map[string]any); ok {
			for name, p := range props {
				seen[path+"/"+name] = true
				walk(file, path+"/"+name, p.(map[string]any), depth+1)
			}
		}
		var elems []any
		elems = append(elems, asList(s["items"])...)
		if a, ok := s["additionalProperties"].(map[string]any); ok {
			elems = append(elems, a)
		}
		if pp, ok := s["patternProperties"].(map[string]any); ok {
			for _, p := range pp {
				elems = append(elems, p)
			}
		}
		for _, e := range elems {
			walk(file, path+"/*", e.(map[string]any), depth+1)
		}
	}
	walk("config-schema.json", "", load("config-schema.json").(map[string]any), 0)
	var out []string
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func asList(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case map[string]any:
		return []any{v}
	}
	return nil
}

// goPaths lists every JSON-named field reachable from specs.Spec, by path.
func goPaths() []string {
	var out []string
	var walk func(path string, t reflect.Type, depth int)
	walk = func(path string, t reflect.Type, depth int) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if depth > 20 {
			return
		}
		switch t.Kind() {
		case reflect.Struct:
			for name, ft := range specmod.JSONFields(t) {
				out = append(out, path+"/"+name)
				walk(path+"/"+name, ft, depth+1)
			}
		case reflect.Slice, reflect.Array, reflect.Map:
			walk(path+"/*", t.Elem(), depth+1)
		}
	}
	walk("", reflect.TypeFor[specs.Spec](), 0)
	slices.Sort(out)
	return out
}

// TestVocabularyHoldsEverySchemaMemberAndGoField reads the schema files and
// the Go types a second way and checks that the vocabulary has a member
// for every named path of either: with TestEveryMemberEveryForm, a member
// the spec defines and the generator cannot reach fails here.
func TestVocabularyHoldsEverySchemaMemberAndGoField(t *testing.T) {
	md, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	schemaSet, goSet := map[string]bool{}, map[string]bool{}
	for _, m := range md.Members {
		if m.InSchema {
			schemaSet[m.Path] = true
		}
		if m.GoField() {
			// Where specs-go spells the name otherwise, its path too.
			goSet[m.Path] = true
			if m.GoName != "" && m.GoName != m.Name {
				goSet[m.Path[:len(m.Path)-len(m.Name)]+m.GoName] = true
			}
		}
	}
	want := schemaPaths(t)
	for _, p := range want {
		if !schemaSet[p] {
			t.Errorf("schema member %s: not in the vocabulary", p)
		}
	}
	named := 0
	for _, p := range want {
		if !strings.HasSuffix(p, "/*") {
			named++
		}
	}
	c, _ := NewCoverage()
	if r := c.Report(false); r.SchemaMembers != named {
		t.Errorf("report counts %d schema members, the files define %d", r.SchemaMembers, named)
	}
	gp := goPaths()
	for _, p := range gp {
		if !goSet[goToSchemaPath(md, p)] && !goSet[p] {
			t.Errorf("specs-go field %s: not in the vocabulary", p)
		}
	}
	if r := c.Report(false); r.GoFields != len(gp) {
		t.Errorf("report counts %d Go fields, specs-go has %d", r.GoFields, len(gp))
	}
}

// goToSchemaPath maps a path spelled with specs-go's names to the
// vocabulary's (schema) spelling, segment by segment.
func goToSchemaPath(md *Model, p string) string {
	m := md.Root
	out := ""
	for _, seg := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		var next *Member
		if seg == "*" {
			next = m.item
		} else {
			next = m.byName[seg]
		}
		if next == nil {
			return p
		}
		out += "/" + next.Name
		m = next
	}
	return out
}
