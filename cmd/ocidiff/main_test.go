package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers/adapter"
	"github.com/ocidiff/ocidiff/parsers/crun"
	"github.com/ocidiff/ocidiff/parsers/gojson"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ocidiff": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the command end to end from the readable scripts in
// testdata/script, against the real judges: the adapters built by
// `make build` and the schema in the pinned module.
func TestScripts(t *testing.T) {
	// A script runs in its own temporary directory with HOME unset, so the
	// ways the judges find their files from the repository do not apply:
	// point them at what this test process finds instead.
	env := map[string]string{}
	adapters := map[string]string{"ocidiff-rust-adapter": "OCIDIFF_RUST_ADAPTER", "youki": "OCIDIFF_YOUKI"}
	for _, v := range crun.Versions {
		adapters[crun.Program(v)] = crun.EnvVar(v)
	}
	for _, j := range gojson.Pinned() {
		name, v, err := gojson.Adapter(j)
		if err != nil {
			t.Fatal(err)
		}
		adapters[name] = v
	}
	for name, v := range adapters {
		p, err := adapter.Locate(name, v)
		if err != nil {
			t.Fatal(err)
		}
		env[v] = p
	}
	dir, err := specmod.Dir()
	if err != nil {
		t.Fatal(err)
	}
	env["OCIDIFF_RUNTIME_SPEC_DIR"] = dir
	env["SPEC_FIXTURES"] = filepath.Join(dir, "schema", "test", "config")
	findings, err := filepath.Abs("../../findings.json")
	if err != nil {
		t.Fatal(err)
	}
	env["FINDINGS"] = findings
	// The GitHub Action's scripts (action/), which the action_* scripts
	// run as the action does, with the ocidiff under test on PATH, and the
	// repository's examples they check.
	for k, dir := range map[string]string{"ACTION": "../../action", "EXAMPLES": "../../examples"} {
		if env[k], err = filepath.Abs(dir); err != nil {
			t.Fatal(err)
		}
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			for k, v := range env {
				e.Setenv(k, v)
			}
			return nil
		},
		// [root]: apt-get, and so the action's preflight, needs root.
		Condition: func(cond string) (bool, error) {
			if cond == "root" {
				return os.Geteuid() == 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}
