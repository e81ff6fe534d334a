package schema

import "github.com/ocidiff/ocidiff/parsers"

// decoded is an input read as both libraries read a document:
// encoding/json's Decoder with UseNumber, numbers kept as written, the
// last of duplicate names kept. jsonschema.UnmarshalJSON and
// gojsonschema's bytes loader both do exactly this and differ only after
// the first value: v6 refuses anything but white space there,
// gojsonschema ignores it. So one decode serves both, and the engine's
// (parsers.DecodedJudge) serves them and the engine.
type decoded = parsers.Decoded
