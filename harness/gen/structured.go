// Package gen turns fuzzer bytes into config.json variants for the
// differential harness: Structured puts one member of the spec at a time
// in a deliberate form on an otherwise valid config, from a vocabulary
// built from the pinned schema and the specs-go types (Load); Raw takes a
// valid document and bends its bytes where JSON decoders are known to
// differ; Seeds is the starting corpus; Coverage says which members, in
// which forms, a set of documents exercised.
//
// Both generators are pure functions of their input bytes, cheap enough to
// run millions of times, and read those bytes through go-fuzz-headers so
// that the fuzzer's coverage feedback steers every decision.
package gen

import "hash/fnv"

// Structured builds a config.json document from data. It starts from a
// valid base (a minimal Linux or Windows config) or the founding Windows
// config, sometimes adds a member or two in valid forms, and then, in most inputs,
// applies one deliberate deviation (sometimes two or three): one member of
// the spec, chosen from the vocabulary that Load builds from the schema
// and specs-go, put in one of its forms (absent, null, empty, a wrong
// JSON type, each enum value and its near misses, a pattern's match and
// near miss, a bound and one past it, the limits of the parsers' integer
// types, -0, 1.0, 1e2, the name in another case or as specs-go spells it,
// the member twice, deep nesting), or one of the founding forcers
// (windows.layerFolders, root). One cause on an otherwise valid config is
// what the minimizer isolates best. The output is always valid JSON (a
// duplicate member is valid JSON), with members sorted, and the same data
// always gives the same bytes. It panics if Load fails.
func Structured(data []byte) []byte {
	doc, _ := structured(data)
	return marshal(doc)
}

// hash is FNV-1a of data.
func hash(data []byte) uint32 {
	h := fnv.New32a()
	h.Write(data)
	return h.Sum32()
}

// additions is how many members in valid forms an input adds to its base,
// chosen by one byte: mostly none. Every member's valid form is also one
// of its deviations; an addition gives a deviation company, and each
// company makes another signature (and another cause for the minimizer
// to strip), so it is kept rare.
var additions = []int{0, 0, 0, 0, 0, 0, 1, 2}

// deviations is how many deliberate deviations an input carries, chosen
// by one byte: mostly one.
var deviations = []int{0, 1, 1, 1, 1, 1, 2, 3}

// structured returns the document and what was applied to it, as
// "<member path> <form>" or a founding forcer's name.
func structured(data []byte) (map[string]any, []string) {
	md := mustModel()
	s := newSrc(data)
	doc := pick(s, bases)(s)
	var applied []string
	for range pick(s, additions) {
		m := md.Members[s.n16(len(md.Members))]
		md.apply(doc, m, formValid, s)
	}
	for range pick(s, deviations) {
		switch op := s.n(16); op {
		case 0, 1, 2:
			f := foundingForcers[op]
			f.apply(s, doc)
			applied = append(applied, f.name)
		default:
			i := s.n16(len(md.Members))
			if op >= 10 {
				// Go's fuzzer keeps an input when it reaches new code, and
				// every member runs the same code: left to byte flips, a
				// short run would revisit the members its few kept inputs
				// name. Here any change anywhere in the input moves to
				// another member, so every member is met at the same rate.
				i = (i + int(hash(data)%uint32(len(md.Members)))) % len(md.Members)
			}
			m := md.Members[i]
			f := pick(s, m.Forms)
			md.apply(doc, m, f, s)
			applied = append(applied, m.Path+" "+f)
		}
	}
	return doc, applied
}

var (
	foundingTree = decodeTree([]byte(Founding)).(map[string]any)
	linuxMinimal = decodeTree([]byte(`{"ociVersion":"1.3.0","root":{"path":"rootfs"},
		"process":{"cwd":"/","args":["sh"],"user":{"uid":0,"gid":0}},
		"linux":{"namespaces":[{"type":"pid"},{"type":"mount"}]}}`)).(map[string]any)
	windowsMinimal = decodeTree([]byte(`{"ociVersion":"1.3.0","root":{"path":"C:\\rootfs"},
		"process":{"cwd":"C:\\","args":["cmd.exe"],"user":{"uid":0,"gid":0,"username":"ContainerUser"}},
		"windows":{"layerFolders":["C:\\layers\\base"]}}`)).(map[string]any)
)

// bases are the documents the structured generator starts from: the
// first is what an exhausted input gets; all but Founding are valid.
var bases = []func(*src) map[string]any{
	func(*src) map[string]any { return clone(linuxMinimal).(map[string]any) },
	func(*src) map[string]any { return clone(foundingTree).(map[string]any) },
	func(*src) map[string]any { return clone(windowsMinimal).(map[string]any) },
}

// A forcer puts one part of the document into a form chosen by the bytes.
type forcer struct {
	name  string
	apply func(*src, map[string]any)
}

// at is the forcer that sets the member at path to what g builds.
func at(path string, g valueGen) forcer {
	return forcer{path, func(s *src, doc map[string]any) { put(doc, path, g(s)) }}
}

// unknownMember adds a member no version of the spec defines, to an
// object chosen by the bytes: some parsers deny unknown fields.
var unknownMember = forcer{"unknown-member", func(s *src, doc map[string]any) {
	dir := pick(s, []string{"", "process", "root", "linux", "windows", "process/user"})
	path := pick(s, []string{"x-unknown", "layerFolder", "Path", "vm", "_"})
	if dir != "" {
		path = dir + "/" + path
	}
	put(doc, path, oneOf(nullGen, text("x"), nums("1"), emptyObject)(s))
}}

// foundingForcers are the deliberate forms of the founding case, kept
// whole next to the vocabulary: windows.layerFolders and root crossed
// with every shape containerd and the parsers are known to disagree on.
var foundingForcers = []forcer{
	at("windows/layerFolders", oneOf(
		absentGen, nullGen, emptyArray,
		arrayOf(text(windowsLayers...), 1, 1), // one
		arrayOf(text(windowsLayers...), 2, 6), // many
		strs(`C:\layers\base`, ""), nums("0", "2"), emptyObject, lit(true),
		arrayOf(oneOf(nullGen, nums("1"), emptyObject), 1, 2), // wrong element type
	)),
	at("root", oneOf(
		absentGen, nullGen, emptyObject,
		lit2(func() any { return map[string]any{"path": ""} }),
		object(field{"path", strs(rootPaths...)}),
		object(field{"path", strs(rootPaths...)}, field{"readonly", oneOf(lit(true), lit(false), nullGen, strs("true"), nums("1"))}),
		strs("rootfs"), emptyArray,
	)),
	unknownMember,
}

// lit2 wraps a constructor of a fresh container as a valueGen.
func lit2(f func() any) valueGen { return func(*src) any { return f() } }
