package adapter

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocidiff/ocidiff/parsers"
)

// failTimeout is the per-input deadline of tests whose child fails.
const failTimeout = 2 * time.Second

// TestFailedChildIsGone: a child that timed out, crashed or answered
// garbage is killed and reaped before its verdict is returned. One left
// running would hold memory and a CPU for the rest of a fuzzing run, and
// outlive it; one left unreaped stays a zombie.
func TestFailedChildIsGone(t *testing.T) {
	c := startFake(t, failTimeout)
	for _, tc := range []struct {
		input   string
		outcome parsers.Outcome
	}{
		{"hang", parsers.Timeout},
		{"huge", parsers.Crash},    // a frame header, then it sleeps
		{"garbage", parsers.Crash}, // answers, then waits for more
		{"signal", parsers.Crash},
		{"exit", parsers.Crash},
	} {
		t.Run(tc.input, func(t *testing.T) {
			pid := pidOf(t, c)
			v := c.Judge([]byte(tc.input))
			if v.Outcome != tc.outcome {
				t.Fatalf("Judge(%q) = %+v, want %s", tc.input, v, tc.outcome)
			}
			if state := processState(pid); state != "" {
				t.Errorf("after the %s verdict for %q, child %d is still there (%s)", v.Outcome, tc.input, pid, state)
				syscall.Kill(pid, syscall.SIGKILL) // leave no orphan behind the test
			}
		})
	}
}

// processState is "" when no process pid exists, else its state as
// /proc shows it ("S (sleeping)", "Z (zombie)").
func processState(pid int) string {
	err := syscall.Kill(pid, 0)
	if errors.Is(err, syscall.ESRCH) {
		return ""
	}
	b, rerr := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if rerr != nil {
		return fmt.Sprintf("kill -0: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if s, ok := strings.CutPrefix(l, "State:"); ok {
			return strings.TrimSpace(s)
		}
	}
	return "running"
}
