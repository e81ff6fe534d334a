package gen

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The vocabulary of config.json: value generators for its parts, each
// one populated form that the forcers then bend. Enum values are the
// spec's own names; enum() adds the wrong-case and unknown variants.

var (
	namespaceTypes = []string{"pid", "mount", "network", "uts", "ipc", "user", "cgroup", "time"}
	capabilities   = []string{"CAP_SYS_ADMIN", "CAP_CHOWN", "CAP_NET_RAW", "CAP_KILL", "CAP_AUDIT_WRITE",
		"CAP_NET_BIND_SERVICE", "CAP_BPF", "CAP_PERFMON", "CAP_CHECKPOINT_RESTORE", "CAP_SYS_PTRACE"}
	capabilitySets = []string{"bounding", "effective", "inheritable", "permitted", "ambient"}
	seccompActions = []string{"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_TRACE", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY"}
	seccompArches  = []string{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390X", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_MIPSEL64"}
	seccompOps     = []string{"SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"}
	seccompFlags   = []string{"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"}
	propagations   = []string{"private", "shared", "slave", "unbindable"}
	mountOptions   = []string{"rprivate", "rshared", "rslave", "runbindable", "private", "ro", "rw", "nosuid", "nodev", "noexec", "bind", "rbind", "idmap", "ratime", "mode=755", "size=65536k"}
	rlimitTypes    = []string{"RLIMIT_NOFILE", "RLIMIT_CORE", "RLIMIT_NPROC", "RLIMIT_AS", "RLIMIT_RTTIME", "RLIMIT_MEMLOCK"}
	hookStages     = []string{"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}
	personalities  = []string{"LINUX", "LINUX32"}
	schedPolicies  = []string{"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"}
	ioPrioClasses  = []string{"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"}
	deviceTypes    = []string{"c", "b", "u", "p", "a"}
	ociVersions    = []string{"1.3.0", "1.0.0", "1.2.1", "1.0.2-dev", "1.1.0-rc.1", "2.0.0", "1.3", "v1.3.0", "0.5.0"}
	windowsVolume  = `\\?\Volume{ec84d99e-3f02-11e7-ac6c-00155d7682cf}\`
	windowsLayers  = []string{`C:\layers\scratch`, `C:\ProgramData\containerd\root\io.containerd.snapshotter.v1.windows\snapshots\12`, `C:\layers\base`, windowsVolume, `relative\layer`, "/unix/style", ""}
	rootPaths      = []string{"rootfs", "/var/lib/containers/rootfs", windowsVolume, "", ".", "../escape", `C:\rootfs`}
)

// Numbers at and past the limits of the spec's integer types, spelled in
// the ways JSON allows (Raw adds the ways it does not).
var (
	uint32Edges = []string{"0", "1000", "4294967295", "4294967296", "-1", "1e3", "1.0", "1E+2", "1.5", "-0", "18446744073709551616"}
	int64Edges  = []string{"0", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551615", "1e400", "1.5", "2147483648"}
	uint64Edges = []string{"0", "1", "18446744073709551615", "18446744073709551616", "-1", "1e19", "4294967296"}
	smallEdges  = []string{"0", "1", "-1", "65535", "65536", "1001", "-1001", "255", "256"}
)

var (
	uid32   = nums(uint32Edges...)
	pathStr = text("/", "/proc", "/dev/shm", "rootfs", "relative/path", `C:\`, "")

	userGen = object(
		field{"uid", nums("0", "1000")},
		field{"gid", nums("0", "1000")},
		field{"additionalGids", maybe(arrayOf(uid32, 1, 3))},
		field{"umask", maybe(nums("18", "0", "511", "4294967295"))},
		field{"username", maybe(text("ContainerUser", "root"))},
	)

	capSetGen       = arrayOf(enum(capabilities...), 0, 4)
	capabilitiesGen = object(
		field{"bounding", capSetGen},
		field{"effective", maybe(capSetGen)},
		field{"permitted", maybe(capSetGen)},
		field{"inheritable", maybe(capSetGen)},
		field{"ambient", maybe(capSetGen)},
	)

	rlimitGen = object(
		field{"type", enum(rlimitTypes...)},
		field{"hard", nums(uint64Edges...)},
		field{"soft", nums(uint64Edges...)},
	)

	envGen = text("PATH=/usr/bin:/bin", "TERM=xterm", "NOEQUALS", "=empty", "A=1", "A=2", "")

	processGen = object(
		field{"terminal", maybe(lit(true))},
		field{"user", userGen},
		field{"args", arrayOf(text("sh", "-c", "cmd.exe", ""), 1, 3)},
		field{"env", maybe(arrayOf(envGen, 1, 3))},
		field{"cwd", strs("/", `C:\`)},
		field{"capabilities", maybe(capabilitiesGen)},
		field{"rlimits", maybe(arrayOf(rlimitGen, 1, 2))},
		field{"noNewPrivileges", maybe(lit(true))},
		field{"oomScoreAdj", maybe(nums(smallEdges...))},
	)

	mountGen = object(
		field{"destination", pathStr},
		field{"type", maybe(text("proc", "bind", "tmpfs", "none"))},
		field{"source", maybe(pathStr)},
		field{"options", maybe(arrayOf(enum(mountOptions...), 1, 3))},
		field{"uidMappings", maybe(arrayOf(idMappingGen, 1, 1))},
	)

	idMappingGen = object(
		field{"containerID", uid32},
		field{"hostID", uid32},
		field{"size", uid32},
	)

	hookGen = object(
		field{"path", text("/usr/bin/hook", "hook", "")},
		field{"args", maybe(arrayOf(text("hook", "--flag"), 1, 2))},
		field{"env", maybe(arrayOf(envGen, 1, 2))},
		field{"timeout", maybe(nums(smallEdges...))},
	)

	hooksGen = func(s *src) any {
		m := map[string]any{}
		for range 1 + s.n(3) {
			m[pick(s, hookStages)] = arrayOf(hookGen, 1, 2)(s)
		}
		return m
	}

	annotationsGen = func(s *src) any {
		m := map[string]any{
			"io.kubernetes.cri.sandbox-namespace": "kube-system",
		}
		for range s.n(3) {
			m[pick(s, []string{"microsoft.com/hostprocess-container", "org.opencontainers.image.os", "", "ünïcode", "a"})] =
				oneOf(text("true", "linux", ""), nullGen, nums("1"), emptyObject, lit(true))(s)
		}
		return m
	}

	namespaceGen = object(
		field{"type", enum(namespaceTypes...)},
		field{"path", maybe(text("/proc/1/ns/net", "relative", ""))},
	)

	linuxResourcesGen = oneOf(
		object(
			field{"memory", maybe(object(field{"limit", nums(int64Edges...)}, field{"swap", maybe(nums(int64Edges...))}))},
			field{"cpu", maybe(object(field{"shares", nums(uint64Edges...)}, field{"quota", maybe(nums(int64Edges...))}, field{"cpus", maybe(text("0-3", "0,1", ""))}))},
			field{"pids", maybe(object(field{"limit", nums(int64Edges...)}))},
			field{"devices", maybe(arrayOf(object(field{"allow", oneOf(lit(false), lit(true))}, field{"access", maybe(text("rwm", "x", ""))}, field{"type", maybe(enum(deviceTypes...))}), 1, 2))},
		),
		generated[specs.LinuxResources],
	)

	syscallGen = object(
		field{"names", arrayOf(text("read", "write", "clone3", ""), 1, 2)},
		field{"action", enum(seccompActions...)},
		field{"errnoRet", maybe(nums(uint32Edges...))},
		field{"args", maybe(arrayOf(object(field{"index", nums(smallEdges...)}, field{"value", nums(uint64Edges...)}, field{"op", enum(seccompOps...)}), 1, 2))},
	)

	seccompGen = object(
		field{"defaultAction", enum(seccompActions...)},
		field{"defaultErrnoRet", maybe(nums(uint32Edges...))},
		field{"architectures", maybe(arrayOf(enum(seccompArches...), 1, 3))},
		field{"flags", maybe(arrayOf(enum(seccompFlags...), 1, 2))},
		field{"syscalls", maybe(arrayOf(syscallGen, 1, 2))},
	)

	deviceGen = object(
		field{"path", text("/dev/fuse", "/dev/null", "relative")},
		field{"type", enum(deviceTypes...)},
		field{"major", nums(int64Edges...)},
		field{"minor", nums(int64Edges...)},
		field{"fileMode", maybe(nums("438", "0", "4294967295", "-1"))},
	)

	linuxGen = object(
		field{"namespaces", arrayOf(namespaceGen, 1, 3)},
		field{"resources", maybe(linuxResourcesGen)},
		field{"seccomp", maybe(seccompGen)},
		field{"rootfsPropagation", maybe(enum(propagations...))},
		field{"maskedPaths", maybe(arrayOf(pathStr, 1, 2))},
	)

	windowsResourcesGen = oneOf(
		object(
			field{"memory", maybe(object(field{"limit", nums(uint64Edges...)}))},
			field{"cpu", maybe(object(field{"count", nums(uint64Edges...)}, field{"shares", maybe(nums(smallEdges...))}, field{"maximum", maybe(nums(smallEdges...))}))},
			field{"storage", maybe(object(field{"iops", maybe(nums(uint64Edges...))}, field{"sandboxSize", maybe(nums(uint64Edges...))}))},
		),
		generated[specs.WindowsResources],
	)

	layerFoldersGen = arrayOf(text(windowsLayers...), 2, 4)

	windowsGen = object(
		field{"layerFolders", layerFoldersGen},
		field{"resources", maybe(windowsResourcesGen)},
		field{"network", maybe(object(field{"allowUnqualifiedDNSQuery", maybe(lit(true))}, field{"networkNamespace", maybe(text("ns", ""))}))},
		field{"hyperv", maybe(object(field{"utilityVMPath", maybe(text(`C:\uvm`, ""))}))},
		field{"servicing", maybe(lit(true))},
	)
)
