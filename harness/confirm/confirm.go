// Package confirm runs the real container runtimes (crun, runc, youki) on
// a config.json, so that a disagreement between judges is shown by the
// programs that ship, not only by the parsers that ocidiff carries.
//
// Each runtime first loads the input as it is, in a throwaway bundle, and
// confirm reports the stage it reached: refused while loading config.json,
// or loaded (any later error is the runtime acting on what it read). The
// load is stopped right after the runtime's own validation by a regular
// file in its private state directory where the container's state would
// go, so no container, hook or mount is ever made from an input as it is.
//
// For a value split (parsers accept with different models), Run starts a
// real container on each runtime that loaded the input: a config derived
// from the input by overriding only what a container needs (root.path to a
// busybox rootfs, process.args to a probe) runs a shell that prints what
// the process actually got. Everything lives under one temporary
// directory; every container is deleted with `delete -f`, and on a
// timeout only the process group confirm started is killed.
package confirm

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Stage is how far a runtime got with an input.
type Stage string

const (
	// Refused: the runtime refused the input while loading config.json.
	Refused Stage = "refused"
	// Loaded: the runtime read config.json; any error it gave came later.
	Loaded Stage = "loaded"
	// Crashed: the runtime died (a signal or a Go panic) on the input.
	Crashed Stage = "crashed"
	// Missing: the runtime is not installed, so it was not asked.
	Missing Stage = "missing"
)

// Describe says what a stage means, for a reader.
func (s Stage) Describe() string {
	switch s {
	case Refused:
		return "refused while loading config.json"
	case Loaded:
		return "loaded config.json"
	case Crashed:
		return "crashed"
	case Missing:
		return "not installed"
	}
	return string(s)
}

// Load is one runtime's answer to the input as it is.
type Load struct {
	Runtime string `json:"runtime"`
	// Version is the runtime's exact version, as it and its package say.
	Version string `json:"version,omitempty"`
	// Judge is the ocidiff judge that stands for this runtime's parser.
	Judge   string `json:"judge"`
	Stage   Stage  `json:"stage"`
	Message string `json:"message,omitempty"`
}

// Run is one runtime's real container on the derived config.
type Run struct {
	Runtime string `json:"runtime"`
	Version string `json:"version,omitempty"`
	// Ran is true when the probe printed its report.
	Ran bool `json:"ran"`
	// Why says why the container did not run, or is the runtime's error.
	Why   string `json:"why,omitempty"`
	Probe *Probe `json:"probe,omitempty"`
	// Notes says how this runtime was run where it needed more than
	// `run`, e.g. crun's cgroup manager.
	Notes string `json:"notes,omitempty"`
}

// Report is what Confirm found.
type Report struct {
	Loads []Load `json:"loads"`
	// Runs is empty when no container was asked for or none could run;
	// NoRun then says why.
	Runs  []Run  `json:"runs,omitempty"`
	NoRun string `json:"noRun,omitempty"`
	// Derived lists what was changed in the input to make the config the
	// containers ran, and Config is that config.
	Derived []string `json:"derived,omitempty"`
	Config  string   `json:"config,omitempty"`
}

// Options change what Confirm does.
type Options struct {
	// Run starts real containers (for a value split).
	Run bool
	// Keep names the members (patterns, as causes name them) the
	// containers' config keeps as the input has them: the member that
	// splits, which Derive would otherwise override (root.path).
	Keep []string
	// Timeout bounds each runtime call; zero means 30s.
	Timeout time.Duration
}

// Confirm loads input with every runtime in rts and, if opts.Run, runs the
// probe in a container on each runtime that loaded it. A runtime that is
// missing or fails is reported, never an error; the error is for the
// harness failing (no temporary directory).
func Confirm(ctx context.Context, rts []Runtime, input []byte, opts Options) (Report, error) {
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	tmp, err := os.MkdirTemp("", "ocidiff-confirm-")
	if err != nil {
		return Report{}, fmt.Errorf("confirm: %v", err)
	}
	defer os.RemoveAll(tmp)

	var rep Report
	var loaded []Runtime
	for i, rt := range rts {
		dir := filepath.Join(tmp, fmt.Sprintf("load-%d-%s", i, rt.Name))
		l := rt.load(ctx, dir, input, rootfsOf(input, ""), opts.Timeout)
		rep.Loads = append(rep.Loads, l)
		if l.Stage == Loaded {
			loaded = append(loaded, rt)
		}
	}
	if !opts.Run {
		return rep, nil
	}
	if why := canRunContainers(); why != "" {
		rep.NoRun = why
		return rep, nil
	}
	if len(loaded) == 0 {
		rep.NoRun = "no runtime loaded the input"
		return rep, nil
	}
	cfg, derived, err := Derive(input, rootfsDir, ProbeArgs, opts.Keep...)
	if err != nil {
		rep.NoRun = fmt.Sprintf("cannot derive a runnable config: %v", err)
		return rep, nil
	}
	rep.Derived, rep.Config = derived, string(cfg)
	rootfs := rootfsOf(cfg, rootfsDir)
	if slices.ContainsFunc(opts.Keep, func(k string) bool { return related(k, "/root/path") }) && rootfsOf(cfg, "") == "" {
		// A kept root.path outside the bundle (the host's "/", say) is
		// no place to run a probe in.
		rep.NoRun = "the split is at root.path, which points outside the bundle; no container is run on it"
		return rep, nil
	}
	for i, rt := range loaded {
		dir := filepath.Join(tmp, fmt.Sprintf("run-%d-%s", i, rt.Name))
		rep.Runs = append(rep.Runs, rt.run(ctx, dir, cfg, rootfs, opts.Timeout))
	}
	return rep, nil
}

// rootfsOf is where in the bundle a config's root.path points, when it
// names a place inside the bundle, else def: a kept root.path gets its
// rootfs where the config puts it, and a load gets an empty directory
// there, so that no runtime stops at a missing rootfs before it has
// shown how it read config.json. Of duplicate or case-folded root
// members, encoding/json's choice is as good as any: a runtime that
// reads another finds no rootfs, which is the split.
func rootfsOf(cfg []byte, def string) string {
	var c struct {
		Root struct {
			Path any `json:"path"`
		} `json:"root"`
	}
	if json.Unmarshal(cfg, &c) != nil {
		return def
	}
	if p, ok := c.Root.Path.(string); ok && filepath.IsLocal(p) {
		return filepath.Clean(p)
	}
	return def
}

// canRunContainers says why containers cannot run here, or "".
func canRunContainers() string {
	if os.Geteuid() != 0 {
		return "containers need root; ocidiff runs as uid " + fmt.Sprint(os.Geteuid())
	}
	if why := busyboxProblem(); why != "" {
		return why
	}
	// An unprivileged container (a CI job in Docker) cannot make the
	// namespaces a container needs; say so rather than fail on each run.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "unshare", "-m", "-p", "-f", "--propagation", "private", "true").CombinedOutput(); err != nil {
		return fmt.Sprintf("cannot make mount and pid namespaces here (unshare: %v %s)", err, strings.TrimSpace(string(out)))
	}
	return ""
}

// short is "crun 1.8.1", for sentences.
func short(name, version string) string {
	v, _, _ := strings.Cut(version, " ")
	v, _, _ = strings.Cut(v, "+")
	if v == "" {
		return name
	}
	return name + " " + v
}
