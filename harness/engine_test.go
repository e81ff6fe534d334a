package harness

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ocidiff/ocidiff/parsers"
)

func accept(judge, model string) parsers.Verdict {
	return parsers.Verdict{Judge: judge, Outcome: parsers.Accept, Model: json.RawMessage(model)}
}

func reject(judge, class string) parsers.Verdict {
	return parsers.Verdict{Judge: judge, Outcome: parsers.Reject, Error: class + " (verbatim)", Class: class}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name      string
		without   []string
		verdicts  []parsers.Verdict
		agree     bool
		diffPaths []string
		signature string
	}{
		{
			name:     "same model",
			verdicts: []parsers.Verdict{accept("go", `{"a":1,"b":[1,2]}`), accept("rust", `{"b":[1,2],"a":1}`)},
			agree:    true,
		},
		{
			name:     "null and absent fold",
			verdicts: []parsers.Verdict{accept("go", `{"windows":{"layerFolders":null}}`), accept("rust", `{}`)},
			agree:    true,
		},
		{
			name:      "null and absent without the rule",
			without:   []string{"null-is-absent"},
			verdicts:  []parsers.Verdict{accept("go", `{"windows":{"layerFolders":null,"network":{"x":1}}}`), accept("rust", `{"windows":{"network":{"x":1}}}`)},
			diffPaths: []string{"/windows/layerFolders"},
			signature: "accept: go rust | values: go ≠ rust @ /windows/layerFolders",
		},
		{
			name:     "empty and zero fold",
			verdicts: []parsers.Verdict{accept("go", `{"root":{"path":"r"}}`), accept("rust", `{"root":{"path":"r","readonly":false},"mounts":[]}`)},
			agree:    true,
		},
		{
			name:      "numbers compare as written",
			verdicts:  []parsers.Verdict{accept("go", `{"n":1}`), accept("rust", `{"n":1.0}`)},
			diffPaths: []string{"/n"},
			signature: "accept: go rust | values: go ≠ rust @ /n",
		},
		{
			name:      "array element dropped on one side",
			verdicts:  []parsers.Verdict{accept("go", `{"l":["a","b"]}`), accept("c", `{"l":["a","b"]}`), accept("rust", `{"l":["a"]}`)},
			diffPaths: []string{"/l/1"},
			signature: "accept: go c rust | values: go c ≠ rust @ /l/*",
		},
		{
			name:      "object folded away: the member inside is named",
			verdicts:  []parsers.Verdict{accept("go", `{"linux":{"netDevices":{"eth0":{"name":"x"}}}}`), accept("c", `{"linux":{}}`)},
			diffPaths: []string{"/linux/netDevices"},
			signature: "accept: go c | values: go ≠ c @ /linux/netDevices",
		},
		{
			name:      "nested objects folded away, on either side",
			verdicts:  []parsers.Verdict{accept("c", `{}`), accept("go", `{"linux":{"resources":{"rdma":{"mlx5_1":{"hcaHandles":3}}},"sysctl":{"a":"1"}}}`)},
			diffPaths: []string{"/linux/resources/rdma", "/linux/sysctl"},
			signature: "accept: c go | values: c ≠ go @ /linux/resources/rdma, /linux/sysctl",
		},
		{
			name:      "a map is not walked into: its keys are the user's",
			verdicts:  []parsers.Verdict{accept("go", `{"annotations":{"k":"v"}}`), accept("c", `{}`)},
			diffPaths: []string{"/annotations"},
			signature: "accept: go c | values: go ≠ c @ /annotations",
		},
		{
			name:     "spec names: a library's own spelling reads as the spec's member",
			verdicts: []parsers.Verdict{accept("go", `{"linux":{"resources":{"blockIO":{"throttleWriteIOPSDevice":[{"major":8}]}}}}`), accept("rust", `{"linux":{"resources":{"blockIO":{"throttleWriteIopsDevice":[{"major":8}]}}}}`)},
			agree:    true,
		},
		{
			name:      "spec names off",
			without:   []string{"spec-names"},
			verdicts:  []parsers.Verdict{accept("go", `{"windows":{"hyperv":{"utilityVMPath":"p"}}}`), accept("rust", `{"windows":{"hyperv":{"utilityVmPath":"p"}}}`)},
			diffPaths: []string{"/windows/hyperv/utilityVMPath", "/windows/hyperv/utilityVmPath"},
			signature: "accept: go rust | values: go ≠ rust @ /windows/hyperv/utilityVMPath, /windows/hyperv/utilityVmPath",
		},
		{
			name:      "spec names leave map keys alone",
			verdicts:  []parsers.Verdict{accept("go", `{"annotations":{"HOSTNAME":"a"}}`), accept("rust", `{"annotations":{"hostname":"a"}}`)},
			diffPaths: []string{"/annotations/HOSTNAME", "/annotations/hostname"},
			signature: "accept: go rust | values: go ≠ rust @ /annotations/HOSTNAME, /annotations/hostname",
		},
		{
			name:      "founding: parsers accept, schema rejects",
			verdicts:  []parsers.Verdict{accept("go", `{}`), reject("schema", "/windows/layerFolders:type")},
			signature: "reject: schema [/windows/layerFolders:type] | accept: go",
		},
		{
			name:     "all reject for different reasons agree",
			verdicts: []parsers.Verdict{reject("go", "x"), reject("rust", "y")},
			agree:    true,
		},
		{
			name: "crash is an outcome of its own",
			verdicts: []parsers.Verdict{reject("go", "x"),
				{Judge: "c", Outcome: parsers.Crash, Class: "crash: signal SIGSEGV"}},
			signature: "reject: go [x] | crash: c [crash: signal SIGSEGV]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []Option
			if tt.without != nil {
				opts = append(opts, Without(tt.without...))
			}
			e, err := New(nil, opts...)
			if err != nil {
				t.Fatal(err)
			}
			r := e.Compare(tt.verdicts)
			if r.Agree != tt.agree {
				t.Errorf("Agree = %v, want %v (diffs %+v)", r.Agree, tt.agree, r.Diffs)
			}
			var paths []string
			for _, d := range r.Diffs {
				paths = append(paths, d.Path)
			}
			if diff := cmp.Diff(tt.diffPaths, paths); diff != "" {
				t.Errorf("diff paths (-want +got):\n%s", diff)
			}
			if r.Signature != tt.signature {
				t.Errorf("Signature = %q, want %q", r.Signature, tt.signature)
			}
		})
	}
}

func TestValueDiffRecordsBothSides(t *testing.T) {
	e, _ := New(nil)
	r := e.Compare([]parsers.Verdict{accept("go", `{"p":"x","q":1}`), accept("rust", `{"p":"y"}`)})
	want := []ValueDiff{
		{Path: "/p", A: []string{"go"}, B: []string{"rust"}, AValue: `"x"`, BValue: `"y"`},
		{Path: "/q", A: []string{"go"}, B: []string{"rust"}, AValue: `1`},
	}
	if diff := cmp.Diff(want, r.Diffs); diff != "" {
		t.Errorf("diffs (-want +got):\n%s", diff)
	}
}

func TestWithoutUnknownRule(t *testing.T) {
	_, err := New(nil, Without("no-such-rule"))
	if err == nil || !strings.Contains(err.Error(), "no-such-rule") {
		t.Fatalf("New(Without(no-such-rule)) error = %v, want one naming the rule", err)
	}
}

func TestSlugIsSafeAndDistinct(t *testing.T) {
	sigs := []string{
		"reject: schema [/windows/layerFolders:type] | accept: go",
		"reject: schema [/windows/layerFolders:type] | accept: go rust",
		"../../etc/passwd\x00\xff",
		"",
	}
	seen := map[string]string{}
	for _, s := range sigs {
		slug := Slug(s)
		for _, r := range slug {
			if !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				t.Errorf("Slug(%q) = %q has unsafe rune %q", s, slug, r)
			}
		}
		if len(slug) > 64 {
			t.Errorf("Slug(%q) = %q is longer than 64", s, slug)
		}
		if prev, ok := seen[slug]; ok {
			t.Errorf("Slug(%q) = Slug(%q) = %q", s, prev, slug)
		}
		seen[slug] = s
	}
}

func TestGeneralizePath(t *testing.T) {
	for in, want := range map[string]string{
		"/mounts/0/options/12": "/mounts/*/options/*",
		"/process/args/3":      "/process/args/*",
		"/annotations/k0":      "/annotations/k0",
		"/":                    "/",
	} {
		if got := GeneralizePath(in); got != want {
			t.Errorf("GeneralizePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCapabilitySets(t *testing.T) {
	go1 := accept("go", `{"process":{"capabilities":{"bounding":["CAP_KILL","CAP_CHOWN","CAP_KILL"]},"args":["b","a"]}}`)
	rust := accept("rust", `{"process":{"capabilities":{"bounding":["CAP_CHOWN","CAP_KILL"]},"args":["b","a"]}}`)
	e, _ := New(nil)
	if r := e.Compare([]parsers.Verdict{go1, rust}); !r.Agree {
		t.Errorf("capability sets in another order disagree: %+v", r.Diffs)
	}
	// Only capability sets: other arrays keep their order.
	swapped := accept("rust", `{"process":{"capabilities":{"bounding":["CAP_CHOWN","CAP_KILL"]},"args":["a","b"]}}`)
	if r := e.Compare([]parsers.Verdict{go1, swapped}); r.Agree {
		t.Error("process.args in another order agree")
	}
	off, _ := New(nil, Without("capability-sets"))
	if r := off.Compare([]parsers.Verdict{go1, rust}); r.Agree {
		t.Error("without capability-sets, another order agrees")
	}
}
