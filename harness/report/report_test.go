package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/report"
	"github.com/ocidiff/ocidiff/harness/repro"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/internal/seedcases"
	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/registry"
)

// caseRef is one case to report on.
type caseRef struct {
	name  string // for messages
	input string // path of its input file
	c     corpus.Case
}

// allCases returns the cases of the repository's corpus/ and of a corpus
// of the seeds.
func allCases(t *testing.T, e *harness.Engine) []caseRef {
	var refs []caseRef
	for _, dir := range []string{"../../corpus", seedcases.Corpus(t, e).Dir()} {
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
			continue
		}
		s, err := corpus.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		cases, err := s.Cases()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			p := s.Path(c.Signature)
			refs = append(refs, caseRef{p, filepath.Join(p, "input.json"), c})
		}
	}
	return refs
}

// TestReports renders the report of every case and then compiles every
// reproduction program once and runs it on every case, for every judge
// the case recorded: each program must print the verdict its judge
// recorded, so that what a report promises upstream is true.
func TestReports(t *testing.T) {
	e := seedcases.Engine(t)
	ds := registry.Descriptors()
	specDir, err := specmod.Dir()
	if err != nil {
		t.Fatal(err)
	}
	refs := allCases(t, e)
	anns, err := triage.ReadAnnotations("../../findings.json")
	if err != nil {
		t.Fatal(err)
	}
	programs := map[string]repro.Program{}
	type stdRun struct {
		ref caseRef
		v   parsers.Verdict
		key string
	}
	var stdRuns []stdRun
	for i, ref := range refs {
		m := e.Check(ref.c.Input)
		// A corpus case keeps no parser's model: the judges read it
		// again, and the reproductions must print what they read.
		for j, v := range ref.c.Result.Verdicts {
			for _, w := range m.Verdicts {
				if w.Judge == v.Judge && v.Model == nil {
					refs[i].c.Result.Verdicts[j].Model = w.Model
				}
			}
		}
		ref = refs[i]
		var md bytes.Buffer
		err := report.Write(&md, report.Case{Source: ref.name, Signature: ref.c.Signature, Input: ref.c.Input, Result: ref.c.Result, Matrix: &m},
			report.Options{SpecDir: specDir, SpecVersion: specmod.Version(), Family: triage.CaseFamily(anns, ref.c), Judges: ds})
		if err != nil {
			t.Errorf("%s: %v", ref.name, err)
			continue
		}
		checkReport(t, ref, md.String())
		// A report to golang/go shows standard-library programs, made for
		// its input: they are built and run too.
		if _, target, err := report.Target(ref.c.Result, ds, ""); err == nil && target.Name == "golang/go" {
			vs, err := report.ReproJudges(ref.c.Result, ds, target)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				rp, err := report.ReproFor(v, ds[v.Judge], ref.c.Input, target)
				if err != nil {
					t.Errorf("%s: %v", ref.name, err)
					continue
				}
				programs[rp.Key] = rp
				stdRuns = append(stdRuns, stdRun{ref, v, rp.Key})
			}
		}
		for _, v := range ref.c.Result.Verdicts {
			rp, err := repro.For(v, ds[v.Judge])
			if err != nil {
				t.Errorf("%s: %v", ref.name, err)
				continue
			}
			programs[rp.Key] = rp
		}
	}
	bins := buildPrograms(t, programs)
	schemaPath := filepath.Join(specDir, "schema", "config-schema.json")
	// Each case's programs run in a goroutine of their own, a few at a
	// time: the corpus may hold hundreds of cases.
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(2, runtime.NumCPU()))
	for _, ref := range refs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			for _, v := range ref.c.Result.Verdicts {
				if v.Outcome == parsers.Timeout {
					continue
				}
				rp, _ := repro.For(v, ds[v.Judge])
				args := []string{ref.input}
				if ds[v.Judge].Kind == parsers.Validator {
					args = append(args, schemaPath)
				}
				out, code, err := runProgram(bins[rp.Key], args)
				if err != nil {
					t.Errorf("%s: %v", ref.name, err)
					continue
				}
				if msg := compare(v, out, code); msg != "" {
					t.Errorf("%s: the %s reproduction %s\nprogram printed (exit %d): %q\nrecorded: %s %q",
						ref.name, v.Judge, msg, code, out, v.Outcome, v.Error)
				}
			}
		}()
	}
	wg.Wait()
	for _, r := range stdRuns {
		out, code, err := runProgram(bins[r.key], []string{r.ref.input})
		if err != nil {
			t.Errorf("%s: %v", r.ref.name, err)
			continue
		}
		if msg := compare(r.v, out, code); msg != "" {
			t.Errorf("%s: the standard-library %s reproduction %s\nprogram printed (exit %d): %q\nrecorded: %s %q",
				r.ref.name, r.v.Judge, msg, code, out, r.v.Outcome, r.v.Error)
		}
	}
}

// checkReport checks that a report holds what it must: what happens,
// a spec quote with absolute links, the input, one reproduction with the
// library addressed, and every verdict, collapsed; and no family id,
// which is ocidiff's and means nothing upstream.
func checkReport(t *testing.T, ref caseRef, md string) {
	t.Helper()
	ds := registry.Descriptors()
	_, target, err := report.Target(ref.c.Result, ds, "")
	if err != nil {
		t.Errorf("%s: %v", ref.name, err)
		return
	}
	checkFitsTracker(t, ref.name, md)
	if target.Name == "golang/go" && strings.Contains(md, "## Reproduce it with the standard library alone") {
		// Go's maintainers get a program with one field and one value
		// (repro.MinimalFor; TestMinimalRuns runs them), not the config.
		for _, s := range []string{"## What happens\n\nDecoding `", "GOEXPERIMENT=jsonv2 go run .", "## Versions"} {
			if !strings.Contains(md, s) {
				t.Errorf("%s: the report lacks %q\n%s", ref.name, firstLine(s), md)
			}
		}
		if strings.Contains(md, "<details>") || strings.Contains(md, "## Input") {
			t.Errorf("%s: a report to golang/go with a minimal program shows the config or the judges\n%s", ref.name, md)
		}
		return
	}
	must := []string{"## What happens", "## What the spec says\n\n> ", "## Input", "<details>"}
	if len(ref.c.Input) <= 8<<10 {
		must = append(must, "> config.json")
	}
	for _, v := range ref.c.Result.Verdicts {
		must = append(must, "| "+v.Judge+" | ")
	}
	vs, err := report.ReproJudges(ref.c.Result, ds, target)
	if err != nil {
		t.Errorf("%s: %v", ref.name, err)
	}
	if len(vs) > 0 {
		must = append(must, "## Reproduce it with "+target.Name+" alone")
	}
	for _, s := range must {
		if !strings.Contains(md, s) {
			t.Errorf("%s: the report lacks %q\n%s", ref.name, firstLine(s), md)
		}
	}
	if n := strings.Count(md, "## Reproduce it with"); n > 1 {
		t.Errorf("%s: the report shows %d reproductions; one, with the library addressed, is enough", ref.name, n)
	}
	if strings.Contains(md, "family `") {
		t.Errorf("%s: the report names an ocidiff family\n%s", ref.name, md)
	}
	for _, m := range mdLink.FindAllStringSubmatch(md, -1) {
		if !strings.HasPrefix(m[1], "https://") && !strings.HasPrefix(m[1], "http://") {
			t.Errorf("%s: a link to %q, which leads nowhere from a tracker", ref.name, m[1])
		}
	}
}

// mdLink is a Markdown inline link's target.
var mdLink = regexp.MustCompile(`\]\(([^)\s]*)\)`)

// checkFitsTracker checks that a report is one a tracker takes as it is:
// at most report.MaxLen characters of valid UTF-8 with no control
// characters, paths outside code written so that Markdown does not read
// their "*" as emphasis, and a printable input shown once.
func checkFitsTracker(t *testing.T, name, md string) {
	t.Helper()
	if len(md) > report.MaxLen {
		t.Errorf("%s: the report is %d characters, more than %d", name, len(md), report.MaxLen)
	}
	if !utf8.ValidString(md) {
		t.Errorf("%s: the report is not valid UTF-8", name)
	}
	for i, r := range md {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			t.Errorf("%s: a raw control or format character %U at byte %d", name, r, i)
			break
		}
	}
	var prose strings.Builder
	fence := ""
	for _, l := range strings.Split(md, "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "```") {
			f := t[:len(t)-len(strings.TrimLeft(t, "`"))]
			switch {
			case fence == "":
				fence = f
			case f == fence:
				fence = ""
			}
			continue
		}
		if fence == "" {
			prose.WriteString(codeSpan.ReplaceAllString(l, "") + "\n")
		}
	}
	if m := unescapedStar.FindString(prose.String()); m != "" {
		t.Errorf("%s: an unescaped path wildcard %q outside code", name, m)
	}
}

var (
	codeSpan      = regexp.MustCompile("``.*?``|`[^`]*`|<sub>.*</sub>")
	unescapedStar = regexp.MustCompile(`[^\\]/\*`)
)

// sameModel compares models with the engine's equivalence rules.
var sameModel, _ = harness.New(nil)

// sameLines reports whether a validator program printed the judge's
// errors, in any order: both libraries report errors in an order that
// changes from run to run (they walk maps). The program joins
// gojsonschema's errors with "; " and prints jsonschema's whole, with the
// first line naming the schema's URL, which the judge drops.
func sameLines(program, judge string) bool {
	var a []string
	for _, l := range strings.Split(strings.ReplaceAll(program, "; ", "\n"), "\n") {
		if l != "" && !strings.HasPrefix(l, "jsonschema validation failed with ") {
			a = append(a, l)
		}
	}
	b := strings.Split(strings.ReplaceAll(judge, "; ", "\n"), "\n")
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// compare says how a program's output differs from the recorded verdict,
// or "" if it does not.
func compare(v parsers.Verdict, out string, code int) string {
	// A verdict's error travels as a JSON string (the adapter protocol,
	// case.json), which holds no invalid UTF-8: each bad byte reads as
	// U+FFFD there, so the program's output is compared the same way.
	line := validUTF8(strings.TrimSuffix(out, "\n"))
	validator := strings.HasPrefix(v.Judge, "schema/")
	switch v.Outcome {
	case parsers.Accept:
		if code != 0 || !strings.HasPrefix(line, "accept") {
			return "did not accept"
		}
		if validator {
			return ""
		}
		// Compared as the engine compares models: oci-spec-rs keeps
		// capabilities in a HashSet, whose order changes per process.
		if !sameModel.SameModel(json.RawMessage(strings.TrimPrefix(line, "accept: ")), v.Model) {
			return "accepted but read another model"
		}
	case parsers.Reject:
		if code != 1 || !strings.HasPrefix(line, "reject: ") {
			return "did not reject"
		}
		if validator {
			// The libraries' texts: gojsonschema's errors one per line
			// in the judge, joined with "; " by the program; jsonschema's
			// with a first line naming the schema's URL, which the judge
			// drops.
			if !sameLines(strings.TrimPrefix(line, "reject: "), v.Error) {
				return "rejected with another error"
			}
			return ""
		}
		// go-json-experiment words one error two ways ("cannot", "unable
		// to"), picked at random once per process: compare error classes.
		if parsers.Classify(strings.TrimPrefix(line, "reject: ")) != parsers.Classify(v.Error) {
			return "rejected with another error"
		}
	case parsers.Crash:
		if code == 0 || code == 1 {
			return "did not crash"
		}
	}
	return ""
}

// validUTF8 replaces each byte of s that is not UTF-8 with U+FFFD, as
// encoding/json does.
func validUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// runProgram runs a program and returns its output and exit status, 128
// for a death by signal.
func runProgram(bin string, args []string) (string, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0, nil
	case errors.As(err, &ee) && ctx.Err() == nil:
		if ee.ExitCode() < 0 {
			return string(out), 128, nil
		}
		return string(out), ee.ExitCode(), nil
	}
	return "", 0, fmt.Errorf("running %s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
}

// crunArchives returns the static archives the C judge of crun release
// version links, as c-adapter/crun-versions names them: libcrun.a and the
// JSON library's, unpacked by `make deps` under build/crun-<version>.
func crunArchives(t *testing.T, root, version string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "c-adapter", "crun-versions"))
	if err != nil {
		t.Fatal(err)
	}
	machine := strings.TrimSpace(command(t, root, nil, "cc", "-dumpmachine"))
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 6 && f[0] == version {
			lib := filepath.Join(root, "build", "crun-"+version, "usr", "lib", machine)
			return []string{filepath.Join(lib, "libcrun.a"), filepath.Join(lib, f[5])}
		}
	}
	t.Fatalf("crun %s is not in c-adapter/crun-versions", version)
	return nil
}

// buildPrograms compiles every program once: the Go ones in one module
// with one go build, the Rust ones as members of one cargo workspace with
// one cargo build, the C ones with one cc each. It returns each program's
// executable by Key.
func buildPrograms(t *testing.T, programs map[string]repro.Program) map[string]string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	bin := filepath.Join(work, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	bins := map[string]string{}
	var goKeys, rustKeys, stdKeys []string
	for key, rp := range programs {
		switch {
		case rp.Lang == "go" && pinnedGoJudge(rp.Judge):
			// Built against another runtime-spec than this module's:
			// run the report's own setup, offline, from the module
			// cache that `make build` filled for go-adapter.
			dir := filepath.Join(work, "pinned", key)
			writeFiles(t, dir, rp.Files)
			for _, line := range rp.Setup {
				command(t, dir, []string{"GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off"}, "sh", "-c", line)
			}
			bins[key] = filepath.Join(dir, "repro")
		case rp.Lang == "go" && rp.Modules == nil:
			// A standard-library program is a module of its own, named
			// by its key, as its report has the reader create it.
			stdKeys = append(stdKeys, key)
			writeFiles(t, filepath.Join(work, "std", key), append(rp.Files, repro.File{Name: "go.mod", Body: "module " + key + "\n\ngo 1.26\n"}))
			bins[key] = filepath.Join(bin, key)
		case rp.Lang == "go":
			goKeys = append(goKeys, key)
			for mod, ver := range rp.Modules {
				if got := specmod.ModuleVersion(mod); got != ver {
					t.Fatalf("%s was recorded with %s %s, but go.mod has %s: re-record the case", rp.Judge, mod, ver, got)
				}
			}
			writeFiles(t, filepath.Join(work, "go", key), rp.Files)
			bins[key] = filepath.Join(bin, key)
		case rp.Lang == "rust":
			rustKeys = append(rustKeys, key)
			writeFiles(t, filepath.Join(work, "rust", key), rp.Files)
		case rp.Lang == "c":
			writeFiles(t, filepath.Join(work, "c", key), rp.Files)
			bins[key] = filepath.Join(bin, key)
			// Built as `make deps build` builds the judge: against the
			// archives of the pinned packages unpacked in build/, with
			// the stand-ins for glibc 2.38's functions on Debian 12.
			args := []string{"-Wall", "-Wextra", "-Werror", "-o", bins[key], filepath.Join(work, "c", key, "repro.c"),
				filepath.Join(root, "c-adapter", "isoc23.c")}
			args = append(args, crunArchives(t, root, strings.TrimPrefix(rp.Judge, "c/libocispec@crun-"))...)
			command(t, work, nil, "cc", args...)
		}
	}
	if len(stdKeys) > 0 {
		// One workspace holds every standard-library module, so that one
		// go build compiles them all; no module proxy is reached.
		slices.Sort(stdKeys)
		std := filepath.Join(work, "std")
		writeFiles(t, std, []repro.File{{Name: "go.work", Body: "go 1.26\n\nuse (\n\t./" + strings.Join(stdKeys, "\n\t./") + "\n)\n"}})
		command(t, std, []string{"GOWORK=" + filepath.Join(std, "go.work"), "GOFLAGS=", "GOPROXY=off"},
			"go", append([]string{"build", "-o", bin + "/"}, stdKeys...)...)
	}
	if len(goKeys) > 0 {
		// The module requires what this repository's go.mod requires, so
		// that the programs build from the module cache at the versions
		// the judges were built with.
		mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		mod = bytes.Replace(mod, []byte("module github.com/ocidiff/ocidiff"), []byte("module repro"), 1)
		sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
		if err != nil {
			t.Fatal(err)
		}
		writeFiles(t, filepath.Join(work, "go"), []repro.File{{Name: "go.mod", Body: string(mod)}, {Name: "go.sum", Body: string(sum)}})
		command(t, filepath.Join(work, "go"), []string{"GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off"}, "go", "build", "-o", bin+"/", "./...")
	}
	if len(rustKeys) > 0 {
		ws := filepath.Join(work, "rust")
		members := `"` + strings.Join(rustKeys, `", "`) + `"`
		lock, err := os.ReadFile(filepath.Join(root, "rust-adapter", "Cargo.lock"))
		if err != nil {
			t.Fatal(err)
		}
		writeFiles(t, ws, []repro.File{
			{Name: "Cargo.toml", Body: "[workspace]\nresolver = \"2\"\nmembers = [" + members + "]\n"},
			{Name: "Cargo.lock", Body: string(lock)},
		})
		// A target directory that outlives the test keeps reruns quick:
		// the crates are compiled once.
		target := filepath.Join(root, "rust-adapter", "target", "repro")
		command(t, ws, []string{"CARGO_TARGET_DIR=" + target}, "cargo", "build", "--offline", "--quiet")
		for _, k := range rustKeys {
			bins[k] = filepath.Join(target, "debug", k)
		}
	}
	return bins
}

// pinnedGoJudge tells the Go judges pinned to an older runtime-spec
// release (go/runc-1.1@spec-1.0.2-dev) from those of this module's.
func pinnedGoJudge(judge string) bool {
	return strings.HasPrefix(judge, "go/") && strings.Contains(judge, "@spec-")
}

func writeFiles(t *testing.T, dir string, files []repro.File) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f.Body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func command(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// TestSpecUnderGoSpelling renders corpus cases whose value splits name a
// member as specs-go's JSON tag spells it (/vm/hwconfig/...), where the
// schema and the spec text say hwConfig: the spec section must still
// quote the member's bullet, with the schema at the schema's name.
func TestSpecUnderGoSpelling(t *testing.T) {
	specDir, err := specmod.Dir()
	if err != nil {
		t.Fatal(err)
	}
	e := seedcases.EngineOf(t, "default")
	const head = `{"ociVersion":"1.3.0","process":{"cwd":"/","user":{"uid":0,"gid":0},"args":["sh"]},"root":{"path":"rootfs"},`
	for _, tc := range []struct {
		dir  string // the input, as the corpus once held it
		want string // where the schema quoted is
		text string // in the spec text quoted
	}{
		{head + `"vm":{"hwConfig":{"iomems":[{}]},"kernel":{"path":""}}}`,
			"vm/properties/hwConfig/properties/iomems",
			"> * **`iomems`** (array OPTIONAL)"},
		// The split at /vm/hwconfig/iomems/0/firstMFN and the validators'
		// /vm/hwConfig/iomems/*/firstMFN are one member.
		{head + `"vm":{"hwConfig":{"iomems":[{"FirstMFN":1}]},"kernel":{"path":""}}}`,
			"definitions/IOMemEntryFormat/properties/firstMFN",
			"> * **`firstMFN`** (int REQUIRED)"},
		{head + `"vm":{"hwConfig":{"vcpus":1},"kernel":{"path":""}}}`,
			"vm/properties/hwConfig/properties/vcpus",
			"> * **`vcpus`** (int OPTIONAL)"},
	} {
		c := corpus.Case{Input: []byte(tc.dir)}
		c.Result = e.Check(c.Input)
		var md bytes.Buffer
		if err := report.Write(&md, report.Case{Source: "corpus/" + tc.dir, Signature: c.Signature, Input: c.Input, Result: c.Result},
			report.Options{SpecDir: specDir, SpecVersion: specmod.Version(), Judges: registry.Descriptors()}); err != nil {
			t.Fatalf("%s: %v", tc.dir, err)
		}
		_, spec, _ := strings.Cut(md.String(), "## What the spec says")
		spec, _, _ = strings.Cut(spec, "\n## ")
		if !strings.Contains(spec, "at `#/"+tc.want+"`") {
			t.Errorf("%s: the spec section does not show the schema at %q\n%s", tc.dir, tc.want, spec)
		}
		if !strings.Contains(spec, tc.text) {
			t.Errorf("%s: the spec section lacks %q\n%s", tc.dir, tc.text, spec)
		}
	}
}

// TestReportNamesEveryCause: a report is about one cause, its family's,
// in the library addressed, and lists the config's other causes only in
// its collapsed verdicts, without ocidiff's family ids: here the founding
// case's null layerFolders beside a missing process.user oci-spec-rs
// refuses.
func TestReportNamesEveryCause(t *testing.T) {
	anns, err := triage.ReadAnnotations("../../findings.json")
	if err != nil {
		t.Fatal(err)
	}
	c := corpus.Case{Input: []byte(`{"ociVersion":"1.3.0","process":{"cwd":"C:\\","args":["cmd"]},"root":{"path":"rootfs"},"windows":{"layerFolders":null}}`)}
	c.Result = seedcases.EngineOf(t, "default").Check(c.Input)
	if len(c.Result.Causes) < 2 {
		t.Fatalf("the config shows %d causes, want two families' worth", len(c.Result.Causes))
	}
	var fam *triage.Annotation
	for _, x := range c.Result.Causes {
		if f := triage.FamilyOf(anns, x); f != nil && f.ID == "layerfolders-null" {
			fam = f
		}
	}
	if fam == nil {
		t.Fatal("no cause of the config is layerfolders-null's")
	}
	var md bytes.Buffer
	if err := report.Write(&md, report.Case{Source: "two.json", Input: c.Input, Result: c.Result},
		report.Options{Judges: registry.Descriptors(), Family: fam}); err != nil {
		t.Fatal(err)
	}
	head, details, ok := strings.Cut(md.String(), "<details>")
	if !ok {
		t.Fatalf("the report has no collapsed section:\n%s", md.String())
	}
	const other = "oci-spec-rs refuses a missing REQUIRED member at /process/user"
	if !strings.Contains(details, other) || strings.Contains(head, "/process/user") {
		t.Errorf("want %q in the collapsed section alone:\n%s", other, md.String())
	}
	if !strings.Contains(head, "# "+fam.Title+"\n") || !strings.Contains(head, "`/windows/layerFolders`") {
		t.Errorf("the report is not about layerFolders under its family's title:\n%s", md.String())
	}
	if strings.Contains(md.String(), "family `") {
		t.Errorf("the report names ocidiff's families:\n%s", md.String())
	}
}

// TestLeadOnlyOnTheBestCase: a family's own first sentence (Lead) opens
// the report on its best case, which it was written for, and no other:
// another case of the family gets the sentence written from its cause.
func TestLeadOnlyOnTheBestCase(t *testing.T) {
	c := corpus.Case{Input: []byte(`{"ociVersion":"1.3.0","process":{"cwd":"/","user":{"uid":0,"gid":0},"args":["sh"]},"root":{"path":"rootfs"},"windows":{"layerFolders":null}}`)}
	c.Result = seedcases.EngineOf(t, "default").Check(c.Input)
	best := "libocispec refuses null [Required field 'layerFolders' not present] @ /windows/layerFolders"
	fam := &triage.Annotation{ID: "f", Title: "T", Status: triage.Bug, Why: "Why.", Best: harness.Slug(best), Lead: "The family's own lead."}
	for _, tc := range []struct {
		source, signature string
		lead              bool
	}{
		{"corpus/" + harness.Slug(best), best, true},
		{"corpus/other-case", best + " and more", false},
		{harness.Slug(best), "", false}, // a config file that shares the name
	} {
		var md bytes.Buffer
		if err := report.Write(&md, report.Case{Source: tc.source, Signature: tc.signature, Input: c.Input, Result: c.Result},
			report.Options{Judges: registry.Descriptors(), Family: fam}); err != nil {
			t.Fatal(err)
		}
		_, after, _ := strings.Cut(md.String(), "## What happens\n\n")
		if got := strings.HasPrefix(after, fam.Lead); got != tc.lead {
			t.Errorf("%s: the report opens with the lead: %v, want %v\n%s", tc.source, got, tc.lead, md.String())
		}
	}
}
