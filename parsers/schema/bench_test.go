package schema

import (
	"encoding/json"
	"os"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
)

// largestGood returns the largest of the spec's own good fixtures.
func largestGood(b *testing.B) []byte {
	b.Helper()
	paths, err := specmod.Fixtures("good")
	if err != nil {
		b.Fatal(err)
	}
	var best []byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		if len(data) > len(best) {
			best = data
		}
	}
	return best
}

func bench(b *testing.B, newJudge func() (parsers.Judge, error)) {
	j, err := newJudge()
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range []struct {
		name string
		data []byte
		want parsers.Outcome
	}{{"founding", []byte(founding), parsers.Reject}, {"largest-good", largestGood(b), parsers.Accept}} {
		b.Run(in.name, func(b *testing.B) {
			if v := j.Judge(in.data); v.Outcome != in.want {
				b.Fatalf("%s: %s %s", j.Name(), v.Outcome, v.Error)
			}
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for b.Loop() {
				j.Judge(in.data)
			}
		})
	}
}

func BenchmarkSchemaV6(b *testing.B)     { bench(b, New) }
func BenchmarkGoJSONSchema(b *testing.B) { bench(b, NewGoJSONSchema) }

// BenchmarkValidate is each validator as a check runs it: on the input the
// engine decoded once for every judge (parsers.DecodedJudge), so what it
// measures is the library's validation and the refusal's text and class.
func BenchmarkValidate(b *testing.B) {
	for _, v := range []struct {
		name string
		open func() (parsers.Judge, error)
	}{{"jsonschema-v6", New}, {"gojsonschema", NewGoJSONSchema}} {
		j, err := v.open()
		if err != nil {
			b.Fatal(err)
		}
		for _, in := range []struct {
			name string
			data []byte
		}{{"founding", []byte(founding)}, {"largest-good", largestGood(b)}} {
			d := parsers.Decode(in.data)
			decoded := func() *parsers.Decoded { return d }
			b.Run(v.name+"/"+in.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					j.(parsers.DecodedJudge).JudgeDecoded(in.data, decoded)
				}
			})
		}
	}
}

// BenchmarkSpecsGoParse is the baseline the validators are read against in
// the same run: a bare json.Unmarshal of the same inputs into specs.Spec,
// on a machine whose load changes from minute to minute.
func BenchmarkSpecsGoParse(b *testing.B) {
	for _, in := range []struct {
		name string
		data []byte
	}{{"founding", []byte(founding)}, {"largest-good", largestGood(b)}} {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for b.Loop() {
				var s specs.Spec
				if err := json.Unmarshal(in.data, &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
