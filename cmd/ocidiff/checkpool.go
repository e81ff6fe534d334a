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
		for i, name := range names {
			var ch checked
			if ch.input, _, ch.err = loadCase(name, stdin); ch.err == nil {
				ch.r = c.e.Check(ch.input)
			}
			if !emit(i, name, ch) {
				return
			}
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
		for j := range jobs {
			select {
			case <-done:
				continue // drain, so the feeder can finish
			default:
			}
			slots[j.i%window] <- checked{input: j.input, r: e.Check(j.input)}
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
