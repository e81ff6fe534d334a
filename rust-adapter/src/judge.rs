//! The implementations this adapter carries and how one input is judged.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};

use serde::de::DeserializeOwned;
use serde_json::error::Category;
use serde_path_to_error::Segment;

/// One release of oci-spec, as a judge.
pub struct Impl {
    /// What the command line and the judge name use, e.g. "oci-spec@0.10.0".
    pub name: &'static str,
    /// The exact crate release, read from Cargo.lock by build.rs.
    pub version: &'static str,
    parse: fn(&[u8]) -> Parsed,
    /// `Spec::default()` as `Spec::save` writes it (serde_json::to_writer).
    pub default: fn() -> serde_json::Result<Vec<u8>>,
}

/// What a release made of one input, before it becomes a verdict frame.
#[derive(Debug)]
pub enum Parsed {
    /// The spec re-serialized by the crate's own Serialize.
    Accept(Vec<u8>),
    /// serde_json's error text, and where in the input it refused (see
    /// `locate`).
    Reject {
        error: String,
        at: Option<String>,
    },
    Crash(String),
}

/// Every implementation, the default first.
pub const IMPLS: [Impl; 2] = [
    Impl {
        name: concat!("oci-spec@", env!("OCIDIFF_OCI_SPEC_0_10")),
        version: env!("OCIDIFF_OCI_SPEC_0_10"),
        parse: |b| parse::<oci_spec_0_10::runtime::Spec>(b),
        default: || serde_json::to_vec(&oci_spec_0_10::runtime::Spec::default()),
    },
    Impl {
        name: concat!("oci-spec@", env!("OCIDIFF_OCI_SPEC_0_6")),
        version: env!("OCIDIFF_OCI_SPEC_0_6"),
        parse: |b| parse::<oci_spec_0_6::runtime::Spec>(b),
        default: || serde_json::to_vec(&oci_spec_0_6::runtime::Spec::default()),
    },
];

/// Reads a config the way `Spec::load` does in both releases, i.e.
/// `serde_json::from_reader` over the file's bytes (0.10.0 wraps the file in
/// a BufReader, 0.6.0 does not; neither changes what is accepted). The
/// error text is serde_json's own: `Spec::load` wraps it in
/// `OciSpecError::SerDe`, whose Display is only "serde failed".
fn parse<T: DeserializeOwned + serde::Serialize>(input: &[u8]) -> Parsed {
    match serde_json::from_reader::<_, T>(input) {
        Err(e) => Parsed::Reject {
            at: locate::<T>(input, &e),
            error: e.to_string(),
        },
        Ok(spec) => match serde_json::to_vec(&spec) {
            Ok(model) => Parsed::Accept(model),
            Err(e) => Parsed::Crash(format!("re-serializing the accepted spec: {e}")),
        },
    }
}

/// Where `parse` refused `input`, as a JSON pointer into it.
///
/// The verdict is `parse`'s, the call `Spec::load` makes; the place comes
/// from a second parse through serde_path_to_error's wrapping
/// deserializer, which no runtime runs. So the place is kept only when
/// that parse fails with the same text: a verdict may lack a place, but
/// never carries the place of another error. Only data errors (a type,
/// value, missing or duplicate member) have one: syntax and end-of-input
/// errors are located by line and column, not by member.
fn locate<T: DeserializeOwned>(input: &[u8], err: &serde_json::Error) -> Option<String> {
    if err.classify() != Category::Data {
        return None;
    }
    let mut de = serde_json::Deserializer::from_reader(input);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) if e.inner().to_string() == err.to_string() => pointer(e.path()),
        _ => None,
    }
}

/// Writes serde's path as a JSON pointer (RFC 6901): member names as
/// written in the input, `~` and `/` escaped, array indices as counted in
/// the input. A segment serde could not name (`Unknown`) makes the whole
/// pointer unknown rather than a pointer to somewhere else. A serde enum
/// variant is the member name that selected it, so it is a step like a
/// member.
fn pointer<'a>(path: impl IntoIterator<Item = &'a Segment>) -> Option<String> {
    let mut out = String::new();
    for seg in path {
        out.push('/');
        match seg {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push_str(&key.replace('~', "~0").replace('/', "~1"))
            }
            Segment::Unknown => return None,
        }
    }
    Some(out)
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default panic hook: the report goes to stderr on one line
/// and is kept for the crash verdict, so a panic in the crate is a verdict
/// and never a torn protocol stream.
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        let msg = info.to_string().replace('\n', " ");
        eprintln!("ocidiff-rust-adapter: {msg}");
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(msg));
    }));
}

impl Impl {
    /// Judges one input; a panic inside the crate becomes Parsed::Crash.
    pub fn judge(&self, input: &[u8]) -> Parsed {
        LAST_PANIC.with(|p| p.borrow_mut().take());
        match panic::catch_unwind(AssertUnwindSafe(|| (self.parse)(input))) {
            Ok(p) => p,
            Err(payload) => {
                let hooked = LAST_PANIC.with(|p| p.borrow_mut().take());
                let msg = hooked
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic with a non-string payload".to_string());
                Parsed::Crash(msg)
            }
        }
    }

    /// The hello object of PROTOCOL.md.
    pub fn hello(&self) -> Vec<u8> {
        let v = serde_json::json!({
            "protocol": 2,
            "judge": format!("rust/{}", self.name),
            "version": format!("oci-spec {}", self.version),
            "kind": "parser",
            "language": "Rust",
            "library": "oci-spec-rs",
            "release": self.version,
        });
        serde_json::to_vec(&v).expect("hello serializes")
    }
}

/// Encodes a verdict frame body into `out` (cleared first). The model is
/// spliced in as the bytes the crate produced, not re-parsed.
pub fn encode_verdict(p: &Parsed, out: &mut Vec<u8>) {
    out.clear();
    match p {
        Parsed::Accept(model) => {
            out.extend_from_slice(br#"{"outcome":"accept","model":"#);
            out.extend_from_slice(model);
        }
        Parsed::Reject { error, at } => {
            out.extend_from_slice(br#"{"outcome":"reject","error":"#);
            serde_json::to_writer(&mut *out, error).expect("a string serializes");
            if let Some(at) = at {
                out.extend_from_slice(br#","at":"#);
                serde_json::to_writer(&mut *out, at).expect("a string serializes");
            }
        }
        Parsed::Crash(e) => {
            out.extend_from_slice(br#"{"outcome":"crash","error":"#);
            serde_json::to_writer(&mut *out, e).expect("a string serializes");
        }
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOUNDING: &[u8] =
        br#"{"ociVersion":"1.0.2","root":{"path":""},"windows":{"layerFolders":null}}"#;

    fn verdict(p: &Parsed) -> serde_json::Value {
        let mut out = Vec::new();
        encode_verdict(p, &mut out);
        serde_json::from_slice(&out).expect("verdict is JSON")
    }

    #[test]
    fn versions_come_from_the_lock_file() {
        assert_eq!(IMPLS[0].name, "oci-spec@0.10.0");
        assert_eq!(IMPLS[1].name, "oci-spec@0.6.0");
        let hello: serde_json::Value = serde_json::from_slice(&IMPLS[0].hello()).unwrap();
        assert_eq!(hello["judge"], "rust/oci-spec@0.10.0");
        assert_eq!(hello["version"], "oci-spec 0.10.0");
        assert_eq!(hello["protocol"], 2);
        assert_eq!(hello["library"], "oci-spec-rs");
        assert_eq!(hello["release"], "0.10.0");
    }

    #[test]
    fn newest_accepts_null_layer_folders() {
        let v = verdict(&IMPLS[0].judge(FOUNDING));
        assert_eq!(v["outcome"], "accept", "{v}");
        assert_eq!(v["model"]["ociVersion"], "1.0.2");
        assert_eq!(v["model"]["root"]["path"], "");
    }

    #[test]
    fn old_rejects_null_layer_folders() {
        let v = verdict(&IMPLS[1].judge(FOUNDING));
        assert_eq!(v["outcome"], "reject", "{v}");
        let err = v["error"].as_str().unwrap();
        assert!(err.contains("invalid type: null"), "{err}");
    }

    #[test]
    fn garbage_is_a_reject_for_every_release() {
        for imp in &IMPLS {
            for input in [&b""[..], b"null", b"\xff\xfe", b"{\"ociVersion\":\"\xff\"}"] {
                let v = verdict(&imp.judge(input));
                assert_eq!(v["outcome"], "reject", "{} on {input:?}: {v}", imp.name);
            }
        }
    }

    /// serde's derived Deserialize also reads a struct from a JSON array,
    /// field by field in declaration order: `[]` is a Spec with every field
    /// defaulted. encoding/json refuses an array for a struct, so this is a
    /// real disagreement the harness should find.
    #[test]
    fn array_is_read_as_a_struct() {
        for imp in &IMPLS {
            let v = verdict(&imp.judge(br#"["1.0.2"]"#));
            assert_eq!(v["outcome"], "accept", "{}: {v}", imp.name);
            assert_eq!(v["model"]["ociVersion"], "1.0.2", "{}: {v}", imp.name);
        }
    }

    #[test]
    fn pointer_from_path() {
        let key = |k: &str| Segment::Map { key: k.into() };
        for (name, path, want) in [
            ("root", vec![], Some("")),
            (
                "members and an index",
                vec![
                    key("linux"),
                    key("hugepageLimits"),
                    Segment::Seq { index: 0 },
                    key("limit"),
                ],
                Some("/linux/hugepageLimits/0/limit"),
            ),
            (
                "slash and tilde escaped",
                vec![key("annotations"), key("a/b~c")],
                Some("/annotations/a~1b~0c"),
            ),
            ("escapes not applied twice", vec![key("~1")], Some("/~01")),
            ("empty member name", vec![key("")], Some("/")),
            (
                "enum variant is a step",
                vec![
                    key("a"),
                    Segment::Enum {
                        variant: "V".into(),
                    },
                ],
                Some("/a/V"),
            ),
            (
                "unknown segment",
                vec![key("a"), Segment::Unknown, key("b")],
                None,
            ),
        ] {
            assert_eq!(pointer(&path).as_deref(), want, "{name}");
        }
    }

    #[test]
    fn rejections_say_where() {
        for imp in &IMPLS {
            for (input, want) in [
                (
                    &br#"{"ociVersion":"1.3.0","linux":{"resources":{"hugepageLimits":[{"pageSize":"2MB","limit":"x"}]}}}"#[..],
                    Some("/linux/resources/hugepageLimits/0/limit"),
                ),
                (br#"{"ociVersion":"1","annotations":{"a/b~c":1}}"#, Some("/annotations/a~1b~0c")),
                // A missing member is not in the input: the place is the
                // object that lacks it.
                (br#"{"ociVersion":"1","process":{"cwd":"/"}}"#, Some("/process")),
                (b"null", Some("")),
                // Syntax errors have a line and column, not a member.
                (br#"{"ociVersion":"1","process":{"args":["#, None),
                (br#"{"ociVersion":"1"} x"#, None),
            ] {
                let v = verdict(&imp.judge(input));
                assert_eq!(v["outcome"], "reject", "{}: {v}", imp.name);
                assert_eq!(v["at"].as_str(), want, "{} on {}: {v}", imp.name, String::from_utf8_lossy(input));
            }
        }
    }

    #[test]
    fn panic_becomes_crash() {
        install_panic_hook();
        let imp = Impl {
            name: "panics",
            version: "0",
            parse: |_| panic!("boom at {}", 42),
            default: || Ok(Vec::new()),
        };
        match imp.judge(b"{}") {
            Parsed::Crash(msg) => assert!(msg.contains("boom at 42"), "{msg}"),
            other => panic!("want crash, got {other:?}"),
        }
        // The adapter keeps serving after a caught panic.
        assert!(matches!(IMPLS[0].judge(b"{}"), Parsed::Accept(_)));
    }

    #[test]
    fn defaults_read_back() {
        // What each release writes for Spec::default() is a config the
        // same release reads. (Not into the same bytes: capabilities are
        // a HashSet, written in the order of the process's hashing.)
        for imp in &IMPLS {
            let written = (imp.default)().unwrap();
            match imp.judge(&written) {
                Parsed::Accept(_) => {}
                other => panic!("{}: {other:?}", imp.name),
            }
        }
        // So does the newest every spec built from its constructors and
        // its parts' defaults.
        for (name, written) in crate::defaults::built() {
            match IMPLS[0].judge(&written.unwrap()) {
                Parsed::Accept(_) => {}
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn crash_encoding_escapes_the_message() {
        let v = verdict(&Parsed::Crash("boom \"quoted\"\n".into()));
        assert_eq!(v["outcome"], "crash");
        assert_eq!(v["error"], "boom \"quoted\"\n");
    }
}
