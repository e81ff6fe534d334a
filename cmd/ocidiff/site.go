package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	mdreport "github.com/ocidiff/ocidiff/harness/report"
	"github.com/ocidiff/ocidiff/harness/site"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/registry"
)

// runSite writes the corpus, its triage and every judge's verdicts as a
// static HTML site (harness/site). The verdicts are those of every judge
// ocidiff carries, run on each case now, as `ocidiff matrix` runs them;
// each case's report is the one `ocidiff report` writes.
func runSite(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("site", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "the directory to write the site into (created if needed; files of an earlier site there are overwritten, not removed)")
	dir := fs.String("corpus", "corpus", "the corpus directory")
	notes := registerNotes(fs)
	withConfirm := fs.Bool("confirm", false, "run the real runtimes (ocidiff confirm) on each family's best case and show what they did; needs root and the runtimes")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ocidiff site -o DIR [-corpus DIR] [-annotations FILE] [-confirm]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 0 || *out == "" {
		fs.Usage()
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "ocidiff site: %v\n", err)
		return exitUsage
	}
	anns, err := readNotes(*notes)
	if err != nil {
		return fail(err)
	}
	s, err := corpus.OpenReadOnly(*dir)
	if err != nil {
		return fail(err)
	}
	cases, err := s.Cases()
	if err != nil {
		// A damaged case must not silently drop out of the site.
		return fail(err)
	}
	e, err := registry.Engine("all")
	if err != nil {
		return fail(err)
	}
	defer e.Close()
	opts := site.Options{
		Judges: registry.Descriptors(),
		Matrix: e.Check,
		Report: func(c corpus.Case, m harness.Result) ([]byte, error) {
			rc := mdreport.Case{Source: filepath.ToSlash(filepath.Join(*dir, harness.Slug(c.Signature))), Signature: c.Signature, Input: c.Input, Result: c.Result, Matrix: &m}
			opts, err := reportOptions(anns, "", rc)
			if err != nil {
				return nil, err
			}
			// The family of the cause the case stands for, as `ocidiff
			// report` names it for a corpus case.
			if f := triage.CaseFamily(anns, c); f != nil {
				opts.Family, opts.Upstream = f, f.Target()
			}
			var b bytes.Buffer
			err = mdreport.Write(&b, rc, opts)
			return b.Bytes(), err
		},
	}
	if *withConfirm {
		opts.Confirm = func(input []byte, m harness.Result) ([]byte, error) {
			var b bytes.Buffer
			var cause harness.Cause
			if len(m.Causes) > 0 {
				cause = m.Causes[0]
			}
			if err := confirmSection(&b, io.Discard, input, m, cause); err != nil || b.Len() == 0 {
				return nil, err
			}
			return b.Bytes(), nil
		}
	}
	st, err := site.Write(*out, cases, anns, opts)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "wrote %s: %d families, %d cases, %d pages; every verdict from the judges run now (%d judges)",
		*out, st.Families, st.Cases, st.Pages, len(e.Judges()))
	if *withConfirm {
		fmt.Fprintf(stdout, "; %d best cases confirmed on the real runtimes", st.Confirmed)
	}
	fmt.Fprintln(stdout)
	return exitAgree
}
