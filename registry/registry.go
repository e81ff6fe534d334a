// Package registry knows every judge ocidiff carries, what each one is and
// how to start it, so that the command line, the fuzzers and the tests
// pick judges by name or profile from one list. It is the composition
// root: the packages under parsers/ and harness/ never import it; they
// are handed the judges it opens (whose descriptors they carry) or the
// descriptors it lists.
package registry

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/crun"
	"github.com/ocidiff/ocidiff/parsers/gojson"
	"github.com/ocidiff/ocidiff/parsers/rust"
	"github.com/ocidiff/ocidiff/parsers/schema"
)

// Entry is one judge ocidiff can start.
type Entry struct {
	parsers.Descriptor
	// Default judges run when no -judges is given. Older releases of a
	// library are not default: they serve the version matrix, the
	// profiles of what is deployed, and reproductions of bugs as they
	// were reported.
	Default bool
	// Profiles are the named selections (besides default and all) the
	// judge belongs to.
	Profiles []string
	open     func() (parsers.Judge, error)
}

// Profile is a named selection of judges: what a distribution ships, so
// that a project checks its configs against the runtimes its users run.
type Profile struct {
	Name string
	// About says what the profile stands for and where its judges only
	// come near what is deployed.
	About string
}

// Profiles lists the named selections beyond default and all. Which
// judges each holds is said in each Entry's Profiles. Every profile keeps
// both schema validators: they are the spec's own reading, the reference
// the triage rules measure the parsers against.
var Profiles = []Profile{
	{"debian-12", "Debian 12 (bookworm): runc 1.1.5 built on Debian's runtime-spec 1.0.2.118.g5cfc4c3 " +
		"(go/runc-1.1@spec-1.0.2-dev) and crun 1.8.1 (c/libocispec@crun-1.8.1); " +
		"its containerd 1.6.20 has no judge"},
	{"debian-13", "Debian 13 (trixie): crun 1.21 (c/libocispec@crun-1.21); runc 1.1.15 and containerd 1.7.24, " +
		"both built on Debian's runtime-spec 1.2.0, come nearest as go/runc-1.2@spec-1.2.0 " +
		"(runc 1.1 panics on a null config where 1.2 refuses it) and go/containerd-1.7@spec-1.1.0 " +
		"(members new in runtime-spec 1.2.0 are unknown to it)"},
	{"newest", "the newest release of each runtime's reading: runc and containerd on runtime-spec 1.3.0 " +
		"(go/decoder, go/unmarshal), youki's oci-spec-rs 0.10.0 and crun 1.28 (Debian unstable); " +
		"the default judges without go/jsonv2, which no runtime reads with yet"},
}

func plain(f func() parsers.Judge) func() (parsers.Judge, error) {
	return func() (parsers.Judge, error) { return f(), nil }
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

// upstream names a project of triage.Upstreams, the places a report can
// be filed, so that a judge's upstream is one a reader can name to
// `ocidiff report -upstream`.
func upstream(name string) parsers.Upstream {
	u, err := triage.FindUpstream(name)
	if err != nil {
		panic("registry: " + err.Error())
	}
	return u
}

const (
	debian12 = "debian-12"
	debian13 = "debian-13"
	newest   = "newest"
)

var entries = []Entry{
	{Descriptor: parsers.Descriptor{Name: "go/unmarshal", Kind: parsers.Parser, Language: "Go",
		Library: "specs-go/encoding-json", Release: "Unmarshal on spec 1.3.0", Upstream: upstream("golang/go"),
		Runtime: "containerd 2.2.1 and later, hcsshim (json.Unmarshal into the specs-go types)", Repro: "go-unmarshal",
		About: "specs-go types via encoding/json.Unmarshal, as containerd and hcsshim read config.json"},
		Default: true, Profiles: []string{newest}, open: plain(gojson.Unmarshal)},
	{Descriptor: parsers.Descriptor{Name: "go/decoder", Kind: parsers.Parser, Language: "Go",
		Library: "specs-go/encoding-json", Release: "Decoder (runc 1.4) on spec 1.3.0", Upstream: upstream("golang/go"),
		Runtime: "runc 1.4 and later (loadSpec)", Repro: "go-decoder",
		About: "specs-go types via encoding/json.Decoder.Decode, as runc reads config.json"},
		Default: true, Profiles: []string{newest}, open: plain(gojson.Decoder)},
	{Descriptor: parsers.Descriptor{Name: "go/jsonv2", Kind: parsers.Parser, Language: "Go",
		Library: "specs-go/json-v2", Release: "go-json-experiment/json v1.27.2", Upstream: upstream("go-json-experiment/json"),
		Runtime: "none yet: the encoding/json/v2 proposal, which Go runtimes will read with once encoding/json is built on it",
		Repro:   "go-jsonv2",
		About:   "specs-go types via go-json-experiment/json (the encoding/json/v2 proposal)"},
		Default: true, open: plain(gojson.V2)},
	{Descriptor: parsers.Descriptor{Name: "go/runc-1.1@spec-1.0.2-dev", Kind: parsers.Parser, Language: "Go",
		Library: "specs-go/encoding-json", Release: "runc 1.1 on spec 1.0.2-dev", Upstream: upstream("golang/go"),
		Runtime: "runc 1.1.5 of Debian 12", Repro: "go-runc-1.1",
		About: "runc 1.1's loadSpec (json.Decoder; null panics) on runtime-spec 1.0.2-dev (5cfc4c3), as Debian 12's runc 1.1.5 is built"},
		Profiles: []string{debian12}, open: pinned("go/runc-1.1@spec-1.0.2-dev")},
	{Descriptor: parsers.Descriptor{Name: "go/containerd-1.7@spec-1.1.0", Kind: parsers.Parser, Language: "Go",
		Library: "specs-go/encoding-json", Release: "containerd 1.7 on spec 1.1.0", Upstream: upstream("golang/go"),
		Runtime: "containerd 1.7.12 to 1.7.34 (ctr run --config)", Repro: "go-containerd-1.7",
		About: "containerd 1.7's WithSpecFromBytes (json.Unmarshal; `ctr run --config`) on runtime-spec v1.1.0"},
		Profiles: []string{debian13}, open: pinned("go/containerd-1.7@spec-1.1.0")},
	{Descriptor: parsers.Descriptor{Name: "go/runc-1.2@spec-1.2.0", Kind: parsers.Parser, Language: "Go",
		Library: "specs-go/encoding-json", Release: "runc 1.2 on spec 1.2.0", Upstream: upstream("golang/go"),
		Runtime: "runc 1.2.0 to 1.2.9", Repro: "go-runc-1.2",
		About: "runc 1.2's loadSpec (json.Decoder; null refused) on runtime-spec v1.2.0"},
		Profiles: []string{debian13}, open: pinned("go/runc-1.2@spec-1.2.0")},
	{Descriptor: parsers.Descriptor{Name: "rust/oci-spec@0.10.0", Kind: parsers.Parser, Language: "Rust",
		Library: "oci-spec-rs", Release: "0.10.0", Upstream: upstream("oci-spec-rs"),
		Runtime: "youki 0.7.0 (Spec::load)", Repro: "rust-oci-spec",
		About: "oci_spec::runtime::Spec via serde_json, as youki reads config.json (newest release)"},
		Default: true, Profiles: []string{newest}, open: rustImpl("oci-spec@0.10.0")},
	{Descriptor: parsers.Descriptor{Name: "rust/oci-spec@0.6.0", Kind: parsers.Parser, Language: "Rust",
		Library: "oci-spec-rs", Release: "0.6.0", Upstream: upstream("oci-spec-rs"),
		Runtime: "youki releases built on oci-spec 0.6", Repro: "rust-oci-spec",
		About: "oci_spec::runtime::Spec 0.6.0, the last release with windows.layerFolders required"},
		open: rustImpl("oci-spec@0.6.0")},
	{Descriptor: parsers.Descriptor{Name: crun.Name("1.28"), Kind: parsers.Parser, Language: "C",
		Library: "libocispec", Release: "crun 1.28", Upstream: upstream("libocispec"),
		Runtime: "crun 1.28 of Debian unstable", Repro: "c-libocispec",
		About: "libocispec's generated C parser (json-c) inside the libcrun.a of Debian unstable's crun, called as crun loads config.json"},
		Default: true, Profiles: []string{newest}, open: crunImpl("1.28")},
	{Descriptor: parsers.Descriptor{Name: crun.Name("1.21"), Kind: parsers.Parser, Language: "C",
		Library: "libocispec", Release: "crun 1.21", Upstream: upstream("libocispec"),
		Runtime: "crun 1.21 of Debian 13", Repro: "c-libocispec",
		About: "the same in Debian 13's crun 1.21, the last libocispec on yajl"},
		Profiles: []string{debian13}, open: crunImpl("1.21")},
	{Descriptor: parsers.Descriptor{Name: crun.Name("1.8.1"), Kind: parsers.Parser, Language: "C",
		Library: "libocispec", Release: "crun 1.8.1", Upstream: upstream("libocispec"),
		Runtime: "crun 1.8.1 of Debian 12", Repro: "c-libocispec",
		About: "the same in Debian 12's crun 1.8.1 (yajl)"},
		Profiles: []string{debian12}, open: crunImpl("1.8.1")},
	{Descriptor: parsers.Descriptor{Name: "schema/jsonschema-v6", Kind: parsers.Validator, Language: "Go",
		Library: "runtime-spec-schema/jsonschema-v6", Release: "v6.0.2", Upstream: upstream("jsonschema"),
		Repro: "go-jsonschema-v6",
		About: "the spec's schema/config-schema.json via santhosh-tekuri/jsonschema/v6"},
		Default: true, Profiles: []string{debian12, debian13, newest}, open: wrap(schema.New)},
	{Descriptor: parsers.Descriptor{Name: "schema/gojsonschema", Kind: parsers.Validator, Language: "Go",
		Library: "runtime-spec-schema/gojsonschema", Release: "v1.2.0", Upstream: upstream("gojsonschema"),
		Repro: "go-gojsonschema",
		About: "the spec's schema/config-schema.json via xeipuuv/gojsonschema, as runtime-spec's own validate.go"},
		Default: true, Profiles: []string{debian12, debian13, newest}, open: wrap(schema.NewGoJSONSchema)},
}

func rustImpl(impl string) func() (parsers.Judge, error) {
	return wrap(func() (parsers.Judge, error) { return rust.Start(impl) })
}

func crunImpl(version string) func() (parsers.Judge, error) {
	return wrap(func() (parsers.Judge, error) { return crun.Start(version) })
}

func pinned(name string) func() (parsers.Judge, error) {
	return func() (parsers.Judge, error) { return gojson.StartPinned(name) }
}

// GoWriters are the libraries that write a specs-go value a Go program
// built (FuzzGoWriter, `corpus add -target FuzzGoWriter`): encoding/json
// and json/v2 on the pinned specs-go, as the default Go judges' descriptors
// name them (TestGoWritersAreLibraries). The round trip for a built config
// judges only their output (harness.RoundTrip).
var GoWriters = []string{"specs-go/encoding-json", "specs-go/json-v2"}

// All lists every judge ocidiff carries.
func All() []Entry { return slices.Clone(entries) }

// Descriptors returns the descriptor of every judge ocidiff carries, for
// the packages that read recorded verdicts.
func Descriptors() parsers.Descriptors {
	ds := parsers.Descriptors{}
	for _, e := range entries {
		ds[e.Name] = e.Descriptor
	}
	return ds
}

// Selections lists what -judges takes besides judge names.
func Selections() []string {
	s := []string{"default", "all"}
	for _, p := range Profiles {
		s = append(s, p.Name)
	}
	return s
}

// Names resolves a selection: "" and "default" mean the default judges,
// "all" every judge, a profile's name (Profiles) its judges; otherwise a
// comma-separated list of judge and profile names, each known, in the
// order given.
func Names(sel string) ([]string, error) {
	if sel == "" {
		sel = "default"
	}
	var names []string
	for _, n := range strings.Split(sel, ",") {
		n = strings.TrimSpace(n)
		var add []string
		switch {
		case n == "default":
			add = matching(func(e Entry) bool { return e.Default })
		case n == "all":
			add = matching(func(Entry) bool { return true })
		case slices.ContainsFunc(Profiles, func(p Profile) bool { return p.Name == n }):
			add = matching(func(e Entry) bool { return slices.Contains(e.Profiles, n) })
		case slices.ContainsFunc(entries, func(e Entry) bool { return e.Name == n }):
			add = []string{n}
		default:
			return nil, fmt.Errorf("unknown judge or profile %q in -judges %q (known profiles: %s; run `ocidiff judges` for the judges)",
				n, sel, strings.Join(Selections(), ", "))
		}
		for _, a := range add {
			if !slices.Contains(names, a) {
				names = append(names, a)
			}
		}
	}
	return names, nil
}

func matching(keep func(Entry) bool) []string {
	var names []string
	for _, e := range entries {
		if keep(e) {
			names = append(names, e.Name)
		}
	}
	return names
}

// Open starts the named judges in the order given, each carrying its
// descriptor (parsers.Describe). On error it closes what it started and
// says which judge failed.
func Open(names []string) ([]parsers.Judge, error) {
	var js []parsers.Judge
	for _, n := range names {
		i := slices.IndexFunc(entries, func(e Entry) bool { return e.Name == n })
		if i < 0 {
			parsers.Close(js)
			return nil, fmt.Errorf("unknown judge %q", n)
		}
		j, err := entries[i].Start()
		if err != nil {
			parsers.Close(js)
			return nil, err
		}
		js = append(js, j)
	}
	return js, nil
}

// Start starts the judge e, carrying its descriptor, and checks that the
// judge started is the one described.
func (e Entry) Start() (parsers.Judge, error) {
	j, err := e.open()
	if err != nil {
		return nil, fmt.Errorf("starting judge %s: %w", e.Name, err)
	}
	if j.Name() != e.Name {
		parsers.Close([]parsers.Judge{j})
		return nil, fmt.Errorf("judge %s announced itself as %q: the adapter and this build disagree; run `make build`", e.Name, j.Name())
	}
	if j.Kind() != e.Kind {
		parsers.Close([]parsers.Judge{j})
		return nil, fmt.Errorf("judge %s is a %v, but its registry entry says %v", e.Name, j.Kind(), e.Kind)
	}
	return parsers.Describe(j, e.Descriptor), nil
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
