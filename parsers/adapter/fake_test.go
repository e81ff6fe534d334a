package adapter

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as a fake adapter, so that the client's handling
// of children that hang, die or lie is tested against real processes. With
// OCIDIFF_FAKE_ADAPTER=1 it serves the protocol and acts on each input:
// "hang", "exit", "signal", "midframe", "garbage", "huge", "unknown",
// "nomodel", "panic", "reject", "rejectat", "badat", "acceptat", "once:FILE" (exits the first time, while
// FILE does not exist yet, and creates it), "slow:DURATION" (answers after
// that long), or else accepts with a model naming its pid.
// Its arguments choose how it says hello: "hello=none", "hello=garbage",
// "hello=hang", or "hello:TEXT" to send TEXT; with "big=exit" it exits on seeing a frame over 1 MiB; with
// "failstart=FILE" it removes FILE, if there is one, and exits at once.
const fakeEnv = "OCIDIFF_FAKE_ADAPTER"

const fakeHello = `{"protocol":2,"judge":"fake/echo@1","version":"fake 1","kind":"parser","language":"Go","library":"fake","release":"1"}`

func TestMain(m *testing.M) {
	if os.Getenv(fakeEnv) == "1" {
		fakeAdapter(os.Args[1:])
		os.Exit(0)
	}
	os.Setenv(fakeEnv, "1") // for the children only: checked above, before m.Run
	if os.Getenv("GORACE") == "" {
		// A -race child otherwise sleeps 1s at exit, which Close waits for.
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	os.Exit(m.Run())
}

func fakeAdapter(args []string) {
	w := bufio.NewWriter(os.Stdout)
	frame := func(b []byte) {
		binary.Write(w, binary.BigEndian, uint32(len(b)))
		w.Write(b)
		w.Flush()
	}
	hello := fakeHello
	for _, a := range args {
		if h, ok := strings.CutPrefix(a, "hello:"); ok {
			hello = h
		}
		if f, ok := strings.CutPrefix(a, "failstart="); ok && os.Remove(f) == nil {
			os.Exit(8) // once per creation of the file f
		}
		switch a {
		case "hello=none":
			fmt.Fprintln(os.Stderr, "fake: no hello today")
			os.Exit(7)
		case "hello=garbage":
			hello = "hi there"
		case "hello=hang":
			time.Sleep(time.Hour)
		}
	}
	frame([]byte(hello))
	r := bufio.NewReader(os.Stdin)
	for {
		var n uint32
		if err := binary.Read(r, binary.BigEndian, &n); err != nil {
			if err == io.EOF {
				return
			}
			os.Exit(9)
		}
		if n > 1<<20 && slices.Contains(args, "big=exit") {
			fmt.Fprintln(os.Stderr, "fake: too big for me")
			os.Exit(5) // without reading the body: the client's write fails
		}
		in := make([]byte, n)
		if _, err := io.ReadFull(r, in); err != nil {
			os.Exit(9)
		}
		if f, ok := strings.CutPrefix(string(in), "once:"); ok {
			if _, err := os.Stat(f); err != nil {
				os.WriteFile(f, nil, 0o644)
				os.Exit(3)
			}
		}
		if d, ok := strings.CutPrefix(string(in), "slow:"); ok {
			t, _ := time.ParseDuration(d)
			time.Sleep(t)
		}
		switch string(in) {
		case "hang":
			time.Sleep(time.Hour)
		case "exit":
			fmt.Fprintln(os.Stderr, "fake: line one\nfake: line two\nfatal: giving up")
			os.Exit(3)
		case "signal":
			syscall.Kill(os.Getpid(), syscall.SIGTERM)
			time.Sleep(time.Hour)
		case "midframe":
			binary.Write(w, binary.BigEndian, uint32(100))
			w.WriteString("0123456789")
			w.Flush()
			os.Exit(4)
		case "garbage":
			frame([]byte("not json at all"))
		case "huge":
			binary.Write(w, binary.BigEndian, uint32(0xFFFFFFFF))
			w.Flush()
			time.Sleep(time.Hour)
		case "unknown":
			frame([]byte(`{"outcome":"maybe"}`))
		case "nomodel":
			frame([]byte(`{"outcome":"accept"}`))
		case "panic":
			frame([]byte(`{"outcome":"crash","error":"panicked at src/lib.rs:10:5: index out of bounds: the len is 3 but the index is 7"}`))
		case "reject":
			frame([]byte(`{"outcome":"reject","error":"invalid type: null, expected a sequence at line 1 column 71"}`))
		case "rejectat":
			frame([]byte(`{"outcome":"reject","error":"invalid type: null, expected a sequence at line 1 column 71","at":"/windows/layer~1Folders"}`))
		case "badat":
			frame([]byte(`{"outcome":"reject","error":"no","at":"windows"}`))
		case "acceptat":
			frame([]byte(`{"outcome":"accept","model":{},"at":""}`))
		default:
			b, _ := json.Marshal(map[string]int{"pid": os.Getpid(), "len": len(in)})
			frame([]byte(`{"outcome":"accept","model":` + string(b) + `}`))
		}
	}
}
