//! Reads the exact oci-spec releases out of Cargo.lock, so that the version
//! each judge announces in its hello frame is the version that was compiled
//! in, never a constant that can drift from the lock file.
//!
//! For every locked `oci-spec` package with version X.Y.Z it sets the
//! compile-time variable `OCIDIFF_OCI_SPEC_X_Y=X.Y.Z`; src/judge.rs reads
//! `OCIDIFF_OCI_SPEC_0_10` and `OCIDIFF_OCI_SPEC_0_6`, which fail to compile
//! if the lock file no longer holds a release of that line.

use std::{env, fs, path::Path};

fn main() {
    let dir = env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let lock = Path::new(&dir).join("Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let text = fs::read_to_string(&lock)
        .unwrap_or_else(|e| panic!("build.rs: reading {}: {e}", lock.display()));

    let mut found = 0;
    for block in text.split("[[package]]") {
        let field = |key: &str| {
            block.lines().find_map(|l| {
                let v = l.trim().strip_prefix(key)?.trim_start().strip_prefix('=')?;
                Some(v.trim().trim_matches('"').to_string())
            })
        };
        if field("name").as_deref() != Some("oci-spec") {
            continue;
        }
        let version = field("version").expect("oci-spec package without version in Cargo.lock");
        let mut parts = version.split('.');
        let (major, minor) = (parts.next().unwrap_or("0"), parts.next().unwrap_or("0"));
        println!("cargo:rustc-env=OCIDIFF_OCI_SPEC_{major}_{minor}={version}");
        found += 1;
    }
    assert!(
        found > 0,
        "build.rs: no oci-spec package in {}",
        lock.display()
    );
}
