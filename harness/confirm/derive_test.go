package confirm

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestDerive(t *testing.T) {
	args := []string{"/bin/busybox", "sh"}
	const full = `"mounts":[],"linux":{}`
	const env = `"env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]`
	tests := []struct {
		name  string
		in    string
		want  string // the derived config, byte for byte
		notes []string
		keep  []string
	}{{
		name:  "overrides only root.path and process.args",
		in:    `{"ociVersion":"1.0.0","root":{"path":"r","readonly":true},"process":{"args":["x"],"cwd":"/w"},` + full + `}`,
		want:  `{"ociVersion":"1.0.0","root":{"path":"rootfs","readonly":true},"process":{` + env + `,"args":["/bin/busybox","sh"],"cwd":"/w"},` + full + `}`,
		notes: []string{"root.path set to the busybox rootfs", "process.args set to the probe", `process.env added: "PATH=/usr/sbin:/usr/bin:/sbin:/bin"`},
	}, {
		// The split lives in the duplicate: both members stay as they were.
		name: "duplicate members kept byte for byte",
		in:   `{"ociVersion":"1.0.0","process":{"user":{"uid":1000,"gid":0,"uid":0},"args":["sh"],"cwd":"/"},"root":{"path":"r"},` + full + `}`,
		want: `{"ociVersion":"1.0.0","process":{` + env + `,"user":{"uid":1000,"gid":0,"uid":0},"args":["/bin/busybox","sh"],"cwd":"/"},"root":{"path":"rootfs"},` + full + `}`,
	}, {
		name: "every member of a duplicated or case-folded name is edited",
		in:   `{"ociVersion":"1.0.0","Process":{"cwd":"/"},"process":{"args":[],"cwd":"/"},"root":{"path":"a","PATH":"b"},` + full + `}`,
		want: `{"ociVersion":"1.0.0","Process":{"args":["/bin/busybox","sh"],` + env + `,"cwd":"/"},"process":{` + env + `,"args":["/bin/busybox","sh"],"cwd":"/"},"root":{"path":"rootfs","PATH":"rootfs"},` + full + `}`,
	}, {
		name: "what a container needs is added when missing",
		in:   `{"process":{"user":{"uid":5}}}`,
		want: `{"root":{"path":"rootfs"},"ociVersion":"1.0.2","mounts":[{"destination":"/proc","type":"proc","source":"proc"}],` +
			`"linux":{"namespaces":[{"type":"pid"},{"type":"mount"},{"type":"ipc"},{"type":"uts"},{"type":"network"}]},` +
			`"process":{"args":["/bin/busybox","sh"],"cwd":"/",` + env + `,"user":{"uid":5}}}`,
	}, {
		name: "a root or process that is not an object is replaced",
		in:   `{"ociVersion":"1.0.0","root":null,"process":"x",` + full + `}`,
		want: `{"ociVersion":"1.0.0","root":{"path":"rootfs"},"process":{"args":["/bin/busybox","sh"],"cwd":"/","user":{"uid":0,"gid":0},` + env + `},` + full + `}`,
	}, {
		name:  "no console",
		in:    `{"ociVersion":"1.0.0","root":{"path":"r"},"process":{"terminal":true,"args":["sh"],"cwd":"/"},` + full + `}`,
		want:  `{"ociVersion":"1.0.0","root":{"path":"rootfs"},"process":{` + env + `,"terminal":false,"args":["/bin/busybox","sh"],"cwd":"/"},` + full + `}`,
		notes: []string{"root.path set to the busybox rootfs", "process.args set to the probe", `process.env added: "PATH=/usr/sbin:/usr/bin:/sbin:/bin"`, "process.terminal set to false (no console)"},
	}, {
		name:  "hooks never run",
		in:    `{"ociVersion":"1.0.0","root":{"path":"r"},"process":{"args":["sh"],"cwd":"/"},"hooks":{"prestart":[{"path":"/bin/rm"}]},` + full + `}`,
		want:  `{"ociVersion":"1.0.0","root":{"path":"rootfs"},"process":{` + env + `,"args":["/bin/busybox","sh"],"cwd":"/"},"hooks":{},` + full + `}`,
		notes: []string{"root.path set to the busybox rootfs", "process.args set to the probe", `process.env added: "PATH=/usr/sbin:/usr/bin:/sbin:/bin"`, "hooks removed (they would run on the host)"},
	}, {
		name: "whitespace and an empty object",
		in:   " { \"process\" : { } , \"root\" :{ \"path\" : \"r\" } ," + full + ",\"ociVersion\":\"1\" } ",
		want: " { \"process\" : {\"args\":[\"/bin/busybox\",\"sh\"],\"cwd\":\"/\"," + env + " } , \"root\" :{ \"path\" : \"rootfs\" } ," + full + ",\"ociVersion\":\"1.0.2\" } ",
	}, {
		// A split at root.path is shown only by containers that get it.
		name: "the member that splits is kept",
		keep: []string{"/root/path"},
		in:   `{"ociVersion":"1.3.0","root":{"path":"rootfs/../r"},"process":{"args":["sh"],"cwd":"/","env":[]},` + full + `}`,
		want: `{"ociVersion":"1.0.2","root":{"path":"rootfs/../r"},"process":{"args":["/bin/busybox","sh"],"cwd":"/","env":[]},` + full + `}`,
		notes: []string{"root kept as the input has it: the split is there", "process.args set to the probe",
			`ociVersion set to "1.0.2", which every runtime knows`},
	}, {
		name: "a kept pattern keeps what holds it",
		keep: []string{"/process/env/*"},
		in:   `{"ociVersion":"1.3.0","root":{"path":"r"},"process":{"args":["sh"],"cwd":"/"},` + full + `}`,
		want: `{"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":{"args":["/bin/busybox","sh"],"cwd":"/"},` + full + `}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, notes, err := Derive([]byte(tt.in), "rootfs", args, tt.keep...)
			if err != nil {
				t.Fatalf("Derive(%s): %v", tt.in, err)
			}
			if string(got) != tt.want {
				t.Errorf("Derive(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
			if !json.Valid(got) {
				t.Errorf("Derive(%s) = %s: not valid JSON", tt.in, got)
			}
			if tt.notes != nil && !slices.Equal(notes, tt.notes) {
				t.Errorf("Derive(%s) notes = %q, want %q", tt.in, notes, tt.notes)
			}
		})
	}
}

func TestDeriveErrors(t *testing.T) {
	for _, in := range []string{``, `[]`, `null`, `{"root":`, `{"a":1,}`} {
		if got, _, err := Derive([]byte(in), "rootfs", nil); err == nil {
			t.Errorf("Derive(%q) = %s, want an error", in, got)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		runtime string
		res     result
		want    Stage
		msg     string
	}{
		{"crun", result{stderr: "error loading config.json\n", exit: 1}, Refused, "error loading config.json"},
		{"crun", result{stderr: "invalid config file, no 'mounts' block specified\n", exit: 1}, Loaded, "invalid config file, no 'mounts' block specified"},
		{"crun", result{signal: "segmentation fault", exit: -1}, Crashed, "killed by signal segmentation fault"},
		{"runc", result{stderr: `time="x" level=error msg="runc create failed: unexpected EOF"` + "\n", exit: 1}, Refused, "runc create failed: unexpected EOF"},
		{"runc", result{stderr: `time="x" level=error msg="runc create failed: json: cannot unmarshal string into Go struct field Process.process.args of type []string"`, exit: 1},
			Refused, "runc create failed: json: cannot unmarshal string into Go struct field Process.process.args of type []string"},
		{"runc", result{stderr: `time="x" level=error msg="runc create failed: invalid character '}' looking for beginning of object key string"`, exit: 1},
			Refused, "runc create failed: invalid character '}' looking for beginning of object key string"},
		{"runc", result{stderr: `time="x" level=error msg="runc create failed: args must not be empty"`, exit: 1}, Loaded, "runc create failed: args must not be empty"},
		{"runc", result{stderr: `time="x" level=error msg="runc create failed: Cwd property must not be empty"`, exit: 1}, Loaded, "runc create failed: Cwd property must not be empty"},
		{"runc", result{stderr: "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV]\n\ngoroutine 1 [running]:\n", exit: 2},
			Crashed, "panic: runtime error: invalid memory address or nil pointer dereference"},
		{"youki", result{stderr: "\x1b[31mERROR\x1b[0m youki: error in executing command: oci spec error: serde failed: missing field `user`", exit: 1},
			Refused, "ERROR youki: error in executing command: oci spec error: serde failed: missing field `user`"},
		{"youki", result{stderr: "ERROR youki: missing linux in spec", exit: 1}, Loaded, "ERROR youki: missing linux in spec"},
		{"youki", result{timedOut: true, exit: -1}, Crashed, "no answer in time; killed"},
	}
	for _, tt := range tests {
		stage, msg := Runtime{Name: tt.runtime}.classify(tt.res)
		if stage != tt.want || msg != tt.msg {
			t.Errorf("%s: classify(%+v) = %s, %q; want %s, %q", tt.runtime, tt.res, stage, msg, tt.want, tt.msg)
		}
	}
}

func TestParseProbe(t *testing.T) {
	out := "Id: uid=1000 gid=0\nUid:\t1000\t1000\t1000\t1000\nGid:\t0\t0\t0\t0\nGroups:\t\nCapEff:\t0000000000000000\n" +
		"Env: HOME=/\nEnv: A=b c\nLimit: Max open files 1024 1024 files\nCwd: /\nHostname: h\n" + probeEnd + "\n"
	p, ok := parseProbe(out)
	if !ok {
		t.Fatal("parseProbe: complete output read as incomplete")
	}
	if p.UID != "1000 1000 1000 1000" || p.GID != "0 0 0 0" || p.Groups != "" || p.CapEff != "0000000000000000" ||
		p.Cwd != "/" || p.Hostname != "h" || !slices.Equal(p.Env, []string{"HOME=/", "A=b c"}) ||
		!slices.Equal(p.Rlimits, []string{"Max open files 1024 1024 files"}) {
		t.Errorf("parseProbe = %+v", p)
	}
	if _, ok := parseProbe(strings.TrimSuffix(out, probeEnd+"\n")); ok {
		t.Error("parseProbe: output without its end read as complete")
	}
}

func TestSummary(t *testing.T) {
	run := func(name, version, uid string) Run {
		return Run{Runtime: name, Version: version, Ran: true, Probe: &Probe{UID: uid, GID: "0 0 0 0", Cwd: "/"}}
	}
	got := Summary([]Run{run("crun", "1.8.1 (commit x)", "1000 1000 1000 1000"), run("runc", "1.1.5+ds1 (spec)", "0 0 0 0"),
		{Runtime: "youki", Version: "0.7.0", Why: "refused"}})
	want := []string{"crun 1.8.1 ran the process as uid 1000; runc 1.1.5 as uid 0"}
	if !slices.Equal(got, want) {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	got = Summary([]Run{run("crun", "1.8.1", "0 0 0 0"), run("runc", "1.1.5", "0 0 0 0")})
	if len(got) != 1 || !strings.Contains(got[0], "crun 1.8.1, runc 1.1.5 ran the process alike: uid 0") {
		t.Errorf("Summary of alike runs = %q", got)
	}
}
