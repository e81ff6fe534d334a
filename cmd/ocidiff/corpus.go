package main

import (
	"flag"
	"fmt"
	"io"
	"maps"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/recorder"
	"github.com/ocidiff/ocidiff/parsers/registry"
)

const corpusUsage = `usage: ocidiff corpus <list|update|merge> [-corpus DIR] [args]

  list              one line per case: its directory and who split how
  update            judge every case again and re-record what changed: a case whose
                    judges now agree is removed, one whose signature changed moves;
                    -judges LIST judges with those instead of the ones each case names
  merge SRC...      add the cases of other corpora (from other machines), one per
                    signature, keeping the smaller input where both hold one
`

func runCorpus(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, corpusUsage)
		return exitUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("corpus "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("corpus", "corpus", "corpus directory")
	judges := fs.String("judges", "", "update: judge every case with these judges (LIST|default|all) instead of those it names, as when the default judges change")
	fs.Usage = func() { fmt.Fprint(stderr, corpusUsage); fs.PrintDefaults() }
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "ocidiff corpus %s: %v\n", sub, err)
		return exitUsage
	}
	store, err := corpus.Open(*dir)
	if err != nil {
		return fail(err)
	}
	switch {
	case sub == "list" && fs.NArg() == 0:
		cases, err := store.Cases()
		for _, c := range cases {
			fmt.Fprintf(stdout, "%s\n    %s\n", store.Path(c.Signature), verdictLine(c.Result))
		}
		if err != nil {
			return fail(err)
		}
		return exitAgree
	case sub == "update" && fs.NArg() == 0:
		return corpusUpdate(store, *judges, stdout, fail)
	case sub == "merge" && fs.NArg() > 0:
		return corpusMerge(store, fs.Args(), stdout, fail)
	}
	fs.Usage()
	return exitUsage
}

func corpusUpdate(store *corpus.Store, judges string, stdout io.Writer, fail func(error) int) int {
	cases, err := store.Cases()
	if err != nil {
		return fail(err)
	}
	p := recorder.NewReplayer()
	defer p.Close()
	replay := p.Replay
	if judges != "" {
		e, err := registry.Engine(judges)
		if err != nil {
			return fail(err)
		}
		defer e.Close()
		replay = func(c corpus.Case) (harness.Result, error) { return e.Check(c.Input), nil }
	}
	var same, gone, moved, updated int
	for _, c := range cases {
		now, err := replay(c)
		if err != nil {
			return fail(fmt.Errorf("case %s: %w", store.Path(c.Signature), err))
		}
		fresh := recorder.NewCase(now, c.Input, c.Original)
		switch {
		case !recorder.Changed(c.Result, now) && maps.Equal(c.Versions, fresh.Versions):
			same++
			continue
		case now.Agree:
			gone++
			fmt.Fprintf(stdout, "judges agree now, removed %s\n", store.Path(c.Signature))
			err = store.Remove(c.Signature)
		case now.Signature != c.Signature:
			moved++
			fmt.Fprintf(stdout, "signature changed: %s -> %s\n", store.Path(c.Signature), store.Path(now.Signature))
			if err = store.Remove(c.Signature); err == nil && !store.Has(now.Signature) {
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
	fmt.Fprintf(stdout, "%d cases: %d unchanged, %d re-recorded, %d moved, %d removed\n",
		len(cases), same, updated, moved, gone)
	return exitAgree
}

func corpusMerge(store *corpus.Store, srcs []string, stdout io.Writer, fail func(error) int) int {
	var added, smaller, kept int
	for _, src := range srcs {
		from, err := corpus.Open(src)
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
