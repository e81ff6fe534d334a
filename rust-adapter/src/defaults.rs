//! The configs the newest oci-spec release writes for specs a Rust program
//! builds from the crate's own constructors and defaults, as `Spec::save`
//! writes them: `Spec::rootless`, and `Spec::default()` (which --default
//! writes alone) with each optional part set to that part's `Default` (what
//! `<Part>Builder::default().build()` gives too).

use oci_spec_0_10::runtime::{Hooks, LinuxIntelRdt, LinuxSeccomp, Solaris, Spec, Windows, VM, ZOS};

/// Each built spec by name, serialized.
pub fn built() -> Vec<(&'static str, serde_json::Result<Vec<u8>>)> {
    let with = |name: &'static str, edit: &dyn Fn(&mut Spec)| {
        let mut spec = Spec::default();
        edit(&mut spec);
        (name, serde_json::to_vec(&spec))
    };
    vec![
        (
            "Spec::rootless(1000, 1000)",
            serde_json::to_vec(&Spec::rootless(1000, 1000)),
        ),
        with("hooks: Hooks::default()", &|s| {
            s.set_hooks(Some(Hooks::default()));
        }),
        with("windows: Windows::default()", &|s| {
            s.set_windows(Some(Windows::default()));
        }),
        with("vm: VM::default()", &|s| {
            s.set_vm(Some(VM::default()));
        }),
        with("solaris: Solaris::default()", &|s| {
            s.set_solaris(Some(Solaris::default()));
        }),
        with("zos: ZOS::default()", &|s| {
            s.set_zos(Some(ZOS::default()));
        }),
        with("linux.seccomp: LinuxSeccomp::default()", &|s| {
            let mut l = s.linux().clone().unwrap_or_default();
            l.set_seccomp(Some(LinuxSeccomp::default()));
            s.set_linux(Some(l));
        }),
        with("linux.intelRdt: LinuxIntelRdt::default()", &|s| {
            let mut l = s.linux().clone().unwrap_or_default();
            l.set_intel_rdt(Some(LinuxIntelRdt::default()));
            s.set_linux(Some(l));
        }),
    ]
}
