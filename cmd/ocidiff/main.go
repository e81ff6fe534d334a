// Command ocidiff sends OCI runtime-spec config.json files to every judge
// (Go, Rust and C parsers, JSON Schema validators) and shows where they
// disagree.
//
// Usage:
//
//	ocidiff annotate [-allow IDS] [-fail=false] [-summary FILE] [-output FILE] [REPORT]
//	ocidiff check [-json] [-judges LIST|PROFILE] [-without-rules LIST] FILE...
//	ocidiff confirm [-json] [-run] [-agreement] CASE|FILE...
//	ocidiff coverage [-json] [-corpus DIR] [-cache DIR]
//	ocidiff fuzz [-duration D] [-parallel N] [-corpus DIR] [-fail-on-new]
//	ocidiff findings [-corpus DIR] [-annotations FILE]
//	ocidiff judges [-json]
//	ocidiff matrix [-json] CASE...
//	ocidiff report [-upstream NAME] CASE
//	ocidiff rules
//	ocidiff site -o DIR [-corpus DIR] [-confirm]
//	ocidiff version
//
// Exit status: 0 when every judge agrees on every file, 1 when any
// disagree, 2 for usage or I/O errors.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

const usage = `usage: ocidiff <command> [flags] [args]

commands:
  annotate        turn check -json output into GitHub annotations and a step summary; fail on families not allowed
  check FILE...   judge each config.json (- for stdin) and show where judges disagree
  confirm CASE... run the real crun, runc and youki on a case: load stage and, for a value split, a real container
  corpus ...      list, update (re-record) or merge regression corpora
  coverage        which members of the spec, in which forms, the corpus and the fuzz cache exercise
  fuzz            fuzz every judge for a while (go test -fuzz) and record new disagreements in corpus/
  findings        write FINDINGS.md from corpus/ and findings.json
  judges          what each judge is (library, release, upstream, runtime) and the profiles -judges takes
  matrix CASE...  run every version of every judge on a corpus case or config file
  report CASE     write a Markdown issue for the library that deviates on a case
  rules           list the equivalence rules applied before models are compared
  site -o DIR     write the matrix, families and cases as a static HTML site
  version         print ocidiff's version and every judge's version

run 'ocidiff <command> -h' for a command's flags.
`

// Exit statuses.
const (
	exitAgree    = 0
	exitDisagree = 1
	exitUsage    = 2
)

type command func(args []string, stdin io.Reader, stdout, stderr io.Writer) int

var commands = map[string]command{
	"annotate": runAnnotate,
	"check":    runCheck,
	"confirm":  runConfirm,
	"corpus":   runCorpus,
	"coverage": runCoverage,
	"fuzz":     runFuzz,
	"findings": runFindings,
	"judges":   runJudges,
	"matrix":   runMatrix,
	"report":   runReport,
	"rules":    runRules,
	"site":     runSite,
	"version":  runVersion,
}

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// tuneGC lets the heap grow to five times the live data before a
// collection, unless GOGC says otherwise. A check allocates a few tens of
// kilobytes that die at once (decoded trees, models, error texts) over a
// live heap of a few megabytes (compiled schemas), so the collector ran
// every few dozen checks and took a sixth of check's time; the memory it
// saved is a few megabytes per worker on machines with gigabytes.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitAgree
	case "-version", "--version":
		return runVersion(args[1:], stdin, stdout, stderr)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "ocidiff: unknown command %q\n%s", args[0], usage)
		return exitUsage
	}
	return cmd(args[1:], stdin, stdout, stderr)
}
