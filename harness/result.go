package harness

import "github.com/ocidiff/ocidiff/parsers"

// Result is what the engine says about one input: every judge's verdict and
// where they split. It is plain data, recorded as it is in corpus cases.
type Result struct {
	Verdicts []parsers.Verdict `json:"verdicts"`
	// Agree is true when every judge gave the same outcome and every pair
	// of accepting parsers read the same model, after the equivalence rules.
	Agree bool `json:"agree"`
	// Diffs lists, for pairs of accepting parsers, the JSON paths where
	// their models differ after the equivalence rules.
	Diffs []ValueDiff `json:"diffs,omitempty"`
	// Signature names the disagreement: which judges split, their error
	// classes and the paths involved. Two inputs with the same cause get the
	// same signature. Empty when the judges agree.
	Signature string `json:"signature,omitempty"`
	// Causes are the disagreement's causes (see Cause), one for each
	// library that stands apart and each thing it does; none when the
	// judges agree. A disagreement is the set of its causes: every one is
	// named, counted and allowed on its own.
	Causes []Cause `json:"causes,omitempty"`
	// Refused is true when every judge refused the input: they agree, and
	// no program would run it, which a user checking a config of their own
	// must hear about as much as of a disagreement.
	Refused bool `json:"refused,omitempty"`
	// RoundTrip is the round trip the result was checked with, nil for
	// none: replaying a case checks it the same way.
	RoundTrip *RoundTripMode `json:"roundTrip,omitempty"`
	// Writes are, with a round trip, what each library wrote for the
	// input and what every judge said of it (writes.go).
	Writes []Write `json:"writes,omitempty"`
}

// ValueDiff is one place where two parsers both accepted but read
// different values.
type ValueDiff struct {
	// Path is a JSON pointer into the model, array indices as written,
	// e.g. "/windows/layerFolders" or "/process/args/0".
	Path string `json:"path"`
	// A and B name the judges on each side (all judges that read the
	// same model stand together); AValue and BValue are what each side
	// read at Path, as JSON, or empty when the member is absent there.
	A      []string `json:"a"`
	B      []string `json:"b"`
	AValue string   `json:"aValue,omitempty"`
	BValue string   `json:"bValue,omitempty"`
}
