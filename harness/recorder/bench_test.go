package recorder

import (
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/gen"
	"github.com/ocidiff/ocidiff/internal/modroot"
	"github.com/ocidiff/ocidiff/registry"
)

// BenchmarkFuzzLoop measures the body of the fuzzing loop as the fuzz
// targets run it: generate an input from random bytes, check it with
// every default judge, and minimize and record what is new. It runs from
// an empty corpus, where most time goes to recording new signatures, and
// on a copy of the committed corpus, the steady state of a long run, where
// nearly every signature is known. It reports differential executions per
// second and where the time went: in the judges, in comparing their
// verdicts, in writing cases, in generating inputs, and the rest (the
// minimizer's own work).
func BenchmarkFuzzLoop(b *testing.B) {
	root, err := modroot.FromWorkingDir()
	if err != nil {
		b.Fatal(err)
	}
	committed := os.DirFS(filepath.Join(root, "corpus"))
	for _, start := range []string{"empty", "committed"} {
		for _, g := range []struct {
			name string
			gen  func([]byte) []byte
		}{{"structured", gen.Structured}, {"raw", gen.Raw}} {
			b.Run(start+"/"+g.name, func(b *testing.B) {
				fuzzLoop(b, g.gen, start == "committed", committed)
			})
		}
	}
}

func fuzzLoop(b *testing.B, generate func([]byte) []byte, fromCommitted bool, committed fs.FS) {
	e, err := registry.Engine("default")
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	dir := b.TempDir()
	if fromCommitted {
		// A copy: the loop records what is new, and the
		// committed corpus must stay as it is.
		if err := os.CopyFS(dir, committed); err != nil {
			b.Fatal(err)
		}
	}
	s, err := corpus.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	r := New(e, s, openRun(b, s.Dir()), registry.Open)
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 512)
	var genTime time.Duration
	start := time.Now()
	for b.Loop() {
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		t0 := time.Now()
		input := generate(data[:rng.IntN(len(data))])
		genTime += time.Since(t0)
		if _, _, err := r.Observe(input); err != nil {
			b.Fatal(err)
		}
	}
	total := time.Since(start)
	judges, compare := e.Time()
	st := r.Stats()
	pct := func(d time.Duration) float64 { return 100 * float64(d) / float64(total) }
	b.ReportMetric(float64(st.Inputs)/total.Seconds(), "execs/s")
	b.ReportMetric(pct(judges), "%judges")
	b.ReportMetric(pct(compare), "%compare")
	b.ReportMetric(pct(st.Record), "%record")
	b.ReportMetric(pct(genTime), "%generate")
	b.ReportMetric(pct(total-judges-compare-st.Record-genTime), "%other")
	b.ReportMetric(float64(st.Added), "cases")
	// Minimizing overlaps the shares above: it is judge calls,
	// comparisons and the minimizer's own work, on new signatures.
	b.ReportMetric(pct(st.Minimize), "%in-minimizing")
}
