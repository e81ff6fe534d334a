package harness

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ocidiff/ocidiff/parsers"
)

// The round trip: writers are judged too. Every library that reads
// config.json also writes it (containerd and cri-o through specs-go and
// encoding/json, youki through oci-spec-rs's Serialize, crun's state
// through libocispec's generator), and a writer that emits what the schema
// or another reader refuses breaks the runtime at the other end: the
// founding config's "layerFolders": null was written by encoding/json
// from a specs-go value with no layer folders.
//
// A parser's Model is what its library writes for what it read (the Go
// judges' json.Marshal, the Rust adapter's serde Serialize, the C
// adapter's libocispec generator), except for a parsers.Writer, which
// says what it writes. With a RoundTripMode, Check gives those bytes to
// every judge and names a Writes cause of the writer's library where a
// judge refuses them, or where the library reads them back as another
// value than it read first.

// RoundTripMode says how Check judges what the libraries write.
type RoundTripMode struct {
	// Built, when set, says that the input is a config a program built
	// and one of these libraries wrote (the struct fuzzer, FuzzGoWriter):
	// only their writers are judged, and a judge's every refusal of what
	// they write counts, since nothing was read before they wrote.
	//
	// Unset, the input is a config that was read: every accepting
	// parser's writer is judged, and a refusal counts only where that
	// judge did not refuse the input for the same member and form, so
	// that a writer that keeps what it read (a null read, a null written)
	// is not blamed for the input.
	Built []string `json:"built,omitempty"`
}

// RoundTrip makes Check judge what the libraries write as well (see
// RoundTripMode): every accepting parser's writer, or with built, those of
// the libraries named, for an input a program built. It costs a check of
// every judge per distinct writer output, so it is a mode: the writer
// fuzz target and `check -roundtrip` switch it on.
func RoundTrip(built ...string) Option {
	return func(c *config) error {
		c.roundTrip = &RoundTripMode{Built: built}
		return nil
	}
}

// RoundTripMode returns the engine's round trip, or nil when it has none,
// so that an engine over fresh judges (recorder.verify, the replayer)
// checks as this one does.
func (e *Engine) RoundTripMode() *RoundTripMode { return e.roundTrip }

// WithRoundTrip sets the round trip to m (nil: none), as a recorded
// result's RoundTrip says it was checked.
func WithRoundTrip(m *RoundTripMode) Option {
	return func(c *config) error {
		if m != nil {
			c.roundTrip = &RoundTripMode{Built: slices.Clone(m.Built)}
		} else {
			c.roundTrip = nil
		}
		return nil
	}
}

// Write is one writer's part in a round trip: the bytes a library wrote
// for the input, and what every judge said of them.
type Write struct {
	// Writers are the judges whose library wrote these very bytes.
	Writers []string `json:"writers"`
	// Written is the bytes written, exactly.
	Written string `json:"written"`
	// Verdicts are every judge's verdicts on Written, without models:
	// the causes say what of them matters, and a case stays readable.
	Verdicts []parsers.Verdict `json:"verdicts"`
}

// writer is one library's bytes, as some of its judges wrote them.
type writer struct {
	library string
	judges  []int // indices in the engine's judges
	written []byte
}

// writers lists the distinct outputs of the accepting parsers' writers
// (the three Go judges on one specs-go release write the same bytes).
func (e *Engine) writers(input []byte, ss []stance, m RoundTripMode) []writer {
	var ws []writer
	for i, s := range ss {
		if !s.v.Accepted() || e.judges[i].Kind() != parsers.Parser {
			continue
		}
		if m.Built != nil && !slices.Contains(m.Built, s.desc.Library) {
			continue
		}
		b := []byte(s.v.Model)
		if w, ok := e.judges[i].(parsers.Writer); ok {
			if wb, ok := w.Write(input); ok {
				b = wb
			}
		}
		if len(b) == 0 {
			continue
		}
		j := slices.IndexFunc(ws, func(w writer) bool { return w.library == s.desc.Library && bytes.Equal(w.written, b) })
		if j < 0 {
			ws = append(ws, writer{library: s.desc.Library, written: b})
			j = len(ws) - 1
		}
		ws[j].judges = append(ws[j].judges, i)
	}
	return ws
}

// roundTripCheck judges every writer's output and adds the Writes causes
// to r: r no longer agrees when there is one, and its signature names
// them, so that the recorder, the replay and reports treat them as any
// other cause.
func (e *Engine) roundTripCheck(input []byte, r *Result) {
	t0 := time.Now()
	m := *e.roundTrip
	r.RoundTrip = &m
	ss := stances(r.Verdicts, e.descs)
	// What each judge refused in the input, by member and form: a
	// writer that keeps what it read is not blamed for it.
	var base [][]located
	if m.Built == nil {
		base, _ = refusals(ss, newInputView(input))
	}
	var cs causeSet
	var readers [][]string // by cause in cs
	add := func(w writer, c Cause, reader string) {
		c.Library = w.library
		for _, i := range w.judges {
			cs.add(ss[i], c)
		}
		k := slices.IndexFunc(cs, func(x Cause) bool { return sameInstance(x, c) })
		for len(readers) < len(cs) {
			readers = append(readers, nil)
		}
		if !slices.Contains(readers[k], reader) {
			readers[k] = append(readers[k], reader)
		}
	}
	for _, w := range e.writers(input, ss, m) {
		vs, _ := e.judge(w.written)
		write := Write{Written: string(w.written), Verdicts: make([]parsers.Verdict, len(vs))}
		for _, i := range w.judges {
			write.Writers = append(write.Writers, e.judges[i].Name())
		}
		for i, v := range vs {
			v.Model = nil
			write.Verdicts[i] = v
		}
		r.Writes = append(r.Writes, write)

		ws := stances(vs, e.descs)
		in := newInputView(w.written)
		own, placed := refusals(ws, in)
		for j, s := range ws {
			switch s.v.Outcome {
			case parsers.Reject:
				for _, l := range own[j] {
					if base != nil && slices.ContainsFunc(base[j], func(b located) bool { return b.member == l.member && b.form == l.form }) {
						continue
					}
					add(w, Cause{Behaviour: Writes, Member: l.member, Form: l.form, Class: l.member}, s.v.Judge)
				}
			case parsers.Crash, parsers.Timeout:
				if base != nil && r.Verdicts[j].Outcome == s.v.Outcome {
					continue
				}
				l := placeBy(placed, in)
				add(w, Cause{Behaviour: Writes, Member: l.member, Form: l.form, Class: l.member}, s.v.Judge)
			case parsers.Accept:
				// The library reading back what it wrote.
				if s.desc.Library != w.library || !r.Verdicts[j].Accepted() {
					continue
				}
				for _, d := range e.readBack(r.Verdicts[j], s.v) {
					member := patternOf(d.Path)
					add(w, Cause{Behaviour: Writes, Member: member, Form: in.valueForm(member),
						Class: "reads back " + member, Value: d.BValue, OtherValue: d.AValue}, s.v.Judge)
				}
			}
		}
	}
	for k := range cs {
		cs[k].Readers = readers[k]
	}
	e.judgeTime += time.Since(t0)
	if len(cs) == 0 {
		return
	}
	slices.SortStableFunc(cs, compareCauses)
	r.Causes = append(r.Causes, cs...)
	r.Agree = false
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Instance()
	}
	sig := "writes: " + strings.Join(parts, "; ")
	if r.Signature != "" {
		sig = r.Signature + " | " + sig
	}
	r.Signature = sig
}

// readBack compares the model a judge read from the input with the one it
// read from its own library's bytes, under the engine's rules, and lists
// where they differ (A the first, B the one read back).
func (e *Engine) readBack(first, again parsers.Verdict) []ValueDiff {
	if bytes.Equal(first.Model, again.Model) {
		return nil
	}
	x, err1 := decodeFolded(first.Model, e.rules)
	y, err2 := decodeFolded(again.Model, e.rules)
	if err1 != nil || err2 != nil {
		return nil
	}
	if equalTree(x, y) {
		return nil
	}
	return treeDiff([]string{first.Judge}, []string{again.Judge}, x, y)
}

// WriteWrites says, for a person, what each library wrote back in a round
// trip and which judges refused it, one line per writer, cut to width.
func WriteWrites(w io.Writer, r Result, width int) error {
	var b strings.Builder
	for _, wr := range r.Writes {
		var refused []string
		for _, v := range wr.Verdicts {
			if !v.Accepted() {
				refused = append(refused, v.Judge+" "+string(v.Outcome)+"s")
			}
		}
		verdict := "every judge accepts it"
		if len(refused) > 0 {
			verdict = strings.Join(refused, ", ")
		}
		b.WriteString(Cut(fmt.Sprintf("written back by %s (%d bytes): %s", strings.Join(wr.Writers, ", "), len(wr.Written), verdict), width) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
