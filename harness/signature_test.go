package harness

import (
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/parsers"
)

// TestSignatureGeneralizesIndices: the same split at two positions of an
// array is one cause. It must give the signature a split at one position
// gives, naming the generalized path once, so that the corpus keeps one
// case for it and not one per set of positions.
func TestSignatureGeneralizesIndices(t *testing.T) {
	const elem = `{"x":1}`
	mounts := func(xs ...string) string {
		ms := make([]string, 4)
		for i := range ms {
			ms[i] = elem
		}
		for i, x := range xs {
			if x != "" {
				ms[i] = `{"x":` + x + `}`
			}
		}
		return `{"mounts":[` + strings.Join(ms, ",") + `]}`
	}
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	base := mounts()
	one := e.Compare(vs2(base, mounts("", "2")))              // /mounts/1/x
	two := e.Compare(vs2(base, mounts("2", "", "", "2")))     // /mounts/0/x and /mounts/3/x
	three := e.Compare(vs2(base, mounts("2", "3", "4", "5"))) // every element
	if len(two.Diffs) != 2 || two.Diffs[0].Path != "/mounts/0/x" || two.Diffs[1].Path != "/mounts/3/x" {
		t.Fatalf("diffs %+v, want /mounts/0/x and /mounts/3/x", two.Diffs)
	}
	for _, r := range []Result{one, two, three} {
		if n := strings.Count(r.Signature, "/mounts/*/x"); n != 1 {
			t.Errorf("signature %q names /mounts/*/x %d times, want once", r.Signature, n)
		}
	}
	if two.Signature != one.Signature || three.Signature != one.Signature {
		t.Errorf("the same split at other indices has another signature:\n one: %q\n two: %q\nfour: %q",
			one.Signature, two.Signature, three.Signature)
	}
}

func vs2(a, b string) []parsers.Verdict { return []parsers.Verdict{accept("go", a), accept("rust", b)} }
