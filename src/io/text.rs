//! Small whole files read into memory (a policy, an article, a saved page, one comment):
//! never more than a bound, so `/dev/zero` or a 3 GB file given by mistake is an error, not
//! an exhausted machine; and UTF-8 checked, naming the line and byte where it breaks.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// Reads at most `max` bytes of `src` (named `name` in messages); more is an error.
pub fn read_bounded(mut src: impl Read, name: &str, what: &str, max: usize) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    (&mut src)
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(name, e))?;
    if bytes.len() > max {
        return Err(Error::Data(format!(
            "{name}: larger than {max} bytes, too large for {what}"
        )));
    }
    Ok(bytes)
}

/// A file (or standard input for `None` or `-`) as UTF-8 text of at most `max` bytes.
pub fn read_text(path: Option<&Path>, what: &str, max: usize) -> Result<String> {
    let (name, bytes) = match path.filter(|p| p.as_os_str() != "-") {
        Some(p) => {
            let f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
            let name = p.display().to_string();
            let b = read_bounded(f, &name, what, max)?;
            (name, b)
        }
        None => {
            let name = "<stdin>".to_string();
            let b = read_bounded(std::io::stdin(), &name, what, max)?;
            (name, b)
        }
    };
    utf8(bytes, &name)
}

/// `bytes` as a string, or an error naming the line and the byte of that line where the
/// UTF-8 breaks.
pub fn utf8(bytes: Vec<u8>, name: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let col = good.len() - good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        Error::input(
            name,
            line,
            None,
            format!("invalid UTF-8 at byte {col} of the line"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_located() {
        let e = read_bounded(std::io::repeat(0), "zero", "a policy", 1000).unwrap_err();
        assert_eq!(
            e.to_string(),
            "zero: larger than 1000 bytes, too large for a policy"
        );
        assert_eq!(read_bounded(&b"abc"[..], "x", "y", 3).unwrap(), b"abc");
        let e = utf8(b"ok\nab\xffc".to_vec(), "p").unwrap_err();
        assert_eq!(e.to_string(), "p:2: invalid UTF-8 at byte 3 of the line");
    }
}
