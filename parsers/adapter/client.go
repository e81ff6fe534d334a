// Package adapter is the one Go client for judges that run as child
// processes (the Rust and C adapters), speaking the framed protocol of
// PROTOCOL.md in this directory.
//
// A Client keeps one long-lived child and sends it one frame per input, so
// that a verdict costs a pipe round trip rather than a process start. What
// the child does wrong is turned into a verdict, never into a panic or a
// hang of the harness: a child that dies, answers garbage or answers too
// late is killed, and the input is judged once more on a child started
// afresh (see Client.Send); only when that fails too does the input get a
// Crash or Timeout verdict.
package adapter

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/ocidiff/ocidiff/parsers"
)

// Config says how to run one adapter.
type Config struct {
	Path    string        // executable
	Args    []string      // e.g. the implementation to serve, "oci-spec@0.6.0"
	Timeout time.Duration // per input; zero means 10s
	// Kind is what the caller takes the judge for (Parser unless set);
	// the hello's kind must agree.
	Kind parsers.Kind
}

const defaultTimeout = 10 * time.Second

// retryFactor lengthens the deadline of the second try after a timeout: a
// machine loaded enough to miss the deadline once is given room, while an
// input that makes the judge loop still ends in a bounded time
// (Timeout × (1 + retryFactor) in all).
const retryFactor = 3

// Client is a judge served by an adapter child process. It implements
// parsers.Judge. A Client is safe for concurrent use, but it holds one
// child, which judges one input at a time, so a parallel harness starts
// one Client per worker.
type Client struct {
	mu      sync.Mutex
	cfg     Config
	hello   Hello
	name    string
	version string
	proc    *process // nil after a failure, until the next Judge restarts it
	buf     []byte   // answer frame storage, reused across inputs
	closed  bool
	// queue is the inputs sent and not yet waited for, in the order
	// they were written.
	queue []*pending
	// sent numbers the frames written to the buffer, flushed the last
	// of them written to the child, read the last whose answer was read.
	sent, flushed, read uint64
}

var _ parsers.Sender = (*Client)(nil)

// Start launches the adapter and reads its hello frame, which gives the
// judge's name, version and the facts of Hello.
func Start(cfg Config) (*Client, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	c := &Client{cfg: cfg}
	h, err := c.spawn()
	if err != nil {
		return nil, fmt.Errorf("adapter %s: %w", strings.Join(append([]string{cfg.Path}, cfg.Args...), " "), err)
	}
	c.hello, c.name, c.version = h, h.Judge, h.Version
	return c, nil
}

// Hello is what the adapter said of itself when it started.
func (c *Client) Hello() Hello { return c.hello }

// Name is the judge name the adapter announced, e.g. "rust/oci-spec@0.10.0".
func (c *Client) Name() string { return c.name }

// Version is the exact library version the adapter announced.
func (c *Client) Version() string { return c.version }

// Kind is Config.Kind, which the hello's kind agrees with.
func (c *Client) Kind() parsers.Kind { return c.cfg.Kind }

// Protocol is the protocol version this client speaks (PROTOCOL.md).
const Protocol = 2

// Hello is an adapter's hello frame: the facts of its judge's descriptor
// that the adapter itself knows, because they are compiled into it. The
// rest (upstream, runtime, reproduction) is the registry's to say.
type Hello struct {
	Protocol int    `json:"protocol"`
	Judge    string `json:"judge"`   // the judge's name, e.g. "rust/oci-spec@0.10.0"
	Version  string `json:"version"` // the exact version, e.g. "oci-spec 0.10.0"
	Kind     string `json:"kind"`    // "parser" or "validator"
	Language string `json:"language"`
	Library  string `json:"library"`
	Release  string `json:"release"`
}

// check returns an error naming the first field that is missing or wrong.
// A protocol 1 hello is refused, not read as version 2 with facts missing:
// every adapter is built from this repository by `make build`, so an old
// hello means a stale binary, and rebuilding it is the fix.
func (h Hello) check() error {
	if h.Protocol != Protocol {
		return fmt.Errorf("field \"protocol\" is %d, want %d: rebuild the adapter with `make build`", h.Protocol, Protocol)
	}
	for _, f := range []struct{ name, v string }{
		{"judge", h.Judge}, {"version", h.Version}, {"kind", h.Kind},
		{"language", h.Language}, {"library", h.Library}, {"release", h.Release},
	} {
		if f.v == "" {
			return fmt.Errorf("field %q is missing or empty", f.name)
		}
	}
	var k parsers.Kind
	if err := k.UnmarshalText([]byte(h.Kind)); err != nil {
		return fmt.Errorf("field \"kind\": %v", err)
	}
	return nil
}

// Descriptor is the hello as a partial descriptor: name, kind, language,
// library and release.
func (h Hello) Descriptor() parsers.Descriptor {
	d := parsers.Descriptor{Name: h.Judge, Language: h.Language, Library: h.Library, Release: h.Release}
	_ = d.Kind.UnmarshalText([]byte(h.Kind)) // checked when the hello was read
	return d
}

// Matches returns an error naming every fact of the hello that d, a
// registry entry, says otherwise, so that an entry cannot drift from the
// adapter it starts.
func (h Hello) Matches(d parsers.Descriptor) error {
	got := h.Descriptor()
	var diffs []string
	for _, f := range []struct{ name, hello, entry string }{
		{"judge", got.Name, d.Name},
		{"kind", got.Kind.String(), d.Kind.String()},
		{"language", got.Language, d.Language},
		{"library", got.Library, d.Library},
		{"release", got.Release, d.Release},
	} {
		if f.hello != f.entry {
			diffs = append(diffs, fmt.Sprintf("%s %q (entry: %q)", f.name, f.hello, f.entry))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("adapter's hello differs from the registry entry for %q: %s", d.Name, strings.Join(diffs, ", "))
	}
	return nil
}

// answerOptions read a verdict frame with encoding/json's semantics
// (names in any letter case but with their delimiters, the last of
// duplicate names, null leaving a field as it was, invalid UTF-8 in an
// echoed error replaced) in two fifths of its time (BenchmarkAnswer): the
// frame holds the model, which encoding/json scanned twice, and every
// check reads one frame from each child. Only the wording of the error
// for a frame that is no verdict differs.
var answerOptions = jsonv1.DefaultOptionsV1()

// answer is a verdict frame.
type answer struct {
	Outcome parsers.Outcome `json:"outcome"`
	Error   string          `json:"error"`
	At      *string         `json:"at"`
	Model   json.RawMessage `json:"model"`
}

// spawn starts a child, reads its hello and makes it c.proc.
func (c *Client) spawn() (Hello, error) {
	p, err := startProcess(&c.cfg)
	if err != nil {
		return Hello{}, err
	}
	p.setDeadline(c.cfg.Timeout)
	b, err := readFrame(p.r, c.buf)
	if err != nil {
		status := p.stop()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return Hello{}, fmt.Errorf("no hello frame within %v; killed (%s)%s", c.cfg.Timeout, status, stderrNote(p))
		}
		return Hello{}, fmt.Errorf("reading hello frame: %v (%s)%s", err, status, stderrNote(p))
	}
	var h Hello
	if err := json.Unmarshal(b, &h); err != nil {
		p.stop()
		return Hello{}, fmt.Errorf("hello frame %.200q is not a JSON object of PROTOCOL.md's hello: %v", b, err)
	}
	if err := h.check(); err != nil {
		p.stop()
		return Hello{}, fmt.Errorf("hello frame %.200q: %v", b, err)
	}
	if want := c.cfg.Kind.String(); h.Kind != want {
		p.stop()
		return Hello{}, fmt.Errorf("hello frame: field \"kind\" is %q, but the judge is started as a %s", h.Kind, want)
	}
	if c.name != "" && h != c.hello {
		p.stop()
		return Hello{}, fmt.Errorf("restarted adapter says %+v, was %+v", h, c.hello)
	}
	c.proc = p
	return h, nil
}

// Judge sends input to the child and returns its verdict.
func (c *Client) Judge(input []byte) parsers.Verdict { return c.Send(input)() }

// Send hands input to the child and returns at once with a function that
// waits for the verdict, so that the engine can run in-process judges while
// the child works (parsers.Sender). Each function must be called once.
//
// Several inputs may be sent before their verdicts are waited for: the
// child answers them in order, one after the other, without waiting to be
// woken for each (a wake-up across cores cost a check more than the Rust
// and C judges' own work). A verdict waited for out of order is read
// after the ones sent before it, which are kept for their own waits; so
// is every answer pending when the inputs written and not yet answered
// would exceed maxInFlight, so that neither pipe fills while both
// processes wait on each other.
//
// A Crash or Timeout verdict counts only if it happens again on a fresh
// child. When the child dies, answers garbage or misses the deadline, it
// is killed and the same input goes to a newly started child, after a
// timeout with a deadline retryFactor times longer; the verdict is that
// child's. A child killed from outside (the OOM killer, a signal meant for
// another process) or starved by a loaded machine therefore costs no
// verdict, while a judge that really crashes or hangs on the input does so
// twice and is reported, with both failures in the error text. The inputs
// sent after it go to the fresh child too, in the same order.
//
// The retry lives here rather than in the recorder because only the
// client can tell a child that failed from a verdict the adapter gave (a
// Rust panic the adapter caught is an answer, deterministic by
// construction, and is not retried), and only the client can restart one
// child without restarting every judge. Every caller — ocidiff check,
// matrix, fuzzing, replay, corpus update — wants a verdict about the
// input, not about the state of the machine, so every caller gets the
// retry. What a retry cannot absorb (the fresh child is killed too) is
// caught downstream: the recorder writes a case only when it replays on
// freshly started judges (harness/recorder's verification).
func (c *Client) Send(input []byte) func() parsers.Verdict {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &pending{input: input, v: parsers.Verdict{Judge: c.name, Version: c.version}}
	if n := c.inFlight(); n > 0 && n+len(input) > maxInFlight {
		for _, q := range c.queue {
			c.answer(q)
		}
	}
	c.write(e)
	c.queue = append(c.queue, e)
	return func() parsers.Verdict { return c.wait(e) }
}

// maxInFlight bounds the bytes of input written to the child and not yet
// answered. An answer is about as large as its input (the model the
// library writes back), and a pipe holds 64 KiB.
const maxInFlight = 16 << 10

// pending is an input sent, and its verdict once read.
type pending struct {
	input []byte
	proc  *process // the child it was written to
	werr  error    // the error writing it
	seq   uint64   // its number among the frames sent (Client.sent)
	done  bool
	v     parsers.Verdict
}

// write sends e to the child, starting one if there is none; an input
// that cannot be sent is answered at once.
func (c *Client) write(e *pending) {
	switch {
	case c.closed:
		e.done, e.v = true, crash(e.v, c.command()+": Judge called after Close", "crash: client closed")
		return
	case len(e.input) > maxFrame:
		e.done, e.v = true, crash(e.v, fmt.Sprintf("%s: input of %d bytes exceeds the %d-byte protocol limit", c.command(), len(e.input), maxFrame),
			"crash: input exceeds protocol limit")
		return
	case c.proc == nil:
		// Restarting is tried twice too: a start can fail for a passing
		// reason (the new child killed before its hello).
		if _, err := c.spawn(); err != nil {
			if _, err := c.spawn(); err != nil {
				e.done, e.v = true, crash(e.v, fmt.Sprintf("%s: restarting after a failure, twice: %v", c.command(), err), "crash: restart failed")
				return
			}
		}
		c.newChild()
	}
	e.proc = c.proc
	// The frame waits in the buffer until a verdict is waited for
	// (answer flushes), so that the inputs a caller sends ahead reach
	// the child in one write and wake it once. The child reads a whole
	// frame before it answers, so a large input blocks here only until
	// the child has taken it.
	if c.proc.w.Available() < 4+len(e.input) {
		// The frame goes to the pipe now, at least in part. (A
		// deadline is set only for a write or a read that will happen:
		// setting one costs timer work in the runtime.)
		c.proc.setDeadline(c.cfg.Timeout)
	}
	e.werr = bufferFrame(c.proc.w, e.input)
	c.sent++
	e.seq = c.sent
	c.feed()
}

// feed writes the buffered frames to the child when it would otherwise
// run out of work: when it holds at most one frame whose answer has not
// been read (so a single check's input goes at once, and the child works
// while the in-process judges do), or when flushEvery frames wait.
// Otherwise they wait, so that several go in one write and wake the
// child once.
func (c *Client) feed() {
	if c.sent > c.flushed && (c.flushed-c.read <= 1 || c.sent-c.flushed >= flushEvery) {
		c.proc.setDeadline(c.cfg.Timeout)
		c.flush()
	}
}

// inFlight is the bytes of input written to the child and not answered:
// the queue's inputs sent to it that have no verdict yet.
func (c *Client) inFlight() int {
	n := 0
	for _, q := range c.queue {
		if !q.done && q.proc == c.proc {
			n += len(q.input)
		}
	}
	return n
}

// newChild starts the frame counts afresh for a child just started.
func (c *Client) newChild() {
	c.flushed, c.read = c.sent, c.sent
}

// flushEvery is the most frames that wait in the buffer.
const flushEvery = 4

// flush writes the frames in the buffer to the child. An error shows
// when their answers are read.
func (c *Client) flush() {
	c.proc.w.Flush()
	c.flushed = c.sent
}

// wait returns e's verdict, reading the answers to the inputs sent
// before it first.
func (c *Client) wait(e *pending) parsers.Verdict {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.queue) > 0 && !e.done {
		c.answer(c.queue[0])
		c.queue = c.queue[1:]
	}
	if i := slices.Index(c.queue, e); i >= 0 {
		c.queue = slices.Delete(c.queue, i, i+1) // answered early, to keep the pipes flowing
	}
	return e.v
}

// answer reads e's verdict, which the child owes next, unless it has one.
// When the child fails on e, e is judged again on a fresh child, and the
// inputs queued after it are written to that child in order.
func (c *Client) answer(e *pending) {
	if !e.done && (c.proc == nil || e.proc != c.proc) {
		// Its child is gone (closed, or it failed with nothing to
		// restart): send it again, or answer why not.
		c.write(e)
	}
	if e.done {
		return
	}
	e.done = true
	before := c.proc
	c.proc.setDeadline(c.cfg.Timeout)
	if e.seq > c.flushed {
		c.flush()
	}
	got, failed := c.receive(e.v, len(e.input), e.werr, c.cfg.Timeout)
	if failed {
		got = c.retry(e.v, e.input, got)
	}
	e.v = got
	if c.proc == before {
		c.read = e.seq
		c.feed()
		return
	}
	// The inputs written to the child that failed go to its successor.
	for _, q := range c.queue {
		if !q.done && q != e {
			c.write(q)
		}
	}
}

// retry judges input once more on a fresh child, after the child failed
// on it with the verdict first (see Send).
func (c *Client) retry(v parsers.Verdict, input []byte, first parsers.Verdict) parsers.Verdict {
	if _, err := c.spawn(); err != nil {
		first.Error += fmt.Sprintf("; not tried again: restarting failed: %v", err)
		return first
	}
	c.newChild()
	timeout := c.cfg.Timeout
	if first.Outcome == parsers.Timeout {
		timeout *= retryFactor
	}
	c.proc.setDeadline(timeout)
	err := writeFrame(c.proc.w, input)
	got, failed := c.receive(v, len(input), err, timeout)
	if failed {
		got.Error = got.Error + parsers.Retried + first.Error
	}
	return got
}

// receive reads the answer to an input already written (or takes the
// error of writing it) within timeout. failed says that the child failed
// and has been stopped.
func (c *Client) receive(v parsers.Verdict, n int, err error, timeout time.Duration) (_ parsers.Verdict, failed bool) {
	p := c.proc
	var body []byte
	if err == nil {
		body, err = readFrame(p.r, c.buf)
	}
	if err == nil {
		if cap(body) <= 1<<20 {
			c.buf = body[:0] // keep small buffers, drop the storage of huge answers
		}
		var a answer
		if err = jsonv2.Unmarshal(body, &a, answerOptions); err != nil {
			err = &protocolError{"answer is not a verdict object", fmt.Sprintf("%.100q: %v", body, err)}
		} else if err = a.check(); err == nil {
			v.Outcome, v.Error = a.Outcome, a.Error
			switch a.Outcome {
			case parsers.Accept:
				v.Model = a.Model
			case parsers.Reject:
				v.Class = parsers.Classify(a.Error)
				if a.At != nil {
					v.At = *a.At
				}
			case parsers.Crash:
				v.Class = "crash: " + parsers.Classify(a.Error)
			}
			return v, false
		}
	}
	return c.fail(v, n, err, timeout), true
}

func (a *answer) check() error {
	switch a.Outcome {
	case parsers.Accept:
		if len(a.Model) == 0 || string(a.Model) == "null" {
			return &protocolError{"accept verdict without a model", fmt.Sprintf("model %.50q", a.Model)}
		}
	case parsers.Reject, parsers.Crash:
	default:
		return &protocolError{"unknown outcome", fmt.Sprintf("%.50q", a.Outcome)}
	}
	switch {
	case a.At == nil:
	case a.Outcome != parsers.Reject:
		return &protocolError{"at in a verdict that is not a reject", fmt.Sprintf("%s at %.100q", a.Outcome, *a.At)}
	case !isPointer(*a.At):
		return &protocolError{"at is not a JSON pointer", fmt.Sprintf("%.100q", *a.At)}
	}
	return nil
}

// isPointer reports whether s is an RFC 6901 JSON pointer: empty (the
// whole document) or "/"-separated steps in which "~" escapes only 0 or 1.
func isPointer(s string) bool {
	if s != "" && s[0] != '/' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '~' && (i+1 == len(s) || (s[i+1] != '0' && s[i+1] != '1')) {
			return false
		}
	}
	return true
}

// fail turns a failed round trip into a verdict; it stops the child, which
// the retry or the next input restarts.
func (c *Client) fail(v parsers.Verdict, n int, err error, timeout time.Duration) parsers.Verdict {
	p := c.proc
	c.proc = nil
	status := p.stop()
	var pe *protocolError
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		v.Outcome = parsers.Timeout
		v.Error = fmt.Sprintf("%s: no answer within %v to an input of %d bytes; killed%s", c.command(), timeout, n, stderrNote(p))
		v.Class = "timeout"
		return v
	case errors.As(err, &pe):
		return crash(v, fmt.Sprintf("%s: %v, after an input of %d bytes; killed (%s)%s", c.command(), err, n, status, stderrNote(p)),
			"crash: protocol: "+pe.class)
	default:
		// The child closed stdout or stdin: it died. Its exit status says how.
		return crash(v, fmt.Sprintf("%s: died (%s) on an input of %d bytes: %v%s", c.command(), status, n, err, stderrNote(p)),
			"crash: "+status)
	}
}

func crash(v parsers.Verdict, msg, class string) parsers.Verdict {
	v.Outcome, v.Error, v.Class = parsers.Crash, msg, class
	return v
}

func stderrNote(p *process) string {
	if s := p.stderr.lastLines(10); s != "" {
		return "; stderr:\n" + s
	}
	return ""
}

// command names the adapter in errors by its file name and arguments, so
// that verdict texts do not depend on where the binary was built.
func (c *Client) command() string {
	return strings.Join(append([]string{filepath.Base(c.cfg.Path)}, c.cfg.Args...), " ")
}

// Close ends the child (end of input; killed if it does not exit within 2s).
// It reports a child that did not exit cleanly.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.proc == nil {
		return nil
	}
	p := c.proc
	c.proc = nil
	if err := p.close(2 * time.Second); err != nil {
		return fmt.Errorf("adapter %s: closing: %w%s", c.command(), err, stderrNote(p))
	}
	return nil
}
