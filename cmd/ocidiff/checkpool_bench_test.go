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
	"sync"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ocidiff/ocidiff/examples"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/registry"
)

// BenchmarkCheckFiles is `ocidiff check -json` over 5,000 copies of the
// founding config, judges' start-up included, against a bare specs-go
// parse of the same files (read and json.Unmarshal into specs.Spec). Each
// reports files per second. judges-only is the ceiling of check on the
// same files: the default judges' verdicts alone, given as check's
// workers have them given.
//
// On a shared 2-core machine whose speed drifts from minute to minute
// only ratios are worth quoting, so judges-only and check-json run a bare
// parse of the files before each of their own passes, timed apart, and
// report x-bare: their time over the bare parse's, from passes seconds
// apart.
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
	bare := func(b *testing.B) {
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
	b.Run("specs-go-parse", func(b *testing.B) {
		for b.Loop() {
			bare(b)
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "files/s")
	})
	// paired runs pass after a bare parse and reports both metrics.
	paired := func(b *testing.B, pass func()) {
		var bareTime, own time.Duration
		for b.Loop() {
			t0 := time.Now()
			bare(b)
			t1 := time.Now()
			pass()
			bareTime += t1.Sub(t0)
			own += time.Since(t1)
		}
		b.ReportMetric(float64(n*b.N)/own.Seconds(), "files/s")
		b.ReportMetric(own.Seconds()/bareTime.Seconds(), "x-bare")
	}
	// The ceiling: what check would run at if comparing verdicts,
	// placing causes and writing results cost nothing.
	b.Run(fmt.Sprintf("judges-only/parallel-%d", runtime.GOMAXPROCS(0)), func(b *testing.B) {
		paired(b, func() { judgesOnly(b, files, runtime.GOMAXPROCS(0)) })
	})
	for _, parallel := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("check-json/parallel-%d", parallel), func(b *testing.B) {
			args := append([]string{"-json", "-parallel", fmt.Sprint(parallel)}, files...)
			paired(b, func() {
				var errOut strings.Builder
				if st := runCheck(args, nil, io.Discard, &errOut); st != exitDisagree {
					b.Fatalf("status %d: %s", st, errOut.String())
				}
			})
		})
	}
}

// judgesOnly has the default judges give their verdicts on every file as
// check's workers do (parallel workers, each with its own judges started
// afresh, its children kept ahead inputs ahead, the input decoded once
// for the validators) and does nothing with them. Each worker reads its
// own files, which is, if anything, cheaper than check's one reader.
func judgesOnly(b *testing.B, files []string, parallel int) {
	names, err := registry.Names("default")
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range parallel {
		js, err := registry.Open(names)
		if err != nil {
			b.Fatal(err)
		}
		wg.Go(func() {
			defer parsers.Close(js)
			var queue []func() ([]parsers.Verdict, *parsers.Decoded)
			for i := w; i < len(files); i += parallel {
				data, err := os.ReadFile(files[i])
				if err != nil {
					b.Error(err)
					return
				}
				queue = append(queue, parsers.Start(js, data))
				if len(queue) > ahead {
					queue[0]()
					queue = queue[1:]
				}
			}
			for _, finish := range queue {
				finish()
			}
		})
	}
	wg.Wait()
}
