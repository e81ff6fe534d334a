package ocidiff_test

import (
	"testing"

	"github.com/ocidiff/ocidiff/parsers"
)

// corpusDescriptors gives each judge that recorded the corpus's verdicts
// the facts a cause is keyed on: the library it shows and the upstream
// project that votes for it. It is a stand-in, replaced by the registry's
// descriptors when the registry carries them; until then it names the
// seven default judges, and a case recorded by any other judge fails the
// test rather than getting a library by guess.
func corpusDescriptors(t *testing.T) map[string]parsers.Descriptor {
	t.Helper()
	d := func(name, library, upstream, release string) parsers.Descriptor {
		return parsers.Descriptor{Name: name, Library: library, Release: release, Upstream: parsers.Upstream{Name: upstream}}
	}
	ds := []parsers.Descriptor{
		// The three Go judges read through specs-go; go/unmarshal and
		// go/decoder are encoding/json, one library and one upstream.
		d("go/unmarshal", "specs-go/encoding-json", "golang/go", ""),
		d("go/decoder", "specs-go/encoding-json", "golang/go", ""),
		d("go/jsonv2", "specs-go/json-v2", "go-json-experiment/json", ""),
		d("rust/oci-spec@0.10.0", "oci-spec-rs", "oci-spec-rs", "0.10.0"),
		d("c/libocispec@crun-1.28", "libocispec", "libocispec", "crun-1.28"),
		d("schema/jsonschema-v6", "runtime-spec-schema/jsonschema-v6", "jsonschema", ""),
		d("schema/gojsonschema", "runtime-spec-schema/gojsonschema", "gojsonschema", ""),
	}
	m := map[string]parsers.Descriptor{}
	for _, x := range ds {
		m[x.Name] = x
	}
	return m
}
