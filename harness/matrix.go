package harness

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/ocidiff/ocidiff/parsers"
)

// WriteMatrix renders a result for a person: one row per judge with its
// version, outcome and reason, then the value splits, then one line that
// says agree or disagree.
func WriteMatrix(w io.Writer, r Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "JUDGE\tVERSION\tVERDICT\tREASON")
	for _, v := range r.Verdicts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Judge, shortVersion(v.Version), v.Outcome, Reason(v, 90))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, d := range r.Diffs {
		fmt.Fprintln(w, d)
	}
	var err error
	if r.Agree {
		_, err = fmt.Fprintln(w, "agree")
	} else {
		_, err = fmt.Fprintf(w, "disagree  signature: %s\n", r.Signature)
	}
	return err
}

// WriteNarrow renders a result in at most width columns, for a terminal:
// one row per judge with its outcome and reason cut to what fits, then the
// value splits, each on one cut line. The versions and the signature,
// which alone take a terminal's width, are left to WriteMatrix (check -v)
// and the JSON output.
func WriteNarrow(w io.Writer, r Result, width int) error {
	judgeW := len("JUDGE")
	for _, v := range r.Verdicts {
		judgeW = max(judgeW, len([]rune(v.Judge)))
	}
	const verdictW = len("timeout")
	reasonW := max(width-judgeW-verdictW-4, 10)
	var b strings.Builder
	row := func(j, o, reason string) {
		line := fmt.Sprintf("%-*s  %-*s  %s", judgeW, j, verdictW, o, reason)
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	row("JUDGE", "VERDICT", "REASON")
	for _, v := range r.Verdicts {
		row(v.Judge, string(v.Outcome), Reason(v, reasonW))
	}
	for _, d := range r.Diffs {
		b.WriteString(Cut(d.String(), width) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Cut shortens s to at most n runes, marking the cut.
func Cut(s string, n int) string {
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n-1]) + "…"
	}
	return s
}

// String is the value split on one line, as the matrix shows it; values
// are cut to 60 runes so that one long string cannot push the rest away.
func (d ValueDiff) String() string {
	return fmt.Sprintf("value split at %s: %s read %s; %s read %s", d.Path,
		strings.Join(d.A, ", "), orAbsent(d.AValue), strings.Join(d.B, ", "), orAbsent(d.BValue))
}

// Reason is a verdict's error on one line, cut to max runes.
func Reason(v parsers.Verdict, max int) string {
	s := strings.Join(strings.Fields(v.Error), " ")
	if rs := []rune(s); len(rs) > max {
		s = string(rs[:max-1]) + "…"
	}
	return s
}

// shortVersion drops the host from module paths
// ("github.com/opencontainers/runtime-spec v1.3.0" reads
// "opencontainers/runtime-spec v1.3.0") so that the matrix fits a terminal; the JSON
// output and the corpus keep the exact text.
func shortVersion(s string) string {
	return modulePrefix.ReplaceAllString(s, "")
}

var modulePrefix = regexp.MustCompile(`\b(github\.com|golang\.org)/`)

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	if rs := []rune(s); len(rs) > 60 {
		return string(rs[:59]) + "…"
	}
	return s
}
