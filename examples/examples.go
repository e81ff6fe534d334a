// Package examples holds the bundled config.json files: the ones the README
// shows and `make fuzz` checks, and the seeds the fuzzers start from.
package examples

import _ "embed"

// Founding is the config that started this project, reconstructed from
// the discussion in opencontainers/runtime-spec issue 1185 and
// containers/oci-spec-rs issue 126: what containerd writes for a Windows
// (host process) container before the shim has mounted anything.
// "layerFolders" is null because Go marshals a nil slice as null, and
// "root.path" is empty because the volume does not exist yet.
//
//go:embed containerd-windows-hostprocess.json
var Founding string
