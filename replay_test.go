package ocidiff_test

import (
	"bytes"
	"testing"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/recorder"
	"github.com/ocidiff/ocidiff/registry"
)

// TestCorpusReplay judges every committed case again with the real judges
// and fails, naming the case and showing the recorded and the new matrix,
// when a verdict changed: an upstream fix, a regression, or a change of
// ours. `make corpus-update` re-records on purpose.
func TestCorpusReplay(t *testing.T) {
	store, err := corpus.Open("corpus")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := store.Cases()
	if err != nil {
		t.Fatal(err) // a damaged case, named by path
	}
	if len(cases) == 0 {
		t.Fatal("corpus/ holds no case: the replay would check nothing")
	}
	p := recorder.NewReplayer(registry.Open)
	defer p.Close()
	for _, c := range cases {
		now, err := p.Replay(c)
		if err != nil {
			t.Errorf("case %s: %v", store.Path(c.Signature), err)
			continue
		}
		if recorder.Changed(c.Result, now) {
			var was, is bytes.Buffer
			harness.WriteMatrix(&was, c.Result)
			harness.WriteMatrix(&is, now)
			t.Errorf("case %s changed (make corpus-update re-records it on purpose)\nrecorded:\n%s\nnow:\n%s",
				store.Path(c.Signature), was.String(), is.String())
		}
	}
}
