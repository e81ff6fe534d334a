package confirm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/internal/modroot"
	"github.com/ocidiff/ocidiff/registry"
)

// dupUID gives process.user.uid twice: crun 1.8.1's libocispec keeps the
// first (1000), runc's encoding/json the last (0), and oci-spec-rs
// refuses the duplicate.
const dupUID = `{"ociVersion":"1.0.0","process":{"user":{"uid":1000,"gid":0,"uid":0},"args":["sh"],"cwd":"/"},` +
	`"root":{"path":"rootfs"},"mounts":[{"destination":"/proc","type":"proc","source":"proc"}],` +
	`"linux":{"namespaces":[{"type":"pid"},{"type":"mount"},{"type":"ipc"},{"type":"uts"},{"type":"network"}]}}`

// TestRealRuntimes runs the real crun, runc and youki on the founding case
// and on the duplicate-uid case: each runtime's load stage must be the one
// seen by hand and the one its judge's verdict stands for, and in real
// containers the process must run as the uid each runtime read.
func TestRealRuntimes(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the real runtimes create containers and need root; run as root (CI does)")
	}
	rts := Runtimes(registry.Descriptors())
	for _, rt := range rts {
		if rt.Path == "" {
			t.Fatalf("%s: %s (run `make deps build`)", rt.Name, rt.Why)
		}
	}
	root, err := modroot.FromWorkingDir()
	if err != nil {
		t.Fatal(err)
	}
	founding, err := os.ReadFile(filepath.Join(root, "examples", "containerd-windows-hostprocess.json"))
	if err != nil {
		t.Fatal(err)
	}
	var judges []string
	for _, rt := range rts {
		judges = append(judges, rt.Judge)
	}
	e, err := registry.Engine(strings.Join(judges, ","))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()

	tests := []struct {
		name   string
		input  []byte
		stages map[string]Stage
		uids   map[string]string // the uid each runtime's process ran as
	}{{
		// libocispec refuses "layerFolders": null; runc and youki load
		// it and fail later (no linux block, an empty root.path).
		name:   "founding",
		input:  founding,
		stages: map[string]Stage{"crun": Refused, "runc": Loaded, "youki": Loaded},
	}, {
		name:   "duplicate uid",
		input:  []byte(dupUID),
		stages: map[string]Stage{"crun": Loaded, "runc": Loaded, "youki": Refused},
		uids:   map[string]string{"crun": "1000", "runc": "0"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Confirm(context.Background(), rts, tt.input, Options{Run: tt.uids != nil})
			if err != nil {
				t.Fatal(err)
			}
			r := e.Check(tt.input)
			for _, l := range rep.Loads {
				if l.Stage != tt.stages[l.Runtime] {
					t.Errorf("%s %s: %s (%s), want %s", l.Runtime, l.Version, l.Stage, l.Message, tt.stages[l.Runtime])
				}
				v, ok := l.JudgeVerdict(r.Verdicts)
				if !ok || !Agrees(l, v) {
					t.Errorf("%s %s %s (%s), but its judge %s says %s (%s)", l.Runtime, l.Version, l.Stage, l.Message, l.Judge, v.Outcome, v.Error)
				}
				if l.Version == "" || l.Message == "" {
					t.Errorf("%s: version %q, message %q: want both", l.Runtime, l.Version, l.Message)
				}
			}
			if tt.uids == nil {
				if len(rep.Runs) > 0 {
					t.Errorf("containers ran without being asked: %+v", rep.Runs)
				}
				return
			}
			if rep.NoRun != "" {
				t.Skipf("containers cannot run here: %s", rep.NoRun)
			}
			if len(rep.Runs) != len(tt.uids) {
				t.Fatalf("ran %d containers, want one on each of %v: %+v", len(rep.Runs), tt.uids, rep.Runs)
			}
			for _, run := range rep.Runs {
				if !run.Ran {
					t.Errorf("%s did not run the probe: %s", run.Runtime, run.Why)
					continue
				}
				if got := first(run.Probe.UID); got != tt.uids[run.Runtime] {
					t.Errorf("%s ran the process as uid %s, want %s", run.Runtime, got, tt.uids[run.Runtime])
				}
			}
			want := "crun 1.8.1 ran the process as uid 1000; runc 1.1.5 as uid 0"
			if s := Summary(rep.Runs); len(s) == 0 || s[0] != want {
				t.Errorf("Summary = %q, want first %q", s, want)
			}
		})
	}
}

// TestStandsFor: the judge compared with a runtime is the one whose
// descriptor names that runtime at the release installed, as the versions
// `make deps build` installs report themselves; a release no judge stands
// for gets none, rather than the judge of another release.
func TestStandsFor(t *testing.T) {
	ds := registry.Descriptors()
	for _, tc := range []struct{ name, version, want string }{
		{"crun", "1.8.1 (commit f8a096be060b22ccd3d5f3ebe44108517fbf6c30; Debian crun 1.8.1-1+deb12u1)", "c/libocispec@crun-1.8.1"},
		{"runc", "1.1.5+ds1 (commit 1.1.5+ds1-1+deb12u1; runtime-spec 1.0.2-dev; Debian runc 1.1.5+ds1-1+deb12u1)", "go/runc-1.1@spec-1.0.2-dev"},
		{"youki", "0.7.0", "rust/oci-spec@0.10.0"},
		{"crun", "1.8", ""},
		{"crun", "1.19.1", ""},
		{"runc", "1.1.15+ds1", ""},
	} {
		if got := StandsFor(ds, tc.name, tc.version); got != tc.want {
			t.Errorf("StandsFor(%s %s) = %q, want %q", tc.name, tc.version, got, tc.want)
		}
	}
}
