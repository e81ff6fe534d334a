package recorder

import (
	"bytes"
	"errors"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/parsers/gojson"
	"github.com/ocidiff/ocidiff/registry"
)

// slowRefuser is a validator that refuses everything, taking delay for
// each input after the first `fast` ones, and counts its calls.
type slowRefuser struct {
	delay time.Duration
	fast  int32
	calls *atomic.Int32
}

func (slowRefuser) Name() string       { return "test/slow" }
func (slowRefuser) Version() string    { return "1" }
func (slowRefuser) Kind() parsers.Kind { return parsers.Validator }
func (j slowRefuser) Judge(_ []byte) parsers.Verdict {
	if j.calls.Add(1) > j.fast {
		time.Sleep(j.delay)
	}
	return parsers.Verdict{Judge: j.Name(), Version: j.Version(), Outcome: parsers.Reject, Error: "slow", Class: "slow"}
}

// An input that Observe cannot record within its limit is kept whole in
// the pending store, and nothing is written to the corpus or the flaky
// store: whether the limit passes at the first check, while minimizing
// or while verifying.
func TestObserveDefers(t *testing.T) {
	// Many members, so that minimizing takes many judge calls.
	input := []byte(`{"ociVersion":"1.0.2","hostname":"h","annotations":{"a":"b","c":"d","e":"f","g":"h","i":"j","k":"l","m":"n","o":"p"},"mounts":[{"destination":"/a"},{"destination":"/b"},{"destination":"/c"},{"destination":"/d"}],"root":{"path":"r"}}`)
	for _, tc := range []struct {
		name    string
		delay   time.Duration // of each judge call
		fast    int32         // calls that take no time
		limit   time.Duration
		restart time.Duration // time to restart the judges for a replay
		// maxCalls bounds the judge calls, the first check included:
		// past the limit no judge is asked.
		maxCalls int32
	}{
		{name: "tiny limit", limit: time.Nanosecond, maxCalls: 1},
		{name: "slow first check", delay: 30 * time.Millisecond, limit: 100 * time.Millisecond, maxCalls: 1},
		{name: "while minimizing", delay: 30 * time.Millisecond, fast: 1, limit: 100 * time.Millisecond, maxCalls: 6},
		{name: "while verifying", limit: 200 * time.Millisecond, restart: 300 * time.Millisecond, maxCalls: 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := &atomic.Int32{}
			r, s := recorderOn(t, gojson.Unmarshal(), slowRefuser{tc.delay, tc.fast, calls})
			r.Limit = tc.limit
			restarts := 0
			r.restart = func(e *harness.Engine) (*harness.Engine, func(), error) {
				restarts++
				time.Sleep(tc.restart)
				return e, func() {}, nil
			}
			res, added, err := r.Observe(input)
			if !errors.Is(err, ErrDeferred) {
				t.Fatalf("Observe: err %v, want ErrDeferred", err)
			}
			if res.Agree || len(added) != 0 {
				t.Errorf("agree %v, added %v; want a disagreement and nothing added", res.Agree, added)
			}
			if n := calls.Load(); n > tc.maxCalls {
				t.Errorf("%d judge calls, want at most %d", n, tc.maxCalls)
			}
			if tc.restart > 0 && restarts != 1 {
				t.Errorf("%d replays started, want 1 (the limit passes during it)", restarts)
			}
			pending, err := r.run.Pending()
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) != 1 {
				t.Fatalf("pending %v, want one file", pending)
			}
			if b, err := os.ReadFile(pending[0]); err != nil || !bytes.Equal(b, input) {
				t.Errorf("pending file holds %q (%v), want the input", b, err)
			}
			if cs, err := s.Cases(); err != nil || len(cs) != 0 {
				t.Errorf("corpus holds %d cases (%v), want none", len(cs), err)
			}
			f, err := r.run.Flaky()
			if err != nil {
				t.Fatal(err)
			}
			if cs, err := f.Cases.Cases(); err != nil || len(cs) != 0 {
				t.Errorf("flaky store holds %d cases (%v), want none", len(cs), err)
			}
			if r.Stats().Deferred != 1 {
				t.Errorf("Stats().Deferred = %d, want 1", r.Stats().Deferred)
			}

			// Without a limit the same recorder records it.
			r.Limit = 0
			if _, added, err := r.Observe(input); err != nil || len(added) != 0 {
				// Seen already in this process: a hit, nothing added.
				t.Errorf("Observe again: added %v, err %v", added, err)
			}
			fresh := New(r.engine, s, r.run, registry.Open)
			fresh.restart = r.restart
			if _, added, err := fresh.Observe(input); err != nil || len(added) != 1 {
				t.Errorf("Observe without a limit: added %v, err %v; want one case", added, err)
			}
		})
	}
}
