package recorder

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/gen"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/ocidiff/ocidiff/registry"
)

// chaosInput returns input i of a chaos run: reproducible from (seed, i)
// alone, so that a worker started again after a kill picks up where the
// killed one was. One in 500 comes from the raw generator, which finds
// far more new signatures, so that cases keep being written; more would
// spend the run minimizing rather than checking.
func chaosInput(seed uint64, i int) []byte {
	rng := rand.New(rand.NewPCG(seed, uint64(i)))
	data := make([]byte, rng.IntN(512))
	for j := range data {
		data[j] = byte(rng.Uint32())
	}
	if i%500 == 0 {
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
	p := NewReplayer(registry.Open)
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

// TestChaos is `make chaos`: the recorder at scale, the way a loaded CI
// runner breaks it. OCIDIFF_CHAOS_WORKERS worker processes (default 2)
// sharing one corpus, a copy of corpus/, check and record generated
// inputs until they have made OCIDIFF_CHAOS_CHECKS differential checks
// (make chaos: 1,000,000), those the recorder makes to minimize and verify
// included: each is one input sent to every default judge. Every 1,000
// checks a worker SIGKILLs one of its adapter children, at a random moment
// within the next check, so that each adapter child is killed about every
// 2,000 inputs it is sent. The test SIGKILLs a worker in the middle of
// writing a case (it watches the corpus directory with inotify and kills
// the worker that holds a file of the new case open), up to three times,
// and starts it again where it was. Then it prints: checks run, kills,
// spurious cases (a new case that carries a kill or does not replay; must
// be 0), lost or half-written cases (a case a worker said it added that
// is not whole, a damaged case directory, a case being written when its
// worker was killed that is not in the corpus afterwards; must be 0), and
// whether the whole corpus still replays. OCIDIFF_CHAOS_TIME (make chaos
// CHAOS_TIME=50m) stops it early, failing, with the figures so far.
func TestChaos(t *testing.T) {
	if os.Getenv("OCIDIFF_CHAOS_WORKER") != "" {
		chaosWorker(t)
		return
	}
	total, _ := strconv.Atoi(os.Getenv("OCIDIFF_CHAOS_CHECKS"))
	if total <= 0 {
		t.Skip("run by make chaos (OCIDIFF_CHAOS_CHECKS=N)")
	}
	workers := 2
	if n, err := strconv.Atoi(os.Getenv("OCIDIFF_CHAOS_WORKERS")); err == nil && n > 0 {
		workers = n
	}
	dir := filepath.Join(t.TempDir(), "corpus")
	if err := os.CopyFS(dir, os.DirFS("../../corpus")); err != nil {
		t.Fatal(err)
	}
	store, err := corpus.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	initial, err := store.Slugs()
	if err != nil {
		t.Fatal(err)
	}
	// OCIDIFF_CHAOS_TIME bounds the run on a machine too loaded to finish:
	// the figures are then those of the checks run, and the test fails.
	var until time.Time
	if d, err := time.ParseDuration(os.Getenv("OCIDIFF_CHAOS_TIME")); err == nil && d > 0 {
		until = time.Now().Add(d)
	}
	seed := uint64(time.Now().UnixNano())
	fmt.Printf("chaos: %d checks by %d workers into a copy of corpus/ (%d cases) at %s, seed %d\n", total, workers, len(initial), dir, seed)

	c := &chaos{t: t, dir: dir, seed: seed, start: time.Now(), until: until, want: total}
	if err := c.watch(3); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.run(w, workers, total/workers)
		}()
	}
	wg.Wait()
	c.mu.Lock()
	c.finished = true
	c.mu.Unlock()
	c.report(store, initial)
}

// chaos is the supervisor of a TestChaos run.
type chaos struct {
	t     *testing.T
	dir   string
	seed  uint64
	start time.Time
	until time.Time // zero: no time limit
	want  int       // differential checks asked for

	mu        sync.Mutex
	pids      map[int]*workerState // running workers
	inputs    int                  // inputs checked, by finished or killed workers
	allChecks int                  // differential checks, minimizing and verifying included
	kills     int                  // adapter children killed
	flaky     int
	added     []string // cases workers said they added
	midWrite  []string // temporary case directories whose writer was killed
	finished  bool
}

type workerState struct {
	next   int  // the first input not yet reported checked
	killed bool // by the supervisor, mid-write
}

// run keeps worker w of n going over inputs w, w+n, w+2n, … until it has
// made checks differential checks, starting it again where it was when
// the supervisor killed it.
func (c *chaos) run(w, n, checks int) {
	next, done := w, 0
	for done < checks {
		st := &workerState{next: next}
		cmd := exec.Command(os.Args[0], "-test.run=^TestChaos$", "-test.timeout=0")
		cmd.Env = append(os.Environ(),
			"OCIDIFF_CHAOS_WORKER="+strconv.Itoa(w), "OCIDIFF_CHAOS_DIR="+c.dir,
			fmt.Sprintf("OCIDIFF_CHAOS_INPUTS=%d+%d", next, n), fmt.Sprintf("OCIDIFF_CHAOS_CHECKS=%d", checks-done),
			fmt.Sprintf("OCIDIFF_CHAOS_SEED=%d", c.seed), fmt.Sprintf("OCIDIFF_CHAOS_UNTIL=%d", c.until.UnixNano()))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			c.t.Error(err)
			return
		}
		if err := cmd.Start(); err != nil {
			c.t.Error(err)
			return
		}
		c.mu.Lock()
		if c.pids == nil {
			c.pids = map[int]*workerState{}
		}
		c.pids[cmd.Process.Pid] = st
		c.mu.Unlock()
		var tail []string
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "chaos: ")
			if !ok {
				tail = append(tail[max(0, len(tail)-20):], sc.Text())
				continue
			}
			f := strings.Fields(line)
			c.mu.Lock()
			switch f[0] {
			case "at": // at INPUT CHECKS: inputs before INPUT done, CHECKS more checks made
				i, _ := strconv.Atoi(f[1])
				k, _ := strconv.Atoi(f[2])
				c.inputs += (i - st.next) / n
				st.next = i
				done += k
				c.allChecks += k
				if c.allChecks/50000 != (c.allChecks-k)/50000 {
					fmt.Printf("chaos: %d checks, %d inputs after %v; %d adapter kills, %d cases added, %d workers killed mid-write so far\n",
						c.allChecks, c.inputs, time.Since(c.start).Round(time.Second), c.kills, len(c.added), len(c.midWrite))
				}
			case "kill":
				c.kills++
			case "added":
				c.added = append(c.added, f[1])
			case "flaky":
				k, _ := strconv.Atoi(f[1])
				c.flaky += k
			}
			c.mu.Unlock()
		}
		err = cmd.Wait()
		c.mu.Lock()
		delete(c.pids, cmd.Process.Pid)
		killed := st.killed
		c.mu.Unlock()
		if err != nil && !killed {
			c.t.Errorf("worker %d failed: %v\n%s\n%s", w, err, strings.Join(tail, "\n"), stderr.String())
			return
		}
		next = st.next
		if !c.until.IsZero() && time.Now().After(c.until) {
			return
		}
	}
}

// chaosWorker is one worker process of TestChaos.
func chaosWorker(t *testing.T) {
	var from, stride int
	fmt.Sscanf(os.Getenv("OCIDIFF_CHAOS_INPUTS"), "%d+%d", &from, &stride)
	checks, _ := strconv.ParseInt(os.Getenv("OCIDIFF_CHAOS_CHECKS"), 10, 64)
	seed, _ := strconv.ParseUint(os.Getenv("OCIDIFF_CHAOS_SEED"), 10, 64)
	until, _ := strconv.ParseInt(os.Getenv("OCIDIFF_CHAOS_UNTIL"), 10, 64)
	names, err := registry.Names("default")
	if err != nil {
		t.Fatal(err)
	}
	js, err := registry.Open(names)
	if err != nil {
		t.Fatal(err)
	}
	// Every differential check runs every judge once: one in-process judge
	// counts the checks, those of minimizing and verifying included
	// (verification shares the in-process judges), and kills an adapter
	// child every 1,000, while the children work on the same input.
	rng := rand.New(rand.NewPCG(seed, uint64(from)))
	i := slices.IndexFunc(js, func(j parsers.Judge) bool { _, ok := j.(io.Closer); return !ok })
	counter := &countingJudge{j: js[i], every: 1000, hook: func() {
		pids := adapterChildren()
		if len(pids) == 0 {
			return
		}
		pid := pids[rng.IntN(len(pids))]
		time.AfterFunc(time.Duration(rng.Int64N(int64(time.Millisecond))), func() {
			if syscall.Kill(pid, syscall.SIGKILL) == nil {
				fmt.Printf("chaos: kill %d\n", pid)
			}
		})
	}}
	js[i] = counter
	e, err := harness.New(js)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s, err := corpus.Open(os.Getenv("OCIDIFF_CHAOS_DIR"))
	if err != nil {
		t.Fatal(err)
	}
	r := New(e, s, openRun(t, s.Dir()), registry.Open)
	reported := int64(0)
	report := func(i int) {
		n := counter.n.Load()
		fmt.Printf("chaos: at %d %d\n", i, n-reported)
		reported = n
	}
	for i := from; ; i += stride {
		if counter.n.Load() >= checks || until > 0 && time.Now().UnixNano() > until {
			report(i)
			return
		}
		if (i/stride)%100 == 0 {
			report(i)
		}
		flaky := r.Stats().Flaky
		_, added, err := r.Observe(chaosInput(seed, i))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range added {
			fmt.Printf("chaos: added %s\n", a)
		}
		if n := r.Stats().Flaky - flaky; n > 0 {
			fmt.Printf("chaos: flaky %d\n", n)
		}
	}
}

// countingJudge counts the inputs it judges and calls hook every so many.
type countingJudge struct {
	j     parsers.Judge
	n     atomic.Int64
	every int64
	hook  func()
}

func (c *countingJudge) Name() string       { return c.j.Name() }
func (c *countingJudge) Version() string    { return c.j.Version() }
func (c *countingJudge) Kind() parsers.Kind { return c.j.Kind() }
func (c *countingJudge) Judge(in []byte) parsers.Verdict {
	if c.n.Add(1)%c.every == 0 {
		c.hook()
	}
	return c.j.Judge(in)
}

// watch kills a worker in the middle of writing a case, up to n times: a
// new temporary directory in the corpus is a case being assembled, and
// the worker holding a file inside it open is its writer.
func (c *chaos) watch(n int) error {
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC)
	if err != nil {
		return err
	}
	if _, err := syscall.InotifyAddWatch(fd, c.dir, syscall.IN_CREATE); err != nil {
		return err
	}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			k, err := syscall.Read(fd, buf)
			if err != nil || k <= 0 {
				return
			}
			for off := 0; off+syscall.SizeofInotifyEvent <= k; {
				mask := binary.NativeEndian.Uint32(buf[off+4:])
				l := int(binary.NativeEndian.Uint32(buf[off+12:]))
				name := string(bytes.TrimRight(buf[off+syscall.SizeofInotifyEvent:off+syscall.SizeofInotifyEvent+l], "\x00"))
				off += syscall.SizeofInotifyEvent + l
				c.mu.Lock()
				more := len(c.midWrite) < n && !c.finished
				c.mu.Unlock()
				if more && mask&syscall.IN_ISDIR != 0 && strings.HasPrefix(name, ".tmp-") {
					c.killWriter(filepath.Join(c.dir, name))
				}
			}
		}
	}()
	return nil
}

// killWriter SIGKILLs the worker that has a file in tmp open, if one
// does within 200ms.
func (c *chaos) killWriter(tmp string) {
	for deadline := time.Now().Add(200 * time.Millisecond); time.Now().Before(deadline); {
		c.mu.Lock()
		pids := slices.Collect(maps.Keys(c.pids))
		c.mu.Unlock()
		for _, pid := range pids {
			fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
			for _, fd := range fds {
				l, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
				if l != tmp && !strings.HasPrefix(l, tmp+"/") {
					continue
				}
				c.mu.Lock()
				if st := c.pids[pid]; st != nil && syscall.Kill(pid, syscall.SIGKILL) == nil {
					st.killed = true
					c.midWrite = append(c.midWrite, tmp)
					fmt.Printf("chaos: killed worker %d while it wrote %s\n", pid, strings.TrimPrefix(l, c.dir+"/"))
				}
				c.mu.Unlock()
				return
			}
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// report checks the corpus the run left and prints the figures.
func (c *chaos) report(store *corpus.Store, initial map[string]bool) {
	t := c.t
	slugs, err := store.Slugs()
	if err != nil {
		t.Fatal(err)
	}
	var lost, halfWritten, spurious, changed, fresh int
	var cases []corpus.Case
	for slug := range slugs {
		cs, err := corpus.Read(filepath.Join(c.dir, slug))
		if err != nil {
			halfWritten++
			t.Errorf("half-written case: %v", err)
			continue
		}
		cases = append(cases, cs)
	}
	for _, a := range c.added {
		if _, err := corpus.Read(a); err != nil {
			lost++
			t.Errorf("lost case: a worker added %s: %v", a, err)
		}
	}
	e, err := registry.Engine("default")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// A case being written when its worker was killed must be in the
	// corpus after all: written whole by the worker started again.
	midWrite := 0
	for _, tmp := range c.midWrite {
		if _, err := os.Stat(tmp); err != nil {
			continue // the kill landed after the rename: a whole case
		}
		midWrite++
		in, err := os.ReadFile(filepath.Join(tmp, "input.json"))
		if err != nil || len(in) == 0 {
			continue // killed before the input was written
		}
		if sig := e.Check(in).Signature; !store.Has(sig) {
			lost++
			t.Errorf("lost case: %s was being written when its worker was killed, and %s is not in the corpus", tmp, sig)
		}
	}
	p := NewReplayer(registry.Open)
	defer p.Close()
	for _, cs := range cases {
		now, err := p.Replay(cs)
		if err != nil {
			t.Fatal(err)
		}
		isNew := !initial[harness.Slug(cs.Signature)]
		if isNew {
			fresh++
		}
		bad := Changed(cs.Result, now)
		if bad {
			changed++
		}
		if isNew && (bad || carriesKill(cs.Result)) {
			spurious++
			t.Errorf("spurious case %s (replays: %v)", cs.Signature, !bad)
		}
	}
	replays := "yes"
	if changed > 0 {
		replays = fmt.Sprintf("NO: %d of %d cases changed", changed, len(cases))
	}
	fmt.Printf(`
chaos run: %v
  differential checks:            %d of %d asked for (each an input sent to every default judge)
  inputs the recorder observed:   %d (the other checks are its minimizing and verifying)
  adapter children SIGKILLed:     %d (one every 1,000 checks per worker)
  workers SIGKILLed mid-write:    %d (temporary case directories left, ignored by readers)
  new cases:                      %d, in a corpus of %d
  flaky (did not reproduce):      %d (kept in .flaky, not in the corpus)
  spurious cases:                 %d
  lost or half-written cases:     %d
  corpus still replays:           %s
`, time.Since(c.start).Round(time.Second), c.allChecks, c.want, c.inputs, c.kills, midWrite, fresh, len(cases), c.flaky,
		spurious, lost+halfWritten, replays)
	if c.allChecks < c.want {
		t.Errorf("stopped at the time limit after %d of %d checks", c.allChecks, c.want)
	}
	if c.kills < c.allChecks/1000-10 || midWrite == 0 {
		t.Errorf("the run did not test what it should: %d adapter kills in %d checks, %d workers killed mid-write", c.kills, c.allChecks, midWrite)
	}
}
