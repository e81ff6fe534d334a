package gen

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ocidiff/ocidiff/harness/minimize/jsontree"
)

// rawChecks says, for every mutation, how to recognize its work in the
// output, starting from rawLinux.
var rawChecks = map[string]func(out []byte) bool{
	"duplicate-key": func(out []byte) bool { return hasDuplicateKey(out) },
	"key-case": func(out []byte) bool {
		for _, k := range []string{"OCIVersion", "OCIVERSION", "Process", "PROCESS", "Root", "ROOT", "Linux", "LINUX", "Uid", "UID", "Cwd", "CWD", "ociversion"} {
			if bytes.Contains(out, []byte(`"`+k+`"`)) {
				return true
			}
		}
		return false
	},
	"key-escape": func(out []byte) bool { return bytes.Contains(out, []byte(`\u00`)) && json.Valid(out) },
	"value-escape": func(out []byte) bool {
		return (bytes.Contains(out, []byte(`\u00`)) || bytes.Contains(out, []byte(`\/`))) && json.Valid(out)
	},
	"lone-surrogate": func(out []byte) bool {
		return bytes.Contains(bytes.ToLower(out), []byte(`\ud8`)) || bytes.Contains(out, []byte(`\udc`))
	},
	"invalid-utf8": func(out []byte) bool { return !utf8.Valid(out) },
	"nul-in-string": func(out []byte) bool {
		out = bytes.TrimSuffix(out, []byte("\n")) // rawLinux's own
		return bytes.Contains(out, []byte(`\u0000`)) || bytes.ContainsAny(out, "\x00\x01\t\n\x7f") || bytes.Contains(out, []byte(`\u001f`))
	},
	"number-edge": func(out []byte) bool {
		return !bytes.Contains(out, []byte(`"uid":1000,"gid":1000`)) || !bytes.Contains(out, []byte(`"limit":100}`))
	},
	"deep-nesting": func(out []byte) bool {
		return bytes.Contains(out, []byte(strings.Repeat("[", 64))) || bytes.Contains(out, []byte(strings.Repeat(`{"a":`, 64)))
	},
	"trailing-data": func(out []byte) bool {
		_, err := jsontree.Parse(out)
		_, _, perr := jsontree.ParsePrefix(out)
		return err != nil && perr == nil
	},
	"bom": func(out []byte) bool { return !bytes.HasPrefix(out, []byte("{")) },
	"comment": func(out []byte) bool {
		return bytes.Contains(out, []byte("/*")) || bytes.Contains(out, []byte("// c")) || bytes.Contains(out, []byte("# c"))
	},
	"trailing-comma": func(out []byte) bool { return bytes.Contains(out, []byte(",}")) || bytes.Contains(out, []byte(",]")) },
	"nul-byte":       func(out []byte) bool { return bytes.IndexByte(out, 0) >= 0 },
	"odd-whitespace": func(out []byte) bool { return !json.Valid(out) },
	"truncate":       func(out []byte) bool { return len(out) < len(rawLinux) },
}

func hasDuplicateKey(out []byte) bool {
	root, err := jsontree.Parse(out)
	if err != nil {
		return false
	}
	dup := false
	root.Walk(func(n *jsontree.Node) bool {
		seen := map[string]bool{}
		for _, m := range n.Members {
			dup = dup || seen[string(m.Key)]
			seen[string(m.Key)] = true
		}
		return true
	})
	return dup
}

// TestMutationsReachable checks every mutation can be selected alone and
// leaves its mark on the built-in base.
func TestMutationsReachable(t *testing.T) {
	if hasDuplicateKey(rawLinux) || !json.Valid(rawLinux) {
		t.Fatal("rawLinux must be valid JSON without duplicate keys")
	}
	for i, m := range mutations {
		check, ok := rawChecks[m.name]
		if !ok {
			t.Errorf("mutation %q has no check", m.name)
			continue
		}
		hits := 0
		for _, tail := range inputs(200, 20) {
			out := Mutate(rawLinux, append([]byte{0, byte(i)}, tail...))
			if check(out) {
				hits++
			}
		}
		if hits == 0 {
			t.Errorf("mutation %q never left its mark", m.name)
		}
	}
}

func TestMutateLeavesBaseAlone(t *testing.T) {
	base := []byte(Founding)
	for _, d := range inputs(500, 40) {
		Mutate(base, d)
	}
	if string(base) != Founding {
		t.Fatal("Mutate wrote into its base")
	}
}

func TestRawDeterministic(t *testing.T) {
	for _, d := range inputs(2000, 300) {
		if a, b := Raw(d), Raw(bytes.Clone(d)); !bytes.Equal(a, b) {
			t.Fatalf("Raw(%x) not deterministic", d)
		}
	}
}

func TestRawBases(t *testing.T) {
	// Byte 0 picks the base, byte 1 one mutation, byte 2 "trailing-data",
	// byte 3 its piece (" {}").
	td := -1
	for i, m := range mutations {
		if m.name == "trailing-data" {
			td = i
		}
	}
	tests := []struct {
		data []byte
		want string
	}{
		{[]byte{0, 0, byte(td), 0}, string(rawLinux) + " {}"},
		{[]byte{1, 0, byte(td), 0}, Founding + " {}"},
	}
	for _, tt := range tests {
		if got := string(Raw(tt.data)); got != tt.want {
			t.Errorf("Raw(%x) = %q, want %q", tt.data, got, tt.want)
		}
	}
	// Base 3 takes the fuzzer's own bytes: a 4-byte length, then them.
	data := append([]byte{3, 0, 0, 0, 24}, []byte(`{"ociVersion":"1.0.0"}  `)...)
	data = append(data, 0, byte(td), 1)
	if got, want := string(Raw(data)), `{"ociVersion":"1.0.0"}  {}`; got != want {
		t.Errorf("Raw(chunk base) = %q, want %q", got, want)
	}
}

func FuzzRaw(f *testing.F) {
	f.Add([]byte{1, 0, 0})
	f.Fuzz(func(t *testing.T, d []byte) {
		if !bytes.Equal(Raw(d), Raw(d)) {
			t.Fatal("not deterministic")
		}
	})
}

func BenchmarkRaw(b *testing.B) {
	in := inputs(256, 300)
	i := 0
	for b.Loop() {
		Raw(in[i%len(in)])
		i++
	}
}
