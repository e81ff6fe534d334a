package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/fuzzrun"
	"github.com/ocidiff/ocidiff/harness/gen"
	"github.com/ocidiff/ocidiff/harness/recorder"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/internal/modroot"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/registry"
)

// A fuzzTarget is one fuzz target at the module root (fuzz_test.go,
// fuzz_writer_test.go), as the commands that read its inputs need it.
type fuzzTarget struct {
	name string
	// build turns one of its inputs into the document the target judged.
	build func([]byte) []byte
	// goBuilt says its documents are what encoding/json wrote of a value
	// its bytes built (gen.BuildGo): judged with the writers' round trip,
	// and counted for the writer's reach.
	goBuilt bool
}

// fuzzTargets are the module's fuzz targets, in the order ocidiff fuzz
// runs them.
var fuzzTargets = []fuzzTarget{
	{name: "FuzzDifferential", build: gen.Structured},
	{name: "FuzzRawJSON", build: gen.Raw},
	{name: "FuzzGoWriter", build: func(data []byte) []byte { return writeGo(gen.BuildGo(data, nil)) }, goBuilt: true},
}

// writeGo is what encoding/json writes of a spec BuildGo built, which
// never fails to write (TestBuildGoReachesEveryGoForm).
func writeGo(s *specs.Spec) []byte {
	b, _ := json.Marshal(s)
	return b
}

// fuzzTargetNamed returns the fuzz target called name.
func fuzzTargetNamed(name string) (fuzzTarget, bool) {
	i := slices.IndexFunc(fuzzTargets, func(t fuzzTarget) bool { return t.name == name })
	if i < 0 {
		return fuzzTarget{}, false
	}
	return fuzzTargets[i], true
}

// fuzzTargetNames lists the targets' names, joined by sep.
func fuzzTargetNames(sep string) string {
	names := make([]string, len(fuzzTargets))
	for i, t := range fuzzTargets {
		names[i] = t.name
	}
	return strings.Join(names, sep)
}

// runFuzz drives Go's own fuzzer (go test -fuzz) over the fuzz targets in
// turn, sharing the time between them, and watches the corpus directory
// for the cases its workers write. It needs the ocidiff source: go test
// builds the targets from it.
func runFuzz(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fuzz", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Duration("duration", time.Minute, "total fuzzing time, shared by the targets")
	parallel := fs.Int("parallel", runtime.NumCPU(), "fuzzing worker processes (each runs its own judges)")
	dir := fs.String("corpus", "", "corpus directory (default: corpus/ in the ocidiff checkout)")
	judges := fs.String("judges", "default", judgesUsage)
	targets := fs.String("targets", fuzzTargetNames(","), "fuzz targets to run, in turn")
	failOnNew := fs.Bool("fail-on-new", false, "stop and exit 1 at the first disagreement with a cause the corpus does not hold")
	minBudget := fs.Int("min-budget", 0, "judge calls one minimization may make (0: the recorder's default)")
	recordLimit := fs.Duration("record-limit", 0, "time a worker may spend recording one input before it defers it to after the run (0: the fuzz target's default)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ocidiff fuzz [-duration D] [-parallel N] [-corpus DIR] [-judges LIST] [-targets LIST] [-fail-on-new] [-min-budget N] [-record-limit D]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if err == nil {
			fs.Usage()
		}
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "ocidiff fuzz: "+format+"\n", a...)
		return exitUsage
	}
	if _, err := registry.Names(*judges); err != nil {
		return fail("%v", err)
	}
	var ts []string
	for _, t := range strings.Split(*targets, ",") {
		if _, ok := fuzzTargetNamed(t); !ok {
			return fail("unknown target %q (known: %s)", t, fuzzTargetNames(", "))
		}
		ts = append(ts, t)
	}
	if *duration < time.Second || *parallel < 1 {
		return fail("-duration must be at least 1s and -parallel at least 1")
	}
	if *minBudget < 0 || *recordLimit < 0 {
		return fail("-min-budget and -record-limit must not be negative")
	}
	root, err := moduleRoot()
	if err != nil {
		return fail("%v", err)
	}
	if *dir == "" {
		*dir = filepath.Join(root, "corpus")
	}
	cdir, err := filepath.Abs(*dir)
	if err != nil {
		return fail("%v", err)
	}
	store, err := corpus.Open(cdir)
	if err != nil {
		return fail("%v", err)
	}
	before, err := store.Slugs()
	if err != nil {
		return fail("%v", err)
	}
	run, err := fuzzrun.Open(cdir)
	if err != nil {
		return fail("%v", err)
	}
	flaky, err := run.Flaky()
	if err != nil {
		return fail("%v", err)
	}
	for _, h := range []*fuzzrun.Hits{run.Hits, flaky.Hits} {
		if err := h.Clear(); err != nil {
			return fail("%v", err)
		}
	}
	fmt.Fprintf(stdout, "fuzzing %s for %v with %d workers; corpus %s holds %d cases\n",
		strings.Join(ts, " and "), *duration, *parallel, cdir, len(before))

	status := exitAgree
	per := *duration / time.Duration(len(ts))
	for _, target := range ts {
		cfg := fuzzrun.Config{Corpus: store.Dir(), Judges: *judges, FailOnNew: *failOnNew, MinBudget: *minBudget, RecordLimit: *recordLimit}
		err := fuzzOne(root, target, per, *parallel, store, cfg, len(before), stdout)
		var newErr errNewCause
		switch {
		case errors.As(err, &newErr):
			status = exitDisagree
		case err != nil:
			fmt.Fprintf(stderr, "ocidiff fuzz: %s: %v\n", target, err)
			return exitUsage
		}
		if status != exitAgree {
			break
		}
	}
	if !recordPending(store, run, *judges, stdout, stderr) {
		status = exitUsage
	}
	return summarize(store, run, before, stdout, stderr, status)
}

// recordPending records, with no time limit, the inputs that fuzz workers
// deferred because recording them would have outlasted Go's limit on one
// input (recorder.Recorder.Limit), as `ocidiff corpus add` records an
// input. Each is removed once recorded; one that fails to record stays
// pending, for the next run, and is named on stderr. It lists the cases
// the pending inputs added and reports whether every one was recorded.
func recordPending(store *corpus.Store, run *fuzzrun.State, judges string, stdout, stderr io.Writer) bool {
	paths, err := run.Pending()
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff fuzz: %v\n", err)
		return false
	}
	if len(paths) == 0 {
		fmt.Fprintln(stdout, "0 pending inputs: no worker deferred recording an input")
		return true
	}
	e, err := (&engineFlags{judges: judges}).engine()
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff fuzz: recording %d pending inputs: %v; they stay in %s\n", len(paths), err, relPath(run.PendingDir()))
		return false
	}
	defer e.Close()
	rec := recorder.New(e, store, run, registry.Open)
	var added []string
	recorded, failed := 0, 0
	for _, path := range paths {
		input, err := os.ReadFile(path)
		if err == nil {
			var a []string
			_, a, _, err = recordInput(rec, store, input)
			added = append(added, a...)
		}
		if err == nil {
			err = os.Remove(path)
		}
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff fuzz: recording pending input %s: %v; it stays pending\n", relPath(path), err)
			failed++
			continue
		}
		recorded++
	}
	// Causes the pending inputs met again count as hits of the run.
	if err := run.Hits.Save("pending"); err != nil {
		fmt.Fprintf(stderr, "ocidiff fuzz: %v\n", err)
		return false
	}
	fmt.Fprintf(stdout, "%d pending inputs (deferred by the workers: too slow to record within an input's time) recorded after the run, adding %d cases", recorded, len(added))
	if len(added) > 0 {
		fmt.Fprint(stdout, ":")
	}
	fmt.Fprintln(stdout)
	for _, dir := range added {
		fmt.Fprintf(stdout, "    %s\n", relPath(dir))
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "%d pending inputs failed to record and stay in %s\n", failed, relPath(run.PendingDir()))
	}
	return failed == 0
}

type errNewCause struct{}

func (errNewCause) Error() string { return "new cause" }

// progress matches go test -fuzz's status lines.
var progress = regexp.MustCompile(`^fuzz: elapsed: (\S+), execs: (\d+) \((\d+)/sec\), new interesting: (\d+) \(total: (\d+)\)`)

func fuzzOne(root, target string, d time.Duration, parallel int, store *corpus.Store, cfg fuzzrun.Config, known int, stdout io.Writer) error {
	// -timeout 0: go test's default of 10 minutes would end a longer
	// fuzzing run with a panic.
	cmd := exec.Command("go", "test", "-run", "^$", "-fuzz", "^"+target+"$",
		"-fuzztime", d.String(), "-timeout", "0", "-parallel", fmt.Sprint(parallel), ".")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), cfg.Env())
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting go test: %w", err)
	}
	sawNew, tail, werr := watchFuzz(out, target, store, known, stdout)
	err = cmd.Wait()
	if werr != nil {
		return fmt.Errorf("watching go test -fuzz: %w", werr)
	}
	switch {
	case err == nil:
		return nil
	case cfg.FailOnNew && sawNew:
		return errNewCause{}
	default:
		return fmt.Errorf("go test -fuzz failed (%v):\n%s", err, strings.Join(tail, "\n"))
	}
}

// watchFuzz reads go test -fuzz's output to its end, turning progress
// lines into ours and keeping the last lines for an error message. It
// reads everything whatever happens: a reader that stopped early would
// leave the child blocked on a full pipe, and the run hung in Wait. So a
// line of any length is read (only its start kept), and a failure to read
// the corpus is returned once the output has ended.
func watchFuzz(out io.Reader, target string, store *corpus.Store, known int, stdout io.Writer) (sawNew bool, tail []string, err error) {
	const keep = 4 << 10 // of each line, for the error message
	r := bufio.NewReaderSize(out, 64<<10)
	for {
		line, rerr := readLine(r, keep)
		if rerr != nil {
			if rerr != io.EOF {
				err = errors.Join(err, rerr)
			}
			return sawNew, tail, err
		}
		if m := progress.FindStringSubmatch(line); m != nil {
			n, serr := store.Slugs()
			if serr != nil {
				if err == nil {
					err = serr
				}
				continue
			}
			fmt.Fprintf(stdout, "%-16s %6s  execs %9s (%5s/s)  interesting %5s  cases %d known, %d new\n",
				target, m[1], m[2], m[3], m[5], known, max(0, len(n)-known))
			continue
		}
		if strings.Contains(line, "new disagreement recorded in") {
			sawNew = true
		}
		tail = append(tail, line)
		if len(tail) > 40 {
			tail = tail[1:]
		}
	}
}

// readLine reads one line, without its end of line, keeping at most keep
// bytes of it and discarding the rest. It returns io.EOF only when there
// is no more input at all.
func readLine(r *bufio.Reader, keep int) (string, error) {
	var b []byte
	for {
		frag, err := r.ReadSlice('\n')
		if len(b) < keep {
			b = append(b, frag[:min(len(frag), keep-len(b))]...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(b) > 0 {
			err = nil // the last line, without an end of line
		}
		return strings.TrimRight(string(b), "\r\n"), err
	}
}

// summarize prints each new case with its verdicts in one line.
func summarize(store *corpus.Store, run *fuzzrun.State, before map[string]bool, stdout, stderr io.Writer, status int) int {
	cases, err := store.Cases()
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff fuzz: reading the corpus: %v\n", err)
		return exitUsage
	}
	var fresh []corpus.Case
	for _, c := range cases {
		if !before[harness.Slug(c.Signature)] {
			fresh = append(fresh, c)
		}
	}
	hits, err := run.Hits.Load()
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff fuzz: %v\n", err)
		return exitUsage
	}
	total := 0
	for _, h := range hits {
		total += h.Count
	}
	fmt.Fprintf(stdout, "\n%d new cases, %d in the corpus; known causes met again %d times", len(fresh), len(cases), total)
	if len(hits) > 0 {
		fmt.Fprintf(stdout, ", most often:")
	}
	fmt.Fprintln(stdout)
	for _, h := range hits[:min(5, len(hits))] {
		fmt.Fprintf(stdout, "%8d  %s\n", h.Count, h.Key)
	}
	if len(fresh) > 0 {
		fmt.Fprintln(stdout, "new:")
	}
	// Each new case by the cause it stands for and the family that
	// claims it, so that what a run found can be read as findings: a
	// cause no family claims is for triage.
	anns, notesErr := readNotes("")
	if notesErr != nil {
		fmt.Fprintf(stderr, "ocidiff fuzz: new cases are listed without families: %v\n", notesErr)
	}
	unclaimed := 0
	for _, c := range fresh {
		fmt.Fprintf(stdout, "%s\n    %s\n", relPath(store.Path(c.Signature)), verdictLine(c.Result))
		p, ok := triage.Primary(c)
		if !ok {
			continue
		}
		family := "no family: to triage"
		if f := triage.FamilyOf(anns, p); f != nil {
			family = fmt.Sprintf("family %s (%s)", f.ID, f.Status)
		} else {
			unclaimed++
		}
		fmt.Fprintf(stdout, "    %s; %s\n", harness.Cut(p.String(), 100), family)
	}
	if len(fresh) > 0 && notesErr == nil {
		fmt.Fprintf(stdout, "%d of the %d new cases stand for a cause no family of findings.json claims\n", unclaimed, len(fresh))
	}
	// What the run's inputs exercised of the spec, as each worker saved it.
	cov, err := gen.NewCoverage()
	if err == nil {
		var saved [][]byte
		if saved, err = run.Hits.LoadWorkerData(gen.CoverageKind); err == nil {
			for _, b := range saved {
				if err = cov.UnmarshalJSON(b); err != nil {
					break
				}
			}
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff fuzz: coverage: %v\n", err)
		return exitUsage
	}
	fmt.Fprintln(stdout)
	cov.Report(false).Print(stdout)
	if err := summarizeFlaky(run, stdout); err != nil {
		fmt.Fprintf(stderr, "ocidiff fuzz: %v\n", err)
		return exitUsage
	}
	return status
}

// summarizeFlaky lists the disagreements of this run that did not
// reproduce on freshly started judges and so were not written to the
// corpus, each with how often it flaked and where one is kept.
func summarizeFlaky(run *fuzzrun.State, stdout io.Writer) error {
	flaky, err := run.Flaky()
	if err != nil {
		return err
	}
	hits, err := flaky.Hits.Load()
	if err != nil || len(hits) == 0 {
		return err
	}
	total := 0
	for _, h := range hits {
		total += h.Count
	}
	fmt.Fprintf(stdout, "%d disagreements did not reproduce on freshly started judges (flaky, not in the corpus; kept in %s):\n",
		total, relPath(flaky.Cases.Dir()))
	for _, h := range hits {
		fmt.Fprintf(stdout, "%8d  %s\n", h.Count, h.Key)
	}
	return nil
}

// relPath is path relative to the working directory when it lies below.
func relPath(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return path
}

// verdictLine is a result in one line: each judge's outcome, then the
// paths where accepting parsers read different values.
func verdictLine(r harness.Result) string {
	var parts []string
	for _, o := range []parsers.Outcome{parsers.Accept, parsers.Reject, parsers.Crash, parsers.Timeout} {
		var js []string
		for _, v := range r.Verdicts {
			if v.Outcome == o {
				js = append(js, v.Judge)
			}
		}
		if len(js) > 0 {
			parts = append(parts, string(o)+": "+strings.Join(js, " "))
		}
	}
	var paths []string
	for _, d := range r.Diffs {
		if p := harness.GeneralizePath(d.Path); !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	if len(paths) > 0 {
		parts = append(parts, "values differ at "+strings.Join(paths, ", "))
	}
	return strings.Join(parts, " | ")
}

// moduleRoot finds the ocidiff checkout that holds the fuzz targets:
// around the working directory, or the one the running binary was built
// into (bin/ocidiff).
func moduleRoot() (string, error) {
	root, err := modroot.FromWorkingDir()
	if err != nil {
		exe, xerr := os.Executable()
		if xerr != nil {
			return "", err
		}
		if root, err = modroot.Find(filepath.Dir(exe)); err != nil {
			return "", fmt.Errorf("fuzzing builds the fuzz targets from the source (go test -fuzz), and there is no ocidiff checkout here or where this binary lives: %w", err)
		}
	}
	return root, nil
}
