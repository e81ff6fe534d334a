package workflows_test

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/internal/modroot"
	"github.com/rhysd/actionlint"
)

// repoRoot is the repository root, where the files under test live.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := modroot.FromWorkingDir()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// newLinter returns an actionlint linter for the repository at root. The
// project is given explicitly (actionlint would look for a .git directory)
// so that local actions (uses: ./.github/actions/...) are read and checked
// against their action.yml. External checkers run only when installed.
func newLinter(t *testing.T, root string) (*actionlint.Linter, *actionlint.Project) {
	t.Helper()
	opts := &actionlint.LinterOptions{WorkingDir: root}
	for _, tool := range []struct {
		name string
		set  *string
	}{{"shellcheck", &opts.Shellcheck}, {"pyflakes", &opts.Pyflakes}} {
		if p, err := exec.LookPath(tool.name); err == nil {
			*tool.set = p
		} else if tool.name == "shellcheck" && os.Getenv("CI") == "true" {
			// make deps installs it, and the README says the scripts
			// pass it: in CI its absence is a broken install, not a skip.
			t.Fatalf("shellcheck is not on PATH under CI=true: run make deps")
		} else {
			t.Logf("%s is not on PATH: run: scripts are not checked by it", tool.name)
		}
	}
	l, err := actionlint.NewLinter(io.Discard, opts)
	if err != nil {
		t.Fatal(err)
	}
	p, err := actionlint.NewProject(root)
	if err != nil {
		t.Fatal(err)
	}
	return l, p
}

// TestWorkflows lints every workflow of the repository; each error is a
// test failure naming the file, line and column.
func TestWorkflows(t *testing.T) {
	root := repoRoot(t)
	l, p := newLinter(t, root)
	var files []string
	for _, pat := range []string{"*.yml", "*.yaml"} {
		m, err := filepath.Glob(filepath.Join(root, ".github", "workflows", pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no workflow in %s", filepath.Join(root, ".github", "workflows"))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			errs, err := l.LintFile(f, p)
			if err != nil {
				t.Fatalf("actionlint %s: %v", f, err)
			}
			for _, e := range errs {
				t.Errorf("%s", e)
			}
		})
	}
}

// TestBrokenWorkflows shows that the check above can fail: each file in
// testdata/broken is a workflow with mistakes, and it has one "# want: KIND"
// comment per mistake, naming the actionlint rule kind that must report it.
// Exactly the wanted errors must be reported, no fewer and no more.
func TestBrokenWorkflows(t *testing.T) {
	root := repoRoot(t)
	l, p := newLinter(t, root)
	files, err := filepath.Glob(filepath.Join("testdata", "broken", "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no broken workflows in testdata/broken")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want := wantedKinds(t, f, src)
			// The text is linted as if it were a workflow of this repository,
			// so that it sees the same local actions as the real ones.
			path := filepath.Join(root, ".github", "workflows", "broken-"+filepath.Base(f))
			errs, err := l.Lint(path, src, p)
			if err != nil {
				t.Fatalf("actionlint %s: %v", f, err)
			}
			got := map[string]int{}
			for _, e := range errs {
				t.Logf("reported: %s", e)
				got[e.Kind]++
			}
			for k, n := range want {
				if got[k] != n {
					t.Errorf("%s: %d error(s) of kind %q reported, want %d", f, got[k], k, n)
				}
			}
			for k, n := range got {
				if want[k] == 0 {
					t.Errorf("%s: %d unexpected error(s) of kind %q", f, n, k)
				}
			}
		})
	}
}

// wantedKinds counts the "# want: KIND" lines of a broken workflow by kind.
func wantedKinds(t *testing.T, name string, src []byte) map[string]int {
	t.Helper()
	want := map[string]int{}
	s := bufio.NewScanner(strings.NewReader(string(src)))
	for s.Scan() {
		if k, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "# want:"); ok {
			want[strings.TrimSpace(k)]++
		}
	}
	if len(want) == 0 {
		t.Fatalf("%s has no \"# want: KIND\" line", name)
	}
	return want
}
