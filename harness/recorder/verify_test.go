package recorder

import (
	"bytes"
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/gojson"
	"github.com/ocidiff/ocidiff/registry"
)

// killable is a validator that accepts everything, or, while killed,
// gives the crash verdict a child killed from outside gets.
type killable struct{ killed bool }

func (killable) Name() string       { return "test/killable" }
func (killable) Version() string    { return "1" }
func (killable) Kind() parsers.Kind { return parsers.Validator }
func (k killable) Judge(_ []byte) parsers.Verdict {
	v := parsers.Verdict{Judge: k.Name(), Version: k.Version(), Outcome: parsers.Accept}
	if k.killed {
		v.Outcome, v.Error, v.Class = parsers.Crash, "died (signal: killed)", "crash: signal: killed"
	}
	return v
}

// recorderOn returns a recorder that checks with judges and records into a
// new corpus in a temporary directory, and that corpus.
func recorderOn(t *testing.T, judges ...parsers.Judge) (*Recorder, *corpus.Store) {
	t.Helper()
	e, err := harness.New(judges)
	if err != nil {
		t.Fatal(err)
	}
	s, err := corpus.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return New(e, s, openRun(t, s.Dir()), registry.Open), s
}

// A disagreement is written only when every replay on freshly started
// judges gives it again; otherwise it goes to the flaky store, with what
// the replays said, and is looked at again when met again.
func TestObserveWritesOnlyWhatReproduces(t *testing.T) {
	input := []byte(`{"ociVersion":"1.0.2"}`)
	for _, tc := range []struct {
		name    string
		replays []bool // killed or not, in each engine restart starts
		start   error  // restarting fails
		written bool
		asked   int // replays made
	}{
		{name: "reproduces twice", replays: []bool{true, true}, written: true, asked: 2},
		{name: "gone at once", replays: []bool{false, true}, asked: 1},
		{name: "gone the second time", replays: []bool{true, false}, asked: 2},
		{name: "judges do not start", start: errors.New("fork: resource temporarily unavailable"), asked: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			go1 := gojson.Unmarshal()
			r, s := recorderOn(t, go1, killable{killed: true})
			r.Budget = 10
			starts := 0
			r.restart = func(*harness.Engine) (*harness.Engine, func(), error) {
				if tc.start != nil {
					return nil, nil, tc.start
				}
				killed := tc.replays[starts%len(tc.replays)]
				starts++
				fresh, err := harness.New([]parsers.Judge{go1, killable{killed: killed}})
				return fresh, func() {}, err
			}
			res, added, err := r.Observe(input)
			if err != nil {
				t.Fatal(err)
			}
			if res.Agree || !strings.Contains(res.Signature, "crash: test/killable [crash: signal: killed]") {
				t.Fatalf("Observe's own result %q: the recorder must report what the judges said", res.Signature)
			}
			if starts != tc.asked {
				t.Errorf("judges restarted %d times, want %d", starts, tc.asked)
			}
			cases, err := s.Cases()
			if err != nil {
				t.Fatal(err)
			}
			flaky, err := r.run.Flaky()
			if err != nil {
				t.Fatal(err)
			}
			kept, err := flaky.Cases.Cases()
			if err != nil {
				t.Fatal(err)
			}
			if tc.written {
				if len(added) != 1 || len(cases) != 1 || len(kept) != 0 || r.Stats().Flaky != 0 {
					t.Fatalf("added %v, %d cases, %d flaky, Stats.Flaky %d; want the case written", added, len(cases), len(kept), r.Stats().Flaky)
				}
				return
			}
			if len(added) != 0 || len(cases) != 0 {
				t.Fatalf("a disagreement that did not reproduce was written: %v", added)
			}
			if len(kept) != 1 || r.Stats().Flaky != 1 {
				t.Fatalf("%d flaky cases kept, Stats.Flaky %d; want 1 and 1", len(kept), r.Stats().Flaky)
			}
			if k := kept[0]; k.Result.Signature != res.Signature || !bytes.Equal(k.Original, input) || len(k.Replays) != tc.asked {
				t.Errorf("flaky case %q with %d replays, want %q with %d", k.Result.Signature, len(k.Replays), res.Signature, tc.asked)
			}
			// Not remembered as seen: met again, it is looked at again.
			r.Observe(input)
			if r.Stats().Flaky != 2 {
				t.Errorf("met again: Stats.Flaky %d, want 2", r.Stats().Flaky)
			}
			if err := flaky.Hits.Save("w"); err != nil {
				t.Fatal(err)
			}
			if hits, err := flaky.Hits.Load(); err != nil || len(hits) != 1 || hits[0].Count != 2 {
				t.Errorf("flaky hits %v, %v; want one signature, twice", hits, err)
			}
		})
	}
}

// A deterministic crash still records: crun's parser overflows its stack
// on about 262,000 levels of nesting, on every fresh child
// (parsers/crun.TestDeepNestingCrash).
func TestObserveRecordsARealCrash(t *testing.T) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_STACK, &lim); err != nil || lim.Cur > 16<<20 {
		t.Skipf("stack limit %d (%v) is too large for 1,000,000 levels to overflow it", lim.Cur, err)
	}
	r := newRecorder(t, "go/unmarshal", "c/libocispec@crun-1.8.1")
	r.Budget = 8
	const depth = 1000000
	input := append(bytes.Repeat([]byte("["), depth), bytes.Repeat([]byte("]"), depth)...)
	res, added, err := r.Observe(input)
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 1 || r.Stats().Flaky != 0 {
		t.Fatalf("added %v, %d flaky; want the crash recorded (result %q)", added, r.Stats().Flaky, res.Signature)
	}
	c, err := corpus.Read(added[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Result.Signature, "crash: c/libocispec@crun-1.8.1 [crash: signal: segmentation fault]") ||
		!strings.Contains(c.Signature, "crashes too-deep [crash: signal: segmentation fault]") {
		t.Errorf("recorded %q (%s), want libocispec's segmentation fault on nesting", c.Signature, c.Result.Signature)
	}
}

// Confirm tells a change the judges stand by from one a passing fault
// made: `ocidiff corpus update` rewrites or removes a case only on the
// first.
func TestConfirm(t *testing.T) {
	r := newRecorder(t, "go/unmarshal", "rust/oci-spec@0.10.0", "schema/jsonschema-v6")
	in := []byte(`{"ociVersion":"1.0.2","root":null}`)
	real := r.Engine().Check(in)
	if real.Agree {
		t.Fatal("judges agree")
	}
	c := NewCase(real, real.Causes[0], in, in)
	killed := r.Engine().Compare([]parsers.Verdict{real.Verdicts[0],
		{Judge: "rust/oci-spec@0.10.0", Outcome: parsers.Crash, Error: "died (signal: killed)", Class: "crash: signal: killed"},
		real.Verdicts[2]})
	p := NewReplayer(registry.Open)
	defer p.Close()
	for _, tc := range []struct {
		name    string
		now     harness.Result
		confirm bool
	}{
		{"the judges' word", real, true},
		{"a kill during the replay", killed, false},
	} {
		again, ok, err := p.Confirm(c, tc.now)
		if err != nil {
			t.Fatal(err)
		}
		if ok != tc.confirm || len(again) == 0 {
			t.Errorf("%s: Confirm = %v after %d replays, want %v", tc.name, ok, len(again), tc.confirm)
		}
	}
}

// RecordAs writes the input whole under the cause named, only when the
// input shows that cause and it comes again on freshly started judges,
// and says which it was when it writes nothing.
func TestRecordAs(t *testing.T) {
	input := []byte(`{"ociVersion":"1.0.2"}`)
	for _, tc := range []struct {
		name    string
		as      string
		replays []bool // killed or not, in each restart
		added   bool
		err     string // in the error; "" for none
	}{
		{name: "shown and reproduces", as: "test/killable crashes value [crash: signal: killed] @ /", replays: []bool{true}, added: true},
		{name: "not shown", as: "test/killable refuses null @ /", replays: []bool{true}, err: "it does not show \"test/killable refuses null @ /\"; it shows:\n\ttest/killable crashes"},
		{name: "gone on fresh judges", as: "test/killable crashes value [crash: signal: killed] @ /", replays: []bool{false}, err: "did not come again on freshly started judges"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			go1 := gojson.Unmarshal()
			r, s := recorderOn(t, go1, killable{killed: true})
			r.restart = func(*harness.Engine) (*harness.Engine, func(), error) {
				fresh, err := harness.New([]parsers.Judge{go1, killable{killed: tc.replays[0]}})
				return fresh, func() {}, err
			}
			if got := r.engine.Check(input).Causes; len(got) != 1 || tc.added && got[0].Instance() != tc.as {
				t.Fatalf("the input shows %v; the table's instance is %q", got, tc.as)
			}
			dir, added, err := r.RecordAs(input, tc.as)
			cases, cerr := s.Cases()
			if cerr != nil {
				t.Fatal(cerr)
			}
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || added || len(cases) != 0 {
					t.Fatalf("RecordAs = %q, %v, %v with %d cases written; want an error holding %q and nothing written", dir, added, err, len(cases), tc.err)
				}
				return
			}
			if err != nil || !added || len(cases) != 1 || cases[0].Signature != tc.as || !bytes.Equal(cases[0].Input, input) {
				t.Fatalf("RecordAs = %q, %v, %v; %d cases; want the input written whole as %q", dir, added, err, len(cases), tc.as)
			}
			// Again: the corpus holds it.
			if dir2, added, err := r.RecordAs(input, tc.as); err != nil || added || dir2 != dir {
				t.Errorf("again: RecordAs = %q, %v, %v; want %q, not added", dir2, added, err, dir)
			}
		})
	}
}
