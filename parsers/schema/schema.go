// Package schema holds the JSON Schema judges: validators that say whether a
// config conforms to the runtime spec's own schema, schema/config-schema.json
// and the files it refers to, read from the pinned runtime-spec module (see
// internal/specmod), never from a copy.
//
// Two libraries judge, because they read the same schema differently:
// github.com/xeipuuv/gojsonschema, which the spec's own schema/validate.go
// uses, and github.com/santhosh-tekuri/jsonschema/v6, a strict and current
// implementation. The schema is compiled once per judge; each input is only
// decoded and validated.
//
// A reject's class is the sorted set of "<instance location>:<keyword>" of
// the failures, with array indices and map keys of the location as "*"
// (specmod.Pattern), e.g. "/windows/layerFolders:type". Locations and
// keywords are structured data in both libraries, so the class is exact.
package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
)

// schemaFile is the root schema of a container configuration.
const schemaFile = "config-schema.json"

// rootSchema returns the absolute path of the pinned module's
// config-schema.json.
func rootSchema() (string, error) {
	dir, err := specmod.SchemaDir()
	if err != nil {
		return "", err
	}
	p, err := filepath.Abs(filepath.Join(dir, schemaFile))
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("schema: %w", err)
	}
	return p, nil
}

func schemaVersion() string {
	return "runtime-spec schema " + specmod.Version()
}

// validator is the part of a judge that differs between libraries.
type validator interface {
	// validate reports ok if the decoded input conforms; else the
	// library's own message and the class. Messages are formatted only
	// for a refused document.
	validate(d *decoded) (msg, class string, ok bool)
}

type judge struct {
	name, version string
	v             validator
}

func (j *judge) Name() string       { return j.name }
func (j *judge) Version() string    { return j.version }
func (j *judge) Kind() parsers.Kind { return parsers.Validator }
func (j *judge) String() string     { return j.name }

// Judge validates input. It does not panic: a panic in the library (none is
// known) becomes a Crash verdict.
func (j *judge) Judge(input []byte) parsers.Verdict {
	return j.JudgeDecoded(input, func() *decoded { return parsers.Decode(input) })
}

// JudgeDecoded is Judge on the tree the engine decoded once for the
// check (parsers.DecodedJudge); neither library changes the document it
// validates, which TestDecodedSameVerdicts holds every corpus input to.
func (j *judge) JudgeDecoded(input []byte, dec func() *decoded) (v parsers.Verdict) {
	v = parsers.Verdict{Judge: j.name, Version: j.version}
	defer parsers.Recover(&v)
	msg, class, ok := j.v.validate(dec())
	if ok {
		v.Outcome = parsers.Accept
		return v
	}
	v.Outcome, v.Error, v.Class = parsers.Reject, msg, class
	if !strings.HasPrefix(class, invalidJSON) {
		v.Causes = strings.Fields(class)
	}
	return v
}

// failure is one leaf failure: where in the instance, which keyword.
type failure struct {
	location []string // unescaped JSON pointer tokens
	keyword  string
}

// classOf builds the class of a set of failures: the sorted, unique
// "<pattern>:<keyword>" items, space-separated.
func classOf(fs []failure) string {
	items := make([]string, 0, len(fs))
	for _, f := range fs {
		items = append(items, specmod.Pattern(f.location)+":"+f.keyword)
	}
	slices.Sort(items)
	return strings.Join(slices.Compact(items), " ")
}

// invalidJSON is the class prefix of an input that is not JSON at all, so
// no schema was applied.
const invalidJSON = "invalid JSON: "

// quotedChar matches the offending character that encoding/json echoes, as
// in "invalid character 'x' looking for beginning of value".
var quotedChar = regexp.MustCompile(`'(?:[^'\\]|\\[^']*)'`)

// notJSONClass classes a decoding error of the input.
func notJSONClass(err error) string {
	return invalidJSON + parsers.Classify(quotedChar.ReplaceAllString(err.Error(), "'…'"))
}
