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
	fail := fs.Bool("fail", true, "exit 1 when a cause is in a family not allowed or in none, or every judge refuses a file; -fail=false only annotates")
	allowRefused := fs.Bool("allow-refused", false, "a file every judge refuses is a warning, not a failure")
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
				return annotate(reports, policy{allowed, *allowRefused}, *fail, *summary, *output, stdout, stderr)
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
		switch {
		case err != nil:
		case cr.File == "" || len(cr.Verdicts) == 0:
			err = errors.New("not an object of `ocidiff check -json`: no file or no verdicts")
		case !cr.Agree && len(cr.Causes) == 0:
			err = errors.New("a disagreement without causes: written by an ocidiff older than this one; run check again")
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
	r := harness.Result{Agree: cr.Agree, Refused: cr.Refused, Signature: cr.Signature, Diffs: cr.Diffs}
	for _, c := range cr.Causes {
		r.Causes = append(r.Causes, c.Cause)
	}
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

// policy is what the caller lets through: causes in the allowed families,
// and, with refused, files that every judge refuses.
type policy struct {
	allowed []string
	refused bool
}

// allows reports whether a cause is let through.
func (p policy) allows(c causeReport) bool {
	return c.Family != nil && slices.Contains(p.allowed, c.Family.ID)
}

// passes reports whether a file is let through: every cause is, and a
// file every judge refuses only when the caller said so.
func (p policy) passes(cr checkReport) bool {
	if cr.Refused && !p.refused {
		return false
	}
	for _, c := range cr.Causes {
		if !p.allows(c) {
			return false
		}
	}
	return true
}

// annotate writes the workflow commands, the summary and the outputs, and
// returns the exit status. A file fails when one of its causes is in no
// family allowed: allowing the family of one cause lets no other through.
func annotate(reports []checkReport, p policy, fail bool, summary, output string, stdout, stderr io.Writer) int {
	var disagree, failing int
	var b strings.Builder
	shown, unshown := map[bool]int{}, map[bool]int{} // by allowed: warnings, errors
	for _, cr := range reports {
		if cr.Agree && !cr.Refused {
			continue
		}
		disagree++
		ok := p.passes(cr)
		if !ok {
			failing++
		}
		if shown[ok] == annotationsPerKind {
			unshown[ok]++
			continue
		}
		shown[ok]++
		b.WriteString(workflowCommand(cr, p))
	}
	for _, ok := range []bool{false, true} {
		if n := unshown[ok]; n > 0 {
			fmt.Fprintf(&b, "::notice title=ocidiff%%3A %d more files::GitHub shows %d annotations of a kind per step, so %d more files %s are not annotated; the step summary lists every file.\n",
				n, annotationsPerKind, n, map[bool]string{false: "that fail", true: "whose causes are all allowed"}[ok])
		}
	}
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		fmt.Fprintf(stderr, "ocidiff annotate: writing output: %v\n", err)
		return exitUsage
	}
	table, err := summaryTable(reports, p, fail, registry.Descriptors())
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
	return fmt.Sprintf("%d config files; the judges disagree on (or all refuse) %d, %d of them with a cause not allowed", files, disagree, failing)
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

// workflowCommand is one file's disagreement as a GitHub workflow command
// on the file: a warning when the caller lets every cause through, else an
// error. The message names every cause, each with its family, status and
// links, or says that it is in no known family.
func workflowCommand(cr checkReport, p policy) string {
	r := cr.result()
	var lines []string
	if cr.Refused {
		lines = append(lines, "Every judge refuses this config.json: no runtime would run it.")
		if p.refused {
			lines = append(lines, "Allowed by this workflow (allow-refused).")
		}
	} else {
		lines = append(lines, fmt.Sprintf("The judges disagree on this config.json: %d %s.", len(cr.Causes), plural(len(cr.Causes), "cause", "causes")))
	}
	for _, v := range r.Verdicts {
		if !v.Accepted() {
			lines = append(lines, fmt.Sprintf("%s %s: %s", v.Judge, v.Outcome, harness.Reason(v, 200)))
		}
	}
	// Each family once, its causes under it, in the order of their first.
	var ids []string
	byID := map[string][]int{}
	for i, c := range cr.Causes {
		id := ""
		if c.Family != nil {
			id = c.Family.ID
		}
		if _, ok := byID[id]; !ok {
			ids = append(ids, id)
		}
		byID[id] = append(byID[id], i)
	}
	var titles []string
	for _, id := range ids {
		first := cr.Causes[byID[id][0]]
		if f := first.Family; f == nil {
			titles = append(titles, "a new cause")
			lines = append(lines, "In no known family of ocidiff's findings; `ocidiff corpus add FILE` in an ocidiff checkout records it as a new case:")
		} else {
			titles = append(titles, f.ID)
			lines = append(lines, fmt.Sprintf("Family %s, status %s (%s): %s", f.ID, f.Status, f.Status.Describe(), f.Title))
			for _, l := range f.Links {
				lines = append(lines, "  "+l.Title+": "+l.URL)
			}
			if p.allows(first) {
				lines = append(lines, "  allowed by this workflow (allow: "+f.ID+").")
			}
		}
		for _, i := range byID[id] {
			c := cr.Causes[i]
			lines = append(lines, fmt.Sprintf("  cause %d: %s (shown by %s)", i+1, c.Cause, strings.Join(c.Judges, ", ")))
		}
	}
	level := "error"
	if p.passes(cr) {
		level = "warning"
	}
	title := "ocidiff: every judge refuses"
	if !cr.Refused {
		title = "ocidiff: " + strings.Join(titles, ", ")
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
// file, a column per judge, then the families of its causes and what they
// do to the job; below it, each file's causes with their families and links.
// What each judge is comes from ds; a report naming a judge ds does not
// describe (one from another ocidiff) is an error.
func summaryTable(reports []checkReport, p policy, fail bool, ds parsers.Descriptors) (string, error) {
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
	b.WriteString(" families | this job |\n|---|")
	b.WriteString(strings.Repeat("---|", len(judges)+2) + "\n")
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
		if cr.Agree && !cr.Refused {
			b.WriteString(" agree | |\n")
			continue
		}
		disagree++
		var fams []string
		if cr.Refused {
			fams = append(fams, "every judge refuses")
		}
		for _, c := range cr.Causes {
			f := "new cause"
			if c.Family != nil {
				f = mdtext.Code(c.Family.ID)
				if len(c.Family.Links) > 0 {
					f = fmt.Sprintf("[%s](%s)", f, c.Family.Links[0].URL)
				}
			}
			if !slices.Contains(fams, f) {
				fams = append(fams, f)
			}
		}
		job := "allowed"
		if !p.passes(cr) {
			failing++
			job = "fails"
			if !fail {
				job = "annotated only"
			}
		}
		fmt.Fprintf(&b, " %s | %s |\n", strings.Join(fams, ", "), job)
		fmt.Fprintf(&notes, "- %s:\n", mdtext.Code(cr.File))
		if cr.Refused {
			notes.WriteString("  - every judge refuses it\n")
		}
		for _, c := range cr.Causes {
			fmt.Fprintf(&notes, "  - %s", mdtext.Escape(c.Cause.String()))
			if f := c.Family; f != nil {
				fmt.Fprintf(&notes, ": family %s (%s: %s)", mdtext.Code(f.ID), f.Status, f.Status.Describe())
				for _, l := range f.Links {
					fmt.Fprintf(&notes, ", [%s](%s)", mdtext.Escape(l.Title), l.URL)
				}
			} else {
				notes.WriteString(": in no known family")
			}
			notes.WriteString("\n")
		}
	}
	head := "### ocidiff: " + counts(len(reports), disagree, failing) + "\n\n"
	if notes.Len() > 0 {
		return head + b.String() + "\n" + notes.String(), nil
	}
	return head + b.String(), nil
}
