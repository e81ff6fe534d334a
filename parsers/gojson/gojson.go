// Package gojson holds the judges that read a config the way Go programs do:
// into specs.Spec of the pinned runtime-spec module, with the decoders the
// container runtimes actually call. Each judge's model is what the program
// then acts on: the decoded specs.Spec, marshalled with encoding/json.
//
// Three decoders are judged because they disagree on real inputs:
// json.Unmarshal rejects trailing data that json.Decoder.Decode ignores, and
// encoding/json/v2 semantics reject duplicate names and invalid UTF-8 that
// v1 lets through, and match names case-sensitively.
package gojson

import (
	"bytes"
	"encoding/json"
	"errors"
	"runtime"

	jsonv2 "github.com/go-json-experiment/json"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
)

const jsonv2Path = "github.com/go-json-experiment/json"

var errNullConfig = errors.New("config cannot be null")

// Unmarshal returns the judge "go/unmarshal": json.Unmarshal(input, &spec)
// into a specs.Spec value, as containerd and hcsshim read config.json.
func Unmarshal() parsers.Judge {
	return &judge{
		name:    "go/unmarshal",
		version: v1Version(),
		decode: func(in []byte) (any, error) {
			var spec specs.Spec
			err := json.Unmarshal(in, &spec)
			return &spec, err
		},
		classify: classifyV1,
	}
}

// Decoder returns the judge "go/decoder": runc's loadSpec, that is
// json.NewDecoder(r).Decode(&spec) with spec a *specs.Spec.
//
// Decode reads the first JSON value only, so trailing data after it is
// accepted where json.Unmarshal rejects it. Decoding into a pointer means
// the input "null" leaves the spec nil, which runc refuses at once ("config
// cannot be null"), and so does this judge. What runc checks after that,
// process.cwd and process.args (validateProcessSpec), is runc's own
// policy, not reading, and is not mirrored.
func Decoder() parsers.Judge {
	return &judge{
		name:    "go/decoder",
		version: v1Version(),
		decode: func(in []byte) (any, error) {
			var spec *specs.Spec
			if err := json.NewDecoder(bytes.NewReader(in)).Decode(&spec); err != nil {
				return nil, err
			}
			// runc's loadSpec refuses a document that decodes to a nil
			// spec (the JSON null) right after decoding, with this text.
			if spec == nil {
				return nil, errNullConfig
			}
			return spec, nil
		},
		classify: classifyV1,
	}
}

// V2 returns the judge "go/jsonv2": github.com/go-json-experiment/json
// Unmarshal with default options (the encoding/json/v2 semantics) into the
// same specs.Spec: duplicate member names and invalid UTF-8 are errors, and
// member names match case-sensitively.
//
// Its model is marshalled with encoding/json v1, like the other Go judges'.
// The model stands for the Go value the program acts on; with one serializer
// for all Go judges, a model difference between them is a difference in what
// was decoded, never one of v2's marshalling rules (nil slices as [], its
// omitempty meaning "empty JSON value" rather than "Go zero value", no HTML
// escaping), which no runtime uses to re-emit a spec.
//
// Its writer, for the round trip (parsers.Writer), is json/v2's own
// Marshal: a program on json/v2 writes with it, rules and all.
func V2() parsers.Judge {
	return &v2Judge{judge{
		name:    "go/jsonv2",
		version: v1Version() + "; " + jsonv2Path + " " + specmod.ModuleVersion(jsonv2Path),
		decode: func(in []byte) (any, error) {
			var spec specs.Spec
			err := jsonv2.Unmarshal(in, &spec)
			return &spec, err
		},
		classify: classifyV2,
	}}
}

// v2Judge is go/jsonv2, which writes otherwise than its model says.
type v2Judge struct{ judge }

// Write reads input as the judge does and writes the spec with json/v2's
// Marshal (default options, as encoding/json/v2 would), or says no when it
// does not read input.
func (j *v2Judge) Write(input []byte) (written []byte, ok bool) {
	defer func() {
		// A panic in json/v2 is the judge's finding on the read path;
		// here it only means there is nothing written to judge.
		if recover() != nil {
			written, ok = nil, false
		}
	}()
	var spec specs.Spec
	if jsonv2.Unmarshal(input, &spec) != nil {
		return nil, false
	}
	b, err := jsonv2.Marshal(&spec)
	if err != nil {
		return nil, false
	}
	return b, true
}

func v1Version() string {
	return specmod.Path + " " + specmod.Version() + "; encoding/json " + runtime.Version()
}

type judge struct {
	name, version string
	// decode reads the input into a spec and returns what the program
	// would act on.
	decode   func([]byte) (any, error)
	classify func(error) string
}

func (j *judge) Name() string       { return j.name }
func (j *judge) Version() string    { return j.version }
func (j *judge) Kind() parsers.Kind { return parsers.Parser }
func (j *judge) String() string     { return j.name }

// Judge decodes input. It does not panic: a panic in the decoder (none is
// known) becomes a Crash verdict.
func (j *judge) Judge(input []byte) (v parsers.Verdict) {
	v = parsers.Verdict{Judge: j.name, Version: j.version}
	defer parsers.Recover(&v)
	spec, err := j.decode(input)
	if err != nil {
		v.Outcome, v.Error, v.Class = parsers.Reject, err.Error(), j.classify(err)
		return v
	}
	model, err := json.Marshal(spec)
	if err != nil {
		// Every decoded specs.Spec marshals; if one does not, the judge
		// cannot say what it read, which is a finding about it.
		return parsers.Crashed(v, "re-serializing the decoded spec: "+err.Error())
	}
	v.Outcome, v.Model = parsers.Accept, model
	return v
}
