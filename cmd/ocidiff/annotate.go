package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/internal/mdtext"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/registry"
)

// runAnnotate turns the output of `ocidiff check -json` into what a
// GitHub Actions job shows: a workflow command (::error or ::warning) per
// disagreement, naming the file and the family with its status and links,
// and the matrix as a Markdown table for the step summary. It reads the
// JSON rather than judging again, so that the action checks each file
// once and a saved report can be annotated later; and it decides the
// job's outcome from the caller's allow list, which check knows nothing
// of.
func runAnnotate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("annotate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	allow := fs.String("allow", "", "family ids (see findings.json) whose disagreements are warnings and do not fail, separated by commas or white space")
	fail := fs.Bool("fail", true, "exit 1 when a disagreement is in a family not allowed or in none; -fail=false only annotates")
	summary := fs.String("summary", "", "append the matrix as a Markdown table to `FILE` (a job's $GITHUB_STEP_SUMMARY)")
	output := fs.String("output", "", "append the counts as name=value lines to `FILE` (a step's $GITHUB_OUTPUT)")
	notes := registerNotes(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ocidiff annotate [-allow IDS] [-fail=false] [-summary FILE] [-output FILE] [-annotations FILE] [REPORT]  (REPORT: the output of `ocidiff check -json`; none or - reads stdin)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return exitUsage
	}
	name := "-"
	if fs.NArg() == 1 {
		name = fs.Arg(0)
	}
	anns, err := readNotes(*notes)
	if err == nil {
		var allowed []string
		if allowed, err = allowList(*allow, anns); err == nil {
			var reports []checkReport
			if reports, err = readReports(name, stdin); err == nil {
				return annotate(reports, allowed, *fail, *summary, *output, stdout, stderr)
			}
		}
	}
	fmt.Fprintf(stderr, "ocidiff annotate: %v\n", err)
	return exitUsage
}

// allowList splits the -allow text into family ids, each as the triage
// notes spell it. An id in no family is an error, not a silent no-op: a
// misspelt allow would otherwise let nothing through and fail for a
// reason the caller cannot see. Case is ignored, because the issue that
// asked for the list wrote layerFolders-null for layerfolders-null.
func allowList(text string, anns []triage.Annotation) ([]string, error) {
	var ids []string
	for _, id := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		i := slices.IndexFunc(anns, func(a triage.Annotation) bool { return strings.EqualFold(a.ID, id) })
		if i < 0 {
			if anns == nil {
				return nil, fmt.Errorf("-allow %s: there are no triage notes to name families (-annotations FILE)", id)
			}
			return nil, fmt.Errorf("-allow %s: no family of that id in the triage notes", id)
		}
		ids = append(ids, anns[i].ID)
	}
	return ids, nil
}

// readReports reads the JSON objects `ocidiff check -json` prints, one per
// file. Errors name the report and the object.
func readReports(name string, stdin io.Reader) ([]checkReport, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	d := json.NewDecoder(bufio.NewReader(r))
	var reports []checkReport
	for n := 1; ; n++ {
		var cr checkReport
		err := d.Decode(&cr)
		if errors.Is(err, io.EOF) {
			return reports, nil
		}
		if err == nil && (cr.File == "" || len(cr.Verdicts) == 0) {
			err = errors.New("not an object of `ocidiff check -json`: no file or no verdicts")
		}
		if err != nil {
			return nil, fmt.Errorf("%s: report %d: %w", name, n, err)
		}
		reports = append(reports, cr)
	}
}

// result is the harness.Result a report was printed from, less the models,
// so that annotations say the verdicts in the words the other commands use.
func (cr checkReport) result() harness.Result {
	r := harness.Result{Agree: cr.Agree, Signature: cr.Signature, Diffs: cr.Diffs}
	for _, v := range cr.Verdicts {
		r.Verdicts = append(r.Verdicts, parsers.Verdict{Judge: v.Judge, Version: v.Version, Outcome: v.Outcome, Error: v.Error, Class: v.Class})
	}
	return r
}

// annotationsPerKind is how many error (and warning) annotations GitHub
// shows for one step; it drops the rest without a word
// (https://github.com/orgs/community/discussions/68471). So annotate
// writes that many of each, the files the job fails on first among them
// in the order checked, and then says how many more there are.
const annotationsPerKind = 10

// annotate writes the workflow commands, the summary and the outputs, and
// returns the exit status.
func annotate(reports []checkReport, allowed []string, fail bool, summary, output string, stdout, stderr io.Writer) int {
	var disagree, failing int
	var b strings.Builder
	shown, unshown := map[bool]int{}, map[bool]int{} // by allowed: warnings, errors
	for _, cr := range reports {
		if cr.Agree {
			continue
		}
		disagree++
		ok := cr.Family != nil && slices.Contains(allowed, cr.Family.ID)
		if !ok {
			failing++
		}
		if shown[ok] == annotationsPerKind {
			unshown[ok]++
			continue
		}
		shown[ok]++
		b.WriteString(workflowCommand(cr, ok))
	}
	for _, ok := range []bool{false, true} {
		if n := unshown[ok]; n > 0 {
			fmt.Fprintf(&b, "::notice title=ocidiff%%3A %d more disagreements::GitHub shows %d annotations of a kind per step, so %d more disagreements %s are not annotated; the step summary lists every file.\n",
				n, annotationsPerKind, n, map[bool]string{false: "in no family allowed", true: "in allowed families"}[ok])
		}
	}
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		fmt.Fprintf(stderr, "ocidiff annotate: writing output: %v\n", err)
		return exitUsage
	}
	table, err := summaryTable(reports, allowed, fail, registry.Descriptors())
	if err == nil {
		err = appendTo(summary, table)
	}
	if err == nil {
		err = appendTo(output, fmt.Sprintf("configs=%d\ndisagree=%d\nfailing=%d\n", len(reports), disagree, failing))
	}
	if err != nil {
		fmt.Fprintf(stderr, "ocidiff annotate: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "ocidiff annotate: %s\n", counts(len(reports), disagree, failing))
	if fail && failing > 0 {
		return exitDisagree
	}
	return exitAgree
}

// counts says what the job found in a line.
func counts(files, disagree, failing int) string {
	return fmt.Sprintf("%d config files; the judges disagree on %d, %d of them in no family allowed", files, disagree, failing)
}

// appendTo appends text to file, as GitHub expects of the files it names
// in $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT; no file, nothing to do.
func appendTo(file, text string) error {
	if file == "" {
		return nil
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// workflowCommand is one disagreement as a GitHub workflow command on the
// file: a warning when the caller allowed its family, else an error. The
// message says who split how and why, then the family, status and links,
// or that the split is in no known family, with its signature.
func workflowCommand(cr checkReport, allowed bool) string {
	r := cr.result()
	lines := []string{"The judges disagree on this config.json: " + verdictLine(r)}
	for _, v := range r.Verdicts {
		if !v.Accepted() {
			lines = append(lines, fmt.Sprintf("%s %s: %s", v.Judge, v.Outcome, harness.Reason(v, 200)))
		}
	}
	for _, d := range r.Diffs {
		lines = append(lines, d.String())
	}
	level, title := "error", "ocidiff: a split in no known family"
	if f := cr.Family; f != nil {
		title = fmt.Sprintf("ocidiff: %s (%s)", f.ID, f.Status)
		lines = append(lines, fmt.Sprintf("Family %s, status %s (%s): %s", f.ID, f.Status, f.Status.Describe(), f.Title))
		for _, l := range f.Links {
			lines = append(lines, l.Title+": "+l.URL)
		}
		if allowed {
			level = "warning"
			lines = append(lines, "Allowed by this workflow (allow: "+f.ID+").")
		}
	} else {
		lines = append(lines, "In no known family of ocidiff's findings. Signature: "+r.Signature,
			"`ocidiff corpus add FILE` in an ocidiff checkout records it as a new case.")
	}
	return fmt.Sprintf("::%s file=%s,title=%s::%s\n", level, commandProperty(cr.File), commandProperty(title), commandData(strings.Join(lines, "\n")))
}

// commandData and commandProperty escape text for a workflow command, as
// GitHub's toolkit does (@actions/core, command.ts): a newline would end
// the command, and in a property a colon or comma would end the value.
func commandData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func commandProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// summaryTable is the matrix as Markdown for the step summary: a row per
// file, a column per judge, then the family, its status and what it does
// to the job; below it, each disagreement's signature and links.
// What each judge is comes from ds; a report naming a judge ds does not
// describe (one from another ocidiff) is an error.
func summaryTable(reports []checkReport, allowed []string, fail bool, ds parsers.Descriptors) (string, error) {
	var judges []string
	for _, cr := range reports {
		for _, v := range cr.Verdicts {
			if !slices.Contains(judges, v.Judge) {
				judges = append(judges, v.Judge)
			}
		}
	}
	var b, notes strings.Builder
	var disagree, failing int
	b.WriteString("| config |")
	for _, j := range judges {
		b.WriteString(" " + mdtext.Cell(j) + " |")
	}
	b.WriteString(" family | status | this job |\n|---|")
	b.WriteString(strings.Repeat("---|", len(judges)+3) + "\n")
	for _, cr := range reports {
		// A table cell ends at a "|" even inside a code span.
		b.WriteString("| " + strings.ReplaceAll(mdtext.Code(cr.File), "|", `\|`) + " |")
		odd, err := triage.OtherValues(cr.result(), ds)
		if err != nil {
			return "", fmt.Errorf("%s: %w", cr.File, err)
		}
		for _, j := range judges {
			cell := "(not run)"
			if i := slices.IndexFunc(cr.Verdicts, func(v verdictReport) bool { return v.Judge == j }); i >= 0 {
				cell = string(cr.Verdicts[i].Outcome)
				if _, ok := odd[j]; ok && cr.Verdicts[i].Outcome == parsers.Accept {
					cell = "value ≠"
				}
			}
			b.WriteString(" " + cell + " |")
		}
		if cr.Agree {
			b.WriteString(" | agree | |\n")
			continue
		}
		disagree++
		family, status, job := "none known", "new split", "fails"
		if f := cr.Family; f != nil {
			family, status = mdtext.Code(f.ID), string(f.Status)
			if len(f.Links) > 0 {
				family = fmt.Sprintf("[%s](%s)", family, f.Links[0].URL)
			}
			if slices.Contains(allowed, f.ID) {
				job = "allowed"
			}
		}
		if job == "fails" {
			failing++
			if !fail {
				job = "annotated only"
			}
		}
		fmt.Fprintf(&b, " %s | %s | %s |\n", family, status, job)
		fmt.Fprintf(&notes, "- %s: %s\n", mdtext.Code(cr.File), mdtext.Escape(verdictLine(cr.result())))
		if f := cr.Family; f != nil {
			fmt.Fprintf(&notes, "  - family %s (%s: %s): %s\n", mdtext.Code(f.ID), f.Status, f.Status.Describe(), mdtext.Escape(mdtext.OneLine(f.Title)))
			for _, l := range f.Links {
				fmt.Fprintf(&notes, "  - [%s](%s)\n", mdtext.Escape(l.Title), l.URL)
			}
		}
		fmt.Fprintf(&notes, "  - signature: %s\n", mdtext.Code(cr.Signature))
	}
	head := "### ocidiff: " + counts(len(reports), disagree, failing) + "\n\n"
	if notes.Len() > 0 {
		return head + b.String() + "\n" + notes.String(), nil
	}
	return head + b.String(), nil
}
