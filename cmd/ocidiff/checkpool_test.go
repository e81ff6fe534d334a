package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/parsers"
)

// checkFiles lists inputs of every kind check meets: agreeing and
// disagreeing configs, corpus case directories, a file that does not
// exist and one that is not JSON.
func checkFiles(t *testing.T) []string {
	t.Helper()
	examples, err := filepath.Glob("../../examples/*.json")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := filepath.Glob("../../corpus/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(examples) < 4 || len(cases) < 40 {
		t.Fatalf("%d examples, %d corpus cases", len(examples), len(cases))
	}
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.json")
	if err := os.WriteFile(garbage, []byte("\x00{"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := append(examples, cases[:40]...)
	files = append(files, filepath.Join(dir, "missing.json"), garbage)
	return append(files, files...) // the same input on two engines at once
}

// TestCheckParallelSameOutput: checking files on several engines at once
// prints what checking them one after the other prints, in the same order,
// with the same errors and exit status.
func TestCheckParallelSameOutput(t *testing.T) {
	files := checkFiles(t)
	for _, format := range []string{"-json", "-brief", "-matrix"} {
		run := func(parallel int) (string, string, int) {
			args := []string{"-parallel", fmt.Sprint(parallel)}
			if format != "-matrix" {
				args = append(args, format)
			}
			var out, errOut bytes.Buffer
			st := runCheck(append(args, files...), strings.NewReader(""), &out, &errOut)
			return out.String(), errOut.String(), st
		}
		wantOut, wantErr, wantSt := run(1)
		if wantSt != exitUsage || !strings.Contains(wantErr, "missing.json") || strings.Count(wantOut, "containerd-windows-hostprocess.json") != 2 {
			t.Fatalf("%s -parallel 1: status %d, stderr %q, stdout %.300q", format, wantSt, wantErr, wantOut)
		}
		gotOut, gotErr, gotSt := run(3)
		if gotOut != wantOut || gotErr != wantErr || gotSt != wantSt {
			t.Errorf("%s -parallel 3 printed otherwise than -parallel 1: status %d (want %d), stderr %q (want %q), stdout differs: %v",
				format, gotSt, wantSt, gotErr, wantErr, gotOut != wantOut)
		}
	}
}

// failingWriter fails every write after the first n.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		return 0, errors.New("disk full")
	}
	w.n--
	return len(p), nil
}

// TestCheckParallelStopsOnWriteError: when the output fails, check stops
// (the engines still working are waited for) and says so.
func TestCheckParallelStopsOnWriteError(t *testing.T) {
	var errOut bytes.Buffer
	st := runCheck(append([]string{"-json", "-parallel", "2"}, checkFiles(t)...), strings.NewReader(""), &failingWriter{n: 3}, &errOut)
	if st != exitUsage || strings.Count(errOut.String(), "writing output: disk full") != 1 {
		t.Errorf("status %d, stderr %q", st, errOut.String())
	}
}

// TestCheckParallelStdin: "-" is read once, in its place, as without
// -parallel: the first reads the config, the second nothing.
func TestCheckParallelStdin(t *testing.T) {
	var out, errOut bytes.Buffer
	st := runCheck([]string{"-json", "-parallel", "2", "-", "../../examples/pids-without-limit.json", "-"},
		strings.NewReader(`{"ociVersion":"1.0.2","root":{"path":"rootfs"}}`), &out, &errOut)
	var got []string
	dec := json.NewDecoder(&out)
	for {
		var r checkReport
		if err := dec.Decode(&r); err != nil {
			break
		}
		outcomes := map[parsers.Outcome]bool{}
		for _, v := range r.Verdicts {
			outcomes[v.Outcome] = true
		}
		got = append(got, fmt.Sprintf("%s %v", r.File, slices.Sorted(maps.Keys(outcomes))))
	}
	want := []string{"- [accept]", "../../examples/pids-without-limit.json [accept reject]", "- [reject]"}
	if st != exitDisagree || !slices.Equal(got, want) {
		t.Errorf("status %d, files and outcomes %q, want %q; stderr %q", st, got, want, errOut.String())
	}
}
