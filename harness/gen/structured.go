// Package gen turns fuzzer bytes into config.json variants for the
// differential harness: Structured builds spec-shaped documents whose
// optional parts are deliberately absent, null, empty or of the wrong
// type; Raw takes a valid document and bends its bytes where JSON
// decoders are known to differ; Seeds is the starting corpus.
//
// Both generators are pure functions of their input bytes, cheap enough to
// run millions of times, and read those bytes through go-fuzz-headers so
// that the fuzzer's coverage feedback steers every decision.
package gen

import (
	"bytes"
	"encoding/json"
	"strings"
)

// maxForcers bounds how many forcers one input applies.
const maxForcers = 6

// Structured builds a config.json document from data: a base document
// (minimal or rich, Linux or Windows, the founding Windows config among
// them) and then up to six forcers, each of which puts one part of the
// document into a chosen form — absent, null, empty, populated, wrong
// JSON type, required member removed, enum value in another case, member
// name in another case. The output is always valid JSON, with object
// members sorted, and the same data always gives the same bytes.
func Structured(data []byte) []byte {
	doc, _ := structured(data)
	return marshal(doc)
}

// structured returns the document and the names of the forcers applied.
func structured(data []byte) (map[string]any, []string) {
	s := newSrc(data)
	doc := pick(s, bases)(s)
	var applied []string
	for range s.n(maxForcers + 1) {
		f := forcers[s.n(len(forcers))]
		f.apply(s, doc)
		applied = append(applied, f.name)
	}
	return doc, applied
}

func marshal(doc map[string]any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		// Only json.Number literals from this package and trees decoded by
		// encoding/json reach here; an error is a bug in this package.
		panic("gen: encoding a generated document: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

var (
	foundingTree = decodeTree([]byte(Founding)).(map[string]any)
	linuxMinimal = decodeTree([]byte(`{"ociVersion":"1.3.0","root":{"path":"rootfs"},
		"process":{"cwd":"/","args":["sh"],"user":{"uid":0,"gid":0}},
		"linux":{"namespaces":[{"type":"pid"},{"type":"mount"}]}}`)).(map[string]any)
)

// bases are the documents forcers start from. The first is what an
// exhausted input gets.
var bases = []func(*src) map[string]any{
	func(*src) map[string]any { return clone(linuxMinimal).(map[string]any) },
	func(*src) map[string]any { return clone(foundingTree).(map[string]any) },
	func(s *src) map[string]any {
		return object(
			field{"ociVersion", strs("1.3.0", "1.0.0")},
			field{"root", object(field{"path", strs("rootfs", "/rootfs")}, field{"readonly", maybe(lit(true))})},
			field{"process", processGen},
			field{"hostname", maybe(text("mrsdalloway", ""))},
			field{"mounts", maybe(arrayOf(mountGen, 1, 3))},
			field{"hooks", maybe(hooksGen)},
			field{"annotations", maybe(annotationsGen)},
			field{"linux", linuxGen},
		)(s).(map[string]any)
	},
	func(s *src) map[string]any {
		return object(
			field{"ociVersion", strs("1.3.0", "1.1.0")},
			field{"root", maybe(object(field{"path", strs(windowsVolume, "")}))},
			field{"process", object(field{"cwd", strs(`C:\`)}, field{"args", arrayOf(text("cmd.exe", "ping"), 1, 2)}, field{"user", maybe(object(field{"username", text("ContainerUser")}))})},
			field{"annotations", maybe(annotationsGen)},
			field{"windows", windowsGen},
		)(s).(map[string]any)
	},
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

// drop is the forcer that removes a required member, first building its
// parent with the parent generator if the document has none, so that the
// removal is seen.
func drop(path string, parent valueGen) forcer {
	return forcer{"-" + path, func(s *src, doc map[string]any) {
		i := strings.LastIndexByte(path, '/')
		if i < 0 {
			delete(doc, path)
			return
		}
		dir := path[:i]
		if v, ok := get(doc, dir); !ok || !isContainerFor(v, path[len(dir)+1:]) {
			put(doc, dir, parent(s))
		}
		put(doc, path, absent)
	}}
}

// renameKey is the forcer that spells a member name in another letter
// case ("Windows", "OCIVERSION", "layerfolders"), keeping or dropping the
// original: Go's encoding/json matches names case-insensitively, other
// parsers do not, and with both spellings present the decoders even
// disagree on which one wins.
func renameKey(path string) forcer {
	return forcer{"case:" + path, func(s *src, doc map[string]any) {
		dir, name := "", path
		if i := strings.LastIndexByte(path, '/'); i >= 0 {
			dir, name = path[:i], path[i+1:]
		}
		var parent map[string]any = doc
		if dir != "" {
			p, ok := get(doc, dir)
			if parent, ok = p.(map[string]any); !ok {
				return
			}
		}
		v, ok := parent[name]
		if !ok {
			v = nil
		}
		variant := pick(s, []func(string) string{strings.ToUpper, swapFirstCase, titleAll, strings.ToLower})(name)
		if variant == name {
			variant = strings.ToUpper(name)
		}
		parent[variant] = v
		if s.bool() {
			delete(parent, name)
		} else if !ok {
			parent[name] = "x"
		}
	}}
}

// titleAll upper-cases the first letter and every letter after a
// lower-case one that is followed by an upper-case one: ociVersion ->
// OCIVersion is the spelling a C# or Rust-rename author would pick.
func titleAll(s string) string {
	if i := strings.IndexFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' }); i > 0 {
		return strings.ToUpper(s[:i]) + s[i:]
	}
	return swapFirstCase(s)
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

// forcers is the forcing layer's table. Reachability of each entry is
// tested; add to it freely.
var forcers = []forcer{
	at("ociVersion", oneOf(absentGen, strs(ociVersions...), nullGen, nums("1.3"), fuzzString)),
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
	at("root/path", oneOf(absentGen, strs(rootPaths...), nullGen, nums("0"), fuzzString)),
	at("root/readonly", oneOf(absentGen, lit(true), lit(false), nullGen, strs("true", "false"), nums("1", "0"))),
	at("process", optObject(processGen)),
	at("process/args", optArray(arrayOf(oneOf(text("sh", "-c", ""), nullGen, nums("1")), 1, 4))),
	at("process/env", optArray(arrayOf(oneOf(envGen, nullGen), 1, 4))),
	at("process/cwd", oneOf(strs("/", "", "relative", `C:\`), nullGen, nums("1"))),
	at("process/terminal", oneOf(absentGen, lit(true), lit(false), nullGen, strs("true"), nums("1"))),
	at("process/user", optObject(userGen)),
	forcer{"process/user/*", func(s *src, doc map[string]any) {
		put(doc, "process/user/"+pick(s, []string{"uid", "gid", "umask"}), oneOf(uid32, nullGen, strs("0"))(s))
	}},
	at("process/user/additionalGids", optArray(arrayOf(uid32, 1, 3))),
	at("process/capabilities", optObject(capabilitiesGen)),
	forcer{"process/capabilities/*", func(s *src, doc map[string]any) {
		put(doc, "process/capabilities/"+pick(s, capabilitySets), optArray(capSetGen)(s))
	}},
	at("process/rlimits", optArray(arrayOf(rlimitGen, 1, 3))),
	at("process/consoleSize", optObject(object(field{"height", uid32}, field{"width", uid32}))),
	at("process/oomScoreAdj", oneOf(absentGen, nums(smallEdges...), nums(int64Edges...), nullGen)),
	at("process/scheduler", optObject(object(field{"policy", enum(schedPolicies...)}, field{"nice", maybe(nums(smallEdges...))}))),
	at("process/ioPriority", optObject(object(field{"class", enum(ioPrioClasses...)}, field{"priority", maybe(nums(smallEdges...))}))),
	at("hostname", oneOf(absentGen, text("mrsdalloway", "", "a.b"), nullGen, nums("1"))),
	at("domainname", oneOf(absentGen, text("example.com", ""), nullGen, emptyArray)),
	at("mounts", optArray(arrayOf(mountGen, 1, 4))),
	at("mounts/0/options", optArray(arrayOf(oneOf(enum(mountOptions...), nullGen), 1, 4))),
	at("hooks", optObject(hooksGen)),
	forcer{"hooks/*", func(s *src, doc map[string]any) {
		put(doc, "hooks/"+pick(s, hookStages), optArray(arrayOf(hookGen, 1, 2))(s))
	}},
	at("annotations", optObject(annotationsGen)),
	at("linux", optObject(linuxGen)),
	at("linux/namespaces", optArray(arrayOf(namespaceGen, 1, 5))),
	at("linux/resources", optObject(linuxResourcesGen)),
	at("linux/seccomp", optObject(seccompGen)),
	at("linux/seccomp/architectures", optArray(arrayOf(enum(seccompArches...), 1, 3))),
	at("linux/rootfsPropagation", oneOf(absentGen, enum(propagations...), nullGen)),
	at("linux/uidMappings", optArray(arrayOf(idMappingGen, 1, 2))),
	at("linux/devices", optArray(arrayOf(deviceGen, 1, 2))),
	at("linux/maskedPaths", optArray(arrayOf(pathStr, 1, 3))),
	at("linux/sysctl", optObject(object(field{"net.ipv4.ip_forward", oneOf(strs("1", ""), nums("1"), nullGen)}))),
	at("linux/personality", optObject(object(field{"domain", enum(personalities...)}))),
	at("windows", optObject(windowsGen)),
	at("windows/resources", optObject(windowsResourcesGen)),
	at("windows/network", optObject(object(field{"endpointList", maybe(arrayOf(text("ep"), 1, 2))}))),
	at("windows/hyperv", optObject(object(field{"utilityVMPath", text(`C:\uvm`, "")}))),
	at("vm", optObject(object(field{"hypervisor", object(field{"path", text("/usr/bin/qemu", "")})}, field{"kernel", object(field{"path", text("/boot/vmlinuz", "")})}))),
	drop("ociVersion", nil),
	drop("process/cwd", processGen),
	drop("process/user/uid", userGen),
	drop("process/args", processGen),
	drop("root/path", object(field{"path", strs("rootfs")})),
	drop("mounts/0/destination", mountGen),
	drop("linux/namespaces/0/type", namespaceGen),
	drop("hooks/prestart/0/path", hookGen),
	drop("linux/seccomp/defaultAction", seccompGen),
	drop("process/rlimits/0/type", rlimitGen),
	drop("windows/layerFolders", windowsGen),
	renameKey("ociVersion"),
	renameKey("windows"),
	renameKey("root"),
	renameKey("process"),
	renameKey("windows/layerFolders"),
	renameKey("root/path"),
	renameKey("process/cwd"),
	renameKey("linux/namespaces"),
	unknownMember,
}

// lit2 wraps a constructor of a fresh container as a valueGen.
func lit2(f func() any) valueGen { return func(*src) any { return f() } }
