package gen

import (
	"encoding/json"
	"math/rand"
	"slices"
	"sort"
	"testing"
)

// TestBuildGoReachesEveryGoForm is TestEveryMemberEveryForm's counterpart
// for the writer's struct generator: every specs-go field (and element)
// is left nil, empty or zero by BuildGo for some input, so the writer fuzz
// target can meet what encoding/json writes of each. Random inputs stand
// in for the fuzzer; a field none of them reaches is one the fuzzer would
// reach only by luck, or never.
func TestBuildGoReachesEveryGoForm(t *testing.T) {
	want, err := GoFields()
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 100 {
		t.Fatalf("GoFields found %d specs-go fields: the walk lost its way", len(want))
	}
	seen := map[string][]string{}
	note := func(member, form string) {
		if !slices.Contains(seen[member], form) {
			seen[member] = append(seen[member], form)
		}
	}
	r := rand.New(rand.NewSource(1))
	data := make([]byte, 8<<10)
	for range 20000 {
		r.Read(data)
		spec := BuildGo(data, note)
		if _, err := json.Marshal(spec); err != nil {
			t.Fatalf("encoding/json cannot write a spec BuildGo built: %v", err)
		}
	}
	var missing []string
	for member, forms := range want {
		for _, f := range forms {
			if !slices.Contains(seen[member], f) {
				missing = append(missing, member+" "+f)
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
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
