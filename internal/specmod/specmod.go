// Package specmod finds the files of the pinned runtime-spec Go module at run
// time. The JSON Schema and the spec's own test fixtures are read from the
// module that go.mod pins, never from a copy in this repository, so that a
// version bump in go.mod moves every judge and every fixture at once and
// nothing can drift out of sync with the Go types the binary was built with.
package specmod

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// Path is the module path of the runtime spec.
const Path = "github.com/opencontainers/runtime-spec"

// EnvDir names the environment variable that, when set, overrides where the
// module's files are looked for (a checkout of runtime-spec, or a vendored
// copy outside this repository).
const EnvDir = "OCIDIFF_RUNTIME_SPEC_DIR"

// Version reports the version of the runtime-spec module this binary was
// built with, e.g. "v1.3.0", or "" if it cannot be found out.
func Version() string { return ModuleVersion(Path) }

// ModuleVersion reports the version of the Go module at path this binary was
// built with, or "" if it cannot be found out. Judges use it to say exactly
// which library judged.
//
// It reads the build information first: that is the truth for a built
// binary. Test binaries (go1.26) carry build information without the list
// of dependencies, so it falls back to the require line in the go.mod of the
// enclosing module, looked for above the working directory and then above
// this source file.
func ModuleVersion(path string) string {
	if v, ok := versions.Load(path); ok {
		return v.(string)
	}
	v := buildInfoVersion(path)
	if v == "" {
		v = goModVersion(path)
	}
	versions.Store(path, v)
	return v
}

var versions sync.Map // module path -> version

func buildInfoVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range bi.Deps {
		if d.Path != path {
			continue
		}
		if d.Replace != nil && d.Replace.Version != "" {
			return d.Replace.Version
		}
		return d.Version
	}
	return ""
}

func goModVersion(path string) string {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for {
			if v := requireVersion(filepath.Join(dir, "go.mod"), path); v != "" {
				return v
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return ""
}

// requireVersion returns the version that the go.mod file gomod requires for
// module path. It reads both the one-line and the block form.
func requireVersion(gomod, path string) string {
	f, err := os.Open(gomod)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	inRequire := false
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0:
			continue
		case fields[0] == "require" && len(fields) >= 2 && fields[1] == "(":
			inRequire = true
			continue
		case inRequire && fields[0] == ")":
			inRequire = false
			continue
		case fields[0] == "require" && len(fields) >= 3:
			fields = fields[1:]
		case !inRequire:
			continue
		}
		if len(fields) >= 2 && fields[0] == path {
			return fields[1]
		}
	}
	return ""
}

// Dir returns the root directory of the pinned runtime-spec module: the
// value of $OCIDIFF_RUNTIME_SPEC_DIR if set, else a directory runtime-spec
// next to the running executable (where a packaged build, such as the
// ClusterFuzzLite one, puts the module's files because no module cache
// exists there), else the module's directory in the Go module cache. The
// error names every place it looked.
func Dir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		if _, err := os.Stat(filepath.Join(d, "schema", "config-schema.json")); err != nil {
			return "", fmt.Errorf("specmod: $%s=%s is not a runtime-spec checkout: %w", EnvDir, d, err)
		}
		return d, nil
	}
	if exe, err := os.Executable(); err == nil {
		d := filepath.Join(filepath.Dir(exe), "runtime-spec")
		if _, err := os.Stat(filepath.Join(d, "schema", "config-schema.json")); err == nil {
			return d, nil
		}
	}
	v := Version()
	if v == "" {
		return "", fmt.Errorf("specmod: cannot tell which version of %s this binary was built with (no build information, no go.mod); set $%s", Path, EnvDir)
	}
	sub, err := escapePath(Path + "@" + v)
	if err != nil {
		return "", err
	}
	var tried []string
	for _, cache := range modCaches() {
		d := filepath.Join(cache, filepath.FromSlash(sub))
		if _, err := os.Stat(filepath.Join(d, "schema", "config-schema.json")); err == nil {
			return d, nil
		}
		tried = append(tried, d)
	}
	return "", fmt.Errorf("specmod: %s@%s not found in the module cache (tried %s): run `go mod download %s` or set $%s",
		Path, v, strings.Join(tried, ", "), Path, EnvDir)
}

// modCaches lists candidate module cache directories the way the go command
// computes GOMODCACHE ($GOMODCACHE, else the first entry of $GOPATH plus
// /pkg/mod, else ~/go/pkg/mod), and last what `go env GOMODCACHE` says, which
// also covers a value set with `go env -w`.
func modCaches() []string {
	var dirs []string
	add := func(d string) {
		if d == "" {
			return
		}
		for _, x := range dirs {
			if x == d {
				return
			}
		}
		dirs = append(dirs, d)
	}
	if d := os.Getenv("GOMODCACHE"); d != "" {
		add(d)
	} else if gp := os.Getenv("GOPATH"); gp != "" {
		add(filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod"))
	} else if home, err := os.UserHomeDir(); err == nil {
		add(filepath.Join(home, "go", "pkg", "mod"))
	}
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		add(strings.TrimSpace(string(out)))
	}
	return dirs
}

// escapePath applies the module cache's case encoding: every upper-case
// letter becomes '!' and its lower-case form.
func escapePath(p string) (string, error) {
	var b strings.Builder
	for _, r := range p {
		switch {
		case r == '!' || r >= unicode.MaxASCII:
			return "", fmt.Errorf("specmod: invalid module path %q", p)
		case 'A' <= r && r <= 'Z':
			b.WriteByte('!')
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

// SchemaDir returns the module's schema directory, which holds
// config-schema.json and the files it refers to.
func SchemaDir() (string, error) {
	d, err := Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "schema"), nil
}

// Fixtures returns, sorted, the paths of the spec's own configuration test
// fixtures of the given kind: "good" (valid configs) or "bad" (invalid ones),
// that is schema/test/config/<kind>/*.json.
func Fixtures(kind string) ([]string, error) {
	if kind != "good" && kind != "bad" {
		return nil, fmt.Errorf("specmod: fixture kind %q: want \"good\" or \"bad\"", kind)
	}
	sd, err := SchemaDir()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(sd, "test", "config", kind)
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, errors.New("specmod: no fixtures in " + dir)
	}
	sort.Strings(paths)
	return paths, nil
}
