package adapter

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// process is one running adapter child. Its stdin and stdout are pipes made
// with os.Pipe, so the parent's ends are pollable files: per-input
// deadlines are file deadlines, with no goroutine or timer per input.
type process struct {
	cmd    *exec.Cmd
	stdin  *os.File
	stdout *os.File
	w      *bufio.Writer
	r      *bufio.Reader
	stderr *tail
	waited bool
}

func startProcess(cfg *Config) (*process, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	p := &process{
		cmd:    exec.Command(cfg.Path, cfg.Args...),
		stdin:  inW,
		stdout: outR,
		stderr: &tail{},
	}
	p.cmd.Stdin = inR
	p.cmd.Stdout = outW
	p.cmd.Stderr = p.stderr
	// A grandchild holding stderr open must not make Wait hang.
	p.cmd.WaitDelay = time.Second
	err = p.cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, err
	}
	p.w = bufio.NewWriterSize(inW, 64<<10)
	p.r = bufio.NewReaderSize(outR, 64<<10)
	return p, nil
}

func (p *process) setDeadline(d time.Duration) {
	t := time.Now().Add(d)
	p.stdin.SetWriteDeadline(t)
	p.stdout.SetReadDeadline(t)
}

// stop kills the child if it still runs, reaps it, and returns how it
// ended ("exit status 101", "signal: segmentation fault"). Killing a child
// that has already exited does not change its recorded status, so a child
// that died on its own is reported as it died.
func (p *process) stop() string {
	if !p.waited {
		p.waited = true
		p.cmd.Process.Kill()
		p.stdin.Close()
		p.cmd.Wait()
		p.stdout.Close()
	}
	if p.cmd.ProcessState == nil {
		return "unknown exit status"
	}
	return p.cmd.ProcessState.String()
}

// close ends the child politely: end of stdin means exit 0 by the
// protocol. A child that does not exit within grace is killed.
func (p *process) close(grace time.Duration) error {
	if p.waited {
		return nil
	}
	p.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(grace):
		p.cmd.Process.Kill()
		err = <-done
		err = fmt.Errorf("did not exit within %v of end of input; killed: %w", grace, err)
	}
	p.waited = true
	p.stdout.Close()
	return err
}

// tail keeps the end of the child's stderr for crash reports, bounded
// however much the child writes over a long run.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailKeep = 8 << 10

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(b)
	if len(b) > tailKeep {
		b = b[len(b)-tailKeep:]
	}
	if over := len(t.buf) + len(b) - tailKeep; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, b...)
	return n, nil
}

// lastLines returns at most n non-empty trailing lines.
func (t *tail) lastLines(n int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(string(bytes.TrimRight(t.buf, "\n")), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
