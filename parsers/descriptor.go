package parsers

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Descriptor is everything ocidiff knows about a judge that is not its
// verdicts: what it is, whose code it runs, which real runtime it stands
// for and how a maintainer reproduces what it did. Triage, reports,
// reproductions, confirmation and the site read these facts from here and
// nowhere else, so that a judge for a new language is its adapter and one
// registry entry, and a fact left out is an error (Check) rather than a
// silent default.
type Descriptor struct {
	// Name is the judge's stable name, as Judge.Name returns it.
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Language is the language of the library that reads, e.g. "Go".
	Language string `json:"language"`
	// Library names the implementation whose behaviour the judge shows,
	// the same for every release of it ("oci-spec-rs", "libocispec"). A
	// cause is keyed on it, never on the judge or its release, so that
	// adding or upgrading a judge renames no cause.
	Library string `json:"library"`
	// Release is the library's release (or the program's) this judge
	// runs, e.g. "0.10.0" or "crun 1.28".
	Release string `json:"release"`
	// Upstream is the project that owns the library's code: where a bug in
	// it is reported.
	Upstream Upstream `json:"upstream"`
	// Runtime is the real runtime that reads config.json as this judge
	// does, e.g. "youki", or "" for a validator, which stands for none.
	Runtime string `json:"runtime,omitempty"`
	// Repro names how a reproduction for this judge is built: one of the
	// templates package harness/repro knows.
	Repro string `json:"repro"`
	// About is one line on what the judge is and which programs read
	// config.json this way.
	About string `json:"about"`
}

// Upstream is a project a report can be filed with.
type Upstream struct {
	// Name is what -upstream takes, e.g. "oci-spec-rs".
	Name string `json:"name"`
	// Repo is the GitHub repository, "owner/name".
	Repo string `json:"repo"`
	// What is, in a few words, the code of the project a judge runs.
	What string `json:"what,omitempty"`
	// Spec marks the project that owns the spec's text and schema: a
	// report to it is about what the spec says, and the schema's
	// validators speak for it.
	Spec bool `json:"spec,omitempty"`
	// StdlibOnly marks a project that takes no reproduction needing a
	// module of another project (golang/go): its reports show programs
	// that use the standard library alone.
	StdlibOnly bool `json:"stdlibOnly,omitempty"`
}

// URL is the project's home on GitHub.
func (u Upstream) URL() string { return "https://github.com/" + u.Repo }

// Tracker is where the project's issues are filed.
func (u Upstream) Tracker() string { return u.URL() + "/issues" }

// Check returns an error naming every fact d lacks. A Parser stands for a
// runtime unless it says otherwise in Runtime; a Validator stands for none.
func (d Descriptor) Check() error {
	var missing []string
	for _, f := range []struct {
		name string
		ok   bool
	}{
		{"name", d.Name != ""},
		{"language", d.Language != ""},
		{"library", d.Library != ""},
		{"release", d.Release != ""},
		{"upstream.name", d.Upstream.Name != ""},
		{"upstream.repo", strings.Count(d.Upstream.Repo, "/") == 1},
		{"runtime", d.Kind == Validator || d.Runtime != ""},
		{"repro", d.Repro != ""},
		{"about", d.About != ""},
	} {
		if !f.ok {
			missing = append(missing, f.name)
		}
	}
	if d.Kind != Parser && d.Kind != Validator {
		missing = append(missing, "kind")
	}
	if len(missing) > 0 {
		return fmt.Errorf("judge %q: descriptor lacks %s", d.Name, strings.Join(missing, ", "))
	}
	return nil
}

// A Described judge knows its own descriptor. The registry wraps every
// judge it opens in one (Describe), so that the engine names causes by
// library without a table of its own.
type Described interface {
	Judge
	Descriptor() Descriptor
}

// Describe wraps j so that it carries d. It keeps j a Sender and a closer
// exactly where j is one: the recorder tells a judge that holds a child
// process (one it must restart to verify a case) by its Close.
func Describe(j Judge, d Descriptor) Judge {
	dj := &describedJudge{j, d}
	s, send := j.(Sender)
	c, closes := j.(io.Closer)
	switch {
	case send && closes:
		return &struct {
			*describedSender
			io.Closer
		}{&describedSender{dj, s}, c}
	case send:
		return &describedSender{dj, s}
	case closes:
		return &struct {
			*describedJudge
			io.Closer
		}{dj, c}
	}
	return dj
}

type describedSender struct {
	*describedJudge
	s Sender
}

func (j *describedSender) Send(input []byte) func() Verdict { return j.s.Send(input) }

type describedJudge struct {
	j Judge
	d Descriptor
}

func (j *describedJudge) Name() string               { return j.j.Name() }
func (j *describedJudge) Version() string            { return j.j.Version() }
func (j *describedJudge) Kind() Kind                 { return j.j.Kind() }
func (j *describedJudge) Judge(input []byte) Verdict { return j.j.Judge(input) }
func (j *describedJudge) Descriptor() Descriptor     { return j.d }

// Write forwards to the judge described when it is a Writer, so that the
// wrapping hides no writer.
func (j *describedJudge) Write(input []byte) ([]byte, bool) {
	if w, ok := j.j.(Writer); ok {
		return w.Write(input)
	}
	return nil, false
}

// DescriptorOf returns j's descriptor, or, for a judge nobody described (a
// test's fake), the least that can be said: its name, kind and version,
// with the name standing for the library. ok is false then.
func DescriptorOf(j Judge) (d Descriptor, ok bool) {
	if dj, ok := j.(Described); ok {
		return dj.Descriptor(), true
	}
	return Descriptor{Name: j.Name(), Kind: j.Kind(), Library: j.Name(), Release: j.Version()}, false
}

// MarshalText writes a Kind as its name, so that descriptors read as data.
func (k Kind) MarshalText() ([]byte, error) {
	switch k {
	case Parser, Validator:
		return []byte(k.String()), nil
	}
	return nil, fmt.Errorf("parsers: no name for %v", k)
}

// UnmarshalText reads a Kind's name.
func (k *Kind) UnmarshalText(b []byte) error {
	switch string(b) {
	case "parser":
		*k = Parser
	case "validator":
		*k = Validator
	default:
		return errors.New("parsers: kind " + fmt.Sprintf("%q", b) + " is neither parser nor validator")
	}
	return nil
}

// Descriptors are judges' descriptors by name. The registry, which knows
// every judge, builds them; the packages that read verdicts (triage,
// reports, the site) are handed them, since a recorded verdict names its
// judge and nothing more, and they cannot import the registry.
type Descriptors map[string]Descriptor

// DescriptorsOf collects the descriptors js carry. A judge nobody
// described is left out, so that Of reports it rather than hand out the
// little DescriptorOf can guess.
func DescriptorsOf(js []Judge) Descriptors {
	ds := Descriptors{}
	for _, j := range js {
		if d, ok := DescriptorOf(j); ok {
			ds[j.Name()] = d
		}
	}
	return ds
}

// Of returns judge's descriptor. A judge with none is an error, not a
// guess from its name: a verdict of a judge ocidiff no longer carries, or
// a list of descriptors that misses one, must not be triaged as some other
// library's.
func (ds Descriptors) Of(judge string) (Descriptor, error) {
	d, ok := ds[judge]
	if !ok {
		return Descriptor{}, fmt.Errorf("judge %q: no descriptor (ocidiff does not carry it, or it was left out of the descriptors handed down)", judge)
	}
	return d, nil
}
