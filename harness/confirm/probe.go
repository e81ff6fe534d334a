package confirm

import (
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// busybox is Debian's busybox-static binary: the only file a probe's
// rootfs needs, since it is statically linked.
const busybox = "/bin/busybox"

// rootfsDir is where the derived config's root.path points, relative to
// the bundle, so that one config serves every runtime's bundle.
const rootfsDir = "rootfs"

// probeEnd closes a complete probe report.
const probeEnd = "ocidiff-probe-end"

// probeScript runs as the container's process (busybox sh, as pid 1 of
// its namespace or not) and prints what that process got. It reads
// /proc/$$ so that the values are the shell's own, not those of a child
// (a child's capabilities change at exec); every command is called by its
// absolute path because the config's env may lack PATH.
const probeScript = `b=/bin/busybox
echo "Id: $($b id)"
if [ -r /proc/$$/status ]; then
  while read -r k v; do
    case "$k" in Uid:|Gid:|Groups:|CapInh:|CapPrm:|CapEff:|CapBnd:|CapAmb:|NoNewPrivs:|Seccomp:) echo "$k $v";; esac
  done < /proc/$$/status
  $b tr '\0' '\n' < /proc/$$/environ | while read -r e; do echo "Env: $e"; done
  $b tail -n +2 /proc/$$/limits | while read -r l; do echo "Limit: $l"; done
else
  echo "NoProc: /proc is not mounted"
fi
echo "Cwd: $(pwd -P)"
echo "Hostname: $($b hostname)"
echo "Umask: $(umask)"
echo ` + probeEnd + `
`

// ProbeArgs is process.args of the derived config.
var ProbeArgs = []string{busybox, "sh", "-c", probeScript}

// Probe is what the container's process reported about itself. Fields
// hold the text of /proc/self/status (e.g. Uid "1000 1000 1000 1000"),
// or "" where the process could not read it.
type Probe struct {
	ID         string   `json:"id"`
	UID        string   `json:"uid,omitempty"`
	GID        string   `json:"gid,omitempty"`
	Groups     string   `json:"groups,omitempty"`
	CapInh     string   `json:"capInh,omitempty"`
	CapPrm     string   `json:"capPrm,omitempty"`
	CapEff     string   `json:"capEff,omitempty"`
	CapBnd     string   `json:"capBnd,omitempty"`
	CapAmb     string   `json:"capAmb,omitempty"`
	NoNewPrivs string   `json:"noNewPrivs,omitempty"`
	Seccomp    string   `json:"seccomp,omitempty"`
	Cwd        string   `json:"cwd"`
	Hostname   string   `json:"hostname"`
	Umask      string   `json:"umask"`
	Env        []string `json:"env,omitempty"`
	Rlimits    []string `json:"rlimits,omitempty"`
	NoProc     bool     `json:"noProc,omitempty"`
}

// parseProbe reads the probe's output; ok is false when it did not end.
func parseProbe(out string) (p Probe, ok bool) {
	fields := map[string]*string{
		"Id": &p.ID, "Uid": &p.UID, "Gid": &p.GID, "Groups": &p.Groups,
		"CapInh": &p.CapInh, "CapPrm": &p.CapPrm, "CapEff": &p.CapEff, "CapBnd": &p.CapBnd,
		"CapAmb": &p.CapAmb, "NoNewPrivs": &p.NoNewPrivs, "Seccomp": &p.Seccomp,
		"Cwd": &p.Cwd, "Hostname": &p.Hostname, "Umask": &p.Umask,
	}
	for _, line := range strings.Split(out, "\n") {
		if line == probeEnd {
			ok = true
			continue
		}
		k, v, found := strings.Cut(line, ": ")
		if !found {
			k, v, _ = strings.Cut(strings.TrimSuffix(line, ":"), ":")
		}
		v = strings.Join(strings.Fields(v), " ")
		switch k {
		case "Env":
			p.Env = append(p.Env, v)
		case "Limit":
			p.Rlimits = append(p.Rlimits, v)
		case "NoProc":
			p.NoProc = true
		default:
			if f := fields[k]; f != nil {
				*f = v
			}
		}
	}
	return p, ok
}

// busyboxProblem says why busybox cannot be a rootfs, or "".
func busyboxProblem() string {
	f, err := elf.Open(busybox)
	if err != nil {
		return fmt.Sprintf("no usable %s (install busybox-static): %v", busybox, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return busybox + " is dynamically linked; install busybox-static"
		}
	}
	return ""
}

// makeRootfs lays out a root filesystem holding only busybox.
func makeRootfs(dir string) error {
	for _, d := range []string{"bin", "proc", "dev", "sys", "tmp", "etc", "root"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	src, err := os.Open(busybox)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(filepath.Join(dir, "bin", "busybox"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Close(); err != nil {
		return err
	}
	return os.Symlink("busybox", filepath.Join(dir, "bin", "sh"))
}

// crunWrapper runs crun where this machine's cgroup layout lets it: in a
// private mount namespace, with cgroup management off, and with the
// cgroup v2 hierarchy of a hybrid layout hidden (crun 1.8.1 takes its
// cgroup.controllers as a sign of a unified layout and then fails).
const crunWrapper = `controllers=/sys/fs/cgroup/unified/cgroup.controllers
if [ -e "$controllers" ]; then mount --bind "$1" "$controllers" || exit 125; fi
shift
exec "$@"
`

// run makes a bundle with cfg and a busybox rootfs at rootfs (relative to
// the bundle) and runs the probe in a real container, then deletes it
// with `delete -f`.
func (rt Runtime) run(ctx context.Context, dir string, cfg []byte, rootfs string, timeout time.Duration) Run {
	r := Run{Runtime: rt.Name, Version: rt.Version}
	bundle, state := filepath.Join(dir, "bundle"), filepath.Join(dir, "state")
	empty := filepath.Join(dir, "empty")
	err := errors.Join(os.MkdirAll(bundle, 0o700), os.MkdirAll(state, 0o700),
		os.WriteFile(filepath.Join(bundle, "config.json"), cfg, 0o600),
		os.WriteFile(empty, nil, 0o600), makeRootfs(filepath.Join(bundle, rootfs)))
	if err != nil {
		r.Why = fmt.Sprintf("cannot make the bundle: %v", err)
		return r
	}
	id := newID()
	args := []string{rt.Path, "--root", state, "run", "--bundle", bundle, id}
	if rt.Name == "crun" {
		r.Notes = "run with --cgroup-manager=disabled in a private mount namespace (unshare -m), where this machine's cgroup layout requires it"
		args = append([]string{"unshare", "-m", "--propagation", "private", "/bin/sh", "-c", crunWrapper, "sh", empty,
			rt.Path, "--cgroup-manager=disabled"}, args[1:]...)
	}
	res := execute(ctx, timeout, args[0], args[1:]...)
	rt.deleteForce(state, id)
	if p, ok := parseProbe(res.stdout); ok {
		r.Ran, r.Probe = true, &p
		return r
	}
	_, msg := rt.classify(res)
	if res.err == nil && res.signal == "" && !res.timedOut {
		msg = fmt.Sprintf("exit status %d: %s", res.exit, msg)
	}
	r.Why = anonymize(msg, bundle, state, id)
	return r
}
