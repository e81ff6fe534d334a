// Package rust is the judge for the Rust oci-spec crate (oci_spec::runtime::Spec
// read by serde_json, as youki and other Rust runtimes read config.json).
// The crate runs in rust-adapter/, a child process that carries several
// releases at once; this package starts it for one release.
package rust

import (
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/parsers/adapter"
)

// implementations are the releases the adapter carries, the default first.
// A test checks them against the adapter's own --list.
var implementations = []string{"oci-spec@0.10.0", "oci-spec@0.6.0"}

// Implementations lists the oci-spec releases the adapter serves, in the
// form Start takes, the default first.
func Implementations() []string { return slices.Clone(implementations) }

// Start launches the adapter for one release, e.g. "oci-spec@0.6.0"; ""
// means the newest. The binary is bin/ocidiff-rust-adapter (built by
// `make build`) or $OCIDIFF_RUST_ADAPTER. The judge is named "rust/"+impl.
func Start(impl string) (*adapter.Client, error) {
	if impl == "" {
		impl = implementations[0]
	}
	if !slices.Contains(implementations, impl) {
		return nil, fmt.Errorf("rust: unknown implementation %q (known: %s)", impl, strings.Join(implementations, ", "))
	}
	path, err := adapter.Locate("ocidiff-rust-adapter", "OCIDIFF_RUST_ADAPTER")
	if err != nil {
		return nil, err
	}
	c, err := adapter.Start(adapter.Config{Path: path, Args: []string{impl}})
	if err != nil {
		return nil, err
	}
	if want := "rust/" + impl; c.Name() != want {
		c.Close()
		return nil, fmt.Errorf("rust: %s announced judge %q, want %q: rebuild it with `make build`", path, c.Name(), want)
	}
	return c, nil
}

// Default returns what release impl writes for oci_spec's Spec::default(),
// as Spec::save writes it: the config a Rust program that builds its spec
// from the crate's defaults hands a runtime (the adapter's --default).
func Default(impl string) ([]byte, error) {
	if !slices.Contains(implementations, impl) {
		return nil, fmt.Errorf("rust: unknown implementation %q (known: %s)", impl, strings.Join(implementations, ", "))
	}
	return runAdapter("--default", impl)
}

// A Built spec is one a Rust program builds from the newest release's
// constructors and its parts' defaults (the adapter's defaults::built),
// as the crate writes it.
type Built struct {
	Name   string // how it was built, e.g. "windows: Windows::default()"
	Config []byte
}

// BuiltSpecs returns every spec the adapter's --built writes.
func BuiltSpecs() ([]Built, error) {
	out, err := runAdapter("--built")
	if err != nil {
		return nil, err
	}
	var built []Built
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		name, config, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("rust: the adapter's --built wrote %.80q, not NAME<tab>CONFIG", line)
		}
		built = append(built, Built{name, []byte(config)})
	}
	return built, nil
}

// runAdapter runs the adapter once with args and returns what it wrote.
func runAdapter(args ...string) ([]byte, error) {
	path, err := adapter.Locate("ocidiff-rust-adapter", "OCIDIFF_RUST_ADAPTER")
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd := exec.Command(path, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("rust: %s %s: %v: %s", path, strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}
