package fuzzrun

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestHitsAddUpAcrossWorkers(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() { defer wg.Done(); s.Hits.Count("a cause") }()
	}
	wg.Wait()
	if got := s.Hits.Count("a cause"); got != 17 {
		t.Errorf("Count = %d after 16 hits and this one, want 17", got)
	}
	s.Hits.Count("another")
	if err := s.Hits.Save("w1"); err != nil {
		t.Fatal(err)
	}
	// A second process's worker, over the same directory.
	other, _ := Open(dir)
	other.Hits.Count("another")
	other.Hits.Count("another")
	if err := other.Hits.Save("w2"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Hits.Load()
	want := []Hit{{"a cause", 17}, {"another", 3}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Load() = %v, %v; want %v", got, err, want)
	}
	if err := s.Hits.Clear(); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Hits.Load(); err != nil || len(got) != 0 {
		t.Errorf("Load() after Clear = %v, %v", got, err)
	}
}

func TestHitsLoadNamesTheBadFile(t *testing.T) {
	s, _ := Open(t.TempDir())
	if err := s.Hits.SaveWorkerData("w", "json", []byte("{")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Hits.Load(); err == nil || !strings.Contains(err.Error(), filepath.Join(s.Dir(), hitsDir)) {
		t.Errorf("Load() of a torn file: error %v, want one naming %s", err, hitsDir)
	}
}

func TestPendingKeepsEachInputOnce(t *testing.T) {
	s, _ := Open(t.TempDir())
	for _, in := range []string{"b", "a", "b"} {
		if _, err := s.AddPending([]byte(in)); err != nil {
			t.Fatal(err)
		}
	}
	// A writer killed mid-write leaves a temporary file: not an input.
	os.WriteFile(filepath.Join(s.PendingDir(), ".tmp-123"), []byte("x"), 0o644)
	paths, err := s.Pending()
	if err != nil || len(paths) != 2 {
		t.Fatalf("Pending() = %v, %v; want 2 inputs", paths, err)
	}
	for _, p := range paths {
		if b, err := os.ReadFile(p); err != nil || (string(b) != "a" && string(b) != "b") {
			t.Errorf("%s holds %q, %v", p, b, err)
		}
	}
}

func TestFlakyIsACorpusWithItsOwnHits(t *testing.T) {
	s, _ := Open(t.TempDir())
	f, err := s.Flaky()
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Flaky(); again != f {
		t.Error("Flaky() opened the flaky store twice")
	}
	f.Hits.Count("k")
	if err := f.Hits.Save("w"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Hits.Load(); len(got) != 0 {
		t.Errorf("the run's hits include the flaky ones: %v", got)
	}
	if got, _ := f.Hits.Load(); len(got) != 1 || got[0] != (Hit{"k", 1}) {
		t.Errorf("flaky hits = %v", got)
	}
	if f.Cases.Dir() != filepath.Join(s.Dir(), flakyDir) {
		t.Errorf("flaky cases in %s", f.Cases.Dir())
	}
}
