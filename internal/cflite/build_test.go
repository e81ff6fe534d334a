package cflite_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/internal/modroot"
	"github.com/ocidiff/ocidiff/registry"
)

// The fuzz targets build.sh builds: function, the file of the root
// package that defines it, file in $OUT.
var targets = []struct{ function, source, file string }{
	{"FuzzDifferential", "fuzz_test.go", "fuzz_differential"},
	{"FuzzRawJSON", "fuzz_test.go", "fuzz_raw_json"},
	{"FuzzGoWriter", "fuzz_writer_test.go", "fuzz_go_writer"},
}

// TestBuildScript runs build.sh once and checks $OUT: what it holds, that
// every fuzz target runs from there alone, and that each thing $OUT holds
// for the targets is really what they use (without it, they fail).
func TestBuildScript(t *testing.T) {
	root := repoRoot(t)
	// Say plainly what is missing rather than let build.sh fail on it.
	for _, tg := range targets {
		src, err := os.ReadFile(filepath.Join(root, tg.source))
		if err != nil {
			t.Fatalf("the fuzz targets build.sh builds are missing: %v", err)
		}
		if !strings.Contains(string(src), "func "+tg.function+"(") {
			t.Fatalf("%s defines no %s: build.sh would build no fuzz target from it", filepath.Join(root, tg.source), tg.function)
		}
	}
	out := build(t, root)

	names := []string{"ocidiff-rust-adapter"}
	for _, tg := range targets {
		names = append(names, tg.file)
	}
	for _, name := range names {
		fi, err := os.Stat(filepath.Join(out, name))
		if err != nil {
			t.Fatalf("build.sh left no %s in $OUT: %v", name, err)
		}
		if fi.Mode().Perm()&0o111 == 0 {
			t.Errorf("$OUT/%s is not executable", name)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "runtime-spec", "schema", "config-schema.json")); err != nil {
		t.Errorf("build.sh left no runtime-spec module in $OUT: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "ocidiff-judges-probe")); err == nil {
		t.Errorf("build.sh left its probe binary in $OUT, where it would be taken for a fuzz target")
	}

	// The judges: the defaults less the C judge, whose adapter is not built
	// for ClusterFuzzLite.
	b, err := os.ReadFile(filepath.Join(out, "ocidiff-judges"))
	if err != nil {
		t.Fatalf("build.sh wrote no judge list: %v", err)
	}
	defaults, err := registry.Names("default")
	if err != nil {
		t.Fatal(err)
	}
	want := slices.DeleteFunc(defaults, func(n string) bool { return strings.HasPrefix(n, "c/") })
	if got := strings.Split(strings.TrimSpace(string(b)), ","); !slices.Equal(got, want) {
		t.Errorf("$OUT/ocidiff-judges = %q, want %q", got, want)
	}

	for _, tg := range targets {
		t.Run(tg.function, func(t *testing.T) {
			msg, err := fuzz(t, out, tg.function, tg.file)
			if err != nil && len(newCauses(msg)) > 0 {
				// The target ran and did its job: a mutation showed a
				// split the corpus lacks (TestBuildScript/splits tests
				// that this is reported, and only then).
				t.Logf("$OUT/%s found a new split while fuzzing; record it with `ocidiff corpus add`:\n%s", tg.file, msg)
				return
			}
			if err != nil {
				t.Fatalf("$OUT/%s: %v\n%s", tg.file, err, msg)
			}
			t.Logf("$OUT/%s:\n%s", tg.file, msg)
		})
	}

	// Each of these files in $OUT is what makes the targets run there: in a
	// copy of $OUT without it, the target must fail and say what it missed.
	// This is also what shows that the runs above used $OUT's adapter,
	// module and judge list, not something else found on this machine.
	for _, tc := range []struct {
		remove, want string
	}{
		{"ocidiff-rust-adapter", "ocidiff-rust-adapter"},
		{"runtime-spec", "runtime-spec"},
		// Without the list the defaults run, the C judge among them.
		{"ocidiff-judges", "ocidiff-c-adapter"},
	} {
		t.Run("without-"+tc.remove, func(t *testing.T) {
			dir := copyDir(t, out)
			if err := os.RemoveAll(filepath.Join(dir, tc.remove)); err != nil {
				t.Fatal(err)
			}
			tg := targets[0]
			msg, err := fuzz(t, dir, tg.function, tg.file)
			t.Logf("%s without %s: %v\n%s", tg.file, tc.remove, err, msg)
			if err == nil {
				t.Fatalf("%s ran without %s in its directory:\n%s", tg.file, tc.remove, msg)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("%s failed without %s (%v) but its output does not name %q:\n%s", tg.file, tc.remove, err, tc.want, msg)
			}
		})
	}

	t.Run("splits", func(t *testing.T) { testSplits(t, root, out) })
}

// build runs build.sh in a stand-in of the OSS-Fuzz builder and returns
// $OUT. $SRC/ocidiff is the repository (a symbolic link), the working
// directory is $SRC/ocidiff as in the Dockerfile, and
// compile_native_go_fuzzer_v2 is testdata/bin's stand-in. The Rust adapter
// is built by cargo as build.sh says, into rust-adapter/target, where
// `make build` leaves it: cargo rebuilds only what is out of date.
func build(t *testing.T, root string) string {
	t.Helper()
	src, out, work, bin := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	if err := os.Symlink(root, filepath.Join(src, "ocidiff")); err != nil {
		t.Fatal(err)
	}
	// A copy, so that the stand-in is executable whatever mode the
	// checkout gave the file.
	stub, err := os.ReadFile(filepath.Join("testdata", "bin", "compile_native_go_fuzzer_v2"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "compile_native_go_fuzzer_v2"), stub, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-eux", filepath.Join(root, ".clusterfuzzlite", "build.sh"))
	cmd.Dir = filepath.Join(src, "ocidiff")
	cmd.Env = append(withoutOCIDiffEnv(),
		"SRC="+src, "OUT="+out, "WORK="+work,
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"SANITIZER=address", "FUZZING_ENGINE=libfuzzer", "FUZZING_LANGUAGE=go",
	)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, msg)
	}
	return out
}

// fuzz runs the fuzz target in dir as a fuzzing runner would: from another
// working directory (outside any checkout), without OCIDIFF_* variables,
// and with an empty Go module cache, so that nothing outside dir can stand
// in for what build.sh put there. It runs 25 inputs: the seeds (15 today),
// then mutations of them.
func fuzz(t *testing.T, dir, function, file string) (string, error) {
	t.Helper()
	cmd := exec.Command(filepath.Join(dir, file),
		"-test.run=^$", "-test.fuzz=^"+function+"$", "-test.fuzztime=25x",
		"-test.parallel=2", "-test.fuzzcachedir="+t.TempDir())
	cmd.Dir = t.TempDir()
	cmd.Env = runnerEnv(t)
	msg, err := cmd.CombinedOutput()
	return string(msg), err
}

// runnerEnv is the environment of a fuzzing runner: no OCIDIFF_*
// variable and an empty Go module cache. TMPDIR is the test's, where
// a target built for ClusterFuzzLite keeps the cases it verifies.
//
// Go telemetry is off in the empty home. A target that misses its
// runtime-spec module asks `go env GOMODCACHE`, and a go command whose
// telemetry is on starts a daemonized child that outlives it and writes
// under $HOME/.config/go/telemetry; t.TempDir's cleanup then raced that
// child and failed the test ("directory not empty") on CI.
func runnerEnv(t *testing.T) []string {
	empty := t.TempDir()
	mode := filepath.Join(empty, ".config", "go", "telemetry", "mode")
	if err := os.MkdirAll(filepath.Dir(mode), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mode, []byte("off"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Later entries win: these replace the variables of this process.
	return append(withoutOCIDiffEnv(), "GOMODCACHE="+empty, "GOPATH="+empty, "HOME="+empty,
		"XDG_CONFIG_HOME="+filepath.Join(empty, ".config"), "TMPDIR="+t.TempDir())
}

// withoutOCIDiffEnv is the environment less every OCIDIFF_* variable: the
// adapters' paths, the runtime-spec directory, the judge selection.
func withoutOCIDiffEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "OCIDIFF_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// copyDir copies the regular files and directories of dir into a new
// temporary directory, keeping file modes.
func copyDir(t *testing.T, dir string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestShellcheck checks the shell scripts of the build with shellcheck.
func TestShellcheck(t *testing.T) {
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck is not installed (Debian package shellcheck)")
	}
	root := repoRoot(t)
	for _, f := range []string{
		filepath.Join(root, ".clusterfuzzlite", "build.sh"),
		filepath.Join("testdata", "bin", "compile_native_go_fuzzer_v2"),
	} {
		if msg, err := exec.Command(sc, f).CombinedOutput(); err != nil {
			t.Errorf("shellcheck %s: %v\n%s", f, err, msg)
		}
	}
}

// repoRoot is the repository root, where the files under test live.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := modroot.FromWorkingDir()
	if err != nil {
		t.Fatal(err)
	}
	return root
}
