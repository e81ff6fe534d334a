//! Frames of the adapter protocol (parsers/adapter/PROTOCOL.md): a 4-byte
//! big-endian length, then exactly that many bytes.

use std::io::{self, Read, Write};

/// Largest frame either side may send; a longer one is a protocol error.
pub const MAX_FRAME: usize = 256 << 20;

/// Reads one frame into `buf`, reusing its allocation. It returns Ok(false)
/// on a clean end of input (no byte of a new frame read), and an error for
/// a frame cut short or longer than MAX_FRAME.
pub fn read_frame<R: Read>(r: &mut R, buf: &mut Vec<u8>) -> io::Result<bool> {
    let mut head = [0u8; 4];
    let mut got = 0;
    while got < head.len() {
        match r.read(&mut head[got..]) {
            Ok(0) if got == 0 => return Ok(false),
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("frame header cut short after {got} of 4 bytes"),
                ))
            }
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let len = u32::from_be_bytes(head) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("frame length {len} exceeds the {MAX_FRAME}-byte limit"),
        ));
    }
    buf.clear();
    buf.resize(len, 0);
    r.read_exact(buf).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("frame body of {len} bytes cut short: {e}"),
        )
    })?;
    Ok(true)
}

/// Writes one frame; the caller flushes.
pub fn write_frame<W: Write>(w: &mut W, body: &[u8]) -> io::Result<()> {
    let len = u32::try_from(body.len())
        .ok()
        .filter(|&n| n as usize <= MAX_FRAME)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("frame of {} bytes exceeds the limit", body.len()),
            )
        })?;
    w.write_all(&len.to_be_bytes())?;
    w.write_all(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut out = Vec::new();
        write_frame(&mut out, b"").unwrap();
        write_frame(&mut out, b"{\"a\":\0\xff}").unwrap();
        assert_eq!(&out[..8], &[0, 0, 0, 0, 0, 0, 0, 8]);

        let mut r = &out[..];
        let mut buf = Vec::new();
        assert!(read_frame(&mut r, &mut buf).unwrap());
        assert_eq!(buf, b"");
        assert!(read_frame(&mut r, &mut buf).unwrap());
        assert_eq!(buf, b"{\"a\":\0\xff}");
        assert!(!read_frame(&mut r, &mut buf).unwrap(), "clean EOF");
    }

    #[test]
    fn errors() {
        let mut buf = Vec::new();
        for (name, input) in [
            ("short header", &[0u8, 0][..]),
            ("short body", &[0, 0, 0, 5, b'a'][..]),
            ("too long", &[0x10, 0, 0, 1][..]),
        ] {
            let mut r = input;
            assert!(read_frame(&mut r, &mut buf).is_err(), "{name}: want error");
        }
    }
}
