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

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ocidiff/ocidiff/examples"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/registry"
)

// BenchmarkCheckFiles is `ocidiff check -json` over 5,000 copies of the
// founding config, judges' start-up included, against a bare specs-go
// parse of the same files (read and json.Unmarshal into specs.Spec) in
// the same run: on a shared 2-core machine only the ratio of the two is
// worth quoting. Each reports checks per second. judges-only is the
// ceiling of check on the same files: the default judges' verdicts alone,
// given as check's workers have them given.
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
	// The ceiling: what check would run at if comparing verdicts,
	// placing causes and writing results cost nothing.
	b.Run(fmt.Sprintf("judges-only/parallel-%d", runtime.GOMAXPROCS(0)), func(b *testing.B) {
		for b.Loop() {
			judgesOnly(b, files, runtime.GOMAXPROCS(0))
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
