package schema

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/xeipuuv/gojsonschema"

	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
)

const gojsonschemaPath = "github.com/xeipuuv/gojsonschema"

// NewGoJSONSchema returns the judge "schema/gojsonschema":
// github.com/xeipuuv/gojsonschema, loading the pinned config-schema.json the
// way the spec's own schema/validate.go does (a reference loader on its
// file:// URL) and each input the way validate.go loads a document from
// stdin (a string loader, here its []byte twin). That loader decodes with
// encoding/json's Decoder, so like runc it ignores data after the first JSON
// value, and like encoding/json it keeps the last of duplicate names.
func NewGoJSONSchema() (parsers.Judge, error) {
	root, err := rootSchema()
	if err != nil {
		return nil, err
	}
	c, _ := gjsCompiled.LoadOrStore(root, &gjsCompilation{})
	gc := c.(*gjsCompilation)
	gc.once.Do(func() {
		gc.sch, gc.err = gojsonschema.NewSchema(gojsonschema.NewReferenceLoader("file://" + root))
	})
	if gc.err != nil {
		return nil, fmt.Errorf("schema: %s cannot compile %s: %w", gojsonschemaPath, root, gc.err)
	}
	return &judge{
		name:    "schema/gojsonschema",
		version: gojsonschemaPath + " " + specmod.ModuleVersion(gojsonschemaPath) + "; " + schemaVersion(),
		v:       &gjs{gc.sch},
	}, nil
}

// gjsCompiled holds the schema compiled once per root path: every
// engine's judge validates against the one Schema, which Validate only
// reads (formatErrorDescription locks its template cache).
var gjsCompiled sync.Map // string -> *gjsCompilation

type gjsCompilation struct {
	once sync.Once
	sch  *gojsonschema.Schema
	err  error
}

type gjs struct{ sch *gojsonschema.Schema }

// treeLoader hands gojsonschema a document already decoded the way its
// bytes loader decodes one (see decoded); the embedded loader answers the
// rest of the interface, which Validate does not call.
type treeLoader struct {
	gojsonschema.JSONLoader
	tree any
}

func (l treeLoader) LoadJSON() (any, error) { return l.tree, nil }

var goLoader = gojsonschema.NewGoLoader(nil)

func (g *gjs) validate(d *decoded) (string, string, bool) {
	if d.Err != nil {
		// What Validate returns when its loader cannot decode: not JSON.
		return d.Err.Error(), notJSONClass(d.Err), false
	}
	res, err := g.sch.Validate(treeLoader{goLoader, d.Tree})
	if err != nil {
		return err.Error(), parsers.Classify(err.Error()), false
	}
	if res.Valid() {
		return "", "", true
	}
	var msgs []string
	var fs []failure
	for _, e := range res.Errors() {
		msgs = append(msgs, errorText(e))
		// The context is "(root)" and then one element per step; a
		// separator that JSON names practically never hold splits it.
		loc := strings.Split(e.Context().String("\x00"), "\x00")[1:]
		fs = append(fs, failure{loc, keyword(e.Type())})
	}
	// gojsonschema reports errors in an order that changes from run to
	// run (it walks maps); sorted, the text is the same for the same input.
	slices.Sort(msgs)
	return strings.Join(msgs, "\n"), classOf(fs), false
}

// defaultErrorFormat is the text/template gojsonschema's default locale
// formats an error with.
const defaultErrorFormat = `{{.field}}: {{.description}}`

// errorText is e.String() as the library writes it. Under the default
// format that is the field and the description: String also marshals the
// failing value to JSON and runs the template, which the default format
// does not use, for a quarter of a refusal's cost. Any other locale goes
// through String.
func errorText(e gojsonschema.ResultError) string {
	if gojsonschema.Locale.ErrorFormat() != defaultErrorFormat {
		return e.String()
	}
	return e.Field() + ": " + e.Description()
}

// keyword maps gojsonschema's error types to the JSON Schema keyword that
// failed, so its classes read like jsonschema/v6's.
func keyword(errorType string) string {
	if k, ok := keywords[errorType]; ok {
		return k
	}
	return errorType
}

var keywords = map[string]string{
	"required":                        "required",
	"invalid_type":                    "type",
	"number_any_of":                   "anyOf",
	"number_one_of":                   "oneOf",
	"number_all_of":                   "allOf",
	"number_not":                      "not",
	"missing_dependency":              "dependencies",
	"const":                           "const",
	"enum":                            "enum",
	"array_no_additional_items":       "additionalItems",
	"array_min_items":                 "minItems",
	"array_max_items":                 "maxItems",
	"unique":                          "uniqueItems",
	"contains":                        "contains",
	"array_min_properties":            "minProperties",
	"array_max_properties":            "maxProperties",
	"additional_property_not_allowed": "additionalProperties",
	"invalid_property_pattern":        "patternProperties",
	"invalid_property_name":           "propertyNames",
	"string_gte":                      "minLength",
	"string_lte":                      "maxLength",
	"pattern":                         "pattern",
	"format":                          "format",
	"multiple_of":                     "multipleOf",
	"number_gte":                      "minimum",
	"number_gt":                       "exclusiveMinimum",
	"number_lte":                      "maximum",
	"number_lt":                       "exclusiveMaximum",
	"condition_then":                  "then",
	"condition_else":                  "else",
}
