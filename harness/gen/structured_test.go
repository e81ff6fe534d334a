package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
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

// TestForcersReachable checks that every forcer can be selected and that
// it changes the document for some bytes: none is dead or a no-op.
func TestForcersReachable(t *testing.T) {
	names := map[string]bool{}
	tails := inputs(64, 40)
	for i, f := range forcers {
		if names[f.name] {
			t.Errorf("forcer name %q used twice", f.name)
		}
		names[f.name] = true
		changed := false
		for base := 0; base < len(bases) && !changed; base++ {
			plain := Structured([]byte{byte(base)})
			for _, tail := range tails {
				d := append([]byte{byte(base), 1, byte(i)}, tail...)
				doc, applied := structured(d)
				if !reflect.DeepEqual(applied, []string{f.name}) {
					t.Fatalf("forcer %d: data %x applied %v, want [%s]", i, d, applied, f.name)
				}
				if !bytes.Equal(marshal(doc), plain) && base != 2 && base != 3 {
					changed = true
					break
				}
			}
		}
		if !changed {
			t.Errorf("forcer %q never changed a fixed base document", f.name)
		}
	}
}

// form names the JSON shape of the value at path in out.
func form(t *testing.T, out []byte, path string) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
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

// formsOf runs forcer name over many byte tails on base 0 and collects the
// forms path takes, rendered by show.
func formsOf(t *testing.T, name, path string, show func([]byte) string) map[string]bool {
	t.Helper()
	i := -1
	for j, f := range forcers {
		if f.name == name {
			i = j
		}
	}
	if i < 0 {
		t.Fatalf("no forcer %q", name)
	}
	seen := map[string]bool{}
	for _, tail := range inputs(2000, 30) {
		out := Structured(append([]byte{0, 1, byte(i)}, tail...))
		seen[show(out)] = true
	}
	return seen
}

func TestForcedForms(t *testing.T) {
	tests := []struct {
		forcer, path string
		want         []string
	}{
		{"windows/layerFolders", "windows/layerFolders", []string{"absent", "null", "[]", "one", "many", "string", "number", "{}", "bool"}},
		{"root", "root", []string{"absent", "null", "{}", `{"path":""}`, `{"path":"rootfs"}`, `{"path":"/var/lib/containers/rootfs"}`,
			`{"path":"\\\\?\\Volume{ec84d99e-3f02-11e7-ac6c-00155d7682cf}\\"}`, "string", "[]"}},
		{"root/readonly", "root/readonly", []string{"absent", "bool", "null", "string", "number"}},
		{"process", "process", []string{"absent", "null", "{}", "string", "number", "bool", "one"}},
		{"process/args", "process/args", []string{"absent", "null", "[]", "one", "many", "string", "number", "bool", "{\"0\":\"x\"}"}},
		{"linux/namespaces", "linux/namespaces", []string{"absent", "null", "[]", "one", "many", "string", "{\"0\":\"x\"}"}},
		{"-ociVersion", "ociVersion", []string{"absent"}},
		{"-process/cwd", "process/cwd", []string{"absent"}},
		{"-mounts/0/destination", "mounts/0/destination", []string{"absent"}},
	}
	for _, tt := range tests {
		t.Run(tt.forcer, func(t *testing.T) {
			seen := formsOf(t, tt.forcer, tt.path, func(out []byte) string { return form(t, out, tt.path) })
			for _, w := range tt.want {
				if !seen[w] {
					t.Errorf("form %s of %s never produced; saw %v", w, tt.path, seen)
				}
			}
		})
	}
}

func TestReadonlyForms(t *testing.T) {
	seen := formsOf(t, "root", "root", func(out []byte) string {
		var doc struct{ Root map[string]json.RawMessage }
		json.Unmarshal(out, &doc)
		return string(doc.Root["readonly"])
	})
	for _, w := range []string{"true", "false", "null", `"true"`} {
		if !seen[w] {
			t.Errorf("root.readonly %s never produced; saw %v", w, seen)
		}
	}
}

func TestEnumCaseVariants(t *testing.T) {
	seen := formsOf(t, "linux/namespaces", "linux/namespaces", func(out []byte) string {
		var doc struct {
			Linux struct{ Namespaces []struct{ Type string } }
		}
		json.Unmarshal(out, &doc)
		var ts []string
		for _, n := range doc.Linux.Namespaces {
			ts = append(ts, n.Type)
		}
		return strings.Join(ts, ",")
	})
	all := strings.Join(keys(seen), ",")
	for _, w := range []string{"pid", "PID", "Network", "unknown", "time"} {
		if !strings.Contains(","+all+",", ","+w+",") {
			t.Errorf("namespace type %q never produced", w)
		}
	}
}

func TestRenamedKeys(t *testing.T) {
	seen := formsOf(t, "case:ociVersion", "", func(out []byte) string {
		var doc map[string]any
		json.Unmarshal(out, &doc)
		return strings.Join(keys(doc), ",")
	})
	var both, only bool
	for k := range seen {
		both = both || strings.Contains(k, "OCIVersion") && strings.Contains(k, "ociVersion")
		only = only || strings.Contains(k, "OCIVERSION") && !strings.Contains(k, "ociVersion")
	}
	if !both || !only {
		t.Errorf("case:ociVersion: both spellings %v, other spelling alone %v; saw %v", both, only, seen)
	}
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestFoundingForm checks both ways the founding shape arises: the
// Founding base as it is, and forcers bending the Linux base into it.
func TestFoundingForm(t *testing.T) {
	var want, got any
	json.Unmarshal([]byte(Founding), &want)
	json.Unmarshal(Structured([]byte{1}), &got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Structured({1}) = %v, want Founding %v", got, want)
	}

	lf, root := -1, -1
	for i, f := range forcers {
		switch f.name {
		case "windows/layerFolders":
			lf = i
		case "root":
			root = i
		}
	}
	found := false
	for a := 0; a < 256 && !found; a++ {
		for b := 0; b < 256 && !found; b++ {
			out := Structured([]byte{0, 2, byte(lf), byte(a), byte(root), byte(b)})
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

func BenchmarkStructured(b *testing.B) {
	in := inputs(256, 300)
	i := 0
	for b.Loop() {
		Structured(in[i%len(in)])
		i++
	}
}
