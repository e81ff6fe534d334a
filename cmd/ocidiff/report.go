package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/confirm"
	"github.com/ocidiff/ocidiff/harness/corpus"
	mdreport "github.com/ocidiff/ocidiff/harness/report"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/registry"
)

// runReport writes a Markdown issue for the library that deviates on a
// case, ready to paste into its tracker, and says on stderr where it goes.
// Exit status: 0 written, 1 the judges agree so there is nothing to
// report, 2 usage or I/O errors.
func runReport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	upstream := fs.String("upstream", "", "file the issue with this project instead of the one the rule picks")
	family := fs.String("family", "", "report this family of the triage notes on its best case (its `best`, else its smallest clean case) instead of a CASE")
	dir := fs.String("corpus", "corpus", "the corpus directory -family reads")
	notes := registerNotes(fs)
	withConfirm := fs.Bool("confirm", false, "add what the real runtimes did (ocidiff confirm) where they bear on the cause; needs root and the runtimes")
	var ef engineFlags
	ef.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ocidiff report [-upstream NAME] [-confirm] [-judges LIST] [-without-rules LIST] CASE")
		fmt.Fprintln(stderr, "       ocidiff report [-upstream NAME] [-confirm] [-corpus DIR] -family ID")
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
	if fs.NArg() != 1 && *family == "" || fs.NArg() != 0 && *family != "" {
		fs.Usage()
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "ocidiff report: %v\n", err)
		return exitUsage
	}
	if *upstream != "" {
		if _, err := triage.FindUpstream(*upstream); err != nil {
			return fail(err)
		}
	}
	anns, err := readNotes(*notes)
	if err != nil {
		return fail(err)
	}
	arg := fs.Arg(0)
	if *family != "" {
		if arg, err = bestCaseDir(anns, *family, *dir); err != nil {
			return fail(err)
		}
	}
	input, recorded, err := loadCase(arg, stdin)
	if err != nil {
		return fail(err)
	}
	// A case recorded with the round trip is judged again the same way:
	// what the library wrote is the evidence its reproduction shows.
	if recorded != nil && recorded.Result.RoundTrip != nil {
		ef.roundTrip, ef.built = true, recorded.Result.RoundTrip.Built
	}
	e, err := ef.engine()
	if err != nil {
		return fail(err)
	}
	defer e.Close()
	c := mdreport.Case{Source: filepath.ToSlash(filepath.Clean(arg)), Input: input}
	if recorded != nil {
		c.Result, c.Signature = recorded.Result, recorded.Signature
	} else {
		c.Result = e.Check(input)
	}
	if c.Result.Agree {
		fmt.Fprintf(stderr, "ocidiff report: %s: the judges agree; there is nothing to report\n", arg)
		return exitDisagree
	}
	m, err := matrixOf(input)
	if err != nil {
		return fail(err)
	}
	c.Matrix = &m
	opts, err := reportOptions(anns, *upstream, c)
	if err != nil {
		return fail(err)
	}
	// The family asked for, or that of the cause a corpus case stands
	// for, rather than that of the config's first cause.
	var fam *triage.Annotation
	if *family != "" {
		fam = &anns[slices.IndexFunc(anns, func(a triage.Annotation) bool { return a.ID == *family })]
	} else if recorded != nil {
		fam = triage.CaseFamily(anns, *recorded)
	}
	if fam != nil {
		opts.Family = fam
		if *upstream == "" {
			opts.Upstream = fam.Target()
		}
	}
	opts.Rejudge = e.Check
	_, target, err := mdreport.Target(c.Result, opts.Judges, opts.Upstream)
	if err != nil {
		return fail(fmt.Errorf("%s: %v", arg, err))
	}
	w := bufio.NewWriter(stdout)
	if err := mdreport.Write(w, c, opts); err != nil {
		return fail(fmt.Errorf("%s: %v", arg, err))
	}
	if *withConfirm {
		cause, _ := mdreport.Addressed(mdreport.StandsFor(c.Result, c.Signature), opts.Judges, opts.Family, target)
		if err := confirmSection(w, stderr, input, m, cause); err != nil {
			return fail(fmt.Errorf("%s: %v", arg, err))
		}
	}
	if err := w.Flush(); err != nil {
		return fail(fmt.Errorf("writing output: %v", err))
	}
	fmt.Fprintf(stderr, "ocidiff report: %s: for %s, %s\n", arg, target.Name, target.Tracker())
	return exitAgree
}

// bestCaseDir returns the directory, under the corpus dir, of the case
// the family id's report leads with.
func bestCaseDir(anns []triage.Annotation, id, dir string) (string, error) {
	i := slices.IndexFunc(anns, func(a triage.Annotation) bool { return a.ID == id })
	if i < 0 {
		return "", fmt.Errorf("-family %s: no such family in the triage notes", id)
	}
	s, err := corpus.OpenReadOnly(dir)
	if err != nil {
		return "", err
	}
	cases, err := s.Cases()
	if err != nil {
		return "", err
	}
	c, err := anns[i].BestCase(cases, registry.Descriptors())
	if err != nil {
		return "", fmt.Errorf("%s: %v", dir, err)
	}
	return filepath.Join(dir, harness.Slug(c.Signature)), nil
}

// reportOptions is how a report on c is written: to upstream if named,
// else to whom c's family in anns names (the family's triage knows who has
// to change, which the rule that picks the deviating judge cannot), with
// the pinned spec's text and schema quoted.
func reportOptions(anns []triage.Annotation, upstream string, c mdreport.Case) (mdreport.Options, error) {
	opts := mdreport.Options{Upstream: upstream, SpecVersion: specmod.Version(), Judges: registry.Descriptors()}
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

// confirmSection appends what the real runtimes did with input, where
// that bears on the cause: a cause in a library no runtime reads
// config.json with (a schema validator) gets none, and one at a Windows
// member says that no Linux runtime can show it. Why none ran goes to
// stderr. Containers run for a value split only, on a config that keeps
// the cause's member as the input has it.
func confirmSection(w, stderr io.Writer, input []byte, m harness.Result, cause harness.Cause) error {
	if cause.Member == "/windows" || strings.HasPrefix(cause.Member, "/windows/") {
		_, err := fmt.Fprintf(w, "## The real runtimes\n\nThe cause is at %s, which only Windows runtimes read: no Linux runtime (crun, runc, youki) can witness it.\n\n", "`"+cause.Member+"`")
		return err
	}
	ds := registry.Descriptors()
	if cause.Library != "" && !slices.ContainsFunc(slices.Collect(maps.Values(ds)), func(d parsers.Descriptor) bool {
		return d.Library == cause.Library && d.Runtime != ""
	}) {
		fmt.Fprintf(stderr, "ocidiff report: -confirm: no runtime reads config.json with %s; none was run\n", cause.Library)
		return nil
	}
	rts := confirm.Runtimes(ds)
	if !confirm.Available(rts) || os.Geteuid() != 0 {
		fmt.Fprintln(stderr, "ocidiff report: -confirm: no runtime is installed, or ocidiff does not run as root; none was run")
		return nil
	}
	var keep []string
	if cause.Member != "" {
		keep = []string{cause.Member}
	}
	rep, err := confirm.Confirm(context.Background(), rts, input, confirm.Options{Run: len(m.Diffs) > 0, Keep: keep})
	if err != nil {
		return err
	}
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
