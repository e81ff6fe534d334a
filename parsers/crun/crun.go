// Package crun is the judge for crun's config.json parser: the C code
// libocispec generates from the runtime-spec schema, as vendored by crun and
// shipped in the libcrun.a of Debian's crun packages. One judge per crun
// release in c-adapter/crun-versions: 1.28 (sid, json-c; the default), 1.21
// (trixie, the last on yajl in Debian) and 1.8.1 (Debian 12, yajl).
//
// The parser runs in its own process, ocidiff-c-adapter-crun-VERSION (built
// from c-adapter/), behind the protocol of parsers/adapter, because a C
// library that crashes must cost one Crash verdict, not the harness. The
// adapter calls runtime_spec_schema_config_schema_parse_data with a NULL
// context, exactly as crun does when it loads config.json, so the verdict
// is crun's: unknown keys are ignored, a value of the wrong JSON type reads
// as absent, and the document ends at the first NUL byte.
package crun

import (
	"fmt"
	"strings"

	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/adapter"
)

// Versions are the crun releases ocidiff carries a judge for, newest first;
// they must match c-adapter/crun-versions, which pins their packages.
var Versions = []string{"1.28", "1.21", "1.8.1"}

// Name is the judge's name for crun release version.
func Name(version string) string { return "c/libocispec@crun-" + version }

// Program is the adapter executable that serves release version, and EnvVar
// the variable that can point at it.
func Program(version string) string { return "ocidiff-c-adapter-crun-" + version }

// EnvVar names the variable that overrides where Program(version) is found,
// for example OCIDIFF_C_ADAPTER_CRUN_1_28.
func EnvVar(version string) string {
	return "OCIDIFF_C_ADAPTER_CRUN_" + strings.ReplaceAll(version, ".", "_")
}

// Start starts the C adapter for crun release version and returns the judge
// it serves. The adapter is found through EnvVar(version) or adapter.Locate's
// search for Program(version). The caller closes the client.
func Start(version string) (*adapter.Client, error) {
	p, err := adapter.Locate(Program(version), EnvVar(version))
	if err != nil {
		return nil, fmt.Errorf("crun %s: %w (build it with: make deps build)", version, err)
	}
	c, err := adapter.Start(adapter.Config{Path: p, Kind: parsers.Parser})
	if err != nil {
		return nil, fmt.Errorf("crun %s: %w", version, err)
	}
	// The adapter takes no argument, so nothing but its hello says which
	// release a path given in EnvVar(version) really serves.
	if h := c.Hello(); h.Judge != Name(version) || h.Release != "crun "+version {
		c.Close()
		return nil, fmt.Errorf("crun %s: %s says judge %q, release %q; want %q, %q: rebuild it with `make build`",
			version, p, h.Judge, h.Release, Name(version), "crun "+version)
	}
	return c, nil
}
