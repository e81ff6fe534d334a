package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/schema"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// inputs returns n pseudo-random fuzzer inputs, the same every run.
func inputs(n, size int) [][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([][]byte, n)
	for i := range out {
		b := make([]byte, r.IntN(size+1))
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		out[i] = b
	}
	return out
}

// deviationInput is the fuzzer input that makes Structured apply form f
// (index fi) to member mi, and nothing else, on base.
func deviationInput(base, mi, fi int) []byte {
	return []byte{byte(base), 0, 1, 3, byte(mi >> 8), byte(mi), byte(fi)}
}

// TestEveryMemberEveryForm checks that the fuzzer can reach every member
// of the vocabulary in every one of its forms, and that what it produces
// is recognized as that form: a member or field that the schema or
// specs-go defines and the generator cannot reach fails here.
func TestEveryMemberEveryForm(t *testing.T) {
	md, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for mi, m := range md.Members {
		for fi, f := range m.Forms {
			if fi > 255 {
				t.Fatalf("%s has %d forms, more than one byte picks", m.Path, len(m.Forms))
			}
			d := deviationInput(0, mi, fi)
			_, applied := structured(d)
			if want := m.Path + " " + f; !slices.Equal(applied, []string{want}) {
				t.Fatalf("input %x applied %q, want %q", d, applied, want)
			}
			out := Structured(d)
			c, _ := NewCoverage()
			if !c.Add(out) {
				t.Fatalf("%s %s: output is not a JSON tree: %.200s", m.Path, f, out)
			}
			if !c.Saw(m.Path, f) {
				t.Errorf("%s in form %s: not recognized in %.300s; seen %v", m.Path, f, out, c.seen[m])
			}
		}
	}
}

// TestValidFormIsValid checks that the skeleton a deviation sits in is
// valid: every member put in its valid form, ancestors built on the way,
// passes both of the schema's validators.
func TestValidFormIsValid(t *testing.T) {
	md, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	v6, err := schema.New()
	if err != nil {
		t.Fatal(err)
	}
	gojs, err := schema.NewGoJSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	for _, base := range []int{0, 2} {
		for mi, m := range md.Members {
			if !inSchema(m) {
				// Only specs-go has it (windows.resources.cpu.affinity's
				// elements, linux.timeOffsets' map values): no value of
				// it is valid in the schema's eyes.
				continue
			}
			d := deviationInput(base, mi, slices.Index(m.Forms, formValid))
			out := Structured(d)
			for _, j := range []parsers.Judge{v6, gojs} {
				if v := j.Judge(out); v.Outcome != parsers.Accept {
					t.Errorf("%s valid on base %d: %s: %s %s\n%s", m.Path, base, j.Name(), v.Outcome, v.Class, out)
				}
			}
		}
	}
}

func inSchema(m *Member) bool {
	for ; m != nil; m = m.parent {
		if !m.InSchema {
			return false
		}
	}
	return true
}

func TestStructuredDeterministicAndValid(t *testing.T) {
	for _, d := range append(inputs(3000, 300), nil, []byte{}, []byte{0xff}) {
		a, b := Structured(d), Structured(bytes.Clone(d))
		if !bytes.Equal(a, b) {
			t.Fatalf("Structured(%x) not deterministic:\n%s\n%s", d, a, b)
		}
		if !json.Valid(a) {
			t.Fatalf("Structured(%x) = %q: not valid JSON", d, a)
		}
	}
}

func FuzzStructured(f *testing.F) {
	f.Add([]byte{1})
	f.Add([]byte("\x02\x06\x01\x02\x03\x04\x05\x06"))
	f.Fuzz(func(t *testing.T, d []byte) {
		out := Structured(d)
		if !json.Valid(out) {
			t.Fatalf("not valid JSON: %q", out)
		}
		if !bytes.Equal(out, Structured(d)) {
			t.Fatal("not deterministic")
		}
	})
}

// TestMostInputsCarryOneDeviation checks the shape the minimizer wants:
// most inputs are a valid base with exactly one deliberate deviation.
func TestMostInputsCarryOneDeviation(t *testing.T) {
	counts := map[int]int{}
	in := inputs(2000, 60)
	for _, d := range in {
		_, applied := structured(d)
		counts[len(applied)]++
	}
	if counts[1] < len(in)/2 {
		t.Errorf("inputs by number of deviations: %v; want most with one", counts)
	}
}

// TestFoundingForm checks both ways the founding shape arises: the
// Founding base as it is, and the founding forcers bending the valid
// Windows base into it.
func TestFoundingForm(t *testing.T) {
	var want, got any
	json.Unmarshal([]byte(Founding), &want)
	json.Unmarshal(Structured([]byte{1}), &got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Structured({1}) = %v, want Founding %v", got, want)
	}
	found := false
	for a := 0; a < 256 && !found; a++ {
		for b := 0; b < 256 && !found; b++ {
			// Windows base, no valid additions, two deviations: the
			// layerFolders forcer (op 0) and the root forcer (op 1).
			out := Structured([]byte{2, 0, 6, 0, byte(a), 1, byte(b)})
			var doc struct {
				Root    map[string]json.RawMessage
				Windows map[string]json.RawMessage
			}
			json.Unmarshal(out, &doc)
			found = string(doc.Windows["layerFolders"]) == "null" && string(doc.Root["path"]) == `""` && len(doc.Root) == 1
		}
	}
	if !found {
		t.Error(`forcers never produced "layerFolders": null with "root": {"path": ""}`)
	}
}

// TestFoundingForcerForms checks that the founding forcers still produce
// each deliberate form.
func TestFoundingForcerForms(t *testing.T) {
	tests := []struct {
		op   byte
		path string
		want []string
	}{
		{0, "windows/layerFolders", []string{"absent", "null", "[]", "one", "many", "string", "number", "{}", "bool"}},
		{1, "root", []string{"absent", "null", "{}", `{"path":""}`, `{"path":"rootfs"}`, "string", "[]"}},
	}
	for _, tt := range tests {
		seen := map[string]bool{}
		for _, tail := range inputs(2000, 30) {
			out := Structured(append([]byte{2, 0, 1, tt.op}, tail...))
			var doc map[string]any
			json.Unmarshal(out, &doc)
			seen[shape(doc, tt.path)] = true
		}
		for _, w := range tt.want {
			if !seen[w] {
				t.Errorf("form %s of %s never produced; saw %v", w, tt.path, seen)
			}
		}
	}
}

// shape names the JSON shape of the value at path in doc.
func shape(doc map[string]any, path string) string {
	v, ok := get(doc, path)
	if !ok {
		return "absent"
	}
	switch v := v.(type) {
	case nil:
		return "null"
	case []any:
		switch len(v) {
		case 0:
			return "[]"
		case 1:
			return "one"
		}
		return "many"
	case map[string]any:
		if len(v) == 0 {
			return "{}"
		}
		b, _ := json.Marshal(v)
		return string(b)
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	}
	return fmt.Sprintf("%T", v)
}

func BenchmarkStructured(b *testing.B) {
	in := inputs(256, 300)
	i := 0
	for b.Loop() {
		Structured(in[i%len(in)])
		i++
	}
}

// TestVocabularyFromSpec checks that the vocabulary holds the parts of the
// spec the hand-written one lacked, and the places where the schema and
// specs-go part.
func TestVocabularyFromSpec(t *testing.T) {
	md, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/freebsd", "/linux/intelRdt", "/linux/memoryPolicy", "/linux/netDevices/*/name",
		"/linux/timeOffsets", "/process/scheduler/policy", "/process/execCPUAffinity/initial", "/process/ioPriority/class",
		"/windows/credentialSpec", "/windows/devices/*/id", "/vm/hypervisor/parameters"} {
		if m := md.Find(p); m == nil || !m.InSchema {
			t.Errorf("%s: not in the vocabulary as a schema member", p)
		}
	}
	if m := md.Find("/vm/hwConfig"); m == nil || m.GoName != "hwconfig" || !slices.Contains(m.Forms, formGoName) {
		t.Errorf("/vm/hwConfig: want specs-go's name hwconfig and a go-name form, got %+v", m)
	}
	if m := md.Find("/windows/credentialSpec"); m == nil || !slices.Contains(m.Forms, formDeep) {
		t.Errorf("/windows/credentialSpec: want a deep form")
	}
	if m := md.Find("/linux/resources/blockIO/weight"); m == nil || !slices.Contains(m.Forms, "uint16-max+1") {
		t.Errorf("/linux/resources/blockIO/weight: want the limits of specs-go's uint16")
	}
	if m := md.Find("/linux/namespaces/*/type"); m == nil || !slices.Contains(m.Forms, "enum:pid") || !slices.Contains(m.Forms, formEnumCase) {
		t.Errorf("/linux/namespaces/*/type: want its enum values as forms")
	}
	c, _ := NewCoverage()
	if r := c.Report(false); r.SchemaMembers < 300 || r.GoFields < 300 {
		t.Errorf("vocabulary of %d schema members and %d Go fields: the walk lost most of the spec", r.SchemaMembers, r.GoFields)
	}
}

// BenchmarkCoverageAdd is what a fuzz worker spends per input on
// coverage, next to BenchmarkStructured's generating.
func BenchmarkCoverageAdd(b *testing.B) {
	in := inputs(256, 300)
	docs := make([][]byte, len(in))
	for i, d := range in {
		docs[i] = Structured(d)
	}
	c, err := NewCoverage()
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		c.Add(docs[i%len(docs)])
		i++
	}
}
