package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness/corpus"
)

// TestReportCase runs report and matrix on a corpus case directory, made
// here from the real judges' verdicts on containerd's config: report must
// quote the recorded verdicts, matrix must run every version.
func TestReportCase(t *testing.T) {
	input := []byte(`{"ociVersion":"1.1.0","root":{"path":""},"windows":{"layerFolders":null}}`)
	ef := engineFlags{judges: "default"}
	e, err := ef.engine()
	if err != nil {
		t.Fatal(err)
	}
	r := e.Check(input)
	e.Close()
	s, err := corpus.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dir, _, err := s.Add(corpus.Case{Signature: r.Signature, Input: input, Original: input, Result: r})
	if err != nil {
		t.Fatal(err)
	}

	var out, stderr bytes.Buffer
	if code := run([]string{"report", dir}, nil, &out, &stderr); code != exitAgree {
		t.Fatalf("report %s: exit %d\n%s", dir, code, stderr.String())
	}
	md := out.String()
	for _, want := range []string{
		"(" + filepath.ToSlash(dir) + ")",
		"For: **runtime-spec**",
		"| c/libocispec@crun-1.28 | ",
		"> **`layerFolders`** (array of strings, REQUIRED)",
		"- oci-spec-rs: 0.6.0 rejects (invalid type: null, expected a sequence); 0.10.0 accepts",
		"<sub>ocidiff signature: `" + strings.ReplaceAll(r.Signature, "`", "'") + "`</sub>",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q\n%s", want, md)
		}
	}

	out.Reset()
	if code := run([]string{"matrix", dir}, nil, &out, &stderr); code != exitDisagree {
		t.Fatalf("matrix %s: exit %d\n%s", dir, code, stderr.String())
	}
	if !strings.Contains(out.String(), "\nrust/oci-spec@0.6.0 ") {
		t.Errorf("matrix lacks oci-spec 0.6.0:\n%s", out.String())
	}
}
