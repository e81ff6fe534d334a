package main

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

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
	if code := run([]string{"report", "-annotations", "../../findings.json", dir}, nil, &out, &stderr); code != exitAgree {
		t.Fatalf("report %s: exit %d\n%s", dir, code, stderr.String())
	}
	md := out.String()
	for _, want := range []string{
		"# windows.layerFolders null or absent: Go and oci-spec-rs accept, schema refuses\n",
		"at `/windows/layerFolders`",
		"| c/libocispec@crun-1.28 | ",
		"> **`layerFolders`** (array of strings, REQUIRED)",
		"](https://github.com/opencontainers/runtime-spec/blob/6999a89a76a0329f440d5740497bedb9dd431297/config-windows.md#",
		// Indented, as the judges read it alike.
		"  \"windows\": {\"layerFolders\": null}\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q\n%s", want, md)
		}
	}
	if !strings.Contains(stderr.String(), "for runtime-spec, https://github.com/opencontainers/runtime-spec/issues") {
		t.Errorf("report does not say where the issue goes: %q", stderr.String())
	}

	out.Reset()
	if code := run([]string{"matrix", dir}, nil, &out, &stderr); code != exitDisagree {
		t.Fatalf("matrix %s: exit %d\n%s", dir, code, stderr.String())
	}
	if !strings.Contains(out.String(), "\nrust/oci-spec@0.6.0 ") {
		t.Errorf("matrix lacks oci-spec 0.6.0:\n%s", out.String())
	}
}

// TestFamilyReports renders `report -family` for every family of the
// committed notes that holds a case, as a maintainer gets it: a report is
// read in one screen (the median at most 6,000 characters), always fits
// GitHub's 65,536, opens with its family's whole title (at most 80
// characters) and always quotes the spec.
func TestFamilyReports(t *testing.T) {
	b, err := os.ReadFile("../../findings.json")
	if err != nil {
		t.Fatal(err)
	}
	var fams []struct {
		ID, Title string
		Spec      *struct{ Source string }
	}
	if err := json.Unmarshal(b, &fams); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, f := range fams {
		var out, stderr bytes.Buffer
		code := run([]string{"report", "-annotations", "../../findings.json", "-corpus", "../../corpus", "-family", f.ID}, nil, &out, &stderr)
		if code != exitAgree {
			if strings.Contains(stderr.String(), "no case of the corpus stands for a cause it claims") {
				continue // FINDINGS.md lists it as having no case
			}
			t.Errorf("report -family %s: exit %d\n%s", f.ID, code, stderr.String())
			continue
		}
		md := out.String()
		sizes = append(sizes, len(md))
		if len(md) >= 65536 {
			t.Errorf("report -family %s: %d characters, more than GitHub takes", f.ID, len(md))
		}
		title, _, _ := strings.Cut(md, "\n")
		if n := utf8.RuneCountInString(f.Title); n > 80 || !strings.HasPrefix(title, "# ") ||
			strings.NewReplacer("\\", "").Replace(title[2:]) != strings.NewReplacer("\\", "").Replace(f.Title) {
			t.Errorf("report -family %s: title %q; want the family's, whole, at most 80 characters: %q", f.ID, title, f.Title)
		}
		heading := "## What the spec says\n\n> "
		if f.Spec != nil && f.Spec.Source != "" {
			heading = "## " + f.Spec.Source + "\n\n> " // another text than runtime-spec, named
		}
		if !strings.Contains(md, heading) {
			t.Errorf("report -family %s: no spec quote\n%s", f.ID, md)
		}
	}
	if len(sizes) < len(fams)/2 {
		t.Fatalf("%d of %d families reported", len(sizes), len(fams))
	}
	slices.Sort(sizes)
	median := sizes[len(sizes)/2]
	t.Logf("%d reports: median %d characters, largest %d", len(sizes), median, sizes[len(sizes)-1])
	if median > 6000 {
		t.Errorf("the median report is %d characters; a maintainer should read one in a screen (at most 6,000)", median)
	}
}
