package harness_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ocidiff/ocidiff/examples"
	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/rust"
	"github.com/ocidiff/ocidiff/registry"
)

// benchInputs are the founding config and the largest config of the
// runtime-spec module's own schema/test/config/good, read from the module.
func benchInputs(b *testing.B) []struct {
	name  string
	input []byte
} {
	b.Helper()
	good, err := specmod.Fixtures("good")
	if err != nil {
		b.Fatal(err)
	}
	var largest []byte
	var largestName string
	for _, f := range good {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		if len(data) > len(largest) {
			largest, largestName = data, filepath.Base(f)
		}
	}
	return []struct {
		name  string
		input []byte
	}{{"founding", []byte(examples.Founding)}, {largestName, largest}}
}

func openDefault(b *testing.B) []parsers.Judge {
	b.Helper()
	names, err := registry.Names("default")
	if err != nil {
		b.Fatal(err)
	}
	js, err := registry.Open(names)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { parsers.Close(js) })
	return js
}

// BenchmarkJudge measures each default judge alone, through the same
// Judge call the engine makes (the Rust and C judges include the round
// trip to their long-lived adapter process).
func BenchmarkJudge(b *testing.B) {
	js := openDefault(b)
	for _, in := range benchInputs(b) {
		for _, j := range js {
			b.Run(in.name+"/"+j.Name(), func(b *testing.B) {
				b.SetBytes(int64(len(in.input)))
				for b.Loop() {
					j.Judge(in.input)
				}
			})
		}
	}
}

// BenchmarkCheck measures a full differential check with every default
// judge: all verdicts, the model comparison and the signature.
func BenchmarkCheck(b *testing.B) { benchCheck(b) }

// BenchmarkCheckRoundTrip is BenchmarkCheck with the round trip on
// (harness.RoundTrip): what judging every writer's output costs on top,
// which is why it is a mode and not the default.
func BenchmarkCheckRoundTrip(b *testing.B) { benchCheck(b, harness.RoundTrip()) }

// benchCheck checks every bench input with the default judges under opts.
func benchCheck(b *testing.B, opts ...harness.Option) {
	e, err := harness.New(openDefault(b), opts...)
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.input)))
			b.ReportAllocs()
			for b.Loop() {
				e.Check(in.input)
			}
		})
	}
}

// BenchmarkRustProcessPerInput is the baseline the persistent adapter is
// measured against: the same Rust verdict with a new process per input.
func BenchmarkRustProcessPerInput(b *testing.B) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			for b.Loop() {
				c, err := rust.Start("")
				if err != nil {
					b.Fatal(err)
				}
				if v := c.Judge(in.input); v.Outcome != parsers.Accept {
					b.Fatalf("verdict %+v", v)
				}
				c.Close()
			}
		})
	}
}

// perInput is the process-per-input way of running an adapter judge:
// start the child, judge one input, stop it.
type perInput struct {
	name, version string
	kind          parsers.Kind
	start         func() (parsers.Judge, error)
}

func (p perInput) Name() string       { return p.name }
func (p perInput) Version() string    { return p.version }
func (p perInput) Kind() parsers.Kind { return p.kind }

func (p perInput) Judge(input []byte) parsers.Verdict {
	j, err := p.start()
	if err != nil {
		return parsers.Verdict{Judge: p.name, Outcome: parsers.Crash, Error: err.Error()}
	}
	defer parsers.Close([]parsers.Judge{j})
	return j.Judge(input)
}

// BenchmarkCheckProcessPerInput is BenchmarkCheck with the Rust and C
// judges run the process-per-input way: the baseline for the long-lived
// adapters, measured in the same run.
func BenchmarkCheckProcessPerInput(b *testing.B) {
	js := openDefault(b)
	entries := registry.All()
	for i, j := range js {
		if _, ok := j.(parsers.Sender); !ok {
			continue
		}
		for _, e := range entries {
			if e.Name == j.Name() {
				js[i] = perInput{j.Name(), j.Version(), j.Kind(), e.Start}
			}
		}
	}
	e, err := harness.New(js)
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			for b.Loop() {
				e.Check(in.input)
			}
		})
	}
}
