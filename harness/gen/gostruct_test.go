package gen

import (
	"encoding/json"
	"math/rand"
	"testing"
)

// TestBuildGoReachesEveryGoForm is TestEveryMemberEveryForm's counterpart
// for the writer's struct generator: every specs-go field (and element)
// is left nil, empty or zero by BuildGo for some input, so the writer fuzz
// target can meet what encoding/json writes of each. Random inputs stand
// in for the fuzzer; a field none of them reaches is one the fuzzer would
// reach only by luck, or never.
func TestBuildGoReachesEveryGoForm(t *testing.T) {
	g, err := NewGoReach()
	if err != nil {
		t.Fatal(err)
	}
	if len(g.want) < 100 {
		t.Fatalf("GoFields found %d specs-go fields: the walk lost its way", len(g.want))
	}
	r := rand.New(rand.NewSource(1))
	data := make([]byte, 8<<10)
	for range 20000 {
		r.Read(data)
		if _, err := json.Marshal(g.Add(data)); err != nil {
			t.Fatalf("encoding/json cannot write a spec BuildGo built: %v", err)
		}
	}
	for _, m := range g.Report().Missing {
		t.Errorf("BuildGo never left %s", m)
	}
}

// TestBuildGoEmptyInput: the empty input is the zero spec, the plainest
// thing a Go program writes.
func TestBuildGoEmptyInput(t *testing.T) {
	b, err := json.Marshal(BuildGo(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"ociVersion":""}` {
		t.Errorf("BuildGo(nil) writes %s, want specs.Spec{} as encoding/json writes it", b)
	}
}
