// Package registry knows every judge ocidiff carries and how to start it,
// so that the command line, the fuzzers and the tests pick judges by name
// from one list.
package registry

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/crun"
	"github.com/ocidiff/ocidiff/parsers/gojson"
	"github.com/ocidiff/ocidiff/parsers/rust"
	"github.com/ocidiff/ocidiff/parsers/schema"
)

// Entry is one judge ocidiff can start.
type Entry struct {
	Name string
	// Default judges run when no -judges is given. Older releases of a
	// library are not default: they serve the version matrix and
	// reproductions of bugs as they were reported.
	Default bool
	// About is one line on what the judge is and which programs read
	// config.json this way.
	About string
	Open  func() (parsers.Judge, error)
}

func wrap[J parsers.Judge](f func() (J, error)) func() (parsers.Judge, error) {
	return func() (parsers.Judge, error) {
		j, err := f()
		if err != nil {
			return nil, err
		}
		return j, nil
	}
}

func plain(f func() parsers.Judge) func() (parsers.Judge, error) {
	return func() (parsers.Judge, error) { return f(), nil }
}

func rustImpl(impl string) func() (parsers.Judge, error) {
	return wrap(func() (parsers.Judge, error) { return rust.Start(impl) })
}

func crunImpl(version string) func() (parsers.Judge, error) {
	return wrap(func() (parsers.Judge, error) { return crun.Start(version) })
}

func goPinned(name string) func() (parsers.Judge, error) {
	return func() (parsers.Judge, error) { return gojson.StartPinned(name) }
}

var entries = []Entry{
	{"go/unmarshal", true, "specs-go types via encoding/json.Unmarshal, as containerd and hcsshim read config.json", plain(gojson.Unmarshal)},
	{"go/decoder", true, "specs-go types via encoding/json.Decoder.Decode, as runc reads config.json", plain(gojson.Decoder)},
	{"go/jsonv2", true, "specs-go types via go-json-experiment/json (the encoding/json/v2 proposal)", plain(gojson.V2)},
	{"go/runc-1.1@spec-1.0.2-dev", false, "runc 1.1's loadSpec (json.Decoder; null panics) on runtime-spec 1.0.2-dev (5cfc4c3), as Debian 12's runc 1.1.5 is built", goPinned("go/runc-1.1@spec-1.0.2-dev")},
	{"go/containerd-1.7@spec-1.1.0", false, "containerd 1.7's WithSpecFromBytes (json.Unmarshal; `ctr run --config`) on runtime-spec v1.1.0", goPinned("go/containerd-1.7@spec-1.1.0")},
	{"go/runc-1.2@spec-1.2.0", false, "runc 1.2's loadSpec (json.Decoder; null refused) on runtime-spec v1.2.0", goPinned("go/runc-1.2@spec-1.2.0")},
	{"rust/oci-spec@0.10.0", true, "oci_spec::runtime::Spec via serde_json, as youki reads config.json (newest release)", rustImpl("oci-spec@0.10.0")},
	{"rust/oci-spec@0.6.0", false, "oci_spec::runtime::Spec 0.6.0, the last release with windows.layerFolders required", rustImpl("oci-spec@0.6.0")},
	{crun.Name("1.28"), true, "libocispec's generated C parser (json-c) inside the libcrun.a of Debian unstable's crun, called as crun loads config.json", crunImpl("1.28")},
	{crun.Name("1.21"), false, "the same in Debian 13's crun 1.21, the last libocispec on yajl", crunImpl("1.21")},
	{crun.Name("1.8.1"), false, "the same in Debian 12's crun 1.8.1 (yajl)", crunImpl("1.8.1")},
	{"schema/jsonschema-v6", true, "the spec's schema/config-schema.json via santhosh-tekuri/jsonschema/v6", wrap(schema.New)},
	{"schema/gojsonschema", true, "the spec's schema/config-schema.json via xeipuuv/gojsonschema, as runtime-spec's own validate.go", wrap(schema.NewGoJSONSchema)},
}

// All lists every judge ocidiff carries.
func All() []Entry { return slices.Clone(entries) }

// Names resolves a comma-separated selection: "" and "default" mean the
// default judges, "all" every judge; otherwise each name must be known.
func Names(sel string) ([]string, error) {
	var names []string
	switch sel {
	case "", "default":
		for _, e := range entries {
			if e.Default {
				names = append(names, e.Name)
			}
		}
		return names, nil
	case "all":
		for _, e := range entries {
			names = append(names, e.Name)
		}
		return names, nil
	}
	for _, n := range strings.Split(sel, ",") {
		n = strings.TrimSpace(n)
		if !slices.ContainsFunc(entries, func(e Entry) bool { return e.Name == n }) {
			return nil, fmt.Errorf("unknown judge %q (run `ocidiff judges` for the list)", n)
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names, nil
}

// Open starts the named judges in the order given. On error it closes what
// it started and says which judge failed.
func Open(names []string) ([]parsers.Judge, error) {
	var js []parsers.Judge
	for _, n := range names {
		i := slices.IndexFunc(entries, func(e Entry) bool { return e.Name == n })
		if i < 0 {
			parsers.Close(js)
			return nil, fmt.Errorf("unknown judge %q", n)
		}
		j, err := entries[i].Open()
		if err != nil {
			parsers.Close(js)
			return nil, fmt.Errorf("starting judge %s: %w", n, err)
		}
		if j.Name() != n {
			parsers.Close(append(js, j))
			return nil, fmt.Errorf("judge %s announced itself as %q: the adapter and this build disagree; run `make build`", n, j.Name())
		}
		js = append(js, j)
	}
	return js, nil
}

// Engine starts the judges of a selection (as Names reads it) and returns
// an engine over them, with opts. Closing the engine stops the judges.
func Engine(sel string, opts ...harness.Option) (*harness.Engine, error) {
	// Options are checked before any child process starts.
	if _, err := harness.New(nil, opts...); err != nil {
		return nil, err
	}
	names, err := Names(sel)
	if err != nil {
		return nil, err
	}
	js, err := Open(names)
	if err != nil {
		return nil, err
	}
	return harness.New(js, opts...)
}
