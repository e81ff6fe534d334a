package registry

import (
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness/repro"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/parsers"
)

// checkEntry says what is wrong with e's description, short of starting
// it: a missing fact, a reproduction template package repro lacks, an
// upstream a report cannot be filed with, a profile nobody declared.
func checkEntry(e Entry) error {
	var errs []error
	if err := e.Check(); err != nil {
		errs = append(errs, err)
	}
	if !slices.Contains(repro.Templates(), e.Repro) {
		errs = append(errs, fmt.Errorf("judge %s: reproduction template %q is not one of repro.Templates() %v", e.Name, e.Repro, repro.Templates()))
	}
	if u, err := triage.FindUpstream(e.Upstream.Name); err != nil {
		errs = append(errs, fmt.Errorf("judge %s: %w", e.Name, err))
	} else if u != e.Upstream {
		errs = append(errs, fmt.Errorf("judge %s: upstream %+v differs from triage.Upstreams' %+v", e.Name, e.Upstream, u))
	}
	for _, p := range e.Profiles {
		if !slices.ContainsFunc(Profiles, func(q Profile) bool { return q.Name == p }) {
			errs = append(errs, fmt.Errorf("judge %s: profile %q is not in Profiles", e.Name, p))
		}
	}
	return errors.Join(errs...)
}

// TestDescriptors walks every registered judge: its descriptor is whole
// and names what exists, and the judge, started for real, is the one
// described (its name and kind).
func TestDescriptors(t *testing.T) {
	for _, e := range All() {
		t.Run(e.Name, func(t *testing.T) {
			if err := checkEntry(e); err != nil {
				t.Error(err)
			}
			j, err := e.Start()
			if err != nil {
				t.Fatal(err)
			}
			defer parsers.Close([]parsers.Judge{j})
			d, ok := parsers.DescriptorOf(j)
			if !ok || d != e.Descriptor {
				t.Errorf("the judge started carries descriptor %+v (described: %v), want its entry's %+v", d, ok, e.Descriptor)
			}
			if v := j.Judge([]byte(`{"ociVersion":"1.0.2","root":{"path":"rootfs"}}`)); v.Judge != e.Name {
				t.Errorf("its verdict names judge %q", v.Judge)
			}
			// The release is written here by hand; the version is what the
			// judge was built from. The library's version number (the last
			// one in Release) must be among what it reports, or a bump of
			// go.mod, Cargo.toml or crun-versions left the entry behind.
			nums := releaseNumber.FindAllString(e.Release, -1)
			if len(nums) == 0 {
				t.Errorf("release %q holds no version number", e.Release)
			} else if last := nums[len(nums)-1]; !strings.Contains(j.Version(), last) {
				t.Errorf("release %q: %s is not in the version the judge reports, %q", e.Release, last, j.Version())
			}
		})
	}
}

var releaseNumber = regexp.MustCompile(`[0-9]+(\.[0-9]+)+`)

// TestCheckEntryFailsOnMissingFact: the walk above fails for a judge added
// with any one fact left out, or naming a template or upstream that does
// not exist.
func TestCheckEntryFailsOnMissingFact(t *testing.T) {
	base := entries[slices.IndexFunc(entries, func(e Entry) bool { return e.Name == "rust/oci-spec@0.10.0" })]
	if err := checkEntry(base); err != nil {
		t.Fatalf("the entry the cases start from: %v", err)
	}
	for name, spoil := range map[string]func(*Entry){
		"language":      func(e *Entry) { e.Language = "" },
		"library":       func(e *Entry) { e.Library = "" },
		"release":       func(e *Entry) { e.Release = "" },
		"upstream.name": func(e *Entry) { e.Upstream.Name = "" },
		"upstream.repo": func(e *Entry) { e.Upstream.Repo = "" },
		"runtime":       func(e *Entry) { e.Runtime = "" },
		"repro":         func(e *Entry) { e.Repro = "" },
		"about":         func(e *Entry) { e.About = "" },
		"kind":          func(e *Entry) { e.Kind = parsers.Kind(7) },
		"template":      func(e *Entry) { e.Repro = "java-jackson" },
		"an upstream":   func(e *Entry) { e.Upstream = parsers.Upstream{Name: "jackson", Repo: "FasterXML/jackson"} },
		"profile":       func(e *Entry) { e.Profiles = []string{"debian-11"} },
	} {
		e := base
		e.Profiles = slices.Clone(base.Profiles)
		spoil(&e)
		err := checkEntry(e)
		if err == nil {
			t.Errorf("an entry without its %s passes", name)
			continue
		}
		if !strings.Contains(err.Error(), e.Name) {
			t.Errorf("without its %s: %v does not name the judge", name, err)
		}
	}
}

// TestLibraries: judges of one library are releases of it: the same
// upstream, language and kind, and each release once. A cause is keyed on
// the library, so two judges that share one must be releases of the same
// code.
func TestLibraries(t *testing.T) {
	type lib struct {
		first    Entry
		releases []string
	}
	libs := map[string]*lib{}
	for _, e := range All() {
		l, ok := libs[e.Library]
		if !ok {
			libs[e.Library] = &lib{first: e, releases: []string{e.Release}}
			continue
		}
		if e.Upstream != l.first.Upstream || e.Language != l.first.Language || e.Kind != l.first.Kind {
			t.Errorf("%s and %s are both library %s, but differ in upstream, language or kind", l.first.Name, e.Name, e.Library)
		}
		if slices.Contains(l.releases, e.Release) {
			t.Errorf("%s: release %q of %s is carried twice", e.Name, e.Release, e.Library)
		}
		l.releases = append(l.releases, e.Release)
	}
	for name, want := range map[string]int{"libocispec": 3, "oci-spec-rs": 2, "specs-go/encoding-json": 5} {
		n := 0
		if l := libs[name]; l != nil {
			n = len(l.releases)
		}
		if n != want {
			t.Errorf("library %s: %d releases, want %d", name, n, want)
		}
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		sel  string
		want []string
	}{
		{"", []string{"go/unmarshal", "go/decoder", "go/jsonv2", "rust/oci-spec@0.10.0", "c/libocispec@crun-1.28", "schema/jsonschema-v6", "schema/gojsonschema"}},
		{"debian-12", []string{"go/runc-1.1@spec-1.0.2-dev", "c/libocispec@crun-1.8.1", "schema/jsonschema-v6", "schema/gojsonschema"}},
		{"debian-13", []string{"go/containerd-1.7@spec-1.1.0", "go/runc-1.2@spec-1.2.0", "c/libocispec@crun-1.21", "schema/jsonschema-v6", "schema/gojsonschema"}},
		{"newest", []string{"go/unmarshal", "go/decoder", "rust/oci-spec@0.10.0", "c/libocispec@crun-1.28", "schema/jsonschema-v6", "schema/gojsonschema"}},
		// A profile and a judge, each judge once, in the order given.
		{"rust/oci-spec@0.6.0, debian-12,schema/gojsonschema", []string{"rust/oci-spec@0.6.0", "go/runc-1.1@spec-1.0.2-dev", "c/libocispec@crun-1.8.1", "schema/jsonschema-v6", "schema/gojsonschema"}},
	} {
		got, err := Names(tc.sel)
		if err != nil {
			t.Errorf("Names(%q): %v", tc.sel, err)
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Names(%q) = %q, want %q", tc.sel, got, tc.want)
		}
	}
	all, err := Names("all")
	if err != nil || len(all) != len(entries) {
		t.Errorf("Names(all) = %q, %v; want all %d judges", all, err, len(entries))
	}
	if _, err := Names("debian-11"); err == nil || !strings.Contains(err.Error(), `"debian-11"`) || !strings.Contains(err.Error(), "debian-12") {
		t.Errorf("Names(debian-11): error %v, want one naming it and the known profiles", err)
	}
}

// TestProfilesKeepTheSchema: the triage rules measure parsers against the
// spec's schema, so every profile runs both validators and at least one
// parser.
func TestProfilesKeepTheSchema(t *testing.T) {
	ds := Descriptors()
	for _, p := range Profiles {
		names, err := Names(p.Name)
		if err != nil {
			t.Fatal(err)
		}
		var validators, parserCount int
		for _, n := range names {
			if ds[n].Kind == parsers.Validator {
				validators++
			} else {
				parserCount++
			}
		}
		if validators != 2 || parserCount == 0 {
			t.Errorf("profile %s: %d validators and %d parsers (%q)", p.Name, validators, parserCount, names)
		}
	}
}

// TestCompositionRoot: nothing under parsers/ or harness/ imports the
// registry outside its tests; they are handed judges and descriptors, so
// that a judge's facts have one home and those packages stay usable with
// other judges.
func TestCompositionRoot(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`,
		"github.com/ocidiff/ocidiff/parsers/...", "github.com/ocidiff/ocidiff/harness/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const self = "github.com/ocidiff/ocidiff/registry"
	pkgs := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(pkgs) < 10 {
		t.Fatalf("go list named %d packages under parsers/ and harness/: %q", len(pkgs), out)
	}
	for _, line := range pkgs {
		f := strings.Fields(line)
		if slices.Contains(f[1:], self) {
			t.Errorf("%s imports %s", f[0], self)
		}
	}
}
