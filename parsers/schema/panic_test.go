package schema

import (
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/parsers"
)

type panicking struct{}

func (panicking) validate(*decoded) (string, string, bool) { panic("validator bug") }

// TestCrashClassLikeAdapters: a panic in the validator is a Crash verdict classed as
// the adapters class crashes ("crash: …").
func TestCrashClassLikeAdapters(t *testing.T) {
	j := &judge{name: "schema/test", version: "v0", v: panicking{}}
	v := j.Judge([]byte(`{}`))
	if v.Outcome != parsers.Crash || v.Judge != "schema/test" || v.Version != "v0" ||
		v.Error != "panic: validator bug" || v.Class != "crash: panic: validator bug" {
		t.Errorf("verdict %+v", v)
	}
	if !strings.HasPrefix(v.Class, "crash: ") {
		t.Errorf("class %q lacks the crash prefix", v.Class)
	}
}
