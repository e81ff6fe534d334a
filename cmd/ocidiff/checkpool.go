package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/ocidiff/ocidiff/harness"
)

// registerParallel adds the flag that sets how many files are checked at
// once.
func registerParallel(fs *flag.FlagSet) *int {
	return fs.Int("parallel", runtime.GOMAXPROCS(0), "files checked at once, each by its own judges (adapter processes included)")
}

// checker checks named inputs on up to parallel engines at once: e, the
// command's own, and as many more as open starts, each in its own
// goroutine (an engine and its judges serve one goroutine at a time).
// With parallel 1 or no open, every input goes through e in turn.
type checker struct {
	e        *harness.Engine
	open     func() (*harness.Engine, error)
	parallel int
	stderr   io.Writer // told when an extra engine cannot start
	cmd      string
}

// ahead is how many inputs an engine starts (hands to its child
// processes) before it finishes the oldest: enough that a child always
// has the next input waiting when it answers one, few enough that the
// inputs in flight stay small.
const ahead = 3

// checked is one input and its result, or why it could not be read.
type checked struct {
	input []byte
	r     harness.Result
	err   error
}

// each reads and checks every named input (see loadCase) and calls emit
// with each in the order of names, whatever order the checks finish in.
// It stops early, once every engine is idle, if emit returns false.
//
// Inputs are read in order by one goroutine, so "-" reads stdin exactly
// as a sequential run would, and at most a few inputs per engine are read
// or checked ahead of the one being emitted, so that memory does not grow
// with the number of files.
func (c checker) each(names []string, stdin io.Reader, emit func(i int, name string, ch checked) bool) {
	n := min(c.parallel, len(names))
	if n <= 1 || c.open == nil {
		// One engine, still a few inputs ahead (see ahead), each
		// emitted in turn.
		type started struct {
			i      int
			ch     checked
			finish func() harness.Result
		}
		var queue []started
		stopped := false
		finishOldest := func() {
			s := queue[0]
			queue = queue[1:]
			if s.finish != nil {
				s.ch.r = s.finish()
			}
			// Once emit has said stop, the checks started are still
			// finished: each wait of a child's judge is called once.
			if !stopped && !emit(s.i, names[s.i], s.ch) {
				stopped = true
			}
		}
		for i, name := range names {
			if stopped {
				break
			}
			s := started{i: i}
			if s.ch.input, _, s.ch.err = loadCase(name, stdin); s.ch.err == nil {
				s.finish = c.e.Start(s.ch.input)
			}
			queue = append(queue, s)
			if len(queue) > ahead {
				finishOldest()
			}
		}
		for len(queue) > 0 {
			finishOldest()
		}
		return
	}

	// Result i goes to slot i%window; the feeder takes a place in the
	// window before it reads input i and the emitter frees it after
	// emitting, so a slot never holds two results.
	window := 4 * n
	slots := make([]chan checked, window)
	for i := range slots {
		slots[i] = make(chan checked, 1)
	}
	places := make(chan struct{}, window)
	type job struct {
		i     int
		input []byte
	}
	jobs := make(chan job, window)
	done := make(chan struct{})

	go func() {
		defer close(jobs)
		for i, name := range names {
			select {
			case places <- struct{}{}:
			case <-done:
				return
			}
			input, _, err := loadCase(name, stdin)
			if err != nil {
				slots[i%window] <- checked{err: err}
				continue
			}
			jobs <- job{i, input}
		}
	}()

	var wg sync.WaitGroup
	openErrs := make([]error, n)
	work := func(e *harness.Engine) {
		// Up to ahead checks started and not finished, oldest first. A
		// worker holding some never waits for the next input: it
		// finishes the oldest instead, whose result the emitter may be
		// waiting for to free the place the feeder needs.
		type started struct {
			j      job
			finish func() harness.Result
		}
		var queue []started
		finishOldest := func() {
			s := queue[0]
			queue = queue[1:]
			slots[s.j.i%window] <- checked{input: s.j.input, r: s.finish()}
		}
		for {
			var j job
			var ok bool
			if len(queue) == 0 {
				j, ok = <-jobs
			} else {
				select {
				case j, ok = <-jobs:
				default:
					finishOldest()
					continue
				}
			}
			if !ok {
				break
			}
			select {
			case <-done:
				continue // drain, so the feeder can finish
			default:
			}
			queue = append(queue, started{j, e.Start(j.input)})
			if len(queue) > ahead {
				finishOldest()
			}
		}
		for len(queue) > 0 {
			finishOldest()
		}
	}
	wg.Go(func() { work(c.e) })
	for w := 1; w < n; w++ {
		wg.Go(func() {
			e, err := c.open()
			if err != nil {
				openErrs[w] = err
				return
			}
			defer e.Close()
			work(e)
		})
	}

	for i, name := range names {
		ch := <-slots[i%window]
		<-places
		if !emit(i, name, ch) {
			break
		}
	}
	// The feeder stops at its next place; workers skip what is queued.
	// Waiting for them means no engine is in use when the caller closes e.
	close(done)
	wg.Wait()
	for _, err := range openErrs {
		if err != nil {
			fmt.Fprintf(c.stderr, "ocidiff %s: one more set of judges could not start, so fewer files were checked at once: %v\n", c.cmd, err)
		}
	}
}
