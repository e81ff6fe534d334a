package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocidiff/ocidiff/harness/corpus"
)

const progressLine = "fuzz: elapsed: 3s, execs: 5100 (1700/sec), new interesting: 2 (total: 40)\n"

// feed writes out to a pipe and reports on done when all of it was taken:
// a reader that stops early leaves the writer blocked, as go test -fuzz
// would be on a full pipe.
func feed(out string) (io.Reader, <-chan struct{}) {
	r, w := io.Pipe()
	done := make(chan struct{})
	go func() {
		w.Write([]byte(out))
		w.Close()
		close(done)
	}()
	return r, done
}

func drained(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("watchFuzz returned before go test's output ended: the child would block on a full pipe")
	}
}

// TestWatchFuzzLongLine: a line over 1 MiB (a fuzzer printing a large
// input) neither stops the reading nor hides what follows it.
func TestWatchFuzzLongLine(t *testing.T) {
	store, err := corpus.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 3<<20)
	r, done := feed(progressLine + long + "\n" + "--- new disagreement recorded in corpus/abc\n" + progressLine + "FAIL\nlast line without newline")
	var stdout bytes.Buffer
	sawNew, tail, err := watchFuzz(r, "FuzzRawJSON", store, 7, &stdout)
	drained(t, done)
	if err != nil {
		t.Fatalf("watchFuzz: %v", err)
	}
	if !sawNew {
		t.Error("the new disagreement after the long line was not seen")
	}
	if n := strings.Count(stdout.String(), "cases 7 known, 0 new"); n != 2 {
		t.Errorf("%d progress lines shown, want 2:\n%s", n, stdout.String())
	}
	if len(tail) != 4 || tail[3] != "last line without newline" || tail[2] != "FAIL" {
		t.Fatalf("tail %d lines, ending %q", len(tail), tail[max(0, len(tail)-2):])
	}
	if len(tail[0]) != 4<<10 || strings.Trim(tail[0], "x") != "" {
		t.Errorf("the long line is kept as %d bytes, want its first 4 KiB", len(tail[0]))
	}
}

// TestWatchFuzzCorpusError: a corpus that cannot be read while the
// fuzzer runs is an error of the run, named, not a count of zero; and the
// output is still read to its end.
func TestWatchFuzzCorpusError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	store, err := corpus.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	r, done := feed(progressLine + strings.Repeat("y", 2<<20) + "\n" + progressLine)
	var stdout bytes.Buffer
	_, _, err = watchFuzz(r, "FuzzRawJSON", store, 0, &stdout)
	drained(t, done)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("watchFuzz error = %v, want one naming %s", err, dir)
	}
}
