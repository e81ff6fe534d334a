package gojson

import (
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/parsers"
)

// TestCrashClassLikeAdapters: a panic in the decoder is a Crash verdict classed as
// the adapters class crashes ("crash: …").
func TestCrashClassLikeAdapters(t *testing.T) {
	j := &judge{name: "go/test", version: "v0", decode: func([]byte) (any, error) { panic("decoder bug at offset 12") }, classify: classifyV1}
	v := j.Judge([]byte(`{}`))
	if v.Outcome != parsers.Crash || v.Judge != "go/test" || v.Version != "v0" ||
		v.Error != "panic: decoder bug at offset 12" || !strings.HasPrefix(v.Class, "crash: panic: decoder bug") {
		t.Errorf("verdict %+v", v)
	}
	// A spec that does not re-serialize is a crash of the same kind.
	j.decode = func([]byte) (any, error) { return map[string]any{"f": func() {}}, nil }
	if v := j.Judge([]byte(`{}`)); v.Outcome != parsers.Crash || !strings.HasPrefix(v.Class, "crash: re-serializing the decoded spec") {
		t.Errorf("unmarshalable model: verdict %+v", v)
	}
}
