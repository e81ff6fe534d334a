package confirm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Derive makes a config a container can run from input, changing only
// what a container needs, and says what it changed. It edits the bytes in
// place rather than decoding and re-encoding, because the disagreement
// often lives in the bytes: a duplicate member, a member name in another
// letter case, an escape. Every member whose name matches a needed one
// regardless of case is edited, so that each runtime, whichever of them
// it reads, gets the override.
//
// Overridden: root.path (to the rootfs beside config.json), process.args
// (to args), process.terminal when true (there is no console). Added only
// when missing: ociVersion, root, process (with cwd "/" and uid 0),
// process.cwd, mounts (/proc), and linux (with its own namespaces, so the
// container never shares the host's). Removed: hooks, which run programs
// on the host and tell nothing about the process.
func Derive(input []byte, rootfs string, args []string) ([]byte, []string, error) {
	top, err := members(input, 0)
	if err != nil {
		return nil, nil, err
	}
	argsJSON, _ := json.Marshal(args)
	pathJSON, _ := json.Marshal(rootfs)
	var d deriver
	d.in = input

	roots := top.named("root")
	for _, m := range roots {
		if !m.isObject(input) {
			d.replace(m.start, m.end, `{"path":`+string(pathJSON)+`}`, "root replaced by {\"path\": the busybox rootfs}")
			continue
		}
		inner, err := members(input, m.start)
		if err != nil {
			return nil, nil, err
		}
		paths := inner.named("path")
		for _, p := range paths {
			d.replace(p.start, p.end, string(pathJSON), "root.path set to the busybox rootfs")
		}
		if len(paths) == 0 {
			d.insert(inner, `"path":`+string(pathJSON), "root.path added: the busybox rootfs")
		}
	}
	if len(roots) == 0 {
		d.insert(top, `"root":{"path":`+string(pathJSON)+`}`, "root added: the busybox rootfs")
	}

	procs := top.named("process")
	for _, m := range procs {
		if !m.isObject(input) {
			d.replace(m.start, m.end, `{"args":`+string(argsJSON)+`,"cwd":"/","user":{"uid":0,"gid":0}}`,
				`process replaced by the probe with cwd "/" and uid 0`)
			continue
		}
		inner, err := members(input, m.start)
		if err != nil {
			return nil, nil, err
		}
		as := inner.named("args")
		for _, a := range as {
			d.replace(a.start, a.end, string(argsJSON), "process.args set to the probe")
		}
		if len(as) == 0 {
			d.insert(inner, `"args":`+string(argsJSON), "process.args added: the probe")
		}
		if len(inner.named("cwd")) == 0 {
			d.insert(inner, `"cwd":"/"`, `process.cwd added: "/"`)
		}
		for _, t := range inner.named("terminal") {
			if string(input[t.start:t.end]) == "true" {
				d.replace(t.start, t.end, "false", "process.terminal set to false (no console)")
			}
		}
	}
	if len(procs) == 0 {
		d.insert(top, `"process":{"args":`+string(argsJSON)+`,"cwd":"/","user":{"uid":0,"gid":0}}`,
			`process added: the probe, cwd "/", uid 0`)
	}
	for _, h := range top.named("hooks") {
		d.replace(h.start, h.end, "{}", "hooks removed (they would run on the host)")
	}
	if len(top.named("ociVersion")) == 0 {
		d.insert(top, `"ociVersion":"1.0.2"`, `ociVersion added: "1.0.2"`)
	}
	if len(top.named("mounts")) == 0 {
		d.insert(top, `"mounts":[{"destination":"/proc","type":"proc","source":"proc"}]`, "mounts added: /proc")
	}
	if len(top.named("linux")) == 0 {
		d.insert(top, `"linux":{"namespaces":[{"type":"pid"},{"type":"mount"},{"type":"ipc"},{"type":"uts"},{"type":"network"}]}`,
			"linux added: pid, mount, ipc, uts and network namespaces")
	}
	return d.apply(), d.notes, nil
}

// member is one member of a JSON object: the byte range of its value.
type member struct {
	name       string
	start, end int
}

func (m member) isObject(in []byte) bool { return in[m.start] == '{' }

// object is the members of one object and where its '{' is.
type object struct {
	open    int
	members []member
}

func (o object) named(name string) []member {
	var out []member
	for _, m := range o.members {
		if strings.EqualFold(m.name, name) {
			out = append(out, m)
		}
	}
	return out
}

// members lists the members of the object that starts at in[at], with
// the byte range of each value, duplicates included.
func members(in []byte, at int) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(in[at:]))
	tok, err := dec.Token()
	if err != nil {
		return object{}, fmt.Errorf("at byte %d: %v", at, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return object{}, fmt.Errorf("at byte %d: the config is not a JSON object", at)
	}
	o := object{open: at + int(dec.InputOffset()) - 1}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return object{}, fmt.Errorf("at byte %d: %v", at+int(dec.InputOffset()), err)
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return object{}, fmt.Errorf("member %q: %v", name, err)
		}
		end := at + int(dec.InputOffset())
		o.members = append(o.members, member{name: name, start: end - len(raw), end: end})
	}
	return o, nil
}

// deriver collects edits to in and applies them together.
type deriver struct {
	in    []byte
	edits []edit
	notes []string
}

type edit struct {
	start, end int
	text       string
	// member marks an insertion of a member into an object; nonEmpty says
	// that object already has members, so a comma must follow.
	member, nonEmpty bool
}

func (d *deriver) replace(start, end int, text, note string) {
	d.edits = append(d.edits, edit{start: start, end: end, text: text})
	d.note(note)
}

// insert adds a member first in o, where a parser that keeps the first
// of duplicate members and one that keeps the last both see it, since o
// has no member of that name.
func (d *deriver) insert(o object, text, note string) {
	d.edits = append(d.edits, edit{start: o.open + 1, end: o.open + 1, text: text, member: true, nonEmpty: len(o.members) > 0})
	d.note(note)
}

func (d *deriver) note(n string) {
	if !slices.Contains(d.notes, n) {
		d.notes = append(d.notes, n)
	}
}

func (d *deriver) apply() []byte {
	slices.SortStableFunc(d.edits, func(a, b edit) int { return a.start - b.start })
	var out bytes.Buffer
	pos := 0
	for i, e := range d.edits {
		out.Write(d.in[pos:e.start])
		out.WriteString(e.text)
		pos = e.end
		if e.member {
			// Members inserted at one place are separated by commas, and
			// from the object's own members by one more.
			if next := i + 1; next < len(d.edits) && d.edits[next].member && d.edits[next].start == e.start {
				out.WriteString(",")
			} else if e.nonEmpty {
				out.WriteString(",")
			}
		}
	}
	out.Write(d.in[pos:])
	return out.Bytes()
}
