package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/registry"
)

// runFindings writes FINDINGS.md from the corpus and the triage notes.
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
		return triage.WriteFindings(w, filepath.ToSlash(*dir), filepath.ToSlash(*notes), cases, anns, registry.Descriptors())
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
