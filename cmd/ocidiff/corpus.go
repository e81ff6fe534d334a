package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/fuzzrun"
	"github.com/ocidiff/ocidiff/harness/recorder"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/registry"
)

const corpusUsage = `usage: ocidiff corpus <list|update|merge|add> [-corpus DIR] [args]

  list              each case: its directory and family, the cause it stands for,
                    and who split how (-annotations FILE names the families)
  update            judge every case again and re-record what changed: a case whose
                    judges now agree is removed, one whose cause changed moves;
                    a change counts only if it comes again twice on fresh judges
                    -judges LIST judges with those instead of the ones each case names
  merge SRC...      add the cases of other corpora (from other machines), one per
                    signature, keeping the smaller input where both hold one
  add FILE...       check each config (- reads stdin) and record its disagreements as
                    the fuzzer does, minimized: prints each case directory added, and
                    "known: DIR" for each the corpus already held
                    -roundtrip judges what each library writes back too
                    -target NAME reads each FILE as an input of fuzz target NAME
                    (FuzzDifferential, FuzzRawJSON, FuzzGoWriter): a file of Go's fuzz corpus format
                    ("go test fuzz v1"), else raw bytes, and records the config the
                    target builds from it
                    -as CAUSE records each FILE whole, not minimized, as the case
                    that stands for CAUSE ("<key> @ <member>", as corpus list and
                    check -v name it), which it must show: for a cause that cases
                    of other causes show, and so the fuzzer takes as known
`

func runCorpus(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, corpusUsage)
		return exitUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("corpus "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("corpus", "corpus", "corpus directory")
	var ef engineFlags
	target, as := new(string), new(string)
	if sub == "add" {
		ef.register(fs)
		as = fs.String("as", "", "record each FILE whole as the case that stands for this cause (`<key> @ <member>`), which it must show")
		target = fs.String("target", "", "read each FILE as an input of this fuzz target ("+fuzzTargetNames(", ")+") and record the config it builds")
		fs.BoolVar(&ef.roundTrip, "roundtrip", false, "judge what each library writes back too, as check -roundtrip, and record its writes causes")
	}
	notes := new(string)
	if sub == "list" {
		notes = registerNotes(fs)
	}
	judges := new(string)
	if sub == "update" {
		judges = fs.String("judges", "", "judge every case with these judges (LIST|PROFILE|default|all) instead of those it names, as when the default judges change")
	}
	fs.Usage = func() { fmt.Fprint(stderr, corpusUsage); fs.PrintDefaults() }
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "ocidiff corpus %s: %v\n", sub, err)
		return exitUsage
	}
	open := corpus.Open // merge and update may start an empty corpus
	if sub == "list" {
		open = corpus.OpenReadOnly
	}
	store, err := open(*dir)
	if err != nil {
		return fail(err)
	}
	switch {
	case sub == "list" && fs.NArg() == 0:
		anns, err := readNotes(*notes)
		if err != nil {
			return fail(err)
		}
		cases, err := store.Cases()
		for _, c := range cases {
			fam := ""
			if anns != nil {
				fam = "  [family: none yet]"
				if f := triage.CaseFamily(anns, c); f != nil {
					fam = "  [family " + f.ID + ", " + string(f.Status) + "]"
				}
			}
			fmt.Fprintf(stdout, "%s%s\n    %s\n    %s\n", store.Path(c.Signature), fam, c.Signature, verdictLine(c.Result))
		}
		if err != nil {
			return fail(err)
		}
		return exitAgree
	case sub == "update" && fs.NArg() == 0:
		return corpusUpdate(store, *judges, stdout, fail)
	case sub == "merge" && fs.NArg() > 0:
		return corpusMerge(store, fs.Args(), stdout, fail)
	case sub == "add" && fs.NArg() > 0:
		var build func([]byte) ([]byte, error)
		if *target != "" {
			t, ok := fuzzTargetNamed(*target)
			if !ok {
				return fail(fmt.Errorf("-target %s: no such fuzz target (%s)", *target, fuzzTargetNames(", ")))
			}
			if t.goBuilt {
				// Its configs were built by a Go program: judged as
				// the target judges them.
				ef.roundTrip, ef.built = true, registry.GoWriters
			}
			build = func(b []byte) ([]byte, error) {
				if bytes.HasPrefix(b, []byte("go test fuzz v1\n")) {
					var err error
					if b, err = fuzzCacheInput(b); err != nil {
						return nil, err
					}
				}
				return t.build(b), nil
			}
		}
		e, err := ef.engine()
		if err != nil {
			return fail(err)
		}
		defer e.Close()
		// A case that does not reproduce goes where a fuzz run's
		// would, beside the corpus (harness/fuzzrun).
		run, err := fuzzrun.Open(store.Dir())
		if err != nil {
			return fail(err)
		}
		rec := recorder.New(e, store, run, registry.Open)
		record := observed(rec, store)
		if *as != "" {
			record = recordedAs(rec, *as)
		}
		return corpusAdd(fs.Args(), build, record, stdin, stdout, stderr)
	}
	fs.Usage()
	return exitUsage
}

func corpusUpdate(store *corpus.Store, judges string, stdout io.Writer, fail func(error) int) int {
	cases, err := store.Cases()
	if err != nil {
		return fail(err)
	}
	var p *recorder.Replayer
	if judges == "" {
		p = recorder.NewReplayer(registry.Open)
	} else {
		names, err := registry.Names(judges)
		if err != nil {
			return fail(err)
		}
		p = recorder.NewReplayerWith(registry.Open, names)
	}
	defer p.Close()
	var same, gone, moved, updated, flaky int
	for _, c := range cases {
		now, err := p.Replay(c)
		if err != nil {
			return fail(fmt.Errorf("case %s: %w", store.Path(c.Signature), err))
		}
		fresh := recorder.NewCase(now, primaryOf(c, now), c.Input, c.Original)
		changed := recorder.Changed(c.Result, now)
		if changed {
			// A judge that flakes while re-recording must not take a
			// good case away: the change must come again.
			again, ok, err := p.Confirm(c, now)
			if err != nil {
				return fail(fmt.Errorf("case %s: %w", store.Path(c.Signature), err))
			}
			if !ok {
				flaky++
				fmt.Fprintf(stdout, "did not reproduce on fresh judges, kept as recorded: %s\n    once: %s\n", store.Path(c.Signature), verdictLine(now))
				for _, r := range again {
					fmt.Fprintf(stdout, "    then: %s\n", verdictLine(r))
				}
				continue
			}
		}
		switch {
		case !changed && maps.Equal(c.Versions, fresh.Versions):
			same++
			continue
		case now.Agree:
			gone++
			fmt.Fprintf(stdout, "judges agree now, removed %s\n", store.Path(c.Signature))
			err = store.Remove(c.Signature)
		case fresh.Signature != c.Signature:
			moved++
			fmt.Fprintf(stdout, "cause changed: %s -> %s\n", store.Path(c.Signature), store.Path(fresh.Signature))
			if err = store.Remove(c.Signature); err == nil && !store.Has(fresh.Signature) {
				_, err = store.Replace(fresh)
			}
		default:
			updated++
			fmt.Fprintf(stdout, "re-recorded %s\n", store.Path(c.Signature))
			fresh.Found = c.Found
			_, err = store.Replace(fresh)
		}
		if err != nil {
			return fail(err)
		}
	}
	fmt.Fprintf(stdout, "%d cases: %d unchanged, %d re-recorded, %d moved, %d removed, %d kept (a change that did not reproduce)\n",
		len(cases), same, updated, moved, gone, flaky)
	return exitAgree
}

func corpusMerge(store *corpus.Store, srcs []string, stdout io.Writer, fail func(error) int) int {
	var added, smaller, kept int
	for _, src := range srcs {
		from, err := corpus.OpenReadOnly(src)
		if err != nil {
			return fail(err)
		}
		cases, err := from.Cases()
		if err != nil {
			return fail(err)
		}
		have, err := store.Cases()
		if err != nil {
			return fail(err)
		}
		bySig := map[string]corpus.Case{}
		for _, c := range have {
			bySig[c.Signature] = c
		}
		for _, c := range cases {
			old, ok := bySig[c.Signature]
			switch {
			case !ok:
				_, _, err = store.Add(c)
				added++
			case len(c.Input) < len(old.Input):
				_, err = store.Replace(c)
				smaller++
			default:
				kept++
			}
			if err != nil {
				return fail(err)
			}
		}
	}
	fmt.Fprintf(stdout, "merged: %d added, %d replaced by a smaller input, %d already held\n", added, smaller, kept)
	return exitAgree
}

// recordInput records input's disagreements (recorder.Observe) and
// returns the directories of the cases it added and of those the corpus
// already held for them.
func recordInput(rec *recorder.Recorder, store *corpus.Store, input []byte) (res harness.Result, added, known []string, err error) {
	res, added, err = rec.Observe(input)
	if err != nil || res.Agree {
		return res, added, nil, err
	}
	for _, c := range res.Causes {
		for _, dir := range rec.CasesOf(c) {
			if !slices.Contains(added, dir) && !slices.Contains(known, dir) {
				known = append(known, dir)
			}
		}
	}
	return res, added, known, nil
}

// primaryOf is the cause a case stands for in a new result on its input:
// the instance it is named by, if the result still shows it; else the
// cause of the same key at another member; else the first cause.
func primaryOf(c corpus.Case, now harness.Result) harness.Cause {
	var same *harness.Cause
	for i, x := range now.Causes {
		if x.Instance() == c.Signature {
			return x
		}
		if same == nil && strings.HasPrefix(c.Signature, x.Key()+" @ ") {
			same = &now.Causes[i]
		}
	}
	if same != nil {
		return *same
	}
	if len(now.Causes) > 0 {
		return now.Causes[0]
	}
	return harness.Cause{}
}

// corpusAdd records users' own configs, each file by record. With build,
// each file is a fuzz target's input, and the config build makes of it is
// recorded. It prints each case directory it added and "known: DIR" for
// each case the corpus already held. A file that cannot be read or
// recorded is named on stderr and the others are still added; the exit
// status is then 2, else 0. A file the judges agree on (errAgree) is
// named and changes nothing.
func corpusAdd(files []string, build func([]byte) ([]byte, error), record recordFunc, stdin io.Reader, stdout, stderr io.Writer) int {
	status := exitAgree
	for _, f := range files {
		input, err := readInput(f, stdin)
		if err == nil && build != nil {
			if input, err = build(input); err != nil {
				err = fmt.Errorf("%s: %w", f, err)
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff corpus add: %v\n", err)
			status = exitUsage
			continue
		}
		added, known, err := record(input)
		for _, dir := range added {
			fmt.Fprintln(stdout, dir)
		}
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff corpus add: %s: %v\n", f, err)
			if !errors.Is(err, errAgree) {
				status = exitUsage
			}
		}
		for _, dir := range known {
			fmt.Fprintf(stdout, "known: %s\n", dir)
		}
	}
	return status
}

// A recordFunc records one input and returns the directories of the cases
// it added and of those the corpus already held.
type recordFunc func(input []byte) (added, known []string, err error)

// errAgree is corpus add's answer for a file the judges agree on.
var errAgree = errors.New("the judges agree; nothing to record")

// observed records an input as the fuzzer records its inputs
// (recorder.Observe: minimized once per judge that stands apart).
func observed(rec *recorder.Recorder, store *corpus.Store) recordFunc {
	return func(input []byte) ([]string, []string, error) {
		res, added, known, err := recordInput(rec, store, input)
		if err == nil && res.Agree {
			err = errAgree
		}
		return added, known, err
	}
}

// recordedAs records an input whole as the case that stands for cause
// (recorder.RecordAs: corpus add -as).
func recordedAs(rec *recorder.Recorder, cause string) recordFunc {
	return func(input []byte) ([]string, []string, error) {
		dir, added, err := rec.RecordAs(input, cause)
		switch {
		case err != nil:
			return nil, nil, err
		case added:
			return []string{dir}, nil, nil
		}
		return nil, []string{dir}, nil
	}
}
