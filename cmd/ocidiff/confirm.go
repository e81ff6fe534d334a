package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/confirm"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/registry"
)

// confirmReport is the -json form of one input's confirmation.
type confirmReport struct {
	File       string `json:"file"`
	ValueSplit bool   `json:"valueSplit"`
	confirm.Report
}

// runConfirm runs the real runtimes on each input: their load stage next
// to the judge that stands for each and, for a value split, a real
// container whose process says what it got. With -agreement it only
// counts, over many inputs, how often each runtime's load stage matches
// its judge. Exit status: 0 when every runtime matches its judge, 1 when
// one does not, 2 for usage or I/O errors or when no runtime is there.
func runConfirm(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("confirm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per input (with -agreement: one summary object)")
	agreement := fs.Bool("agreement", false, "load every input with every runtime and count how often each matches its judge")
	run := fs.Bool("run", false, "run containers even when the parsers do not split on a value")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ocidiff confirm [-json] [-run] CASE|FILE...\n       ocidiff confirm -agreement [-json] CASE|FILE...")
		fmt.Fprintln(stderr, "Runs the real crun, runc and youki on each input in a throwaway bundle (as root).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	names := fs.Args()
	rts := confirm.Runtimes(registry.Descriptors())
	var judges []string
	for _, rt := range rts {
		if rt.Judge != "" {
			judges = append(judges, rt.Judge)
		}
	}
	if !confirm.Available(rts) {
		for _, rt := range rts {
			fmt.Fprintf(stderr, "ocidiff confirm: %s\n", rt.Why)
		}
		return exitUsage
	}
	// Every judge, for the value split; -agreement needs only the
	// runtimes' own judges.
	ef := &engineFlags{judges: "all"}
	if *agreement {
		ef.judges = strings.Join(judges, ",")
	}
	e, err := ef.engine()
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff confirm: %v\n", err)
		return exitUsage
	}
	defer e.Close()
	// On an interrupt the runtimes' process groups are killed and their
	// containers deleted, rather than left behind.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *agreement {
		return confirmAgreement(ctx, e, rts, names, *asJSON, stdin, stdout, stderr)
	}
	enc := json.NewEncoder(stdout)
	status := exitAgree
	for i, name := range names {
		input, _, err := loadCase(name, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff confirm: %v\n", err)
			status = exitUsage
			continue
		}
		r := e.Check(input)
		rep, err := confirm.Confirm(ctx, rts, input, confirm.Options{Run: *run || len(r.Diffs) > 0})
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff confirm: %s: %v\n", name, err)
			status = exitUsage
			continue
		}
		if !matchesJudges(rep, r.Verdicts) && status == exitAgree {
			status = exitDisagree
		}
		if *asJSON {
			err = enc.Encode(confirmReport{File: name, ValueSplit: len(r.Diffs) > 0, Report: rep})
		} else {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintln(stdout, name)
			err = rep.WriteText(stdout, r.Verdicts)
		}
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff confirm: writing output: %v\n", err)
			return exitUsage
		}
	}
	return status
}

// matchesJudges reports whether every runtime that ran matches its judge.
func matchesJudges(rep confirm.Report, vs []parsers.Verdict) bool {
	for _, l := range rep.Loads {
		if v, ok := l.JudgeVerdict(vs); ok && l.Stage != confirm.Missing && !confirm.Agrees(l, v) {
			return false
		}
	}
	return true
}

// agreementCount is one runtime's tally against its judge.
type agreementCount struct {
	Runtime    string   `json:"runtime"`
	Version    string   `json:"version"`
	Judge      string   `json:"judge"`
	Inputs     int      `json:"inputs"`
	Agree      int      `json:"agree"`
	Mismatches []string `json:"mismatches,omitempty"`
}

func confirmAgreement(ctx context.Context, e *harness.Engine, rts []confirm.Runtime, names []string,
	asJSON bool, stdin io.Reader, stdout, stderr io.Writer) int {
	counts := make([]agreementCount, len(rts))
	for i, rt := range rts {
		counts[i] = agreementCount{Runtime: rt.Name, Version: rt.Version, Judge: rt.Judge}
	}
	status := exitAgree
	for _, name := range names {
		input, _, err := loadCase(name, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff confirm: %v\n", err)
			status = exitUsage
			continue
		}
		r := e.Check(input)
		rep, err := confirm.Confirm(ctx, rts, input, confirm.Options{})
		if err != nil {
			fmt.Fprintf(stderr, "ocidiff confirm: %s: %v\n", name, err)
			status = exitUsage
			continue
		}
		for i, l := range rep.Loads {
			if l.Stage == confirm.Missing {
				continue
			}
			c := &counts[i]
			c.Inputs++
			v, _ := l.JudgeVerdict(r.Verdicts)
			if confirm.Agrees(l, v) {
				c.Agree++
				continue
			}
			c.Mismatches = append(c.Mismatches, fmt.Sprintf("%s: %s %s (%s); %s %s (%s)",
				name, l.Runtime, l.Stage, l.Message, l.Judge, v.Outcome, v.Error))
		}
	}
	for _, c := range counts {
		if len(c.Mismatches) > 0 && status == exitAgree {
			status = exitDisagree
		}
	}
	if asJSON {
		if err := json.NewEncoder(stdout).Encode(counts); err != nil {
			return exitUsage
		}
		return status
	}
	for _, c := range counts {
		if c.Inputs == 0 {
			fmt.Fprintf(stdout, "%s: not installed or no judge stands for it; not compared\n", c.Runtime)
			continue
		}
		fmt.Fprintf(stdout, "%s %s vs %s: load stage matches on %d of %d inputs\n", c.Runtime, c.Version, c.Judge, c.Agree, c.Inputs)
		for _, m := range c.Mismatches {
			fmt.Fprintf(stdout, "  %s\n", m)
		}
	}
	return status
}
