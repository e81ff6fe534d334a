package parsers_test

import (
	"io"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/gojson"
	"github.com/ocidiff/ocidiff/parsers/rust"
)

// TestDescribeKeepsWhatTheJudgeIs: a described judge is a Sender and a
// closer exactly where the judge was one. The engine sends to a Sender
// without waiting, and the recorder restarts a closer (a child process)
// to verify a case, so a wrapper that added or hid either would change
// how the judge runs.
func TestDescribeKeepsWhatTheJudgeIs(t *testing.T) {
	child, err := rust.Start("oci-spec@0.10.0")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		j              parsers.Judge
		sender, closer bool
	}{
		{gojson.Unmarshal(), false, false},
		{child, true, true},
	} {
		d := parsers.Descriptor{Name: tc.j.Name(), Kind: tc.j.Kind(), Library: "lib", Release: "1"}
		dj := parsers.Describe(tc.j, d)
		if _, ok := dj.(parsers.Sender); ok != tc.sender {
			t.Errorf("%s described: Sender %v, want %v", tc.j.Name(), ok, tc.sender)
		}
		if _, ok := dj.(io.Closer); ok != tc.closer {
			t.Errorf("%s described: closer %v, want %v", tc.j.Name(), ok, tc.closer)
		}
		if got, ok := parsers.DescriptorOf(dj); !ok || got != d {
			t.Errorf("%s: DescriptorOf = %+v, %v; want %+v", tc.j.Name(), got, ok, d)
		}
		v := dj.Judge([]byte(`{"ociVersion":"1.0.2","root":{"path":"rootfs"}}`))
		if v.Judge != tc.j.Name() || !v.Accepted() {
			t.Errorf("%s described judged a minimal config: %+v", tc.j.Name(), v)
		}
		if err := parsers.Close([]parsers.Judge{dj}); err != nil {
			t.Errorf("%s: Close: %v", tc.j.Name(), err)
		}
	}
	if _, err := (parsers.Descriptors{}).Of("java/jackson"); err == nil || !strings.Contains(err.Error(), `"java/jackson"`) {
		t.Errorf("Of an undescribed judge: %v, want an error naming it", err)
	}
}
