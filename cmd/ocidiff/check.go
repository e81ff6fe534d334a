package main

import (
	"cmp"
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
	"github.com/ocidiff/ocidiff/registry"
)

// maxInput bounds what one check reads, so that a file that never ends
// (a pipe, /dev/zero) is an error rather than exhausted memory. It is the
// adapter protocol's own frame limit.
const maxInput = 256 << 20

// engineFlags are the flags shared by every command that runs judges.
type engineFlags struct {
	judges       string
	withoutRules string
	// roundTrip is check's -roundtrip: judge what each library writes
	// back as well (harness.RoundTrip); built, the libraries that wrote
	// a built config (corpus add -target FuzzGoWriter).
	roundTrip bool
	built     []string
}

func (f *engineFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.judges, "judges", "default", judgesUsage)
	fs.StringVar(&f.withoutRules, "without-rules", "", "comma-separated equivalence rules to switch off (see `ocidiff rules`)")
}

func (f *engineFlags) engine() (*harness.Engine, error) {
	var opts []harness.Option
	if f.withoutRules != "" {
		opts = append(opts, harness.Without(strings.Split(f.withoutRules, ",")...))
	}
	if f.roundTrip {
		opts = append(opts, harness.RoundTrip(f.built...))
	}
	return registry.Engine(f.judges, opts...)
}

// checkReport is the -json form of one file's result.
type checkReport struct {
	File  string `json:"file"`
	Agree bool   `json:"agree"`
	// Refused is true when every judge refused the file.
	Refused   bool                `json:"refused,omitempty"`
	Signature string              `json:"signature,omitempty"`
	Verdicts  []verdictReport     `json:"verdicts"`
	Diffs     []harness.ValueDiff `json:"diffs,omitempty"`
	// Causes are every cause of the disagreement, each with its family.
	Causes []causeReport `json:"causes,omitempty"`
	// Writes are, with -roundtrip, what each library wrote back and what
	// every judge said of it.
	Writes []harness.Write `json:"writes,omitempty"`
}

// causeReport is one cause with the family that claims it, if any.
type causeReport struct {
	harness.Cause
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
	brief := fs.Bool("brief", false, "print one line per file: agree, or its causes")
	verbose := fs.Bool("v", false, "print every judge's exact version and the signature, past 100 columns")
	parallel := registerParallel(fs)
	var ef engineFlags
	ef.register(fs)
	fs.BoolVar(&ef.roundTrip, "roundtrip", false, "judge what each library writes back too: every accepting parser's own serialization, by every judge")
	notes := registerNotes(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ocidiff check [-json|-brief] [-roundtrip] [-parallel N] [-judges LIST] [-without-rules LIST] [-annotations FILE] FILE...  (- reads stdin; a corpus case directory reads its input)")
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

	out := narrowOut
	switch {
	case *verbose:
		out = matrixOut
	case *asJSON:
		out = jsonOut
	case *brief:
		out = briefOut
	}
	c := checker{e: e, open: ef.engine, parallel: *parallel, stderr: stderr, cmd: "check"}
	var after func(io.Writer, harness.Result)
	if ef.roundTrip {
		after = func(w io.Writer, r harness.Result) { harness.WriteWrites(w, r, width) }
	}
	return judgeInputs("check", c, names, out, anns, after, stdin, stdout, stderr)
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
	narrowOut output = iota // harness.WriteNarrow and the causes, in 100 columns
	matrixOut               // harness.WriteMatrix and the causes, with versions
	jsonOut                 // one checkReport object per input
	briefOut                // one line per input
)

// width is what the terminal output fits in by default.
const width = 100

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
		r, err := ch.r, ch.err
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff %s: %v\n", cmd, err)
			status = exitUsage
			return true
		}
		if (!r.Agree || r.Refused) && status == exitAgree {
			status = exitDisagree
		}
		switch out {
		case jsonOut:
			err = enc.Encode(report(name, r, anns))
		case briefOut:
			_, err = fmt.Fprintf(stdout, "%s: %s\n", name, briefLine(r, anns))
		default:
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "%s\n", name)
			if out == matrixOut {
				err = harness.WriteMatrix(stdout, r)
			} else {
				err = harness.WriteNarrow(stdout, r, width)
			}
			if err == nil {
				err = writeCauses(stdout, r, anns, out == matrixOut)
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

func report(file string, r harness.Result, anns []triage.Annotation) checkReport {
	cr := checkReport{File: file, Agree: r.Agree, Refused: r.Refused, Signature: r.Signature, Diffs: r.Diffs, Writes: r.Writes}
	for _, v := range r.Verdicts {
		cr.Verdicts = append(cr.Verdicts, verdictReport{
			Judge: v.Judge, Version: v.Version, Accepted: v.Accepted(),
			Outcome: v.Outcome, Error: v.Error, Class: v.Class,
		})
	}
	for _, c := range r.Causes {
		cr.Causes = append(cr.Causes, causeReport{Cause: c, Family: familyOf(anns, c)})
	}
	return cr
}

func familyOf(anns []triage.Annotation, c harness.Cause) *familyReport {
	f := triage.FamilyOf(anns, c)
	if f == nil {
		return nil
	}
	return &familyReport{ID: f.ID, Title: f.Title, Status: f.Status, Links: f.Known}
}

// errIsDir is readInput's error for a directory, which loadCase reads as
// a corpus case when it holds one.
var errIsDir = errors.New("is a directory")

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
			return nil, fmt.Errorf("%s: %w", file, errIsDir)
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

// writeCauses says below a matrix whether the judges agree and, if not,
// each cause, under the family that claims it, cut to the terminal's
// width unless long.
func writeCauses(w io.Writer, r harness.Result, anns []triage.Annotation, long bool) error {
	cut := func(s string) string { return harness.Cut(s, width) }
	if long {
		cut = func(s string) string { return s }
	}
	var b strings.Builder
	switch {
	case r.Refused:
		b.WriteString("refused: every judge refuses this file, so no runtime would run it\n")
	case r.Agree:
		b.WriteString("agree\n")
	default:
		// Causes by family, in the order of their first cause.
		var fams []*triage.Annotation
		byFam := map[*triage.Annotation][]harness.Cause{}
		for _, c := range r.Causes {
			f := triage.FamilyOf(anns, c)
			if _, ok := byFam[f]; !ok {
				fams = append(fams, f)
			}
			byFam[f] = append(byFam[f], c)
		}
		fmt.Fprintf(&b, "disagree: %d %s\n", len(r.Causes), plural(len(r.Causes), "cause", "causes"))
		n := 0
		for _, f := range fams {
			switch {
			case anns == nil:
			case f == nil:
				b.WriteString("family: none yet; `ocidiff corpus add FILE` records these as new cases\n")
			default:
				b.WriteString(cut(fmt.Sprintf("family %s (%s): %s", f.ID, f.Status, f.Title)) + "\n")
				for _, l := range f.Known {
					b.WriteString(cut("  "+l.URL) + "\n")
				}
			}
			for _, c := range byFam[f] {
				n++
				b.WriteString(cut(fmt.Sprintf("%2d. %s", n, c)) + "\n")
				shown := "    shown by " + strings.Join(c.Judges, ", ")
				if c.Value != "" || c.OtherValue != "" {
					shown += fmt.Sprintf("; it reads %s where the others read %s", orNone(c.Value), orNone(c.OtherValue))
				}
				b.WriteString(cut(shown) + "\n")
			}
		}
		if long {
			fmt.Fprintf(&b, "signature: %s\n", r.Signature)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orNone(v string) string { return cmp.Or(harness.Cut(v, 40), "no value") }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// briefLine is a file's result in one line: agree, refused by every judge,
// or its causes with their families.
func briefLine(r harness.Result, anns []triage.Annotation) string {
	switch {
	case r.Refused:
		return "refused by every judge"
	case r.Agree:
		return "agree"
	}
	var parts []string
	for _, c := range r.Causes {
		p := c.String()
		if anns != nil {
			if f := triage.FamilyOf(anns, c); f != nil {
				p += " [family " + f.ID + ", " + string(f.Status) + "]"
			} else {
				p += " [family: none yet]"
			}
		}
		parts = append(parts, p)
	}
	return "disagree: " + strings.Join(parts, "; ")
}
