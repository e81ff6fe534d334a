package ocidiff_test

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ocidiff "github.com/ocidiff/ocidiff"
	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/fuzzrun"
	"github.com/ocidiff/ocidiff/harness/gen"
	"github.com/ocidiff/ocidiff/harness/recorder"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/registry"
)

// The fuzzing job. Each input goes to every judge; a disagreement with a
// cause the corpus does not hold yet is minimized and written to the
// corpus as a regression case, named by that cause. A disagreement is not
// a test failure: Go's fuzzer stops at the first failure, and a
// differential run must go on collecting causes; a configuration with
// failOnNew makes a new cause fail the run, for CI.
//
// The run is configured by one value, fuzzrun.Config, read as JSON from
// $OCIDIFF_FUZZ, because `go test -fuzz` runs the target in worker
// processes that take no flags of ours. `ocidiff fuzz` sets it; by hand:
//
//	OCIDIFF_FUZZ='{"corpus":"/tmp/c","judges":"all","failOnNew":true}' \
//	    go test -run '^$' -fuzz FuzzDifferential
//
// Its members: corpus (default: corpus/ here); judges, as `ocidiff check
// -judges` (default: a file ocidiff-judges next to the test binary, else
// the default judges); failOnNew; minBudget, the judge calls one
// minimization may make (default 400); recordLimit, the time one input may
// spend being recorded before it is deferred (default 5s; see
// recordLimit).
//
// Under plain `go test` the targets run their seeds without recording:
// the checks are that every judge gives a verdict and that disagreements
// carry causes.
//
// Built for ClusterFuzzLite (the gofuzz build tag, which OSS-Fuzz's Go
// build sets), the targets record nothing: libFuzzer keeps an input only
// when the target fails on it. So there they embed the corpus's case.json
// files (ocidiff.BuiltCorpus) and fail on a cause that corpus lacks, once
// the recorder has minimized it and seen it come back twice on freshly
// started judges (a killed adapter or a deadline missed under load is no
// cause); a cause the corpus holds, and agreement, pass. The message
// carries the cause, every judge's verdict and the input, for
// `ocidiff corpus add`. The configuration's corpus and failOnNew do not
// apply there.

func FuzzDifferential(f *testing.F) {
	// The founding config as Structured builds it (base 1, nothing
	// applied): the seed files below are read as generator bytes, and from
	// a valid base with one deviation most of them build a config every
	// judge accepts.
	f.Add([]byte{1})
	addSeeds(f)
	f.Cleanup(func() { theSession.saveAtEnd(f) })
	f.Fuzz(func(t *testing.T, data []byte) {
		session(t).check(t, gen.Structured(data))
	})
}

func FuzzRawJSON(f *testing.F) {
	addSeeds(f)
	f.Cleanup(func() { theSession.saveAtEnd(f) })
	f.Fuzz(func(t *testing.T, data []byte) {
		session(t).check(t, gen.Raw(data))
	})
}

// addSeeds adds the seed corpus. The seeds are read once per process:
// libFuzzer builds of the targets (ClusterFuzzLite) call the target
// function for every input.
func addSeeds(f *testing.F) {
	seedsOnce.Do(func() {
		// The generators' vocabulary comes from the pinned module: a
		// missing module is one clear error here, not a panic per input.
		if _, seedsErr = gen.Load(); seedsErr == nil {
			seeds, seedsErr = gen.Seeds()
		}
	})
	if seedsErr != nil {
		f.Fatal(seedsErr)
	}
	for _, s := range seeds {
		f.Add(s)
	}
}

var (
	seedsOnce sync.Once
	seeds     [][]byte
	seedsErr  error
)

// fuzzSession is one process's judges and recorder. Fuzz workers are
// separate processes, so each has its own adapter children; what they
// share is the corpus directory, whose writes are atomic.
type fuzzSession struct {
	mu        sync.Mutex // fuzz inputs may run on several goroutines
	rec       *recorder.Recorder
	run       *fuzzrun.State
	judges    int
	record    bool
	failOnNew bool
	saved     time.Time // when this worker last saved its hit counts
	flaky     int       // Stats.Flaky when this worker last saved them
	// cov is what this worker's inputs exercised of the spec, saved with
	// the hit counts for ocidiff fuzz to add up.
	cov *gen.Coverage
	// built is set in a ClusterFuzzLite build: the corpus the target
	// was built with, whose signatures under this machine's judges are
	// the recorder's Known; store is then a temporary directory.
	built *builtCorpus
}

var (
	sessionOnce sync.Once
	theSession  *fuzzSession
	sessionErr  error
)

func session(t *testing.T) *fuzzSession {
	sessionOnce.Do(func() { theSession, sessionErr = newSession() })
	if sessionErr != nil {
		t.Fatal(sessionErr)
	}
	return theSession
}

func newSession(opts ...harness.Option) (*fuzzSession, error) {
	cfg, err := fuzzrun.ConfigFromEnv()
	if err != nil {
		return nil, err
	}
	e, err := registry.Engine(judgeSelection(cfg), opts...)
	if err != nil {
		return nil, err
	}
	var built *builtCorpus
	if fsys := ocidiff.BuiltCorpus(); fsys != nil {
		if built, err = readBuiltCorpus(e, fsys); err != nil {
			return nil, err
		}
	}
	dir := cfg.Corpus
	if dir == "" {
		dir = "corpus"
	}
	if built != nil {
		// Where the recorder writes what it verifies: nobody reads it
		// but this process, which reports each new case.
		if dir, err = os.MkdirTemp("", "ocidiff-cflite-"); err != nil {
			return nil, err
		}
	}
	store, err := corpus.Open(dir)
	if err != nil {
		return nil, err
	}
	run, err := fuzzrun.Open(dir)
	if err != nil {
		return nil, err
	}
	rec := recorder.New(e, store, run, registry.Open)
	if built != nil {
		rec.Known = built.known
	}
	if cfg.MinBudget != 0 {
		rec.Budget = cfg.MinBudget
	}
	fz := flag.Lookup("test.fuzz")
	goFuzzing := fz != nil && fz.Value.String() != ""
	rec.Limit = recordLimit
	if built != nil && !goFuzzing {
		rec.Limit = libFuzzerRecordLimit
	}
	if cfg.RecordLimit != 0 {
		rec.Limit = cfg.RecordLimit
	}
	cov, err := gen.NewCoverage()
	if err != nil {
		return nil, err
	}
	return &fuzzSession{
		cov:    cov,
		rec:    rec,
		run:    run,
		judges: len(e.Judges()),
		// libFuzzer has no -test.fuzz: a ClusterFuzzLite build checks
		// every input for new splits.
		record:    goFuzzing || built != nil,
		failOnNew: cfg.FailOnNew && built == nil,
		built:     built,
	}, nil
}

// builtCorpus is the corpus a ClusterFuzzLite build embedded.
type builtCorpus struct {
	cases int
	known map[string]bool
}

// readBuiltCorpus reads the embedded corpus and derives the causes its
// cases show to e's judges (recorder.KnownUnder): the image has no C
// judge, so a cause only libocispec showed is not met here. A case.json
// that cannot be read fails the target: with a case missing, its cause
// would be reported as new.
func readBuiltCorpus(e *harness.Engine, fsys fs.FS) (*builtCorpus, error) {
	cases, err := corpus.Recorded(fsys)
	if err != nil {
		return nil, fmt.Errorf("the corpus embedded in this build: %w", err)
	}
	if len(cases) == 0 {
		return nil, errors.New("the corpus embedded in this build holds no case")
	}
	known, missing := recorder.KnownUnder(e, cases)
	if missing > 0 {
		return nil, fmt.Errorf("the corpus embedded in this build: %d of %d cases have no input.json", missing, len(cases))
	}
	return &builtCorpus{cases: len(cases), known: known}, nil
}

// libFuzzerRecordLimit is recordLimit under libFuzzer, which has no 10 s
// stop: ClusterFuzzLite reports an input that runs past 25 s as a
// timeout, and the limit leaves 10 s of that for the judge call in
// flight. An input still not recorded then is deferred and not reported:
// whether its split is new is not known.
const libFuzzerRecordLimit = 15 * time.Second

// recordLimit bounds the time a worker spends recording one input. Go's
// fuzzer stops the whole run when an input takes more than 10 s, and the
// recorder does not interrupt a judge call in flight, so the limit leaves
// half of that for the one call that may be running when it passes; an
// input whose first check alone is slow is deferred before minimizing
// (recorder.Recorder.Limit). A deferred input is kept in the corpus's
// pending store and `ocidiff fuzz` records it after the run.
const recordLimit = 5 * time.Second

// judgeSelection reads the judge selection: the configuration's, else a
// file ocidiff-judges beside the test binary (where a packaged fuzzer, such
// as the ClusterFuzzLite build, says which judges its machine has), else
// the default judges.
func judgeSelection(cfg fuzzrun.Config) string {
	if cfg.Judges != "" {
		return cfg.Judges
	}
	if exe, err := os.Executable(); err == nil {
		if b, err := os.ReadFile(filepath.Join(filepath.Dir(exe), "ocidiff-judges")); err == nil {
			return strings.Join(strings.Fields(strings.ReplaceAll(string(b), ",", " ")), ",")
		}
	}
	return "default"
}

func (s *fuzzSession) check(t *testing.T, input []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.record {
		// Plain go test: the seeds, checked without writing the corpus.
		s.wellFormed(t, s.rec.Engine().Check(input), input)
		return
	}
	r, added, err := s.rec.Observe(input)
	if err != nil && !errors.Is(err, recorder.ErrDeferred) {
		t.Fatal(err)
	}
	s.wellFormed(t, r, input)
	if s.built != nil {
		if err != nil {
			t.Logf("not checked for a new split: %v", err)
		}
		if len(added) > 0 {
			// t.Fatal with one string: go-118-fuzz-build's testing
			// shim prints Fatalf's format and arguments apart.
			t.Fatal(s.newSplits(r, input, added))
		}
		return
	}
	if len(added) > 0 && s.failOnNew {
		t.Errorf("new disagreement recorded in %s", strings.Join(added, ", "))
	}
	s.cov.Add(input)
	// Disagreements that did not reproduce are rare and the summary
	// lists each, so their counts are saved at once.
	if n := s.rec.Stats().Flaky; n != s.flaky {
		f, err := s.run.Flaky()
		if err == nil {
			err = f.Hits.Save(strconv.Itoa(os.Getpid()))
		}
		if err != nil {
			t.Fatal(err)
		}
		s.flaky = n
	}
	// Known causes hit by this worker, and what its inputs exercised,
	// for ocidiff fuzz to add up: saved now and then, so that a worker killed mid-input loses little,
	// and once more when the target ends (saveAtEnd).
	if time.Since(s.saved) > 2*time.Second {
		if err := s.saveHits(); err != nil {
			t.Fatal(err)
		}
	}
}

// newSplits says what libFuzzer reports as the crash: each case the
// recorder verified and wrote to this build's temporary store (a split
// the embedded corpus lacks), with its signature, every judge's verdict
// and its input, and the input the target judged.
func (s *fuzzSession) newSplits(r harness.Result, input []byte, added []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ocidiff: %d new cause(s): not among the %d causes that the %d cases of the corpus this target was built with show to its %d judges; each came back twice on freshly started judges\n",
		len(added), len(s.built.known), s.built.cases, s.judges)
	for _, dir := range added {
		c, err := corpus.Read(dir)
		if err != nil {
			fmt.Fprintf(&b, "\nreading the new case %s: %v\n", dir, err)
			continue
		}
		fmt.Fprintf(&b, "\nnew cause: %s\n", c.Signature)
		harness.WriteMatrix(&b, c.Result)
		fmt.Fprintf(&b, "minimized input (%d bytes): %s\n", len(c.Input), strconv.Quote(string(c.Input)))
	}
	fmt.Fprintf(&b, "\ninput as judged (%d bytes, signature %s): %s\n", len(input), r.Signature, quoteCut(input, 4096))
	b.WriteString("record it: write the minimized input (Go-quoted above) to a file and run `ocidiff corpus add FILE` in a checkout with the C judges (README.md, \"ClusterFuzzLite: new splits fail the targets\")\n")
	return b.String()
}

// quoteCut quotes b, cut to max bytes: a deep input can be megabytes.
func quoteCut(b []byte, max int) string {
	if len(b) <= max {
		return strconv.Quote(string(b))
	}
	return strconv.Quote(string(b[:max])) + fmt.Sprintf(" … (%d more bytes)", len(b)-max)
}

func (s *fuzzSession) saveHits() error {
	worker := strconv.Itoa(os.Getpid())
	if err := s.run.Hits.Save(worker); err != nil {
		return err
	}
	b, err := s.cov.MarshalJSON()
	if err == nil {
		err = s.run.Hits.SaveWorkerData(worker, gen.CoverageKind, b)
	}
	if err != nil {
		return err
	}
	s.saved = time.Now()
	return nil
}

// saveAtEnd saves the hits a worker counted since its last save. Go's
// fuzzer ends a worker by closing its input pipe, and the worker returns
// from the target normally, so cleanups run. Without this, the hits of a
// worker's last two seconds were lost, and a run shorter than that
// reported none. A session never opened (nil) or not recording has none.
func (s *fuzzSession) saveAtEnd(tb testing.TB) {
	if s == nil || !s.record {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.saveHits(); err != nil {
		tb.Error(err)
	}
}

// wellFormed checks what the engine promises for every input, whatever
// the judges think of it.
func (s *fuzzSession) wellFormed(t *testing.T, r harness.Result, input []byte) {
	t.Helper()
	if len(r.Verdicts) != s.judges {
		t.Fatalf("%d verdicts from %d judges for %q", len(r.Verdicts), s.judges, input)
	}
	for _, v := range r.Verdicts {
		switch v.Outcome {
		case parsers.Accept, parsers.Reject, parsers.Crash, parsers.Timeout:
		default:
			t.Fatalf("judge %s gave outcome %q for %q", v.Judge, v.Outcome, input)
		}
	}
	if r.Agree != (r.Signature == "") {
		t.Fatalf("agree=%v with signature %q for %q", r.Agree, r.Signature, input)
	}
	if r.Agree != (len(r.Causes) == 0) {
		t.Fatalf("agree=%v with %d causes for %q: a disagreement is named by its causes", r.Agree, len(r.Causes), input)
	}
}
