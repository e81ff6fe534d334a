package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"text/tabwriter"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/parsers/registry"
)

// runJudges lists every judge ocidiff carries with the exact version it
// reports once started, so that a reader knows what a verdict came from.
func runJudges(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: ocidiff judges")
		return exitUsage
	}
	return listJudges(stdout, stderr, true)
}

func runVersion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: ocidiff version")
		return exitUsage
	}
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		v = bi.Main.Version + " " + bi.GoVersion
	}
	fmt.Fprintf(stdout, "ocidiff %s\n", v)
	return listJudges(stdout, stderr, false)
}

func listJudges(stdout, stderr io.Writer, about bool) int {
	status := exitAgree
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	if about {
		fmt.Fprintln(tw, "JUDGE\tDEFAULT\tVERSION\tWHAT")
	} else {
		fmt.Fprintln(tw, "JUDGE\tVERSION")
	}
	for _, e := range registry.All() {
		version := "unavailable"
		j, err := e.Open()
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff: judge %s: %v\n", e.Name, err)
			status = exitUsage
		} else {
			version = j.Version()
			if c, ok := j.(io.Closer); ok {
				c.Close()
			}
		}
		if about {
			def := ""
			if e.Default {
				def = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Name, def, version, e.About)
		} else {
			fmt.Fprintf(tw, "%s\t%s\n", e.Name, version)
		}
	}
	tw.Flush()
	return status
}

func runRules(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: ocidiff rules")
		return exitUsage
	}
	for _, r := range harness.Rules() {
		fmt.Fprintf(stdout, "%s\n    %s\n", r.Name, r.Doc)
	}
	return exitAgree
}
