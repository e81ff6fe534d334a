package recorder

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/gen"
	"github.com/ocidiff/ocidiff/parsers"
)

// chaosInput returns input i of a chaos run: reproducible from (seed, i)
// alone, so that a worker started again after a kill picks up where the
// killed one was. One in 20 comes from the raw generator, which finds
// far more new signatures, so that cases keep being written.
func chaosInput(seed uint64, i int) []byte {
	rng := rand.New(rand.NewPCG(seed, uint64(i)))
	data := make([]byte, rng.IntN(512))
	for j := range data {
		data[j] = byte(rng.Uint32())
	}
	if i%20 == 0 {
		return gen.Raw(data)
	}
	return gen.Structured(data)
}

// adapterChildren returns the pids of this process's adapter children
// (bin/ocidiff-rust-adapter, bin/ocidiff-c-adapter).
func adapterChildren() []int {
	lists, _ := filepath.Glob("/proc/self/task/*/children")
	var pids []int
	for _, l := range lists {
		b, _ := os.ReadFile(l)
		for _, f := range strings.Fields(string(b)) {
			pid, err := strconv.Atoi(f)
			if err != nil {
				continue
			}
			comm, _ := os.ReadFile("/proc/" + f + "/comm")
			if strings.HasPrefix(string(comm), "ocidiff-") && !slices.Contains(pids, pid) {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// killer SIGKILLs adapter children of this process at random moments
// until stopped, as the OOM killer or a stray pkill would.
type killer struct {
	mu    sync.Mutex
	kills int
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

// startKiller kills a random adapter child every 0 to maxGap, sparing
// children younger than minAge: the client promises one try on a fresh
// child, and a child killed again before it could answer is a second
// fault in a row, which the recorder's verification answers for
// (TestObserveWritesOnlyWhatReproduces), not the retry.
func startKiller(seed uint64, minAge, maxGap time.Duration) *killer {
	k := &killer{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(k.done)
		rng := rand.New(rand.NewPCG(seed, 0))
		born := map[int]time.Time{} // when each child was first seen
		for {
			select {
			case <-k.stop:
				return
			case <-time.After(time.Duration(rng.Int64N(int64(maxGap)))):
			}
			var old []int
			for _, pid := range adapterChildren() {
				if _, ok := born[pid]; !ok {
					born[pid] = time.Now()
				}
				if time.Since(born[pid]) >= minAge {
					old = append(old, pid)
				}
			}
			if len(old) == 0 {
				continue
			}
			if syscall.Kill(old[rng.IntN(len(old))], syscall.SIGKILL) == nil {
				k.mu.Lock()
				k.kills++
				k.mu.Unlock()
			}
		}
	}()
	return k
}

func (k *killer) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.kills
}

// halt stops the killer and returns how many children it killed.
func (k *killer) halt() int {
	k.once.Do(func() { close(k.stop) })
	<-k.done
	return k.count()
}

// carriesKill reports whether a result holds a verdict made by a kill.
func carriesKill(r harness.Result) bool {
	return slices.ContainsFunc(r.Verdicts, func(v parsers.Verdict) bool {
		return strings.Contains(v.Error, "signal: killed") || strings.Contains(v.Class, "signal: killed")
	})
}

// TestObserveUnderKills runs the recorder over a few hundred inputs while
// adapter children are SIGKILLed at random, and compares it with a calm
// run over the same inputs: every input gets the verdicts it gets in
// calm (no verdict lost to a kill), the same cases are written (none
// spurious, none lost), none carries a kill, and they replay.
func TestObserveUnderKills(t *testing.T) {
	if testing.Short() {
		t.Skip("kills adapter children for several seconds")
	}
	const n, budget, minKills = 300, 60, 10
	inputs := make([][]byte, n)
	for i := range inputs {
		inputs[i] = chaosInput(1, i)
	}

	calm := newRecorder(t, "default")
	calm.Budget = budget
	want := make([]harness.Result, n)
	for i, in := range inputs {
		var err error
		if want[i], _, err = calm.Observe(in); err != nil {
			t.Fatal(err)
		}
	}
	calm.Engine().Close() // the killer must find only the chaos run's children

	r := newRecorder(t, "default")
	r.Budget = budget
	k := startKiller(2, 200*time.Millisecond, 40*time.Millisecond)
	defer k.halt()
	lost := 0
	// Round again (known signatures: no minimizing) until the killer has
	// had its chance.
	for round := 0; round == 0 || k.count() < minKills && round < 50; round++ {
		for i, in := range inputs {
			got, _, err := r.Observe(in)
			if err != nil {
				t.Fatal(err)
			}
			if Changed(want[i], got) && lost < 5 {
				t.Errorf("input %d (%.80q): verdicts under kills differ from calm:\ncalm: %s\nnow:  %s", i, in, want[i].Signature, got.Signature)
			}
			if Changed(want[i], got) {
				lost++
			}
		}
	}

	calmCases, err := calm.store.Cases()
	if err != nil {
		t.Fatal(err)
	}
	cases, err := r.store.Cases() // an error names a damaged case
	if err != nil {
		t.Fatal(err)
	}
	sigs := func(cs []corpus.Case) []string {
		var s []string
		for _, c := range cs {
			s = append(s, c.Signature)
		}
		return s
	}
	if !slices.Equal(sigs(calmCases), sigs(cases)) {
		t.Errorf("cases under kills differ from calm:\ncalm: %q\nnow:  %q", sigs(calmCases), sigs(cases))
	}
	if len(cases) == 0 {
		t.Error("no case written: the test checks nothing")
	}
	// Replayed while the killer still runs.
	p := NewReplayer()
	defer p.Close()
	for _, c := range cases {
		if carriesKill(c.Result) {
			t.Errorf("case %s carries a kill", c.Signature)
		}
		now, err := p.Replay(c)
		if err != nil {
			t.Fatal(err)
		}
		if Changed(c.Result, now) {
			t.Errorf("case %s does not replay: now %s", c.Signature, now.Signature)
		}
	}
	kills := k.halt()
	t.Logf("%d inputs, %d cases, %d adapter children killed, %d verdicts lost, %d flaky", r.Stats().Inputs, len(cases), kills, lost, r.Stats().Flaky)
	if kills < minKills {
		t.Errorf("only %d kills: the test did not test", kills)
	}
}
