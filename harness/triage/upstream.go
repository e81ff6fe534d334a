package triage

import (
	"fmt"
	"strings"

	"github.com/ocidiff/ocidiff/parsers"
)

// Upstream is a project a report can be filed with.
type Upstream = parsers.Upstream

// Upstreams lists every project a report can go to: the spec, and the
// project of each judge's library (the registry's descriptors name them
// from this list).
var Upstreams = []Upstream{
	{Name: "runtime-spec", Repo: "opencontainers/runtime-spec", What: "the OCI runtime spec: its text, schema/ and the specs-go types", Spec: true},
	{Name: "golang/go", Repo: "golang/go", What: "Go's encoding/json, decoding into the specs-go types", StdlibOnly: true},
	{Name: "go-json-experiment/json", Repo: "go-json-experiment/json", What: "the encoding/json/v2 prototype"},
	{Name: "oci-spec-rs", Repo: "youki-dev/oci-spec-rs", What: "the Rust oci-spec crate (formerly containers/oci-spec-rs)"},
	{Name: "libocispec", Repo: "containers/libocispec", What: "libocispec, the C parser generated from the schema and vendored by crun (github.com/containers/crun)"},
	{Name: "gojsonschema", Repo: "xeipuuv/gojsonschema", What: "the JSON Schema validator the spec's own schema/validate.go uses"},
	{Name: "jsonschema", Repo: "santhosh-tekuri/jsonschema", What: "the JSON Schema validator santhosh-tekuri/jsonschema/v6"},
}

// FindUpstream returns the upstream called name (its Name or its Repo).
func FindUpstream(name string) (Upstream, error) {
	var names []string
	for _, u := range Upstreams {
		if strings.EqualFold(u.Name, name) || strings.EqualFold(u.Repo, name) {
			return u, nil
		}
		names = append(names, u.Name)
	}
	return Upstream{}, fmt.Errorf("unknown upstream %q (known: %s)", name, strings.Join(names, ", "))
}

// libraryOf returns the library whose behaviour judge shows, from ds.
func libraryOf(ds parsers.Descriptors, judge string) (string, error) {
	d, err := ds.Of(judge)
	return d.Library, err
}
