package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/registry"
)

// runJudges prints what ocidiff knows of each judge, its descriptor, and
// the profiles -judges takes. It starts no judge, so that it answers
// before `make build` has built the adapters; `ocidiff version` starts
// them and prints the exact version each reports.
func runJudges(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("judges", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the descriptors and profiles as one JSON object")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ocidiff judges [-json]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	type judge struct {
		parsers.Descriptor
		Default  bool     `json:"default"`
		Profiles []string `json:"profiles"`
	}
	type profile struct {
		Name   string   `json:"name"`
		About  string   `json:"about"`
		Judges []string `json:"judges"`
	}
	var out struct {
		Judges   []judge   `json:"judges"`
		Profiles []profile `json:"profiles"`
	}
	for _, e := range registry.All() {
		ps := slices.Clone(e.Profiles)
		if e.Default {
			ps = append([]string{"default"}, ps...)
		}
		out.Judges = append(out.Judges, judge{e.Descriptor, e.Default, ps})
	}
	for _, p := range append([]registry.Profile{
		{Name: "default", About: "the judges that run without -judges: the newest release of each library"},
		{Name: "all", About: "every judge ocidiff carries"},
	}, registry.Profiles...) {
		names, err := registry.Names(p.Name)
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff judges: %v\n", err)
			return exitUsage
		}
		out.Profiles = append(out.Profiles, profile{p.Name, p.About, names})
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "ocidiff judges: writing output: %v\n", err)
			return exitUsage
		}
		return exitAgree
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "JUDGE\tKIND\tLANGUAGE\tLIBRARY\tRELEASE\tUPSTREAM\tPROFILES")
	for _, j := range out.Judges {
		ps := strings.Join(j.Profiles, ",")
		if ps == "" {
			ps = "-" // only under all, or named
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", j.Name, j.Kind, j.Language, j.Library, j.Release, j.Upstream.Repo, ps)
	}
	tw.Flush()
	fmt.Fprintln(stdout)
	for _, j := range out.Judges {
		fmt.Fprintf(stdout, "%s: %s\n", j.Name, j.About)
		if j.Runtime != "" {
			fmt.Fprintf(stdout, "    stands for: %s\n", j.Runtime)
		}
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "Profiles (-judges NAME):")
	for _, p := range out.Profiles {
		fmt.Fprintf(stdout, "%s: %s\n    %s\n", p.Name, strings.Join(p.Judges, ", "), p.About)
	}
	return exitAgree
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
	status := exitAgree
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "JUDGE\tVERSION")
	for _, e := range registry.All() {
		version := "unavailable"
		j, err := e.Start()
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff: %v\n", err)
			status = exitUsage
		} else {
			version = j.Version()
			parsers.Close([]parsers.Judge{j})
		}
		fmt.Fprintf(tw, "%s\t%s\n", e.Name, version)
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

// judgesUsage is the help of -judges, naming the profiles the registry has.
var judgesUsage = "judges to run: one of " + strings.Join(registry.Selections(), ", ") +
	", or a comma-separated list of judges and profiles (see `ocidiff judges`)"
