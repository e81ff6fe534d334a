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
// (to args), process.terminal when true (there is no console), and an
// ociVersion other than 1.0.x (crun 1.8.1 refuses any other as "unknown
// version specified"). Added only when missing: ociVersion, root, process
// (with cwd "/" and uid 0), process.cwd, process.env with a PATH (youki
// looks the probe up on it, even by absolute path), mounts (/proc), and
// linux (with its own namespaces, so the container never shares the
// host's). Removed: hooks, which run programs on the host and tell
// nothing about the process.
//
// A member keep names (a member pattern, "*" for any index or key), and
// every member above or below it, is left as the input has it: when the
// split is at root.path, the containers must get the root.path that
// splits.
func Derive(input []byte, rootfs string, args []string, keep ...string) ([]byte, []string, error) {
	top, err := members(input, 0)
	if err != nil {
		return nil, nil, err
	}
	argsJSON, _ := json.Marshal(args)
	pathJSON, _ := json.Marshal(rootfs)
	var d deriver
	d.in = input
	kept := func(member string) bool {
		return slices.ContainsFunc(keep, func(k string) bool { return related(k, member) })
	}

	roots := top.named("root")
	for _, m := range roots {
		if kept("/root/path") {
			d.note("root kept as the input has it: the split is there")
			break
		}
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
		if kept("/process/args") {
			d.note("process kept as the input has it: the split is there")
			break
		}
		if !m.isObject(input) {
			d.replace(m.start, m.end, `{"args":`+string(argsJSON)+`,"cwd":"/","user":{"uid":0,"gid":0},"env":[`+pathEnv+`]}`,
				`process replaced by the probe with cwd "/", uid 0 and a PATH`)
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
		if len(inner.named("env")) == 0 && !kept("/process/env") {
			d.insert(inner, `"env":[`+pathEnv+`]`, "process.env added: "+pathEnv)
		}
		for _, t := range inner.named("terminal") {
			if string(input[t.start:t.end]) == "true" {
				d.replace(t.start, t.end, "false", "process.terminal set to false (no console)")
			}
		}
	}
	if len(procs) == 0 {
		d.insert(top, `"process":{"args":`+string(argsJSON)+`,"cwd":"/","user":{"uid":0,"gid":0},"env":[`+pathEnv+`]}`,
			`process added: the probe, cwd "/", uid 0, a PATH`)
	}
	for _, h := range top.named("hooks") {
		d.replace(h.start, h.end, "{}", "hooks removed (they would run on the host)")
	}
	versions := top.named("ociVersion")
	for _, v := range versions {
		if !kept("/ociVersion") && !bytes.HasPrefix(input[v.start:v.end], []byte(`"1.0.`)) {
			d.replace(v.start, v.end, `"1.0.2"`, `ociVersion set to "1.0.2", which every runtime knows`)
		}
	}
	if len(versions) == 0 {
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

// pathEnv is the PATH the probe's process gets when its config has no env.
const pathEnv = `"PATH=/usr/sbin:/usr/bin:/sbin:/bin"`

// related reports whether member patterns a and b are one member or one
// holds the other, "*" matching any one token.
func related(a, b string) bool {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := range min(len(as), len(bs)) {
		if as[i] != bs[i] && as[i] != "*" && bs[i] != "*" {
			return false
		}
	}
	return true
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
