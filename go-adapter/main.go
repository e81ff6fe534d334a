// Command ocidiff-go-adapter serves Go judges pinned to one release of
// runtime-spec's specs-go, over the framed protocol of
// parsers/adapter/PROTOCOL.md.
//
// It is a program of its own, not a judge inside ocidiff, because one Go
// build holds one version of a module: ocidiff itself is built with
// runtime-spec v1.3.0, while the runtimes people run were built with older
// releases (Debian 12's runc 1.1.5 with a 1.0.2-dev snapshot, containerd 1.7
// with v1.1.0, runc 1.2 with v1.2.0). The same main.go is built once per
// pinned release, each with its own go.spec-RELEASE.mod
// (`go build -modfile=go.spec-1.1.0.mod`); go.mod pins v1.3.0, the release
// ocidiff's in-process judges use, so that tests can check this program
// against them.
//
// The argument names the runtime whose way of reading config.json to
// serve (see readers); the judge announces itself as
// go/RUNTIME@spec-VERSION, where VERSION is specs.Version of the build, the
// text `runc --version` prints as "spec:".
//
// Framing is written out here rather than imported from ocidiff's
// parsers/adapter: requiring the ocidiff module would pull its runtime-spec
// v1.3.0 into this build and undo the pin.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

const specModule = "github.com/opencontainers/runtime-spec"

// specPackage names the distribution package the module is read from when
// go.spec-*.mod replaces it with a directory (Debian's
// golang-github-opencontainers-specs-dev), which build info cannot tell.
// The Makefile sets it with -ldflags -X from dpkg-query.
var specPackage string

// maxFrame is the protocol's frame limit.
const maxFrame = 256 << 20

// A reader is one runtime's code path from config.json bytes to the value
// it acts on. What runc checks after decoding (validateProcessSpec: cwd,
// args) is runc's policy, not reading, and is left out, as in ocidiff's
// in-process go/decoder.
type reader struct {
	runtime string
	// library is the hello's: how the runtime reads, which is what sets
	// its verdicts apart from another Go reader's (runc's Decoder stops
	// after one value, containerd's Unmarshal refuses what follows).
	library string
	read    func([]byte) (any, error)
}

// readers lists what this program serves; the first is served when no
// argument is given.
var readers = []reader{
	// runc >= 1.2 (spec.go, loadSpec): decode one value into a
	// *specs.Spec and refuse a nil result (runc commit 97ea1255e).
	{"runc-1.2", "specs-go/encoding-json-decoder", func(in []byte) (any, error) {
		var spec *specs.Spec
		if err := json.NewDecoder(bytes.NewReader(in)).Decode(&spec); err != nil {
			return nil, err
		}
		if spec == nil {
			return nil, errors.New("config cannot be null")
		}
		return spec, nil
	}},
	// runc 1.1 (spec.go, loadSpec): the same decode, then
	// validateProcessSpec(spec.Process) with no nil check, so the input
	// null, which leaves spec nil, panics.
	{"runc-1.1", "specs-go/encoding-json-decoder", func(in []byte) (any, error) {
		var spec *specs.Spec
		if err := json.NewDecoder(bytes.NewReader(in)).Decode(&spec); err != nil {
			return nil, err
		}
		defer func() {
			if r := recover(); r != nil {
				panic(fmt.Sprintf("%v: runc 1.1's loadSpec reads spec.Process of the nil *specs.Spec that null decodes to (spec.go:129 in runc 1.1.5; runc 1.2 refuses null instead)", r))
			}
		}()
		processOf(spec)
		return spec, nil
	}},
	// containerd 1.7 (oci.WithSpecFromBytes, behind WithSpecFromFile and
	// `ctr run --config`): clear the spec, json.Unmarshal into it, and wrap
	// the error with this text.
	{"containerd-1.7", "specs-go/encoding-json", func(in []byte) (any, error) {
		var spec specs.Spec
		if err := json.Unmarshal(in, &spec); err != nil {
			return nil, fmt.Errorf("decoding spec config file failed, current supported OCI runtime-spec : v%s: %w", specs.Version, err)
		}
		return &spec, nil
	}},
}

// processOf is runc 1.1's spec.Process, kept out of line so that the nil
// dereference happens where runc's does.
//
//go:noinline
func processOf(s *specs.Spec) *specs.Process { return s.Process }

type hello struct {
	Protocol int    `json:"protocol"`
	Judge    string `json:"judge"`
	Version  string `json:"version"`
	Kind     string `json:"kind"`
	Language string `json:"language"`
	Library  string `json:"library"`
	Release  string `json:"release"`
}

type verdict struct {
	Outcome string          `json:"outcome"`
	Error   string          `json:"error,omitempty"`
	At      *string         `json:"at,omitempty"` // "" is the whole document
	Model   json.RawMessage `json:"model,omitempty"`
}

func helloFor(r reader) hello {
	return hello{
		Protocol: 2,
		Judge:    "go/" + r.runtime + "@spec-" + specs.Version,
		Version:  version(),
		Kind:     "parser",
		Language: "Go",
		Library:  r.library,
		Release:  specs.Version,
	}
}

// version is the exact runtime-spec module version of this build and the
// Go release whose encoding/json decodes.
func version() string {
	v := "(unknown)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == specModule {
				v = d.Version
				if d.Replace != nil {
					v = d.Replace.Version
					if v == "" || v == "(devel)" {
						v = "from " + d.Replace.Path
						if specPackage != "" {
							v = "from " + specPackage
						}
					}
				}
			}
		}
	}
	return specModule + " " + v + "; encoding/json " + runtime.Version()
}

func main() {
	args := os.Args[1:]
	if len(args) == 1 && args[0] == "--list" {
		enc := json.NewEncoder(os.Stdout)
		for _, r := range readers {
			enc.Encode(helloFor(r))
		}
		return
	}
	if len(args) > 1 {
		fatalf("usage: ocidiff-go-adapter [--list | RUNTIME]")
	}
	r := readers[0]
	if len(args) == 1 {
		found := false
		for _, x := range readers {
			if x.runtime == args[0] {
				r, found = x, true
			}
		}
		if !found {
			fatalf("unknown runtime %q (--list shows the known ones)", args[0])
		}
	}
	if err := serve(os.Stdin, os.Stdout, r); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "ocidiff-go-adapter: "+format+"\n", a...)
	os.Exit(2)
}

// serve answers frames until end of input.
func serve(in io.Reader, out io.Writer, r reader) error {
	br, bw := bufio.NewReader(in), bufio.NewWriter(out)
	if err := writeJSON(bw, helloFor(r)); err != nil {
		return err
	}
	var hdr [4]byte
	for {
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			if err == io.EOF {
				return nil
			}
			return fmt.Errorf("reading frame length: %w", err)
		}
		n := binary.BigEndian.Uint32(hdr[:])
		if n > maxFrame {
			return fmt.Errorf("frame of %d bytes exceeds the %d-byte limit", n, maxFrame)
		}
		input := make([]byte, n)
		if _, err := io.ReadFull(br, input); err != nil {
			return fmt.Errorf("reading a frame of %d bytes: %w", n, err)
		}
		if err := writeJSON(bw, judge(r, input)); err != nil {
			return err
		}
	}
}

// judge reads input as r's runtime does; a panic becomes a crash verdict.
func judge(r reader, input []byte) (v verdict) {
	defer func() {
		if p := recover(); p != nil {
			v = verdict{Outcome: "crash", Error: fmt.Sprintf("panic: %v", p)}
		}
	}()
	spec, err := r.read(input)
	if err != nil {
		return verdict{Outcome: "reject", Error: err.Error(), At: at(err, input)}
	}
	model, err := json.Marshal(spec)
	if err != nil {
		return verdict{Outcome: "crash", Error: "re-serializing the decoded spec: " + err.Error()}
	}
	return verdict{Outcome: "accept", Model: model}
}

func writeJSON(w *bufio.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], uint32(len(b)))
	w.Write(hdr[:])
	w.Write(b)
	return w.Flush()
}

// at turns the place an encoding/json type error names into a JSON
// pointer into input, or nil when it cannot be one.
//
// UnmarshalTypeError.Field is the JSON member names from the root to the
// member, joined by dots, with no array indices and no map keys, which
// encoding/json does not record. A pointer must say which element, so a
// path through an array or a map, or an error inside one's elements, has
// none; the path is followed through the specs.Spec type to tell. The
// names are the spec's spelling, while encoding/json matches a member in
// any letter case, so the path must also be found in input as written (see
// written).
func at(err error, input []byte) *string {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return nil
	}
	t := reflect.TypeFor[specs.Spec]()
	var p strings.Builder
	if te.Field != "" {
		for _, name := range strings.Split(te.Field, ".") {
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			if t.Kind() != reflect.Struct {
				return nil // an array's or map's element: which one is unknown
			}
			f, ok := memberOf(t, name)
			if !ok {
				return nil // an embedded struct's Go name; specs-go has none
			}
			t = f.Type
			p.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(name))
		}
		if !written(input, strings.Split(te.Field, ".")) {
			return nil
		}
	}
	// The member itself has the wrong type, or one of its elements does.
	deref := func(t reflect.Type) reflect.Type {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		return t
	}
	if deref(t) != deref(te.Type) {
		return nil
	}
	s := p.String()
	return &s
}

// written reports whether names lead, object by object, through input as
// written, with no other member on the way that encoding/json could have
// taken for one of them (another letter case of the name): otherwise the
// error may lie in that other member, and the place is not known.
func written(input []byte, names []string) bool {
	var doc any
	if json.NewDecoder(bytes.NewReader(input)).Decode(&doc) != nil {
		return false
	}
	for _, name := range names {
		obj, ok := doc.(map[string]any)
		if !ok {
			return false
		}
		alike := 0
		for k := range obj {
			if strings.EqualFold(k, name) {
				alike++
			}
		}
		if doc, ok = obj[name]; !ok || alike != 1 {
			return false
		}
	}
	return true
}

// memberOf finds the field of struct t whose JSON name is name.
func memberOf(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name || (tag == "" && f.Name == name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
