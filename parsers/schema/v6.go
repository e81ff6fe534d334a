package schema

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
)

const v6Path = "github.com/santhosh-tekuri/jsonschema/v6"

// Workaround names a way in which the v6 judge departs from reading the
// upstream schema files literally. The runtime-spec v1.3.0 schema does not
// compile in jsonschema/v6 as written (see the constants); each workaround
// is applied in memory, listed in the judge's Version, and can be left out
// with NewWith.
type Workaround string

const (
	// DefaultDraft4 reads schema files that declare no "$schema" as
	// draft-04. Only config-schema.json (and two others) declare draft-04;
	// the files it refers to (config-linux.json, defs.json, ...) declare
	// nothing, and jsonschema/v6 then reads them as draft 2020-12, in
	// which config-vm.json's "items": [ ... ] (a draft-04 tuple) is not a
	// valid schema, so compiling fails.
	DefaultDraft4 Workaround = "default-draft-04"
	// RefFragmentAsPointer reads a "$ref" fragment that does not start
	// with "/" as a JSON pointer: defs.json's ArrayOfUint32 has
	// "$ref": "#definitions/uint32", which by the JSON Schema rules names an
	// "id" that does not exist (a pointer would be "#/definitions/uint32"),
	// so compiling fails. gojsonschema reads it as the pointer.
	RefFragmentAsPointer Workaround = "ref-fragment-as-pointer"
)

// Workarounds is what New applies: the least needed for the v1.3.0 schema to
// compile.
var Workarounds = []Workaround{DefaultDraft4, RefFragmentAsPointer}

// New returns the judge "schema/jsonschema-v6": github.com/santhosh-tekuri/
// jsonschema/v6 over the pinned config-schema.json, with Workarounds.
func New() (parsers.Judge, error) { return NewWith(Workarounds...) }

// NewWith is New with exactly the given workarounds; with none, the schema
// files are read as they are written.
func NewWith(ws ...Workaround) (parsers.Judge, error) {
	sch, names, rewrites, err := compile(ws)
	if err != nil {
		return nil, err
	}
	version := v6Path + " " + specmod.ModuleVersion(v6Path) + "; " + schemaVersion()
	if len(names) > 0 {
		version += "; workarounds: " + strings.Join(names, ", ")
	}
	return &judge{name: "schema/jsonschema-v6", version: version, v: &v6{sch: sch, rewrites: rewrites}}, nil
}

// Compiled returns the pinned config-schema.json as jsonschema/v6 compiles
// it with Workarounds: every $ref resolved to its target, patterns
// compiled, bounds as exact rationals. The structured generator walks it
// to build its vocabulary from the spec itself, so that a bump of the
// pinned module moves the generator with the judges.
func Compiled() (*jsonschema.Schema, error) {
	sch, _, _, err := compile(Workarounds)
	return sch, err
}

// v6Compiled holds each schema compiled, by root path and workarounds:
// one compilation per process serves every engine's judge (a compiled
// Schema is only read by Validate) and the structured generator.
var v6Compiled sync.Map // string -> *v6Compilation

type v6Compilation struct {
	once            sync.Once
	sch             *jsonschema.Schema
	names, rewrites []string
	err             error
}

func compile(ws []Workaround) (sch *jsonschema.Schema, names, rewrites []string, err error) {
	root, err := rootSchema()
	if err != nil {
		return nil, nil, nil, err
	}
	key := root
	for _, w := range ws {
		key += "\x00" + string(w)
	}
	c, _ := v6Compiled.LoadOrStore(key, &v6Compilation{})
	vc := c.(*v6Compilation)
	vc.once.Do(func() { vc.sch, vc.names, vc.rewrites, vc.err = compileFrom(root, ws) })
	return vc.sch, vc.names, vc.rewrites, vc.err
}

func compileFrom(root string, ws []Workaround) (sch *jsonschema.Schema, names, rewrites []string, err error) {
	c := jsonschema.NewCompiler()
	loader := &fileLoader{}
	for _, w := range ws {
		switch w {
		case DefaultDraft4:
			c.DefaultDraft(jsonschema.Draft4)
		case RefFragmentAsPointer:
			loader.fragmentAsPointer = true
		default:
			return nil, nil, nil, fmt.Errorf("schema: unknown workaround %q", w)
		}
		names = append(names, string(w))
	}
	c.UseLoader(loader)
	sch, err = c.Compile(root)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("schema: %s cannot compile %s: %w", v6Path, root, err)
	}
	return sch, names, loader.rewrites, nil
}

type v6 struct {
	sch *jsonschema.Schema
	// rewrites lists what RefFragmentAsPointer changed, for tests.
	rewrites []string
}

// errTrailing is jsonschema.UnmarshalJSON's error for data after the
// document, which this judge reads from the shared decode instead.
var errTrailing = errors.New("invalid character after top-level value")

func (v *v6) validate(d *decoded) (string, string, bool) {
	// As jsonschema.UnmarshalJSON reads it: numbers exact (json.Number),
	// trailing data refused.
	err := d.Err
	if err == nil && d.Trailing {
		err = errTrailing
	}
	if err != nil {
		return err.Error(), notJSONClass(err), false
	}
	err = v.sch.Validate(d.Tree)
	if err == nil {
		return "", "", true
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return err.Error(), parsers.Classify(err.Error()), false
	}
	var fs []failure
	leaves(ve, &fs)
	return failureText(ve), classOf(fs), false
}

// failureText is the library's text for a refusal without its first line,
// which names the schema by its file URL (different from machine to
// machine); the lines after it are the failures themselves. The root is
// written with an empty location, since that line is cut anyway and
// quoting the URL into it was a tenth of a refusal's cost.
func failureText(ve *jsonschema.ValidationError) string {
	root := *ve
	if _, ok := root.ErrorKind.(*kind.Schema); ok {
		root.ErrorKind = &kind.Schema{}
	}
	msg := root.Error()
	if _, rest, ok := strings.Cut(msg, "\n"); ok {
		msg = rest
	}
	return msg
}

// leaves collects the failures at the leaves of the error tree: the
// keywords that failed, not the groups ($ref, allOf, ...) they sit in.
func leaves(e *jsonschema.ValidationError, fs *[]failure) {
	if len(e.Causes) == 0 {
		*fs = append(*fs, failure{e.InstanceLocation, strings.Join(e.ErrorKind.KeywordPath(), "/")})
		return
	}
	for _, c := range e.Causes {
		leaves(c, fs)
	}
}

// fileLoader loads schema files like jsonschema.FileLoader and, with
// fragmentAsPointer, rewrites "$ref": "<url>#name" to "<url>#/name".
type fileLoader struct {
	fragmentAsPointer bool
	rewrites          []string // "<url> <json pointer of the $ref>: old -> new"
}

func (l *fileLoader) Load(url string) (any, error) {
	doc, err := jsonschema.FileLoader{}.Load(url)
	if err != nil || !l.fragmentAsPointer {
		return doc, err
	}
	l.fix(url, "", doc)
	return doc, nil
}

func (l *fileLoader) fix(url, at string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				if base, frag, ok := strings.Cut(s, "#"); ok && frag != "" && !strings.HasPrefix(frag, "/") {
					v[k] = base + "#/" + frag
					l.rewrites = append(l.rewrites, fmt.Sprintf("%s %s/$ref: %q -> %q", url, at, s, v[k]))
				}
				continue
			}
			l.fix(url, at+"/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(k), x)
		}
	case []any:
		for i, x := range v {
			l.fix(url, fmt.Sprintf("%s/%d", at, i), x)
		}
	}
}
