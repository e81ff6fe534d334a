package gojson

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/adapter"
)

// pinned are the Go judges that read with an older runtime-spec than
// ocidiff's own: each stands for a runtime as shipped, with the specs-go
// that runtime's release is built with and its way of reading config.json.
// They run in go-adapter/ (one build per runtime-spec release, since one Go
// build holds one version of a module), behind parsers/adapter.
var pinned = []string{
	// Debian 12's runc 1.1.5+ds1, built against Debian's
	// golang-github-opencontainers-specs 1.0.2.118.g5cfc4c3-1.
	"go/runc-1.1@spec-1.0.2-dev",
	// containerd 1.7.12 and later 1.7 releases require runtime-spec v1.1.0.
	"go/containerd-1.7@spec-1.1.0",
	// runc 1.2.x requires runtime-spec v1.2.0.
	"go/runc-1.2@spec-1.2.0",
}

// Pinned lists the names of the pinned Go judges, in the form StartPinned
// takes.
func Pinned() []string { return slices.Clone(pinned) }

// Adapter returns the executable file name a pinned judge runs in, e.g.
// ocidiff-go-adapter-spec-1.0.2-dev for "go/runc-1.1@spec-1.0.2-dev", and
// the environment variable that names its path instead
// (OCIDIFF_GO_ADAPTER_SPEC_1_0_2_DEV), in the form adapter.Locate takes.
func Adapter(name string) (file, envVar string, err error) {
	if !slices.Contains(pinned, name) {
		return "", "", fmt.Errorf("gojson: unknown pinned judge %q (known: %s)", name, strings.Join(pinned, ", "))
	}
	_, spec, _ := strings.Cut(name, "@spec-")
	return "ocidiff-go-adapter-spec-" + spec,
		"OCIDIFF_GO_ADAPTER_SPEC_" + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(spec)), nil
}

// StartPinned starts the go-adapter build for a pinned judge, e.g.
// "go/runc-1.1@spec-1.0.2-dev": the program Adapter names (built by `make
// build`), serving runc-1.1's reading. The caller closes the judge.
func StartPinned(name string) (parsers.Judge, error) {
	bin, env, err := Adapter(name)
	if err != nil {
		return nil, err
	}
	rt, _, _ := strings.Cut(strings.TrimPrefix(name, "go/"), "@spec-")
	path, err := adapter.Locate(bin, env)
	if err != nil {
		return nil, fmt.Errorf("gojson: %w", err)
	}
	c, err := adapter.Start(adapter.Config{Path: path, Args: []string{rt}})
	if err != nil {
		return nil, fmt.Errorf("gojson: %w", err)
	}
	if c.Name() != name {
		c.Close()
		return nil, fmt.Errorf("gojson: %s announced judge %q, want %q: rebuild it with `make build`", path, c.Name(), name)
	}
	return &pinnedJudge{c}, nil
}

// pinnedJudge is an adapter client whose rejections are classed like the
// in-process Go judges' (classifyV1), since the errors are encoding/json's.
type pinnedJudge struct{ *adapter.Client }

var _ parsers.Sender = (*pinnedJudge)(nil)

func (p *pinnedJudge) Judge(input []byte) parsers.Verdict { return p.Send(input)() }

func (p *pinnedJudge) Send(input []byte) func() parsers.Verdict {
	wait := p.Client.Send(input)
	return func() parsers.Verdict {
		v := wait()
		if v.Outcome == parsers.Reject {
			v.Class = classifyV1(errors.New(v.Error))
		}
		return v
	}
}
