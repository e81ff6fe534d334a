// Package repro writes, for one judge's verdict, a standalone program that
// reproduces it with that judge's library alone, for an upstream that does
// not know ocidiff.
package repro

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/parsers"
)

// Program is a standalone program that reproduces one judge's verdict with
// that judge's library alone, for an upstream that does not know ocidiff.
// Every program takes the config file as its first argument and prints one
// line: "accept: MODEL" (MODEL is what a parser read, re-serialized by the
// library's own serializer; validators print "accept" alone) with exit
// status 0, or "reject: ERROR" with exit status 1. Exit status 2 is a
// failure of the program itself (an unreadable file).
type Program struct {
	Judge string
	// Lang is "go", "rust" or "c".
	Lang string
	// Key names the program; it is the same for every input, so a batch
	// of cases compiles each program once.
	Key string
	// Files are the program's files, in the order a reader needs them.
	Files []File
	// Setup is the shell commands that fetch the library and build the
	// program, run in a directory of its own holding Files (named Key,
	// so that two programs' go.mod or Cargo.toml never meet); Run is the
	// command that judges the config.json beside that directory.
	Setup []string
	Run   string
	// Modules, for Go programs, maps each module the program needs to its
	// version; Crate, for Rust ones, is the oci-spec version.
	Modules map[string]string
	Crate   string
}

// File is one file of a program.
type File struct {
	Name, Body string
}

// SchemaArg is the second argument the schema programs take: the spec's
// config-schema.json, found in the module cache of the program's module.
const SchemaArg = `"$(go list -m -f '{{.Dir}}' github.com/opencontainers/runtime-spec)/schema/config-schema.json"`

// For returns the program that reproduces v's judge, at the versions
// v records, from the template d (the judge's descriptor) names.
func For(v parsers.Verdict, d parsers.Descriptor) (Program, error) {
	r := Program{Judge: v.Judge}
	if d.Name != v.Judge {
		return r, fmt.Errorf("repro: the verdict of judge %s comes with the descriptor of %q", v.Judge, d.Name)
	}
	mods := goModules(v.Version)
	switch src, isGo := goSources[d.Repro]; {
	case isGo:
		r.Lang = "go"
		deb := debianSpecs.FindStringSubmatch(v.Version)
		if _, ok := mods[specPath]; !ok && deb == nil {
			return r, fmt.Errorf("repro: judge %s: no runtime-spec version in %q", v.Judge, v.Version)
		}
		r.Key = strings.NewReplacer("/", "-").Replace(v.Judge)
		r.Modules = mods
		header := fmt.Sprintf("// Reproduces ocidiff's %s judge with %s alone.\n", v.Judge, v.Version)
		r.Files = []File{{"main.go", header + src}}
		r.Setup = []string{"go mod init repro"}
		if deb != nil {
			// The Go module proxy does not serve this snapshot; Debian's
			// package holds its sources, without a go.mod.
			r.Setup = append(r.Setup,
				"# Debian: apt-get install "+deb[1]+" (= "+deb[2]+")",
				"cp -r "+debianSpecsDir+" runtime-spec",
				"(cd runtime-spec && go mod init "+specPath+")",
				"go mod edit -require="+specPath+"@v1.0.2-dev -replace="+specPath+"=./runtime-spec")
		}
		paths := make([]string, 0, len(mods))
		for p := range mods {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		for _, p := range paths {
			r.Setup = append(r.Setup, "go get "+p+"@"+mods[p])
		}
		r.Setup = append(r.Setup, "go build -o repro .")
		r.Run = "./repro ../config.json"
		if d.Kind == parsers.Validator {
			r.Run += " " + SchemaArg
		}
	case d.Repro == rustOCISpec:
		r.Lang = "rust"
		m := crateVersion.FindStringSubmatch(v.Version)
		if m == nil {
			return r, fmt.Errorf("repro: judge %s: no oci-spec version in %q", v.Judge, v.Version)
		}
		r.Crate = m[1]
		r.Key = "repro-oci-spec-" + strings.ReplaceAll(r.Crate, ".", "-")
		r.Files = []File{
			{"Cargo.toml", fmt.Sprintf(cargoToml, r.Key, r.Crate)},
			{"src/main.rs", fmt.Sprintf(rustMain, v.Judge, r.Crate)},
		}
		r.Setup = []string{"cargo build --quiet"}
		r.Run = "./target/debug/" + r.Key + " ../config.json"
	case d.Repro == cLibocispec:
		r.Lang = "c"
		m := cVersion.FindStringSubmatch(v.Version)
		if m == nil {
			return r, fmt.Errorf("repro: judge %s: no crun and JSON library packages in %q", v.Judge, v.Version)
		}
		deb, jsonPkg, jsonVer := m[1], m[2], m[3]
		// Named after crun's upstream release, the Debian version without
		// its revision: one program per release.
		upstreamVersion := deb
		if i := strings.LastIndex(deb, "-"); i > 0 {
			upstreamVersion = deb[:i]
		}
		r.Key = "libocispec-crun-" + upstreamVersion
		lib, ok := cJSONLibs[jsonPkg]
		if !ok {
			return r, fmt.Errorf("repro: judge %s: unknown JSON library package %s", v.Judge, jsonPkg)
		}
		r.Files = []File{{"repro.c", fmt.Sprintf(cMain, v.Judge, v.Version)}}
		r.Setup = []string{
			fmt.Sprintf("# On the Debian release that ships crun %s (libcrun.a is in the crun package):", deb),
			fmt.Sprintf("# apt-get install crun=%s %s=%s", deb, jsonPkg, jsonVer),
			"cc -o repro repro.c /usr/lib/$(cc -dumpmachine)/libcrun.a " + lib,
		}
		r.Run = "./repro ../config.json"
	default:
		return r, fmt.Errorf("repro: judge %s names template %q, which package repro does not know", v.Judge, d.Repro)
	}
	return r, nil
}

// The templates for judges that are not Go programs; the Go ones are the
// keys of goSources.
const (
	rustOCISpec = "rust-oci-spec"
	cLibocispec = "c-libocispec"
)

// Templates lists the reproduction templates For knows, the values a
// descriptor's Repro may take.
func Templates() []string {
	ts := []string{rustOCISpec, cLibocispec}
	for k := range goSources {
		ts = append(ts, k)
	}
	slices.Sort(ts)
	return ts
}

// crateVersion reads the Rust adapter's version text, "oci-spec 0.10.0".
var crateVersion = regexp.MustCompile(`^oci-spec (\S+)$`)

const specPath = "github.com/opencontainers/runtime-spec"

// cVersion reads a C judge's version text, e.g. "libocispec in crun 1.28-1
// (Debian libcrun.a), libjson-c-dev 0.19+ds-1": crun's Debian version, and
// the JSON library's package and version.
var cVersion = regexp.MustCompile(`^libocispec in crun (\S+) \(Debian libcrun\.a\), (\S+) (\S+)$`)

// cJSONLibs maps the JSON library's -dev package to the linker flag.
var cJSONLibs = map[string]string{"libjson-c-dev": "-ljson-c", "libyajl-dev": "-lyajl"}

// debianSpecs matches the version text of a judge built from Debian's
// runtime-spec package, as Debian 12's runc is.
var debianSpecs = regexp.MustCompile(`from Debian (golang-github-opencontainers-specs-dev) (\S+);`)

const debianSpecsDir = "/usr/share/gocode/src/github.com/opencontainers/runtime-spec"

var modVersion = regexp.MustCompile(`(?:^|; )((?:github\.com|golang\.org)/\S+) (v[^\s;]+)`)

// goModules reads the Go modules and versions out of a judge's version
// text, e.g. "github.com/xeipuuv/gojsonschema v1.2.0; runtime-spec schema
// v1.3.0".
func goModules(version string) map[string]string {
	mods := map[string]string{}
	for _, m := range modVersion.FindAllStringSubmatch(version, -1) {
		mods[m[1]] = m[2]
	}
	if m := regexp.MustCompile(`runtime-spec schema (v[^\s;]+)`).FindStringSubmatch(version); m != nil {
		mods[specPath] = m[1]
	}
	return mods
}

// decoderSource is runc's loadSpec since runc 1.2.
const decoderSource = `//
// runc reads config.json with json.NewDecoder(file).Decode into a
// *specs.Spec and refuses a nil result; Decode reads the first JSON value
// and leaves the rest.
//
// Usage: repro config.json
package main

import (
	"encoding/json"
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer f.Close()
	var spec *specs.Spec
	if err := json.NewDecoder(f).Decode(&spec); err != nil {
		fmt.Println("reject:", err)
		os.Exit(1)
	}
	if spec == nil { // runc's loadSpec checks this right after decoding
		fmt.Println("reject: config cannot be null")
		os.Exit(1)
	}
	model, err := json.Marshal(spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("accept: %s\n", model)
}
`

// The Go programs by template (a descriptor's Repro), each after a header
// line naming the judge and versions.
var goSources = map[string]string{
	"go-runc-1.1": `//
// runc 1.1's loadSpec: json.NewDecoder(file).Decode into a *specs.Spec,
// then validateProcessSpec(spec.Process) with no nil check, so the input
// null, which leaves spec nil, panics (runc 1.2 refuses it instead).
//
// Usage: repro config.json
package main

import (
	"encoding/json"
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer f.Close()
	var spec *specs.Spec
	if err := json.NewDecoder(f).Decode(&spec); err != nil {
		fmt.Println("reject:", err)
		os.Exit(1)
	}
	process := spec.Process // panics on a nil spec, as runc 1.1.5's spec.go:129
	_ = process
	model, err := json.Marshal(spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("accept: %s\n", model)
}
`,
	"go-containerd-1.7": `//
// containerd 1.7's oci.WithSpecFromBytes (behind ctr run --config):
// json.Unmarshal into a cleared specs.Spec, errors wrapped as containerd
// wraps them.
//
// Usage: repro config.json
package main

import (
	"encoding/json"
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var spec specs.Spec
	if err := json.Unmarshal(data, &spec); err != nil {
		fmt.Printf("reject: decoding spec config file failed, current supported OCI runtime-spec : v%s: %v\n", specs.Version, err)
		os.Exit(1)
	}
	model, err := json.Marshal(&spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("accept: %s\n", model)
}
`,
	"go-unmarshal": `//
// containerd and hcsshim read config.json with json.Unmarshal into a
// specs.Spec.
//
// Usage: repro config.json
package main

import (
	"encoding/json"
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var spec specs.Spec
	if err := json.Unmarshal(data, &spec); err != nil {
		fmt.Println("reject:", err)
		os.Exit(1)
	}
	model, err := json.Marshal(&spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("accept: %s\n", model)
}
`,
	"go-decoder":  decoderSource,
	"go-runc-1.2": decoderSource,
	"go-jsonv2": `//
// The encoding/json/v2 semantics (go-json-experiment/json) decoding into a
// specs.Spec; what was read is printed with encoding/json.
//
// Usage: repro config.json
package main

import (
	"encoding/json"
	"fmt"
	"os"

	jsonv2 "github.com/go-json-experiment/json"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var spec specs.Spec
	if err := jsonv2.Unmarshal(data, &spec); err != nil {
		fmt.Println("reject:", err)
		os.Exit(1)
	}
	model, err := json.Marshal(&spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("accept: %s\n", model)
}
`,
	"go-gojsonschema": `//
// Validates config.json against the spec's schema/config-schema.json, as
// the spec's own schema/validate.go does.
//
// Usage: repro config.json path/to/schema/config-schema.json
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/xeipuuv/gojsonschema"
)

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	schemaPath, err := filepath.Abs(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	schema, err := gojsonschema.NewSchema(gojsonschema.NewReferenceLoader("file://" + schemaPath))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	res, err := schema.Validate(gojsonschema.NewBytesLoader(data))
	if err != nil {
		fmt.Println("reject:", err)
		os.Exit(1)
	}
	if !res.Valid() {
		var msgs []string
		for _, e := range res.Errors() {
			msgs = append(msgs, e.String())
		}
		fmt.Println("reject:", strings.Join(msgs, "; "))
		os.Exit(1)
	}
	fmt.Println("accept")
}
`,
	"go-jsonschema-v6": `//
// Validates config.json against the spec's schema/config-schema.json. The
// v1.3.0 schema compiles in this library only with two workarounds, both
// below: the files config-schema.json refers to declare no "$schema" and
// must be read as draft-04, and "$ref" fragments such as
// "#definitions/uint32" must be read as the JSON pointers they mean.
//
// Usage: repro config.json path/to/schema/config-schema.json
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

type loader struct{}

func (loader) Load(url string) (any, error) {
	doc, err := jsonschema.FileLoader{}.Load(url)
	fixRefs(doc)
	return doc, err
}

func fixRefs(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				if base, frag, ok := strings.Cut(s, "#"); ok && frag != "" && !strings.HasPrefix(frag, "/") {
					v[k] = base + "#/" + frag
				}
				continue
			}
			fixRefs(x)
		}
	case []any:
		for _, x := range v {
			fixRefs(x)
		}
	}
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	schemaPath, err := filepath.Abs(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.UseLoader(loader{})
	schema, err := c.Compile(schemaPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err == nil {
		err = schema.Validate(doc)
	}
	if err != nil {
		fmt.Println("reject:", err)
		os.Exit(1)
	}
	fmt.Println("accept")
}
`,
}

const cargoToml = `[package]
name = "%s"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
oci-spec = { version = "=%s", default-features = false, features = ["runtime"] }
serde_json = "1"
`

const rustMain = `//! Reproduces ocidiff's %s judge with the oci-spec crate %s alone:
//! serde_json::from_reader into oci_spec::runtime::Spec, which is what
//! Spec::load does (its error says only "serde failed"; this prints
//! serde_json's own).
//!
//! Usage: repro config.json

use oci_spec::runtime::Spec;
use std::{env, fs::File, io::BufReader, process::exit};

fn main() {
    let path = env::args().nth(1).expect("usage: repro config.json");
    let file = File::open(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        exit(2)
    });
    match serde_json::from_reader::<_, Spec>(BufReader::new(file)) {
        Ok(spec) => println!("accept: {}", serde_json::to_string(&spec).unwrap()),
        Err(e) => {
            println!("reject: {e}");
            exit(1)
        }
    }
}
`

const cMain = `/* Reproduces ocidiff's %s judge with %s
 * alone: crun loads config.json with libocispec's
 * runtime_spec_schema_config_schema_parse_file (path, NULL, &err).
 *
 * Debian's crun package ships libcrun.a without headers, so the few
 * prototypes are declared here, as in libocispec's generated
 * runtime_spec_schema_config_schema.h. GEN_SIMPLIFY is 0x04 in the
 * libocispec of crun 1.8.1 to 1.28.
 *
 * Build: see the setup steps next to this file.
 * Usage: ./repro config.json
 */
#include <stdio.h>
#include <stdlib.h>

typedef char *parser_error;
struct parser_context
{
  unsigned int options;
  FILE *errfile;
};
typedef struct runtime_spec_schema_config_schema runtime_spec_schema_config_schema;

runtime_spec_schema_config_schema *runtime_spec_schema_config_schema_parse_file (const char *filename,
                                                                                const struct parser_context *ctx,
                                                                                parser_error *err);
char *runtime_spec_schema_config_schema_generate_json (const runtime_spec_schema_config_schema *ptr,
                                                       const struct parser_context *ctx, parser_error *err);
void free_runtime_spec_schema_config_schema (runtime_spec_schema_config_schema *ptr);

int
main (int argc, char **argv)
{
  parser_error err = NULL;
  struct parser_context gen = { 0x04 /* OPT_GEN_SIMPLIFY */, NULL };
  runtime_spec_schema_config_schema *spec;
  char *json;

  if (argc != 2)
    {
      fprintf (stderr, "usage: repro config.json\n");
      return 2;
    }
  spec = runtime_spec_schema_config_schema_parse_file (argv[1], NULL, &err);
  if (spec == NULL)
    {
      printf ("reject: %%s\n", err != NULL ? err : "(null)");
      return 1;
    }
  free (err);
  err = NULL;
  json = runtime_spec_schema_config_schema_generate_json (spec, &gen, &err);
  if (json == NULL)
    {
      fprintf (stderr, "generate_json: %%s\n", err != NULL ? err : "(null)");
      return 2;
    }
  printf ("accept: %%s\n", json);
  free (json);
  free (err);
  free_runtime_spec_schema_config_schema (spec);
  return 0;
}
`

// ExpectedOutput is what a Program prints for a verdict: "accept: MODEL"
// for a parser, "accept" for a validator, "reject: ERROR". A crash prints
// no verdict line.
func ExpectedOutput(v parsers.Verdict) string {
	switch v.Outcome {
	case parsers.Accept:
		if len(v.Model) == 0 {
			return "accept"
		}
		var c bytes.Buffer
		if json.Compact(&c, v.Model) != nil {
			return "accept: " + string(v.Model)
		}
		return "accept: " + c.String()
	case parsers.Reject:
		return "reject: " + v.Error
	}
	return "(" + string(v.Outcome) + ") " + v.Error
}
