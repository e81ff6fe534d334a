// Package parsers holds the one protocol every judge speaks. A judge reads
// one config.json and returns a Verdict; what it is (a Go decoder, a Rust
// program behind a pipe, a JSON Schema validator, a C library) stays inside
// its own subpackage, so that the engine in harness/ compares verdicts as
// data and a new judge is one new adapter, never a change to the engine.
package parsers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Outcome is what a judge did with an input.
type Outcome string

const (
	// Accept: the judge read the input as a runtime spec.
	Accept Outcome = "accept"
	// Reject: the judge refused the input with an error of its own.
	Reject Outcome = "reject"
	// Crash: the judge's process died, panicked or answered something
	// that is not a verdict. It is a finding about the judge, not a harness
	// failure.
	Crash Outcome = "crash"
	// Timeout: the judge gave no answer within its per-input deadline.
	Timeout Outcome = "timeout"
)

// Retried joins, in the Error of a crash or timeout, what a fresh process
// did to what the first one did: such a verdict stands only when it
// happens again (adapter.Client). A report's summary keeps the first part.
const Retried = "; and before, on the first child: "

// Kind tells the engine what a judge can say beyond accept or reject.
type Kind int

const (
	// Parser judges turn the input into a model a program acts on; when
	// they accept they return that model re-serialized as JSON, so the
	// engine can compare what two parsers actually read.
	Parser Kind = iota
	// Validator judges only say whether the input conforms (a JSON Schema).
	Validator
)

func (k Kind) String() string {
	switch k {
	case Parser:
		return "parser"
	case Validator:
		return "validator"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Verdict is one judge's answer about one input. It is plain data: it is
// what the corpus records and what reports quote.
type Verdict struct {
	// Judge is the judge's stable name, version included where the judge
	// is one of several releases of one library, e.g. "rust/oci-spec@0.10.0".
	Judge string `json:"judge"`
	// Version is the exact version of the code that judged, e.g.
	// "github.com/opencontainers/runtime-spec v1.3.0".
	Version string  `json:"version,omitempty"`
	Outcome Outcome `json:"outcome"`
	// Error is the judge's own error text, verbatim.
	Error string `json:"error,omitempty"`
	// Class is Error normalized so that two inputs failing for the same
	// cause share it: no line or column numbers, offsets or echoed values.
	Class string `json:"class,omitempty"`
	// Causes lists, for a judge that reports several independent errors
	// at once (a schema validator reports every keyword that failed), the
	// class of each; Class is made of them. Minimizing for one cause at a
	// time separates inputs that hold several.
	Causes []string `json:"causes,omitempty"`
	// At is, for a rejection, the member the judge's error names, as a
	// JSON pointer with array indices as written ("/mounts/0/type"), when
	// the judge's error says where; empty when it does not. Causes are
	// placed by it (harness/cause).
	At string `json:"at,omitempty"`
	// Model is, for a Parser that accepted, the parsed document
	// re-serialized as JSON by the judge's own serializer.
	Model json.RawMessage `json:"model,omitempty"`
}

// Accepted reports whether the judge accepted the input.
func (v Verdict) Accepted() bool { return v.Outcome == Accept }

// Judge is the protocol every implementation speaks.
//
// Judge must not panic and must return within its own deadline whatever the
// input holds; a judge that can crash (a child process, cgo) turns that into
// a Crash or Timeout verdict itself. Implementations are safe for use by one
// goroutine at a time unless they say otherwise.
type Judge interface {
	// Name is the stable identifier used in signatures, the corpus and
	// on the command line.
	Name() string
	// Version is the exact version of the code behind the judge.
	Version() string
	Kind() Kind
	Judge(input []byte) Verdict
}

// A Sender is a judge that works outside this process (a child process).
// Send hands the input over and returns at once; the function it returns
// waits for the verdict. The engine sends to every Sender first and runs
// the in-process judges while they work, so that a full check costs about
// the slowest judge rather than the sum of all.
//
// Several inputs may be sent before the first verdict is waited for (the
// engine's Start keeps a child busy with the next files of a check), and
// each wait must be called once, in any order.
type Sender interface {
	Judge
	Send(input []byte) (wait func() Verdict)
}

// Start has every judge give its verdict on input: it hands input to each
// Sender and returns at once with a function that runs the in-process
// judges while the Senders work, then waits for those. The input is
// decoded at most once, for the judges that read a decoded tree
// (DecodedJudge); finish returns that decode too, nil when no judge asked
// for it. Inputs started one after the other may be finished in any
// order, each once.
func Start(judges []Judge, input []byte) (finish func() ([]Verdict, *Decoded)) {
	waits := make([]func() Verdict, len(judges))
	for i, j := range judges {
		if s, ok := j.(Sender); ok {
			waits[i] = s.Send(input)
		}
	}
	return func() (vs []Verdict, d *Decoded) {
		vs = make([]Verdict, len(judges))
		decoded := func() *Decoded {
			if d == nil {
				d = Decode(input)
			}
			return d
		}
		for i, j := range judges {
			switch dj, ok := j.(DecodedJudge); {
			case waits[i] != nil:
			case ok:
				vs[i] = dj.JudgeDecoded(input, decoded)
			default:
				vs[i] = j.Judge(input)
			}
		}
		for i, w := range waits {
			if w != nil {
				vs[i] = w()
			}
		}
		return vs, d
	}
}

// Close closes every judge that holds a resource (a child process) and
// returns every error.
func Close(judges []Judge) error {
	var errs []error
	for _, j := range judges {
		if c, ok := j.(io.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}

// A Writer is a parser whose Model is not what its library writes: go/jsonv2
// re-serializes what it read with encoding/json, so that the Go judges'
// models compare as values, while a program on json/v2 writes with json/v2.
// Write returns what the library itself writes for input, and ok false when
// the library does not read input or the judge writes as its Model says
// (every judge that is not itself a Writer). The round trip
// (harness.RoundTrip) judges these bytes; nothing else calls it, so the
// check path pays nothing for it.
type Writer interface {
	Judge
	Write(input []byte) (written []byte, ok bool)
}
