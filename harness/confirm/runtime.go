package confirm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/adapter"
)

// Runtime is one real runtime and the judge that stands for its parser.
type Runtime struct {
	Name string
	// Judge names the ocidiff judge that parses config.json the way this
	// runtime does, so that their verdicts can be compared: the one whose
	// descriptor's Runtime names this runtime at the version installed.
	// It is "" when the runtime is missing.
	Judge string
	// Path is the executable, or "" when the runtime is missing (Why
	// then says so).
	Path    string
	Version string
	Why     string
}

// The runtimes confirm knows. Which judge stands for each is the judges'
// word (their descriptors' Runtime), for the version installed: `make
// deps` installs Debian 12's crun 1.8.1 and runc 1.1.5, and `make build`
// youki 0.7.0.
var known = []struct{ name, env string }{
	{"crun", "OCIDIFF_CRUN"},
	{"runc", "OCIDIFF_RUNC"},
	{"youki", "OCIDIFF_YOUKI"},
}

// Runtimes finds crun and runc on $PATH (or in $OCIDIFF_CRUN,
// $OCIDIFF_RUNC) and youki where `make build` installs it (bin/youki of
// the checkout, next to the executable, or $OCIDIFF_YOUKI), asks each for
// its version, and picks from ds the judge that stands for it (StandsFor).
// A runtime that is not found, or that no judge stands for, is returned
// with Why set and no Path.
func Runtimes(ds parsers.Descriptors) []Runtime {
	var rts []Runtime
	for _, k := range known {
		rt := Runtime{Name: k.name}
		var err error
		switch {
		case os.Getenv(k.env) != "":
			rt.Path = os.Getenv(k.env)
		case k.name == "youki":
			rt.Path, err = adapter.Locate("youki", k.env)
		default:
			rt.Path, err = exec.LookPath(k.name)
		}
		if err == nil {
			rt.Version, err = version(rt.Name, rt.Path)
		}
		if err != nil {
			rt.Path, rt.Why = "", fmt.Sprintf("%s not found or not working: %v", k.name, err)
		} else if rt.Judge = StandsFor(ds, rt.Name, rt.Version); rt.Judge == "" {
			rt.Path, rt.Why = "", fmt.Sprintf("%s %s is installed at %s, but no judge stands for that release (`ocidiff judges` lists what each stands for)", k.name, rt.Version, rt.Path)
		}
		rts = append(rts, rt)
	}
	return rts
}

// StandsFor returns the judge whose descriptor says it stands for runtime
// name at version (as Runtime.Version gives it: "1.1.5+ds1 (commit …)"),
// that is whose Runtime reads "NAME VERSION" and then ends or goes on
// after a blank; "" when none does. A build suffix ("+ds1") is no part of
// the release.
func StandsFor(ds parsers.Descriptors, name, version string) string {
	v, _, _ := strings.Cut(version, " ")
	v, _, _ = strings.Cut(v, "+")
	want := name + " " + v
	var judges []string
	for j, d := range ds {
		if rest, ok := strings.CutPrefix(d.Runtime, want); ok && (rest == "" || rest[0] == ' ') {
			judges = append(judges, j)
		}
	}
	slices.Sort(judges)
	if len(judges) == 0 {
		return ""
	}
	return judges[0]
}

// Available reports whether any runtime in rts was found; the others are
// reported as not installed.
func Available(rts []Runtime) bool {
	for _, rt := range rts {
		if rt.Path != "" {
			return true
		}
	}
	return false
}

// version is the runtime's own version line plus what identifies the
// build: crun's commit, the runtime-spec runc was built with, and the
// Debian package version where a package owns the binary.
func version(name, path string) (string, error) {
	out, err := exec.Command(path, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %v", path, err)
	}
	var v string
	var extra []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		k, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		switch {
		case v == "":
			f := strings.Fields(line)
			if len(f) == 0 {
				return "", fmt.Errorf("%s --version: no version in %q", path, out)
			}
			v = f[len(f)-1]
		case ok && k == "commit" && strings.Contains(val, "VERGEN"):
			// youki from crates.io has no commit to report.
		case ok && (k == "commit" || k == "spec"):
			if k == "spec" {
				k = "runtime-spec"
			}
			extra = append(extra, k+" "+strings.TrimSpace(val))
		}
	}
	if pkg, pv := debianPackage(path); pkg != "" {
		extra = append(extra, "Debian "+pkg+" "+pv)
	}
	if len(extra) > 0 {
		v += " (" + strings.Join(extra, "; ") + ")"
	}
	return v, nil
}

func debianPackage(path string) (string, string) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", ""
	}
	out, err := exec.Command("dpkg-query", "-S", real).Output()
	if err != nil {
		return "", ""
	}
	pkg, _, _ := strings.Cut(string(out), ":")
	pv, err := exec.Command("dpkg-query", "-W", "-f=${Version}", pkg).Output()
	if err != nil {
		return "", ""
	}
	return pkg, string(pv)
}

var ids atomic.Int64

// newID is a container id no other confirm run uses at the same time.
func newID() string {
	return fmt.Sprintf("ocidiff-%d-%d-%d", os.Getpid(), time.Now().UnixNano()%1e9, ids.Add(1))
}

// load makes a bundle holding input as config.json and runs `create` on
// it. The state directory holds a regular file where the container's
// state directory would go: every runtime checks that place only after
// it has loaded and validated config.json (crun: "container … already
// exists", runc: "container with given ID already exists", youki:
// LibcontainerError::Exist), so nothing past validation ever happens.
func (rt Runtime) load(ctx context.Context, dir string, input []byte, rootfs string, timeout time.Duration) Load {
	l := Load{Runtime: rt.Name, Version: rt.Version, Judge: rt.Judge}
	if rt.Path == "" {
		l.Stage, l.Message = Missing, rt.Why
		return l
	}
	bundle, state := filepath.Join(dir, "bundle"), filepath.Join(dir, "state")
	id := newID()
	err := errors.Join(os.MkdirAll(bundle, 0o700), os.MkdirAll(state, 0o700),
		os.WriteFile(filepath.Join(bundle, "config.json"), input, 0o600),
		os.WriteFile(filepath.Join(state, id), nil, 0o600))
	if rootfs != "" {
		err = errors.Join(err, os.MkdirAll(filepath.Join(bundle, rootfs), 0o700))
	}
	if err != nil {
		l.Stage, l.Message = Missing, fmt.Sprintf("cannot make the bundle: %v", err)
		return l
	}
	res := execute(ctx, timeout, rt.Path, "--root", state, "create", "--bundle", bundle, id)
	rt.deleteForce(state, id)
	l.Stage, l.Message = rt.classify(res)
	l.Message = anonymize(l.Message, bundle, state, id)
	return l
}

// deleteForce removes a container, whatever state it is in; its output
// is of no interest (usually "container does not exist").
func (rt Runtime) deleteForce(state, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	execute(ctx, 30*time.Second, rt.Path, "--root", state, "delete", "-f", id)
}

// result is what one runtime call did.
type result struct {
	stdout, stderr string
	exit           int
	signal         string // set when killed by a signal
	timedOut       bool
	err            error // could not start
}

// execute runs a command in its own process group with a deadline; on
// the deadline it kills that group, and only that group.
func execute(ctx context.Context, timeout time.Duration, name string, args ...string) result {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	// youki's errors carry a backtrace when the caller's environment asks
	// for one; a message is wanted, not a stack.
	cmd.Env = append(os.Environ(), "RUST_BACKTRACE=0", "RUST_LIB_BACKTRACE=0")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ctx.Err() == context.DeadlineExceeded {
		r.timedOut = true
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.signal = ws.Signal().String()
		}
		r.exit = ee.ExitCode()
	default:
		r.err = err
	}
	return r
}

// runcMsg picks the message out of runc's logrus lines.
var runcMsg = regexp.MustCompile(`msg="((?:[^"\\]|\\.)*)"`)

// decodeError matches what encoding/json's Decoder returns, the only
// errors runc 1.1.5's loadSpec gives before validateProcessSpec.
var decodeError = regexp.MustCompile(`^(EOF$|unexpected EOF$|invalid character |json: |.*looking for beginning of value$)`)

// classify reads the stage from a runtime's output. The markers are each
// runtime's own: crun prints "error loading config.json" when libocispec
// refuses the file; runc returns the json.Decoder's error unwrapped
// (later errors, from validateProcessSpec on, mean it decoded); youki
// wraps oci-spec-rs's serde error as "serde failed".
func (rt Runtime) classify(r result) (Stage, string) {
	msg := strings.TrimSpace(r.stderr + "\n" + r.stdout)
	switch {
	case r.err != nil:
		return Missing, fmt.Sprintf("cannot start %s: %v", rt.Path, r.err)
	case r.timedOut:
		return Crashed, "no answer in time; killed" + suffix(msg)
	case r.signal != "":
		return Crashed, "killed by signal " + r.signal + suffix(msg)
	}
	switch rt.Name {
	case "crun":
		if strings.Contains(msg, "error loading config.json") {
			return Refused, oneLine(msg)
		}
	case "runc":
		if strings.Contains(msg, "panic: ") || strings.Contains(msg, "goroutine ") {
			return Crashed, panicLine(msg)
		}
		if m := runcMsg.FindAllStringSubmatch(msg, -1); len(m) > 0 {
			s, err := strconv.Unquote(`"` + m[len(m)-1][1] + `"`)
			if err != nil {
				s = m[len(m)-1][1]
			}
			msg = s
			if decodeError.MatchString(strings.TrimPrefix(s, "runc create failed: ")) {
				return Refused, s
			}
		}
	case "youki":
		msg = stripANSI(msg)
		msg, _, _ = strings.Cut(msg, "Stack backtrace:")
		if strings.Contains(msg, "serde failed") {
			return Refused, oneLine(msg)
		}
	}
	return Loaded, oneLine(msg)
}

// anonymize takes this run's temporary paths and container id out of a
// message, so that a report says the same thing every time.
func anonymize(msg, bundle, state, id string) string {
	return strings.NewReplacer(bundle, "<bundle>", state, "<state>", id, "<id>").Replace(msg)
}

func suffix(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + oneLine(msg)
}

func panicLine(msg string) string {
	for _, l := range strings.Split(msg, "\n") {
		if strings.HasPrefix(l, "panic: ") {
			return l
		}
	}
	return oneLine(msg)
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripANSI(s string) string { return ansi.ReplaceAllString(s, "") }

// oneLine joins the output's lines and cuts it to a length a table shows.
func oneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	s = strings.Join(parts, " | ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
