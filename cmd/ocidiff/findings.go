package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/registry"
)

// runFindings writes FINDINGS.md from the corpus and the triage notes. It
// runs only the judges of the libraries ocidiff carries in several
// releases, to say on which releases each family holds.
func runFindings(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("findings", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("corpus", "corpus", "the corpus directory, relative to where FINDINGS.md lives")
	notes := fs.String("annotations", "findings.json", "the triage notes (see harness/triage.Annotation)")
	table := fs.Bool("table", false, "write only the table of families, with status, cases and links, as the README shows it")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ocidiff findings [-corpus DIR] [-annotations FILE] [-table] > FINDINGS.md")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	anns, err := triage.ReadAnnotations(*notes)
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff findings: %v\n", err)
		return exitUsage
	}
	s, err := corpus.Open(*dir)
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff findings: %v\n", err)
		return exitUsage
	}
	cases, err := s.Cases()
	if err != nil {
		// A damaged case must not silently drop out of the findings.
		fmt.Fprintf(stderr, "ocidiff findings: %v\n", err)
		return exitUsage
	}
	w := bufio.NewWriter(stdout)
	write := func() error {
		holds, stop, err := releaseHolds()
		if err != nil {
			return err
		}
		defer stop()
		return triage.WriteFindings(w, filepath.ToSlash(*dir), filepath.ToSlash(*notes), cases, anns, holds, registry.Descriptors())
	}
	if *table {
		write = func() error { return triage.WriteTable(w, "FINDINGS.md", cases, anns) }
	}
	if err := write(); err != nil {
		fmt.Fprintf(stderr, "ocidiff findings: %v\n", err)
		return exitUsage
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "ocidiff findings: writing output: %v\n", err)
		return exitUsage
	}
	return exitAgree
}

// releaseHolds starts every judge of a library that ocidiff carries in
// several releases (libocispec in three crun releases, oci-spec-rs in
// two...) and returns the triage.Holds they answer, and how to stop them.
func releaseHolds() (triage.Holds, func(), error) {
	ds := registry.Descriptors()
	byLib := map[string][]string{}
	for _, e := range registry.All() {
		byLib[e.Library] = append(byLib[e.Library], e.Name)
	}
	engines := map[string]*harness.Engine{}
	stop := func() {
		for _, e := range engines {
			e.Close()
		}
	}
	for lib, names := range byLib {
		if len(names) < 2 {
			continue
		}
		e, err := registry.Engine(strings.Join(names, ","))
		if err != nil {
			stop()
			return nil, nil, err
		}
		engines[lib] = e
	}
	return func(c corpus.Case, lib string) ([]string, bool, error) {
		e, ok := engines[lib]
		if !ok {
			return nil, false, nil
		}
		i := slices.IndexFunc(c.Result.Verdicts, func(v parsers.Verdict) bool { return ds[v.Judge].Library == lib })
		if i < 0 {
			return nil, false, nil
		}
		releases, err := triage.HoldsOn(e, ds, c.Result.Verdicts[i], e.Check(c.Input).Verdicts)
		return releases, true, err
	}, stop, nil
}
