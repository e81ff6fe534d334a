package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	mdreport "github.com/ocidiff/ocidiff/harness/report"
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
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	ef := engineFlags{judges: "all"}
	e, err := ef.engine()
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff matrix: %v\n", err)
		return exitUsage
	}
	defer e.Close()

	status := exitAgree
	enc := json.NewEncoder(stdout)
	for i, arg := range fs.Args() {
		input, _, err := loadCase(arg, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff matrix: %v\n", err)
			status = exitUsage
			continue
		}
		r := e.Check(input)
		if !r.Agree && status == exitAgree {
			status = exitDisagree
		}
		if *asJSON {
			if err := enc.Encode(report(arg, r)); err != nil {
				fmt.Fprintf(stderr, "ocidiff matrix: writing output: %v\n", err)
				return exitUsage
			}
			continue
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "%s\n", arg)
		if err := harness.WriteMatrix(stdout, r); err != nil {
			fmt.Fprintf(stderr, "ocidiff matrix: writing output: %v\n", err)
			return exitUsage
		}
		for _, s := range mdreport.VersionChanges(r) {
			fmt.Fprintf(stdout, "versions part: %s\n", s)
		}
	}
	return status
}

// loadCase reads a case named on the command line: a corpus case
// directory (holding case.json), whose minimized input and recorded result
// it returns, or a config file ("-" for stdin), whose result is nil.
func loadCase(arg string, stdin io.Reader) ([]byte, *harness.Result, error) {
	if st, err := os.Stat(filepath.Join(arg, "case.json")); err == nil && !st.IsDir() {
		dir, err := filepath.Abs(arg)
		if err != nil {
			return nil, nil, err
		}
		s, err := corpus.Open(filepath.Dir(dir))
		if err != nil {
			return nil, nil, err
		}
		cases, cerr := s.Cases()
		for _, c := range cases {
			if s.Path(c.Signature) == dir {
				return c.Input, &c.Result, nil
			}
		}
		if cerr != nil {
			return nil, nil, cerr
		}
		return nil, nil, errors.New(arg + ": not a case of corpus " + filepath.Dir(dir))
	}
	in, err := readInput(arg, stdin)
	return in, nil, err
}
