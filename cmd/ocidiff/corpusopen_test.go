package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCorpusSourceMustExist: a source corpus that is not there (a typo)
// is an error that names it; it is not created and merged as empty. The
// same holds for the corpus that list reads.
func TestCorpusSourceMustExist(t *testing.T) {
	tmp := t.TempDir()
	dst := filepath.Join(tmp, "dst")
	typo := filepath.Join(tmp, "typo-dir")
	for _, args := range [][]string{
		{"corpus", "merge", "-corpus", dst, typo},
		{"corpus", "list", "-corpus", typo},
	} {
		var out, errb bytes.Buffer
		code := run(args, nil, &out, &errb)
		if code != exitUsage || !strings.Contains(errb.String(), typo) {
			t.Errorf("ocidiff %s: exit %d, stderr %q; want 2 and an error naming %s", strings.Join(args, " "), code, errb.String(), typo)
		}
		if strings.Contains(out.String(), "added") {
			t.Errorf("ocidiff %s reported a merge:\n%s", strings.Join(args, " "), out.String())
		}
		if _, err := os.Stat(typo); !os.IsNotExist(err) {
			t.Fatalf("ocidiff %s created %s", strings.Join(args, " "), typo)
		}
	}
}
