package workflows_test

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"
)

// actionAsWorkflow lints a composite action with actionlint, which lints
// workflows only (it reads an action's metadata just to check the inputs
// a workflow passes it). So the action's steps become the steps of a
// workflow called with the action's inputs, and a last step reads each
// output's value: actionlint then checks every ${{ }} expression (an
// input the action does not declare, a step id that does not exist, the
// github context), the inputs of the actions it uses, and each run:
// script under shellcheck. Besides, each step that runs must say its
// shell (a composite action requires it), each input must be used, no
// step may use ${{ github.action_path }}, which names the host's path
// inside a container job (actions/runner#2185), and each script a step
// runs from the action's directory must exist and pass shellcheck.
// Errors are returned as actionlint's, of kind "action" for these.
func actionAsWorkflow(t *testing.T, l *actionlint.Linter, p *actionlint.Project, root, file string) []*actionlint.Error {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Inputs  map[string]any `yaml:"inputs"`
		Outputs map[string]struct {
			Value string `yaml:"value"`
		} `yaml:"outputs"`
		Runs struct {
			Using string           `yaml:"using"`
			Steps []map[string]any `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(src, &a); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var errs []*actionlint.Error
	fail := func(format string, args ...any) {
		errs = append(errs, &actionlint.Error{Filepath: file, Kind: "action", Message: fmt.Sprintf(format, args...)})
	}
	if a.Runs.Using != "composite" {
		fail("runs.using is %q, not composite", a.Runs.Using)
	}
	steps := slices.Clone(a.Runs.Steps)
	script := regexp.MustCompile(`\$\{?GITHUB_ACTION_PATH\}?/([^"'\s]+)`)
	for i, s := range a.Runs.Steps {
		run, ok := s["run"].(string)
		if !ok {
			continue
		}
		if _, ok := s["shell"]; !ok {
			fail("step %d runs a script without a shell:, which a composite action requires", i+1)
		}
		for _, m := range script.FindAllStringSubmatch(run, -1) {
			path := filepath.Join(root, m[1])
			if _, err := os.Stat(path); err != nil {
				fail("step %d runs %s: %v", i+1, m[1], err)
				continue
			}
			sc, err := exec.LookPath("shellcheck")
			switch {
			case err == nil:
				// -x follows the scripts' `. commands.sh`.
				cmd := exec.Command(sc, "-x", path)
				cmd.Dir = root
				if out, err := cmd.CombinedOutput(); err != nil {
					fail("step %d runs %s, which shellcheck rejects:\n%s", i+1, m[1], out)
				}
			case os.Getenv("CI") == "true":
				t.Fatalf("shellcheck is not on PATH under CI=true: run make deps")
			default:
				t.Logf("shellcheck is not on PATH: %s is not checked by it", m[1])
			}
		}
	}
	if len(a.Outputs) > 0 {
		env := map[string]string{}
		for name, o := range a.Outputs {
			env["OUTPUT_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_"))] = o.Value
		}
		steps = append(steps, map[string]any{"name": "outputs", "shell": "bash", "env": env, "run": "true"})
	}
	// What the steps say, without the comments around them.
	said, err := yaml.Marshal(steps)
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]any{}
	for name := range a.Inputs {
		inputs[name] = map[string]any{"type": "string", "required": false}
		if !regexp.MustCompile(`\binputs\.` + regexp.QuoteMeta(name) + `\b`).Match(said) {
			fail("input %q is declared but no step uses it", name)
		}
	}
	if regexp.MustCompile(`\$\{\{[^}]*\bgithub\.action_path\b`).Match(said) {
		fail("${{ github.action_path }} names the host's path in a container job (actions/runner#2185): use $GITHUB_ACTION_PATH")
	}
	wf, err := yaml.Marshal(map[string]any{
		"name": "the composite action " + filepath.Base(file) + " as a workflow",
		"on":   map[string]any{"workflow_call": map[string]any{"inputs": inputs}},
		"jobs": map[string]any{"action": map[string]any{"runs-on": "ubuntu-latest", "steps": steps}},
	})
	if err != nil {
		t.Fatal(err)
	}
	lerrs, err := l.Lint(filepath.Join(root, ".github", "workflows", "action-as-workflow.yml"), wf, p)
	if err != nil {
		t.Fatalf("actionlint %s: %v", file, err)
	}
	if len(lerrs) > 0 {
		t.Logf("%s as the workflow actionlint read:\n%s", file, wf)
	}
	return append(errs, lerrs...)
}

// TestAction lints the repository's composite action, action.yml.
func TestAction(t *testing.T) {
	root := repoRoot(t)
	l, p := newLinter(t, root)
	for _, e := range actionAsWorkflow(t, l, p, root, filepath.Join(root, "action.yml")) {
		t.Errorf("%s", e)
	}
}

// TestBrokenActions shows that the lint of a composite action can fail:
// each file in testdata/broken-action is an action.yml with mistakes and
// "# want: KIND" lines, as in TestBrokenWorkflows.
func TestBrokenActions(t *testing.T) {
	root := repoRoot(t)
	l, p := newLinter(t, root)
	files, err := filepath.Glob(filepath.Join("testdata", "broken-action", "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no broken actions in testdata/broken-action")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want := wantedKinds(t, f, src)
			got := map[string]int{}
			for _, e := range actionAsWorkflow(t, l, p, root, f) {
				t.Logf("reported: %s", e)
				got[e.Kind]++
			}
			if !maps.Equal(got, want) {
				t.Errorf("%s: errors reported by kind %v, want %v", f, got, want)
			}
		})
	}
}

// TestActionUsage lints workflows that use the action as a downstream
// repository would: actionlint reads action.yml (as ./, the repository
// root) and checks the inputs each passes against it. The README's
// example is one of them, with "uses: ocidiff/ocidiff@main" read as ./.
func TestActionUsage(t *testing.T) {
	root := repoRoot(t)
	l, p := newLinter(t, root)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := readmeExample.FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no ```yaml example that uses ocidiff/ocidiff@main")
	}
	if n := strings.Count(strings.TrimSpace(string(m[1])), "\n") + 1; n > 12 {
		t.Errorf("README.md's example workflow is %d lines long; it is meant to be about ten", n)
	}
	examples := map[string][]byte{"README.md": []byte(strings.ReplaceAll(string(m[1]), "ocidiff/ocidiff@main", "./"))}
	files, err := filepath.Glob(filepath.Join("testdata", "action-usage", "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if examples[filepath.Base(f)], err = os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
	}
	for name, src := range examples {
		t.Run(name, func(t *testing.T) {
			errs, err := l.Lint(filepath.Join(root, ".github", "workflows", "usage-"+name+".yml"), src, p)
			if err != nil {
				t.Fatalf("actionlint %s: %v", name, err)
			}
			for _, e := range errs {
				t.Errorf("%s: %s", name, e)
			}
		})
	}
}

// readmeExample is the README's example workflow: the first yaml code
// block that uses the action.
var readmeExample = regexp.MustCompile("(?s)```yaml\n((?:[^`]|`[^`])*?uses: ocidiff/ocidiff@main.*?)```")
