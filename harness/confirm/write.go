package confirm

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ocidiff/ocidiff/parsers"
)

// Agrees reports whether a runtime's load stage matches its judge's
// outcome: loaded is accept, refused is reject, crashed is a crash or a
// timeout. A missing runtime agrees with nothing.
func Agrees(l Load, v parsers.Verdict) bool {
	switch l.Stage {
	case Loaded:
		return v.Outcome == parsers.Accept
	case Refused:
		return v.Outcome == parsers.Reject
	case Crashed:
		return v.Outcome == parsers.Crash || v.Outcome == parsers.Timeout
	}
	return false
}

// JudgeVerdict finds, among vs, the verdict of the judge that stands for
// l's runtime.
func (l Load) JudgeVerdict(vs []parsers.Verdict) (parsers.Verdict, bool) {
	for _, v := range vs {
		if v.Judge == l.Judge {
			return v, true
		}
	}
	return parsers.Verdict{}, false
}

// judgeCell says what the runtime's judge said and whether it matches.
func judgeCell(l Load, vs []parsers.Verdict) string {
	v, ok := l.JudgeVerdict(vs)
	if !ok || l.Stage == Missing {
		return "-"
	}
	same := "same"
	if !Agrees(l, v) {
		same = "DIFFERS"
	}
	return fmt.Sprintf("%s %s (%s)", l.Judge, v.Outcome, same)
}

// WriteText prints the report for a person; verdicts, if given, are the
// judges' on the same input, shown next to the runtime each stands for.
func (rep Report) WriteText(w io.Writer, verdicts []parsers.Verdict) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUNTIME\tVERSION\tSTAGE\tJUDGE\tMESSAGE")
	for _, l := range rep.Loads {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", l.Runtime, orDash(l.Version), l.Stage.Describe(), judgeCell(l, verdicts), l.Message)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return rep.writeRuns(w, "", "")
}

// WriteMarkdown prints the report as a section of an upstream issue.
func (rep Report) WriteMarkdown(w io.Writer, verdicts []parsers.Verdict) error {
	var b strings.Builder
	b.WriteString("## The real runtimes\n\n")
	b.WriteString("`ocidiff confirm` loaded the input with each runtime (`create` in a throwaway bundle, stopped right after config.json is loaded and validated).\n\n")
	b.WriteString("| runtime | version | stage | judge | message |\n|---|---|---|---|---|\n")
	for _, l := range rep.Loads {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", l.Runtime, mdCell(orDash(l.Version)), l.Stage.Describe(),
			mdCell(judgeCell(l, verdicts)), mdCell(l.Message))
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return rep.writeRuns(w, "- ", "```")
}

// writeRuns prints the containers' part: why none ran, or the summary
// and each probe.
func (rep Report) writeRuns(w io.Writer, bullet, fence string) error {
	var b strings.Builder
	switch {
	case rep.NoRun != "":
		fmt.Fprintf(&b, "%sno container was run: %s\n", bullet, rep.NoRun)
	case len(rep.Runs) > 0:
		fmt.Fprintf(&b, "%sa real container ran on each runtime that loaded the input; the config was derived from the input: %s\n",
			bullet, strings.Join(rep.Derived, "; "))
		for _, s := range Summary(rep.Runs) {
			fmt.Fprintf(&b, "%s%s\n", bullet, s)
		}
		for _, r := range rep.Runs {
			if !r.Ran {
				fmt.Fprintf(&b, "%s%s did not run the probe: %s\n", bullet, short(r.Runtime, r.Version), r.Why)
				continue
			}
			fmt.Fprintf(&b, "%s%s's process reported:\n", bullet, short(r.Runtime, r.Version))
			if fence != "" {
				b.WriteString(fence + "\n")
			}
			indent := "    "
			if fence != "" {
				indent = ""
			}
			for _, line := range r.Probe.lines() {
				fmt.Fprintf(&b, "%s%s\n", indent, line)
			}
			if fence != "" {
				b.WriteString(fence + "\n")
			}
			if r.Notes != "" {
				fmt.Fprintf(&b, "%s(%s %s)\n", indent+bullet, r.Runtime, r.Notes)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// aspect is one thing a probe reports, with how a sentence names it.
type aspect struct {
	phrase string // "as uid %s"
	get    func(Probe) string
}

var aspects = []aspect{
	{"as uid %s", func(p Probe) string { return first(p.UID) }},
	{"with gid %s", func(p Probe) string { return first(p.GID) }},
	{"with supplementary groups [%s]", func(p Probe) string { return p.Groups }},
	{"with effective capabilities %s", func(p Probe) string { return p.CapEff }},
	{"with permitted capabilities %s", func(p Probe) string { return p.CapPrm }},
	{"with bounding capabilities %s", func(p Probe) string { return p.CapBnd }},
	{"with inheritable capabilities %s", func(p Probe) string { return p.CapInh }},
	{"with ambient capabilities %s", func(p Probe) string { return p.CapAmb }},
	{"with NoNewPrivs %s", func(p Probe) string { return p.NoNewPrivs }},
	{"in cwd %s", func(p Probe) string { return p.Cwd }},
	{"with hostname %q", func(p Probe) string { return p.Hostname }},
	{"with environment [%s]", func(p Probe) string { return strings.Join(p.Env, " ") }},
	{"with rlimits [%s]", func(p Probe) string { return strings.Join(p.Rlimits, "; ") }},
	{"with umask %s", func(p Probe) string { return p.Umask }},
}

func first(s string) string { f, _, _ := strings.Cut(s, " "); return f }

// Summary says, one sentence per aspect, where the runtimes' processes
// differ, e.g. "crun 1.8.1 ran the process as uid 1000; runc 1.1.5 as
// uid 0", or that they ran it alike.
func Summary(runs []Run) []string {
	var ran []Run
	for _, r := range runs {
		if r.Ran {
			ran = append(ran, r)
		}
	}
	if len(ran) < 2 {
		return nil
	}
	var out []string
	for _, a := range aspects {
		differ := false
		for _, r := range ran[1:] {
			differ = differ || a.get(*r.Probe) != a.get(*ran[0].Probe)
		}
		if !differ {
			continue
		}
		var parts []string
		for i, r := range ran {
			s := short(r.Runtime, r.Version) + " " + fmt.Sprintf(a.phrase, a.get(*r.Probe))
			if i == 0 {
				s = short(r.Runtime, r.Version) + " ran the process " + fmt.Sprintf(a.phrase, a.get(*r.Probe))
			}
			parts = append(parts, s)
		}
		out = append(out, strings.Join(parts, "; "))
	}
	if len(out) == 0 {
		var names []string
		for _, r := range ran {
			names = append(names, short(r.Runtime, r.Version))
		}
		p := *ran[0].Probe
		out = append(out, fmt.Sprintf("%s ran the process alike: uid %s, gid %s, cwd %s, effective capabilities %s",
			strings.Join(names, ", "), first(p.UID), first(p.GID), p.Cwd, p.CapEff))
	}
	return out
}

// lines is the probe's report, one fact a line. Rlimits are left to the
// summary (where they differ) and to -json: sixteen lines alike on every
// runtime would bury the rest.
func (p Probe) lines() []string {
	l := []string{"id: " + p.ID}
	if p.NoProc {
		l = append(l, "/proc is not mounted in the container")
	}
	for _, kv := range [][2]string{{"Uid", p.UID}, {"Gid", p.GID}, {"Groups", p.Groups},
		{"CapInh", p.CapInh}, {"CapPrm", p.CapPrm}, {"CapEff", p.CapEff}, {"CapBnd", p.CapBnd},
		{"CapAmb", p.CapAmb}, {"NoNewPrivs", p.NoNewPrivs}, {"Seccomp", p.Seccomp},
		{"Cwd", p.Cwd}, {"Hostname", p.Hostname}, {"Umask", p.Umask}} {
		if kv[1] != "" {
			l = append(l, kv[0]+": "+kv[1])
		}
	}
	for _, e := range p.Env {
		l = append(l, "Env: "+e)
	}
	return l
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func mdCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ", "`", "'").Replace(s)
}
