package schema

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ocidiff/ocidiff/internal/modroot"
	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
)

// sharedInputs are every corpus input (minimized and as found) and the
// spec's own test configs: the inputs whose verdicts the corpus records.
func sharedInputs(t *testing.T) map[string][]byte {
	t.Helper()
	root, err := modroot.FromWorkingDir()
	if err != nil {
		t.Fatal(err)
	}
	paths, err := filepath.Glob(filepath.Join(root, "corpus", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"good", "bad"} {
		fx, err := specmod.Fixtures(kind)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, fx...)
	}
	inputs := map[string][]byte{}
	for _, p := range paths {
		if filepath.Base(p) == "case.json" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[p] = data
	}
	// A corpus that lost its inputs would check nothing: the committed
	// one holds two inputs for each of its 424 cases.
	if len(inputs) < 500 {
		t.Fatalf("only %d inputs under %s/corpus", len(inputs), root)
	}
	return inputs
}

// TestDecodedSameVerdicts: a validator judging the tree decoded once for
// a check, after the other library's validator judged the same tree,
// gives the verdict it gives decoding the input itself, in either order,
// on every recorded input. It would not if either library changed the
// document it validates.
func TestDecodedSameVerdicts(t *testing.T) {
	js := judges(t)
	for p, in := range sharedInputs(t) {
		want := []parsers.Verdict{js[0].Judge(in), js[1].Judge(in)}
		for _, order := range [][]int{{0, 1}, {1, 0}} {
			d := parsers.Decode(in)
			decodes := 0
			once := func() *parsers.Decoded { decodes++; return d }
			got := make([]parsers.Verdict, 2)
			for _, i := range order {
				got[i] = js[i].(parsers.DecodedJudge).JudgeDecoded(in, once)
			}
			if !reflect.DeepEqual(comparable(got), comparable(want)) {
				t.Errorf("%s, judged in order %v from one decode:\n got %+v\nwant %+v", p, order, got, want)
			}
			if decodes != 2 {
				t.Fatalf("%s: the validators asked for the decoded input %d times, want once each", p, decodes)
			}
		}
	}
}

// comparable returns verdicts with each Error's lines sorted: v6 lists the
// failures of sibling members in the order it walks a Go map, which
// changes from call to call with or without sharing.
func comparable(vs []parsers.Verdict) []parsers.Verdict {
	out := slices.Clone(vs)
	for i := range out {
		lines := strings.Split(out[i].Error, "\n")
		slices.Sort(lines)
		out[i].Error = strings.Join(lines, "\n")
	}
	return out
}

// TestConcurrentJudges: engines in several goroutines (check -parallel,
// fuzz -parallel) share the compiled schemas.
// Run under -race, it also shows that validating only reads them.
func TestConcurrentJudges(t *testing.T) {
	inputs := [][]byte{[]byte(founding), []byte(`{"ociVersion":"1.0.2","root":{"path":"rootfs"}}`), []byte(`{"root":7} x`)}
	want := map[string][]parsers.Verdict{}
	for _, in := range inputs {
		want[string(in)] = []parsers.Verdict{}
		for _, j := range judges(t) {
			want[string(in)] = append(want[string(in)], j.Judge(in))
		}
	}
	var wg sync.WaitGroup
	for range 4 {
		js := judges(t)
		wg.Go(func() {
			for i := range 200 {
				in := inputs[i%len(inputs)]
				got := []parsers.Verdict{js[0].Judge(in), js[1].Judge(in)}
				if !reflect.DeepEqual(comparable(got), comparable(want[string(in)])) {
					t.Errorf("%q: got %+v, want %+v", in, got, want[string(in)])
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestErrorText: the messages of the refusals of the recorded inputs read
// as the libraries' own Error and String give them.
func TestErrorText(t *testing.T) {
	js := judges(t)
	v, g := js[0].(*judge).v.(*v6), js[1].(*judge).v.(*gjs)
	n, nv6 := 0, 0
	for p, in := range sharedInputs(t) {
		d := parsers.Decode(in)
		if d.Err != nil {
			continue
		}
		if err, ok := v.sch.Validate(d.Tree).(*jsonschema.ValidationError); ok {
			nv6++
			_, want, _ := strings.Cut(err.Error(), "\n")
			if got := failureText(err); got != want {
				t.Errorf("%s: v6 %q, the library says %q", p, got, want)
			}
		}
		res, err := g.sch.Validate(treeLoader{goLoader, d.Tree})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res.Errors() {
			n++
			if got, want := errorText(e), e.String(); got != want {
				t.Errorf("%s: %q, gojsonschema says %q", p, got, want)
			}
		}
	}
	// The corpus has a few hundred cases, most of them refused by the
	// schema; fewer would mean it lost them.
	if n < 400 || nv6 < 400 {
		t.Errorf("only %d gojsonschema failures and %d v6 refusals compared", n, nv6)
	}
}
