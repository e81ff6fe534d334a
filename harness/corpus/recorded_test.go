package corpus

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestRecorded reads a corpus through fs.FS, as the ClusterFuzzLite build
// reads the case.json files it embedded: every whole case, without its
// inputs; no temporary or flaky directory; damage named.
func TestRecorded(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	for _, sig := range []string{"one", "two"} {
		if _, _, err := s.Add(sampleCase(sig)); err != nil {
			t.Fatal(err)
		}
	}
	// A case being written and a dot-directory (a fuzz run's flaky
	// cases, harness/fuzzrun) are not cases.
	tmp := filepath.Join(dir, ".tmp-1", "x")
	os.MkdirAll(tmp, 0o755)
	os.WriteFile(filepath.Join(tmp, "case.json"), []byte("{"), 0o644)
	f, _ := Open(filepath.Join(dir, ".flaky"))
	f.Add(sampleCase("flaky"))
	// A build that embeds case.json alone has no inputs: a case without
	// one is read all the same.
	os.Remove(filepath.Join(s.Path("two"), "input.json"))

	got, err := Recorded(os.DirFS(dir))
	if err != nil {
		t.Fatalf("Recorded: %v", err)
	}
	if len(got) != 2 || got[0].Signature != "one" || got[1].Signature != "two" {
		t.Fatalf("Recorded = %d cases %v; want one, two", len(got), got)
	}
	want := sampleCase("one")
	want.Original = nil
	if !reflect.DeepEqual(compactModels(got[0]), compactModels(want)) {
		t.Errorf("Recorded()[0] = %+v\nwant %+v", got[0], want)
	}
	if got[1].Input != nil {
		t.Errorf("case two, embedded without input.json, read with input %q", got[1].Input)
	}

	// An input that is not the one case.json names is an error.
	os.WriteFile(filepath.Join(s.Path("one"), "input.json"), []byte("{}"), 0o644)
	if _, err := Recorded(os.DirFS(dir)); err == nil || !strings.Contains(err.Error(), "input.json has 2 bytes") {
		t.Errorf("Recorded with a changed input: error %v", err)
	}
	os.WriteFile(filepath.Join(s.Path("one"), "input.json"), sampleCase("one").Input, 0o644)

	// A misplaced or unreadable case.json is named; the rest still come.
	os.Rename(s.Path("one"), filepath.Join(dir, "elsewhere"))
	got, err = Recorded(os.DirFS(dir))
	if err == nil || !strings.Contains(err.Error(), "elsewhere") {
		t.Errorf("Recorded error = %v; want one naming elsewhere", err)
	}
	if len(got) != 1 || got[0].Signature != "two" {
		t.Errorf("Recorded with a misplaced case = %v; want two", got)
	}
}
