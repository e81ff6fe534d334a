package corpus

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/parsers"
)

func sampleCase(sig string) Case {
	return Case{
		Signature: sig,
		Found:     time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC),
		Input:     []byte(`{"windows":{"layerFolders":null}}`),
		Original:  []byte("{\"windows\": {\"layerFolders\": null}, \"x\": \"\xff\"}"),
		Result: harness.Result{
			Verdicts: []parsers.Verdict{
				{Judge: "go/specs-go", Version: "github.com/opencontainers/runtime-spec v1.3.0", Outcome: parsers.Accept, Model: []byte(`{"ociVersion":""}`)},
				{Judge: "schema", Version: "v1.3.0", Outcome: parsers.Reject, Error: "windows.layerFolders: expected array", Class: "expected array"},
			},
			Signature: sig,
		},
		Versions: map[string]string{"go/specs-go": "v1.3.0", "schema": "v1.3.0"},
	}
}

func TestAddAndRead(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	want := sampleCase("schema rejects null layerFolders")
	if s.Has(want.Signature) {
		t.Fatal("Has before Add")
	}
	path, added, err := s.Add(want)
	if err != nil || !added {
		t.Fatalf("Add = %q, %v, %v", path, added, err)
	}
	if filepath.Dir(path) != s.Dir() || filepath.Base(path) != harness.Slug(want.Signature) {
		t.Errorf("Add put the case at %s", path)
	}
	if !s.Has(want.Signature) {
		t.Error("Has after Add = false")
	}
	// Inputs are stored byte for byte, readable as files.
	if b, _ := os.ReadFile(filepath.Join(path, "original.json")); !bytes.Equal(b, want.Original) {
		t.Errorf("original.json = %q", b)
	}
	if path2, added, err := s.Add(sampleCase(want.Signature)); err != nil || added || path2 != path {
		t.Errorf("second Add = %q, %v, %v; want %q, false, nil", path2, added, err, path)
	}
	got, err := s.Cases()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !reflect.DeepEqual(compactModels(got[0]), compactModels(want)) {
		t.Errorf("Cases() = %+v\nwant %+v", got, want)
	}
}

// compactModels is a case as the store keeps it: without the judges'
// models, which a case does not keep (compact).
func compactModels(c Case) Case {
	c.Result.Verdicts = slices.Clone(c.Result.Verdicts)
	for i := range c.Result.Verdicts {
		c.Result.Verdicts[i].Model = nil
	}
	return c
}

// TestCaseIsCompact: case.json holds no model and each version once, in
// versions, and reading the case gives every verdict its version back.
func TestCaseIsCompact(t *testing.T) {
	s, _ := Open(t.TempDir())
	c := sampleCase("compact")
	c.Versions["go/specs-go"] = c.Result.Verdicts[0].Version
	path, _, err := s.Add(c)
	if err != nil {
		t.Fatal(err)
	}
	meta, _ := os.ReadFile(filepath.Join(path, "case.json"))
	if bytes.Contains(meta, []byte(`"model"`)) || bytes.Count(meta, []byte("runtime-spec v1.3.0")) != 1 {
		t.Errorf("case.json holds a model or a version twice:\n%s", meta)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got.Result.Verdicts {
		if v.Version != c.Result.Verdicts[i].Version {
			t.Errorf("verdict %s read back with version %q, want %q", v.Judge, v.Version, c.Result.Verdicts[i].Version)
		}
	}
}

func TestAddRejectsEmptySignature(t *testing.T) {
	s, _ := Open(t.TempDir())
	if _, _, err := s.Add(Case{}); err == nil {
		t.Error("Add with empty signature: no error")
	}
}

func TestSlugsStayInside(t *testing.T) {
	s, _ := Open(t.TempDir())
	for _, sig := range []string{"../../etc/passwd", "/abs", "a\x00b", "ünïcödé", strings.Repeat("x/", 500), ".", "..", ".tmp-x", "CON"} {
		path, added, err := s.Add(sampleCase(sig))
		if err != nil || !added {
			t.Errorf("Add(%q) = %v, %v", sig, added, err)
			continue
		}
		if filepath.Dir(path) != s.Dir() || strings.HasPrefix(filepath.Base(path), ".") {
			t.Errorf("Add(%q) wrote %s", sig, path)
		}
	}
	cases, err := s.Cases()
	if err != nil || len(cases) != 9 {
		t.Errorf("Cases() = %d cases, %v; want 9", len(cases), err)
	}
}

func TestDamagedCasesReported(t *testing.T) {
	tests := []struct {
		name   string
		damage func(dir string)
		want   string
	}{
		{"missing input", func(d string) { os.Remove(filepath.Join(d, "input.json")) }, "input.json"},
		{"truncated original", func(d string) { os.WriteFile(filepath.Join(d, "original.json"), []byte("{"), 0o644) }, "sha256"},
		{"no case.json", func(d string) { os.Remove(filepath.Join(d, "case.json")) }, "case.json"},
		{"case.json cut short", func(d string) {
			b, _ := os.ReadFile(filepath.Join(d, "case.json"))
			os.WriteFile(filepath.Join(d, "case.json"), b[:len(b)/2], 0o644)
		}, "case.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := Open(t.TempDir())
			s.Add(sampleCase("good one"))
			path, _, _ := s.Add(sampleCase("bad one"))
			tt.damage(path)
			cases, err := s.Cases()
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Cases() error = %v; want one naming %s and %s", err, path, tt.want)
			}
			if len(cases) != 1 || cases[0].Signature != "good one" {
				t.Errorf("Cases() = %d cases; want the whole one", len(cases))
			}
		})
	}
}

func TestMisplacedCaseReported(t *testing.T) {
	s, _ := Open(t.TempDir())
	path, _, _ := s.Add(sampleCase("one"))
	moved := filepath.Join(s.Dir(), "elsewhere")
	os.Rename(path, moved)
	if _, err := s.Cases(); err == nil || !strings.Contains(err.Error(), moved) {
		t.Errorf("Cases() error = %v; want one naming %s", err, moved)
	}
}

func TestTempDirs(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	s.Add(sampleCase("whole"))
	// A writer killed half way: a temp dir with some of the files.
	stale := filepath.Join(dir, ".tmp-111")
	fresh := filepath.Join(dir, ".tmp-222")
	for _, d := range []string{stale, fresh} {
		os.Mkdir(d, 0o755)
		os.WriteFile(filepath.Join(d, "input.json"), []byte("{"), 0o644)
		os.WriteFile(filepath.Join(d, "case.json"), []byte(`{"signature":`), 0o644)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("not a case"), 0o644)

	cases, err := s.Cases()
	if err != nil || len(cases) != 1 {
		t.Fatalf("Cases() = %d, %v; want the one whole case", len(cases), err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("Open left a stale temp dir")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("Open removed a temp dir a live writer may be filling")
	}
}

func TestConcurrentGoroutines(t *testing.T) {
	s, _ := Open(t.TempDir())
	var wg sync.WaitGroup
	var mu sync.Mutex
	added := 0
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := sampleCase("same signature")
			c.Input = fmt.Appendf(nil, `{"worker":%d}`, i)
			_, ok, err := s.Add(c)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				added++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	checkOneWhole(t, s, added)
}

func checkOneWhole(t *testing.T, s *Store, added int) {
	t.Helper()
	if added != 1 {
		t.Errorf("%d writers report added, want exactly 1", added)
	}
	cases, err := s.Cases()
	if err != nil || len(cases) != 1 {
		t.Fatalf("Cases() = %d cases, %v; want 1", len(cases), err)
	}
	entries, _ := os.ReadDir(s.Dir())
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temp dir %s left behind", e.Name())
		}
	}
}

// The helper process: when OCIDIFF_CORPUS_HELPER is set, the test binary
// runs as a corpus writer instead of as tests.
func TestMain(m *testing.M) {
	if dir := os.Getenv("OCIDIFF_CORPUS_HELPER"); dir != "" {
		helper(dir, os.Getenv("OCIDIFF_CORPUS_MODE"))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// helper waits for the start file, then in mode "same" adds one case with
// a shared signature and prints "added" or "exists"; in mode "many" it
// adds distinct cases forever, printing each signature once added, until
// it is killed.
func helper(dir, mode string) {
	for {
		if _, err := os.Stat(filepath.Join(dir, ".start")); err == nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	s, err := Open(dir)
	if err != nil {
		fmt.Println("error", err)
		return
	}
	if mode == "same" {
		c := sampleCase("shared signature")
		c.Input = fmt.Appendf(nil, `{"pid":%d}`, os.Getpid())
		_, added, err := s.Add(c)
		switch {
		case err != nil:
			fmt.Println("error", err)
		case added:
			fmt.Println("added")
		default:
			fmt.Println("exists")
		}
		return
	}
	big := bytes.Repeat([]byte("x"), 1<<16)
	for i := 0; ; i++ {
		c := sampleCase(fmt.Sprintf("pid %d case %d", os.Getpid(), i))
		c.Original = big
		if _, _, err := s.Add(c); err != nil {
			fmt.Println("error", err)
			return
		}
		fmt.Println("added", i)
	}
}

func startHelpers(t *testing.T, dir, mode string, n int) []*exec.Cmd {
	t.Helper()
	var cmds []*exec.Cmd
	for range n {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "OCIDIFF_CORPUS_HELPER="+dir, "OCIDIFF_CORPUS_MODE="+mode)
		cmd.Stderr = os.Stderr
		cmds = append(cmds, cmd)
	}
	return cmds
}

func TestConcurrentProcesses(t *testing.T) {
	dir := t.TempDir()
	cmds := startHelpers(t, dir, "same", 6)
	outs := make([]*bytes.Buffer, len(cmds))
	for i, c := range cmds {
		outs[i] = new(bytes.Buffer)
		c.Stdout = outs[i]
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, ".start"), nil, 0o644)
	added := 0
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("helper %d: %v", i, err)
		}
		switch out := strings.TrimSpace(outs[i].String()); out {
		case "added":
			added++
		case "exists":
		default:
			t.Errorf("helper %d said %q", i, out)
		}
	}
	s, _ := Open(dir)
	checkOneWhole(t, s, added)
}

// TestKilledWriters kills writer processes with SIGKILL while they add
// cases, and checks that every case in the corpus is whole.
func TestKilledWriters(t *testing.T) {
	dir := t.TempDir()
	cmds := startHelpers(t, dir, "many", 3)
	var wg sync.WaitGroup
	for i, c := range cmds {
		out, err := c.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(out)
			for n := 0; sc.Scan(); {
				if !strings.HasPrefix(sc.Text(), "added ") {
					t.Errorf("helper %d: %s", i, sc.Text())
					return
				}
				if n++; n == 25+7*i { // stop each at a different point
					c.Process.Kill()
				}
			}
		}()
	}
	os.WriteFile(filepath.Join(dir, ".start"), nil, 0o644)
	wg.Wait()
	for _, c := range cmds {
		c.Wait()
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := s.Cases()
	if err != nil {
		t.Fatalf("Cases() after killed writers: %v", err)
	}
	if len(cases) < 25+32+39 {
		t.Errorf("only %d cases, want at least %d", len(cases), 25+32+39)
	}
	for _, c := range cases {
		if len(c.Original) != 1<<16 {
			t.Errorf("case %q: original has %d bytes", c.Signature, len(c.Original))
		}
	}
	t.Logf("%d whole cases; entries in dir: %d", len(cases), countEntries(dir))
}

func countEntries(dir string) int {
	e, _ := os.ReadDir(dir)
	return len(e)
}

func BenchmarkHas(b *testing.B) {
	s, _ := Open(b.TempDir())
	s.Add(sampleCase("x"))
	for i := 0; b.Loop(); i++ {
		s.Has("sig " + strconv.Itoa(i%2))
	}
}

func TestReplaceAndRemove(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := Case{Signature: "sig", Input: []byte("{}"), Original: []byte("{} ")}
	if _, _, err := s.Add(c); err != nil {
		t.Fatal(err)
	}
	c.Input = []byte("[]")
	if _, err := s.Replace(c); err != nil {
		t.Fatal(err)
	}
	cases, err := s.Cases()
	if err != nil || len(cases) != 1 || string(cases[0].Input) != "[]" {
		t.Fatalf("after Replace: %d cases, err %v, input %q", len(cases), err, cases[0].Input)
	}
	if err := s.Remove("sig"); err != nil {
		t.Fatal(err)
	}
	if s.Has("sig") {
		t.Fatal("Has after Remove")
	}
	if err := s.Remove("sig"); err != nil {
		t.Fatalf("Remove of an absent case: %v", err)
	}
	entries, _ := os.ReadDir(s.Dir())
	if len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}
