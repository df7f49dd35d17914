//! API keys: a file of `name key [admin|review]` lines (`review` keys open the review queue,
//! `admin` keys open it and the admin routes). A request names its key with `?key=`,
//! `x-goog-api-key` or `Authorization: Bearer`; keys are compared in constant time, and the
//! key's name is who a moderator's decision is recorded as.

use crate::error::{Error, Result};
use std::path::Path;

#[derive(Clone, Debug)]
pub struct Key {
    pub name: String,
    secret: Vec<u8>,
    pub admin: bool,
    /// may open the review queue and decide (every admin key may too)
    pub review: bool,
}

/// The keys a service accepts; empty when it needs none.
#[derive(Clone, Debug, Default)]
pub struct Keys {
    keys: Vec<Key>,
    pub required: bool,
}

impl Keys {
    /// Reads a key file: one key per line, `name key`, `name key admin` or `name key review`;
    /// `#` starts a comment.
    pub fn load(path: &Path) -> Result<Keys> {
        let text = crate::io::text::read_text(Some(path), "an API key file", 1 << 20)
            .map_err(|e| Error::Param(e.to_string()))?;
        let mut keys = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split_whitespace().collect();
            let (admin, review) = match f.get(2) {
                None => (false, false),
                Some(&"admin") if f.len() == 3 => (true, true),
                Some(&"review") if f.len() == 3 => (false, true),
                _ => {
                    return Err(Error::Param(format!(
                        "{}:{}: give 'name key', 'name key admin' or 'name key review'",
                        path.display(),
                        i + 1
                    )))
                }
            };
            if f.len() < 2 || f[1].len() < 16 {
                return Err(Error::Param(format!(
                    "{}:{}: give 'name key' with a key of at least 16 characters",
                    path.display(),
                    i + 1
                )));
            }
            keys.push(Key {
                name: f[0].to_string(),
                secret: f[1].as_bytes().to_vec(),
                admin,
                review,
            });
        }
        if keys.is_empty() {
            return Err(Error::Param(format!("{}: no keys in it", path.display())));
        }
        Ok(Keys {
            keys,
            required: true,
        })
    }

    /// The key `given` is, comparing with every key in constant time.
    pub fn check(&self, given: &[u8]) -> Option<&Key> {
        let mut found = None;
        for k in &self.keys {
            if constant_time_eq(&k.secret, given) {
                found = Some(k);
            }
        }
        found
    }
}

/// Equality whose time depends on the lengths only.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("keys");
        std::fs::write(
            &p,
            "# keys\nsite 0123456789abcdef\nops fedcba9876543210 admin\namna 0123456789abcdeZ review\n",
        )
        .unwrap();
        let k = Keys::load(&p).unwrap();
        assert_eq!(k.check(b"0123456789abcdef").unwrap().name, "site");
        assert!(k.check(b"fedcba9876543210").unwrap().admin);
        let amna = k.check(b"0123456789abcdeZ").unwrap();
        assert!(amna.review && !amna.admin);
        assert!(!k.check(b"0123456789abcdef").unwrap().review);
        assert!(k.check(b"0123456789abcdeX").is_none());
        assert!(k.check(b"").is_none());
        std::fs::write(&p, "site short\n").unwrap();
        assert!(Keys::load(&p).is_err());
    }
}
