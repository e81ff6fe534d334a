package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/registry"
)

// runMatrix runs every judge ocidiff carries, every version of every
// library, on each case, so that a reader sees in which version a
// behaviour came or went.
func runMatrix(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("matrix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per case instead of a matrix")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ocidiff matrix [-json] CASE...  (a corpus case directory or a config file; - reads stdin)")
		fs.PrintDefaults()
	}
	e, names, status := startJudging("matrix", fs, &engineFlags{judges: "all"}, args, stderr)
	if e == nil {
		return status
	}
	defer e.Close()

	out := matrixOut
	if *asJSON {
		out = jsonOut
	}
	return judgeInputs("matrix", checker{e: e}, names, out, nil, func(w io.Writer, r harness.Result) {
		changes, err := triage.VersionChanges(r, registry.Descriptors())
		if err != nil {
			// Every judge here came from the registry; say so rather
			// than print a matrix without its version line.
			fmt.Fprintf(w, "versions: %v\n", err)
		}
		for _, s := range changes {
			fmt.Fprintf(w, "versions part: %s\n", s)
		}
	}, stdin, stdout, stderr)
}

// loadCase reads a case named on the command line: a corpus case
// directory (holding case.json), whose minimized input and recorded case
// it returns, or a config file ("-" for stdin), whose case is nil.
func loadCase(arg string, stdin io.Reader) ([]byte, *corpus.Case, error) {
	// The file is opened first and the case looked for only in a
	// directory: check reads thousands of files, and looking for
	// case.json in each was a system call of its own.
	in, err := readInput(arg, stdin)
	if !errors.Is(err, errIsDir) {
		return in, nil, err
	}
	if st, serr := os.Stat(filepath.Join(arg, "case.json")); serr != nil || st.IsDir() {
		return nil, nil, err
	}
	c, err := corpus.Read(arg)
	if err != nil {
		return nil, nil, err
	}
	return c.Input, &c, nil
}
