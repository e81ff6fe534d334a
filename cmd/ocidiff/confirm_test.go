package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfirm runs `ocidiff confirm` end to end with the real runtimes on
// the duplicate-uid case: the text names the uid each runtime ran the
// process as, -json carries the same, and -agreement counts each runtime
// against its judge.
func TestConfirm(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the real runtimes create containers and need root; run as root (CI does)")
	}
	dir := t.TempDir()
	dup := filepath.Join(dir, "dup.json")
	if err := os.WriteFile(dup, []byte(`{"ociVersion":"1.0.0","process":{"user":{"uid":1000,"gid":0,"uid":0},"args":["sh"],"cwd":"/"},"root":{"path":"rootfs"},"linux":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}

	var out, errb bytes.Buffer
	// runc and crun both load it and match their judges: exit 0.
	if code := run([]string{"confirm", dup}, nil, &out, &errb); code != exitAgree {
		t.Fatalf("confirm: exit %d\n%s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{
		"crun 1.8.1 ran the process as uid 1000; runc 1.1.5 as uid 0",
		"process.args set to the probe", "mounts added: /proc",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("confirm output lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	if code := run([]string{"confirm", "-json", dup}, nil, &out, &errb); code != exitAgree {
		t.Fatalf("confirm -json: exit %d\n%s", code, errb.String())
	}
	var rep confirmReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("confirm -json: %v\n%s", err, out.String())
	}
	if !rep.ValueSplit || len(rep.Loads) != 3 || len(rep.Runs) == 0 {
		t.Errorf("confirm -json = %+v, want a value split, three loads and runs", rep)
	}

	out.Reset()
	if code := run([]string{"confirm", "-agreement", dup, "../../examples/containerd-windows-hostprocess.json"}, nil, &out, &errb); code != exitAgree {
		t.Fatalf("confirm -agreement: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "vs c/libocispec@crun-1.8.1: load stage matches on 2 of 2 inputs") {
		t.Errorf("confirm -agreement output:\n%s", out.String())
	}
}
