package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/confirm"
	mdreport "github.com/ocidiff/ocidiff/harness/report"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/registry"
)

// runReport writes a Markdown issue for the library that deviates on a
// case, ready to paste into its tracker. Exit status: 0 written, 1 the
// judges agree so there is nothing to report, 2 usage or I/O errors.
func runReport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	upstream := fs.String("upstream", "", "file the issue with this project instead of the one the rule picks")
	notes := registerNotes(fs)
	withConfirm := fs.Bool("confirm", true, "add what the real runtimes did (ocidiff confirm), when they are installed and ocidiff runs as root")
	var ef engineFlags
	ef.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ocidiff report [-upstream NAME] [-judges LIST] [-without-rules LIST] CASE")
		fmt.Fprintln(stderr, "CASE is a corpus case directory (its recorded verdicts are reported) or a config file (judged now, - reads stdin).")
		fs.PrintDefaults()
		var names []string
		for _, u := range triage.Upstreams {
			names = append(names, u.Name)
		}
		fmt.Fprintf(stderr, "upstreams: %v\n", names)
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	if *upstream != "" {
		if _, err := triage.FindUpstream(*upstream); err != nil {
			fmt.Fprintf(stderr, "ocidiff report: %v\n", err)
			return exitUsage
		}
	}
	arg := fs.Arg(0)
	input, recorded, err := loadCase(arg, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff report: %v\n", err)
		return exitUsage
	}
	c := mdreport.Case{Source: filepath.ToSlash(filepath.Clean(arg)), Input: input}
	if recorded != nil {
		c.Result = *recorded
	} else {
		e, err := ef.engine()
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff report: %v\n", err)
			return exitUsage
		}
		c.Result = e.Check(input)
		e.Close()
	}
	if c.Result.Agree {
		fmt.Fprintf(stderr, "ocidiff report: %s: the judges agree; there is nothing to report\n", arg)
		return exitDisagree
	}
	m, err := matrixOf(input)
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff report: %v\n", err)
		return exitUsage
	}
	c.Matrix = &m
	anns, err := readNotes(*notes)
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff report: %v\n", err)
		return exitUsage
	}
	opts, err := reportOptions(anns, *upstream, c)
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff report: %v\n", err)
		return exitUsage
	}
	w := bufio.NewWriter(stdout)
	if err := mdreport.Write(w, c, opts); err != nil {
		fmt.Fprintf(stderr, "ocidiff report: %s: %v\n", arg, err)
		return exitUsage
	}
	if *withConfirm {
		if err := confirmSection(w, input, m); err != nil {
			fmt.Fprintf(stderr, "ocidiff report: %s: %v\n", arg, err)
			return exitUsage
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "ocidiff report: writing output: %v\n", err)
		return exitUsage
	}
	return exitAgree
}

// reportOptions is how a report on c is written: to upstream if named,
// else to whom c's family in anns names (the family's triage knows who has
// to change, which the rule that picks the deviating judge cannot), with
// the pinned spec's text and schema quoted.
func reportOptions(anns []triage.Annotation, upstream string, c mdreport.Case) (mdreport.Options, error) {
	opts := mdreport.Options{Upstream: upstream, SpecVersion: specmod.Version(), Judges: registry.Descriptors(), Notes: anns}
	for _, cause := range c.Result.Causes {
		if opts.Family = triage.FamilyOf(anns, cause); opts.Family != nil {
			break
		}
	}
	if opts.Upstream == "" && opts.Family != nil {
		opts.Upstream = opts.Family.Target()
	}
	var err error
	opts.SpecDir, err = specmod.Dir()
	return opts, err
}

// confirmSection appends what the real runtimes did with input, when
// they are installed and containers can be made (root).
func confirmSection(w io.Writer, input []byte, m harness.Result) error {
	rts := confirm.Runtimes(registry.Descriptors())
	if !confirm.Available(rts) || os.Geteuid() != 0 {
		return nil
	}
	rep, err := confirm.Confirm(context.Background(), rts, input, confirm.Options{Run: len(m.Diffs) > 0})
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	return rep.WriteMarkdown(w, m.Verdicts)
}

// matrixOf runs every judge ocidiff carries on input.
func matrixOf(input []byte) (harness.Result, error) {
	e, err := registry.Engine("all")
	if err != nil {
		return harness.Result{}, err
	}
	defer e.Close()
	return e.Check(input), nil
}
