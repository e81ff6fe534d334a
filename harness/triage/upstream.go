package triage

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/parsers/gojson"
)

// Upstream is a project a report can be filed with.
type Upstream struct {
	// Name is what -upstream takes, e.g. "oci-spec-rs".
	Name string
	// Repo is the GitHub repository, "owner/name".
	Repo string
	// What is the code of the project a judge runs.
	What string
}

// URL is the project's home on GitHub.
func (u Upstream) URL() string { return "https://github.com/" + u.Repo }

// Upstreams lists every project ocidiff's judges come from, and the spec.
var Upstreams = []Upstream{
	{"runtime-spec", "opencontainers/runtime-spec", "the OCI runtime spec: its text, schema/ and the specs-go types"},
	{"golang/go", "golang/go", "Go's encoding/json, decoding into the specs-go types"},
	{"go-json-experiment/json", "go-json-experiment/json", "the encoding/json/v2 prototype"},
	{"oci-spec-rs", "youki-dev/oci-spec-rs", "the Rust oci-spec crate (formerly containers/oci-spec-rs)"},
	{"libocispec", "containers/libocispec", "libocispec, the C parser generated from the schema and vendored by crun (github.com/containers/crun)"},
	{"gojsonschema", "xeipuuv/gojsonschema", "the JSON Schema validator the spec's own schema/validate.go uses"},
	{"jsonschema", "santhosh-tekuri/jsonschema", "the JSON Schema validator santhosh-tekuri/jsonschema/v6"},
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

// UpstreamOf returns the project whose code a judge runs. The Go judges
// built on encoding/json v1 belong to golang/go: what they accept is
// encoding/json's doing, the specs-go types only say which members exist.
func UpstreamOf(judge string) Upstream {
	name := "runtime-spec"
	switch {
	case judge == "go/unmarshal" || judge == "go/decoder" || slices.Contains(gojson.Pinned(), judge):
		name = "golang/go"
	case judge == "go/jsonv2":
		name = "go-json-experiment/json"
	case strings.HasPrefix(judge, "rust/oci-spec"):
		name = "oci-spec-rs"
	case strings.HasPrefix(judge, "c/libocispec"):
		name = "libocispec"
	case judge == "schema/gojsonschema":
		name = "gojsonschema"
	case judge == "schema/jsonschema-v6":
		name = "jsonschema"
	}
	u, _ := FindUpstream(name)
	return u
}
