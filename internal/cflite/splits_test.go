package cflite_test

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/fuzzrun"
	"github.com/ocidiff/ocidiff/harness/gen"
	"github.com/ocidiff/ocidiff/harness/recorder"
	"github.com/ocidiff/ocidiff/registry"
)

// Inputs of FuzzDifferential, generator bytes for gen.Structured: base 1
// with nothing applied is the founding config (fuzz_test.go's first
// seed); base 0 with nothing applied is a valid Linux config.
var (
	foundingBytes = []byte{1}
	agreeingBytes = []byte{0}
)

// foundingCase is the input of the founding case in corpus/: the founding
// config minimized to its layerFolders-null cause (README, "Recording").
const foundingCase = `{"ociVersion":"1.3.0","process":{"cwd":"/","user":{"uid":0,"gid":0},"args":["sh"]},"root":{"path":"rootfs"},"windows":{"layerFolders":null}}`

// testSplits shows that the targets built for ClusterFuzzLite fail on a
// split the corpus they were built with lacks, and only then. A new
// split needs a corpus that lacks one the judges really show, so the
// targets are built a second time, from a copy of the source tree whose
// corpus/ lacks the founding case: every case that has the founding
// case's signature under $OUT's judges (the C judge is not built there,
// and without it other cases can share that signature). The founding
// config is then a real split unknown to that build; nothing is faked in
// the targets, and the build is the one ClusterFuzzLite runs, from
// another corpus/.
//
// out is $OUT of a build of root as it is.
func testSplits(t *testing.T, root, out string) {
	b, err := os.ReadFile(filepath.Join(out, "ocidiff-judges"))
	if err != nil {
		t.Fatal(err)
	}
	judges := strings.TrimSpace(string(b))
	e, err := registry.Engine(judges)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// What the inputs are, judged here by $OUT's judges: a target that
	// stays silent on them proves something only if one splits and the
	// other agrees.
	if _, err := gen.Load(); err != nil {
		t.Fatal(err)
	}
	founding, agreeing := gen.Structured(foundingBytes), gen.Structured(agreeingBytes)
	if r := e.Check(founding); r.Agree {
		t.Fatalf("the judges %s agree on the founding config %s", judges, founding)
	}
	if r := e.Check(agreeing); !r.Agree {
		t.Fatalf("the judges %s disagree on %s: %s", judges, agreeing, r.Signature)
	}

	store, err := corpus.OpenReadOnly(filepath.Join(root, "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	cases, err := store.Cases()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(cases, func(c corpus.Case) bool { return string(c.Input) == foundingCase })
	if i < 0 {
		t.Fatalf("no case in %s has the founding case's input %s", store.Dir(), foundingCase)
	}
	known, _ := recorder.KnownUnder(e, cases[i:i+1])
	if len(known) == 0 {
		t.Fatalf("the founding case %s shows no cause to %s", store.Path(cases[i].Signature), judges)
	}
	var gone []string
	for _, c := range cases {
		k, _ := recorder.KnownUnder(e, []corpus.Case{c})
		for key := range k {
			if known[key] {
				gone = append(gone, filepath.Base(store.Path(c.Signature)))
				break
			}
		}
	}
	t.Logf("founding case: %s, causes under %s: %v; %d case(s) show one: %v", store.Path(cases[i].Signature), judges, slices.Collect(maps.Keys(known)), len(gone), gone)

	// The build of the tree as it is: the founding config's splits are
	// all in its corpus.
	for _, in := range []struct{ name, input []byte }{{[]byte("founding"), foundingBytes}, {[]byte("agreeing"), agreeingBytes}} {
		t.Run("known/"+string(in.name), func(t *testing.T) {
			msg, err := runInput(t, out, in.input)
			if err != nil {
				t.Fatalf("$OUT/fuzz_differential failed on the %s config, whose splits the corpus holds: %v\n%s", in.name, err, msg)
			}
		})
	}

	src := copyTree(t, root, gone)
	out2 := build(t, src)
	t.Run("new", func(t *testing.T) {
		msg, err := runInput(t, out2, foundingBytes)
		if err == nil {
			t.Fatalf("built without %v, fuzz_differential passed on the founding config:\n%s", gone, msg)
		}
		got := newCauses(msg)
		if len(got) == 0 || slices.ContainsFunc(got, func(k string) bool { return !known[k] }) {
			t.Errorf("built without %v, fuzz_differential reported new causes %q; want some of %q only:\n%s", gone, got, slices.Collect(maps.Keys(known)), msg)
		}
		for _, want := range []string{"minimized input", strconv.Quote(foundingCase), "ocidiff corpus add"} {
			if !strings.Contains(msg, want) {
				t.Errorf("the report lacks %q:\n%s", want, msg)
			}
		}
		for _, name := range strings.Split(judges, ",") {
			if !strings.Contains(msg, "\n"+name+" ") && !strings.Contains(msg, " "+name+" ") {
				t.Errorf("the report lacks the verdict of %s:\n%s", name, msg)
			}
		}
		t.Logf("fuzz_differential on the founding config, built without its case:\n%s", msg)
	})
	t.Run("new/agreeing", func(t *testing.T) {
		if msg, err := runInput(t, out2, agreeingBytes); err != nil {
			t.Fatalf("built without %v, fuzz_differential failed on a config every judge accepts: %v\n%s", gone, err, msg)
		}
	})
}

// runInput runs $OUT/fuzz_differential in dir on one input, as a
// ClusterFuzzLite runner runs a target on one testcase (libFuzzer's
// `fuzz_differential TESTCASE`). The stand-in's targets are Go test
// binaries, which take a testcase as a file in Go's fuzz corpus format
// under testdata/fuzz/FuzzDifferential/ of their working directory (as
// OSS-Fuzz's coverage build converts testcases), run alone, without the
// seeds, by -test.run=^FuzzDifferential$/^NAME$. The environment is
// fuzz's: nothing but dir.
func runInput(t *testing.T, dir string, input []byte) (string, error) {
	t.Helper()
	wd := t.TempDir()
	cdir := filepath.Join(wd, "testdata", "fuzz", "FuzzDifferential")
	if err := os.MkdirAll(cdir, 0o755); err != nil {
		t.Fatal(err)
	}
	tc := "go test fuzz v1\n[]byte(" + strconv.Quote(string(input)) + ")\n"
	if err := os.WriteFile(filepath.Join(cdir, "testcase"), []byte(tc), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(dir, "fuzz_differential"), "-test.run=^FuzzDifferential$/^testcase$", "-test.v")
	cmd.Dir = wd
	// An input not recorded within the target's limit is set aside and
	// passes, which would let a "stays silent" check pass without
	// judging: on a loaded machine the limit is lifted, and a deferral
	// fails the test.
	cmd.Env = append(runnerEnv(t), fuzzrun.Config{RecordLimit: 10 * time.Minute}.Env())
	msg, err := cmd.CombinedOutput()
	// A pattern that matched nothing would pass without judging.
	if !bytes.Contains(msg, []byte("FuzzDifferential/testcase")) {
		t.Fatalf("fuzz_differential did not run the testcase (%v):\n%s", err, msg)
	}
	if bytes.Contains(msg, []byte("not checked for a new split")) {
		t.Fatalf("fuzz_differential set the testcase aside unchecked:\n%s", msg)
	}
	return string(msg), err
}

// newCauses lists the keys of the causes a target reported as new, from
// the "new cause: " lines of fuzz_test.go's message, which name a case by
// its cause's instance (key @ member).
func newCauses(msg string) []string {
	var keys []string
	for line := range strings.Lines(msg) {
		if _, inst, ok := strings.Cut(line, "new cause: "); ok {
			inst = strings.TrimSpace(inst)
			if i := strings.LastIndex(inst, " @ "); i >= 0 {
				inst = inst[:i]
			}
			keys = append(keys, inst)
		}
	}
	return keys
}

// copyTree makes a source tree for build: root's files copied, its
// directories linked (cargo then finds the Rust adapter already built
// in root), and corpus/ copied less the case directories in without.
// compile_native_go_fuzzer_v2 and go:embed read the root package's own
// files, which are copies.
func copyTree(t *testing.T, root string, without []string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		src, to := filepath.Join(root, e.Name()), filepath.Join(dst, e.Name())
		switch {
		case e.Name() == ".git" || e.Name() == "bin" || e.Name() == "build":
			// Not sources: build.sh builds what it needs.
		case e.Name() == "corpus":
			if err := os.CopyFS(to, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			for _, slug := range without {
				if err := os.RemoveAll(filepath.Join(to, slug)); err != nil {
					t.Fatal(err)
				}
			}
		case e.IsDir():
			if err := os.Symlink(src, to); err != nil {
				t.Fatal(err)
			}
		case e.Type().IsRegular():
			b, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(to, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dst
}
