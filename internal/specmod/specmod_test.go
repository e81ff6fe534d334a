package specmod

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	v := Version()
	if !strings.HasPrefix(v, "v1.") {
		t.Fatalf("Version() = %q, want a v1.x version of %s", v, Path)
	}
	// Test binaries (go1.26) carry build information without the
	// dependency list, so here Version comes from the go.mod fallback;
	// built binaries list the dependency. Both must agree where both exist.
	bi, gm := buildInfoVersion(Path), goModVersion(Path)
	if gm != v {
		t.Errorf("go.mod says %q, Version() says %q", gm, v)
	}
	if bi != "" && bi != gm {
		t.Errorf("build information says %q, go.mod says %q", bi, gm)
	}
}

func TestModuleVersion(t *testing.T) {
	for _, m := range []string{"github.com/santhosh-tekuri/jsonschema/v6", "github.com/xeipuuv/gojsonschema", "github.com/go-json-experiment/json"} {
		if v := ModuleVersion(m); !strings.HasPrefix(v, "v") {
			t.Errorf("ModuleVersion(%q) = %q", m, v)
		}
	}
	if v := ModuleVersion("example.com/not/a/dependency"); v != "" {
		t.Errorf("ModuleVersion of a module not required = %q, want \"\"", v)
	}
}

func TestRequireVersion(t *testing.T) {
	tests := []struct{ name, gomod, want string }{
		{"block", "module m\n\nrequire (\n\tgithub.com/opencontainers/runtime-spec v1.2.3 // indirect\n)\n", "v1.2.3"},
		{"line", "module m\nrequire github.com/opencontainers/runtime-spec v1.0.0\n", "v1.0.0"},
		{"other module", "module m\nrequire (\n\tgithub.com/opencontainers/runtime-spec-x v9.9.9\n)\n", ""},
		{"outside require", "module m\nreplace github.com/opencontainers/runtime-spec v1.0.0 => ./x\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "go.mod")
			if err := os.WriteFile(p, []byte(tt.gomod), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := requireVersion(p, Path); got != tt.want {
				t.Errorf("requireVersion = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDir(t *testing.T) {
	t.Setenv(EnvDir, "")
	d, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(d, "runtime-spec@"+Version()) {
		t.Errorf("Dir() = %s, want the module cache directory of %s@%s", d, Path, Version())
	}
	sd, err := SchemaDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(sd, "config-schema.json")); err != nil {
		t.Error(err)
	}
}

func TestDirEnv(t *testing.T) {
	real, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvDir, real)
	if d, err := Dir(); err != nil || d != real {
		t.Errorf("with $%s=%s: Dir() = %q, %v", EnvDir, real, d, err)
	}
	empty := t.TempDir()
	t.Setenv(EnvDir, empty)
	if _, err := Dir(); err == nil || !strings.Contains(err.Error(), empty) {
		t.Errorf("with $%s=%s (no schema): err = %v, want one naming the directory", EnvDir, empty, err)
	}
}

func TestDirMissing(t *testing.T) {
	// An empty module cache and a go command that cannot be found: the
	// error must say where it looked and what to do.
	cache := t.TempDir()
	t.Setenv(EnvDir, "")
	t.Setenv("GOMODCACHE", cache)
	t.Setenv("PATH", t.TempDir())
	_, err := Dir()
	if err == nil {
		t.Fatal("Dir() succeeded with an empty module cache")
	}
	for _, want := range []string{cache, "go mod download"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestFixtures(t *testing.T) {
	for _, kind := range []string{"good", "bad"} {
		ps, err := Fixtures(kind)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) == 0 {
			t.Fatalf("no %s fixtures", kind)
		}
		for _, p := range ps {
			if filepath.Base(filepath.Dir(p)) != kind || filepath.Ext(p) != ".json" {
				t.Errorf("Fixtures(%q) returned %s", kind, p)
			}
		}
	}
	if _, err := Fixtures("ugly"); err == nil {
		t.Error(`Fixtures("ugly") succeeded`)
	}
}

func TestPattern(t *testing.T) {
	tests := []struct {
		tokens []string
		want   string
	}{
		{nil, ""},
		{[]string{"windows", "layerFolders"}, "/windows/layerFolders"},
		{[]string{"windows", "layerFolders", "3"}, "/windows/layerFolders/*"},
		{[]string{"mounts", "0", "options", "12"}, "/mounts/*/options/*"},
		{[]string{"linux", "netDevices", "eth0", "name"}, "/linux/netDevices/*/name"},
		{[]string{"annotations", "a/b~c"}, "/annotations/*"},
		{[]string{"linux", "sysctl", "7"}, "/linux/sysctl/*"},
		// Unknown names are kept (they are the cause); indices below them are not.
		{[]string{"x-unknown", "3", "k"}, "/x-unknown/*/k"},
		{[]string{"ociVersion", "0"}, "/ociVersion/*"},
		{[]string{"a/b"}, "/a~1b"},
	}
	for _, tt := range tests {
		if got := Pattern(tt.tokens); got != tt.want {
			t.Errorf("Pattern(%q) = %q, want %q", tt.tokens, got, tt.want)
		}
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		tokens []string
		has    string // a name the location must have; "" when it has none
	}{
		{nil, "ociVersion"},
		{[]string{"linux", "resources", "blockIO"}, "throttleWriteIOPSDevice"},
		{[]string{"windows", "hyperv"}, "utilityVMPath"},
		{[]string{"mounts", "*"}, "destination"},
		{[]string{"mounts", "0"}, "destination"},
		{[]string{"linux", "netDevices", "eth0"}, "name"},
		// Maps, arrays, scalars and unknown places have no member names.
		{[]string{"linux", "netDevices"}, ""},
		{[]string{"annotations"}, ""},
		{[]string{"mounts"}, ""},
		{[]string{"ociVersion"}, ""},
		{[]string{"x-unknown"}, ""},
		{[]string{"linux", "resources", "blockIO", "throttleWriteIopsDevice"}, ""},
	}
	for _, tt := range tests {
		got := Names(tt.tokens)
		switch {
		case tt.has == "" && got != nil:
			t.Errorf("Names(%q) = %d names, want none", tt.tokens, len(got))
		case tt.has != "" && !got[tt.has]:
			t.Errorf("Names(%q) lacks %q (has %d names)", tt.tokens, tt.has, len(got))
		}
	}
}
