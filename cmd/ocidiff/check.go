package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/registry"
)

// maxInput bounds what one check reads, so that a file that never ends
// (a pipe, /dev/zero) is an error rather than exhausted memory. It is the
// adapter protocol's own frame limit.
const maxInput = 256 << 20

// engineFlags are the flags shared by every command that runs judges.
type engineFlags struct {
	judges       string
	withoutRules string
}

func (f *engineFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.judges, "judges", "default", "comma-separated judges to run, or default, or all (see `ocidiff judges`)")
	fs.StringVar(&f.withoutRules, "without-rules", "", "comma-separated equivalence rules to switch off (see `ocidiff rules`)")
}

func (f *engineFlags) engine() (*harness.Engine, error) {
	var opts []harness.Option
	if f.withoutRules != "" {
		opts = append(opts, harness.Without(strings.Split(f.withoutRules, ",")...))
	}
	return registry.Engine(f.judges, opts...)
}

// checkReport is the -json form of one file's result.
type checkReport struct {
	File      string              `json:"file"`
	Agree     bool                `json:"agree"`
	Signature string              `json:"signature"`
	Verdicts  []verdictReport     `json:"verdicts"`
	Diffs     []harness.ValueDiff `json:"diffs,omitempty"`
	// Family is the triaged family the disagreement belongs to, if any.
	Family *familyReport `json:"family,omitempty"`
}

type familyReport struct {
	ID     string        `json:"id"`
	Title  string        `json:"title"`
	Status triage.Status `json:"status"`
	Links  []triage.Link `json:"links,omitempty"`
}

type verdictReport struct {
	Judge    string          `json:"judge"`
	Version  string          `json:"version"`
	Accepted bool            `json:"accepted"`
	Outcome  parsers.Outcome `json:"outcome"`
	Error    string          `json:"error,omitempty"`
	Class    string          `json:"class,omitempty"`
}

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per file instead of a matrix")
	brief := fs.Bool("brief", false, "print one line per file: agree, or who split how")
	parallel := registerParallel(fs)
	var ef engineFlags
	ef.register(fs)
	notes := registerNotes(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ocidiff check [-json|-brief] [-parallel N] [-judges LIST] [-without-rules LIST] [-annotations FILE] FILE...  (- reads stdin; a corpus case directory reads its input)")
		fs.PrintDefaults()
	}
	e, names, status := startJudging("check", fs, &ef, args, stderr)
	if e == nil {
		return status
	}
	defer e.Close()
	anns, err := readNotes(*notes)
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff check: %v\n", err)
		return exitUsage
	}

	out := matrixOut
	switch {
	case *asJSON:
		out = jsonOut
	case *brief:
		out = briefOut
	}
	c := checker{e: e, open: ef.engine, parallel: *parallel, stderr: stderr, cmd: "check"}
	return judgeInputs("check", c, names, out, anns, nil, stdin, stdout, stderr)
}

// startJudging parses the flags of a command that judges inputs and
// starts its judges. It returns the engine and the inputs named, or a nil
// engine and the exit status, having said why on stderr.
func startJudging(cmd string, fs *flag.FlagSet, ef *engineFlags, args []string, stderr io.Writer) (*harness.Engine, []string, int) {
	if err := fs.Parse(args); err != nil {
		return nil, nil, exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return nil, nil, exitUsage
	}
	e, err := ef.engine()
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff %s: %v\n", cmd, err)
		return nil, nil, exitUsage
	}
	return e, fs.Args(), exitAgree
}

// output is how judgeInputs prints a result.
type output int

const (
	matrixOut output = iota // harness.WriteMatrix, for a person
	jsonOut                 // one checkReport object per input
	briefOut                // one line per input
)

// judgeInputs checks each named input (a file, "-" for stdin, or a corpus
// case directory) with e and prints each result, with the family that
// anns gives each disagreement; after, if set, adds lines below a matrix. It returns the exit status: 2 if an input could
// not be read (the others are still judged), else 1 if any judges
// disagreed, else 0.
func judgeInputs(cmd string, c checker, names []string, out output, anns []triage.Annotation,
	after func(io.Writer, harness.Result), stdin io.Reader, stdout, stderr io.Writer) int {
	status := exitAgree
	enc := json.NewEncoder(stdout)
	c.each(names, stdin, func(i int, name string, ch checked) bool {
		input, r, err := ch.input, ch.r, ch.err
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff %s: %v\n", cmd, err)
			status = exitUsage
			return true
		}
		if !r.Agree && status == exitAgree {
			status = exitDisagree
		}
		var fam *triage.Annotation
		if !r.Agree {
			fam = triage.Family(anns, r.Signature, input)
		}
		switch out {
		case jsonOut:
			cr := report(name, r)
			if fam != nil {
				cr.Family = &familyReport{ID: fam.ID, Title: fam.Title, Status: fam.Status, Links: fam.Known}
			}
			err = enc.Encode(cr)
		case briefOut:
			if r.Agree {
				_, err = fmt.Fprintf(stdout, "%s: agree\n", name)
			} else {
				_, err = fmt.Fprintf(stdout, "%s: disagree: %s%s\n", name, verdictLine(r), familyBrief(fam, anns))
			}
		default:
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "%s\n", name)
			err = harness.WriteMatrix(stdout, r)
			if err == nil && !r.Agree && anns != nil {
				err = writeFamily(stdout, fam)
			}
			if err == nil && after != nil {
				after(stdout, r)
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff %s: writing output: %v\n", cmd, err)
			status = exitUsage
			return false
		}
		return true
	})
	return status
}

func report(file string, r harness.Result) checkReport {
	cr := checkReport{File: file, Agree: r.Agree, Signature: r.Signature, Diffs: r.Diffs}
	for _, v := range r.Verdicts {
		cr.Verdicts = append(cr.Verdicts, verdictReport{
			Judge: v.Judge, Version: v.Version, Accepted: v.Accepted(),
			Outcome: v.Outcome, Error: v.Error, Class: v.Class,
		})
	}
	return cr
}

// readInput reads one named input; "-" is stdin. Errors name the file.
func readInput(file string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err // *PathError names the file
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil, fmt.Errorf("%s: is a directory", file)
		}
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("%s: larger than %d MiB", file, maxInput>>20)
	}
	return b, nil
}

// registerNotes adds the flag naming the triage notes.
func registerNotes(fs *flag.FlagSet) *string {
	return fs.String("annotations", "", "the triage notes that name each disagreement's family (default: findings.json here or in the checkout of this ocidiff)")
}

// readNotes reads the triage notes named by -annotations; with none named
// it reads findings.json in the working directory, or else the one in the
// checkout the ocidiff executable was built in (bin/../findings.json), and
// reads none if neither exists. A named file must exist and be valid.
func readNotes(file string) ([]triage.Annotation, error) {
	if file != "" {
		return triage.ReadAnnotations(file)
	}
	candidates := []string{"findings.json"}
	if exe, err := os.Executable(); err == nil {
		candidates = append(candidates, filepath.Join(filepath.Dir(exe), "..", "findings.json"))
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return triage.ReadAnnotations(c)
		}
	}
	return nil, nil
}

// writeFamily says below a matrix which family the disagreement belongs to.
func writeFamily(w io.Writer, f *triage.Annotation) error {
	if f == nil {
		_, err := fmt.Fprintln(w, "family: none yet; `ocidiff corpus add FILE` records it as a new case")
		return err
	}
	_, err := fmt.Fprintf(w, "family: %s (%s: %s) %s\n", f.ID, f.Status, f.Status.Describe(), f.Title)
	for _, l := range f.Known {
		if err == nil {
			_, err = fmt.Fprintf(w, "  %s: %s\n", l.Title, l.URL)
		}
	}
	return err
}

// familyBrief is the family in a few words, for -brief; nothing when
// there are no triage notes.
func familyBrief(f *triage.Annotation, anns []triage.Annotation) string {
	switch {
	case anns == nil:
		return ""
	case f == nil:
		return " [family: none yet]"
	case len(f.Known) > 0:
		return fmt.Sprintf(" [family %s, %s: %s]", f.ID, f.Status, f.Known[0].URL)
	}
	return fmt.Sprintf(" [family %s, %s]", f.ID, f.Status)
}
