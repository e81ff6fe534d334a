package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ocidiff/ocidiff/examples"
)

// BenchmarkCheckFiles is `ocidiff check -json` over 5,000 copies of the
// founding config, judges' start-up included, against a bare specs-go
// parse of the same files (read and json.Unmarshal into specs.Spec) in
// the same run: on a shared 2-core machine only the ratio of the two is
// worth quoting. Each reports checks per second.
func BenchmarkCheckFiles(b *testing.B) {
	const n = 5000
	dir := b.TempDir()
	files := make([]string, n)
	for i := range files {
		files[i] = filepath.Join(dir, fmt.Sprintf("config-%04d.json", i))
		if err := os.WriteFile(files[i], []byte(examples.Founding), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	// As the command runs, both: main tunes the collector before run.
	cur := debug.SetGCPercent(-1)
	debug.SetGCPercent(cur)
	defer debug.SetGCPercent(cur)
	tuneGC()
	perSecond := func(b *testing.B) {
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "files/s")
	}
	b.Run("specs-go-parse", func(b *testing.B) {
		for b.Loop() {
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					b.Fatal(err)
				}
				var s specs.Spec
				if err := json.Unmarshal(data, &s); err != nil {
					b.Fatal(err)
				}
			}
		}
		perSecond(b)
	})
	for _, parallel := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("check-json/parallel-%d", parallel), func(b *testing.B) {
			args := append([]string{"-json", "-parallel", fmt.Sprint(parallel)}, files...)
			for b.Loop() {
				var errOut strings.Builder
				if st := runCheck(args, nil, io.Discard, &errOut); st != exitDisagree {
					b.Fatalf("status %d: %s", st, errOut.String())
				}
			}
			perSecond(b)
		})
	}
}
