//! ocidiff-rust-adapter serves the oci-spec crate as an ocidiff judge over
//! the framed stdin/stdout protocol of parsers/adapter/PROTOCOL.md.
//!
//! It carries two releases at once (Cargo renamed dependencies): the newest
//! and 0.6.0, the last one in which `windows.layerFolders` was a required
//! array, so that the harness can show a disagreement and its fix.
//!
//! Usage: ocidiff-rust-adapter [oci-spec@VERSION | --list | --default [oci-spec@VERSION] | --built]
//!
//! --default writes `Spec::default()` to stdout as the crate's `Spec::save`
//! writes it, so that the harness can judge what a program that builds its
//! config from the crate's defaults hands a runtime; --built writes, one a
//! line, the name and config of each spec in `defaults::built`.

mod defaults;
mod frame;
mod judge;

use std::io::{self, BufReader, BufWriter, Write};
use std::process::ExitCode;

use judge::{encode_verdict, Impl, IMPLS};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let imp: &Impl = match args.as_slice() {
        [] => &IMPLS[0],
        [flag, rest @ ..] if flag == "--default" && rest.len() <= 1 => {
            let imp = match rest.first() {
                None => &IMPLS[0],
                Some(name) => match IMPLS.iter().find(|i| i.name == name) {
                    Some(imp) => imp,
                    None => {
                        eprintln!("ocidiff-rust-adapter: unknown implementation {name:?}");
                        return ExitCode::from(2);
                    }
                },
            };
            return match (imp.default)() {
                Ok(b) if io::stdout().lock().write_all(&b).is_ok() => ExitCode::SUCCESS,
                Ok(_) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("ocidiff-rust-adapter: writing Spec::default(): {e}");
                    ExitCode::FAILURE
                }
            };
        }
        [flag] if flag == "--built" => {
            let mut out = io::stdout().lock();
            for (name, written) in defaults::built() {
                let line = match written {
                    Ok(b) => [name.as_bytes(), b"\t", &b, b"\n"].concat(),
                    Err(e) => {
                        eprintln!("ocidiff-rust-adapter: writing {name}: {e}");
                        return ExitCode::FAILURE;
                    }
                };
                if out.write_all(&line).is_err() {
                    return ExitCode::FAILURE;
                }
            }
            return ExitCode::SUCCESS;
        }
        [flag] if flag == "--list" => {
            let mut out = io::stdout().lock();
            for imp in &IMPLS {
                let _ = out.write_all(&imp.hello());
                let _ = out.write_all(b"\n");
            }
            return ExitCode::SUCCESS;
        }
        [name] => match IMPLS.iter().find(|i| i.name == name) {
            Some(imp) => imp,
            None => {
                let known: Vec<&str> = IMPLS.iter().map(|i| i.name).collect();
                eprintln!(
                    "ocidiff-rust-adapter: unknown implementation {name:?}; known: {}",
                    known.join(", ")
                );
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!(
                "usage: ocidiff-rust-adapter [oci-spec@VERSION | --list | --default [oci-spec@VERSION] | --built]"
            );
            return ExitCode::from(2);
        }
    };
    judge::install_panic_hook();
    match serve(imp) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ocidiff-rust-adapter: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the hello frame, then answers one verdict frame per input frame
/// until stdin ends.
fn serve(imp: &Impl) -> io::Result<()> {
    let mut input = BufReader::with_capacity(64 << 10, io::stdin().lock());
    let mut output = BufWriter::with_capacity(64 << 10, io::stdout().lock());
    frame::write_frame(&mut output, &imp.hello())?;
    output.flush()?;
    let (mut buf, mut verdict) = (Vec::new(), Vec::new());
    while frame::read_frame(&mut input, &mut buf)? {
        encode_verdict(&imp.judge(&buf), &mut verdict);
        frame::write_frame(&mut output, &verdict)?;
        output.flush()?;
    }
    Ok(())
}
