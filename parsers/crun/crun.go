// Package crun is the judge for crun's config.json parser: the C code
// libocispec generates from the runtime-spec schema, as vendored by crun
// 1.8.1 and shipped in Debian's libcrun.a.
//
// The parser runs in its own process, ocidiff-c-adapter (built from
// c-adapter/), behind the protocol of parsers/adapter, because a C library
// that crashes must cost one Crash verdict, not the harness. The adapter
// calls runtime_spec_schema_config_schema_parse_data with a NULL context,
// exactly as crun does when it loads config.json, so the verdict is crun's:
// unknown keys are ignored, a value of the wrong JSON type reads as absent,
// and the document ends at the first NUL byte.
package crun

import (
	"fmt"

	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/adapter"
)

// Start starts the C adapter and returns the judge it serves. The adapter
// is found through $OCIDIFF_C_ADAPTER or adapter.Locate's search for
// "ocidiff-c-adapter"; build it with `make -C c-adapter`. The caller closes
// the client.
func Start() (*adapter.Client, error) {
	p, err := adapter.Locate("ocidiff-c-adapter", "OCIDIFF_C_ADAPTER")
	if err != nil {
		return nil, fmt.Errorf("crun: %w (build it with: make -C c-adapter)", err)
	}
	c, err := adapter.Start(adapter.Config{Path: p, Kind: parsers.Parser})
	if err != nil {
		return nil, fmt.Errorf("crun: %w", err)
	}
	return c, nil
}
